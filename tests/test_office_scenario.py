"""Issue 21's acceptance: an office's drafter, reviewer and clerk at once, in real Chromium, behind the shipped nginx with TLS.

The service is the systemd unit's command (deploy/tbkl.service) behind the shipped site
(deploy/nginx-tbkl.conf), both started by tests/test_deploy.py's own helpers (one copy of them),
with a CA made by openssl (the HTTP clients trust that CA only; Chromium, which has no CA store to
add it to here, trusts the server certificate's key alone, and reaches the public name through a
host-resolver rule). The accounts are made by the real `tbkl users add … --password-stdin`.
Three Chromium sessions, one per person, log in through the login page and work through the
page's buttons: the drafter writes and saves a notice and submits it; the reviewer finds it under
"Chờ tôi duyệt", comments on a block and asks for changes; the drafter changes it and submits
again; the reviewer approves; an edit after the approval sends it back, and it is approved again;
the clerk issues it (number and date) from the issue dialog and exports the register. Then the
disk is read: the git log's authors, the approval record, the register's row (CSV and .xlsx), the
issued .docx and PDF/A, the git tag. Through the proxy, every action of the page is tried by each
role that may not take it and without a session; two clerks issue at the same moment; a restore
brings an earlier version back as a new commit.

Screenshots (1366×768) of each person's screen are written to $TBKL_SCREENSHOTS when it is set.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

pytest.importorskip("starlette")
pytest.importorskip("selenium")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

from browser import LAPTOP, checked_after, click, fill_skeleton, find, last_check, screenshot, start, wait  # noqa: E402
from browser import press as press_on  # noqa: E402
from conftest import ROOT, SIGNER  # noqa: E402
from test_accounts import ROUTE_ACTIONS  # noqa: E402
from test_deploy import NAME, Proxy, _running, log_in  # noqa: E402
from test_review_browser import NOTICE  # noqa: E402
from tbkl_gen.commands.scaffold import init_workspace  # noqa: E402
from tbkl_gen.page.auth import COOKIE  # noqa: E402
from tbkl_gen.service import history, review  # noqa: E402
from tbkl_gen.service.people import ALLOWED, Person  # noqa: E402

WORKSPACE = "vp"
PASSWORD = "mat-khau-van-phong"
DRAFTER = Person("lan", "Nguyễn Thị Lan", "lan@vp.gov.vn", frozenset({"soan-thao"}))
REVIEWER = Person("hung", "Trần Văn Hùng", "hung@vp.gov.vn", frozenset({"duyet"}))
CLERK = Person("thu", "Phạm Thị Thu", "thu@vp.gov.vn", frozenset({"van-thu"}))
CLERK2 = Person("hoa", "Đỗ Thị Hoa", "hoa@vp.gov.vn", frozenset({"van-thu"}))
PEOPLE = (DRAFTER, REVIEWER, CLERK, CLERK2)
TITLE = "Kết luận của đồng chí Chủ tịch tại cuộc họp về tiến độ giải ngân vốn đầu tư công"
COMMENT = "Ghi rõ thời hạn báo cáo hằng tháng."
CHANGED = "Sở Tài chính tổng hợp kết quả giải ngân, báo cáo trước ngày 05 hằng tháng."
# two approved notices the two clerks issue at the same moment; one with two versions to restore
PREPARED = ("notices/2026/giao-ban-thang-3.yaml", "notices/2026/giao-ban-thang-4.yaml")
RESTORED = "notices/2026/chuyen-doi-so.yaml"
SECURE_COOKIE = f"__Host-{COOKIE}"  # behind TLS


def role_of(person: Person) -> str:
    [role] = person.roles
    return role


def users_add(root: Path, people: tuple[Person, ...]) -> None:
    """The IT person's `tbkl users add … --password-stdin`, the real CLI, one process per account (run side by side)."""
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tbkl_gen",
                "users",
                "add",
                person.login,
                "--role",
                role_of(person),
                "--workspace",
                WORKSPACE,
                "--ten",
                person.name,
                "--email",
                person.email,
                "--password-stdin",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        for person in people
    ]
    for process in processes:
        _, err = process.communicate(PASSWORD + "\n", timeout=120)
        assert process.returncode == 0, err


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """/srv/van-phong as the IT person leaves it: one workspace, an account per person, some notices already reviewed."""
    root = tmp_path_factory.mktemp("srv") / "van-phong"
    folder = root / WORKSPACE
    init_workspace(folder, signer=SIGNER)
    users_add(root, PEOPLE)
    (folder / "notices" / "2026").mkdir(parents=True)
    for index, rel in enumerate(PREPARED):
        (folder / rel).write_text(NOTICE.replace("chuyển đổi số", f"giao ban tháng {index + 3}"), encoding="utf-8")
        history.commit(folder, [folder / rel], DRAFTER, f"Soạn {rel}")
        review.submit(folder, folder / rel, DRAFTER)
        review.approve(folder, folder / rel, REVIEWER)
    (folder / RESTORED).write_text(NOTICE, encoding="utf-8")
    history.commit(folder, [folder / RESTORED], DRAFTER, "Soạn thông báo")
    (folder / RESTORED).write_text(NOTICE.replace("năm 2026.", "năm 2026 từ nguồn ngân sách tỉnh."), encoding="utf-8")
    history.commit(folder, [folder / RESTORED], DRAFTER, "Sửa nguồn kinh phí")
    return root


