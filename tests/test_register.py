"""Issuing (tbkl issue) and the register (tbkl register): numbers, files, git, frozen documents, exports.

Real git, real LibreOffice (the PDF/A), the real command line; the register's rows and the issued
files are read back from disk. Two clerks at once: threads and processes drawing numbers under
the register's lock get distinct consecutive numbers.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from docx import Document

from conftest import SIGNER, fill_in, render_cli
from tbkl_gen import files
from tbkl_gen.errors import LockBusy
from tbkl_gen.service import register, review
from tbkl_gen.service.people import Person
from tbkl_gen.service.register import Entry
from tbkl_gen.source.workspace import find_workspace

TITLE = "Kết luận của Chủ tịch UBND tỉnh tại buổi làm việc với Sở Nội vụ"
INVITATION = "Họp bàn về chuyển đổi số"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, check=True)
    return done.stdout.decode("utf-8").strip()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace made by `tbkl init` with two notices, in a git repository with one commit."""
    root = tmp_path / "van-phong"
    assert render_cli(["init", str(root), "--nguoi-ky", SIGNER]).exit_code == 0
    assert render_cli(["new", TITLE, "--ten", "noi-vu"], cwd=root).exit_code == 0
    assert render_cli(["new", "Kết luận họp về đất đai", "--ten", "dat-dai"], cwd=root).exit_code == 0
    for source in root.glob("notices/*/*.yaml"):
        fill_in(source)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run(["git", "config", "user.name", "Văn thư Thử"], cwd=root, check=True)
    subprocess.run(["git", "config", "user.email", "vanthu@example.org"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "dự thảo"], cwd=root, check=True)
    for source in sorted(root.glob("notices/*/*.yaml")):
        approve(root, source)
    return root


DRAFTER = Person("chuyenvien", "Trần Chuyên Viên", "cv@example.org", frozenset({"soan-thao"}))
LEADER = Person("lanhdao", "Phạm Lãnh Đạo", "ld@example.org", frozenset({"duyet"}))


def approve(root: Path, source: Path) -> None:
    """Submit the source for review and approve it, through the review the page uses (the clerk issues approved documents)."""
    review.submit(root, source, DRAFTER)
    review.approve(root, source, LEADER)


def notice(root: Path, name: str) -> Path:
    (found,) = root.glob(f"notices/*/{name}.yaml")
    return found


