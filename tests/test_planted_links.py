"""Links planted by another user in an output folder never make the tool write through them.

Another user who can write to a shared output folder (an office share, /tmp) puts links at every
name the tool could use: the outputs, the manifest, the report, the PDF and its sidecar, the
temporary names (even predicted ones), and a sub-folder. Every case runs the real command and
then checks that the victim's file (standing for ~/.bashrc) is byte for byte what it was.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from factories import notice_yaml
from tbkl_gen import files
from tbkl_gen.errors import UnsafeFolder
from tbkl_gen.files import TEMP_PREFIX, TEMP_SUFFIX, read_regular, write_file

ROOT = Path(__file__).resolve().parents[1]
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")
VICTIM_TEXT = b"# the victim's own shell start-up file\nexport PATH=/usr/bin\n"


def tbkl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed tool's entry point as a user would, in its own folder."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "tbkl_gen", *args], cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=600
    )


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    path = home / ".bashrc"
    path.write_bytes(VICTIM_TEXT)
    return path


def _untouched(victim: Path) -> None:
    assert victim.read_bytes() == VICTIM_TEXT
    assert not victim.is_symlink()
    assert sorted(p.name for p in victim.parent.iterdir()) == [".bashrc"]


def _plant_temporary_names(folder: Path, victim: Path, stems: list[str]) -> list[Path]:
    """Plant links at every temporary name a predictable writer could use: the old hashed names
    for the next pids, `.name.tmp`-style names, and names of the shape of ours."""
    import hashlib

    planted = []
    folder.mkdir(parents=True, exist_ok=True)
    next_pid = os.getpid()
    for stem in stems:
        for pid in range(next_pid, next_pid + 400):
            tag = hashlib.sha256(f"{stem}\0{pid}".encode()).hexdigest()[:12]
            planted.append(folder / f"{TEMP_PREFIX}{tag}{TEMP_SUFFIX}")
        planted += [folder / f".{stem}.tmp", folder / f"{stem}.tmp", folder / f".{stem}.tbkl-tmp"]
    for link in planted:
        if not link.exists():
            link.symlink_to(victim)
    return planted


@POSIX
def test_render_replaces_links_at_the_outputs_and_never_writes_through_them(tmp_path: Path, victim: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for index in range(3):
        (src / f"tb-{index}.yaml").write_text(notice_yaml(so=str(20 + index)), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    names = [f"tb-{index}.docx" for index in range(3)]
    _plant_temporary_names(out, victim, [*names, ".tbkl-manifest.json"])
    for name in [*names, ".tbkl-manifest.json"]:
        (out / name).symlink_to(victim)
    done = tbkl("render", str(src), "-o", str(out), "--force", "--jobs", "2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    _untouched(victim)
    for name in [*names, ".tbkl-manifest.json"]:
        assert not (out / name).is_symlink()
        assert (out / name).stat().st_size > 100
    assert (out / names[0]).read_bytes()[:2] == b"PK"


@POSIX
def test_render_refuses_a_linked_folder_inside_the_output_folder(tmp_path: Path, victim: Path) -> None:
    src = tmp_path / "src"
    (src / "phong").mkdir(parents=True)
    (src / "phong" / "tb-1.yaml").write_text(notice_yaml(), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "phong").symlink_to(victim.parent)  # planted: out/phong/tb-1.docx would land in the victim's home
    done = tbkl("render", str(src), "-o", str(out), cwd=tmp_path)
    assert done.returncode == 1
    link = (out / "phong").as_posix()
    assert f"thư mục “{link}” trong thư mục đầu ra là một liên kết" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    _untouched(victim)


@POSIX
def test_import_report_and_sources_replace_planted_links(tmp_path: Path, victim: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "tb-1.yaml").write_text(notice_yaml(), encoding="utf-8")
    rendered = tmp_path / "rendered"
    assert tbkl("render", str(src), "-o", str(rendered), cwd=tmp_path).returncode == 0
    word = tmp_path / "word"
    word.mkdir()
    (rendered / "tb-1.docx").rename(word / "thong-bao.docx")
    out = tmp_path / "nguon"
    _plant_temporary_names(out, victim, ["thong-bao.yaml"])
    (out / "thong-bao.yaml").symlink_to(victim)
    report = tmp_path / "shared" / "bao-cao.txt"
    report.parent.mkdir()
    _plant_temporary_names(report.parent, victim, ["bao-cao.txt"])
    report.symlink_to(victim)
    done = tbkl("import", str(word), "-o", str(out), "--report", str(report), "--force", cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    _untouched(victim)
    assert not report.is_symlink()
    assert "thong-bao.docx" in report.read_text(encoding="utf-8")
    assert not (out / "thong-bao.yaml").is_symlink()
    assert "trich_yeu" in (out / "thong-bao.yaml").read_text(encoding="utf-8")


@POSIX
def test_pdf_and_sidecar_replace_planted_links(tmp_path: Path, victim: Path, libreoffice: str) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "tb-1.yaml").write_text(notice_yaml(), encoding="utf-8")
    out = tmp_path / "out"
    _plant_temporary_names(out, victim, ["tb-1.docx", "tb-1.pdf", "tb-1.json"])
    for name in ("tb-1.pdf", "tb-1.json"):
        (out / name).symlink_to(victim)
    done = tbkl("render", str(src), "-o", str(out), "--pdf", "--sidecar", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    _untouched(victim)
    assert (out / "tb-1.pdf").read_bytes().startswith(b"%PDF")
    assert not (out / "tb-1.pdf").is_symlink()
    assert b'"tep_pdf": "tb-1.pdf"' in (out / "tb-1.json").read_bytes()


@POSIX
def test_the_writer_skips_names_planted_after_predicting_them(tmp_path: Path, victim: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even an attacker who knew the random names in advance only makes the writer pick another."""
    randoms = [bytes([index] * 6) for index in range(50)]
    predicted = [random.hex() for random in randoms]
    for name in predicted[:-1]:
        (tmp_path / f"{TEMP_PREFIX}{name}{TEMP_SUFFIX}").symlink_to(victim)
    (tmp_path / f"{TEMP_PREFIX}{predicted[0]}{TEMP_SUFFIX}").unlink()
    (tmp_path / f"{TEMP_PREFIX}{predicted[0]}{TEMP_SUFFIX}").symlink_to(tmp_path / "nowhere")  # a link to nothing, too
    drawn = iter(randoms)
    monkeypatch.setattr(files.os, "urandom", lambda size: next(drawn)[:size])
    target = tmp_path / "tb.docx"
    write_file(target, b"new bytes")
    monkeypatch.undo()
    _untouched(victim)
    assert target.read_bytes() == b"new bytes"
    assert not (tmp_path / "nowhere").exists()
    assert not (tmp_path / f"{TEMP_PREFIX}{predicted[-1]}{TEMP_SUFFIX}").exists()  # renamed into place
    assert next(drawn, None) is None  # every planted name was tried, and passed over