@pytest.fixture(scope="module")
def proxy(office: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    yield from _running(office, tmp_path_factory.mktemp("nginx"), [])


def spki_pin(certificate: Path) -> str:
    """The base64 SHA-256 of the server certificate's public key: what Chromium is told to trust (it has no CA store here)."""
    key = subprocess.run(["openssl", "x509", "-in", str(certificate), "-noout", "-pubkey"], check=True, capture_output=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=key, check=True, capture_output=True).stdout
    import hashlib

    return base64.b64encode(hashlib.sha256(der).digest()).decode()


@dataclass
class Screen:
    """One person's Chromium, logged in through the proxy."""

    who: Person
    driver: webdriver.Chrome
    origin: str
    downloads: Path
    logged_in: bool = False

    def shot(self, step: str) -> None:
        screenshot(self.driver, f"van-phong-{step}-{self.who.login}")

    def js(self, script: str, *args: object) -> object:
        return self.driver.execute_script(script, *args)

    def ready(self) -> None:
        wait(self.driver, lambda d: d.execute_script("return document.body.dataset.ready") == "1")

    def badge(self) -> str:
        return str(self.js("return document.querySelector('#review-panel .review-state')?.textContent || ''"))

    def text(self, selector: str) -> str:
        return str(self.js("return document.querySelector(arguments[0])?.innerText || ''", selector))

    def reload(self) -> None:
        self.driver.refresh()
        self.ready()

    def open_notice(self, rel: str) -> None:
        self.driver.get(f"{self.origin}/w/{WORKSPACE}/#{rel}")
        self.ready()
        wait(self.driver, lambda d: self.badge() != "")


@pytest.fixture(scope="module")
def screens(chromium: tuple[str, str], proxy: Proxy, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Screen]]:
    """Three Chromium sessions at once (the drafter's, the reviewer's, the clerk's), each at an office laptop's 1366×768."""
    pin = spki_pin(proxy.ca.parent / "server.pem")
    opened: dict[str, Screen] = {}
    try:
        for person in (DRAFTER, REVIEWER, CLERK):
            downloads = tmp_path_factory.mktemp(f"downloads-{person.login}")
            arguments = (f"--host-resolver-rules=MAP {NAME} 127.0.0.1", f"--ignore-certificate-errors-spki-list={pin}")
            driver = start(chromium, viewport=LAPTOP, downloads=downloads, arguments=arguments)
            opened[person.login] = Screen(person, driver, proxy.origin(), downloads)
        yield opened
    finally:
        for screen in opened.values():
            screen.driver.quit()


