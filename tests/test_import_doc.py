"""An old .doc given to `tbkl import`: a size limit before anything is copied, and a converter
that hangs is stopped whole (its process group), through the real command line.

LibreOffice is replaced by a fake `soffice` (TBKL_SOFFICE) that leaves a marker when it runs and
starts a child that sleeps: a converter that hangs with helpers under it, as soffice does with
soffice.bin.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import hostile_docx
from tbkl_gen.wordfile import MAX_FILE_BYTES

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the fake soffice is a POSIX shell script")

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # how every Word 97-2003 file starts


def fake_soffice(folder: Path) -> Path:
    """Write a soffice that records its pid and its child's, then waits on a child that sleeps for 10 minutes."""
    script = folder / "soffice"
    script.write_text(
        "#!/bin/sh\n"
        f'echo $$ > "{folder}/soffice.pid"\n'
        f'ps -o pgid= -p $$ > "{folder}/soffice.pgid"\n'
        "sleep 600 &\n"
        f'echo $! > "{folder}/child.pid"\n'
        "wait\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


def alive_in_group(group: int) -> list[str]:
    """Return the processes of a process group that still run (zombies, already ended, left out)."""
    listing = subprocess.run(["ps", "-A", "-o", "pid=,pgid=,stat=,args="], capture_output=True, text=True, check=True).stdout
    rows = [line.split(None, 3) for line in listing.splitlines()]
    return [" ".join(row) for row in rows if len(row) >= 3 and int(row[1]) == group and not row[2].startswith("Z")]


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "office"
    folder.mkdir()
    monkeypatch.setenv("TBKL_SOFFICE", str(fake_soffice(folder)))
    monkeypatch.setenv("TBKL_OFFICE_TIMEOUT", "2")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    return folder


def test_a_two_gigabyte_doc_is_refused_by_its_size_before_anything_is_copied(tmp_path: Path, fake: Path) -> None:
    huge = tmp_path / "to.doc"
    with huge.open("wb") as handle:
        handle.write(OLE)
        handle.truncate(2 * 1024**3)  # sparse: two gigabytes that take no room on the disk
    outcome = hostile_docx.run_measured(["import", str(huge), "-o", str(tmp_path / "out")], tmp_path)
    assert outcome.returncode == 1
    limit = MAX_FILE_BYTES // (1024 * 1024)
    assert f"{huge.as_posix()}: không nhập được: tệp lớn 2.048 MB, quá giới hạn {limit} MB của một tệp Word\n" in outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert not (fake / "soffice.pid").exists()  # LibreOffice never started
    assert list((tmp_path / "tmp").iterdir()) == []  # nothing copied into the temporary folder
    assert not (tmp_path / "out").exists()


def test_a_converter_that_hangs_is_stopped_with_every_process_it_started(tmp_path: Path, fake: Path) -> None:
    doc = tmp_path / "cu.doc"
    doc.write_bytes(OLE + b"\0" * 1000)
    outcome = hostile_docx.run_measured(["import", str(doc), "-o", str(tmp_path / "out")], tmp_path)
    assert outcome.returncode == 1
    assert f"{doc.as_posix()}: không nhập được: LibreOffice chưa chuyển xong sau 2 giây nên đã bị dừng\n" in outcome.stderr
    assert "Traceback" not in outcome.stderr
    group = int((fake / "soffice.pgid").read_text())
    assert group == int((fake / "soffice.pid").read_text())  # soffice leads a process group of its own
    assert group != os.getpgid(0)
    # SIGKILL is sent to the whole group before the command returns; wait only for the kernel to finish it.
    deadline = time.monotonic() + 30
    while alive_in_group(group) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert alive_in_group(group) == []
    assert list((tmp_path / "tmp").iterdir()) == []  # the profile and the copy are removed


def test_an_unreadable_office_timeout_is_named(tmp_path: Path, fake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TBKL_OFFICE_TIMEOUT", "soon")
    doc = tmp_path / "cu.doc"
    doc.write_bytes(OLE + b"\0" * 1000)
    outcome = hostile_docx.run_measured(["import", str(doc), "-o", str(tmp_path / "out")], tmp_path)
    assert outcome.returncode == 1
    assert "biến môi trường TBKL_OFFICE_TIMEOUT phải là số giây lớn hơn 0 (tối đa 86400), không phải “soon”" in outcome.stderr
    assert not (fake / "soffice.pid").exists()
