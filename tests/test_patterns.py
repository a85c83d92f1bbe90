"""Shortcuts taken so that a cold start compiles fewer patterns give the full patterns' answers.

The archive line's grammar holds the Vietnamese letters many times over and takes milliseconds to
compile; the common line ("VT, KGVX") is read by a pattern without them. Generated lines, the
common ones and every form the decree allows or refuses, get the same answers either way. The
pattern of a label typed before a block is compiled only for a text whose first characters could
open one: every text it matches passes that test. A source's forbidden characters are looked for
only in a text that is not printable (each of them is not).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tbkl_gen import validate
from tbkl_gen.nd30 import grammar

UNITS = ["VT", "KGVX", "TH", "NN&MT", "SNV2", "A", "Đ", "ĐT", "X-Y", "A/B", "PL", "NC", "vt", "Kgvx", "1A"]
AFTER = ["Sơn", "NC.Châu", "PL.", "(05)", "05", "(300)", "Thập", "(Thập)", "0", "0005", "Nguyễn Văn", "ĐT.", "(", ""]
SEPARATORS = [", ", ",", " ", ".", ""]

_FULL = re.compile(grammar._ARCHIVE_PARTS.pattern)  # the grammar itself, without the shortcut


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(st.sampled_from(UNITS), max_size=4),
    st.lists(st.tuples(st.sampled_from(SEPARATORS), st.sampled_from(AFTER)), max_size=2),
    st.sampled_from(["", " ", "  "]),
)
def test_the_archive_shortcut_answers_as_the_grammar(units: list[str], tail: list[tuple[str, str]], space: str) -> None:
    line = space + ", ".join(["VT", *units]) + "".join(sep + word for sep, word in tail) + space
    content = " ".join(line.split())
    match = _FULL.match(content)
    assert grammar.is_archive(line) == (match is not None)
    expected = (bool(match.group("joined") or match.group("drafter")), bool(match.group("copies"))) if match else (False, False)
    assert grammar.archive_holds(line) == expected


def test_the_common_line_compiles_no_vietnamese_letters(monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = type(grammar._ARCHIVE_PARTS)(grammar._ARCHIVE_PARTS.pattern)  # not compiled yet
    monkeypatch.setattr(grammar, "_ARCHIVE_PARTS", fresh)
    monkeypatch.setattr(grammar, "ARCHIVE_SHAPE", fresh)
    assert grammar.is_archive("VT, KGVX") and grammar.archive_holds("VT, TH, NN&MT") == (False, False)
    assert fresh._compiled is None  # the long pattern was not needed
    assert grammar.is_archive("VT, KGVX, Sơn (05)") and fresh._compiled is not None


LABEL_PIECES = [
    *"IVXLCDMivxlcdm0123456789٣()-–—+•*.):/ aAbBđĐzZ\t\u00a0",
    *validate._BULLETS,
    "Các",
    "Việc",
    "Điều",
    "1.2.",
    "II.",
    "III -",
    "IV:",
    "a)",
    "(1)",
    "2026",
    "1/2",
    "Ư",
    "Â",
]


@settings(max_examples=5000, deadline=None)
@given(st.lists(st.sampled_from(LABEL_PIECES), max_size=6))
def test_the_typed_label_pattern_is_compiled_only_where_it_can_match(pieces: list[str]) -> None:
    text = "".join(pieces)
    full = re.compile(validate._TYPED_LABEL.pattern)
    if full.match(text) is not None:
        assert validate._may_open_with_label(text)


def test_a_printable_source_holds_no_forbidden_character() -> None:
    """`source.read` skips the forbidden characters' pattern and the invisible spaces' search for a
    text printable line by line: every character the pattern finds, and every invisible space, is
    not printable."""
    import sys

    from tbkl_gen.source import read
    from tbkl_gen.source.indentation import INVISIBLE_SPACES

    pattern = re.compile(read._FORBIDDEN_IN_FILE.pattern)
    forbidden = [chr(code) for code in range(sys.maxunicode + 1) if pattern.match(chr(code))]
    assert len(forbidden) > 2000
    assert not any(character.isprintable() for character in forbidden)
    assert not any(character.isprintable() for character in INVISIBLE_SPACES)
    text = "co_quan:\n  ten:\n  -\u00a0UBND\n"
    assert [problem.code for problem in read.read_text(text, Path("tb.yaml"))[1]][:1] == ["invisible_space"]
    assert read._mask_forbidden("Sở Tài chính\tvà\r\nSở Nội vụ") == ("Sở Tài chính\tvà\r\nSở Nội vụ", [])
    assert read._mask_forbidden("a\x0bb\u2028") == ("a\ufffdb\ufffd", [(1, "\x0b"), (3, "\u2028")])


def _last_body_paragraph_from_the_start(texts: list[tuple[tuple[Any, ...], str]]) -> tuple[tuple[Any, ...], str] | None:
    """The end mark's check as it read the body before: every paragraph from the start, a table resetting it."""
    from tbkl_gen.markup import plain_text

    last = None
    for path, text in texts:
        if path[0] != "noi_dung":
            continue
        if "bang" in path:
            last = None
        elif plain_text(text).strip():
            last = path, " ".join(plain_text(text).split())
    return last