def rows_on_disk(root: Path, year: int) -> list[dict[str, str]]:
    with open(root / "so-dang-ky" / f"{year}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def docx_text(path: Path) -> str:
    document = Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


# --- the whole issue, through the command line ----------------------------------------------------


def test_issue_draws_01_writes_the_source_files_row_commit_and_tag(libreoffice: str, workspace: Path) -> None:
    source = notice(workspace, "noi-vu")
    before = source.read_text(encoding="utf-8")
    drafted = git(workspace, "log", "-1", "--format=%H", "--", "notices/2026/noi-vu.yaml")
    result = render_cli(["issue", str(source), "--ngay", "05/01/2027"], cwd=workspace)
    assert result.exit_code == 0, result.output
    assert "Đã phát hành số 01/TB-UBND ngày 05/01/2027" in result.output

    # the source: number and date written, every other line (comments included) as it was
    after = source.read_text(encoding="utf-8")
    changed = [(old, new) for old, new in zip(before.splitlines(), after.splitlines(), strict=True) if old != new]
    assert len(before.splitlines()) == len(after.splitlines())
    assert [new.split("#")[0].strip() for _, new in changed] == ['so: "01"', 'ngay: "05/01/2027"']
    assert all(old.split("#")[1:] == new.split("#")[1:] for old, new in changed)  # the comments kept

    # the issued files, read back
    folder = workspace / "phat-hanh" / "2027"
    docx, pdf, sidecar = (folder / f"01-tb-ubnd{suffix}" for suffix in (".docx", ".pdf", ".json"))
    text = docx_text(docx)
    assert "Số: 01/TB-UBND" in text and "ngày 05 tháng 01 năm 2027" in text
    meta = subprocess.run(["pdfinfo", "-meta", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"pdfaid:part(>|=\")2", meta) and re.search(r"pdfaid:conformance(>|=\")B", meta)
    hand_off = json.loads(sidecar.read_text(encoding="utf-8"))
    assert (hand_off["so_ky_hieu"], hand_off["ngay_ban_hanh"], hand_off["tep_pdf"]) == ("01/TB-UBND", "2027-01-05", pdf.name)

    # the register's row
    (row,) = rows_on_disk(workspace, 2027)
    import hashlib

    assert row["so"] == "01" and row["ky_hieu"] == "TB-UBND" and row["ngay"] == "05/01/2027" and row["loai"] == "thong_bao"
    assert row["trich_yeu"] == TITLE and row["nguoi_ky"] == SIGNER and "Các sở, ban, ngành" in row["noi_nhan"]
    assert row["tep_nguon"] == "notices/2026/noi-vu.yaml" and row["nguon_so"] == "so-dang-ky"
    assert row["nguon_sha256"] == hashlib.sha256(source.read_bytes()).hexdigest() == hand_off["nguon_sha256"]
    assert row["commit"] == drafted  # the version approved, before the issue
    assert row["nguoi_phat_hanh"] == "Văn thư Thử"

    # one commit of the clerk's with all of it, tagged
    assert git(workspace, "log", "-1", "--format=%an <%ae>|%s") == (
        "Văn thư Thử <vanthu@example.org>|Phát hành số 01/TB-UBND ngày 05/01/2027: notices/2026/noi-vu.yaml"
    )
    committed = set(git(workspace, "show", "--name-only", "--format=", "HEAD").splitlines())
    assert {
        "notices/2026/noi-vu.yaml",
        "so-dang-ky/2027.csv",
        *(f"phat-hanh/2027/01-tb-ubnd{s}" for s in (".docx", ".pdf", ".json")),
    } <= committed
    assert git(workspace, "rev-parse", "phat-hanh/2027/01-tb-ubnd^{commit}") == git(workspace, "rev-parse", "HEAD")
    assert git(workspace, "status", "--porcelain") == ""  # nothing left out, the lock file not lying around
    # the review's record says issued, in the same commit: the notice is no longer "chờ duyệt" for its changed number
    assert ".duyet/notices/2026/noi-vu.yaml.json" in committed
    record = review.read(workspace, source)
    assert record.state == "da-phat-hanh" and record.issued is not None
    assert (record.issued["so"], record.issued["ngay"], record.issued["commit"]) == ("01/TB-UBND", "05/01/2027", drafted)
    assert review.status(workspace, source).state == "da-phat-hanh"

    # re-rendering the issued source gives the same bytes
    again = workspace / "lai"
    assert render_cli(["render", str(source), "-o", str(again), "--quiet"], cwd=workspace).exit_code == 0
    assert (again / "noi-vu.docx").read_bytes() == docx.read_bytes()

    # frozen: not issued twice, and `tbkl check` warns once the source is edited by hand
    twice = render_cli(["issue", str(source)], cwd=workspace)
    assert twice.exit_code == 1 and "đã phát hành số 01/TB-UBND ngày 05/01/2027; không phát hành lại" in twice.output
    assert "đã phát hành" not in render_cli(["check"], cwd=workspace).output
    source.write_text(after.replace(TITLE, TITLE + " (sửa)"), encoding="utf-8")
    warned = render_cli(["check"], cwd=workspace).output
    assert "notices/2026/noi-vu.yaml: cảnh báo: văn bản đã phát hành (số 01/TB-UBND, ngày 05/01/2027)" in warned
    assert "nhãn git phat-hanh/2027/01-tb-ubnd" in warned
    slipped = source.read_text(encoding="utf-8").replace("ngay_hop:  #", "ngay_hop: 12.3.2026  #")
    source.write_text(slipped, encoding="utf-8")
    fixing = render_cli(["check", "--fix", str(source)], cwd=workspace)
    assert "noi-vu.yaml: không sửa: văn bản đã phát hành (số 01/TB-UBND, ngày 05/01/2027) nên không được sửa" in fixing.output
    assert source.read_text(encoding="utf-8") == slipped  # --fix leaves an issued source alone

    # the next document takes 02; one typed from e-office keeps its number and says so
    second = render_cli(["issue", str(notice(workspace, "dat-dai")), "--ngay", "06/01/2027"], cwd=workspace)
    assert second.exit_code == 0, second.output
    assert [r["so"] for r in rows_on_disk(workspace, 2027)] == ["01", "02"]


def test_a_number_typed_from_e_office_is_recorded_and_a_taken_one_refused(libreoffice: str, workspace: Path) -> None:
    source = notice(workspace, "noi-vu")
    result = render_cli(["issue", str(source), "--so", "7", "--ngay", "31/12/2026"], cwd=workspace)
    assert result.exit_code == 0, result.output
    (row,) = rows_on_disk(workspace, 2026)
    assert (row["so"], row["nguon_so"]) == ("07", "e-office")
    assert register.next_number(workspace, 2026, "UBND") == "08"
    assert register.next_number(workspace, 2027, "UBND") == "01"  # a new year starts at 01 (ND30 Điều 15)
    other = notice(workspace, "dat-dai")
    before = other.read_bytes()
    taken = render_cli(["issue", str(other), "--so", "07", "--ngay", "31/12/2026"], cwd=workspace)
    assert taken.exit_code == 1
    assert "số 07 năm 2026 của dãy “UBND” đã cấp cho 07/TB-UBND ngày 31/12/2026 (notices/2026/noi-vu.yaml)" in taken.output
    assert other.read_bytes() == before and "Traceback" not in taken.output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--ngay", "31/02/2027"], "ngày ban hành “31/02/2027” không có trong lịch"),
        (["--ngay", "2027"], "ngày ban hành “2027” không hợp lệ: cần ngày đủ, dạng ngày/tháng/năm"),
        (["--so", "05/TB-UBND"], "số văn bản “05/TB-UBND” không hợp lệ"),
    ],
)
def test_a_bad_number_or_date_is_refused_and_nothing_written(workspace: Path, args: list[str], said: str) -> None:
    source = notice(workspace, "noi-vu")
    before = source.read_bytes()
    result = render_cli(["issue", str(source), *args], cwd=workspace)
    assert result.exit_code == 1 and said in result.output and "Traceback" not in result.output
    assert source.read_bytes() == before and not (workspace / "so-dang-ky").exists()


