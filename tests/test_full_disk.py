"""A full disk during `tbkl render`: every file not written is named, nothing is half-written,
and the manifest never vouches for a file that is not there."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import render_cli
from factories import notice_yaml

ROOT = Path(__file__).resolve().parents[1]
FULL = "không ghi được tệp (ổ đĩa đầy: không còn chỗ trống)"


def notices(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"tb-{index}.yaml"
        path.write_text(notice_yaml(so=str(50 + index)), encoding="utf-8")
        paths.append(path)
    return paths


def fill_disk_after(monkeypatch: pytest.MonkeyPatch, writes: int) -> None:
    """Make every os.write after the first `writes` fail as a full disk does."""
    real = os.write
    done = [0]

    def write(descriptor: int, data: bytes) -> int:
        done[0] += 1
        if done[0] > writes:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(descriptor, data)

    monkeypatch.setattr(os, "write", write)


def manifest_keys(out: Path) -> set[str]:
    path = out / ".tbkl-manifest.json"
    return set(json.loads(path.read_text(encoding="utf-8"))["entries"]) if path.exists() else set()


def assert_nothing_half_written(out: Path) -> None:
    assert not list(out.rglob(".tbkl-*.tmp"))
    for docx in out.rglob("*.docx"):
        assert zipfile.ZipFile(docx).testzip() is None
    assert manifest_keys(out) <= {p.name for p in out.glob("*.docx")}


def test_a_disk_that_fills_mid_batch_names_every_file_not_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    notices(tmp_path / "src", 3)
    out = tmp_path / "out"
    fill_disk_after(monkeypatch, 1)  # the first output fits, nothing after it
    result = render_cli(["render", str(tmp_path / "src"), "-o", str(out), "--jobs", "1"])
    monkeypatch.undo()
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[:3] == [
        f"{(out / 'tb-1.docx').as_posix()}: {FULL}",
        f"{(out / 'tb-2.docx').as_posix()}: {FULL}",
        f"{(out / '.tbkl-manifest.json').as_posix()}: {FULL}",
    ]
    assert lines[3].startswith("Đã tạo 1, không đổi 0, lỗi 2")
    assert "Traceback" not in result.output
    assert sorted(p.name for p in out.glob("*.docx")) == ["tb-0.docx"]
    assert_nothing_half_written(out)
    again = render_cli(["render", str(tmp_path / "src"), "-o", str(out), "--jobs", "1"])
    assert again.exit_code == 0, again.output
    assert sorted(p.name for p in out.glob("*.docx")) == ["tb-0.docx", "tb-1.docx", "tb-2.docx"]


def test_a_full_disk_keeps_the_old_outputs_and_the_old_manifest_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = notices(tmp_path / "src", 2)
    out = tmp_path / "out"
    assert render_cli(["render", str(tmp_path / "src"), "-o", str(out), "--jobs", "1"]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.name != ".tbkl-lock"}
    paths[0].write_text(notice_yaml(so="60", trich_yeu="Kết luận mới của đồng chí Chủ tịch"), encoding="utf-8")
    fill_disk_after(monkeypatch, 0)
    result = render_cli(["render", str(tmp_path / "src"), "-o", str(out), "--jobs", "1"])
    monkeypatch.undo()
    assert result.exit_code == 1
    assert f"{(out / 'tb-0.docx').as_posix()}: {FULL}" in result.output.splitlines()
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.name != ".tbkl-lock"} == before
    assert_nothing_half_written(out)


@pytest.mark.skipif(
    sys.platform != "linux" or os.geteuid() != 0 or shutil.which("mount") is None, reason="mounting a tmpfs needs root on Linux"
)
def test_a_real_tiny_disk(tmp_path: Path) -> None:
    """The real command on a real 64 KB file system: it fills up after a few outputs."""
    notices(tmp_path / "src", 30)
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)], capture_output=True, text=True)
    if mounted.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"cannot mount a tmpfs in CI: {mounted.stderr}")
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        out = disk / "out"
        done = subprocess.run(
            [sys.executable, "-m", "tbkl_gen", "render", str(tmp_path / "src"), "-o", str(out), "--jobs", "2"],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=300,
        )
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        written = {p.name for p in out.glob("*.docx")}
        missing = {f"tb-{index}.docx" for index in range(30)} - written
        assert missing, "the disk was meant to fill up"
        said = done.stdout + done.stderr
        for name in missing:
            assert f"{(out / name).as_posix()}: không ghi được tệp (ổ đĩa đầy" in said, said
        assert_nothing_half_written(out)
    finally:
        subprocess.run(["umount", str(disk)], check=False)