_BODY_PATHS = [
    ("noi_dung", 0),
    ("noi_dung", 1, "khoan"),
    ("noi_dung", 1, "noi_dung", 0, "gach"),
    ("noi_dung", 2, "bang", 0, 1),
    ("noi_dung", 2, "noi_dung", 1, "bang", 1, 0, "o"),
    ("trich_yeu",),
    ("phu_luc", 0, "noi_dung", 0),
    ("phu_luc", 0, "noi_dung", 1, "bang", 0, 0),
    ("nguoi_ky", "ho_ten"),
]
_BODY_TEXTS = ["", " ", "\n", "Thực hiện.", "như sau:", "**đậm**", "** **", "^[chú thích]", "a  b\tc", "*nghiêng*;", "./."]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_BODY_PATHS), st.sampled_from(_BODY_TEXTS)), max_size=8))
def test_the_end_mark_reads_the_body_from_its_end_as_from_its_start(texts: list[tuple[tuple[Any, ...], str]]) -> None:
    assert validate._last_body_paragraph(texts) == _last_body_paragraph_from_the_start(texts)


def test_the_checks_texts_hold_the_body_in_order() -> None:
    """`_last_body_paragraph` reads the body from `_walk`'s texts: its entries under noi_dung are the body's, in order."""
    from pathlib import Path

    from tbkl_gen.source.load import load_notice

    sources = sorted((Path(__file__).resolve().parent.parent / "notices").rglob("*.yaml"))
    assert sources
    for source in sources:
        notice = load_notice(source).notice
        assert notice is not None, source
        body: list[tuple[tuple[Any, ...], str]] = []
        validate._walk_blocks(notice.noi_dung, ("noi_dung",), body, [], [])
        assert [entry for entry in validate._walk(notice)[0] if entry[0][0] == "noi_dung"] == body


# The invisible characters' class as one pattern, before it was split at U+FFFF (the truth the split search must give).
_INVISIBLE_WHOLE = re.compile(f"[{validate._INVISIBLE_UP_TO_FFFF}{validate._INVISIBLE_BEYOND_FFFF}]")
_INVISIBLE_PIECES = [
    "Sở Tài chính",
    " ",
    "\0",
    "\n",
    "\u00a0",
    "\u00ad",
    "\u200b",
    "\ufeff",
    "\ufffb",
    "\ufffc",
    "\uffff",
    "\ud800",  # a lone surrogate
    "\udfff",
    "\U00010000",
    "\U000110bd",
    "\U000110be",
    "\U0001d173",
    "\U000e0001",
    "\U000e007f",
    "\U000e0080",
    "😀",
    "𠀀",
]


@settings(max_examples=5000, deadline=None)
@given(st.lists(st.sampled_from(_INVISIBLE_PIECES), max_size=8), st.text(max_size=6))
def test_the_invisible_search_in_two_parts_answers_as_one_pattern(pieces: list[str], more: str) -> None:
    text = "".join(pieces) + more
    assert validate._has_invisible(text) == (_INVISIBLE_WHOLE.search(text) is not None)
    assert validate._has_invisible(more + text) == (_INVISIBLE_WHOLE.search(more + text) is not None)


def test_the_invisible_search_in_two_parts_finds_each_character_as_one_pattern() -> None:
    import sys

    for code in range(sys.maxunicode + 1):
        character = chr(code)
        assert validate._has_invisible("Sở " + character) == (_INVISIBLE_WHOLE.search(character) is not None), hex(code)


