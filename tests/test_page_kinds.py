"""The page knows the kinds, in real Chromium at a laptop's 1366×768: a new document of each kind
with its own editor part, the kind of each document in the list, and a meeting shared with an
invitation (`cuoc_hop: giay-moi.yaml`): which file, the facts taken from it, a button that opens it,
and a chooser that links a notice to an invitation of the workspace.

Screenshots are written to $TBKL_SCREENSHOTS when it is set, to be looked at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytest.importorskip("starlette")
pytest.importorskip("selenium")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.select import Select  # noqa: E402
from browser import Served, checked_after, click, find, last_check, open_page, screenshot, wait  # noqa: E402

from conftest import render_cli  # noqa: E402


INVITATION = (
    "loai: giay_moi\n"
    "so: '42'\n"
    "ngay: 2026-04-13\n"
    "mo_dau: 'Thực hiện Chương trình công tác tháng 4 năm 2026, Ủy ban nhân dân tỉnh tổ chức cuộc họp, cụ thể như sau:'\n"
    "cuoc_hop:\n"
    "  chu_tri: Đồng chí Chủ tịch UBND tỉnh\n"
    "  thoi_gian: 2026-04-16 14:00\n"
    "  dia_diem: Hội trường UBND tỉnh\n"
    "thanh_phan: [Giám đốc Sở Tài chính]\n"
    "noi_dung_hop: Nghe báo cáo tình hình chuyển đổi số\n"
    "noi_nhan: [Như thành phần mời]\n"
)
NOTICE = "ngay: 2026-04-20\ntrich_yeu: Kết luận của đồng chí Chủ tịch tại cuộc họp về chuyển đổi số\ncuoc_hop: giay-moi.yaml\nnoi_dung: [Đồng chí Chủ tịch kết luận.]\n"


@pytest.fixture
def laptop(browser: webdriver.Chrome) -> webdriver.Chrome:
    browser.set_window_size(1366, 768)
    yield browser
    browser.set_window_size(1600, 1000)


def _write(served: Served) -> Path:
    folder = served.root / "notices" / "2026"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "giay-moi.yaml").write_text(INVITATION, encoding="utf-8")
    (folder / "thong-bao.yaml").write_text(NOTICE, encoding="utf-8")
    return folder


def _open(driver: webdriver.Chrome, served: Served, path: str) -> None:
    driver.get(f"{served.url}#{path}")
    wait(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
    wait(driver, lambda d: d.find_element(By.ID, "file-name").text == path)
    wait(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-checked"))


def test_a_notice_shows_the_invitation_it_takes_its_meeting_from_and_opens_it(laptop: webdriver.Chrome, served: Served) -> None:
    _write(served)
    open_page(laptop, served)
    rows = {row.get_attribute("data-path"): row for row in laptop.find_elements(By.CSS_SELECTOR, "#notices tr")}
    assert rows["notices/2026/giay-moi.yaml"].find_element(By.CSS_SELECTOR, ".kind-tag").text == "Giấy mời"
    assert "Nghe báo cáo tình hình chuyển đổi số" in rows["notices/2026/giay-moi.yaml"].text  # an invitation's title: its meeting content
    assert not rows["notices/2026/thong-bao.yaml"].find_elements(By.CSS_SELECTOR, ".kind-tag")

    _open(laptop, served, "notices/2026/thong-bao.yaml")
    link = find(laptop, '#fields .meeting-link[data-field="cuoc_hop"]')
    assert Select(link.find_element(By.TAG_NAME, "select")).first_selected_option.get_attribute("value") == "giay-moi.yaml"
    facts = wait(
        laptop,
        lambda d: d.find_element(By.CSS_SELECTOR, ".meeting-facts").is_displayed() and d.find_element(By.CSS_SELECTOR, ".meeting-facts"),
    )
    assert "Lấy từ tệp notices/2026/giay-moi.yaml" in facts.text
    assert (
        "Đồng chí Chủ tịch UBND tỉnh" in facts.text
        and "14 giờ 00, ngày 16 tháng 4 năm 2026" in facts.text
        and "Hội trường UBND tỉnh" in facts.text
    )
    # the fields of a meeting written in place are hidden while the meeting is the invitation's
    assert not any(f.is_displayed() for f in laptop.find_elements(By.CSS_SELECTOR, '#fields .field[data-field^="cuoc_hop."]'))
    assert find(laptop, '#fields input[data-field="ngay_hop"]').get_attribute("placeholder") == "theo cuộc họp: 16/04/2026"
    click(laptop, link)
    screenshot(laptop, "kinds-1-notice-linked-to-invitation")

    click(laptop, facts.find_element(By.CSS_SELECTOR, "button.open-linked"))
    wait(laptop, lambda d: d.find_element(By.ID, "file-name").text == "notices/2026/giay-moi.yaml")
    time_field = wait(laptop, lambda d: d.find_element(By.CSS_SELECTOR, '#fields input[data-field="cuoc_hop.thoi_gian"]'))
    assert time_field.get_attribute("value") == "2026-04-16 14:00" and time_field.is_displayed()
    assert Select(find(laptop, "#f-cuoc-hop-link")).first_selected_option.get_attribute("value") == ""
    users = find(laptop, "#fields .meeting-users")
    assert users.is_displayed() and "dùng chung bởi: notices/2026/thong-bao.yaml" in users.text
    screenshot(laptop, "kinds-2-invitation-opened")


def test_a_link_that_cannot_be_followed_is_said_at_the_meeting(laptop: webdriver.Chrome, served: Served) -> None:
    folder = _write(served)
    (folder / "thong-bao.yaml").write_text(NOTICE.replace("giay-moi.yaml", "khong-co.yaml"), encoding="utf-8")
    _open(laptop, served, "notices/2026/thong-bao.yaml")
    link = find(laptop, '#fields .meeting-link[data-field="cuoc_hop"]')
    wait(laptop, lambda d: "không tồn tại" in link.text)
    assert "khong-co.yaml" in link.text and not link.find_elements(By.CSS_SELECTOR, "button.open-linked")


def test_a_new_document_of_each_kind_has_its_own_editor_part_and_links_to_an_invitation(laptop: webdriver.Chrome, served: Served) -> None:
    _write(served)
    open_page(laptop, served)
    kinds = Select(find(laptop, "#new-kind"))
    assert [option.text for option in kinds.options] == ["Thông báo", "Công văn", "Giấy mời"]
    expected = {
        "thong_bao": "Trích yếu của thông báo mới",
        "cong_van": "Trích yếu công văn của công văn mới",
        "giay_moi": "Nội dung cuộc họp của giấy mời mới",
    }
    for kind, words in expected.items():
        kinds.select_by_value(kind)
        assert find(laptop, "#new-title").get_attribute("placeholder").startswith(words), kind
    screenshot(laptop, "kinds-3-new-document")

    # a letter: no kind part of its own (its summary and body have their editors), "V/v" under the number
    kinds.select_by_value("cong_van")
    find(laptop, "#new-title").send_keys("triển khai phần mềm chuyên ngành")
    click(laptop, find(laptop, "#new-notice"))
    wait(laptop, lambda d: d.find_element(By.ID, "editor-view").is_displayed())
    wait(laptop, lambda d: "V/v triển khai phần mềm chuyên ngành" in d.find_element(By.ID, "live").text)
    assert "in dưới số và ký hiệu, sau chữ “V/v”" in find(laptop, '.field[data-field="trich_yeu"]').text
    assert not laptop.find_elements(By.CSS_SELECTOR, "#fields .meeting-link")
    screenshot(laptop, "kinds-4-new-letter")

    # a notice takes its meeting from the invitation chosen in the list of the workspace's meetings
    click(laptop, find(laptop, "#to-list"))
    wait(laptop, lambda d: d.find_element(By.ID, "list-view").is_displayed())
    wait(laptop, lambda d: Select(find(d, "#new-kind")).select_by_value("thong_bao") is None)  # the list may be drawn again meanwhile
    find(laptop, "#new-title").send_keys("Kết luận của đồng chí Chủ tịch tại cuộc họp nghe báo cáo")
    click(laptop, find(laptop, "#new-notice"))
    wait(laptop, lambda d: d.find_element(By.ID, "editor-view").is_displayed())
    own = find(laptop, 'fieldset[data-kind="thong_bao"]')
    assert own.find_element(By.TAG_NAME, "legend").text == "Thông báo"
    chooser = Select(find(laptop, "#f-cuoc-hop-link"))
    offered = [option.text for option in chooser.options]
    assert offered[0].startswith("ghi tại văn bản này") and any("giấy mời số 42" in text for text in offered), offered
    before = last_check(laptop)
    chosen = next(option for option in chooser.options if "giấy mời số 42" in option.text)
    chooser.select_by_value(chosen.get_attribute("value"))
    checked_after(laptop, before)
    wait(laptop, lambda d: "14 giờ 00, ngày 16 tháng 4 năm 2026" in d.find_element(By.CSS_SELECTOR, ".meeting-facts").text)
    screenshot(laptop, "kinds-5-notice-chooses-invitation")
    path = served.root / find(laptop, "#file-name").text
    click(laptop, find(laptop, "#save"))
    wait(laptop, lambda d: d.find_element(By.ID, "status").text.startswith("Đã lưu"))
    saved = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert (served.root / path.parent / saved["cuoc_hop"]).resolve() == (served.root / "notices" / "2026" / "giay-moi.yaml").resolve()
    assert render_cli(["show", str(path)], cwd=served.root).output.count("Hội trường UBND tỉnh") == 1
