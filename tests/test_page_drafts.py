"""Drafts, conflicts, block levels and the preview through errors, in real Chromium at 1366×768.

The server and browser fixtures are conftest.py's. Screenshots go to
$TBKL_SCREENSHOTS when it is set, to be looked at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("selenium")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

from conftest import fill_in, render_cli  # noqa: E402
from browser import SUMMARY, Served, click, find, leave_anyway, open_notice, screenshot, summary_value, wait  # noqa: E402


@pytest.fixture
def small(browser: webdriver.Chrome) -> webdriver.Chrome:
    """The browser at an office laptop's 1366×768."""
    browser.set_window_size(1366, 768)
    return browser


def test_a_refresh_mid_edit_offers_the_draft_back_and_saving_removes_it(small: webdriver.Chrome, served: Served) -> None:
    from tbkl_gen.commands.scaffold import new_notice

    path = fill_in(new_notice(served.root, "Kết luận họp giao ban"))
    before = path.read_bytes()
    open_notice(small, served, path)
    summary = find(small, SUMMARY)
    click(small, summary)
    summary.send_keys(Keys.END, " tháng 3 về chuyển đổi số")
    wait(small, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-draft"))
    draft = path.parent / f".{path.name}.nhap"
    assert draft.is_file()
    assert path.read_bytes() == before  # the draft is beside the source, never in it
    small.refresh()
    leave_anyway(small)
    wait(small, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
    offer = wait(small, lambda d: d.find_element(By.CSS_SELECTOR, "#banner:not([hidden])"))
    assert offer.text.startswith("Có bản nháp chưa lưu lúc ")
    assert summary_value(small) == "Kết luận họp giao ban"
    screenshot(small, "nhap-1-khoi-phuc")
    click(small, find(small, "#draft-restore"))
    wait(small, lambda d: summary_value(d) == "Kết luận họp giao ban tháng 3 về chuyển đổi số")
    # the preview follows once the restored draft is checked (the form is drawn first)
    wait(small, lambda d: "THÁNG 3 VỀ CHUYỂN ĐỔI SỐ" in d.find_element(By.ID, "live").text.replace("\n", " ").upper())
    find(small, SUMMARY).send_keys(Keys.CONTROL, "s")
    wait(small, lambda d: d.find_element(By.ID, "status").text.startswith("Đã lưu"))
    assert "tháng 3 về chuyển đổi số" in path.read_text(encoding="utf-8")
    assert not draft.exists()
    assert render_cli(["check"], cwd=served.root).exit_code == 0


def test_a_dropped_draft_is_gone_and_the_file_stays(small: webdriver.Chrome, served: Served) -> None:
    from tbkl_gen.commands.scaffold import new_notice

    path = new_notice(served.root, "Kết luận họp giao ban")
    before = path.read_bytes()
    open_notice(small, served, path)
    find(small, SUMMARY).send_keys(Keys.END, " nháp")
    wait(small, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-draft"))
    small.refresh()
    leave_anyway(small)
    click(small, wait(small, lambda d: d.find_element(By.CSS_SELECTOR, "#draft-drop")))
    draft = path.parent / f".{path.name}.nhap"
    wait(small, lambda d: not draft.exists())
    assert path.read_bytes() == before
    assert summary_value(small) == "Kết luận họp giao ban"


def two_tabs_in_conflict(driver: webdriver.Chrome, served: Served) -> tuple[Path, str]:
    """Open one notice in two tabs, save a change in the second, edit the first and save it: the conflict."""
    from tbkl_gen.commands.scaffold import new_notice

    path = fill_in(new_notice(served.root, "Kết luận họp giao ban"))
    open_notice(driver, served, path)
    first = driver.current_window_handle
    driver.switch_to.new_window("tab")
    open_notice(driver, served, path)
    find(driver, SUMMARY).send_keys(Keys.END, " của đồng nghiệp")
    find(driver, SUMMARY).send_keys(Keys.CONTROL, "s")
    wait(driver, lambda d: d.find_element(By.ID, "status").text.startswith("Đã lưu"))
    theirs = path.read_text(encoding="utf-8")
    assert "Kết luận họp giao ban của đồng nghiệp" in theirs
    driver.close()
    driver.switch_to.window(first)
    find(driver, SUMMARY).send_keys(Keys.END, " của tôi")
    find(driver, SUMMARY).send_keys(Keys.CONTROL, "s")
    box = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#banner.error #conflict-diff"))
    assert [e.text for e in box.find_elements(By.TAG_NAME, "del")] == ['đồng nghiệp"', "đồng nghiệp"] or any(
        "đồng nghiệp" in e.text for e in box.find_elements(By.TAG_NAME, "del")
    )
    assert any("tôi" in e.text for e in box.find_elements(By.TAG_NAME, "ins"))
    assert path.read_text(encoding="utf-8") == theirs
    return path, theirs


def test_two_tabs_keep_mine_overwrites_the_file(small: webdriver.Chrome, served: Served) -> None:
    path, _ = two_tabs_in_conflict(small, served)
    screenshot(small, "xung-dot-1-khac-biet")
    click(small, find(small, "#conflict-mine"))
    wait(small, lambda d: d.find_element(By.ID, "status").text.startswith("Đã lưu"))
    text = path.read_text(encoding="utf-8")
    assert 'trich_yeu: "Kết luận họp giao ban của tôi"' in text
    assert render_cli(["check"], cwd=served.root).exit_code == 0


def test_two_tabs_take_theirs_reloads_the_file_from_disk(small: webdriver.Chrome, served: Served) -> None:
    path, theirs = two_tabs_in_conflict(small, served)
    click(small, find(small, "#conflict-theirs"))
    wait(small, lambda d: summary_value(d) == "Kết luận họp giao ban của đồng nghiệp")
    assert path.read_text(encoding="utf-8") == theirs
    assert not (path.parent / f".{path.name}.nhap").exists()


def test_two_tabs_save_mine_as_a_copy_keeps_both(small: webdriver.Chrome, served: Served) -> None:
    path, theirs = two_tabs_in_conflict(small, served)
    click(small, find(small, "#conflict-copy"))
    copy = path.with_name(f"{path.stem}-ban-sao.yaml")
    wait(small, lambda d: d.find_element(By.ID, "status").text == f"Đã lưu bản của tôi thành {copy.relative_to(served.root).as_posix()}")
    assert path.read_text(encoding="utf-8") == theirs
    assert 'trich_yeu: "Kết luận họp giao ban của tôi"' in copy.read_text(encoding="utf-8")
    assert find(small, "#file-name").text == copy.relative_to(served.root).as_posix()
    screenshot(small, "xung-dot-2-ban-sao")


# --- new blocks at the level a drafter expects (the table above placeFor in app.js) --------------

LEVELS = """\
trich_yeu: "Kết luận họp giao ban"
ngay: "2026"
noi_dung:
  - "Mở đầu."
  - muc: "Nhiệm vụ"
    noi_dung:
      - khoan: "Khoản một"
        noi_dung:
          - diem: "điểm a"
            noi_dung:
              - "đoạn trong a"
          - diem: "điểm b"
      - khoan: "Khoản hai"
  - "Kết."
"""

A = {"diem": "điểm a", "noi_dung": ["đoạn trong a"]}
B = {"diem": "điểm b"}
K2 = {"khoan": "Khoản hai"}


def _khoan1(*children: object) -> dict:
    return {"khoan": "Khoản một", "noi_dung": list(children)}


def _muc(*children: object) -> dict:
    return {"muc": "Nhiệm vụ", "noi_dung": list(children)}


@pytest.mark.parametrize(
    ("inside", "add", "expected"),
    [
        # the same kind, in d)'s text: the next sibling
        ("điểm a", "diem", ["Mở đầu.", _muc(_khoan1(A, {"diem": "MỚI"}, B), K2), "Kết."]),
        # the same kind while in a paragraph inside a): still a sibling of a), never nested under it
        ("đoạn trong a", "diem", ["Mở đầu.", _muc(_khoan1(A, {"diem": "MỚI"}, B), K2), "Kết."]),
        # a deeper kind: the first sub-block, right under the text
        ("Khoản hai", "diem", ["Mở đầu.", _muc(_khoan1(A, B), {"khoan": "Khoản hai", "noi_dung": [{"diem": "MỚI"}]}), "Kết."]),
        # a shallower kind: after the enclosing block of that kind
        ("điểm b", "khoan", ["Mở đầu.", _muc(_khoan1(A, B), {"khoan": "MỚI"}, K2), "Kết."]),
        # a paragraph in an item: the item goes on, right under its text
        ("Khoản hai", "doan", ["Mở đầu.", _muc(_khoan1(A, B), {"khoan": "Khoản hai", "noi_dung": ["MỚI"]}), "Kết."]),
        # a paragraph in a paragraph: the next one, at the same level
        ("đoạn trong a", "doan", ["Mở đầu.", _muc(_khoan1({"diem": "điểm a", "noi_dung": ["đoạn trong a", "MỚI"]}, B), K2), "Kết."]),
        # a block after a paragraph of the body: the next block
        ("Mở đầu.", "muc", ["Mở đầu.", {"muc": "MỚI"}, _muc(_khoan1(A, B), K2), "Kết."]),
    ],
)
def test_a_new_block_lands_at_the_level_a_drafter_expects(
    small: webdriver.Chrome, served: Served, inside: str, add: str, expected: list[object]
) -> None:
    import yaml

    path = served.root / "notices" / "2026" / "cap.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(LEVELS, encoding="utf-8")
    open_notice(small, served, path)
    box = next(e for e in small.find_elements(By.CSS_SELECTOR, "#outline .rich") if e.text == inside)
    click(small, box)
    before = small.find_element(By.TAG_NAME, "body").get_attribute("data-checked")
    click(small, find(small, f'.format-bar [data-add="{add}"]'))
    small.switch_to.active_element.send_keys("MỚI")
    wait(small, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-checked") != before)
    small.switch_to.active_element.send_keys(Keys.CONTROL, "s")
    wait(small, lambda d: d.find_element(By.ID, "status").text.startswith("Đã lưu"))
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["noi_dung"] == expected
    if inside == "điểm a":
        screenshot(small, "cap-1-diem-moi")


def test_an_empty_new_block_never_freezes_the_preview(small: webdriver.Chrome, served: Served) -> None:
    path = served.root / "notices" / "2026" / "cap.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(LEVELS, encoding="utf-8")
    open_notice(small, served, path)
    box = next(e for e in small.find_elements(By.CSS_SELECTOR, "#outline .rich") if e.text == "điểm b")
    click(small, box)
    click(small, find(small, '.format-bar [data-add="diem"]'))
    # the empty c) is an error, marked at its block; the preview is drawn on with "c) …"
    wait(small, lambda d: d.find_elements(By.CSS_SELECTOR, "#outline .node.has-error"))
    wait(small, lambda d: "c) …" in d.find_element(By.ID, "live").text)
    note = find(small, "#preview-note")
    assert note.is_displayed() and "thiếu nội dung điểm" in note.text
    screenshot(small, "xem-truoc-1-khoi-trong")
    # typing on updates the preview at once, and the note goes
    small.switch_to.active_element.send_keys("điểm mới")
    wait(small, lambda d: "c) điểm mới" in d.find_element(By.ID, "live").text)
    wait(small, lambda d: not d.find_element(By.ID, "preview-note").is_displayed())
    assert "stale" not in find(small, "#live").get_attribute("class")
    # a wrong date: the preview goes on with the saved date, the problem at the field
    date = find(small, '#fields input[data-field="ngay"]')
    date.send_keys(Keys.CONTROL, "a")
    date.send_keys("ngày hai mốt")
    wait(small, lambda d: d.find_elements(By.CSS_SELECTOR, '.field[data-field="ngay"] .problem'))
    small.switch_to.window(small.current_window_handle)
    box = next(e for e in small.find_elements(By.CSS_SELECTOR, "#outline .rich") if e.text == "điểm mới")
    box.send_keys(" nữa")
    wait(small, lambda d: "c) điểm mới nữa" in d.find_element(By.ID, "live").text)
    screenshot(small, "xem-truoc-2-ngay-sai")