def _typed_label_whole(text: str) -> str | None:
    """The label typed in front of a block as it was read before: the whole text's spaces folded first."""
    from tbkl_gen.markup import plain_text

    plain = plain_text(" ".join(text.split()))
    if not validate._may_open_with_label(plain):
        return None
    match = validate._TYPED_LABEL.match(plain)
    return match.group() if match else None


_LABEL_SPACES = [" ", "  ", "\n", "\t", "\u00a0", "\u2003", ""]


@settings(max_examples=5000, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(LABEL_PIECES), st.sampled_from(_LABEL_SPACES), st.sampled_from(["*", "**", "^[", "]", "\\"])), max_size=8
    )
)
def test_the_typed_label_is_looked_for_in_the_first_two_words_as_in_the_whole_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert validate._typed_label(text) == _typed_label_whole(text)
    assert validate._typed_label(text + " Sở Tài chính chủ trì.") == _typed_label_whole(text + " Sở Tài chính chủ trì.")


# Plain scalars YAML 1.1 may read as something else than text, pieces of them, and text around them.
_SCALAR_PIECES = [
    *("yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF y n ~ null Null NULL".split()),
    *("0 1 7 9 012 0x1F 0o17 0b101 1_000 1:30 190:20:30 -1 +2 .5 1.5e3 -.inf .NaN .nan 2021 2021-02-03 2021-2-3".split()),
    *("2021-02-03T10:20:30Z 2021-02-03 10:20:30.5 +07:00 << = ! & * - + . : _ e E x X".split()),
    *("Thông Nguyễn Ngày năm Số Ông ơn Tháng Ý Ủy đ Đ noi_dung so ngay ten tieu_de o_khan".split()),
    " ",
    "  ",
    "\t",
    "",
]


@settings(max_examples=5000, deadline=None)
@given(st.lists(st.sampled_from(_SCALAR_PIECES), max_size=4), st.booleans(), st.booleans(), st.text(max_size=3))
def test_the_resolution_of_a_scalar_answers_as_pyyaml(pieces: list[str], plain: bool, quoted: bool, more: str) -> None:
    import yaml

    from tbkl_gen.source import compose

    ours, theirs = compose.Loader("a: b"), yaml.SafeLoader("a: b")
    for value in ("".join(pieces), "".join(pieces) + more, more + "".join(pieces)):
        for kind in (yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode):
            implicit = (plain, quoted)
            value_of_kind = value if kind is yaml.ScalarNode else None
            assert ours.resolve(kind, value_of_kind, implicit) == theirs.resolve(kind, value_of_kind, implicit), (kind, value, implicit)
    ours.dispose()
    theirs.dispose()


def test_the_loaders_resolve_with_the_same_tables_as_pyyaml() -> None:
    """The fast resolution relies on the safe loader having no resolver for any character nor by path."""
    import yaml

    from tbkl_gen.source import compose

    assert not compose.RESOLVE_AS_PYYAML
    assert compose._IMPLICIT_STARTS == {key for key in yaml.SafeLoader.yaml_implicit_resolvers if key}
    if hasattr(yaml, "CSafeLoader"):
        assert compose._FAST_LOADER is not None and issubclass(compose._FAST_LOADER, yaml.CSafeLoader)
        assert compose._FAST_LOADER.resolve is compose.Loader.resolve


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(["\n", " ", "-", "- ", "a", ":", " " * 9, "-" * 10, "\n" + " " * 18]), max_size=12))
def test_the_deep_line_search_answers_as_the_multi_line_pattern(pieces: list[str]) -> None:
    from tbkl_gen.source import compose, read

    text = "".join(pieces)
    full = re.compile(r"^[ \-]{%d,}" % (read.MAX_DEPTH // 2 - 1), re.MULTILINE)
    assert compose._has_deep_line(text) == (full.search(text) is not None)


@settings(max_examples=5000, deadline=None)
@given(st.lists(st.sampled_from(["x", "xx", "xxxx", "X", " ", "\u00a0", "\n", "/", "a", "ã", "1", ".", "xã", "Số", "ngày"]), max_size=10))
def test_the_lone_x_looked_for_from_the_x_answers_as_from_the_space(pieces: list[str]) -> None:
    from tbkl_gen import samples

    text = "".join(pieces)
    assert (samples._LONE_X.search(text) is not None) == (re.search(r"\sx{1,4}(?![\w/])", text) is not None)


_GAP_PIECES = [
    "x",
    "xx",
    "xxxxx",
    "X",
    "x/",
    "X/",
    "/",
    " ",
    "\u00a0",
    "\n",
    "…",
    "...",
    "..",
    ".",
    ",",
    ";",
    "a",
    "ã",
    "1",
    "2026",
    "Số",
    "ngày",
    "\0",
]


@settings(max_examples=5000, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_GAP_PIECES), max_size=8).map("".join), max_size=5))
def test_texts_joined_by_nuls_answer_for_each_whether_it_may_hold_a_gap(texts: list[str]) -> None:
    """The checker asks the joined texts once (`validate._may_hold_gap`) and looks for gaps text by
    text only when they may hold one: a text with a gap or a placeholder is never skipped."""
    from tbkl_gen import samples

    if not validate._may_hold_gap("\0".join(texts)):
        assert all(validate._gap(text) is None for text in texts)
        placeholder = re.compile(samples.PLACEHOLDER.pattern)  # the whole pattern, tried everywhere
        assert not any(placeholder.search(text) or samples.GAP in text or "..." in text for text in texts)
    for text in texts:
        assert validate._gap(text) is None or validate._may_hold_gap(text)