def log_in_page(screen: Screen) -> None:
    """Open the workspace's address: the login page comes first; log in with the form, as a person does."""
    driver = screen.driver
    driver.get(f"{screen.origin}/w/{WORKSPACE}/")
    wait(driver, lambda d: d.find_elements(By.ID, "login-form"))
    assert driver.current_url.startswith(f"{screen.origin}/dang-nhap")
    screen.shot("0-dang-nhap")
    find(driver, "#ten_dang_nhap").send_keys(screen.who.login)
    find(driver, "#mat_khau").send_keys(PASSWORD)
    click(driver, find(driver, "#login-submit"))
    screen.ready()
    assert driver.current_url == f"{screen.origin}/w/{WORKSPACE}/"
    cookie = driver.get_cookie(SECURE_COOKIE)
    assert cookie is not None and cookie["secure"] and cookie["httpOnly"], driver.get_cookies()
    wait(driver, lambda d: screen.who.name in screen.text("#who"))
    screen.logged_in = True


def drawn(screen: Screen) -> int:
    return int(screen.js("return Number(document.body.dataset.reviewDrawn || 0)"))  # type: ignore[call-overload]


def save(screen: Screen) -> None:
    """Save with the page's button; wait for the save's answer and the review read again after it."""
    before = drawn(screen)
    click(screen.driver, find(screen.driver, "#save"))
    wait(screen.driver, lambda d: drawn(screen) > before and screen.text("#status").startswith("Đã lưu"))


def note_beside(screen: Screen, block: str) -> str:
    script = "return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent).join(' | ')"
    return str(screen.js(script, f'#outline .node[data-field="{block}"] > .review-notes .review-note-text'))


def retype_block(screen: Screen, field: str, text: str) -> None:
    editor = find(screen.driver, f'#outline .rich[data-field="{field}"]')
    before = last_check(screen.driver)
    click(screen.driver, editor)
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys(text)
    checked_after(screen.driver, before)


def press(screen: Screen, selector: str) -> None:
    """Click the element at selector once it is there; the review's notes are drawn again as the form changes, so a stale one is found anew."""
    press_on(screen.driver, selector)


def submit(screen: Screen) -> None:
    click(screen.driver, find(screen.driver, "#review-submit"))
    wait(screen.driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#review-form textarea"))
    find(screen.driver, "#review-form textarea").send_keys("Kính trình anh xem.")
    click(screen.driver, find(screen.driver, "#review-send"))
    wait(screen.driver, lambda d: screen.badge() == "Chờ duyệt")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True, encoding="utf-8").stdout


def api(proxy: Proxy, cookie: str, method: str, path: str, body: object = None) -> tuple[int, dict]:
    """Call the workspace's API through the proxy as the page does (session cookie, CSRF token, Origin)."""
    status, _, page = proxy.call("GET", f"/w/{WORKSPACE}/", {"Cookie": cookie})
    assert status == 200
    token = re.search(rb'name="tbkl-token" content="([^"]+)"', page).group(1).decode()  # type: ignore[union-attr]
    headers = {"Cookie": cookie, "X-Tbkl-Token": token, "Origin": proxy.origin(), "Content-Type": "application/json"}
    data = None if body is None else json.dumps(body).encode()
    status, _, answer = proxy.call(method, f"/w/{WORKSPACE}{path}", headers, data)
    return status, json.loads(answer) if answer.startswith(b"{") else {}


