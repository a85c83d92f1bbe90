"""The page's issue dialog and register view, through Starlette's TestClient: roles, issuing, downloads, freezing, exports."""

from __future__ import annotations

import csv
import io
import json
import logging
import subprocess
from contextvars import ContextVar
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("openpyxl")

from openpyxl import load_workbook  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from tbkl_gen.commands.scaffold import init_workspace  # noqa: E402
from tbkl_gen.errors import TELL_THE_ADMINISTRATOR  # noqa: E402
from tbkl_gen.page import access  # noqa: E402
from tbkl_gen.page.server import create_app  # noqa: E402
from tbkl_gen.service import register, review  # noqa: E402
from tbkl_gen.service.people import Person  # noqa: E402

TOKEN = "t0ken-for-tests"
HEADERS = {"X-Tbkl-Token": TOKEN}
PATH = "notices/2026/chuyen-doi-so.yaml"
NOTICE = """\
# Bản dự thảo: chú thích này phải còn sau khi phát hành.
phien_ban: 1
so:  # để trống cho đến khi văn thư cấp số
ngay: 2026
ngay_hop: 2026-03-12
trich_yeu: Kết luận của đồng chí Chủ tịch tại cuộc họp về chuyển đổi số
noi_dung:
  - Ngày 12/3/2026, đồng chí Chủ tịch chủ trì cuộc họp.
  - khoan: Sở Khoa học và Công nghệ chủ trì.
  - Văn phòng thông báo để các cơ quan biết, thực hiện.
"""
CLERK = Person("vanthu", "Lê Thị Văn Thư", "vanthu@example.org", frozenset({"van-thu"}))
DRAFTER = Person("soanthao", "Trần Chuyên Viên", "cv@example.org", frozenset({"soan-thao"}))
LEADER = Person("lanhdao", "Phạm Lãnh Đạo", "ld@example.org", frozenset({"duyet"}))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "van-phong"
    init_workspace(root, signer="Trần Thị Bình")
    (root / "notices" / "2026").mkdir(parents=True)
    (root / PATH).write_text(NOTICE, encoding="utf-8")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@x", "commit", "-q", "-m", "dự thảo"], cwd=root, check=True)
    review.submit(root, root / PATH, DRAFTER)  # the clerk issues what a leader approved
    review.approve(root, root / PATH, LEADER)
    return root


def as_person(monkeypatch: pytest.MonkeyPatch, person: Person) -> None:
    """Make every request of the page be person's (what the accounts' middleware does per session)."""
    monkeypatch.setattr(access, "_person", ContextVar("tbkl_person_test", default=person))


@pytest.fixture
def client(workspace: Path) -> TestClient:
    with TestClient(create_app(workspace, TOKEN, hosts={"testserver"}), base_url="http://testserver") as test_client:
        yield test_client


def post(client: TestClient, route: str, body: dict):  # noqa: ANN201
    return client.post(route, content=json.dumps(body), headers={**HEADERS, "Content-Type": "application/json"})