def _special_as_before(text: str) -> bool:
    """`compose._maybe_special` before the bold marks were set aside: every character looked at."""
    for match in re.finditer(r"[&*\[{]", text):
        index = match.start()
        before = text[index - 1] if index else "\n"
        if match.group() in "&*":
            after = text[index + 1 : index + 2]
            if before in " \t\r\n[{," and after and after not in " \t\r\n*":
                return True
        elif before in " \t\r\n:-,[{":
            return True
    return False


@settings(max_examples=8000, deadline=None)
@given(st.lists(st.sampled_from(["*", "**", "***", "&", "[", "{", "^[", " ", "\n", ",", ":", "-", "a", "đậm", "x]", "\t"]), max_size=10))
def test_the_bold_marks_set_aside_leave_the_anchors_and_flows_found(pieces: list[str]) -> None:
    from tbkl_gen.source import compose

    text = "".join(pieces)
    assert compose._maybe_special(text) == _special_as_before(text)


@settings(max_examples=5000, deadline=None)
@given(st.lists(st.sampled_from(["\n", "\r", "\u2028", "\x0b", " ", "\u00a0", "#", "a", "so: 1", "# ghi chú", "\t"]), max_size=8))
def test_a_file_of_comments_is_told_from_its_first_line_as_from_all_its_lines(pieces: list[str]) -> None:
    from tbkl_gen.source import read

    text = "".join(pieces)
    assert read._only_comments(text) == all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


_YAML_VALUES = [*_SCALAR_PIECES[:-4], "Thông báo kết luận", "'012'", '"yes"', "", "~", "2021-05-27", "[a, b]", "- a"]


def _read_snapshot(text: str) -> object:
    from pathlib import Path

    from tbkl_gen.source import read

    found = []
    for fast in (True, False):
        source, problems = read.read_text(text, Path("tb.yaml"), fast=fast)
        messages = [p.format() for p in problems]
        found.append(
            messages if source is None else (source.data, source.value_marks, source.raw_plain, sorted(map(str, source.broken)), messages)
        )
    return found


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["so", "ngay", "dia_danh", "trich_yeu", "noi_nhan", "yes", "012", "~"]), st.sampled_from(_YAML_VALUES)),
        min_size=1,
        max_size=5,
    )
)
def test_a_generated_notice_reads_as_with_pyyaml_s_own_resolution(pairs: list[tuple[str, str]]) -> None:
    """The whole reading (both parsers: data, places, problems) of generated YAML is the same with
    the loaders' resolution as with PyYAML's own, called for every node as before."""
    from tbkl_gen.source import compose

    text = "".join(f"{key}: {value}\n" if not value.startswith("- ") else f"{key}:\n  {value}\n" for key, value in pairs)
    compose._plain_tag.cache_clear()
    ours = _read_snapshot(text)
    try:
        compose.RESOLVE_AS_PYYAML = True
        theirs = _read_snapshot(text)
    finally:
        compose.RESOLVE_AS_PYYAML = False
    assert ours == theirs