def test_draft_comment_change_approve_issue_with_three_people_at_once(screens: dict[str, Screen], proxy: Proxy, office: Path) -> None:
    folder = office / WORKSPACE
    drafter, reviewer, clerk = screens[DRAFTER.login], screens[REVIEWER.login], screens[CLERK.login]
    for screen in (drafter, reviewer, clerk):
        log_in_page(screen)
    reviewer.shot("1-danh-sach")
    clerk.shot("1-danh-sach")

    # the drafter writes a new notice and saves it
    d = drafter.driver
    find(d, "#new-title").send_keys(TITLE)
    click(d, find(d, "#new-notice"))
    wait(d, lambda _: find(d, "#editor-view").is_displayed() and "THÔNG BÁO" in find(d, "#live").text)
    fill_skeleton(d)
    save(drafter)
    rel = str(drafter.js("return decodeURIComponent(location.hash.slice(1))"))
    assert rel.startswith("notices/") and (folder / rel).is_file()
    assert drafter.badge() == "Đang soạn"
    drafter.shot("2-soan-xong")
    submit(drafter)
    drafter.shot("3-da-trinh")

    # the reviewer, whose list was open all along, finds it under "Chờ tôi duyệt" once the page is read again
    r = reviewer.driver
    reviewer.reload()
    mine = wait(r, lambda _: r.find_elements(By.CSS_SELECTOR, "#review-mine li"))
    assert TITLE in mine[0].text and f"{DRAFTER.name} trình lúc" in mine[0].text
    reviewer.shot("4-cho-toi-duyet")
    click(r, mine[0].find_element(By.TAG_NAME, "button"))
    wait(r, lambda _: reviewer.badge() == "Chờ duyệt" and r.find_elements(By.CSS_SELECTOR, "#outline .review-add"))
    press(reviewer, '#outline .node[data-field="noi_dung[4]"] .review-add')
    find(r, "#outline .review-write textarea").send_keys(COMMENT)
    click(r, find(r, "#outline .review-comment-send"))
    wait(r, lambda _: COMMENT in note_beside(reviewer, "noi_dung[4]"))
    reviewer.js("document.querySelector('.review-note').scrollIntoView({block: 'center'})")
    reviewer.shot("5-gop-y")
    click(r, find(r, "#review-changes"))
    find(r, "#review-form textarea").send_keys("Bổ sung thời hạn rồi trình lại.")
    click(r, find(r, "#review-changes-send"))
    wait(r, lambda _: reviewer.badge() == "Cần sửa")

    # the drafter sees the comment beside its block, changes the block, marks the comment dealt with, submits again
    drafter.reload()
    wait(d, lambda _: drafter.badge() == "Cần sửa" and COMMENT in note_beside(drafter, "noi_dung[4]"))
    assert f"{REVIEWER.name} yêu cầu sửa" in drafter.text("#review-said")
    drafter.js("document.querySelector('.review-note').scrollIntoView({block: 'center'})")
    drafter.shot("6-thay-gop-y")
    retype_block(drafter, "noi_dung[4].khoan", CHANGED)
    save(drafter)
    press(drafter, '#outline .node[data-field="noi_dung[4]"] .review-resolve')
    wait(d, lambda _: d.find_elements(By.CSS_SELECTOR, '#outline .node[data-field="noi_dung[4]"] .review-note.done'))
    submit(drafter)

    # the reviewer approves the version submitted
    reviewer.reload()
    wait(r, lambda _: r.find_elements(By.ID, "review-approve"))
    click(r, find(r, "#review-approve"))
    wait(r, lambda _: reviewer.badge() == "Đã duyệt")
    assert f"{REVIEWER.name} đã duyệt lúc" in reviewer.text("#review-said")
    reviewer.shot("7-da-duyet")
    first_approval = json.loads((folder / review.RECORDS_FOLDER / (rel + ".json")).read_text(encoding="utf-8"))["ban_da_duyet"]

    # an edit after the approval sends it back to review; the clerk cannot issue it meanwhile
    drafter.reload()
    wait(d, lambda _: drafter.badge() == "Đã duyệt")
    retype_block(drafter, "noi_dung[4].khoan", CHANGED.replace("05", "10"))
    save(drafter)
    wait(d, lambda _: drafter.badge() == "Chờ duyệt")
    # the notice's history: each save by its person, with the word diff of the last one
    click(d, find(d, "#history-open"))
    versions = wait(d, lambda _: d.find_elements(By.CSS_SELECTOR, "#history-list li"))
    assert len(versions) >= 4 and DRAFTER.name in versions[0].text
    assert [v.find_element(By.CSS_SELECTOR, ".history-message").text for v in versions][:2] == ["Lưu", "Lưu"]  # the title names the file
    drafter.shot("7b-lich-su")
    click(d, find(d, "#history-close"))
    clerk_cookie = f"{SECURE_COOKIE}={clerk.driver.get_cookie(SECURE_COOKIE)['value']}"  # type: ignore[index]
    today = dt.date.today().strftime("%d/%m/%Y")
    status, answer = api(proxy, clerk_cookie, "POST", "/api/issue", {"path": rel, "ngay": today})
    assert status == 422 and "chưa được duyệt" in answer["loi"], (status, answer)
    reviewer.reload()
    wait(r, lambda _: r.find_elements(By.ID, "review-approve"))
    click(r, find(r, "#review-approve"))
    wait(r, lambda _: reviewer.badge() == "Đã duyệt")

    # the clerk opens it from the list and issues it from the issue dialog: the register's next number, today
    c = clerk.driver
    clerk.reload()
    click(c, find(c, f'#notices tr[data-path="{rel}"] button'))
    wait(c, lambda _: clerk.badge() == "Đã duyệt" and find(c, "#issue-open").is_displayed())
    click(c, find(c, "#issue-open"))
    wait(c, lambda _: find(c, "#issue-go").is_enabled())
    number = find(c, "#issue-next").text
    assert re.fullmatch(r"\d{2}/TB-\S+", number), number
    assert find(c, "#issue-date").get_attribute("value") == today
    clerk.shot("8-hop-thoai-phat-hanh")
    click(c, find(c, "#issue-go"))
    done = wait(c, lambda _: c.find_elements(By.ID, "issue-done"), timeout=120)
    assert f"Đã phát hành số {number} ngày {today}" in done[0].text
    clerk.shot("9-da-phat-hanh")
    click(c, find(c, "#issue-close"))
    clerk.ready()
    wait(c, lambda _: find(c, "#issue-open").text == f"Đã phát hành {number}")

    # the register's view, and its .xlsx export downloaded by the clerk's browser
    click(c, find(c, "#to-list"))
    click(c, wait(c, lambda _: [b for b in c.find_elements(By.ID, "register-open") if b.is_displayed()])[0])
    rows = wait(c, lambda _: c.find_elements(By.CSS_SELECTOR, "#register-rows tr"))
    assert number in rows[0].text and today in rows[0].text and TITLE in rows[0].text
    clerk.shot("10-so-dang-ky")
    click(c, find(c, "#register-xlsx"))
    xlsx = wait(c, lambda _: [p for p in clerk.downloads.glob("*.xlsx") if p.stat().st_size > 0])[0]
    wait(c, lambda _: not list(clerk.downloads.glob("*.crdownload")))

    # the drafter can no longer change it through the page: the button says why, the server refuses
    drafter.reload()
    wait(d, lambda _: drafter.badge() == "Đã phát hành" and not find(d, "#save").is_enabled())
    drafter.shot("11-da-phat-hanh")
    drafter_cookie = f"{SECURE_COOKIE}={d.get_cookie(SECURE_COOKIE)['value']}"  # type: ignore[index]
    status, notice = api(proxy, drafter_cookie, "GET", f"/api/notice?path={quote(rel)}")
    status, answer = api(
        proxy,
        drafter_cookie,
        "POST",
        "/api/save",
        {"path": rel, "version": notice["version"], "base": notice["text"], "data": notice["data"]},
    )
    assert status == 409 and "đã phát hành" in answer["loi"], (status, answer)
    status, answer = api(proxy, drafter_cookie, "POST", "/api/history/restore", {"path": rel, "commit": first_approval["commit"]})
    assert status == 409 and "đã phát hành" in answer["loi"], (status, answer)

    # --- what is on disk ---
    # every save is a commit authored by its person; the issue is the clerk's
    log = git(folder, "log", "--format=%an <%ae>|%s", "--", rel).splitlines()
    assert log[0] == f"{CLERK.name} <{CLERK.email}>|Phát hành số {number} ngày {today}: {rel}"
    saves = [line for line in log if "|Lưu " in line or "|Tạo " in line]
    assert len(saves) >= 3 and all(line.startswith(f"{DRAFTER.name} <{DRAFTER.email}>|") for line in saves), log
    record_log = git(folder, "log", "--format=%an|%s", "--", f"{review.RECORDS_FOLDER}/{rel}.json").splitlines()
    assert f"{REVIEWER.name}|" in "\n".join(record_log) and f"{DRAFTER.name}|Trình duyệt {rel}" in record_log
    # the approval record: who, when, which commit (the version the clerk issued)
    record = json.loads((folder / review.RECORDS_FOLDER / (rel + ".json")).read_text(encoding="utf-8"))
    approved = record["ban_da_duyet"]
    assert (approved["dang_nhap"], approved["ho_ten"], approved["email"]) == (REVIEWER.login, REVIEWER.name, REVIEWER.email)
    assert dt.datetime.fromisoformat(approved["luc"]).date() == dt.datetime.now(dt.UTC).date()
    assert approved["commit"] != first_approval["commit"]  # approved again after the edit
    assert "trước ngày 10 hằng tháng" in git(folder, "show", f"{approved['commit']}:{rel}")
    assert record["trang_thai"] == "da-phat-hanh" and record["phat_hanh"]["so"] == number
    assert [e["viec"] for e in record["nhat_ky"]] == [
        "gui-duyet",
        "yeu-cau-sua",
        "gui-duyet",
        "duyet",
        "sua-sau-duyet",
        "duyet",
        "phat-hanh",
    ]
    # the register's row, in its CSV file and in the .xlsx the clerk downloaded
    year = dt.date.today().year
    [row] = [
        r
        for r in csv.DictReader(io.StringIO((folder / "so-dang-ky" / f"{year}.csv").read_text(encoding="utf-8-sig")))
        if r["tep_nguon"] == rel
    ]
    assert f"{row['so']}/{row['ky_hieu']}" == number and row["ngay"] == today and row["trich_yeu"] == TITLE
    assert row["nguoi_ky"] == SIGNER and row["nguoi_phat_hanh"] == CLERK.name and row["commit"] == approved["commit"]
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    cells = [[str(cell.value or "") for cell in line] for line in sheet.iter_rows()]
    assert any(row["so"] in line and TITLE in line and today in line for line in cells[1:]), cells
    # the issued .docx and PDF/A, and the git tag on the issue's commit
    import docx

    issued = docx.Document(str(folder / row["tep_docx"]))
    text = "\n".join(p.text for p in issued.paragraphs) + "\n".join(c.text for t in issued.tables for r in t.rows for c in r.cells)
    assert f"Số: {number}" in text and CHANGED.replace("05", "10").rstrip(".") in text
    pdf = (folder / row["tep_pdf"]).read_bytes()
    assert pdf.startswith(b"%PDF") and b"pdfaid:part" in pdf
    assert git(folder, "tag", "--list", row["nhan_git"]).strip() == row["nhan_git"]
    tag = git(folder, "cat-file", "-p", row["nhan_git"])
    assert (
        f"tagger {CLERK.name} <{CLERK.email}>" in tag
        and git(folder, "rev-list", "-1", row["nhan_git"]).strip() == git(folder, "rev-list", "-1", "HEAD", "--", rel).strip()
    )
    # a hand edit of the issued source on the server's disk: `tbkl check` warns
    source = folder / rel
    source.write_text(source.read_text(encoding="utf-8").replace("hằng tháng", "hằng quý"), encoding="utf-8")
    checked = subprocess.run(
        [sys.executable, "-m", "tbkl_gen", "check", rel], cwd=folder, capture_output=True, text=True, encoding="utf-8",
        env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120,
    )  # fmt: skip
    assert "đã phát hành" in checked.stdout + checked.stderr and "Traceback" not in checked.stderr, checked.stdout + checked.stderr