@POSIX
def test_a_fresh_file_is_its_owners_alone_and_not_inherited(tmp_path: Path) -> None:
    descriptor, path = files.create_fresh(tmp_path)
    try:
        assert path.parent == tmp_path and files.is_temporary(path)
        assert path.stat().st_mode & 0o777 == 0o600
        assert not os.get_inheritable(descriptor)
    finally:
        os.close(descriptor)


@POSIX
def test_the_writer_refuses_a_linked_folder_below_the_output_folder(tmp_path: Path, victim: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a").mkdir()
    (out / "a" / "b").symlink_to(victim.parent)
    with pytest.raises(UnsafeFolder) as refused:
        write_file(out / "a" / "b" / "c" / "tb.docx", b"x", inside=out)
    assert refused.value.folder == out / "a" / "b"
    _untouched(victim)
    linked_out = tmp_path / "linked-out"
    linked_out.symlink_to(out)  # the output folder the user names may itself be a link of theirs
    write_file(linked_out / "tb.docx", b"x", inside=linked_out)
    assert (out / "tb.docx").read_bytes() == b"x"


@POSIX
def test_the_reader_refuses_links_and_pipes_where_asked(tmp_path: Path, victim: Path) -> None:
    from tbkl_gen.errors import NotReadable

    link = tmp_path / "manifest.json"
    link.symlink_to(victim)
    assert read_regular(link, 1000) == VICTIM_TEXT
    with pytest.raises(NotReadable, match="liên kết"):
        read_regular(link, 1000, follow_links=False)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(NotReadable, match="ống dẫn"):
        read_regular(fifo, 1000)
    with pytest.raises(NotReadable, match="quá lớn"):
        read_regular(victim, 10)


# --- a signal during the PDF step ----------------------------------------------------------------


def _processes_mentioning(text: str) -> list[str]:
    proc = Path("/proc")
    found = []
    for entry in proc.iterdir() if proc.is_dir() else []:
        try:
            if entry.name.isdigit() and text.encode() in (entry / "cmdline").read_bytes():
                found.append(entry.name)
        except OSError:
            continue
    return found


@POSIX
@pytest.mark.parametrize(
    ("signum", "code", "message"),
    [(signal.SIGTERM, 143, "Đã dừng theo yêu cầu (SIGTERM)."), (signal.SIGINT, 130, "Đã dừng theo yêu cầu (Ctrl-C).")],
)
def test_a_signal_during_render_pdf_removes_the_office_folder_and_says_so(
    tmp_path: Path, libreoffice: str, signum: int, code: int, message: str
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for index in range(3):
        (src / f"tb-{index}.yaml").write_text(notice_yaml(so=str(30 + index)), encoding="utf-8")
    temp = tmp_path / "tam"
    temp.mkdir()
    marker = tmp_path / "paused"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(temp), "TBKL_TEST_PAUSE_AT": f"pdf:{marker}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "tbkl_gen", "render", str(src), "-o", str(tmp_path / "out"), "--pdf", "--jobs", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        deadline = time.monotonic() + 300
        while not marker.exists():  # the first PDF is written and LibreOffice is running
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the PDF step never started"
            time.sleep(0.01)
        (office,) = temp.glob("tbkl-office-*")
        assert (office / "profile").is_dir()  # what used to be left behind: LibreOffice's profile
        process.send_signal(signum)
        _, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == code, err
    assert err.strip().splitlines()[-1] == message
    assert "Traceback" not in err
    assert not list(temp.iterdir())
    assert not _processes_mentioning(str(temp))  # LibreOffice and its helper are gone too
    assert not list((tmp_path / "out").glob(".tbkl-*.tmp"))