def test_a_notice_with_errors_is_not_issued(workspace: Path) -> None:
    source = notice(workspace, "noi-vu")
    source.write_text(source.read_text(encoding="utf-8").replace("phien_ban: 1", "phien_ban: 1\nso_la: 3"), encoding="utf-8")
    before = source.read_bytes()
    result = render_cli(["issue", str(source)], cwd=workspace)
    assert result.exit_code == 1 and "so_la" in result.output
    assert source.read_bytes() == before and not list(workspace.glob("phat-hanh/*/*"))


def test_a_source_not_in_utf8_is_named_as_check_names_it_and_not_issued(workspace: Path) -> None:
    source = notice(workspace, "noi-vu")
    source.write_bytes(
        source.read_text(encoding="utf-8").replace(TITLE, "Kết luận café").encode("utf-8").replace(b"caf\xc3\xa9", b"caf\xe9")
    )
    before = source.read_bytes()
    checked = render_cli(["check", str(source)], cwd=workspace)
    said = next(line for line in checked.output.splitlines() if "không phải UTF-8" in line)
    for args in (["issue", str(source), "--ngay", "07/12/2026"], ["issue", str(source), "--khong-qua-duyet"]):
        result = render_cli(args, cwd=workspace)
        assert result.exit_code == 1 and said in result.output and "Traceback" not in result.output
    assert source.read_bytes() == before and not list(workspace.glob("so-dang-ky/*.csv")) and not list(workspace.glob("phat-hanh/*/*"))


