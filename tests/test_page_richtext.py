"""Rich text on the drafting page in real Chromium at an office laptop's 1366×768.

Bold, italic and footnotes are edited as formatting and saved as the source's markup; Enter
splits a block without leaving a mark unpaired; text pasted from Word or an e-mail becomes
blocks through the importer's label rules. The page's markup writer (app.js `toMarkup`) is
checked against the parser and the importer's writer on random marked-up text.
Screenshots are written to $TBKL_SCREENSHOTS when it is set, to be looked at.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

pytest.importorskip("starlette")
pytest.importorskip("selenium")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

from browser import (
    WORD_HTML,
    LAPTOP,
    Served,
    chrome,
    checked_after,
    click,
    find,
    last_check,
    open_first,
    paste,
    screenshot,
    select_text,
    wait,
)  # noqa: E402
from conftest import problems_but_samples  # noqa: E402
from tbkl_gen.commands.scaffold import new_notice  # noqa: E402
from tbkl_gen.importer.inline import Char, to_markup  # noqa: E402
from tbkl_gen.markup import unpaired_marks  # noqa: E402
from tbkl_gen.page.richtext import spans_of  # noqa: E402


@pytest.fixture(scope="module")
def browser(chromium: tuple[str, str]) -> Iterator[webdriver.Chrome]:
    """Chromium in a window of an office laptop's 1366×768 (the fixture `served` is conftest.py's)."""
    with chrome(chromium, window=LAPTOP) as driver:
        yield driver


def body_texts(blocks: Any) -> list[str]:
    out: list[str] = []
    for block in blocks or []:
        if isinstance(block, str):
            out.append(block)
        else:
            out += [value for key, value in block.items() if isinstance(value, str)]
            out += body_texts(block.get("noi_dung"))
    return out


def save_and_read(browser: webdriver.Chrome, path: Path) -> dict[str, Any]:
    browser.execute_script("document.getElementById('status').textContent = ''")
    click(browser, find(browser, "#save"))
    wait(browser, lambda d: d.find_element(By.ID, "status").text.startswith("Đã lưu"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for text in body_texts(data["noi_dung"]):
        assert list(unpaired_marks(text)) == [], text
    # valid but for the skeleton's samples (gaps, stand-in sentences) a person has still to write
    assert problems_but_samples(path, path.parents[2]) == []
    return data


def test_bold_typed_with_ctrl_b_and_split_by_enter_stays_balanced(browser: webdriver.Chrome, served: Served) -> None:
    path = new_notice(served.root, "Kết luận họp giao ban")
    open_first(browser, served)
    block = find(browser, '#outline .rich[data-field="noi_dung[3].khoan"]')
    click(browser, block)
    select_text(browser, block, 0, len(block.text))
    block.send_keys(Keys.DELETE)
    block.send_keys("Giao ")
    block.send_keys(Keys.CONTROL, "b")
    block.send_keys("Sở Tài chính chủ trì")
    block.send_keys(Keys.CONTROL, "b")
    before = last_check(browser)
    block.send_keys(", Sở Xây dựng phối hợp.")
    checked_after(browser, before)
    assert block.text == "Giao Sở Tài chính chủ trì, Sở Xây dựng phối hợp."
    assert block.find_element(By.TAG_NAME, "b").text == "Sở Tài chính chủ trì"
    assert "**" not in find(browser, "#outline").text

    select_text(browser, block, len("Giao Sở Tài chính "))  # inside the bold words
    before = last_check(browser)
    block.send_keys(Keys.ENTER)
    checked_after(browser, before)
    created = browser.switch_to.active_element
    assert created.get_attribute("data-field") == "noi_dung[4].khoan"
    assert created.text == "chủ trì, Sở Xây dựng phối hợp."
    assert created.find_element(By.TAG_NAME, "b").text == "chủ trì"
    paragraphs = [p.text for p in browser.find_elements(By.CSS_SELECTOR, "#live .content p")]
    assert paragraphs[2:4] == ["1. Giao Sở Tài chính", "2. chủ trì, Sở Xây dựng phối hợp."]
    screenshot(browser, "rich-1-dam-va-tach-khoi")

    data = save_and_read(browser, path)
    assert data["noi_dung"][2] == {"khoan": "Giao **Sở Tài chính**"}
    assert data["noi_dung"][3] == {"khoan": "**chủ trì**, Sở Xây dựng phối hợp."}

    # Backspace at the start of the second joins it back, its bold closed once.
    select_text(browser, created, 0)
    before = last_check(browser)
    created.send_keys(Keys.BACKSPACE)
    checked_after(browser, before)
    joined = browser.switch_to.active_element
    assert joined.get_attribute("data-field") == "noi_dung[3].khoan"
    data = save_and_read(browser, path)
    assert data["noi_dung"][2] == {"khoan": "Giao **Sở Tài chính chủ trì**, Sở Xây dựng phối hợp."}

    # A star typed as text stays text; Delete at the end joins the next block here, its inner blocks kept.
    select_text(browser, joined, len(joined.text))
    joined.send_keys(" (*) ")
    before = last_check(browser)
    joined.send_keys(Keys.DELETE)
    checked_after(browser, before)
    assert browser.switch_to.active_element.text == "Giao Sở Tài chính chủ trì, Sở Xây dựng phối hợp. (*) Nội dung kết luận thứ hai."
    data = save_and_read(browser, path)
    assert data["noi_dung"][2:4] == [
        {"khoan": "Giao **Sở Tài chính chủ trì**, Sở Xây dựng phối hợp. (\\*) Nội dung kết luận thứ hai."},
        {"gach": "Việc giao cho …"},
    ]


def test_italic_with_ctrl_i_and_shift_enter_never_makes_a_line_break(browser: webdriver.Chrome, served: Served) -> None:
    path = new_notice(served.root, "Kết luận họp giao ban")
    open_first(browser, served)
    block = find(browser, '#outline .rich[data-field="noi_dung[3].khoan"]')
    click(browser, block)
    start = block.text.index("kết luận")
    select_text(browser, block, start, start + len("kết luận"))
    before = last_check(browser)
    block.send_keys(Keys.CONTROL, "i")
    checked_after(browser, before)
    assert block.find_element(By.TAG_NAME, "i").text == "kết luận"
    select_text(browser, block, len("Nội dung "))
    before = last_check(browser)
    block.send_keys(Keys.SHIFT, Keys.ENTER)
    checked_after(browser, before)
    data = save_and_read(browser, path)
    assert data["noi_dung"][2:4] == [{"khoan": "Nội dung"}, {"khoan": "*kết luận* thứ nhất."}]


def test_a_footnote_is_added_from_the_toolbar_and_edited_in_its_popover(browser: webdriver.Chrome, served: Served) -> None:
    path = new_notice(served.root, "Kết luận họp giao ban")
    open_first(browser, served)
    block = find(browser, '#outline .rich[data-field="noi_dung[3].khoan"]')
    click(browser, block)
    select_text(browser, block, len(block.text) - 1)  # before the full stop
    click(browser, find(browser, '[data-format="footnote"]'))
    popover = wait(browser, lambda d: d.find_element(By.ID, "note-popover"))
    before = last_check(browser)
    browser.switch_to.active_element.send_keys("Theo Công văn số 12/UBND")
    checked_after(browser, before)
    assert find(browser, "#live .footnotes").text == "1 Theo Công văn số 12/UBND"
    assert block.find_element(By.CSS_SELECTOR, "sup.fn").text == "1"
    assert "^[" not in find(browser, "#outline").text
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait(browser, lambda d: not d.find_elements(By.ID, "note-popover"))

    click(browser, block.find_element(By.CSS_SELECTOR, "sup.fn"))
    popover = wait(browser, lambda d: d.find_element(By.ID, "note-popover"))
    note = popover.find_element(By.CSS_SELECTOR, ".rich")
    assert note.text == "Theo Công văn số 12/UBND"
    before = last_check(browser)
    note.send_keys(" ngày 05/3/2026")
    checked_after(browser, before)
    assert find(browser, "#live .footnotes").text == "1 Theo Công văn số 12/UBND ngày 05/3/2026"
    screenshot(browser, "rich-2-chu-thich")
    data = save_and_read(browser, path)
    assert data["noi_dung"][2] == {"khoan": "Nội dung kết luận thứ nhất^[Theo Công văn số 12/UBND ngày 05/3/2026]."}

    click(browser, block.find_element(By.CSS_SELECTOR, "sup.fn"))
    click(browser, wait(browser, lambda d: d.find_element(By.XPATH, "//div[@id='note-popover']//button[text()='Xóa chú thích']")))
    data = save_and_read(browser, path)
    assert data["noi_dung"][2] == {"khoan": "Nội dung kết luận thứ nhất."}


def test_paste_from_word_and_from_an_email_makes_blocks(browser: webdriver.Chrome, served: Served) -> None:
    path = new_notice(served.root, "Kết luận họp giao ban")
    open_first(browser, served)
    block = find(browser, '#outline .rich[data-field="noi_dung[4].khoan"]')
    click(browser, block)
    select_text(browser, block, len(block.text))
    before = last_check(browser)
    paste(browser, block, WORD_HTML, "1.\tSở Tài chính chủ trì, tham mưu bố trí kinh phí;\n2.\tSở Xây dựng phối hợp thực hiện.")
    checked_after(browser, before)
    paragraphs = [p.text for p in browser.find_elements(By.CSS_SELECTOR, "#live .content p")]
    assert paragraphs[3:7] == [
        "2. Nội dung kết luận thứ hai.",
        "- Việc giao cho …",
        "3. Sở Tài chính chủ trì, tham mưu bố trí kinh phí;",
        "4. Sở Xây dựng phối hợp thực hiện.",
    ]
    pasted = find(browser, '#outline .rich[data-field="noi_dung[5].khoan"]')
    assert pasted.find_element(By.TAG_NAME, "b").text == "Sở Tài chính"

    # Plain text from an e-mail, typed labels and a tab, decomposed accents (NFD), a non-breaking space.
    target = find(browser, '#outline .rich[data-field="noi_dung[6].khoan"]')
    click(browser, target)
    select_text(browser, target, len(target.text))
    before = last_check(browser)
    email = "a)\tLập dự toán kinh phí\u00a0năm 2027;\r\nb) Trình Ủy ban nhân dân tỉnh trước ngày 30/6/2027."
    paste(browser, target, None, email.replace("Ủy", "U\u0309y").replace("dự", "du\u0323\u031b"))
    checked_after(browser, before)
    paragraphs = [p.text for p in browser.find_elements(By.CSS_SELECTOR, "#live .content p")]
    assert paragraphs[7:9] == ["a) Lập dự toán kinh phí năm 2027;", "b) Trình Ủy ban nhân dân tỉnh trước ngày 30/6/2027."]
    screenshot(browser, "rich-3-dan-tu-word")

    # One line replaces the selected words, as text with its emphasis.
    target = find(browser, '#outline .rich[data-field="noi_dung[6].khoan"]')
    start = target.text.index("phối hợp")
    select_text(browser, target, start, start + len("phối hợp"))
    before = last_check(browser)
    paste(browser, target, "<meta charset='utf-8'><span style='font-weight:700'>cùng Sở Nội vụ</span>", "cùng Sở Nội vụ")
    checked_after(browser, before)

    data = save_and_read(browser, path)
    assert data["noi_dung"][4] == {"khoan": "**Sở Tài chính** chủ trì, tham mưu bố trí kinh phí;"}
    assert data["noi_dung"][5] == {
        "khoan": "Sở Xây dựng **cùng Sở Nội vụ** thực hiện.",
        "noi_dung": [{"diem": "Lập dự toán kinh phí năm 2027;"}, {"diem": "Trình Ủy ban nhân dân tỉnh trước ngày 30/6/2027."}],
    }


ALPHABET = ["a", "b", "Đ", "ư", " ", " ", "*", "**", "\\", "^", "^[", "]", "[", "_", "1.", "ệ"]


def random_markup(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 18)))


def test_the_pages_markup_writer_agrees_with_the_parser_and_the_importer(browser: webdriver.Chrome, served: Served) -> None:
    browser.get(served.url)
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
    rng = random.Random(20)
    samples = [random_markup(rng) for _ in range(1500)] + [
        "Giao **Sở Tài chính** chủ trì*, *phối hợp*^[Theo **Công văn** số 12\\]]",
        "**đậm *nghiêng* đậm**",
        "5 * 3 = 15 (*) và \\*",
        "***x***",
    ]
    parsed = [spans_of(text) for text in samples]
    written = browser.execute_script("return arguments[0].map((spans) => window.tbklRich.toMarkup(spans));", parsed)
    for text, spans, markup in zip(samples, parsed, written, strict=True):
        # The page writes what the importer writes for the same characters, and reads back the same text.
        assert markup == to_markup(chars_of(spans))[0], (text, markup)
        assert plain(spans_of(markup)) == "".join(c.ch for c in chars_of(spans) if c.note is None), (text, markup)
        assert list(unpaired_marks(markup)) == [], (text, markup)


def plain(spans: list[dict[str, Any]]) -> str:
    return "".join(span.get("t", "") for span in spans)


def chars_of(spans: list[dict[str, Any]]) -> list[Char]:
    """The importer's characters for the editor's spans, trimmed as a block is."""
    chars: list[Char] = []
    for span in spans:
        if "n" in span:
            chars.append(Char("\x00", note=to_markup(chars_of(span["n"]), in_note=True)[0]))
        else:
            chars += [Char(c, span["b"], span["i"]) for c in span["t"]]
    while chars and chars[0].note is None and chars[0].ch.isspace():
        chars.pop(0)
    while chars and chars[-1].note is None and chars[-1].ch.isspace():
        chars.pop()
    return chars


def test_a_table_cell_is_rich_text_too(browser: webdriver.Chrome, served: Served) -> None:
    path = new_notice(served.root, "Kết luận họp giao ban")
    text = path.read_text(encoding="utf-8")
    marker = '  - khoan: "Nội dung kết luận thứ nhất."\n'
    assert marker in text
    path.write_text(
        text.replace(marker, marker + '  - bang:\n      - ["Đơn vị", "Việc"]\n      - ["**Sở Tài chính**", "Bố trí *kinh phí*"]\n'),
        encoding="utf-8",
    )
    open_first(browser, served)
    cells = browser.find_elements(By.CSS_SELECTOR, "#outline .table-edit .rich")
    assert [cell.text for cell in cells] == ["Đơn vị", "Việc", "Sở Tài chính", "Bố trí kinh phí"]
    assert cells[2].find_element(By.TAG_NAME, "b").text == "Sở Tài chính"
    assert cells[3].find_element(By.TAG_NAME, "i").text == "kinh phí"
    select_text(browser, cells[3], 0, len("Bố trí"))
    before = last_check(browser)
    cells[3].send_keys(Keys.CONTROL, "b")
    checked_after(browser, before)
    data = save_and_read(browser, path)
    assert data["noi_dung"][3] == {"bang": [["Đơn vị", "Việc"], ["**Sở Tài chính**", "**Bố trí** *kinh phí*"]]}
