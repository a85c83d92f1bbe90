"""The drafting page in real Chromium, as a drafter uses it: `tbkl serve` in a subprocess, Selenium clicking.

The fixtures `browser` and `served` are conftest.py's; the helpers, tests/browser.py's.

Screenshots are written to $TBKL_SCREENSHOTS when it is set, to be looked at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytest.importorskip("starlette")
pytest.importorskip("selenium")

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

from browser import (  # noqa: E402
    LISTEN,
    Served,
    checked_after,
    click,
    fill_skeleton,
    find,
    last_check,
    open_first,
    open_page,
    opened,
    retype,
    screenshot,
    select_text,
    wait,
)
from conftest import ROOT, fill_in, problems_but_samples, render_cli  # noqa: E402


def test_drafter_writes_a_notice_sees_numbering_and_problems_then_saves_a_valid_source(browser: webdriver.Chrome, served: Served) -> None:
    open_page(browser, served)
    screenshot(browser, "1-danh-sach")
    find(browser, "#new-title").send_keys("Kết luận của đồng chí Chủ tịch tại cuộc họp về chuyển đổi số")
    click(browser, find(browser, "#new-notice"))
    wait(browser, lambda d: d.find_element(By.ID, "editor-view").is_displayed())
    wait(browser, lambda d: "THÔNG BÁO" in d.find_element(By.ID, "live").text)
    # the skeleton's gaps and stand-in conclusions are errors until the drafter writes the real text
    assert find(browser, "#counts").text.startswith("5 lỗi")
    fill_skeleton(browser)
    assert find(browser, "#counts").text.startswith("Không có lỗi") or " 0 lỗi" in find(browser, "#counts").text

    blocks = browser.find_elements(By.CSS_SELECTOR, "#outline > .node > .node-row .rich")
    click(browser, blocks[-1])
    for kind, text in [
        ("muc", "Nhiệm vụ trọng tâm"),
        ("khoan", "Sở Tài chính bố trí kinh phí"),
        ("khoan", "Sở Nội vụ"),
        ("diem", "rà soát biên chế"),
    ]:
        before = last_check(browser)
        click(browser, find(browser, f'.format-bar [data-add="{kind}"]'))
        browser.switch_to.active_element.send_keys(text)
        checked_after(browser, before)
    preview = find(browser, "#live").text
    for line in ("I. NHIỆM VỤ TRỌNG TÂM", "1. Sở Tài chính bố trí kinh phí", "2. Sở Nội vụ", "a) rà soát biên chế./."):
        assert line in preview
    labels = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#outline .label")]
    assert labels[-4:] == ["I.", "1.", "2.", "a)"]
    screenshot(browser, "2-soan-noi-dung")

    date = find(browser, '#fields input[data-field="ngay"]')
    before = last_check(browser)
    retype(date, "2026-02-30")
    checked_after(browser, before)
    problem = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, '.field[data-field="ngay"] .problem'))
    assert problem.text == "ngày không tồn tại: 30/02/2026 (tháng 2 năm 2026 chỉ có 28 ngày)"
    assert find(browser, "#counts").text.startswith("1 lỗi")
    screenshot(browser, "3-loi-canh-truong")

    before = last_check(browser)
    retype(date, "2026")
    checked_after(browser, before)
    assert not browser.find_elements(By.CSS_SELECTOR, '.field[data-field="ngay"] .problem')
    assert not find(browser, "#counts").text.startswith(("1 lỗi", "2 lỗi"))

    find(browser, "#fields textarea").send_keys(Keys.CONTROL, "s")
    wait(browser, lambda d: d.find_element(By.ID, "status").text.startswith("Đã lưu"))
    saved = next((served.root / "notices").rglob("*.yaml"))
    text = saved.read_text(encoding="utf-8")
    assert "so:  # để trống cho đến khi văn thư cấp số\n" in text  # tbkl new's comments kept
    assert '  - muc: "Nhiệm vụ trọng tâm"\n' in text  # in the double quotes tbkl new wrote the file with
    assert render_cli(["check"], cwd=served.root).exit_code == 0
    rendered = render_cli(["render"], cwd=served.root)
    assert rendered.exit_code == 0, rendered.output
    assert list((served.root / "out").rglob("*.docx"))


def test_a_file_edited_on_disk_while_open_is_not_overwritten(browser: webdriver.Chrome, served: Served) -> None:
    from tbkl_gen.commands.scaffold import new_notice

    path = new_notice(served.root, "Kết luận họp giao ban")
    open_first(browser, served)
    summary = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, '#fields textarea[data-field="trich_yeu"]'))
    opened_text = path.read_text(encoding="utf-8")
    by_hand = opened_text.replace('trich_yeu: "Kết luận họp giao ban"', 'trich_yeu: "Sửa trong VS Code"')
    path.write_text(by_hand, encoding="utf-8")
    click(browser, summary)
    summary.send_keys(Keys.END, " tháng 3")
    assert path.read_text(encoding="utf-8") != opened_text
    click(browser, find(browser, "#save"))
    try:
        message = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#banner.error"))
    except TimeoutException:
        raise AssertionError(
            f"no conflict shown; status: {find(browser, '#status').text!r}; file: {path.read_text(encoding='utf-8')!r}"
        ) from None
    assert "đã được sửa ở nơi khác sau khi mở (trong một trình soạn thảo hoặc một thẻ khác); chưa lưu để không ghi đè" in message.text
    assert path.read_text(encoding="utf-8") == by_hand
    screenshot(browser, "4-xung-dot")
    click(browser, find(browser, "#conflict-theirs"))
    wait(
        browser,
        lambda d: d.find_element(By.CSS_SELECTOR, '#fields textarea[data-field="trich_yeu"]').get_attribute("value") == "Sửa trong VS Code",
    )


def test_an_uploaded_word_file_opens_as_a_notice_with_the_import_report(browser: webdriver.Chrome, served: Served, tmp_path: Path) -> None:
    example = ROOT / "notices" / "2021" / "tbkl-thong-tin-doi-ngoai.yaml"
    assert render_cli(["render", str(example), "-o", str(tmp_path / "out"), "--quiet"]).exit_code == 0
    word = tmp_path / "thong-bao-cu.docx"
    (tmp_path / "out" / "tbkl-thong-tin-doi-ngoai.docx").replace(word)
    broken = tmp_path / "hong.docx"
    broken.write_bytes(b"PK\x03\x04 not really")
    open_page(browser, served)
    find(browser, "#import-file").send_keys(str(broken))
    message = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#banner.error"))
    assert message.text.startswith("hong.docx: không nhập được: ")
    find(browser, "#import-file").send_keys(str(word))
    wait(browser, lambda d: d.find_element(By.ID, "editor-view").is_displayed())
    report = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#banner:not(.error)"))
    assert report.text.startswith("Đã nhập thành notices/")
    summary = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, '#fields textarea[data-field="trich_yeu"]'))
    assert summary.get_attribute("value").startswith("Kết luận của đồng chí Hồ Quang Bửu")
    wait(browser, lambda d: "HỒ QUANG BỬU" in d.find_element(By.ID, "live").text.upper())
    screenshot(browser, "7-nhap-tu-word")
    assert list((served.root / "notices").rglob("thong-bao-cu.yaml"))


def test_the_pdf_and_the_exact_page_come_from_libreoffice(browser: webdriver.Chrome, served: Served, libreoffice: str) -> None:
    from tbkl_gen.commands.scaffold import new_notice

    fill_in(new_notice(served.root, "Kết luận họp giao ban"))  # a notice ready to print
    open_first(browser, served)
    wait(browser, lambda d: "THÔNG BÁO" in d.find_element(By.ID, "live").text)
    click(browser, find(browser, "#download-pdf"))
    pdf = wait(browser, lambda d: next(iter(browser.downloads.glob("ket-luan-hop-giao-ban.pdf")), None), timeout=180)
    wait(browser, lambda d: pdf.stat().st_size > 1000 and not list(browser.downloads.glob("*.crdownload")))
    assert pdf.read_bytes().startswith(b"%PDF")
    click(browser, find(browser, "#tab-exact"))
    image = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#exact img"), timeout=180)
    assert image.get_attribute("alt") == "Trang 1"
    wait(browser, lambda d: d.execute_script("return arguments[0].naturalWidth", image) > 800)
    screenshot(browser, "5-trang-in")


def test_a_request_without_the_token_is_refused_in_the_browser(browser: webdriver.Chrome, served: Served) -> None:
    browser.delete_all_cookies()
    browser.get(served.base + "/")
    assert "thiếu hoặc sai mã truy cập" in find(browser, "body").text
    browser.get(served.base + "/?token=doan-bua")
    assert "thiếu hoặc sai mã truy cập" in find(browser, "body").text


def test_bold_footnote_and_moving_blocks_show_in_the_preview_and_the_saved_source(browser: webdriver.Chrome, served: Served) -> None:
    from tbkl_gen.commands.scaffold import new_notice

    path = new_notice(served.root, "Kết luận họp giao ban")
    open_first(browser, served)
    first = find(browser, '#outline .rich[data-field="noi_dung[3].khoan"]')
    assert first.text == "Nội dung kết luận thứ nhất."
    click(browser, first)
    start = first.text.index("thứ nhất")
    select_text(browser, first, start, start + 8)
    before = last_check(browser)
    first.send_keys(Keys.CONTROL, "b")
    checked_after(browser, before)
    assert first.text == "Nội dung kết luận thứ nhất."  # bold shows as bold, never as "**"
    assert first.find_element(By.TAG_NAME, "b").text == "thứ nhất"
    assert "<b>thứ nhất</b>" in find(browser, "#live").get_attribute("innerHTML")

    select_text(browser, first, len(first.text) - 1)
    click(browser, find(browser, '[data-format="footnote"]'))
    before = last_check(browser)
    browser.switch_to.active_element.send_keys("Theo Công văn số 12/UBND")
    checked_after(browser, before)
    assert find(browser, "#live .footnotes").text == "1 Theo Công văn số 12/UBND"
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)

    before = last_check(browser)
    click(browser, find(browser, '#outline .node[data-field="noi_dung[3]"] > .node-row [data-action="down"]'))
    checked_after(browser, before)
    paragraphs = [p.text for p in browser.find_elements(By.CSS_SELECTOR, "#live .content p")]
    assert paragraphs[2:5] == ["1. Nội dung kết luận thứ hai.", "- Việc giao cho …", "2. Nội dung kết luận thứ nhất1."]

    top_level = len(browser.find_elements(By.CSS_SELECTOR, "#outline > .node"))
    before = last_check(browser)
    click(browser, find(browser, '#outline .node[data-field="noi_dung[3].noi_dung[1]"] > .node-row [data-action="outdent"]'))
    checked_after(browser, before)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#outline > .node")) == top_level + 1
    screenshot(browser, "6-dinh-dang-va-chuyen-khoi")

    click(browser, find(browser, "#save"))
    wait(browser, lambda d: d.find_element(By.ID, "status").text.startswith("Đã lưu"))
    text = path.read_text(encoding="utf-8")
    assert '  - khoan: "Nội dung kết luận thứ hai."\n  - gach: "Việc giao cho …"\n' in text
    assert '  - khoan: "Nội dung kết luận **thứ nhất**^[Theo Công văn số 12/UBND]."\n' in text  # as tbkl new writes
    assert problems_but_samples(path, served.root) == []  # what the drafter has still to write aside


def test_rendering_the_workspace_shows_its_progress_then_the_summary(browser: webdriver.Chrome, served: Served) -> None:
    from tbkl_gen.commands.scaffold import new_notice

    fill_in(new_notice(served.root, "Kết luận họp giao ban"))
    fill_in(new_notice(served.root, "Kết luận họp chuyên đề"))
    open_page(browser, served)
    click(browser, find(browser, "#render-all"))
    wait(browser, lambda d: d.find_element(By.ID, "render-result").text.startswith("Đã tạo"), timeout=120)
    assert find(browser, "#render-result").text == "Đã tạo 2, không đổi 0, lỗi 0 vào out."
    assert find(browser, "#render-progress").get_attribute("value") == "2"
    assert len(list((served.root / "out").rglob("*.docx"))) == 2


def test_enter_splits_a_block_and_backspace_removes_an_empty_one(browser: webdriver.Chrome, served: Served) -> None:
    from tbkl_gen.commands.scaffold import new_notice

    new_notice(served.root, "Kết luận họp giao ban")
    open_first(browser, served)
    first = find(browser, '#outline .rich[data-field="noi_dung[3].khoan"]')
    click(browser, first)
    select_text(browser, first, len("Nội dung kết luận"))
    before = last_check(browser)
    first.send_keys(Keys.ENTER)
    checked_after(browser, before)
    paragraphs = [p.text for p in browser.find_elements(By.CSS_SELECTOR, "#live .content p")]
    assert paragraphs[2:5] == ["1. Nội dung kết luận", "2. thứ nhất.", "3. Nội dung kết luận thứ hai."]
    created = browser.switch_to.active_element
    assert created.get_attribute("data-field") == "noi_dung[4].khoan"
    created.send_keys(Keys.CONTROL, "a")
    created.send_keys(Keys.DELETE)
    before = last_check(browser)
    created.send_keys(Keys.BACKSPACE)
    checked_after(browser, before)
    paragraphs = [p.text for p in browser.find_elements(By.CSS_SELECTOR, "#live .content p")]
    assert paragraphs[2:4] == ["1. Nội dung kết luận", "2. Nội dung kết luận thứ hai."]
    assert browser.switch_to.active_element.get_attribute("data-field") == "noi_dung[3].khoan"


def test_a_table_and_an_appendix_are_edited_on_the_page_and_saved(browser: webdriver.Chrome, served: Served) -> None:
    from tbkl_gen.commands.scaffold import new_notice

    path = new_notice(served.root, "Kết luận họp giao ban")
    open_first(browser, served)
    click(browser, find(browser, '#outline .rich[data-field="noi_dung[3].khoan"]'))
    before = last_check(browser)
    click(browser, find(browser, '[data-add="bang"]'))  # a 2 × 2 table after the current block
    checked_after(browser, before)
    table = find(browser, "#outline .table-edit")
    cells = table.find_elements(By.CSS_SELECTOR, ".rich")
    for cell, text in zip(cells, ["Đơn vị", "Thời hạn", "Sở Tài chính", "Quý II"], strict=True):
        cell.send_keys(text)
    before = last_check(browser)
    click(browser, find(browser, '#outline .table-tools [data-action="add-row"]'))
    checked_after(browser, before)
    rows = browser.find_elements(By.CSS_SELECTOR, "#outline .table-edit tr")
    assert len(rows) == 3
    last = rows[2].find_elements(By.CSS_SELECTOR, ".rich")
    last[0].send_keys("Sở Nội vụ")
    last[1].send_keys("Quý III")
    before = last_check(browser)
    click(browser, rows[2].find_element(By.CSS_SELECTOR, '[data-action="add-cell"]'))
    checked_after(browser, before)
    assert "hàng thứ 3 của bảng chiếm 3 cột nhưng bảng có 2 cột" in find(browser, "#form").text
    before = last_check(browser)
    click(browser, find(browser, '#outline .table-edit tr:nth-child(3) [data-action="remove-cell"]'))
    checked_after(browser, before)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", find(browser, "#outline .table-edit"))
    screenshot(browser, "7-bang")
    grid = find(browser, "#live table.grid")
    assert [c.text for c in grid.find_elements(By.CSS_SELECTOR, "th")] == ["Đơn vị", "Thời hạn"]
    assert [c.text for c in grid.find_elements(By.CSS_SELECTOR, "td")] == ["Sở Tài chính", "Quý II", "Sở Nội vụ", "Quý III"]

    before = last_check(browser)
    click(browser, find(browser, '[data-action="add-appendix"]'))
    checked_after(browser, before)
    title = find(browser, 'input[data-field="phu_luc[1].ten"]')
    title.send_keys("Danh mục nhiệm vụ")
    body = find(browser, '#outline-pl-0 .rich[data-field="phu_luc[1].noi_dung[1]"]')
    before = last_check(browser)
    body.send_keys("Các nhiệm vụ cụ thể giao cho các sở.")
    checked_after(browser, before)
    live = find(browser, "#live")
    assert find(live, ".appendix .pl-head").text == "Phụ lục I"
    assert find(live, ".appendix .pl-title").text == "DANH MỤC NHIỆM VỤ"
    assert find(live, ".appendix .pl-reference").text.startswith("(Kèm theo Thông báo số")
    screenshot(browser, "8-phu-luc")

    click(browser, find(browser, "#save"))
    wait(browser, lambda d: d.find_element(By.ID, "status").text.startswith("Đã lưu"))
    text = path.read_text(encoding="utf-8")
    assert "bang:" in text and "Sở Nội vụ" in text and "phu_luc:" in text and 'ten: "Danh mục nhiệm vụ"' in text
    assert problems_but_samples(path, served.root) == []  # what the drafter has still to write aside


def test_a_click_on_a_notice_is_not_lost_when_the_list_is_drawn_again_under_it(browser: webdriver.Chrome, served: Served) -> None:
    """The answer of a search typed just before (or any drawing of the list) that comes between the press and
    the release of "Mở" keeps the notice's row, the very elements under the pointer: the notice opens."""
    from selenium.webdriver.common.action_chains import ActionChains

    from tbkl_gen.commands.scaffold import new_notice

    new_notice(served.root, "Kết luận họp giao ban")
    new_notice(served.root, "Kết luận họp về chuyển đổi số")
    open_page(browser, served)
    button = find(browser, "#notices tr[data-path] td.actions button")
    assert button.text == "Mở"
    path = browser.execute_script("return arguments[0].closest('tr').dataset.path", button)
    browser.execute_script(LISTEN)
    browser.execute_script(
        "window.tbklHeld = arguments[0]; window.tbklListed = 0; document.addEventListener('tbkl:listed', () => { window.tbklListed += 1; });",
        button,
    )
    ActionChains(browser).move_to_element(button).click_and_hold().perform()
    # the search's answer arrives while the button is held: the same rows, drawn again
    browser.execute_script("const box = document.querySelector('#search'); box.value = 'họp'; box.dispatchEvent(new Event('input'));")
    wait(browser, lambda d: d.execute_script("return window.tbklListed") > 0)
    ActionChains(browser).release().perform()
    opened(browser, path)
    assert browser.execute_script("return window.tbklHeld.isConnected")  # the row was kept, not made anew


