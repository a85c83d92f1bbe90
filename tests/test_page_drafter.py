"""A drafter's whole session on the page, at an office laptop's 1366×768, in a real Chromium.

Issue 20's scenario: a notice typed through the page with bold, a footnote, dates written
dd/mm/yyyy and text pasted from Word (HTML on the clipboard); slips fixed with the "Sửa"
buttons; a refresh mid-edit (the draft is offered back); the same notice in two tabs (the
conflict's choices, the differences named by the fields' labels); the saved file passes
`tbkl check`, renders, and keeps the formatting as the source's markup.

Set $TBKL_SCREENSHOTS to a folder to keep what the drafter saw at each step.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("selenium")

import docx  # noqa: E402
import yaml  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

from conftest import ROOT, SIGNER, render_cli, serve_process, stop_process  # noqa: E402
from browser import (  # noqa: E402
    SUMMARY,
    WORD_HTML,
    Served,
    checked_after,
    click,
    fill_skeleton,
    find,
    last_check,
    leave_anyway,
    log_in,
    open_notice,
    open_page,
    paste,
    screenshot,
    select_text,
    summary_value,
    wait,
)


TITLE = "Kết luận của đồng chí Chủ tịch tại cuộc họp về tiến độ các dự án đầu tư công"


def retype_field(driver: webdriver.Chrome, field: str, text: str) -> None:
    box = find(driver, f'#fields input[data-field="{field}"]')
    before = last_check(driver)
    click(driver, box)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(text)
    checked_after(driver, before)


def errors_shown(driver: webdriver.Chrome) -> list[str]:
    return [
        e.text for e in driver.find_elements(By.CSS_SELECTOR, "#fields .problem:not(.warning), #general-problems .problem:not(.warning)")
    ]


class Office:
    """`tbkl serve` over a service root with accounts: one workspace, a drafter logged in through /dang-nhap.

    It answers as Served does for the helpers: root (the workspace), base (its address), url.
    """

    LOGIN, PASSWORD = "thao", "mat-khau-dai-du"

    def __init__(self, service_root: Path) -> None:
        from tbkl_gen.commands.scaffold import init_workspace
        from tbkl_gen.service.accounts import Accounts

        self.root = service_root / "van-phong-ubnd-tinh"
        init_workspace(self.root, signer=SIGNER)
        name = "Nguyễn Thị Phương Thảo"
        Accounts(service_root).add(
            self.LOGIN, password=self.PASSWORD, role="soan-thao", workspace=self.root.name, name=name, email="thao@vp.example"
        )
        self.process, line = serve_process(service_root)
        found = re.search(r"(http://127\.0\.0\.1:\d+)/$", line.strip())
        assert found, line + self.process.stderr.read()
        self.origin = found.group(1)
        self.base = f"{self.origin}/w/{self.root.name}"
        self.url = f"{self.base}/"

    def log_in(self, driver: webdriver.Chrome) -> None:
        driver.get(self.url)
        log_in(driver, self.LOGIN, self.PASSWORD)
        wait(driver, lambda d: d.current_url.startswith(self.url))

    def stop(self) -> None:
        stop_process(self.process)


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Office]:
    server = Office(tmp_path / "tinh")
    try:
        yield server
    finally:
        server.stop()


def test_a_drafter_types_fixes_reloads_and_resolves_a_conflict_then_saves_a_valid_notice(
    laptop: webdriver.Chrome,  # noqa: F811
    served: Served,
) -> None:
    drafter_session(laptop, served)


def test_the_same_session_in_the_office_service_with_an_account(laptop: webdriver.Chrome, office: Office) -> None:  # noqa: F811
    """The page of the service (accounts, review, history, issuing in its bar) does the same for a logged-in drafter."""
    office.log_in(laptop)
    wait(laptop, lambda d: d.find_element(By.ID, "who").is_displayed())
    drafter_session(laptop, office, prefix="tk-")  # type: ignore[arg-type]
    # every save went into the history, as the drafter
    log = subprocess.run(["git", "log", "--format=%an"], cwd=office.root, capture_output=True, text=True, encoding="utf-8", check=True)
    assert "Nguyễn Thị Phương Thảo" in log.stdout.splitlines()


def drafter_session(driver: webdriver.Chrome, served: Served, prefix: str = "") -> None:
    assert driver.execute_script("return [window.innerWidth, window.innerHeight]") == [1366, 768]
    open_page(driver, served)
    find(driver, "#new-title").send_keys(TITLE)
    click(driver, find(driver, "#new-notice"))
    wait(driver, lambda d: d.find_element(By.ID, "editor-view").is_displayed())
    wait(driver, lambda d: "THÔNG BÁO" in d.find_element(By.ID, "live").text)
    path = next((served.root / "notices").rglob("*.yaml"))
    # a new notice's samples are errors until the drafter writes the real text: none can print
    assert find(driver, "#counts").text.startswith("5 lỗi")
    screenshot(driver, prefix + "soan-1-thong-bao-moi")
    fill_skeleton(driver)
    assert errors_shown(driver) == []

    # bold: the first conclusion's subject, with Ctrl+B; never a star on the page
    first = find(driver, '#outline .rich[data-field="noi_dung[3].khoan"]')
    click(driver, first)
    select_text(driver, first, 0, len("Các sở, ngành"))
    before = last_check(driver)
    first.send_keys(Keys.CONTROL, "b")
    checked_after(driver, before)
    assert first.find_element(By.TAG_NAME, "b").text == "Các sở, ngành"

    # a footnote at the end of the second conclusion, its text in the popover
    second = find(driver, '#outline .rich[data-field="noi_dung[4].khoan"]')
    click(driver, second)
    select_text(driver, second, len(second.text) - 1)  # before the full stop
    click(driver, find(driver, '[data-format="footnote"]'))
    wait(driver, lambda d: d.find_element(By.ID, "note-popover"))
    before = last_check(driver)
    driver.switch_to.active_element.send_keys("Theo Báo cáo số 45/BC-STC ngày 05/3/2026 của Sở Tài chính")
    checked_after(driver, before)
    driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait(driver, lambda d: not d.find_elements(By.ID, "note-popover"))
    assert find(driver, "#live .footnotes").text == "1 Theo Báo cáo số 45/BC-STC ngày 05/3/2026 của Sở Tài chính"
    assert "**" not in find(driver, "#outline").text and "^[" not in find(driver, "#outline").text

    # two numbered paragraphs copied from Word become two items, their bold and italic kept
    second = find(driver, '#outline .rich[data-field="noi_dung[4].khoan"]')
    click(driver, second)
    select_text(driver, second, len(second.text))
    before = last_check(driver)
    paste(driver, second, WORD_HTML, "1.\tSở Tài chính chủ trì, tham mưu bố trí kinh phí;\n2.\tSở Xây dựng phối hợp thực hiện.")
    checked_after(driver, before)
    paragraphs = [p.text for p in driver.find_elements(By.CSS_SELECTOR, "#live .content p")]
    assert "3. Sở Tài chính chủ trì, tham mưu bố trí kinh phí;" in paragraphs
    assert "4. Sở Xây dựng phối hợp thực hiện." in paragraphs
    screenshot(driver, prefix + "soan-2-dam-chu-thich-dan-tu-word")

    # dates as Vietnamese write them; the meeting's with dots, as some type it: a "Sửa" writes it with slashes
    retype_field(driver, "ngay", "21/4/2026")
    retype_field(driver, "ngay_hop", "20.4.2026")
    retype_field(driver, "luu", "VT, XDCT(Sơn)")
    assert "Lâm Đồng, ngày 21 tháng 4 năm 2026" in find(driver, "#live").text
    titles = sorted(button.get_attribute("title") for button in driver.find_elements(By.CSS_SELECTOR, ".problem button.fix"))
    assert titles == ["viết dòng lưu như khi in: VT, XDCT, Sơn", "viết ngày dạng ngày/tháng/năm: 20/4/2026"], titles
    problem = find(driver, '.field[data-field="ngay_hop"] .problem').text
    assert "20/4/2026" in problem and "2026-04" not in problem, problem
    screenshot(driver, prefix + "soan-3-nut-sua")
    while buttons := driver.find_elements(By.CSS_SELECTOR, ".problem button.fix"):
        before = last_check(driver)
        click(driver, buttons[0])
        checked_after(driver, before)
    assert find(driver, '#fields input[data-field="ngay_hop"]').get_attribute("value") == "20/4/2026"
    assert find(driver, '#fields input[data-field="luu"]').get_attribute("value") == "VT, XDCT, Sơn"
    assert errors_shown(driver) == []
    find(driver, SUMMARY).send_keys(Keys.CONTROL, "s")
    wait(driver, lambda d: d.find_element(By.ID, "status").text.startswith("Đã lưu"))

    # a refresh mid-edit: the draft kept beside the file is offered back
    summary = find(driver, SUMMARY)
    click(driver, summary)
    summary.send_keys(Keys.END, " năm 2026")
    wait(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-draft"))
    driver.refresh()
    leave_anyway(driver)
    wait(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
    offer = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#banner:not([hidden])"))
    assert offer.text.startswith("Có bản nháp chưa lưu lúc ")
    screenshot(driver, prefix + "soan-4-ban-nhap")
    click(driver, find(driver, "#draft-restore"))
    wait(driver, lambda d: summary_value(d) == f"{TITLE} năm 2026")

    # the same notice in a second tab, saved there first: this tab's save shows the differences by field
    first_tab = driver.current_window_handle
    driver.switch_to.new_window("tab")
    open_notice(driver, served, path)
    find(driver, SUMMARY).send_keys(Keys.END, " (bản của đồng nghiệp)")
    find(driver, SUMMARY).send_keys(Keys.CONTROL, "s")
    wait(driver, lambda d: d.find_element(By.ID, "status").text.startswith("Đã lưu"))
    driver.close()
    driver.switch_to.window(first_tab)
    find(driver, SUMMARY).send_keys(Keys.CONTROL, "s")
    box = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#banner.error #conflict-diff"))
    assert [e.text for e in box.find_elements(By.CSS_SELECTOR, ".where")] == ["Trích yếu"]
    assert "trich_yeu" not in box.text and '"' not in box.text
    assert [e.text for e in box.find_elements(By.TAG_NAME, "ins")] == ["năm 2026"]
    assert [e.text for e in box.find_elements(By.TAG_NAME, "del")] == ["(bản của đồng nghiệp)"]
    screenshot(driver, prefix + "soan-5-xung-dot")
    click(driver, find(driver, "#conflict-mine"))
    wait(driver, lambda d: d.find_element(By.ID, "status").text.startswith("Đã lưu"))

    # what was saved: the formatting as markup, the dates as written, a notice check passes and that renders
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["trich_yeu"] == f"{TITLE} năm 2026"
    assert data["noi_dung"][2] == {"khoan": "**Các sở, ngành** khẩn trương hoàn thiện hồ sơ các dự án."}
    assert data["noi_dung"][3]["khoan"].endswith("^[Theo Báo cáo số 45/BC-STC ngày 05/3/2026 của Sở Tài chính].")
    assert {"khoan": "**Sở Tài chính** chủ trì, tham mưu bố trí kinh phí;"} in data["noi_dung"]
    assert {"khoan": "Sở Xây dựng *phối hợp* thực hiện."} in data["noi_dung"]
    assert (data["ngay"], data["ngay_hop"], data["luu"]) == ("21/4/2026", "20/4/2026", "VT, XDCT, Sơn")
    assert not list(path.parent.glob(".*.nhap"))  # the draft went with the save
    checked = render_cli(["check", str(path)], cwd=served.root)
    assert checked.exit_code == 0, checked.output
    rendered = render_cli(["render", "-o", "out"], cwd=served.root)
    assert rendered.exit_code == 0, rendered.output
    document = docx.Document(str(next((served.root / "out").rglob("*.docx"))))
    bold = [run.text for paragraph in document.paragraphs for run in paragraph.runs if run.bold]
    assert "Các sở, ngành" in bold and "Sở Tài chính" in bold
    screenshot(driver, prefix + "soan-6-da-luu")


@pytest.mark.parametrize("kind", ["thong_bao", "giay_moi", "cong_van"])
def test_every_hint_and_example_on_the_form_writes_dates_day_first(laptop: webdriver.Chrome, served: Served, kind: str) -> None:  # noqa: F811
    from tbkl_gen.commands.scaffold import new_notice
    from tbkl_gen.notice.kinds import KINDS

    path = new_notice(served.root, "Triển khai chuyển đổi số", kind=KINDS[kind])
    relative = path.relative_to(served.root).as_posix()
    open_page(laptop, served)
    laptop.get(f"{served.base}/#{relative}")
    wait(laptop, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
    wait(laptop, lambda d: d.find_element(By.ID, "file-name").text == relative)
    wait(laptop, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-checked"))
    shown = [e.text for e in laptop.find_elements(By.CSS_SELECTOR, "#fields .hint, #fields label, #fields .problem")]
    shown += [e.get_attribute("placeholder") or "" for e in laptop.find_elements(By.CSS_SELECTOR, "#fields input, #fields textarea")]
    shown += [e.get_attribute("value") or "" for e in laptop.find_elements(By.CSS_SELECTOR, "#fields input[type=text]")]
    words = " | ".join(shown)
    assert "YYYY" not in words.upper() and "năm-tháng-ngày" not in words, words
    assert not re.search(r"\b\d{4}-\d{1,2}(?:-\d{1,2})?\b", words), words


def test_a_date_the_file_holds_year_first_is_shown_day_first_and_kept_as_written(laptop: webdriver.Chrome, served: Served) -> None:  # noqa: F811
    path = served.root / "notices" / "2026" / "so-khcn.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((ROOT / "notices" / "2026" / "lamdong-so-khcn.yaml").read_bytes())
    assert 'ngay: "2026-04"' in path.read_text(encoding="utf-8")
    open_notice(laptop, served, path)
    assert find(laptop, '#fields input[data-field="ngay"]').get_attribute("value") == "04/2026"
    assert find(laptop, '#fields input[data-field="ngay_hop"]').get_attribute("value") == "16/04/2026"
    # another field edited and saved: the dates stay in the file as they were written
    retype_field(laptop, "luu", "VT, KGVX, NC")
    find(laptop, SUMMARY).send_keys(Keys.CONTROL, "s")
    wait(laptop, lambda d: d.find_element(By.ID, "status").text.startswith("Đã lưu"))
    text = path.read_text(encoding="utf-8")
    assert 'ngay: "2026-04"' in text and "ngay_hop: 2026-04-16" in text and "luu: VT, KGVX, NC" in text