def test_an_issue_that_fails_on_the_way_puts_everything_back(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No LibreOffice: the PDF/A cannot be made, so the source, the register and git stay as they were."""
    source = notice(workspace, "noi-vu")
    before = source.read_bytes()
    head = git(workspace, "rev-parse", "HEAD")
    monkeypatch.setenv("TBKL_SOFFICE", str(workspace / "khong-co-soffice"))
    result = render_cli(["issue", str(source), "--ngay", "07/12/2026"], cwd=workspace)
    assert result.exit_code == 1 and "không tìm thấy LibreOffice (soffice) để xuất PDF" in result.output
    assert source.read_bytes() == before
    assert not list((workspace / "phat-hanh").rglob("*.*")) and not (workspace / "so-dang-ky" / "2026.csv").exists()
    assert git(workspace, "rev-parse", "HEAD") == head and git(workspace, "tag") == ""
    assert not (workspace / "so-dang-ky" / ".khoa").exists()


def test_two_clerks_issuing_at_once_get_distinct_consecutive_numbers(libreoffice: str, workspace: Path) -> None:
    """Two `tbkl issue` processes started together: 01 and 02, one each, both committed and tagged."""
    tbkl = [sys.executable, "-m", "tbkl_gen"]
    runs = [
        subprocess.Popen(
            [*tbkl, "issue", str(notice(workspace, name)), "--ngay", "07/12/2026"],
            cwd=workspace,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for name in ("noi-vu", "dat-dai")
    ]
    outputs = [run.communicate(timeout=600)[0].decode("utf-8") for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    rows = rows_on_disk(workspace, 2026)
    assert sorted(r["so"] for r in rows) == ["01", "02"]
    assert sorted(r["tep_nguon"] for r in rows) == ["notices/2026/dat-dai.yaml", "notices/2026/noi-vu.yaml"]
    assert sorted(git(workspace, "tag").splitlines()) == ["phat-hanh/2026/01-tb-ubnd", "phat-hanh/2026/02-tb-ubnd"]
    assert git(workspace, "status", "--porcelain") == ""


# --- review: only the approved version ------------------------------------------------------------


def test_without_approval_or_after_a_change_the_clerk_is_refused(workspace: Path) -> None:
    assert render_cli(["new", "Kết luận họp về giáo dục", "--ten", "giao-duc"], cwd=workspace).exit_code == 0
    fresh = fill_in(notice(workspace, "giao-duc"))  # written, never submitted
    refused = render_cli(["issue", str(fresh)], cwd=workspace)
    assert refused.exit_code == 1 and "giao-duc.yaml: văn bản chưa được duyệt" in refused.output
    source = notice(workspace, "noi-vu")
    approved = review.read(workspace, source).approved
    assert approved is not None
    source.write_text(source.read_text(encoding="utf-8") + "# sửa sau khi duyệt\n", encoding="utf-8")
    changed = render_cli(["issue", str(source)], cwd=workspace)
    assert changed.exit_code == 1 and f"văn bản đã thay đổi sau khi được duyệt (bản duyệt: {approved.commit[:10]})" in changed.output
    assert not (workspace / "so-dang-ky" / "2026.csv").exists()


# --- the register's sequences and lock, without LibreOffice ---------------------------------------


def entry(number: str, *, year: int = 2026, sequence: str = "UBND", source: str = "notices/a.yaml") -> Entry:
    return Entry(
        day_so=sequence,
        so=number,
        ky_hieu="TB-UBND",
        ngay=f"01/02/{year}",
        loai="thong_bao",
        trich_yeu="Kết luận, “họp”; số 1",
        nguoi_ky="Nguyễn Văn A",
        noi_nhan="Như trên; Lưu: VT",
        so_ban="5",
        tep_nguon=source,
        nguon_sha256="0" * 64,
        commit="",
        nhan_git="",
        tep_docx="",
        tep_pdf="",
        nguon_so="so-dang-ky",
        nguoi_phat_hanh="Văn thư",
        thoi_gian="2026-02-01T08:00:00+07:00",
    )


def test_sequences_of_tbkl_yaml_number_kinds_apart(tmp_path: Path) -> None:
    (tmp_path / "tbkl.yaml").write_text(
        textwrap.dedent(
            """\
            day_so:
              - ten: Giấy mời
                loai: [giay_moi]
              - ten: Công văn của Văn phòng
                loai: [cong_van]
                ky_hieu: [UBND-VP]
            """
        ),
        encoding="utf-8",
    )
    workspace = find_workspace(tmp_path)
    assert workspace is not None and workspace.problems == []
    assert workspace.sequence_for("giay_moi", "GM-UBND", "UBND") == "Giấy mời"
    assert workspace.sequence_for("cong_van", "UBND-VP", "UBND") == "Công văn của Văn phòng"
    # the rest: the issuing body's own sequence (ND30 Điều 15), the Office's apart from the Committee's
    assert workspace.sequence_for("cong_van", "UBND-KGVX", "UBND") == "UBND"
    assert workspace.sequence_for("thong_bao", "TB-UBND", "UBND") == "UBND"
    assert workspace.sequence_for("thong_bao", "TB-VP", "VP") == "VP"
    with register.locked(tmp_path):
        register.append(tmp_path, entry("01"))
        register.append(tmp_path, entry("01", sequence="Giấy mời"))
        register.append(tmp_path, entry("02", sequence="Giấy mời"))
    assert register.next_number(tmp_path, 2026, "UBND") == "02"
    assert register.next_number(tmp_path, 2026, "VP") == "01"
    assert register.next_number(tmp_path, 2026, "Giấy mời") == "03"
    assert register.next_number(tmp_path, 2026, "Công văn của Văn phòng") == "01"


def test_numbers_start_again_at_01_on_1_january(tmp_path: Path) -> None:
    (tmp_path / "tbkl.yaml").write_text("", encoding="utf-8")
    with register.locked(tmp_path):
        for number in ("01", "02", "03"):
            register.append(tmp_path, entry(number, year=2026, source=f"notices/{number}.yaml"))
    assert register.next_number(tmp_path, 2026, "UBND") == "04"
    assert register.next_number(tmp_path, 2027, "UBND") == "01"  # ND30 Điều 15: from 01 on 1 January
    with register.locked(tmp_path):
        register.append(tmp_path, entry("01", year=2027, source="notices/2027.yaml"))
    assert register.holder_of(tmp_path, 2027, "UBND", "01") is not None
    assert register.next_number(tmp_path, 2027, "UBND") == "02" and register.next_number(tmp_path, 2026, "UBND") == "04"
    assert [e.so for e in register.entries(tmp_path, 2026)] == ["01", "02", "03"]


def test_a_wrong_day_so_is_named_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "tbkl.yaml").write_text(
        "day_so:\n  - ten: A\n    loai: [thong_bao, to_trinh]\n  - loai: [giay_moi]\n  - ten: B\n  - ten: C\n    so: 1\n    loai: [cong_van]\n",
        encoding="utf-8",
    )
    workspace = find_workspace(tmp_path)
    assert workspace is not None
    said = [p.format(tmp_path) for p in workspace.problems]
    assert said == [
        "tbkl.yaml:3:23: day_so[1].loai[2]: không có loại văn bản “to_trinh” (các loại: thong_bao, cong_van, giay_moi)",
        "tbkl.yaml:4:5: day_so[2]: cần tên dãy số (ten)",
        "tbkl.yaml:5:5: day_so[3]: dãy số “B” cần loai hoặc ky_hieu: những văn bản nào dùng dãy này",
        "tbkl.yaml:7:5: day_so[4].so: khóa không hợp lệ “so” trong dãy số (các khóa được dùng: ten, loai, ky_hieu)",
    ]


WORKER = """
import sys, time
from pathlib import Path
from tbkl_gen.service import register, review
from tbkl_gen.service.people import Person
sys.path.insert(0, {tests!r})
from test_register import draw
root = Path(sys.argv[1])
while not (root / "go").exists():
    time.sleep(0.01)
for _ in range(3):
    draw(root, sys.argv[2])
"""


def draw(root: Path, who: str) -> None:
    """Draw the next number and record it, slowly enough that an unlocked register would hand one number out twice."""
    import time

    with register.locked(root, wait=120):
        number = register.next_number(root, 2026, "UBND")
        time.sleep(0.02)
        register.append(root, entry(number, source=f"notices/{who}.yaml"))


def test_threads_and_processes_drawing_at_once_get_distinct_consecutive_numbers(tmp_path: Path) -> None:
    tests = str(Path(__file__).resolve().parent)
    processes = [
        subprocess.Popen([sys.executable, "-c", WORKER.format(tests=tests), str(tmp_path), f"p{index}"], cwd=tests) for index in range(3)
    ]
    threads = [threading.Thread(target=lambda i=index: [draw(tmp_path, f"t{i}") for _ in range(3)]) for index in range(3)]
    (tmp_path / "go").write_text("", encoding="utf-8")
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [p.wait(timeout=120) for p in processes] == [0, 0, 0]
    rows = register.entries(tmp_path, 2026)
    assert sorted(int(r.so) for r in rows) == list(range(1, 19))
    assert sorted({r.tep_nguon for r in rows}) == sorted(
        [f"notices/p{i}.yaml" for i in range(3)] + [f"notices/t{i}.yaml" for i in range(3)]
    )
    assert not (tmp_path / "so-dang-ky" / ".khoa").exists()


def test_a_lock_left_by_a_process_that_died_is_taken_over(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock = tmp_path / ".khoa"
    import socket
    import time

    lock.write_text(json.dumps({"host": socket.gethostname(), "pid": dead.pid, "since": time.time(), "mark": "x"}), encoding="utf-8")
    with files.held(lock, what="sổ", wait=5):
        assert json.loads(lock.read_text(encoding="utf-8"))["pid"] == os.getpid()
    assert not lock.exists()


def test_a_lock_held_by_a_live_process_is_waited_for_then_named(tmp_path: Path) -> None:
    import socket
    import time

    lock = tmp_path / ".khoa"
    lock.write_text(json.dumps({"host": socket.gethostname(), "pid": os.getpid(), "since": time.time(), "mark": "x"}), encoding="utf-8")
    with pytest.raises(LockBusy) as caught:
        with files.held(lock, what="sổ đăng ký văn bản", wait=0.3):
            pass
    assert f"sổ đăng ký văn bản đang bận (tiến trình {os.getpid()} trên máy {socket.gethostname()} giữ khóa từ" in str(caught.value)
    assert lock.exists()  # another's lock is never removed
    old = time.time() - 3600
    lock.write_text(json.dumps({"host": "may-khac", "pid": 1, "since": old, "mark": "y"}), encoding="utf-8")
    with files.held(lock, what="sổ", wait=5, stale_after=600):  # older than stale_after: taken over
        pass


# --- exports ---------------------------------------------------------------------------------------


def test_exports_have_vietnamese_headings_and_filter_by_year(tmp_path: Path) -> None:
    (tmp_path / "tbkl.yaml").write_text("mau: ubnd-tinh\n", encoding="utf-8")
    with register.locked(tmp_path):
        register.append(tmp_path, entry("01", year=2025))
        register.append(tmp_path, entry("01"))
        register.append(tmp_path, entry("02"))
    result = render_cli(["register", "--nam", "2026", "--xlsx", str(tmp_path / "so.xlsx"), "--csv", str(tmp_path / "so.csv")], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "Đã xuất 2 văn bản vào so.xlsx." in result.output
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "so.xlsx").active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:9] == [
        "STT",
        "Số",
        "Ký hiệu",
        "Ngày ban hành",
        "Loại văn bản",
        "Trích yếu nội dung",
        "Người ký",
        "Nơi nhận",
        "Số lượng bản",
    ]
    assert [row[:5] for row in values[1:]] == [
        [1, "01", "TB-UBND", "01/02/2026", "Thông báo"],
        [2, "02", "TB-UBND", "01/02/2026", "Thông báo"],
    ]
    assert values[1][5] == "Kết luận, “họp”; số 1" and values[1][8] == 5
    raw = (tmp_path / "so.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert table[0] == values[0] and [row[1] for row in table[1:]] == ["01", "02"] and table[1][5] == "Kết luận, “họp”; số 1"
    listed = render_cli(["register"], cwd=tmp_path)
    assert listed.exit_code == 0 and "Sổ đăng ký có 3 văn bản." in listed.output
    assert listed.output.count("01/TB-UBND\t01/02/") == 2
    assert shutil.which("git") is not None


def test_a_unit_approving_on_paper_issues_without_the_review_and_the_history_says_so(libreoffice: str, tmp_path: Path) -> None:
    root = tmp_path / "truong"
    assert render_cli(["init", str(root), "--nguoi-ky", SIGNER]).exit_code == 0
    assert render_cli(["new", TITLE, "--ten", "noi-vu"], cwd=root).exit_code == 0
    source = fill_in(notice(root, "noi-vu"))
    refused = render_cli(["issue", str(source), "--ngay", "07/12/2026"], cwd=root)
    assert refused.exit_code == 1 and "văn bản chưa được duyệt" in refused.output
    done = render_cli(["issue", str(source), "--ngay", "07/12/2026", "--khong-qua-duyet"], cwd=root)
    assert done.exit_code == 0, done.output
    assert (
        git(root, "log", "-1", "--format=%s")
        == "Phát hành số 01/TB-UBND ngày 07/12/2026: notices/2026/noi-vu.yaml (không qua duyệt trên hệ thống)"
    )