def test_the_plan_shows_the_next_number_and_who_may_issue(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    as_person(monkeypatch, DRAFTER)
    answer = client.get("/api/issue/plan", params={"path": PATH}, headers=HEADERS)
    assert answer.status_code == 200, answer.text
    plan = answer.json()
    assert (plan["so_tiep"], plan["ky_hieu"], plan["day_so"], plan["phat_hanh"], plan["duoc_phat_hanh"]) == (
        "01",
        "TB-UBND",
        "UBND",
        None,
        False,
    )


def test_a_drafter_may_not_issue(client: TestClient, workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    as_person(monkeypatch, DRAFTER)
    refused = post(client, "/api/issue", {"path": PATH, "ngay": "07/12/2026"})
    assert refused.status_code == 403 and refused.json()["loi"] == "tài khoản của bạn không có quyền phát hành văn bản"
    assert (workspace / PATH).read_text(encoding="utf-8") == NOTICE and not (workspace / "so-dang-ky").exists()


def test_bad_input_is_refused_in_vietnamese(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    as_person(monkeypatch, CLERK)
    assert (
        post(client, "/api/issue", {"path": PATH, "ngay": "30/02/2026"}).json()["loi"] == "ngày ban hành “30/02/2026” không có trong lịch"
    )
    assert post(client, "/api/issue", {"path": PATH}).json()["loi"] == "cần ngày ban hành (ngày/tháng/năm, ví dụ 07/12/2026)"
    assert post(client, "/api/issue", {"path": "../x.yaml", "ngay": "07/12/2026"}).status_code == 403
    assert client.get("/api/register", params={"nam": "26"}, headers=HEADERS).json()["loi"] == "năm “26” không hợp lệ: cần bốn chữ số"
    assert client.get("/api/issue/file", params={"path": PATH}, headers=HEADERS).status_code == 404


def test_the_clerk_issues_downloads_and_the_page_then_refuses_to_save(
    libreoffice: str, client: TestClient, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = client.get("/api/notice", params={"path": PATH}, headers=HEADERS).json()
    remote = workspace.parent / "kho-chung.git"  # the office's remote: the issue's commit and tag go there
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    subprocess.run(["git", "remote", "add", "origin", str(remote)], cwd=workspace, check=True)
    as_person(monkeypatch, CLERK)
    done = post(client, "/api/issue", {"path": PATH, "so": "125", "ngay": "07/12/2026"})
    assert done.status_code == 200, done.text
    assert done.json()["lich_su"]["gui"] == {"ok": True, "thong_bao": "đã gửi lên kho chung “origin”", "cho_gui": 0}
    tags = subprocess.run(["git", "tag", "--list"], cwd=remote, capture_output=True, text=True, check=True).stdout.split()
    assert tags == [done.json()["nhan"]] == ["phat-hanh/2026/125-tb-ubnd"]
    entry = done.json()["phat_hanh"]
    assert (entry["so_ky_hieu"], entry["ngay"], entry["nguon_so"], entry["nguoi_phat_hanh"]) == (
        "125/TB-UBND",
        "07/12/2026",
        "e-office",
        CLERK.name,
    )

    # what the clerk downloads is the file on disk; the register's row and the commit say who
    docx = client.get("/api/issue/file", params={"path": PATH, "dang": "docx"}, headers=HEADERS)
    assert docx.status_code == 200 and docx.content == (workspace / "phat-hanh/2026/125-tb-ubnd.docx").read_bytes()
    assert "125-tb-ubnd.docx" in docx.headers["content-disposition"]
    pdf = client.get("/api/issue/file", params={"path": PATH, "dang": "pdf"}, headers=HEADERS)
    assert pdf.content.startswith(b"%PDF") and b"pdfaid:part>2<" in pdf.content
    with open(workspace / "so-dang-ky" / "2026.csv", encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["so"], row["tep_nguon"], row["nguoi_phat_hanh"]) == ("125", PATH, CLERK.name)
    log = subprocess.run(
        ["git", "log", "-1", "--format=%an <%ae>"], cwd=workspace, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert log == f"{CLERK.name} <{CLERK.email}>"
    text = (workspace / PATH).read_text(encoding="utf-8")
    assert "# Bản dự thảo: chú thích này phải còn sau khi phát hành." in text and 'so: "125"' in text

    # frozen: a save of the version the drafter opened is refused, and the file stays as issued
    as_person(monkeypatch, DRAFTER)
    save = post(client, "/api/save", {"path": PATH, "base": opened["text"], "version": opened["version"], "data": opened["data"]})
    assert save.status_code == 409
    assert save.json()["loi"] == (
        f"{PATH}: văn bản đã phát hành (số 125/TB-UBND, ngày 07/12/2026) nên không được sửa; "
        "muốn sửa đổi, hãy lưu thành bản sao và soạn văn bản mới"
    )
    assert (workspace / PATH).read_text(encoding="utf-8") == text
    as_person(monkeypatch, CLERK)
    again = post(client, "/api/issue", {"path": PATH, "ngay": "08/12/2026"})
    assert again.status_code == 422 and "đã phát hành số 125/TB-UBND" in again.json()["loi"]
    plan = client.get("/api/issue/plan", params={"path": PATH}, headers=HEADERS).json()
    assert plan["phat_hanh"]["so_ky_hieu"] == "125/TB-UBND" and plan["so_tiep"] == "126"

    # the register's view and its exports
    view = client.get("/api/register", params={"nam": "2026"}, headers=HEADERS).json()
    assert view["nam"] == [2026] and [r["so_ky_hieu"] for r in view["dong"]] == ["125/TB-UBND"]
    xlsx = client.get("/api/register/export", params={"dang": "xlsx", "nam": "2026"}, headers=HEADERS)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and [c.value for c in sheet[2]][:3] == [1, "125", "TB-UBND"]
    exported = client.get("/api/register/export", params={"dang": "csv"}, headers=HEADERS)
    assert "so-dang-ky-van-ban-di.csv" in exported.headers["content-disposition"]
    assert exported.content.decode("utf-8-sig").splitlines()[1].startswith("1,125,TB-UBND,07/12/2026,Thông báo,")


# --- in a real Chromium, on an office laptop's screen ----------------------------------------------


def test_the_clerk_issues_through_the_dialog_at_1366_by_768(libreoffice: str, chromium: tuple[str, str], workspace: Path) -> None:
    """Set $TBKL_SCREENSHOTS to a folder to keep what the clerk sees."""
    pytest.importorskip("selenium")
    from selenium.webdriver.common.by import By

    from browser import LAPTOP, Served, click, open_page, retype, screenshot, start, wait

    driver = start(chromium, viewport=LAPTOP)
    served = Served(workspace)
    try:
        open_page(driver, served)
        driver.get(f"{served.base}/#{PATH}")
        wait(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
        wait(driver, lambda d: d.find_element(By.ID, "issue-open").is_displayed())
        click(driver, driver.find_element(By.ID, "issue-open"))
        wait(driver, lambda d: d.find_element(By.ID, "issue-next").text == "01/TB-UBND")
        dialog = driver.find_element(By.ID, "issue-dialog")
        box = dialog.rect
        assert box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= 1366 and box["y"] + box["height"] <= 768
        assert driver.find_element(By.CSS_SELECTOR, "#issue-dialog input.date-picker").get_attribute("type") == "date"
        retype(driver.find_element(By.ID, "issue-date"), "07/12/2026")
        screenshot(driver, "phat-hanh-1-hop-thoai")
        click(driver, driver.find_element(By.ID, "issue-go"))
        wait(
            driver,
            lambda d: d.find_elements(By.ID, "issue-done") or "error" in d.find_element(By.ID, "issue-result").get_attribute("class"),
            180,
        )
        assert driver.find_element(By.ID, "issue-done").text.startswith("Đã phát hành số 01/TB-UBND ngày 07/12/2026")
        assert driver.find_element(By.ID, "issue-docx").is_displayed() and driver.find_element(By.ID, "issue-pdf").is_displayed()
        screenshot(driver, "phat-hanh-2-da-phat-hanh")
        click(driver, driver.find_element(By.ID, "issue-close"))  # the page opens the notice again, now with its number
        wait(driver, lambda d: d.find_element(By.ID, "issue-open").text == "Đã phát hành 01/TB-UBND")
        assert not driver.find_element(By.ID, "save").is_enabled()
        screenshot(driver, "phat-hanh-3-van-ban-da-phat-hanh")
        click(driver, driver.find_element(By.ID, "to-list"))
        click(driver, driver.find_element(By.ID, "register-open"))
        wait(driver, lambda d: "01/TB-UBND" in d.find_element(By.ID, "register-rows").text)
        assert "Kết luận của đồng chí Chủ tịch tại cuộc họp về chuyển đổi số" in driver.find_element(By.ID, "register-rows").text
        screenshot(driver, "phat-hanh-4-so-dang-ky")
    finally:
        driver.quit()
        served.stop()
    assert (workspace / "phat-hanh" / "2026" / "01-tb-ubnd.pdf").is_file()


def test_while_a_notice_is_issued_its_save_is_refused_and_others_save(client: TestClient, workspace: Path) -> None:
    from tbkl_gen.service import register

    other = "notices/2026/khac.yaml"
    (workspace / other).write_text(NOTICE.replace("chuyển đổi số", "đất đai"), encoding="utf-8")
    mine, theirs = (client.get("/api/notice", params={"path": p}, headers=HEADERS).json() for p in (PATH, other))
    with register.issuing(workspace / PATH):
        refused = post(client, "/api/save", {"path": PATH, "base": mine["text"], "version": mine["version"], "data": mine["data"]})
        saved = post(client, "/api/save", {"path": other, "base": theirs["text"], "version": theirs["version"], "data": theirs["data"]})
    assert refused.status_code == 409
    assert refused.json()["loi"] == f"{PATH}: văn thư đang phát hành văn bản này nên không được sửa; bản đang sửa chưa được lưu"
    assert saved.status_code == 200, saved.text
    again = post(client, "/api/save", {"path": PATH, "base": mine["text"], "version": mine["version"], "data": mine["data"]})
    assert again.status_code == 200, again.text


def test_a_tag_git_refuses_is_said_to_the_clerk_in_plain_words_and_to_the_log_with_the_command(
    libreoffice: str, client: TestClient, workspace: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Issued and recorded but not tagged: the page says so without git's words; the server's log keeps the command that tags it."""
    hook = workspace / ".git" / "hooks" / "reference-transaction"
    hook.write_text('#!/bin/sh\n[ "$1" = prepared ] || exit 0\nif grep -q " refs/tags/"; then exit 1; fi\n', encoding="utf-8", newline="\n")
    hook.chmod(0o755)
    as_person(monkeypatch, CLERK)
    with caplog.at_level(logging.ERROR, logger="tbkl_gen.page"):
        answer = post(client, "/api/issue", {"path": PATH, "so": "125", "ngay": "07/12/2026"})
    assert answer.status_code == 500
    said = answer.json()["loi"]
    assert said.startswith(f"{PATH}: đã phát hành số 125/TB-UBND ngày 07/12/2026 và đã ghi sổ đăng ký") and TELL_THE_ADMINISTRATOR in said
    assert not any(word in said for word in ("git", "commit", "tag", str(workspace)))
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert 'git tag -a phat-hanh/2026/125-tb-ubnd -m "Phát hành số 125/TB-UBND' in logged
    assert register.entries(workspace, 2026)[0].number_and_symbol == "125/TB-UBND"  # what it says is so
