"""Every example, through every built-in template, holds the rules of ND30 §11-12.

The rules are checked on the real .docx by `tbkl_gen.audit`, which reads the XML and resolves
formatting through the style chain; openxml-audit checks each file against the Office schemas and
Word's known quirks.
"""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import re
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, NOTICES, ROOT, render_cli
from factories import write_notice
from tbkl_gen.audit import audit_docx, format_report
from tbkl_gen.word.render import builtin_template_names

TEMPLATES = builtin_template_names()


def failing(path: Path) -> list[str]:
    return [f"{r.rule} {r.title}: {r.detail}" for r in audit_docx(path) if r.status == "loi"]


@pytest.mark.parametrize("source", EXAMPLES, ids=lambda p: p.stem)
def test_example_holds_every_rule(source: Path, rendered_examples: dict[Path, Path]) -> None:
    docx = rendered_examples[source]
    assert failing(docx) == [], format_report(audit_docx(docx))


@pytest.mark.parametrize("source", EXAMPLES, ids=lambda p: p.stem)
def test_example_checks_every_rule_it_can(source: Path, rendered_examples: dict[Path, Path]) -> None:
    results = {r.rule: r.status for r in audit_docx(rendered_examples[source])}
    assert sorted(results) == list(range(1, 29))
    not_applicable = {rule for rule, status in results.items() if status == "khong_ap_dung"}
    # Only what a notice may lack: a parent line (6), a full date on a draft (9), points (12), "Kính gửi" (27), appendices (28).
    assert not_applicable <= {6, 9, 12, 27, 28}


