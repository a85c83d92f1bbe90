"""The same inputs give the same bytes: across processes, time zones, hash seeds, locales, folders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import NOTICES, ROOT


def render_in_process(workspace: Path, env_overrides: dict[str, str]) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **env_overrides}
    out = workspace / "out"
    subprocess.run(
        [sys.executable, "-m", "tbkl_gen", "render", "notices", "-o", "out", "--force", "--quiet"],
        cwd=workspace,
        env=env,
        check=True,
        capture_output=True,
    )
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.docx"))}


def test_renders_are_byte_identical_across_processes_time_zones_seeds_locales_and_folders(tmp_path: Path) -> None:
    first = tmp_path / "a"
    second = tmp_path / "thư mục khác" / "b"
    for folder in (first, second):
        shutil.copytree(NOTICES, folder / "notices")
    one = render_in_process(first, {"TZ": "UTC", "PYTHONHASHSEED": "1", "LC_ALL": "C.UTF-8"})
    two = render_in_process(second, {"TZ": "Asia/Ho_Chi_Minh", "PYTHONHASHSEED": "4242", "LC_ALL": "C", "LANG": "C"})
    assert sorted(one) == sorted(two) and len(one) == len(list(NOTICES.rglob("*.yaml")))
    for name in one:
        assert one[name] == two[name], name


def test_zip_entries_carry_no_clock_and_no_paths(tmp_path: Path) -> None:
    shutil.copytree(NOTICES, tmp_path / "notices")
    outputs = render_in_process(tmp_path, {})
    for name, data in outputs.items():
        path = tmp_path / "probe.docx"
        path.write_bytes(data)
        with zipfile.ZipFile(path) as package:
            assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}, name
            text = b"".join(package.read(info) for info in package.infolist())
        assert str(tmp_path).encode() not in text
        assert b"2020-03-05T00:00:00Z" in text  # fixed document dates, never the render time
