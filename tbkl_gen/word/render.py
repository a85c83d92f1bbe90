"""Render a laid-out notice through a Word template into the parts of a .docx.

The one home of jinja2 and docxtpl. A `PreparedTemplate` reads a template once: docxtpl cleans
the jinja tags that Word splits across runs, and each XML part that holds tags is compiled once
with our environment (autoescape on, StrictUndefined). Rendering a notice is then one jinja pass
per part and no re-parsing of the template, which is what makes batches fast.

Templates come from other offices by e-mail, so they are data, never code: the environment is a
sandbox that offers only the template contract (names, attributes of its objects, if/for, a few
filters), refuses everything else when the template is read, and bounds loops, output and time
while a notice renders. The template's zip is opened in one function, `read_template_package`.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import marshal
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.exceptions
import jinja2.nodes
import jinja2.parser
import jinja2.runtime
import jinja2.sandbox
import jinja2.visitor
from markupsafe import Markup

from tbkl_gen import __version__
from tbkl_gen.cache import own_folder

from tbkl_gen.notice.kinds import KINDS
from tbkl_gen.word import contract, template_repair, template_tags
from tbkl_gen.word.fill import (
    DEFAULT_TEMPLATE,
    MAX_NOTICE_CHARS,
    MAX_PART_CHARS,
    SHIPPED_SUFFIX,
    TEMPLATE_SUFFIX,
    Widths,
    assemble,
    builtin_template_names,
    builtin_templates_dir,
    context,
    final_section,
    find_template,
    keep_last_paragraph_with_closing,
    restarted_section,
    shipped_form,
)
from tbkl_gen.errors import NotReadable, TbklError, UnreadablePart, TemplateBroken, WordFileRefused
from tbkl_gen.files import read_regular, write_file
from tbkl_gen.nd30.units import WORD_CELL_MARGIN
from tbkl_gen.word.layout import Layout
from tbkl_gen.word.wordml import Drawn
from tbkl_gen.wordfile import open_word_file
from tbkl_gen.nd30.patterns import lazy

__all__ = [  # what callers read from here, defined in word.fill (no jinja)
    "DEFAULT_TEMPLATE",
    "SHIPPED_SUFFIX",
    "TEMPLATE_SUFFIX",
    "builtin_template_names",
    "builtin_templates_dir",
    "find_template",
    "keep_last_paragraph_with_closing",
    "restarted_section",
]

# Parts rendered through jinja; every other part is copied byte for byte.
_RENDERED = lazy(r"^(word/(document|header\d*|footer\d*)\.xml|docProps/core\.xml)$")

# Runs left empty where docxtpl replaced a tag: they carry nothing and only clutter the XML.
_EMPTY_RUN = lazy(r"<w:r>(?:<w:rPr>(?:(?!</w:rPr>).)*</w:rPr>)?<w:t(?: [^>]*)?></w:t></w:r>", re.DOTALL)


# The names a template receives: the template contract, declared once in `word.contract`
# (docs/template-contract.md lists it); the attributes a template may read of their values and of
# `loop` come from there too, the kinds' own keys among them as the registered kinds declare them.
CONTRACT: frozenset[str] = frozenset(variable.name for variable in contract.VARIABLES)


@lru_cache(maxsize=8)
def _attribute_names_of(kinds: tuple[str, ...]) -> frozenset[str]:
    return contract.attribute_names()


def _attribute_names() -> frozenset[str]:
    """Return the attributes a template may read (the own keys of the kinds registered now among them)."""
    return _attribute_names_of(tuple(KINDS))


_FILTERS = ("upper", "lower", "capitalize", "title", "trim", "length", "count", "first", "last", "e", "escape", "default", "d")
_TESTS = ("defined", "undefined", "none", "number", "string", "sequence", "eq", "ne", "lt", "gt", "le", "ge", "odd", "even", "in")
_STATEMENTS = ("if", "elif", "else", "endif", "for", "endfor")
# Limits on one notice: a template may loop and repeat, but not without end.
MAX_RANGE = 10_000
# Lists, tuples and strings a template builds (with "+", "~" or brackets) hold at most this many
# characters and items, counted through nested lists: `[['a'*10000]*10000]*10000` is a trillion.
# Printed, ten million is at most some 60 MB, past the limit of a part's output but not of memory.
MAX_VALUE = 10_000_000
MAX_LOOP_STEPS = 1_000_000
MAX_SECONDS = 10.0
# The built-in templates hold about 45 tags; jinja takes seconds to compile a hundred thousand.
MAX_TAGS = 2_000
# A tag of the contract is a few dozen characters (the built-in templates' longest: 40); jinja takes
# seconds to parse one tag of a few hundred thousand (`{{ 1+2+3+… }}`), before anything renders.
MAX_TAG_CHARS = 500
# Names, constants and operations in one tag: `{{ nguoi_ky.ho_ten if nguoi_ky.ho_ten is defined else '' }}`
# has 10. Compiling costs time for each one (and jinja's parser far more on a long chain).
MAX_TAG_NODES = 32
_COUNTED = "_tbkl_counted"  # the filter every loop's sequence goes through (not usable in a template)
_JOINED = "_tbkl_joined"  # what "~" becomes: the join, refused beyond MAX_VALUE
_BOUNDED = "_tbkl_bounded"  # what every list or tuple a template writes goes through
_CHECKED = "_tbkl_checked"  # what every comparison, filter and test goes through: the clock and the size
# How many items the walk of _weight takes between two looks at the clock (a few milliseconds).
_WEIGHT_CLOCK_STEPS = 1 << 14


class TemplateRefused(jinja2.TemplateSyntaxError):
    """A template asks for something the sandbox does not offer; the reason is for the user."""

    def __init__(self, reason: str, lineno: int) -> None:
        super().__init__(reason, lineno)
        self.reason = reason


class _RenderLimit(jinja2.TemplateRuntimeError):
    """A template went past a limit while rendering a notice; the reason is for the user."""


class _TimeUp(_RenderLimit):
    """A template used up the time of one notice (MAX_SECONDS)."""


@dataclass
class _Budget:
    """What is left to one notice's rendering: loop steps, characters, time."""

    deadline: float
    steps: int = MAX_LOOP_STEPS
    chars: int = MAX_NOTICE_CHARS

    @classmethod
    def start(cls) -> _Budget:
        return cls(time.monotonic() + MAX_SECONDS)

    def step(self) -> None:
        self.steps -= 1
        if self.steps < 0:
            raise _RenderLimit(f"vòng lặp chạy quá {MAX_LOOP_STEPS:,} lần".replace(",", "."))
        self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise _TimeUp(_too_slow())