def test_kinh_gui_is_edited_in_its_field_and_shown_under_the_summary(browser: webdriver.Chrome, served: Served) -> None:
    from tbkl_gen.commands.scaffold import new_notice

    path = new_notice(served.root, "Kết luận họp giao ban")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nnoi_dung:", "\nkinh_gui: Sở Tài chính\nnoi_dung:", 1), encoding="utf-8")
    open_first(browser, served)
    field = find(browser, '.field[data-field="kinh_gui"]')
    assert field.find_element(By.TAG_NAME, "label").text == "Nơi nhận ở dòng Kính gửi"  # the declaration's label
    assert find(browser, '.field[data-field="nguoi_ky.ho_ten"] label').text == "Họ tên người ký"
    urgency = find(browser, '.field[data-field="do_khan"] select').find_elements(By.TAG_NAME, "option")
    assert [option.text for option in urgency] == ["(không khẩn)", "KHẨN", "THƯỢNG KHẨN", "HỎA TỐC"]
    items = field.find_elements(By.CSS_SELECTOR, ".list-editor .item input")
    assert [item.get_attribute("value") for item in items] == ["Sở Tài chính"]
    assert "Kính gửi: Sở Tài chính" in find(browser, "#live .addressee").text

    before = last_check(browser)
    click(browser, field.find_element(By.CSS_SELECTOR, ".list-editor .add"))
    browser.switch_to.active_element.send_keys("Sở Nội vụ")
    checked_after(browser, before)
    shown = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#live .addressees")]
    assert shown == ["Kính gửi:", "- Sở Tài chính;", "- Sở Nội vụ."]
    lines = browser.find_elements(By.CSS_SELECTOR, "#live .addressees")
    head_x, first_x, second_x = (line.location["x"] for line in lines)
    assert head_x > find(browser, "#live .content p").location["x"] and first_x == second_x > head_x  # centred, dashes under the colon
    screenshot(browser, "8-kinh-gui")

    click(browser, find(browser, "#save"))
    wait(browser, lambda d: d.find_element(By.ID, "status").text.startswith("Đã lưu"))
    saved = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert saved["kinh_gui"] == ["Sở Tài chính", "Sở Nội vụ"]
    assert problems_but_samples(path, served.root) == []  # what the drafter has still to write aside