def test_every_action_is_refused_to_a_role_that_may_not_and_without_a_session(proxy: Proxy) -> None:
    path = quote(PREPARED[0])
    for person in (DRAFTER, REVIEWER, CLERK):
        cookie, _ = log_in(proxy, person.login, PASSWORD)
        status, _, page = proxy.call("GET", f"/w/{WORKSPACE}/", {"Cookie": cookie})
        token = re.search(rb'name="tbkl-token" content="([^"]+)"', page).group(1).decode()  # type: ignore[union-attr]
        for (method, route), action in ROUTE_ACTIONS.items():
            if person.roles & ALLOWED[action]:  # type: ignore[index]
                continue
            headers = {"Cookie": cookie, "X-Tbkl-Token": token, "Origin": proxy.origin(), "Content-Type": "application/json"}
            status, _, body = proxy.call(method, f"/w/{WORKSPACE}{route}?path={path}", headers, json.dumps({"path": PREPARED[0]}).encode())
            assert status == 403, (person.login, route, status)
            assert json.loads(body)["loi"].startswith("tài khoản của bạn không có quyền"), (person.login, route)
    for method, route in ROUTE_ACTIONS:
        status, headers, _ = proxy.call(method, f"/w/{WORKSPACE}{route}?path={path}", {"Origin": proxy.origin()}, b"{}")
        if (method, route) == ("GET", "/"):
            assert status == 303 and headers["Location"].startswith("/dang-nhap"), status
        else:
            assert status == 401, (route, status)


