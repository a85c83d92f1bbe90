"""The built-in templates filled without jinja (`word.fill`) give jinja's bytes, and only for them.

jinja's sandbox (`word.render.PreparedTemplate`) is the reference: for every example notice, every
kind, appendices and tables, footnotes, "Kính gửi", an urgent notice, a draft and text full of the
characters XML escapes, through every built-in template, both give the same parts. A tag outside
the few the filler reads, a copy of a built-in template elsewhere, or a built-in .docx whose bytes
are no longer those its shipped form was made from, go to jinja.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import NOTICES, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup
from factories import write_notice
from test_appendix import NOTICE_WITH_APPENDICES

from tbkl_gen.pipeline import run_file
from tbkl_gen.word import fill
from tbkl_gen.word.fill import Filled, find_template, render_builtin, verified
from tbkl_gen.word.layout import Layout
from tbkl_gen.word.render import PreparedTemplate, builtin_template_names, read_template_package

VARIANTS = {
    "sample": {},
    "appendices-and-tables": NOTICE_WITH_APPENDICES,
    "escaped-characters": {
        "trich_yeu": "Kết luận về “A & B” <không> 'trích' \"dẫn\" & <w:t>",
        "noi_dung__1": "Sở Tài chính & Sở Nội vụ: <b>không</b> phải thẻ; **đậm** và *nghiêng*^[Chú thích có & và <>.]",
        "nguoi_ky__ho_ten": "O'Neil & <Lê>",
    },
    "urgent-with-parent-body": {"do_khan": "KHẨN", "co_quan__chu_quan": "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM"},
    "draft": {"so": None, "ngay": "2021-12"},
}


def _layouts(tmp_path: Path) -> list[tuple[str, Layout]]:
    found = []
    for source in sorted(NOTICES.rglob("*.yaml")):
        outcome = run_file(source, None, until="layout")
        assert outcome.layout is not None, [str(p) for p in outcome.problems]
        found.append((source.name, outcome.layout))
    for name, overrides in VARIANTS.items():
        source = write_notice(tmp_path / name, **overrides)
        outcome = run_file(source, None, until="layout")
        assert outcome.layout is not None, (name, [str(p) for p in outcome.problems])
        found.append((name, outcome.layout))
    return found


def test_every_built_in_template_fills_as_jinja_renders(tmp_path: Path) -> None:
    layouts = _layouts(tmp_path)
    assert len(layouts) == len(list(NOTICES.rglob("*.yaml"))) + len(VARIANTS)
    kinds = {layout.loai for _, layout in layouts}
    assert kinds >= {"thong_bao", "cong_van", "giay_moi"}
    assert any(layout.appendices for _, layout in layouts) and any(layout.footnotes for _, layout in layouts)
    for name in builtin_template_names():
        template = find_template(name).resolve()
        reference = PreparedTemplate(template)
        for label, layout in layouts:
            filled = render_builtin(template, layout)
            assert filled is not None, (name, label)
            assert filled == reference.render_parts(layout), (name, label)


def test_jinja_is_given_markupsafes_markup_wherever_the_filler_is_given_drawn_xml(tmp_path: Path) -> None:
    """The contract marks drawn XML with its own `wordml.Drawn` (the filler needs no markupsafe); jinja's sandbox is
    given each such value as markupsafe's Markup, at any depth, so a user's template reads the values it always read."""
    from tbkl_gen.word.wordml import Drawn

    def pairs(filler: Any, jinja: Any) -> Iterator[tuple[Any, Any]]:
        yield filler, jinja
        if isinstance(filler, dict):
            assert type(jinja) is dict and filler.keys() == jinja.keys()
            for key in filler:
                yield from pairs(filler[key], jinja[key])
        elif isinstance(filler, list | tuple):
            assert type(jinja) is type(filler) and len(jinja) == len(filler)
            for one, other in zip(filler, jinja, strict=True):
                yield from pairs(one, other)

    template = find_template(None).resolve()
    reference = PreparedTemplate(template)
    drawn = 0
    for _, layout in _layouts(tmp_path):
        for filler, jinja in pairs(fill.context(reference.widths, reference.section, layout), reference.context(layout)):
            if type(filler) is Drawn:
                drawn += 1
                assert type(jinja) is Markup and jinja == filler
            else:
                assert not isinstance(jinja, Drawn) and (type(jinja) is type(filler) or isinstance(filler, dict | list | tuple))
    assert drawn > 100


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="&<>'\"aă \u0000\U0001f600"), st.integers(), st.floats(), st.none(), st.booleans()))
def test_the_fillers_escape_is_markupsafes(value: Any) -> None:
    """`fill._escaped` prints a value as jinja's autoescape does (markupsafe's escape), for text and for anything else."""
    from markupsafe import escape

    from tbkl_gen.word.wordml import Drawn

    assert fill._escaped(value) == str(escape(value))
    for marked in (Markup(str(value)), Drawn(str(value))):  # a value with __html__ is its own text
        assert fill._escaped(marked) == str(escape(marked)) == str(value)


def test_the_shipped_forms_name_the_bytes_they_were_made_from() -> None:
    for name in builtin_template_names():
        template = ROOT / "templates" / f"{name}.docx"
        form = json.loads(template.with_name(f"{name}.prepared.json").read_text(encoding="utf-8"))
        assert form["file"] == hashlib.sha256(template.read_bytes()).hexdigest(), name
        parts = read_template_package(template)[1]  # the package as every reader of a template sees it
        assert [part for part, _ in form["package"]] == list(parts), name
        assert all(parts[part] == text.encode("utf-8") if text is not None else part in form["sources"] for part, text in form["package"])
        assert verified(find_template(name)) is not None, name


@pytest.mark.parametrize(
    "source",
    [
        "{{ trich_yeu|upper }}",
        "{{ loop.index }}",
        "{% for x in range(3) %}{% endfor %}",
        "{% if a and b %}{% endif %}",
        "{% set x = 1 %}",
        "{# a comment #}",
        "{%- if a %}{% endif %}",
        "{% if a %}",
        "{% endif %}",
        "{% for x in a %}{% else %}{% endfor %}",
        "{{ none }}",
        "a\r\nb",
        "{{ a\n}}",
        "{{ a }",
        "{% if a %}x{% endif",
        "{{ a -}}",
    ],
)
def test_a_tag_the_filler_does_not_read_is_left_to_jinja(source: str) -> None:
    with pytest.raises(fill._Unexpected):
        Filled(source)


def test_the_filler_escapes_as_jinja_and_reads_only_dictionaries() -> None:
    import jinja2
    from markupsafe import Markup

    source = '{% for d in ds %}{% if not d.k == "a" %}[{{ d.v }}]{% elif d.k %}({{ d.v }}){% else %}-{% endif %}{% endfor %}\n'
    values = {"ds": [{"k": "a", "v": "<&>\"'"}, {"k": "b", "v": Markup("<w:r/>")}, {"k": "", "v": 5}, {"k": "a", "v": None}]}
    jinja = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    assert Filled(source).fill(values) == jinja.from_string(source).render(values) == "(&lt;&amp;&gt;&#34;&#39;)[<w:r/>][5](None)\n"
    part = Filled(source)
    with pytest.raises(fill._Unexpected):
        part.fill({"ds": [{"k": "a"}]})  # a missing key: jinja's StrictUndefined says so, in its words
    with pytest.raises(fill._Unexpected):
        Filled("{{ a.b }}").fill({"a": "not a dictionary"})


_WORDS = ["a", "b", "c", ""]
_KINDS: list[Any] = ["a", "b", "c", "", "d", None, 0, 1, Markup("a"), ["a"], {"a": 1}]


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["d.k", "d.k", "d.k", "d.j"]), st.sampled_from(_WORDS), st.sampled_from([False, False, True])),
        min_size=1,
        max_size=6,
    ),
    st.booleans(),
    st.lists(
        st.fixed_dictionaries({"k": st.sampled_from(_KINDS), "j": st.sampled_from(_KINDS), "v": st.sampled_from(["x", "<&>"])}), max_size=4
    ),
)
def test_an_if_comparing_one_value_to_words_fills_as_jinja_renders(
    branches: list[tuple[str, str, bool]], otherwise: bool, items: list[dict[str, Any]]
) -> None:
    """An if whose branches compare a value to words, read as a switch (`fill._Switch`), prints what
    jinja prints: words repeated, a value not a text, an else or none, a negated branch or another path."""
    import jinja2

    source = "{% for d in ds %}"
    for index, (path, word, negated) in enumerate(branches):
        source += f'{{% {"elif" if index else "if"} {"not " if negated else ""}{path} == "{word}" %}}<{word}{index}{{{{ d.v }}}}>'
    source += ("{% else %}-" if otherwise else "") + "{% endif %}|{% endfor %}"
    values = {"ds": items}
    jinja = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    assert Filled(source).fill(values) == jinja.from_string(source).render(values)


def test_the_body_paragraphs_kinds_are_read_once() -> None:
    """The built-in templates' run of ifs over a body paragraph's kind is one switch (what makes filling cheaper)."""
    filled = fill._filled(verified(find_template(None)))
    assert filled is not None

    def switches(nodes: tuple[Any, ...]) -> int:
        count = 0
        for node in nodes:
            if isinstance(node, fill._Switch):
                count += 1
            elif isinstance(node, fill._For):
                count += switches(node.body)
            elif isinstance(node, fill._If):
                count += sum(switches(body) for _, body in node.branches)
        return count

    assert switches(filled.parts["word/document.xml"].nodes) >= 2  # the body's and each appendix's


def test_only_a_built_in_template_with_its_own_bytes_is_filled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "ubnd-tinh.docx"
    shutil.copyfile(find_template("ubnd-tinh"), copy)
    shutil.copyfile(find_template("ubnd-tinh").with_suffix(".prepared.json"), tmp_path / "ubnd-tinh.prepared.json")
    assert verified(copy) is None  # a copy elsewhere is a user's template, whatever lies beside it

    folder = tmp_path / "builtin"
    shutil.copytree(fill.builtin_templates_dir(), folder)
    monkeypatch.setattr(fill, "builtin_templates_dir", lambda: folder)
    assert verified(folder / "ubnd-tinh.docx") is not None
    changed = folder / "ubnd-xa.docx"
    changed.write_bytes(changed.read_bytes() + b"\0")  # edited in place: the form no longer describes it
    assert verified(changed) is None
    source = write_notice(tmp_path / "n")
    layout = run_file(source, None, until="layout").layout
    assert layout is not None
    assert render_builtin(changed, layout) is None
    assert render_builtin(folder / "ubnd-tinh.docx", layout) is not None


@settings(max_examples=5000, deadline=None)
@given(st.lists(st.sampled_from(["\n", "\n\n", "<w:p ", "<w:p>", "<w:pPr>", "<w:p", " ", ">", "x", "w:t", "\r"]), max_size=12))
def test_the_line_breaks_before_paragraphs_go_in_one_pass_as_in_two_replaces(pieces: list[str]) -> None:
    from tbkl_gen.word import fill

    xml = "".join(pieces)
    assert fill._BREAK_BEFORE_PARAGRAPH.sub("", xml) == xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")


@settings(max_examples=5000, deadline=None)
@given(st.lists(st.sampled_from(["<w:p ", "<w:p>", "<w:pPr>", "<w:p", "<w:", " ", ">", "x", "<"]), max_size=10), st.integers(0, 60))
def test_the_paragraph_before_a_place_is_found_as_by_the_two_searches(pieces: list[str], end: int) -> None:
    from tbkl_gen.word import fill

    xml = "".join(pieces)
    assert fill._paragraph_start_before(xml, end) == max(xml.rfind("<w:p ", 0, end), xml.rfind("<w:p>", 0, end))


@given(st.lists(st.sampled_from(["&", "<", ">", "&amp;", '"', "'", "a", "ư", " ", "\n", "\u00a0", "𝔸"]), max_size=8).map("".join))
def test_drafter_text_is_escaped_as_by_the_standard_library(text: str) -> None:
    from xml.sax.saxutils import escape as standard

    from tbkl_gen.word import wordml

    assert wordml.escape(text) == standard(text)