def test_drafter_makes_an_invitation_edits_its_meeting_and_sees_it_printed(browser: webdriver.Chrome, served: Served) -> None:
    from selenium.webdriver.support.select import Select

    open_page(browser, served)
    Select(find(browser, "#new-kind")).select_by_value("giay_moi")
    find(browser, "#new-title").send_keys("Nghe báo cáo tình hình chuyển đổi số")
    click(browser, find(browser, "#new-notice"))
    wait(browser, lambda d: d.find_element(By.ID, "editor-view").is_displayed())
    wait(browser, lambda d: "GIẤY MỜI" in d.find_element(By.ID, "live").text)
    own = find(browser, 'fieldset[data-kind="giay_moi"]')
    assert own.find_element(By.TAG_NAME, "legend").text == "Giấy mời"
    assert "in đậm dưới chữ GIẤY MỜI" in find(browser, '.field[data-field="trich_yeu"]').text
    time_field = find(browser, '#fields input[data-field="cuoc_hop.thoi_gian"]')
    before = last_check(browser)
    retype(time_field, "2026-05-04 08:30")
    checked_after(browser, before)
    assert "Thời gian: 8 giờ 30, ngày 04 tháng 5 năm 2026" in find(browser, "#live").text
    screenshot(browser, "7-giay-moi")
    find(browser, "#fields textarea").send_keys(Keys.CONTROL, "s")
    wait(browser, lambda d: d.find_element(By.ID, "status").text.startswith("Đã lưu"))
    saved = yaml.safe_load(next((served.root / "notices").rglob("*.yaml")).read_text(encoding="utf-8"))
    assert saved["loai"] == "giay_moi" and saved["cuoc_hop"]["thoi_gian"] == "2026-05-04 08:30"


