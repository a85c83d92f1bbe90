"""The history panel in real Chromium at 1366×768: save, list the versions, compare, open one, restore; git read back.

Screenshots are written to $TBKL_SCREENSHOTS when it is set, to be looked at.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("selenium")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from browser import LAPTOP, Served, chrome, click, find, open_first, retype, screenshot, serving, wait  # noqa: E402
from conftest import ROOT  # noqa: E402
from tbkl_gen.commands.scaffold import init_workspace  # noqa: E402
from tbkl_gen.service import history  # noqa: E402
from tbkl_gen.service.people import LOCAL  # noqa: E402

EXAMPLE = ROOT / "notices" / "2026" / "lamdong-cong-van-chuyen-doi-so.yaml"
CV = "notices/2026/cv.yaml"


@pytest.fixture(scope="module")
def laptop(chromium: tuple[str, str]) -> Iterator[webdriver.Chrome]:
    with chrome(chromium, window=LAPTOP) as driver:
        yield driver


@pytest.fixture
def served(git_installed: str, tmp_path: Path) -> Iterator[Served]:
    root = tmp_path / "van-phong"
    init_workspace(root)
    (root / "notices" / "2026").mkdir(parents=True)
    (root / CV).write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    with serving(root) as server:
        yield server


def git_out(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, check=True, text=True, encoding="utf-8").stdout


def test_the_history_panel_compares_opens_and_restores_a_version(laptop: webdriver.Chrome, served: Served) -> None:
    open_first(laptop, served)
    summary = wait(laptop, lambda d: d.find_element(By.CSS_SELECTOR, '#fields textarea[data-field="trich_yeu"]'))
    retype(summary, "triển khai phần mềm chuyên ngành và cơ sở dữ liệu dùng chung của tỉnh Lâm Đồng")
    click(laptop, find(laptop, "#save"))
    wait(laptop, lambda d: d.find_element(By.ID, "status").text.startswith("Đã lưu"))
    assert git_out(served.root, "log", "-1", "--format=%an|%ae|%s") == f"{LOCAL.name}|{LOCAL.email}|Lưu {CV}\n"

    click(laptop, find(laptop, "#history-open"))
    rows = wait(
        laptop,
        lambda d: (
            d.find_elements(By.CSS_SELECTOR, "#history-list .history-version")
            if len(d.find_elements(By.CSS_SELECTOR, "#history-list .history-version")) == 2
            else None
        ),
    )
    assert (
        LOCAL.name in rows[0].text and rows[0].find_element(By.CSS_SELECTOR, ".history-message").text == "Lưu"
    )  # the title names the file
    assert history.SERVER.name in rows[1].text
    click(laptop, rows[0].find_element(By.CSS_SELECTOR, ".history-diff"))
    added = wait(laptop, lambda d: d.find_elements(By.CSS_SELECTOR, "#history-detail .history-hunk ins"))
    assert [e.text for e in added] == ["của tỉnh Lâm Đồng"]
    line = find(laptop, "#history-detail .history-hunk p").text
    assert line.startswith("Trích yếu công văn: triển khai") and "trich_yeu" not in line
    screenshot(laptop, "lich-su-1-so-sanh")

    click(laptop, rows[1].find_element(By.CSS_SELECTOR, ".history-open"))
    wait(laptop, lambda d: d.find_element(By.CSS_SELECTOR, "#history-detail .history-preview .sheet"))
    assert "(chỉ xem)" in find(laptop, "#history-detail h3").text
    screenshot(laptop, "lich-su-2-xem-phien-ban")

    click(laptop, find(laptop, "#history-detail .history-buttons button"))  # Khôi phục phiên bản này
    click(laptop, wait(laptop, lambda d: d.find_element(By.ID, "history-confirm-restore")))
    wait(laptop, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#history-list .history-version")) == 3)
    assert (served.root / CV).read_bytes() == EXAMPLE.read_bytes()
    wait(
        laptop,
        lambda d: (
            d.find_element(By.CSS_SELECTOR, '#fields textarea[data-field="trich_yeu"]').get_attribute("value")
            == "triển khai phần mềm chuyên ngành và cơ sở dữ liệu dùng chung"
        ),
    )
    assert "Đã khôi phục phiên bản" in find(laptop, "#banner").text
    subject = git_out(served.root, "log", "-1", "--format=%an|%s").strip()
    assert subject.startswith(f"{LOCAL.name}|" + history.RESTORE_MESSAGE.partition("{short}")[0])
    screenshot(laptop, "lich-su-3-da-khoi-phuc")