def test_two_clerks_issuing_at_the_same_moment_get_distinct_consecutive_numbers(proxy: Proxy, office: Path) -> None:
    cookies = [log_in(proxy, person.login, PASSWORD)[0] for person in (CLERK, CLERK2)]
    today = dt.date.today().strftime("%d/%m/%Y")
    start = threading.Barrier(2)
    answers: dict[str, tuple[int, dict]] = {}

    def issue(cookie: str, rel: str) -> None:
        start.wait(timeout=60)
        answers[rel] = api(proxy, cookie, "POST", "/api/issue", {"path": rel, "ngay": today})

    threads = [threading.Thread(target=issue, args=pair) for pair in zip(cookies, PREPARED, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert all(status == 200 for status, _ in answers.values()), answers
    numbers = sorted(int(answer["phat_hanh"]["so"]) for _, answer in answers.values())
    assert numbers[1] == numbers[0] + 1, numbers
    issuers = {answer["phat_hanh"]["nguoi_phat_hanh"] for _, answer in answers.values()}
    assert issuers == {CLERK.name, CLERK2.name}


def test_a_restore_brings_back_an_earlier_version_as_a_new_commit(screens: dict[str, Screen], office: Path) -> None:
    folder = office / WORKSPACE
    drafter = screens[DRAFTER.login]
    d = drafter.driver
    if not drafter.logged_in:  # this test alone
        log_in_page(drafter)
    drafter.open_notice(RESTORED)
    before = git(folder, "rev-list", "--count", "HEAD")
    click(d, find(d, "#history-open"))
    versions = wait(d, lambda _: d.find_elements(By.CSS_SELECTOR, "#history-list li"))
    [first] = [v for v in versions if v.find_element(By.CSS_SELECTOR, ".history-message").text == "Soạn thông báo"]
    click(d, first.find_element(By.CSS_SELECTOR, ".history-restore"))
    drafter.shot("12-khoi-phuc")
    click(d, find(d, "#history-confirm-restore"))
    wait(d, lambda _: drafter.text("#banner").startswith("Đã khôi phục phiên bản"))
    wait(d, lambda _: len(d.find_elements(By.CSS_SELECTOR, "#history-list li")) == len(versions) + 1)
    drafter.shot("13-da-khoi-phuc")
    assert (folder / RESTORED).read_text(encoding="utf-8") == NOTICE  # the earlier version's bytes
    assert int(git(folder, "rev-list", "--count", "HEAD")) == int(before) + 1  # as one new commit
    assert git(folder, "log", "-1", "--format=%an <%ae>", "--", RESTORED).strip() == f"{DRAFTER.name} <{DRAFTER.email}>"
    assert git(folder, "log", "--format=%s", "--", RESTORED).splitlines()[1] == "Sửa nguồn kinh phí"  # nothing rewritten
