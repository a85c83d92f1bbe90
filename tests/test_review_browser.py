"""The review in real Chromium: a drafter and a reviewer take their turns on one notice, through the page's buttons.

The office's server (accounts mode) runs in this process (uvicorn in a thread); each person's turn
is the browser holding that person's session cookie, so every request goes through the real gate,
sessions and CSRF tokens. Screenshots (1366×768) are written to $TBKL_SCREENSHOTS when it is set.
"""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("selenium")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

from browser import LAPTOP, chrome, click, find, press, text_of, wait  # noqa: E402
from browser import screenshot as save_screenshot  # noqa: E402
from tbkl_gen.commands.scaffold import init_workspace  # noqa: E402
from tbkl_gen.page import auth, net  # noqa: E402
from tbkl_gen.page.server import bind, create_service_app  # noqa: E402
from tbkl_gen.service import history  # noqa: E402
from tbkl_gen.service.accounts import Accounts, workspaces  # noqa: E402
from tbkl_gen.service.people import Person  # noqa: E402
from test_review import CHIEF, CLERK, DEPUTY, DRAFTER, REL  # noqa: E402

WORKSPACE = "van-phong"
PEOPLE = {p.login: p for p in (DRAFTER, CHIEF, DEPUTY, CLERK)}  # test_review.py's drafter, reviewers and clerk
NOTICE = """\
phien_ban: 1
co_quan:
  ten:
    - ỦY BAN NHÂN DÂN
    - TỈNH LÂM ĐỒNG
  viet_tat: UBND
so:
dia_danh: Lâm Đồng
ngay: 2026
ngay_hop: 2026-03-12
trich_yeu: Kết luận của đồng chí Chủ tịch UBND tỉnh tại cuộc họp về chuyển đổi số
noi_dung:
  - Ngày 12/3/2026, đồng chí Chủ tịch UBND tỉnh chủ trì cuộc họp về chuyển đổi số.
  - khoan: Sở Khoa học và Công nghệ chủ trì, phối hợp các sở, ngành triển khai nền tảng dùng chung.
  - khoan: Sở Tài chính bố trí kinh phí thực hiện trong năm 2026.
  - Văn phòng UBND tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện.
noi_nhan_them:
  - Như thành phần dự họp
luu: VT, KGVX
nguoi_ky:
  quyen_han:
    - TL. CHỦ TỊCH
    - KT. CHÁNH VĂN PHÒNG
  chuc_vu: PHÓ CHÁNH VĂN PHÒNG
  ho_ten: Lê Thị Bích Liên
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A service root with one workspace, an account per person in it, and the notice committed by its drafter."""
    service_root = tmp_path / "tinh"
    folder = service_root / WORKSPACE
    init_workspace(folder)
    (folder / "notices" / "2026").mkdir(parents=True)
    (folder / REL).write_text(NOTICE, encoding="utf-8")
    history.commit(folder, [folder / REL], DRAFTER, "Soạn thông báo")
    accounts = Accounts(service_root)
    for person in PEOPLE.values():
        [role] = person.roles
        accounts.add(person.login, password="mat-khau-dai-du", role=role, workspace=WORKSPACE, name=person.name, email=person.email)
    return folder


@pytest.fixture
def service(root: Path) -> auth.Service:
    return auth.Service(accounts=Accounts(root.parent), workspaces=workspaces(root.parent), hosts={"127.0.0.1", "localhost"})


@pytest.fixture
def base(service: auth.Service) -> Iterator[str]:
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = net.StoppableServer(net.server_config(create_service_app(service)))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


@pytest.fixture
def browser(chromium: tuple[str, str]) -> Iterator[webdriver.Chrome]:
    with chrome(chromium, window=LAPTOP) as driver:
        yield driver


def screenshot(driver: webdriver.Chrome, name: str) -> None:
    save_screenshot(driver, f"review-{name}")


def badge(driver: webdriver.Chrome) -> str:
    return str(driver.execute_script("return document.querySelector('#review-panel .review-state')?.textContent || ''"))


