"""Every letter and invitation of `office_letters.VARIANTS`, as .docx and as .doc saved by LibreOffice.

For each: `tbkl import` makes a source of the right kind that `tbkl check` accepts; `tbkl render`
of it keeps at least 90% of the original's paragraphs word for word (as a reader sees them: Word's
own list numbers included), is of the same kind (a "V/v" summary and no THÔNG BÁO title for a
Công văn, GIẤY MỜI for an invitation) and passes `tbkl check --docx`. The .doc files are made by
one real LibreOffice run for all variants (module fixture) and compared with their .docx.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import docx
import pytest
import yaml
from conftest import convert, render_cli
from docx.oxml.ns import qn
from docx_text import document_lines
from office_letters import VARIANTS
from test_kinds import _kind_of, _words

IDS = [name for _, name, _ in VARIANTS]
KEPT = 0.9


def seen_lines(path: Path) -> list[str]:
    """Return the document's lines as a reader sees them: a paragraph in Word's decimal numbering gets its "N. "."""
    counters: dict[str, int] = {}
    numbered: dict[str, str] = {}
    document = docx.Document(str(path))
    for paragraph in document.paragraphs:
        num = paragraph.style.element.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}") if paragraph.style is not None else None
        own = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        found = own if own is not None else num
        if found is not None and paragraph.text.strip():
            key = found.get(qn("w:val"))
            counters[key] = counters.get(key, 0) + 1
            numbered[paragraph.text] = f"{counters[key]}. {paragraph.text}"
    return [numbered.get(line, line) for line in document_lines(path)]


def _kept(original: Path, rendered: Path) -> tuple[float, list[str]]:
    before = [_words(line) for line in seen_lines(original)]
    after = {_words(line) for line in document_lines(rendered)}
    return sum(line in after for line in before) / len(before), [line for line in before if line not in after]


def round_trip(original: Path, reference: Path, kind: str, out: Path) -> float:
    """Import, check, render and audit original; return the share of reference's paragraphs the render keeps."""
    imported = render_cli(["import", str(original), "-o", str(out / "src")])
    assert imported.exit_code == 0, imported.output
    source = out / "src" / f"{original.stem}.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    assert data["loai"] == kind
    checked_source = render_cli(["check", str(source)])
    assert checked_source.exit_code == 0, checked_source.output
    rendered = render_cli(["render", str(source), "-o", str(out / "out")])
    assert rendered.exit_code == 0, rendered.output
    again = out / "out" / f"{source.stem}.docx"
    assert _kind_of(again) == kind
    lines = document_lines(again)
    if kind == "cong_van":
        assert "THÔNG BÁO" not in lines and any(line.startswith("V/v ") for line in lines), lines
    else:
        assert "GIẤY MỜI" in lines, lines
    share, missing = _kept(reference, again)
    assert share >= KEPT, missing
    audited = render_cli(["check", "--docx", str(again)])
    assert audited.exit_code == 0, audited.output
    return share


@pytest.mark.parametrize(("kind", "name", "write"), VARIANTS, ids=IDS)
def test_an_office_docx_imports_as_its_kind_checks_and_renders_back(
    kind: str, name: str, write: Callable[[Path], None], tmp_path: Path
) -> None:
    original = tmp_path / f"{name}.docx"
    write(original)
    assert _kind_of(original) == kind
    round_trip(original, original, kind, tmp_path)


@pytest.fixture(scope="module")
def saved_as_doc(libreoffice: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Write every variant as .docx and convert them all to .doc in one LibreOffice run; return the folder."""
    folder = tmp_path_factory.mktemp("doc")
    for _, name, write in VARIANTS:
        write(folder / f"{name}.docx")
    convert(libreoffice, [folder / f"{name}.docx" for name in IDS], "doc", folder / "doc", folder / "profile", timeout=600)
    return folder


@pytest.mark.parametrize(("kind", "name"), [(kind, name) for kind, name, _ in VARIANTS], ids=IDS)
def test_an_office_doc_saved_by_libreoffice_imports_as_its_kind_checks_and_renders_back(
    saved_as_doc: Path, kind: str, name: str, tmp_path: Path
) -> None:
    original = saved_as_doc / "doc" / f"{name}.doc"
    assert original.is_file(), sorted(p.name for p in (saved_as_doc / "doc").iterdir())
    round_trip(original, saved_as_doc / f"{name}.docx", kind, tmp_path)


def test_a_time_typed_with_its_weekday_stays_in_the_body_word_for_word(tmp_path: Path) -> None:
    # "Thời gian: vào lúc 14 giờ 00 phút, ngày 10/4/2026 (thứ Sáu)." is not a time the field takes
    # (check would refuse it): the meeting stays in the body as typed, and the source checks.
    from office_letters import gm_time_sentence

    original = tmp_path / "gm.docx"
    gm_time_sentence(original)
    round_trip(original, original, "giay_moi", tmp_path)
    data = yaml.safe_load((tmp_path / "src" / "gm.yaml").read_text(encoding="utf-8"))
    assert "cuoc_hop" not in data
    assert "Thời gian: vào lúc 14 giờ 00 phút, ngày 10/4/2026 (thứ Sáu)." in [
        block.replace("**", "") for block in data["noi_dung"] if isinstance(block, str)
    ]


def test_check_docx_reads_a_doc_saved_by_libreoffice_and_finds_its_kind(saved_as_doc: Path) -> None:
    letter, invitation = saved_as_doc / "doc" / "cv-department.doc", saved_as_doc / "doc" / "gm-labelled.doc"
    result = render_cli(["check", "--docx", str(letter), "--docx", str(invitation)])
    assert result.exit_code == 1, result.output  # the offices' own slips (Letter size, no page numbers, theme fonts)
    first, second = result.output.split(f"{invitation}:")
    assert first.startswith(f"{letter}:") and "không mở được" not in result.output, result.output
    assert "Quy tắc 10 — Tên loại và trích yếu: ĐẠT — Công văn: không có tên loại; trích yếu dưới số: «V/v báo cáo số lượng" in first
    assert "Quy tắc 27 — Dòng «Kính gửi»: ĐẠT" in first
    assert "Quy tắc 27 — Dòng «Kính gửi»: KHÔNG ÁP DỤNG — không có dòng «Kính gửi» (giấy mời gửi theo danh sách «Nơi nhận»)" in second