@pytest.mark.parametrize("template", TEMPLATES)
def test_each_builtin_template_renders_every_example_within_the_rules(template: str, tmp_path: Path) -> None:
    result = render_cli(["render", str(NOTICES), "-o", str(tmp_path), "--template", template, "--quiet", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    outputs = sorted(tmp_path.rglob("*.docx"))
    assert len(outputs) == len(EXAMPLES)
    for docx in outputs:
        assert failing(docx) == [], f"{template} / {docx.name}: {failing(docx)}"


def _audit_findings(path: Path) -> list[str]:
    from openxml_audit import OpenXmlValidator

    result = OpenXmlValidator().validate(str(path))
    return [f"{e.part_uri} {e.description}" for e in result.errors]


@pytest.mark.parametrize("source", EXAMPLES, ids=lambda p: p.stem)
def test_example_passes_openxml_audit(source: Path, rendered_examples: dict[Path, Path]) -> None:
    assert _audit_findings(rendered_examples[source]) == []


@pytest.mark.parametrize("template", TEMPLATES)
def test_builtin_template_file_passes_openxml_audit(template: str) -> None:
    assert _audit_findings(ROOT / "templates" / f"{template}.docx") == []


def test_urgent_notice_passes_openxml_audit_and_shows_the_stamp(tmp_path: Path) -> None:
    seed = (NOTICES / "2021" / "tbkl-thong-tin-doi-ngoai.yaml").read_text(encoding="utf-8")
    source = tmp_path / "khan.yaml"
    source.write_text(seed.replace("so:\n", 'so: "7"\ndo_khan: THƯỢNG KHẨN\n'), encoding="utf-8")
    result = render_cli(["render", str(source), "-o", str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 0, result.output
    docx = tmp_path / "out" / "khan.docx"
    assert _audit_findings(docx) == []
    assert failing(docx) == []
    import docx as python_docx

    header = python_docx.Document(str(docx)).tables[0]
    assert [p.text for p in header.cell(1, 0).paragraphs] == ["Số: 07/TB-UBND", "THƯỢNG KHẨN"]


def test_committed_templates_match_their_build_script(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_templates", ROOT / "templates" / "build_templates.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_templates"] = module  # dataclasses resolve annotations through it
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules["build_templates"]
    for template in module.TEMPLATES:
        built = module.write(template, tmp_path)
        assert built.read_bytes() == (ROOT / "templates" / built.name).read_bytes(), template.name
        prepared = module.write_prepared(built)  # with docxtpl, as a first run without it would have done
        assert prepared.read_bytes() == (ROOT / "templates" / prepared.name).read_bytes(), prepared.name
    module.write_index(tmp_path)
    assert json.loads((tmp_path / "index.json").read_text(encoding="utf-8")) == json.loads(
        (ROOT / "templates" / "index.json").read_text(encoding="utf-8")
    )


# --- one decree: each variant the decree allows passes `tbkl check`, renders, and passes `check --docx` ---

DECREE_VARIANTS = {
    "several units in the archive line": {"luu": "VT, NN&MT, XDCT, KGVX, KTTH"},
    "number of copies in the archive line": {"luu": "VT, KGVX, 05"},
    "copies after a space, as nd30.md §6 writes it": {"luu": "VT, TCCB 05"},
    "drafter's name in the archive line": {"luu": "VT, KGVX, Sơn"},
    "drafter joined to the unit": {"luu": "VT, NC.Châu"},
    "drafter's code and copies as in ô 12": {"luu": "VT, TCCB, PL.(300)"},
    "symbol in several parts": {"ky_hieu": "TB-UBND-KGVX"},
    "abbreviation with a digit": {"co_quan__viet_tat": "SNV2"},
    "abbreviation in several parts": {"co_quan__viet_tat": "UBND-KGVX"},
    "acting signer": {"nguoi_ky__quyen_han": ["TM. ỦY BAN NHÂN DÂN", "Q. CHỦ TỊCH"], "nguoi_ky__chuc_vu": "PHÓ CHỦ TỊCH"},
    "signing by delegation": {"nguoi_ky__quyen_han": ["TUQ. CHỦ TỊCH"], "nguoi_ky__chuc_vu": "GIÁM ĐỐC SỞ NỘI VỤ"},
    "one addressee after Kính gửi": {"kinh_gui": "Sở Tài chính"},
    "several addressees under Kính gửi": {"kinh_gui": ["Sở Tài chính", "Sở Nội vụ", "Ủy ban nhân dân các xã, phường, đặc khu"]},
}


@pytest.mark.parametrize("overrides", list(DECREE_VARIANTS.values()), ids=list(DECREE_VARIANTS))
def test_a_variant_the_decree_allows_passes_check_render_and_the_audit(tmp_path: Path, overrides: dict[str, object]) -> None:
    source = write_notice(tmp_path, **overrides)
    checked = render_cli(["check", str(source)])
    assert (checked.exit_code, checked.output) == (0, "Đã kiểm tra 1 tệp: 0 lỗi, 0 cảnh báo.\n")
    rendered = render_cli(["render", str(source), "-o", str(tmp_path / "out"), "--quiet"])
    assert rendered.exit_code == 0, rendered.output
    audited = render_cli(["check", "--docx", str(tmp_path / "out" / "a.docx")])
    assert audited.exit_code == 0, audited.output
    shown = "27 đạt, 0 lỗi, 1 không áp dụng" if "kinh_gui" in overrides else "26 đạt, 0 lỗi, 2 không áp dụng"
    assert audited.output.splitlines()[-1] == f"Tổng cộng: {shown}"


def _nd30_values() -> tuple[set[str], list[tuple[str, tuple[str, ...]]]]:
    """Return the decree's words and grammar pieces, and its lists of words, as tbkl_gen/nd30 declares them.

    Every public string of the nd30 modules that is not plain lower-case prose (a phrase such as
    "thay mặt" is a word of the language, not of the decree), and every tuple of strings of two or
    more characters (the authority prefixes, the title lists, the colours that print black).
    """
    import types
    from dataclasses import fields, is_dataclass

    from tbkl_gen import nd30

    modules = [importlib.import_module(f"tbkl_gen.nd30.{info.name}") for info in pkgutil.iter_modules(nd30.__path__)]
    words: set[str] = set()
    lists: list[tuple[str, tuple[str, ...]]] = []
    for module in modules:
        for name, value in vars(module).items():
            if name.startswith("_") or isinstance(value, types.ModuleType):
                continue
            if isinstance(value, tuple) and value and all(isinstance(v, str) and len(v.strip()) >= 2 for v in value):
                lists.append((f"{module.__name__}.{name}", tuple(v.strip() for v in value)))
                continue
            pending = [value]
            while pending:
                item = pending.pop()
                if isinstance(item, str):
                    text = item.strip().removeprefix("- ")
                    if len(text) >= 3 and not text.islower():
                        words.add(text)
                elif isinstance(item, (tuple, list, frozenset, set)):
                    pending.extend(item)
                elif isinstance(item, dict):
                    pending.extend(item.values())
                elif is_dataclass(item) and not isinstance(item, type):
                    pending.extend(getattr(item, f.name) for f in fields(item))
                    pending.append(item.symbol(""))  # "TB-": the start of every symbol of the type
    listed = {word for _, items in lists for word in items}
    prefixes = importlib.import_module("tbkl_gen.nd30.authority").PREFIXES
    words.add("|".join(p.removesuffix(".") for p in prefixes))  # the prefix alternation of a pattern
    return words - listed, lists


def _literals(path: Path) -> list[tuple[int, str]]:
    """Return (line, text) of every string literal of a Python file but its documentation, f-string parts included.

    Documentation is a string standing alone as a statement: a docstring, or the note under a field.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def _collections(path: Path) -> list[tuple[int, set[str]]]:
    """Return (line, strings) of every tuple, list and set literal of a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, {e.value.strip() for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)})
        for node in ast.walk(tree)
        if isinstance(node, (ast.Tuple, ast.List, ast.Set))
    ]


def test_the_decree_is_written_once_in_nd30() -> None:
    """The decree's wording, font, grammars and lists appear only in tbkl_gen/nd30; everything else reads them there.

    The searched literals are nd30's own values (not a list typed here): a string found inside
    another literal, a list of which two items are found in one literal list, and two authority
    prefixes listed in one text ("TL., KT.") are each a copy.
    """
    words, lists = _nd30_values()
    assert {"./.", "Nơi nhận:", "Lưu:", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Times New Roman", "THÔNG BÁO", "TB-"} <= words
    assert {name.rsplit(".", 1)[1] for name, _ in lists} >= {"PREFIXES", "INDIVIDUAL_TITLES", "COLLECTIVE_NAMES", "BLACK"}
    found = {word: re.compile(r"(?<![\w.])" + re.escape(word) + (r"(?!\w)" if word[-1].isalnum() else "")) for word in words}
    prefixes = importlib.import_module("tbkl_gen.nd30.authority").PREFIXES
    one = "|".join(re.escape(p) for p in prefixes)
    enumeration = re.compile(rf"(?<![\w.])(?:{one})(?:,| hoặc| và| rồi|;)\s*(?:{one})(?!\w)")
    sources = [*(ROOT / "tbkl_gen").rglob("*.py"), ROOT / "templates" / "build_templates.py"]
    copies = []
    for path in sources:
        if path.parent.name == "nd30":
            continue
        where = path.relative_to(ROOT)
        for line, text in _literals(path):
            copies += [f"{where}:{line}: {word}" for word, pattern in found.items() if pattern.search(text)]
            copies += [f"{where}:{line}: prefixes listed by hand" for _ in enumeration.finditer(text)]
        for line, items in _collections(path):
            copies += [f"{where}:{line}: {name}" for name, listed in lists if len(items & set(listed)) >= 2]
    assert copies == [], "\n".join(copies)


def test_every_value_we_print_is_inside_the_range_the_decree_gives() -> None:
    from tbkl_gen.nd30 import format as nd30

    for name in dir(nd30):
        if name.startswith("PRINTED_") and name.endswith("_SIZE"):
            allowed = getattr(nd30, name.removeprefix("PRINTED_") + "S")
            assert getattr(nd30, name) in allowed, name
    for side, (low, high) in nd30.MARGINS.items():
        assert low <= nd30.PRINTED_MARGINS[side] <= high, side
    assert nd30.PRINTED_FIRST_LINE_INDENT in nd30.FIRST_LINE_INDENTS
    assert nd30.UNDER_TEXT_RATIO[0] <= nd30.PRINTED_UNDER_TEXT_RATIO <= nd30.UNDER_TEXT_RATIO[1]
