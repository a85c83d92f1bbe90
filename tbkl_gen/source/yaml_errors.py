"""PyYAML's syntax errors, explained in Vietnamese at the place the drafter must fix.

PyYAML reports a mistake in English, as a context ("while scanning a quoted scalar") and a
problem ("found unexpected end of stream"), at the point where parsing broke, which is often
a line or two after the real mistake. `EXPLAINERS` is the table from what PyYAML reported to how
we explain it: a list of (matcher, explainer) pairs in order of precedence; the first matcher
that accepts the report gives the explanation. To explain a new case, add a row above the first
row that would otherwise catch it (a test in tests/test_hostile.py beside the others holds the
message).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from tbkl_gen.errors import Place, Problem
from tbkl_gen.source.indentation import (
    KEY_WITH_VALUE,
    Indentation,
    indent_of,
    invisible_indent,
    invisible_indent_message,
    key_without_colon,
    swallowed_key,
)


_NOWHERE = yaml.Mark("", 0, 0, 0, None, 0)
"""The first character, for an error PyYAML reported with no mark at all."""


@dataclass
class Report:
    """What PyYAML reported, with the text it was reading."""

    text: str
    error: yaml.MarkedYAMLError
    lines: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.lines = self.text.split("\n")

    @property
    def context(self) -> str:
        return self.error.context or ""

    @property
    def problem(self) -> str:
        return self.error.problem or ""

    @property
    def mark(self) -> yaml.Mark:
        """Where PyYAML stopped: the problem's mark, else the context's."""
        return self.error.problem_mark or self.error.context_mark or _NOWHERE

    @property
    def problem_mark(self) -> yaml.Mark:
        """The problem's mark (PyYAML sets it on every error an explainer matches), else the context's."""
        return self.error.problem_mark or self.mark

    @property
    def context_mark(self) -> yaml.Mark:
        """The context's mark (PyYAML sets it on every error an explainer matches), else the problem's."""
        return self.error.context_mark or self.mark

    def at(self, mark: Any) -> tuple[int, int]:
        """Return a mark as the 1-based (line, column) we print."""
        return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)

    def char_at(self, mark: Any) -> str:
        """Return the character at a mark, or "" past the end of its line."""
        lines = self.lines
        if mark is None or mark.line >= len(lines) or mark.column >= len(lines[mark.line]):
            return ""
        return str(lines[mark.line][mark.column])

    def line_start(self, mark: Any) -> bool:
        """Tell whether only blanks stand before the mark on its line."""
        return mark is not None and mark.line < len(self.lines) and not self.lines[mark.line][: mark.column].strip()

    @cached_property
    def runaway(self) -> tuple[int, int, str, int] | None:
        """The quoted value that ran past its line into the keys below (see `_runaway_quote`)."""
        return _runaway_quote(self.text, self.error)

    @cached_property
    def invisible(self) -> tuple[int, int, str, str] | None:
        """The nearest line at or above the break, back to the top-level key whose block broke,
        whose indentation holds a space YAML does not count: (0-based line, column, message, hint).

        Such a line is often read as the continuation of the value above it, so YAML breaks a
        line or more below it.
        """
        stop = self.mark
        if stop is None:
            return None
        last = min(stop.line, len(self.lines) - 1)
        first = last
        while first > 0 and not _top_level(self.lines[first]):
            first -= 1
        start = self.error.context_mark
        if start is not None:
            first = min(first, start.line)
        for index in range(last, first - 1, -1):
            found = invisible_indent_message(self.lines[index], index + 1)
            if found is not None:
                return (index, *found)
        return None


class Explanation(NamedTuple):
    """How we explain a report: where (1-based line, column), what is wrong, and the fix."""

    where: tuple[int, int]
    message: str
    hint: str
    code: str = "yaml"


Matcher = Callable[[Report], bool]
Explainer = Callable[[Report], Explanation]


def problem_says(*phrases: str) -> Matcher:
    """Match a report whose problem contains one of phrases."""
    return lambda report: any(phrase in report.problem for phrase in phrases)


def context_says(*phrases: str) -> Matcher:
    """Match a report whose context contains one of phrases."""
    return lambda report: any(phrase in report.context for phrase in phrases)


def both(first: Matcher, second: Matcher) -> Matcher:
    return lambda report: first(report) and second(report)


def either(first: Matcher, second: Matcher) -> Matcher:
    return lambda report: first(report) or second(report)


def yaml_problem(path: Path, text: str, error: yaml.MarkedYAMLError) -> Problem:
    """Turn a PyYAML syntax error into a Vietnamese problem at the place the drafter must fix."""
    report = Report(text, error)
    explanation = next((explain(report) for matches, explain in EXPLAINERS if matches(report)), None)
    if explanation is None:
        explanation = Explanation(
            report.at(report.mark), "cú pháp YAML không hợp lệ ở đây", "kiểm tra thụt lề và các dấu ngoặc của dòng này và dòng trên"
        )
    return Problem(Place(path, *explanation.where), explanation.message, hint=explanation.hint, code=explanation.code)


# --- the explainers, in the order of the table --------------------------------------------------


def _swallowing_quote(report: Report) -> Explanation:
    line, column, quote, swallowed = report.runaway  # type: ignore[misc]
    return Explanation(
        (line, column),
        f"chuỗi mở bằng dấu {quote} ở đây chưa được đóng, nên đã nuốt cả dòng {swallowed}",
        f"thêm dấu {quote} ở cuối giá trị",
        "unclosed_quote",
    )


def _tab(report: Report) -> Explanation:
    if report.line_start(report.mark):
        return Explanation(report.at(report.mark), "dùng ký tự tab để thụt lề", "thụt lề bằng dấu cách, không dùng tab")
    return Explanation(
        report.at(report.mark), "ký tự tab không được dùng ở đây", "thay tab bằng dấu cách, hoặc đặt cả giá trị trong ngoặc kép"
    )


def _invisible_space(report: Report) -> Explanation:
    line, column, message, hint = report.invisible  # type: ignore[misc]
    return Explanation((line + 1, column + 1), message, hint, "invisible_space")


def _cannot_start(report: Report) -> Explanation:
    character = report.char_at(report.mark) or "?"
    return Explanation(report.at(report.mark), f"giá trị không được bắt đầu bằng ký tự “{character}”", "đặt cả giá trị trong ngoặc kép")


def _unknown_escape(report: Report) -> Explanation:
    return Explanation(
        report.at(report.problem_mark),
        "chuỗi trong ngoặc kép có dấu “\\” không hợp lệ",
        "viết “\\\\” cho một dấu “\\”, hoặc dùng ngoặc đơn ' '",
    )


def _bad_escape_code(report: Report) -> Explanation:
    return Explanation(
        report.at(report.problem_mark),
        "mã thoát “\\x”, “\\u” trong ngoặc kép không đúng",
        "viết “\\\\” cho một dấu “\\”, hoặc dùng ngoặc đơn ' '",
    )


def _unclosed_quote(report: Report) -> Explanation:
    quote = report.char_at(report.context_mark) or '"'
    return Explanation(
        report.at(report.context_mark), f"chuỗi mở bằng dấu {quote} ở đây chưa được đóng", f"thêm dấu {quote} ở cuối giá trị"
    )


def _unclosed_bracket(report: Report) -> Explanation:
    closing = "]" if "sequence" in report.context else "}"
    opening = "[" if closing == "]" else "{"
    what = "danh sách" if closing == "]" else "bảng"
    return Explanation(
        report.at(report.context_mark),
        f"{what} mở bằng “{opening}” ở đây chưa được đóng bằng “{closing}”",
        f"thêm “{closing}”, hoặc nếu “{opening}” là chữ thì đặt cả giá trị trong ngoặc kép",
    )


def _missing_colon(report: Report) -> Explanation:
    start, stop = report.context_mark, report.problem_mark
    where = report.at(start)
    lines = report.lines
    line = lines[start.line]
    above = next((text for text in reversed(lines[: start.line]) if text.strip() and not text.lstrip().startswith("#")), "")
    if stop is not None and stop.column - start.column >= 1024:
        return Explanation(
            where,
            "dấu “: ” trong đoạn văn dài này bị YAML hiểu là dấu sau khóa",
            "đặt cả đoạn trong ngoặc kép, hoặc viết “>-” rồi xuống dòng viết đoạn văn thụt lề",
        )
    if ":" not in line and indent_of(above) > indent_of(line):
        return Explanation(
            where,
            "thụt lề không khớp: dòng này thụt lề ít hơn dòng trên nên không còn thuộc đoạn văn ở trên",
            "thụt lề dòng này bằng các dòng của đoạn văn ở trên",
        )
    return Explanation(where, "thiếu dấu “:” sau khóa", "mỗi dòng có dạng “khoa: giá trị”, có dấu cách sau dấu “:”")


def _colon_in_value(report: Report) -> Explanation:
    stop = report.problem_mark
    lines = report.lines
    started = _plain_start(report.text, stop)
    if started is not None and started < stop.line:
        below = next((j for j in range(started + 1, len(lines)) if lines[j].strip()), started)
        shape = Indentation(lines)
        if key_without_colon(lines[started]):
            return Explanation(
                (started + 1, indent_of(lines[started]) + 1),
                "thiếu dấu “:” sau khóa, nên các dòng dưới bị gộp vào dòng này",
                "mỗi dòng có dạng “khoa: giá trị”",
            )
        if KEY_WITH_VALUE.match(lines[started]) and indent_of(lines[below]) in shape.expected(started, below):
            return Explanation(
                (started + 1, indent_of(lines[started]) + 1),
                "các dòng thụt lề bên dưới bị gộp vào giá trị ở dòng này",
                "nếu dòng này là khóa có các khóa con, bỏ phần giá trị sau dấu “:”; nếu không, cho các dòng dưới thẳng cột với dòng này",
            )
        culprit = shape.culprit(stop.line, started)
        if culprit is not None:
            line, found, expected = culprit
            return Explanation(
                (line + 1, found + 1),
                f"thụt lề không khớp: dòng này thụt {found} dấu cách, nhưng dòng {stop.line + 1} cùng cấp thụt {expected}",
                "các dòng cùng cấp phải thẳng cột; dòng lệch cột bị YAML gộp vào giá trị ở trên",
            )
    return Explanation(
        report.at(report.mark),
        "dấu “: ” không được dùng ở đây",
        "nếu giá trị có “: ”, đặt cả giá trị trong ngoặc kép; nếu đây là khóa, xuống dòng và thụt lề cho đúng",
    )


def _dash_in_value(report: Report) -> Explanation:
    return Explanation(
        report.at(report.mark),
        "mục danh sách “- ” không được viết ở đây",
        "xuống dòng và thụt lề mục danh sách; nếu “-” là chữ, đặt cả giá trị trong ngoặc kép",
    )


def _question_mark(report: Report) -> Explanation:
    return Explanation(report.at(report.mark), "giá trị không được bắt đầu bằng “? ”", "đặt cả giá trị trong ngoặc kép")


def _block_scalar(report: Report) -> Explanation:
    return Explanation(
        report.at(report.mark),
        "sau “|” hoặc “>” phải xuống dòng",
        "viết nội dung ở các dòng dưới, thụt lề; hoặc đặt cả giá trị trong ngoặc kép",
    )


def _alias(report: Report) -> Explanation:
    return Explanation(report.at(report.context_mark), "ký tự “*” ở đầu giá trị bị YAML hiểu là bí danh", "đặt cả giá trị trong ngoặc kép")


def _anchor(report: Report) -> Explanation:
    return Explanation(report.at(report.context_mark), "ký tự “&” ở đầu giá trị bị YAML hiểu là neo", "đặt cả giá trị trong ngoặc kép")


def _tag(report: Report) -> Explanation:
    return Explanation(
        report.at(report.context_mark),
        "ký tự “!” ở đầu giá trị bị YAML hiểu là thẻ",
        "đặt cả giá trị trong ngoặc kép",
    )


def _second_document(report: Report) -> Explanation:
    return Explanation(
        report.at(report.mark),
        "tệp chỉ được chứa một thông báo, nhưng dòng “---” này mở thêm một văn bản YAML",
        "xóa dòng “---”, hoặc tách thành tệp riêng",
    )


def _directive(report: Report) -> Explanation:
    return Explanation(report.at(report.problem_mark), "chỉ thị %YAML không được hỗ trợ", "xóa dòng bắt đầu bằng “%”")


def _after_document(report: Report) -> Explanation:
    where = report.at(report.mark)
    before = report.lines[: where[0]]
    if any(line.rstrip() == "..." for line in before):
        return Explanation(where, "có nội dung sau dòng “...” (dấu kết thúc văn bản YAML)", "xóa dòng “...”")
    directive = next((i for i, line in enumerate(before) if line.startswith("%")), None)
    if directive is not None:
        return Explanation(
            (directive + 1, 1),
            "dòng bắt đầu bằng “%” là chỉ thị YAML, không phải nội dung",
            "xóa dòng này, hoặc đặt giá trị trong ngoặc kép",
        )
    if report.line_start(report.problem_mark):
        return _misaligned(report, False)
    return Explanation(where, "có nội dung thừa ở đây", "kiểm tra thụt lề của dòng này")


def _flow_node(report: Report) -> Explanation:
    opener = _open_flow(report.lines, report.problem_mark)
    if opener is None:
        character = report.char_at(report.problem_mark) or "?"
        return Explanation(report.at(report.mark), f"giá trị không được bắt đầu bằng “{character}”", "đặt cả giá trị trong ngoặc kép")
    character = report.lines[opener[0]][opener[1]]
    what = "danh sách" if character == "[" else "bảng"
    return Explanation(
        (opener[0] + 1, opener[1] + 1),
        f"dấu “{character}” ở đây bị YAML hiểu là mở một {what}",
        "nếu đây là chữ, đặt cả giá trị trong ngoặc kép",
    )


def _no_content(report: Report) -> Explanation:
    character = report.char_at(report.problem_mark) or "?"
    return Explanation(report.at(report.mark), f"giá trị không được bắt đầu bằng “{character}”", "đặt cả giá trị trong ngoặc kép")


def _block_broken(report: Report) -> Explanation:
    found = report.problem.rsplit("found", 1)[-1].strip(" '")
    if report.line_start(report.problem_mark):
        return _misaligned(report, found == "-")
    if found in ("]", "}"):
        return Explanation(report.at(report.mark), f"dấu “{found}” thừa", "xóa dấu này, hoặc đặt cả giá trị trong ngoặc kép")
    return Explanation(
        report.at(report.mark), "có chữ thừa sau giá trị", "nếu giá trị bắt đầu bằng dấu ngoặc (\" ' [ {), đặt cả giá trị trong ngoặc kép"
    )


def _cut_short(report: Report) -> Explanation:
    return Explanation(report.at(report.mark), "tệp kết thúc giữa chừng", "kiểm tra dấu ngoặc chưa đóng")


_QUOTED = context_says("quoted scalar")

EXPLAINERS: list[tuple[Matcher, Explainer]] = [
    # A quoted value that ran on into the keys below: PyYAML breaks later, wherever it can.
    (lambda report: report.runaway is not None, _swallowing_quote),
    (problem_says("found character '\\t' that cannot start any token"), _tab),
    # A space pasted from Word or the web in the indentation: YAML reads it as text, and breaks.
    (lambda report: report.invisible is not None, _invisible_space),
    (problem_says("that cannot start any token"), _cannot_start),
    (both(_QUOTED, problem_says("found unknown escape character")), _unknown_escape),
    (both(_QUOTED, problem_says("expected escape sequence")), _bad_escape_code),
    (_QUOTED, _unclosed_quote),
    (context_says("while parsing a flow sequence", "while parsing a flow mapping"), _unclosed_bracket),
    (both(context_says("while scanning a simple key"), problem_says("could not find expected ':'")), _missing_colon),
    (problem_says("mapping values are not allowed here"), _colon_in_value),
    (problem_says("sequence entries are not allowed here"), _dash_in_value),
    (problem_says("mapping keys are not allowed here"), _question_mark),
    (context_says("while scanning a block scalar"), _block_scalar),
    (context_says("while scanning an alias"), _alias),
    (context_says("while scanning an anchor"), _anchor),
    (either(context_says("tag"), problem_says("tag handle")), _tag),
    (context_says("expected a single document"), _second_document),
    (problem_says("found incompatible YAML document", "found duplicate YAML directive"), _directive),
    (problem_says("expected '<document start>'"), _after_document),
    (context_says("while parsing a flow node"), _flow_node),
    (both(context_says("while parsing a block node"), problem_says("expected the node content")), _no_content),
    (problem_says("expected <block end>", "did not find expected key", "did not find expected '-'"), _block_broken),
    (problem_says("found unexpected end of stream"), _cut_short),
]
"""What PyYAML reported → how we explain it, in order of precedence; no row matching means
"cú pháp YAML không hợp lệ ở đây" at the place PyYAML stopped."""


# --- helpers: finding the real place of a mistake --------------------------------------------


def _top_level(line: str) -> bool:
    """Tell a line that opens a top-level key: text from its first column, not a comment."""
    return line[:1] not in ("", " ", "#", "-") and invisible_indent(line) is None


def _open_flow(lines: list[str], mark: Any) -> tuple[int, int] | None:
    """Return (line, column), 0-based, of the bracket still open at mark."""
    depth = 0
    for line_index in range(mark.line, max(mark.line - 50, -1), -1):
        text = lines[line_index]
        end = mark.column if line_index == mark.line else len(text)
        for column in range(end - 1, -1, -1):
            character = text[column]
            if character in "]}":
                depth += 1
            elif character in "[{":
                if depth == 0:
                    return line_index, column
                depth -= 1
    return None


def _misaligned(report: Report, item: bool) -> Explanation:
    """Place and explain a line that breaks the indentation, naming the indent expected."""
    lines, exc = report.lines, report.error
    error = report.problem_mark.line
    shape = Indentation(lines)
    context = exc.context_mark
    opened = context.line if context is not None and not lines[context.line][: context.column].strip(" -") else None
    culprit = shape.culprit(error, opened)
    if culprit is not None:
        line, found, expected = culprit
        what = "mục danh sách" if lines[line].lstrip().startswith("-") else "dòng"
        return Explanation(
            (line + 1, found + 1),
            f"thụt lề không khớp: {what} này thụt {found} dấu cách, nhưng dòng {error + 1} cùng cấp thụt {expected}",
            "các dòng cùng cấp phải thẳng cột, thụt lề bằng cùng số dấu cách",
        )
    found = indent_of(lines[error])
    siblings = shape.sibling_level(error)
    item = item or lines[error].lstrip().startswith("-")
    if item:
        message = "mục danh sách “- ” này lệch cột so với các mục cùng danh sách"
        hint = "cho các mục “- ” của cùng danh sách thẳng cột với nhau"
    else:
        message = "thụt lề không khớp: dòng này lệch cột so với các khóa cùng cấp"
        hint = "các khóa cùng cấp phải thẳng cột, thụt lề bằng cùng số dấu cách"
        if shape.parent_of(error) is None:
            hint = "các khóa ở cấp ngoài cùng không thụt lề"
    if siblings is not None and siblings != found:
        what = "mục danh sách" if item else "dòng"
        message = f"thụt lề không khớp: {what} này thụt {found} dấu cách, các {'mục' if item else 'dòng'} cùng cấp thụt {siblings}"
    return Explanation((error + 1, report.problem_mark.column + 1), message, hint)


def _plain_start(text: str, mark: Any) -> int | None:
    """Return the line (0-based) where the plain value that runs into mark began."""
    last = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= mark.index:
                break
            last = token
    except yaml.YAMLError:
        pass
    if isinstance(last, yaml.ScalarToken) and last.plain:
        line: int = last.start_mark.line
        return line
    return None


def _runaway_quote(text: str, exc: yaml.MarkedYAMLError) -> tuple[int, int, str, int] | None:
    """Find a quoted value that ran past its line into the keys below, causing a later error."""
    start = exc.context_mark
    if "while scanning a quoted scalar" in (exc.context or "") and start is not None:
        lines = text.split("\n")
        indent = indent_of(lines[start.line])
        for offset, line in enumerate(lines[start.line + 1 :]):
            if swallowed_key(line, indent):
                return start.line + 1, start.column + 1, lines[start.line][start.column], start.line + offset + 2
        return None
    stop = exc.problem_mark or exc.context_mark
    if stop is None:
        return None
    error_line = stop.line
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.line > error_line:
                return None
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'") and token.end_mark.line > token.start_mark.line:
                lines = text.split("\n")
                indent = indent_of(lines[token.start_mark.line])
                for offset, line in enumerate(lines[token.start_mark.line + 1 : token.end_mark.line + 1]):
                    if swallowed_key(line, indent):
                        start = token.start_mark
                        return start.line + 1, start.column + 1, token.style, start.line + offset + 2
    except yaml.YAMLError:
        return None
    return None