def as_person(driver: webdriver.Chrome, base: str, service: auth.Service, person: Person, path: str | None = None) -> None:
    """Open the workspace's page as person, with a session of theirs (the list, or the notice at path)."""
    driver.get(f"{base}/dang-nhap")  # a page of the site, to set its cookie on
    driver.delete_all_cookies()
    driver.add_cookie({"name": auth.COOKIE, "value": service.sessions.create(person.login).id, "path": "/"})
    driver.get(f"{base}/w/{WORKSPACE}/")
    wait(driver, lambda d: d.execute_script("return document.body.dataset.ready") == "1")
    if path is not None:
        driver.get(f"{base}/w/{WORKSPACE}/#{path}")
        wait(driver, lambda d: badge(d) != "")


def drawn(driver: webdriver.Chrome) -> int:
    """How many times the review panel was drawn: it is redrawn once the server answered after each save or step."""
    return int(driver.execute_script("return Number(document.body.dataset.reviewDrawn || 0)"))


def saved(driver: webdriver.Chrome) -> None:
    """Save with the page's button and wait for the review to be read again after the save."""
    before = drawn(driver)
    press(driver, "#save")
    wait(driver, lambda d: drawn(d) > before)


def marked(driver: webdriver.Chrome) -> list[str]:
    """The preview's paragraphs marked as commented."""
    return list(driver.execute_script("return [...document.querySelectorAll('#live .p-commented')].map((p) => p.textContent.trim())"))


def note_beside(driver: webdriver.Chrome, block: str) -> str:
    script = "return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent).join(' | ')"
    return str(driver.execute_script(script, f'#outline .node[data-field="{block}"] > .review-notes .review-note-text'))


