"""Real LibreOffice opens what we write: every example converts to PDF and looks right.

What a clerk checks on paper: the national name and the motto each on one line, page numbers from
page 2 on (none on page 1), the signer block on the last page.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLES, NOTICES, render_cli
from tbkl_gen.office.server import Office

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def page_texts(pdf: Path) -> list[str]:
    binary = shutil.which("pdftotext")
    if binary is None:
        pytest.fail("pdftotext (poppler-utils) is required")
    text = subprocess.run([binary, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


@pytest.fixture(scope="module")
def long_notice(tmp_path_factory) -> Path:  # noqa: ANN001
    """A notice of several pages: the seed with its numbered items repeated."""
    folder = tmp_path_factory.mktemp("long")
    seed = (NOTICES / "2021" / "tbkl-thong-tin-doi-ngoai.yaml").read_text(encoding="utf-8")
    head, rest = seed.split("  - khoan: >-", 1)
    items = "  - khoan: >-" + rest.split("  - >-\n    Trên đây", 1)[0]
    closing = "  - >-\n    Trên đây" + rest.split("  - >-\n    Trên đây", 1)[1]
    (folder / "dai.yaml").write_text(head + items * 5 + closing, encoding="utf-8")
    result = render_cli(["render", str(folder / "dai.yaml"), "-o", str(folder), "--quiet"])
    assert result.exit_code == 0, result.output
    return folder / "dai.docx"


@pytest.fixture(scope="module")
def pdfs(libreoffice: str, rendered_examples: dict[Path, Path], long_notice: Path, tmp_path_factory) -> dict[str, Path]:  # noqa: ANN001
    out = tmp_path_factory.mktemp("pdf")
    docs = {src.stem: docx for src, docx in rendered_examples.items()}
    docs["dai"] = long_notice
    with Office() as office:  # one LibreOffice start for all of them
        conversions = office.convert([(docx, out / f"{name}.pdf") for name, docx in docs.items()])
    assert [c.error for c in conversions] == [None] * len(docs)
    return {name: out / f"{name}.pdf" for name in docs}


NAMES = [p.stem for p in EXAMPLES] + ["dai"]


@pytest.mark.parametrize("name", NAMES)
def test_national_name_and_motto_each_stay_on_one_line(name: str, pdfs: dict[str, Path]) -> None:
    page_one = page_texts(pdfs[name])[0]
    assert any(NATIONAL_NAME in line for line in page_one.splitlines()), page_one[:600]
    assert any(MOTTO in line for line in page_one.splitlines()), page_one[:600]


@pytest.mark.parametrize("name", NAMES)
def test_page_numbers_start_on_page_two(name: str, pdfs: dict[str, Path]) -> None:
    pages = page_texts(pdfs[name])
    assert not first_line(pages[0]).isdigit()
    for number, text in enumerate(pages[1:], start=2):
        assert first_line(text) == str(number)


def test_long_notice_runs_to_several_pages(pdfs: dict[str, Path]) -> None:
    pages = page_texts(pdfs["dai"])
    assert len(pages) >= 3
    assert "Nơi nhận:" in pages[-1]
    assert "Võ Văn Viên" in pages[-1]


@pytest.mark.parametrize("name", NAMES)
def test_pages_turn_into_previews(name: str, pdfs: dict[str, Path], tmp_path: Path) -> None:
    binary = shutil.which("pdftoppm")
    assert binary, "pdftoppm (poppler-utils) is required"
    subprocess.run([binary, "-png", "-r", "40", str(pdfs[name]), str(tmp_path / "p")], check=True)
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == len(page_texts(pdfs[name]))
    assert all(png.read_bytes().startswith(b"\x89PNG") for png in pngs)


@pytest.mark.parametrize("name", NAMES)
def test_the_signature_never_stands_alone_on_the_last_page(name: str, pdfs: dict[str, Path]) -> None:
    last = page_texts(pdfs[name])[-1]
    before = last.split("Nơi nhận:")[0]
    content = [line.strip() for line in before.splitlines() if line.strip() and not line.strip().isdigit()]
    assert content and content[-1].endswith("./."), last[:400]