def _composed_after_every_event(text: str) -> bool:
    """Whether libyaml's reading of text is taken, as it was when every text flagged by
    `compose._maybe_special` went through the events first: anchors, aliases and depth looked at."""
    import yaml

    from tbkl_gen.source import compose, read

    depth = 0
    try:
        for event in yaml.parse(text, Loader=compose._FAST_LOADER):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return False
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > read.MAX_DEPTH:
                    return False
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
        compose._FAST_LOADER(text).get_single_node()
    except (yaml.YAMLError, ValueError, RecursionError):
        return False
    return True


_FLOW_PIECES = ["quyen_han: []", "a: {}", "b: [x, {c: []}]", "[", "]", "{", "}", "&a ", "*a", "**x**", "***"]
_FLOW_PIECES += ["- ", "\n", "  ", "x", ": ", ", "]
_FLOW_PIECES += ["[" * 20, "]" * 20, "{a: " * 21, "}" * 21, "\n" + "- " * 9, "\n" + "  " * 9 + "k:", "R&D", "a*b", "^[chú thích]"]


@settings(max_examples=4000, deadline=None)
@given(st.lists(st.sampled_from(_FLOW_PIECES), max_size=12))
def test_the_composition_measured_where_no_anchor_can_be_is_taken_as_after_the_events(pieces: list[str]) -> None:
    """A text whose flows can hold no anchor nor alias is composed and measured, not parsed twice:
    libyaml's reading of it is taken exactly when it was taken after an event pass over it."""
    import yaml

    from tbkl_gen.source import compose

    if not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML without libyaml: no fast reading to hold")
    text = "".join(pieces)
    if "\t" in text:
        return
    assert (compose.compose_fast(text) is not None) == _composed_after_every_event(text)


def test_a_deep_flow_is_refused_by_the_measure_as_by_the_events() -> None:
    import yaml

    from tbkl_gen.source import compose, read

    if not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML without libyaml: no fast reading to hold")
    for depth in (read.MAX_DEPTH - 2, read.MAX_DEPTH - 1, read.MAX_DEPTH, read.MAX_DEPTH + 1):
        flows = "[" * (depth - 1) + "]" * (depth - 1)  # the root mapping is the first level
        for text in (f"a: {flows}\n", f"a:\n  b: {flows[1:-1]}\n", f"a:\n- {flows[1:-1]}\n- quyen_han: []\n"):
            assert compose._look_out(text) in ("depth", "events")
            assert (compose.compose_fast(text) is not None) == _composed_after_every_event(text), (depth, text)
    assert compose._look_out("quyen_han: []\nchuc_vu: CHÁNH VĂN PHÒNG\n") == "depth"
    assert compose._look_out("quyen_han: []\nten: **đậm**\n") == "depth"
    assert compose._look_out("quyen_han: []\nten: R&D\n") == "events"


@pytest.mark.parametrize("seen", [0, 1, 100, 5_000])
def test_a_source_that_grew_after_its_stat_is_read_on_as_far_as_the_limit(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, seen: int
) -> None:
    """The reading asks for the size stat saw (not a megabyte at once) and reads on when the file is
    longer: the same bytes as one read up to the limit, and a file grown past the limit refused."""
    import os
    import pathlib

    from tbkl_gen.source import read

    real_stat = pathlib.Path.stat

    def stale_stat(self: pathlib.Path, **kwargs: Any) -> os.stat_result:
        found = real_stat(self, **kwargs)
        return os.stat_result((found.st_mode, *found[1:6], min(seen, found.st_size), *found[7:]))

    grown = tmp_path / "grown.yaml"
    grown.write_bytes(("trich_yeu: " + "Thông báo kết luận " * 500 + "\n").encode("utf-8"))
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"trich_yeu: " + b"a" * read.MAX_SOURCE_BYTES + b"\n")
    monkeypatch.setattr(pathlib.Path, "stat", stale_stat)
    assert read._file_bytes(grown) == grown.read_bytes()
    with pytest.raises(read._LoadFailed) as refused:
        read._file_bytes(huge)
    assert refused.value.problem.code == "too_large"