def _too_slow() -> str:
    return f"điền mẫu quá {MAX_SECONDS:g} giây".replace(".", ",")


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("tbkl_budget", default=None)


def _check_time() -> None:
    """Stop the notice's rendering once its time is up (outside a rendering there is no clock)."""
    budget = _BUDGET.get()
    if budget is not None:
        budget.check_time()


def _checked(value: Any) -> Any:
    """Return value, after the clock is read and a string's size is checked.

    Every comparison, filter and test of a template goes through here (see _Rewrite), and every
    +, *, %, range, "~", list and loop step does the same in its own place: between two looks at
    the clock a template does only one operation, on values no larger than MAX_VALUE (a filter
    turning a list into text at most a few times that), which takes well under a second. Only
    a string can come out of an operation larger than its operands (`upper` of a list is its
    text): it is held to MAX_VALUE here, as "~" holds what it joins.
    """
    _check_time()
    if isinstance(value, str) and len(value) > MAX_VALUE:
        raise _RenderLimit("chuỗi trong mẫu quá lớn")
    return value


def _counted(sequence: Any) -> Iterator[Any]:
    """Yield the items of a loop's sequence, each one counted against the notice's budget."""
    budget = _BUDGET.get() or _Budget.start()
    for item in sequence:
        budget.step()
        yield item


def _bounded_range(*args: int) -> range:
    """Return range(*args), refused beyond MAX_RANGE items."""
    if not all(isinstance(arg, int) for arg in args):
        raise _RenderLimit("range chỉ nhận số nguyên")
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise _RenderLimit(f"range quá {MAX_RANGE:,} phần tử".replace(",", "."))
    return numbers


_SEQUENCES = (str, list, tuple)
_FLOAT_DIGITS = 24  # the longest a float prints: -1.2345678901234567e-300
_FREE_DIGITS = 4  # a number prints in this many digits for the item of its list it is counted as