def test_a_server_that_cannot_be_reached_is_said_on_the_page_not_waited_for(browser: webdriver.Chrome, served: Served) -> None:
    """The office's network drops or the server stops while the list is shown: "Mở" says so in the banner, and
    the list stays (a read whose connection failed is asked once more first)."""
    from tbkl_gen.commands.scaffold import new_notice

    new_notice(served.root, "Kết luận họp giao ban")
    open_page(browser, served)
    button = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#notices tr[data-path] td.actions button"))
    served.stop()
    click(browser, button)
    wait(browser, lambda d: d.find_element(By.ID, "banner").is_displayed())
    said = browser.execute_script("return document.querySelector('#banner').firstChild.textContent")  # then its close button
    assert said == "Không kết nối được với máy chủ: kiểm tra mạng rồi thử lại."
    screenshot(browser, "khong-ket-noi")
    assert "error" in find(browser, "#banner").get_attribute("class")
    assert find(browser, "#list-view").is_displayed() and not find(browser, "#editor-view").is_displayed()


# Holds the page's reads of the list until the test lets them go (window.tbklReleaseList), as a server still reading an
# office's documents after its start would: nothing timed.
HOLD_LIST = """
const held = [];
window.tbklReleaseList = () => held.splice(0).forEach((go) => go());
const fetchNow = window.fetch.bind(window);
window.fetch = (url, options) => String(url).includes("/api/workspace")
  ? new Promise((go) => held.push(go)).then(() => fetchNow(url, options))
  : fetchNow(url, options);
"""


def test_the_list_says_it_is_being_read_until_the_first_answer(browser: webdriver.Chrome, served: Served) -> None:
    """Right after the server's start, an office's list may take a while (the catalog still being built): the table says
    the list is being read, not that there is no document, and the rows replace that line when they come."""
    from tbkl_gen.commands.scaffold import new_notice

    new_notice(served.root, "Kết luận họp giao ban")
    script = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HOLD_LIST})["identifier"]
    try:
        browser.get(served.url)
        waiting = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#notices td.empty"))
        assert waiting.text == "Đang đọc danh sách văn bản…"
        assert not browser.find_elements(By.CSS_SELECTOR, "#notices tr[data-path]")
        screenshot(browser, "dang-doc-danh-sach")
        browser.execute_script("window.tbklReleaseList()")
        wait(browser, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
        rows = browser.find_elements(By.CSS_SELECTOR, "#notices tr")
        assert len(rows) == 1 and rows[0].get_attribute("data-path") and "Kết luận họp giao ban" in rows[0].text
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script})
