"""The example notices, rendered with the real command line, say word for word what their sources say.

The seed is checked against the text of the real Quảng Nam notice it was typed from. The three
2026 examples are checked against golden files: the text of their rendered documents, read line by
line against the real notices in shared/real/ once and kept here. After a deliberate change of
wording or layout, print the new text with `python tests/docx_text.py OUT.docx` and read it again
before replacing a golden file.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from conftest import NOTICES, SHARED, render_cli, shared_file
from docx_text import document_lines

GOLDEN = Path(__file__).resolve().parent / "golden"

SEED = NOTICES / "2021" / "tbkl-thong-tin-doi-ngoai.yaml"
SEED_TEXT = SHARED / "seed" / "000_1cec82eaadd76fe1.txt"
QUY_HOACH = NOTICES / "2026" / "lamdong-quy-hoach-chung-xa.yaml"
GOLDEN_EXAMPLES = ("lamdong-quy-hoach-chung-xa", "laocai-cum-cong-nghiep", "lamdong-so-khcn")


def render(source: Path, out_dir: Path) -> Path:
    """Render one notice with `tbkl render SOURCE -o OUT_DIR` and return the .docx written."""
    result = render_cli(["render", str(source), "-o", str(out_dir)])
    assert result.exit_code == 0, result.output
    return out_dir / f"{source.stem}.docx"


def squeeze(text: str) -> str:
    """Return text with each run of whitespace made one space, and none at either end."""
    return " ".join(text.split())


def seed_lines() -> list[str]:
    """Return the lines of the real seed notice, without the Markdown its extraction added."""
    lines = []
    for line in SEED_TEXT.read_text(encoding="utf-8").splitlines():
        text = squeeze(re.sub(r"^#+\s*|\*+", "", line))
        # The extraction kept the drafter's file path ("G:\Dropbox\…\28-TBKL TTĐN.doc"): not notice text.
        if text and not re.match(r"^[A-Z]:\\", text):
            lines.append(text)
    return lines


def test_seed_document_carries_every_line_of_the_real_notice_in_order(tmp_path: Path) -> None:
    shared_file(SEED_TEXT)
    expected = seed_lines()
    assert [line[:3] for line in expected if re.match(r"^\d\. ", line)] == ["1. ", "2. ", "3. ", "4. "]
    assert expected[-4:] == ["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "Võ Văn Viên"]

    document = [squeeze(line) for line in document_lines(render(SEED, tmp_path))]

    missing = [line for line in expected if line not in document]
    assert missing == []
    positions = [document.index(line) for line in expected]
    assert positions == sorted(positions)


@pytest.mark.parametrize("name", GOLDEN_EXAMPLES)
def test_example_document_text_matches_its_golden_file(name: str, tmp_path: Path) -> None:
    source = next(NOTICES.rglob(f"{name}.yaml"))
    golden = (GOLDEN / f"{name}.txt").read_text(encoding="utf-8").splitlines()

    assert document_lines(render(source, tmp_path)) == golden


def test_examples_pass_check_without_errors_or_warnings() -> None:
    result = render_cli(["check", str(NOTICES)])

    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(": 0 lỗi, 0 cảnh báo.")


def swap_first_two_items(yaml_text: str) -> str:
    """Return the source with its first two `- khoan:` items (and what they hold) swapped."""
    lines = yaml_text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.lstrip().startswith("- khoan:")][:2]
    indent = len(lines[starts[0]]) - len(lines[starts[0]].lstrip())

    def end_of(start: int) -> int:
        for i in range(start + 1, len(lines)):
            stripped = lines[i].lstrip()
            if stripped and len(lines[i]) - len(stripped) <= indent:
                return i
        return len(lines)

    first, second = starts
    assert end_of(first) == second, "the two items must follow each other"
    after = end_of(second)
    return "".join(lines[:first] + lines[second:after] + lines[first:second] + lines[after:])


def test_item_numbers_come_from_their_place_not_from_the_text(tmp_path: Path) -> None:
    swapped_source = tmp_path / "source" / SEED.name
    swapped_source.parent.mkdir()
    swapped_source.write_text(swap_first_two_items(SEED.read_text(encoding="utf-8")), encoding="utf-8")

    before = document_lines(render(SEED, tmp_path / "before"))
    after = document_lines(render(swapped_source, tmp_path / "after"))

    one = next(i for i, line in enumerate(before) if line.startswith("1. "))
    two = next(i for i, line in enumerate(before) if line.startswith("2. "))
    assert len(after) == len(before)
    assert after[one] == "1. " + before[two].removeprefix("2. ")
    assert after[two] == "2. " + before[one].removeprefix("1. ")
    assert [line for i, line in enumerate(after) if i not in (one, two)] == [line for i, line in enumerate(before) if i not in (one, two)]


def test_footnote_is_a_word_footnote_referenced_where_the_source_marks_it(tmp_path: Path) -> None:
    with zipfile.ZipFile(render(QUY_HOACH, tmp_path)) as package:
        footnotes = parse_xml(package.read("word/footnotes.xml"))
        document = parse_xml(package.read("word/document.xml"))
    notes = [n for n in footnotes.iterchildren(qn("w:footnote")) if n.get(qn("w:type")) in (None, "normal")]
    references = list(document.iter(qn("w:footnoteReference")))

    assert len(notes) == 1
    assert "".join(t.text for t in notes[0].iter(qn("w:t"))).strip() == ("UBND tỉnh đã chỉ đạo tại Thông báo số 370/TB-UBND ngày 30/3/2026")
    assert [r.get(qn("w:id")) for r in references] == [notes[0].get(qn("w:id"))]
    paragraph = next(a for a in references[0].iterancestors() if a.tag == qn("w:p"))
    # The paragraph's text with "^" where the reference mark stands.
    marked = "".join(
        "^" if node.tag == qn("w:footnoteReference") else node.text or "" for node in paragraph.iter(qn("w:t"), qn("w:footnoteReference"))
    )
    assert marked.startswith("1. Yêu cầu Sở Xây dựng")
    assert "là nhiệm vụ chính trị quan trọng^. Do vậy đề nghị" in marked
