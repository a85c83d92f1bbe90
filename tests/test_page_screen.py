"""The drafting page on an office laptop's screen (1366×768), in a real Chromium.

Set $TBKL_SCREENSHOTS to a folder to keep what the drafter sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("selenium")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from conftest import ROOT, SHARED, SIGNER, shared_file  # noqa: E402
from browser import Served, click, open_first, open_page, screenshot, serving, wait  # noqa: E402
from tbkl_gen.commands.scaffold import init_workspace  # noqa: E402


@pytest.fixture
def long_named(tmp_path: Path) -> Iterator[Served]:
    root = tmp_path / "van-phong-uy-ban-nhan-dan-tinh-lam-dong"
    init_workspace(root, signer=SIGNER)
    folder = root / "notices" / "2026"
    folder.mkdir(parents=True)
    name = "ket-luan-cua-chu-tich-ubnd-tinh-tai-cuoc-hop-ve-tinh-hinh-trien-khai-cac-du-an-dau-tu-cong.yaml"
    (folder / name).write_bytes((ROOT / "notices" / "2026" / "laocai-cum-cong-nghiep.yaml").read_bytes())
    with serving(root) as server:
        yield server


def test_at_1366_by_768_paragraphs_are_wide_and_the_bar_stays_on_one_row(laptop: webdriver.Chrome, long_named: Served) -> None:
    open_first(laptop, long_named)
    wait(laptop, lambda d: "THÔNG BÁO" in d.find_element(By.ID, "live").text)
    assert laptop.execute_script("return [window.innerWidth, window.innerHeight]") == [1366, 768]
    # Saving shows the file's name in the bar: long as it is, the buttons stay on the bar's one row.
    click(laptop, laptop.find_element(By.ID, "save"))
    wait(laptop, lambda d: "lưu" in d.find_element(By.ID, "status").text.lower())
    screenshot(laptop, "man-hinh-1366x768")
    bar = laptop.find_element(By.CSS_SELECTOR, "header.bar")
    save = laptop.find_element(By.ID, "save")
    pdf = laptop.find_element(By.ID, "download-pdf")
    back = laptop.find_element(By.ID, "to-list")
    middles = [element.location["y"] + element.size["height"] / 2 for element in (back, save, pdf)]
    assert max(middles) - min(middles) <= 2, middles
    assert bar.size["height"] < 50, bar.size
    # A 600-character paragraph is written in a box ~480 px wide (it was ~310 px); a point nested
    # two levels down loses only its indent.
    widths = laptop.execute_script(
        "return [...document.querySelectorAll('#fields .node-row .rich')]"
        ".map((t) => [t.closest('.children') ? 1 : 0, t.getBoundingClientRect().width])"
    )
    assert widths, "no paragraph boxes on the page"
    assert min(width for nested, width in widths if not nested) >= 480, widths
    assert min(width for _, width in widths) >= 420, widths


SHORT = """\
phien_ban: 1
so:  # cấp số sau
ngay: 2026-03-12
trich_yeu: Kết luận của đồng chí Chủ tịch tại cuộc họp về chuyển đổi số
noi_dung:
  - Ngày 12/3/2026, đồng chí Chủ tịch chủ trì cuộc họp.
  - khoan: Sở Khoa học và Công nghệ chủ trì.
  - Văn phòng thông báo để các cơ quan biết, thực hiện.
noi_nhan_them:
  - Như thành phần dự họp
"""


def test_inherited_values_show_as_text_and_are_written_only_when_changed(laptop: webdriver.Chrome, long_named: Served) -> None:
    source = long_named.root / "notices" / "2026" / "ngan.yaml"
    source.write_text(SHORT, encoding="utf-8")
    open_page(laptop, long_named)
    click(laptop, wait(laptop, lambda d: d.find_element(By.XPATH, "//tr[td[contains(., 'chuyển đổi số')]]//td[@class='actions']/button")))
    wait(laptop, lambda d: "THÔNG BÁO" in d.find_element(By.ID, "live").text)
    place = laptop.find_element(By.CSS_SELECTOR, 'input[data-field="dia_danh"]')
    assert place.get_attribute("value") == "Lâm Đồng"  # the office's default, as text
    field = laptop.find_element(By.CSS_SELECTOR, '.field[data-field="dia_danh"]')
    assert "mặc định của văn phòng" in field.text
    screenshot(laptop, "mac-dinh-van-phong")
    # Saved untouched: the source is byte for byte what it was.
    click(laptop, laptop.find_element(By.ID, "save"))
    wait(laptop, lambda d: "lưu" in d.find_element(By.ID, "status").text.lower())
    assert source.read_text(encoding="utf-8") == SHORT
    # One inherited field changed: that key alone is written.
    place.send_keys(" mới")
    wait(laptop, lambda d: "riêng cho thông báo này" in d.find_element(By.CSS_SELECTOR, '.field[data-field="dia_danh"]').text)
    before = laptop.find_element(By.ID, "status").text
    click(laptop, laptop.find_element(By.ID, "save"))
    wait(laptop, lambda d: source.read_text(encoding="utf-8") != SHORT, timeout=10)
    added = [line for line in source.read_text(encoding="utf-8").splitlines() if line not in SHORT.splitlines()]
    assert added == ["dia_danh: Lâm Đồng mới"], (added, before)
    assert all(line in source.read_text(encoding="utf-8").splitlines() for line in SHORT.splitlines())


def test_the_import_report_is_a_short_folded_list_in_millimetres(laptop: webdriver.Chrome, long_named: Served) -> None:
    real = shared_file(SHARED / "real" / "lamdong-so-khcn.docx")
    open_page(laptop, long_named)
    laptop.find_element(By.CSS_SELECTOR, "#import-file").send_keys(str(real))
    wait(laptop, lambda d: d.find_element(By.ID, "editor-view").is_displayed())
    report = wait(laptop, lambda d: d.find_element(By.CSS_SELECTOR, "#banner.import-report details"))
    summary = report.find_element(By.TAG_NAME, "summary").text
    assert summary.startswith("Đã nhập thành notices/"), summary
    assert "đã sửa" in summary or "Nghị định 30" in summary, summary
    # Folded: the report takes one line until the drafter opens it.
    assert laptop.find_element(By.ID, "banner").size["height"] < 60
    screenshot(laptop, "bao-cao-nhap-gap")
    click(laptop, report.find_element(By.TAG_NAME, "summary"))
    text = report.text
    screenshot(laptop, "bao-cao-nhap-mo")
    assert "twip" not in text and not re.search(r":\d+|[a-z]_[a-z]|\btbkl\b|YAML", text), text
    # no rule numbers, no Word words: fonts, letters and millimetres
    assert not re.search(r"quy tắc \d|eastAsia|hAnsi|ascii|đoạn chạy|NFC|NFD|minor[A-Z]|\b(?:567|720)\b", text), text
    assert laptop.find_element(By.ID, "banner").size["height"] <= 0.3 * 768 + 2
    # each correction shows the paragraph as the original had it, a link to the block it became
    links = report.find_elements(By.CSS_SELECTOR, "li a")
    assert links and all(link.text.startswith("“") for link in links), [link.text for link in links]
    trich_yeu = next(link for link in links if link.text.startswith("“Kết luận của đồng chí"))
    click(laptop, trich_yeu)
    assert laptop.switch_to.active_element.get_attribute("data-field") == "trich_yeu"