def _weight(value: Any, limit: int) -> int:
    """Return the characters of value's strings, the items of its lists and the digits of its
    numbers (a range's bounds too) beyond the first four: about what printing value takes; stop
    past limit.

    A list repeated holds the same object many times, so its weight is what printing or
    comparing it costs, not the memory it takes. The walk stops as soon as limit is passed, so
    it costs at most limit steps.
    """
    total = 0
    pending = [value]
    walked = 0
    while pending and total <= limit:
        walked += 1
        if walked % _WEIGHT_CLOCK_STEPS == 0:
            _check_time()
        item = pending.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, list | tuple):
            total += len(item)
            pending.extend(item[: limit + 1])
        elif isinstance(item, dict):
            total += len(item)
            pending.extend(item.values())
        elif isinstance(item, range):  # printed as "range(start, stop, step)": a 4,000-bit start is 1,200 digits
            total += 1
            pending.extend((item.start, item.stop, item.step))
        elif isinstance(item, int):  # a 4,096-bit number is printed in 1,234 digits
            total += max(0, item.bit_length() * 3 // 10 + 1 - _FREE_DIGITS)
        elif isinstance(item, float):
            total += _FLOAT_DIGITS - _FREE_DIGITS
    return total


def _bounded(value: Any) -> Any:
    """Return a list or tuple a template wrote, refused beyond MAX_VALUE characters and items."""
    _check_time()
    if _weight(value, MAX_VALUE) > MAX_VALUE:
        raise _RenderLimit("danh sách trong mẫu quá lớn")
    return value


def _joined(values: tuple[Any, ...]) -> str:
    """Return what "~" makes of values (escaped as jinja does), refused beyond MAX_VALUE characters."""
    _check_time()
    if _weight(values, MAX_VALUE) > MAX_VALUE:
        raise _RenderLimit("phép “~” cho kết quả quá lớn")
    return jinja2.runtime.markup_join(values)


class _Rewrite(jinja2.visitor.NodeTransformer):
    """Route "~" and every list or tuple a template writes through the filters that bound them, and
    every comparison, filter and test through the one that reads the clock (_checked)."""

    def _checked(self, node: jinja2.nodes.Expr) -> jinja2.nodes.Node:
        self.generic_visit(node)
        return jinja2.nodes.Filter(node, _CHECKED, [], [], None, None, lineno=node.lineno)

    visit_Compare = visit_Filter = visit_Test = _checked

    def visit_Concat(self, node: jinja2.nodes.Concat) -> jinja2.nodes.Node:
        self.generic_visit(node)
        joined = jinja2.nodes.Tuple(node.nodes, "load", lineno=node.lineno)
        return jinja2.nodes.Filter(joined, _JOINED, [], [], None, None, lineno=node.lineno)

    def visit_List(self, node: jinja2.nodes.List) -> jinja2.nodes.Node:
        self.generic_visit(node)
        return jinja2.nodes.Filter(node, _BOUNDED, [], [], None, None, lineno=node.lineno)

    def visit_Tuple(self, node: jinja2.nodes.Tuple) -> jinja2.nodes.Node:
        self.generic_visit(node)
        if node.ctx != "load":
            return node  # a loop's target, not a value
        return jinja2.nodes.Filter(node, _BOUNDED, [], [], None, None, lineno=node.lineno)


class _Sandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """The sandbox: only the contract's names and attributes, no imports, bounded work."""

    intercepted_binops = frozenset({"*", "**", "%", "+", "-", "/", "//"})

    def __init__(self) -> None:
        # No optimizer: it folds constants by running filters while the template compiles (outside
        # any limit), and it visits a chain of n operations n²/2 times (`{{ 1+2+…+240 }}` in each
        # of 1,900 tags took hours to compile).
        super().__init__(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True, optimized=False)
        self.globals.clear()
        self.globals["range"] = _bounded_range
        filters = {name: self.filters[name] for name in _FILTERS}
        filters[_COUNTED] = _counted
        filters[_JOINED] = _joined
        filters[_BOUNDED] = _bounded
        filters[_CHECKED] = _checked
        self.filters = filters
        self.tests = {name: self.tests[name] for name in _TESTS}

    def _parse(self, source: str, name: str | None, filename: str | None) -> jinja2.nodes.Template:
        """Parse source and refuse whatever the sandbox does not offer, before any code is made."""
        try:
            tree: jinja2.nodes.Template = super()._parse(source, name, filename)
        except RecursionError:
            raise TemplateRefused("thẻ lồng nhau quá sâu", 1) from None
        try:
            _Policy(MAX_TAGS * MAX_TAG_NODES).check(tree, frozenset())
        except RecursionError:
            raise TemplateRefused("thẻ lồng nhau quá sâu", 1) from None
        tree = _Rewrite().visit(tree)
        for loop in tree.find_all(jinja2.nodes.For):
            loop.iter = jinja2.nodes.Filter(loop.iter, _COUNTED, [], [], None, None, lineno=loop.iter.lineno)
        return tree

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return False  # every allowed attribute is served by getattr below

    def is_safe_callable(self, obj: Any) -> bool:
        return obj is _bounded_range

    def call(self, context: jinja2.runtime.Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        """Call range (the only callable a template has), after a look at the clock."""
        _check_time()
        return super().call(context, obj, *args, **kwargs)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Return an attribute of the contract's objects or of `loop`; anything else is refused."""
        _check_time()
        if attribute in _attribute_names():
            if isinstance(obj, dict) and attribute in obj:
                return obj[attribute]
            if isinstance(obj, jinja2.runtime.LoopContext) and attribute in contract.LOOP:
                return getattr(obj, attribute)
        return self.unsafe_undefined(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        """Return x["ten"] as x.ten, and x[0] of a list or string; nothing else."""
        _check_time()
        if isinstance(argument, str):
            return self.getattr(obj, argument)
        if isinstance(argument, int) and isinstance(obj, _SEQUENCES):
            try:
                return obj[argument]
            except IndexError:
                pass
        return self.undefined(obj=obj, name=argument)

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        """Compute an arithmetic operation, refusing results that one operation would make huge.

        Each one reads the clock first: "-", "/" and "//" only ever take numbers (bounded by the
        checks on "*" and "**"), but every operation counts towards the notice's time.
        """
        _check_time()
        if operator in ("-", "/", "//"):
            return self.binop_table[operator](left, right)
        if operator == "+":
            if not isinstance(left, _SEQUENCES) and not isinstance(right, _SEQUENCES):
                return left + right
            if _weight(left, MAX_VALUE) + _weight(right, MAX_VALUE) <= MAX_VALUE:
                return left + right
        if operator == "%":
            if isinstance(left, str):  # printf formatting: "%999999999d" % 1 is a gigabyte
                raise _RenderLimit("phép “%” trên chuỗi không được dùng trong mẫu")
            return left % right
        if operator == "*":
            sequence, times = (left, right) if isinstance(left, _SEQUENCES) else (right, left)
            if not isinstance(sequence, _SEQUENCES):
                if _magnitude(left) + _magnitude(right) <= 4096:
                    return left * right
            elif isinstance(times, int) and _weight(sequence, MAX_RANGE) * max(times, 0) <= MAX_RANGE:
                return left * right
        if operator == "**" and _magnitude(left) <= 64 and isinstance(right, int | float) and abs(right) <= 64:
            return left**right
        raise _RenderLimit(f"phép tính “{operator}” cho kết quả quá lớn")


def _magnitude(value: Any) -> int:
    """Return the bits of a number (ints and floats), or a large figure for anything else."""
    if isinstance(value, bool | int):
        return int(value).bit_length()
    if isinstance(value, float):
        return 64
    return 1 << 20


class _Policy:
    """Walk a parsed template and refuse any node, name, attribute or filter outside the contract,
    and more than max_nodes nodes (names, constants, operations) in all."""

    def __init__(self, max_nodes: int) -> None:
        self.nodes_left = max_nodes

    _ALLOWED = (
        jinja2.nodes.Template,
        jinja2.nodes.Output,
        jinja2.nodes.TemplateData,
        jinja2.nodes.If,
        jinja2.nodes.For,
        jinja2.nodes.Const,
        jinja2.nodes.Name,
        jinja2.nodes.Getattr,
        jinja2.nodes.Getitem,
        jinja2.nodes.Compare,
        jinja2.nodes.Operand,
        jinja2.nodes.And,
        jinja2.nodes.Or,
        jinja2.nodes.Not,
        jinja2.nodes.Neg,
        jinja2.nodes.Pos,
        jinja2.nodes.Add,
        jinja2.nodes.Sub,
        jinja2.nodes.Mul,
        jinja2.nodes.Div,
        jinja2.nodes.FloorDiv,
        jinja2.nodes.Mod,
        jinja2.nodes.Pow,
        jinja2.nodes.Concat,
        jinja2.nodes.CondExpr,
        jinja2.nodes.Filter,
        jinja2.nodes.Test,
        jinja2.nodes.Keyword,
        jinja2.nodes.Call,
        jinja2.nodes.List,
        jinja2.nodes.Tuple,
    )

    def check(self, node: jinja2.nodes.Node, local: frozenset[str]) -> None:
        """Refuse node or anything under it; local holds the loop variables in scope."""
        refuse = self._refuse
        self.nodes_left -= 1
        if self.nodes_left < 0:
            refuse(node, _too_complex())
        if not isinstance(node, self._ALLOWED):
            refuse(node, _statement_refusal(node))
        if isinstance(node, jinja2.nodes.For):
            if node.recursive:
                refuse(node, "vòng lặp đệ quy (recursive) không được dùng trong mẫu")
            self.check(node.iter, local)
            targets = [node.target, *node.target.iter_child_nodes()]
            if not all(isinstance(n, jinja2.nodes.Name | jinja2.nodes.Tuple) for n in targets):
                refuse(node, "biến vòng lặp phải là tên")
            inner = local | {n.name for n in targets if isinstance(n, jinja2.nodes.Name)} | {"loop"}
            for child in (*node.body, *([node.test] if node.test is not None else [])):
                self.check(child, inner)
            for child in node.else_:
                self.check(child, local)
            return
        for child in node.iter_child_nodes():  # the innermost name first: "cycler", not the call around it
            self.check(child, local)
        if isinstance(node, jinja2.nodes.Name):
            if node.ctx == "load" and node.name not in CONTRACT and node.name not in local and node.name != "range":
                refuse(node, f"tên “{node.name}” không có trong hợp đồng mẫu")
        elif isinstance(node, jinja2.nodes.Getattr):
            if node.attr not in _attribute_names():
                refuse(node, f"thuộc tính “{node.attr}” không có trong hợp đồng mẫu")
        elif isinstance(node, jinja2.nodes.Getitem):
            key = node.arg
            if not (isinstance(key, jinja2.nodes.Const) and (isinstance(key.value, int) or key.value in _attribute_names())):
                refuse(node, "chỉ số [] chỉ được là số hoặc tên thuộc tính của hợp đồng mẫu")
        elif isinstance(node, jinja2.nodes.Filter):
            if node.name not in _FILTERS:
                refuse(node, f"bộ lọc “{node.name}” không được dùng trong mẫu")
            if node.dyn_args is not None or node.dyn_kwargs is not None:
                refuse(node, "bộ lọc không nhận *args, **kwargs")
        elif isinstance(node, jinja2.nodes.Test):
            if node.name not in _TESTS:
                refuse(node, f"phép thử “{node.name}” không được dùng trong mẫu")
        elif isinstance(node, jinja2.nodes.Call):
            if not (isinstance(node.node, jinja2.nodes.Name) and node.node.name == "range"):
                refuse(node, "mẫu chỉ được gọi hàm range")
            if node.kwargs or node.dyn_args is not None or node.dyn_kwargs is not None or len(node.args) > 3:
                refuse(node, "range nhận tối đa ba số")

    @staticmethod
    def _refuse(node: jinja2.nodes.Node, reason: str) -> None:
        raise TemplateRefused(reason, getattr(node, "lineno", 1) or 1)


def _statement_refusal(node: jinja2.nodes.Node) -> str:
    """Return why a node outside the allowed set is refused, named by the tag a user wrote."""
    words = {
        "Include": "include",
        "Import": "import",
        "FromImport": "from … import",
        "Extends": "extends",
        "Block": "block",
        "Macro": "macro",
        "CallBlock": "call",
        "Assign": "set",
        "AssignBlock": "set",
        "With": "with",
        "FilterBlock": "filter",
        "ScopedEvalContextModifier": "autoescape",
        "EvalContextModifier": "autoescape",
    }
    word = words.get(type(node).__name__)
    if word is not None:
        return f"lệnh “{word}” không được dùng trong mẫu (chỉ dùng if, for và biến của hợp đồng mẫu)"
    return f"cú pháp “{type(node).__name__}” không được dùng trong mẫu"


@lru_cache(maxsize=1)
def _checker() -> _Sandbox:
    """Return the environment whose parser reads single tags (parsing leaves it unchanged)."""
    return _Sandbox()


def make_environment() -> jinja2.Environment:
    """Return the jinja environment every template is rendered with: the sandbox.

    Autoescape on (`&` and `<` in a notice stay text) and StrictUndefined (a misspelt variable is
    an error, never a blank); only the contract's names, attributes of its objects, the filters in
    _FILTERS and if/for; every loop counted and every part's size bounded while it renders.
    """
    return _Sandbox()


@lru_cache(maxsize=4096)
def tag_refusal(tag: str, local: frozenset[str] = frozenset()) -> str | None:
    """Return why one tag, as docxtpl cleans it (`{{ x }}`, `{% if x %}`), is refused, or None.

    local holds the loop variables the template defines. Used by `tbkl check` to name the tag
    and where it sits.
    """
    inner = tag[2:-2].strip().removeprefix("-").removesuffix("-").strip()
    if tag.startswith("{#"):
        return None
    if tag.startswith("{{"):
        source = tag
    else:
        word = inner.split(maxsplit=1)[0] if inner else ""
        if word not in _STATEMENTS:
            known = {"include", "import", "from", "extends", "block", "macro", "call", "set", "with", "filter", "autoescape"}
            if word in known:
                return f"lệnh “{word}” không được dùng trong mẫu (chỉ dùng if, for và biến của hợp đồng mẫu)"
            return f"lệnh “{word}” không có trong mẫu (chỉ dùng if, elif, else, for và các lệnh end…)"
        rest = inner[len(word) :]
        source = {
            "if": f"{{% if {rest} %}}{{% endif %}}",
            "elif": f"{{% if 1 %}}{{% elif {rest} %}}{{% endif %}}",
            "for": f"{{% for {rest} %}}{{% endfor %}}",
        }.get(word, "")
    try:
        _Policy(MAX_TAG_NODES).check(jinja2.parser.Parser(_checker(), source).parse(), local)
    except TemplateRefused as exc:
        return exc.reason
    except jinja2.TemplateSyntaxError as exc:
        return f"sai cú pháp ({_without_offset(exc.message)})"
    except (ValueError, RecursionError, MemoryError):
        return "sai cú pháp"
    return None


def _without_offset(message: str | None) -> str:
    """Return jinja's message without the character offset its lexer adds, which no one sees in Word."""
    return re.sub(r" at \d+$", "", message or "")


def read_template_package(path: Path) -> tuple[str, dict[str, bytes]]:
    """Return the digest of a template's bytes and its parts by name, refusing unsafe packages.

    The one place where a template's zip is opened. A template may come from anyone: its size,
    zip, part names and sizes and its XML (UTF-8, no DTD, depth, element count) pass the limits
    of tbkl_gen.wordfile before anything parses it or copies a part into an output.
    """
    try:
        checked = open_word_file(path)
    except WordFileRefused as refusal:
        raise TemplateBroken(path, refusal.reason) from refusal
    return hashlib.sha256(checked.data).hexdigest(), checked.parts


class PreparedTemplate:
    """A Word template read and compiled once, ready to render many notices."""

    def __init__(self, path: Path) -> None:
        self.path = path
        digest, self.parts = read_template_package(path)
        key = _cache_key(digest)
        self.sources, self.widths, repaired = _cleaned(path, self.parts, key)
        self.parts.update((name, xml.encode("utf-8")) for name, xml in repaired.items())
        self.compiled = _compiled(path, self.sources, key)
        self.section = final_section(self.sources.get("word/document.xml", ""))
        self.too_slow: str | None = None
        """Why the template ran out of time on a notice: the next notices of a batch are refused at once."""

    def render_parts(self, layout: Layout) -> dict[str, bytes]:
        """Return every part of the rendered document, in the template's order.

        The notice's loops, characters and time are bounded (see _Budget): a template cannot
        keep a batch busy or fill the memory.
        """
        if self.too_slow is not None:
            raise TemplateBroken(self.path, self.too_slow)
        values = self.context(layout)
        budget = _Budget.start()
        token = _BUDGET.set(budget)

        def filled(name: str) -> str | None:
            template = self.compiled.get(name)
            return self._render_part(name, template, values, budget) if template is not None else None

        try:
            return assemble(self.parts, filled, layout)
        finally:
            _BUDGET.reset(token)

    def _render_part(self, name: str, template: jinja2.Template, context: dict[str, Any], budget: _Budget) -> str:
        """Return one part rendered, stopped as soon as it goes past a limit."""
        label = template_tags.part_label(name)
        pieces: list[str] = []
        chunk: list[str] = []
        size = 0
        try:
            for text in template.generate(context):
                size += len(text)
                budget.chars -= len(text)
                if size > MAX_PART_CHARS or budget.chars < 0:
                    raise _RenderLimit(f"kết quả vượt quá {MAX_PART_CHARS // 1_000_000} MB")
                budget.check_time()
                chunk.append(text)
                if len(chunk) == 1024:  # many small strings cost more memory than their text
                    pieces.append("".join(chunk))
                    chunk.clear()
        except jinja2.UndefinedError as exc:
            undefined = re.match(r"^'([^']*)' is undefined$", exc.message or "")  # jinja's words are English
            what = f"biến “{undefined.group(1)}”" if undefined else "một biến"
            raise TemplateBroken(self.path, f"{label}: {what} không có trong hợp đồng mẫu") from exc
        except jinja2.exceptions.SecurityError as exc:
            raise TemplateBroken(self.path, f"{label}: mẫu dùng thuộc tính hoặc hàm không được phép") from exc
        except _RenderLimit as exc:
            if isinstance(exc, _TimeUp):
                self.too_slow = f"{label}: {exc.message}"
            raise TemplateBroken(self.path, f"{label}: {exc.message}") from exc
        except jinja2.TemplateError as exc:
            raise TemplateBroken(self.path, f"{label}: {exc}") from exc
        except (ArithmeticError, TypeError, ValueError, LookupError, RecursionError, MemoryError) as exc:
            raise TemplateBroken(self.path, f"{label}: lỗi khi điền mẫu ({exc.__class__.__name__})") from exc
        pieces.append("".join(chunk))
        return "".join(pieces)

    def context(self, layout: Layout) -> dict[str, Any]:
        """Return the template variables for one notice (`word.contract`), the drawn XML as markupsafe's Markup."""
        found: dict[str, Any] = _as_markup(context(self.widths, self.section, layout))
        return found


def _as_markup(value: Any) -> Any:
    """Return value with each drawn piece of XML in it (`wordml.Drawn`, in dictionaries, lists and tuples at any
    depth) as markupsafe's Markup: what jinja's autoescape leaves as it is, and what a template's filters and
    operators keep marked (a user's template reads the very values it read before the filler had its own mark)."""
    if type(value) is Drawn:
        return Markup(value)
    if type(value) is dict:
        return {key: _as_markup(item) for key, item in value.items()}
    if type(value) in (list, tuple):
        return type(value)(_as_markup(item) for item in value)
    return value


def _parts_digest(parts: dict[str, bytes]) -> str:
    """Return the digest of the parts a template renders (the rest is copied as it is)."""
    digest = hashlib.sha256()
    for name in sorted(name for name in parts if _RENDERED.match(name)):
        digest.update(name.encode() + b"\0" + parts[name] + b"\0")
    return digest.hexdigest()


def _cache_key(template_digest: str) -> str:
    """Return what the cached forms of a template depend on: its bytes, this code, the version, the contract.

    A form cached for one template can never be taken for another: the key is the digest of the
    template's own bytes. The contract's attributes change with the kinds registered, and with them
    what a template may read: a template checked against other ones is checked again.
    """
    digest = hashlib.sha256(__version__.encode() + b"\0" + Path(__file__).read_bytes())
    digest.update(Path(contract.__file__).read_bytes())
    digest.update(" ".join(sorted(_attribute_names())).encode())
    digest.update(Path(template_tags.__file__).read_bytes())
    digest.update(Path(template_repair.__file__).read_bytes())
    digest.update(template_digest.encode())
    return digest.hexdigest()[:32]


def _cleaned(path: Path, parts: dict[str, bytes], key: str) -> tuple[dict[str, str], Widths, dict[str, str]]:
    """Return the template's parts with tags cleaned by docxtpl, the widths of its lines, and the
    other parts that preparation repaired (see template_repair; none for a built-in template).

    Both depend only on the template's bytes, so they are kept in the user's own cache folder: a
    later run with the same template skips importing docxtpl, python-docx and lxml altogether.
    The built-in templates ship with this prepared form in the package (`<name>.prepared.json`,
    written by templates/build_templates.py), so even the first run after installing skips them.
    A prepared form is code, so it is never read from beside a user's template.
    """
    cache = own_folder("mau")
    cache_file = cache / f"{key}.json" if cache is not None else None
    candidates = [cache_file] if cache_file is not None else []
    shipped = shipped_form(path)
    if shipped is not None:
        candidates.append(shipped)
    for candidate in candidates:
        try:
            raw = _read_own(candidate) if candidate is cache_file else candidate.read_bytes()
            cached = json.loads(raw.decode("utf-8"))
            if candidate is cache_file or cached["digest"] == _parts_digest(parts):
                return cached["sources"], Widths(*cached["widths"]), dict(cached.get("parts", {}))
        except (OSError, NotReadable, ValueError, KeyError, TypeError):
            pass
    form = prepared_form(path, parts)
    if cache_file is not None:
        try:
            write_file(cache_file, json.dumps(form).encode("utf-8"))
        except TbklError:
            pass  # a read-only home folder only costs speed
    return form["sources"], Widths(*form["widths"]), form.get("parts", {})


def _read_own(path: Path) -> bytes:
    """Return the bytes of a cache file that only this user could have written, else raise OSError.

    The cache folder is the user's own (`cache.own_folder`), but a file in it may still be writable
    by others (a umask of 000): such a file could hold someone else's code, so it is not read.
    """
    try:
        return read_regular(path, MAX_CACHED_BYTES, follow_links=False, own=True)
    except NotReadable as exc:
        raise OSError(f"{path}: {exc.reason}") from None


# A cached form is the template's cleaned XML (a few hundred kilobytes); a template passes the
# limits of tbkl_gen.wordfile (100 MB of parts in all), so its form is smaller still.
MAX_CACHED_BYTES = 128 * 1024 * 1024


def prepared_form(path: Path, parts: dict[str, bytes] | None = None) -> dict[str, Any]:
    """Return a template's prepared form: its parts' digest, its cleaned sources and line widths,
    and under "parts" the other parts repaired after an editor re-saved the template (only when
    there are some, so the forms of the built-in templates do not have the key).

    Every jinja tag is checked first, where a user sees it (part, table cell, paragraph): a tag
    outside the sandbox or left unclosed refuses the template with its text and place.
    """
    from docxtpl import DocxTemplate

    if parts is None:
        parts = read_template_package(path)[1]
    package = template_repair.repaired_package(parts)
    repaired = repaired_parts({**parts, **package})
    _refuse_bad_tags(path, repaired)
    cleaner = DocxTemplate(path)
    sources = {}
    for name, blob in repaired.items():
        xml = _unescaped_in_tags(cleaner.patch_xml(blob.decode("utf-8")))
        xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
        sources[name] = _EMPTY_RUN.sub("", xml)
    if sum(len(_TAG_START.findall(xml)) for xml in sources.values()) > MAX_TAGS:  # tags outside the text, too
        raise TemplateBroken(path, _too_many_tags())
    for name, xml in sources.items():
        if _longest_tag_refused(xml):
            raise TemplateBroken(path, f"{template_tags.part_label(name)}: {_too_long_tag()}")
    try:
        widths = _measure(repaired["word/document.xml"].decode("utf-8"))
    except Exception as exc:  # noqa: BLE001 - any unreadable XML is the template's fault
        raise TemplateBroken(path, "word/document.xml không đọc được") from exc
    form: dict[str, Any] = {"digest": _parts_digest(parts), "sources": sources, "widths": [widths.co_quan, widths.trich_yeu, widths.khan]}
    others = {name: blob.decode("utf-8") for name, blob in package.items() if name not in sources}
    if others:
        form["parts"] = others
    return form


def rendered_parts(parts: dict[str, bytes]) -> list[str]:
    """Return the names of the parts rendered through jinja (the rest is copied as it is)."""
    return sorted(name for name in parts if _RENDERED.match(name))


def repaired_parts(parts: dict[str, bytes]) -> dict[str, bytes]:
    """Return the parts rendered through jinja with their tags as jinja reads them.

    Word and LibreOffice rewrite the tags of a template an office has edited: split across runs,
    `&quot;` for `"`, smart quotes (see template_tags.repair_tags). The repair is made inside the
    tags only, before any tag is checked, so the sandbox judges the text it will compile.
    """
    return {name: template_tags.repair_tags(name, parts[name].decode("utf-8")).encode("utf-8") for name in rendered_parts(parts)}


# The inside of a tag once docxtpl has cleaned it; docxtpl unescapes "&lt;" and "&gt;" there, not "&amp;".
_TAG_INSIDE = lazy(r"(?<=\{[{%])(.*?)(?=[}%]\})")


def _unescaped_in_tags(xml: str) -> str:
    """Return xml with "&amp;" inside the tags written as the "&" jinja reads."""
    return _TAG_INSIDE.sub(lambda match: match.group().replace("&amp;", "&"), xml) if "&amp;" in xml else xml


def template_problems(parts: dict[str, bytes]) -> Iterator[tuple[template_tags.Tag, str]]:
    """Yield each tag of a template's rendered parts that cannot be used, with the reason."""
    count = 0
    for name, blob in repaired_parts(parts).items():
        try:
            tags = list(template_tags.find_tags(name, blob))
        except UnreadablePart:
            yield template_tags.Tag(name, template_tags.part_label(name), "", closed=True), "phần XML của mẫu bị hỏng"
            continue
        count += len(tags)
        if count > MAX_TAGS:
            yield template_tags.Tag(name, template_tags.part_label(name), "", closed=True), _too_many_tags()
            return
        for tag, local in template_tags.loop_scopes(tags):
            if not tag.closed:
                yield tag, f"thẻ chưa đóng (thiếu “{tag.closer}”)"
                continue
            if len(tag.text) > MAX_TAG_CHARS:
                yield tag, _too_long_tag()
                continue
            reason = tag_refusal(tag.cleaned, local)
            if reason is not None:
                yield tag, reason
        yield from template_tags.unbalanced_blocks(tags)


_TAG_START = lazy(r"\{[{%]")


def _too_many_tags() -> str:
    return f"mẫu có quá {MAX_TAGS:,} thẻ jinja".replace(",", ".")


def _too_complex() -> str:
    return f"thẻ có quá {MAX_TAG_NODES} tên, hằng và phép tính (thẻ của hợp đồng mẫu chỉ có vài cái)"


def _too_long_tag() -> str:
    return f"thẻ dài hơn {MAX_TAG_CHARS} ký tự (thẻ của hợp đồng mẫu chỉ dài vài chục ký tự)"


def _longest_tag_refused(xml: str) -> bool:
    """Tell whether a tag of a prepared part (in the text or not) runs past MAX_TAG_CHARS; at most
    MAX_TAG_CHARS characters are looked at for each tag."""
    for start in _TAG_START.finditer(xml):
        at = start.start()
        closer = "}}" if xml[at + 1] == "{" else "%}"
        if xml.find(closer, at + 2, at + MAX_TAG_CHARS) < 0:
            return True
    return False


def _refuse_bad_tags(path: Path, parts: dict[str, bytes]) -> None:
    for tag, reason in template_problems(parts):
        shown = f"thẻ “{tag.shown}”: " if tag.text else ""
        raise TemplateBroken(path, f"{tag.where}: {shown}{reason}")


def _compiled(path: Path, sources: dict[str, str], key: str) -> dict[str, jinja2.Template]:
    """Return the template's parts compiled by jinja in the sandbox.

    Jinja compiles a template into Python code; that code is cached the way jinja's own bytecode
    cache does it (marshal, so per Python and jinja version), in the user's own cache folder
    only, which spares a one-notice run the parsing and code generation.
    """
    environment = make_environment()
    tag = f"{sys.implementation.cache_tag}-jinja{jinja2.__version__}"
    cache = own_folder("mau")
    cache_file = cache / f"{key}-{tag}.code" if cache is not None else None
    try:
        if cache_file is None:
            raise ValueError("no cache")
        codes = marshal.loads(_read_own(cache_file))
        if not (isinstance(codes, dict) and codes.keys() == sources.keys()):
            raise ValueError("stale")
    except (OSError, ValueError, EOFError, TypeError):
        codes = {}
        for name, xml in sources.items():
            try:
                codes[name] = environment.compile(xml)
            except jinja2.TemplateSyntaxError as exc:
                label = template_tags.part_label(name)
                if isinstance(exc, TemplateRefused):
                    raise TemplateBroken(path, f"{label}: {_tag_at(xml, exc.lineno)}{exc.reason}") from exc
                if "end of template" in (exc.message or ""):
                    raise TemplateBroken(path, f"{label}: thiếu thẻ đóng (endif hoặc endfor) cho một thẻ if hoặc for") from exc
                reason = _without_offset(exc.message)
                raise TemplateBroken(path, f"{label}: {_tag_at(xml, exc.lineno)}thẻ jinja sai cú pháp: {reason}") from exc
            except (RecursionError, MemoryError, SyntaxError, ValueError) as exc:
                raise TemplateBroken(path, f"{template_tags.part_label(name)}: thẻ jinja lồng nhau quá sâu hoặc quá dài") from exc
        if cache_file is not None:
            try:
                write_file(cache_file, marshal.dumps(codes))
            except TbklError:
                pass  # a read-only home folder only costs speed
    template_globals = environment.make_globals(None)
    return {name: environment.template_class.from_code(environment, code, template_globals) for name, code in codes.items()}


def _tag_at(source: str, line: int | None) -> str:
    """Return "thẻ “…”: " for the tag on a line of a prepared part, or "" when there is not exactly one.

    Jinja says only the line, and a line is a whole paragraph: with two tags on it, naming the
    first could name the wrong one.
    """
    lines = source.splitlines()
    if line is None or not 0 < line <= len(lines):
        return ""
    tags = re.findall(r"\{[{%].*?[}%]\}", lines[line - 1])
    return f"thẻ “{tags[0]}”: " if len(tags) == 1 else ""


def _measure(document_xml: str) -> Widths:
    """Return the widths (twips) the computed lines are centred in, read from the template."""
    from lxml import etree

    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    root = etree.fromstring(document_xml.encode("utf-8"))
    sect = root.find(".//w:body/w:sectPr", ns)
    w = "{%s}" % ns["w"]
    page_width = 9071
    if sect is not None:
        size = sect.find("w:pgSz", ns)
        margins = sect.find("w:pgMar", ns)
        if size is not None and margins is not None:
            width, left, right = size.get(w + "w"), margins.get(w + "left"), margins.get(w + "right")
            if width is not None and left is not None and right is not None:  # Word's defaults otherwise
                page_width = int(width) - int(left) - int(right)

    def width_of(variable: str) -> int:
        for text in root.iterfind(".//w:t", ns):
            if text.text and variable in text.text:
                cell = next((a for a in text.iterancestors() if a.tag == w + "tc"), None)
                if cell is None:
                    return page_width
                cell_width = cell.find("w:tcPr/w:tcW", ns)
                twips = cell_width.get(w + "w") if cell_width is not None else None
                if cell_width is not None and twips is not None and cell_width.get(w + "type", "dxa") == "dxa":
                    return int(twips) - 2 * WORD_CELL_MARGIN
        return page_width

    return Widths(width_of("gach_co_quan"), width_of("gach_trich_yeu"), width_of("o_khan"))


def prepared(path: Path) -> PreparedTemplate:
    """Return the prepared template for path, read once per process while the file is unchanged."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise TemplateBroken(path, "không đọc được tệp mẫu") from exc
    return _prepared(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _prepared(path: Path, mtime_ns: int, size: int) -> PreparedTemplate:
    return PreparedTemplate(path)
