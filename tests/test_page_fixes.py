"""The page's quick fixes and date picker in real Chromium: "Sửa" next to a problem with one right fix.

A notice slipped as drafters slip (the archive line as the original writes it, a typed "1.",
a value in curly quotes, a meeting date with dots) opens with a "Sửa" button next to each of
those problems; each click fixes the editor's state, the problem goes, and the saved file passes
`tbkl check` with its comments. The calendar beside a date writes the day picked as dd/mm/yyyy.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("selenium")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from browser import Served, checked_after, click, find, last_check, open_first, screenshot, wait  # noqa: E402

from conftest import fill_in, filled, render_cli  # noqa: E402

FIRST = filled("Nội dung kết luận thứ nhất.")


def slipped_notice(root: Path) -> Path:
    from tbkl_gen.commands.scaffold import new_notice

    path = fill_in(new_notice(root, "Kết luận họp giao ban"))  # written, then slipped
    text = path.read_text(encoding="utf-8")
    text = text.replace(f'  - khoan: "{FIRST}"', f'  - khoan: "1. {FIRST}"')
    text = text.replace('trich_yeu: "Kết luận họp giao ban"', 'trich_yeu: "“Kết luận họp giao ban”"')
    text = text.replace("ngay_hop:  # ngày họp", "ngay_hop: 12.3.2026  # ngày họp")
    text += "luu: VT, XDCT(Sơn)  # như bản gốc\n"
    path.write_text(text, encoding="utf-8")
    return path


def test_fix_buttons_apply_each_fix_and_the_saved_file_passes_check(browser, served: Served) -> None:  # noqa: ANN001, F811
    path = slipped_notice(served.root)
    open_first(browser, served)
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".problem button.fix"))
    titles = sorted(button.get_attribute("title") for button in browser.find_elements(By.CSS_SELECTOR, ".problem button.fix"))
    assert titles == sorted(
        [
            "viết dòng lưu như khi in: VT, XDCT, Sơn",
            "xóa “1.” gõ ở đầu",
            "bỏ cặp dấu ngoặc bao cả giá trị",
            "viết ngày dạng ngày/tháng/năm: 12/3/2026",
        ]
    )
    archive = find(browser, '.field[data-field="luu"] .problem')
    assert archive.text.startswith("dòng lưu “VT, XDCT(Sơn)” không đúng dạng")
    screenshot(browser, "sua-1-nut-sua")
    while buttons := browser.find_elements(By.CSS_SELECTOR, ".problem button.fix"):
        before = last_check(browser)
        click(browser, buttons[0])
        checked_after(browser, before)
    assert find(browser, '#fields input[data-field="luu"]').get_attribute("value") == "VT, XDCT, Sơn"
    assert find(browser, '#fields input[data-field="ngay_hop"]').get_attribute("value") == "12/3/2026"
    assert not browser.find_elements(By.CSS_SELECTOR, "#fields .problem:not(.warning)")
    screenshot(browser, "sua-2-da-sua")

    # the calendar beside the issue date writes the day picked as Vietnamese write it
    picker = find(browser, '.field[data-field="ngay"] input.date-picker')
    before = last_check(browser)
    browser.execute_script("arguments[0].value = '2026-03-14'; arguments[0].dispatchEvent(new Event('change'))", picker)
    checked_after(browser, before)
    assert find(browser, '#fields input[data-field="ngay"]').get_attribute("value") == "14/03/2026"

    find(browser, "#fields textarea").send_keys(Keys.CONTROL, "s")
    wait(browser, lambda d: d.find_element(By.ID, "status").text.startswith("Đã lưu"))
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    # in the double quotes tbkl new wrote the file with, each line's comment kept
    assert any(line.startswith('luu: "VT, XDCT, Sơn"') and line.endswith("# như bản gốc") for line in lines), text
    assert any(line.startswith('ngay: "14/03/2026"') and "# dự thảo" in line for line in lines), text
    assert any(line.startswith('ngay_hop: "12/3/2026"') and "# ngày họp" in line for line in lines), text
    assert f'  - khoan: "{FIRST}"' in lines
    assert "so:  # để trống cho đến khi văn thư cấp số\n" in text
    result = render_cli(["check", path.relative_to(served.root).as_posix()], cwd=served.root)
    assert result.exit_code == 0, result.output
    assert "fix" not in render_cli(["check", "--format", "json", path.relative_to(served.root).as_posix()], cwd=served.root).output.replace(
        '"fix": null', ""
    )