def test_submit_comment_ask_changes_edit_resubmit_approve_in_chromium(
    browser: webdriver.Chrome, base: str, root: Path, service: auth.Service
) -> None:
    driver = browser
    # the drafter submits the notice to the chief
    as_person(driver, base, service, DRAFTER, REL)
    assert badge(driver) == "Đang soạn"
    assert not driver.find_elements(By.ID, "review-approve")  # not the drafter's to approve
    press(driver, "#review-submit")
    people = driver.find_elements(By.CSS_SELECTOR, "#review-form .review-person")
    assert [p.text for p in people] == ["Trần Văn Hùng", "Lê Thị Mai"]
    click(driver, people[0].find_element(By.TAG_NAME, "input"))
    find(driver, "#review-form textarea").send_keys("Kính trình anh xem giúp em.")
    screenshot(driver, "1-trinh-duyet")
    press(driver, "#review-send")
    wait(driver, lambda d: badge(d) == "Chờ duyệt")
    assert "Trình cho Trần Văn Hùng." in text_of(driver, "#review-said")

    # the chief finds it under "Chờ tôi duyệt", comments on the third block, asks for changes
    as_person(driver, base, service, CHIEF)
    mine = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#review-mine li"))
    assert "Kết luận của đồng chí Chủ tịch UBND tỉnh" in mine[0].text and "Nguyễn Thị Lan trình lúc" in mine[0].text
    wait(driver, lambda d: "Chờ duyệt" in text_of(d, f'#notices tr[data-path="{REL}"] td.summary'))
    screenshot(driver, "2-cho-toi-duyet")
    click(driver, mine[0].find_element(By.TAG_NAME, "button"))
    wait(driver, lambda d: badge(d) == "Chờ duyệt" and d.find_elements(By.CSS_SELECTOR, "#outline .review-add"))
    press(driver, '#outline .node[data-field="noi_dung[3]"] .review-add')
    find(driver, "#outline .review-write textarea").send_keys("Ghi rõ nguồn kinh phí (ngân sách tỉnh hay nguồn khác).")
    press(driver, "#outline .review-comment-send")
    wait(driver, lambda d: "Ghi rõ nguồn kinh phí" in note_beside(d, "noi_dung[3]"))
    wait(driver, lambda d: marked(d) == ["2. Sở Tài chính bố trí kinh phí thực hiện trong năm 2026."])  # the preview's paragraph too
    press(driver, "#review-changes")
    find(driver, "#review-form textarea").send_keys("Bổ sung nguồn kinh phí rồi trình lại.")
    driver.execute_script("document.querySelector('.review-note').scrollIntoView({block: 'center'})")
    screenshot(driver, "3-gop-y-yeu-cau-sua")
    press(driver, "#review-changes-send")
    wait(driver, lambda d: badge(d) == "Cần sửa")

    # the drafter sees the comment beside its block; adds a paragraph above it and edits the first: the comment follows its block
    as_person(driver, base, service, DRAFTER, REL)
    assert badge(driver) == "Cần sửa"
    assert "Trần Văn Hùng yêu cầu sửa" in text_of(driver, "#review-said")
    wait(driver, lambda d: "Ghi rõ nguồn kinh phí" in note_beside(d, "noi_dung[3]"))
    press(driver, "#review-goto")  # "Xem 1 góp ý chưa xử lý" scrolls to the comment
    wait(
        driver,
        lambda d: d.execute_script(
            "const r = document.querySelector('.review-note').getBoundingClientRect(); return r.top > 0 && r.bottom < innerHeight"
        ),
    )
    screenshot(driver, "4-nguoi-soan-thay-gop-y")
    first = find(driver, '#outline .node[data-field="noi_dung[1]"] .rich')
    click(driver, first)
    first.send_keys(Keys.CONTROL, Keys.END)
    first.send_keys(" Dự họp có lãnh đạo các sở, ngành.")
    driver.execute_script("document.querySelector('[data-add=\"doan\"]').click()")
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#outline > .node")) == 5)
    driver.switch_to.active_element.send_keys("Các cơ quan báo cáo kết quả trước ngày 30/6/2026.")
    wait(driver, lambda d: "Ghi rõ nguồn kinh phí" in note_beside(d, "noi_dung[4]") and not note_beside(d, "noi_dung[3]"))
    wait(driver, lambda d: marked(d) == ["2. Sở Tài chính bố trí kinh phí thực hiện trong năm 2026."])
    saved(driver)
    assert "Đã lưu" in text_of(driver, "#status")
    wait(driver, lambda d: "Ghi rõ nguồn kinh phí" in note_beside(d, "noi_dung[4]"))
    third = find(driver, '#outline .node[data-field="noi_dung[4]"] .rich')
    click(driver, third)
    third.send_keys(Keys.CONTROL, Keys.END)
    third.send_keys(" Nguồn: ngân sách tỉnh.")
    saved(driver)
    press(driver, '#outline .node[data-field="noi_dung[4]"] .review-resolve')
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '#outline .node[data-field="noi_dung[4]"] .review-note.done'))
    press(driver, "#review-submit")
    assert find(driver, "#review-to-some").is_selected()  # the same reviewer as before
    press(driver, "#review-send")
    wait(driver, lambda d: badge(d) == "Chờ duyệt")

    # the chief approves
    as_person(driver, base, service, CHIEF, REL)
    wait(driver, lambda d: d.find_elements(By.ID, "review-approve"))
    press(driver, "#review-approve")
    wait(driver, lambda d: badge(d) == "Đã duyệt")
    assert "Trần Văn Hùng đã duyệt lúc" in text_of(driver, "#review-said")
    screenshot(driver, "5-da-duyet")
    record = json.loads((root / ".duyet" / (REL + ".json")).read_text(encoding="utf-8"))
    last = subprocess.run(["git", "rev-list", "-1", "HEAD", "--", REL], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
    assert record["trang_thai"] == "da-duyet" and record["ban_da_duyet"]["commit"] == last
    approved = subprocess.run(["git", "show", f"{last}:{REL}"], cwd=root, capture_output=True, check=True).stdout.decode()
    assert "trong năm 2026. Nguồn: ngân sách tỉnh." in approved and "trước ngày 30/6/2026" in approved
    assert [c["trich"] for c in record["gop_y"]] == ["Sở Tài chính bố trí kinh phí thực hiện trong năm 2026."]
    assert record["gop_y"][0]["xong"]["dang_nhap"] == "lan"

    # the list shows each notice's state
    as_person(driver, base, service, DRAFTER)
    wait(driver, lambda d: "Đã duyệt" in text_of(d, f'#notices tr[data-path="{REL}"] td.summary'))
    assert not find(driver, "#review-mine").is_displayed()
    screenshot(driver, "6-danh-sach")


# What each role sees of the page's controls: what it may do, from the one table the server enforces (service/people.ALLOWED).
LIST_CONTROLS = ("#new-form", "#drop", ".render-all", f'#notices tr[data-path="{REL}"] button[data-action="sao"]', "#register-open")
EDITOR_CONTROLS = ("#save", ".format-bar", "#issue-open", '.field[data-field="kinh_gui"] .list-editor .add', "#history-open")


def shown(driver: webdriver.Chrome, selectors: tuple[str, ...]) -> dict[str, bool]:
    script = "return arguments[0].map((s) => { const e = document.querySelector(s); return [s, Boolean(e && e.checkVisibility())]; })"
    return dict(driver.execute_script(script, list(selectors)))


def editable(driver: webdriver.Chrome) -> dict[str, bool]:
    """Whether the form's summary box, a body block and a select take input."""
    return dict(
        driver.execute_script(
            """
            const summary = document.querySelector('#fields textarea[data-field="trich_yeu"]');
            const block = document.querySelector('#outline .rich');
            const select = document.querySelector('#fields .field[data-field="do_khan"] select');
            return { summary: !summary.readOnly, block: block.isContentEditable, select: !select.disabled };
            """
        )
    )


@pytest.mark.parametrize(
    ("person", "may_edit", "may_issue", "note"),
    [
        (DRAFTER, True, False, ""),
        (
            CHIEF,
            False,
            False,
            "Bạn chỉ xem văn bản này: tài khoản của bạn không có quyền soạn và lưu văn bản; bạn có thể góp ý và duyệt văn bản, đánh dấu góp ý đã xử lý.",
        ),
        (
            CLERK,
            False,
            True,
            "Bạn chỉ xem văn bản này: tài khoản của bạn không có quyền soạn và lưu văn bản; bạn có thể phát hành văn bản.",
        ),
    ],
    ids=["soan-thao", "duyet", "van-thu"],
)
def test_each_role_sees_only_the_controls_of_what_it_may_do(
    browser: webdriver.Chrome, base: str, service: auth.Service, person: Person, may_edit: bool, may_issue: bool, note: str
) -> None:
    driver = browser
    as_person(driver, base, service, person)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f'#notices tr[data-path="{REL}"]'))
    [role] = person.roles
    screenshot(driver, f"vai-tro-{role}-danh-sach")
    expected = {selector: may_edit for selector in LIST_CONTROLS}
    expected["#register-open"] = True  # everyone who reads the workspace reads its register
    assert shown(driver, LIST_CONTROLS) == expected

    as_person(driver, base, service, person, REL)
    wait(driver, lambda d: d.execute_script("return document.body.dataset.checked") is not None)
    screenshot(driver, f"vai-tro-{role}-soan")
    driver.execute_script("document.querySelector('#outline').scrollIntoView()")
    screenshot(driver, f"vai-tro-{role}-noi-dung")
    assert shown(driver, EDITOR_CONTROLS) == {
        "#save": may_edit,
        ".format-bar": may_edit,
        "#issue-open": may_issue,
        '.field[data-field="kinh_gui"] .list-editor .add': may_edit,
        "#history-open": True,  # everyone reads the history; only who may save restores
    }
    assert editable(driver) == {"summary": may_edit, "block": may_edit, "select": may_edit}
    assert text_of(driver, "#read-only-note") == note
    if not may_edit:  # typing in the read-only form changes nothing and saves nothing
        block = find(driver, "#outline .rich")
        before = block.text
        click(driver, block)
        ActionChains(driver).send_keys("thêm chữ").perform()  # as a person types after clicking the block
        summary = find(driver, '#fields textarea[data-field="trich_yeu"]')
        summary.send_keys("thêm chữ")
        assert find(driver, "#outline .rich").text == before and summary.get_attribute("value").endswith("chuyển đổi số")
        assert text_of(driver, "#status") == ""  # no edit taken: nothing to save, no draft kept
