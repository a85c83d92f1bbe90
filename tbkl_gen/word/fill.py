"""Filling a prepared template, and the built-in templates filled without jinja.

What every template's rendering shares lives here, with no jinja: where the built-in templates are,
the context a notice renders with (`context`, from `word.contract` and the template's measures),
and what is done to the filled parts before they are packaged (`assemble`: the line breaks of
preparation undone, the paragraph before the closing block kept with it, each appendix numbering
its pages from 1, the footnotes added). `word.render` (jinja in a sandbox, for any template) calls
these.

A built-in template ships with its prepared form (`<name>.prepared.json`, written by
`templates/build_templates.py` from the .docx): the digest of the .docx's bytes (`file`), its
cleaned sources and the widths of its computed lines. While the .docx in the package's folder
still has the bytes that form was made from (`verified`), everything rendering would check in it
was checked when the form was built (the package's limits, every tag against the sandbox's
policy, the compile), so:

* `tbkl check` knows the template is usable from the digest alone, with no jinja and no Word
  machinery (`pipeline.usable`);
* rendering fills its sources with the few tags the built-in templates hold, `{{ a.b }}`,
  `{% if … %}` / `elif` / `else` (a name, `not` a name, a name `==` a quoted word) and
  `{% for x in a.b %}`, each value escaped as jinja's autoescape escapes it (markupsafe's `escape`, `_escaped`:
  tests/test_fill.py holds them equal) but the drawn XML (`wordml.Drawn`), printed as it is (`Filled`).
  A source with any other tag, or a value the filler does not expect (a missing key), is left to
  jinja: `render_builtin` returns None and the caller renders through `word.render`, which is the
  reference (tests hold both to the same bytes).

A copy of a built-in template anywhere else is a user's template: its form is never looked for
beside it, and it goes through jinja's sandbox like any other.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path, PureWindowsPath
from typing import TYPE_CHECKING, Any, Union

from tbkl_gen.errors import NotReadable, TemplateBroken, TemplateNotFound, TemplateOutside, WordFileRefused
from tbkl_gen.files import read_regular, sha256_hex
from tbkl_gen.nd30.patterns import lazy

if TYPE_CHECKING:
    from tbkl_gen.word.layout import Layout

DEFAULT_TEMPLATE = "ubnd-tinh"
TEMPLATE_SUFFIX = ".docx"
SHIPPED_SUFFIX = ".prepared.json"
# A built-in template is a few kilobytes; anything near this is not one of ours.
_MAX_BUILTIN_BYTES = 4 * 1024 * 1024
# Limits on one notice's output, whichever way a template is filled (`word.render` says them to the user).
MAX_PART_CHARS = 50_000_000
MAX_NOTICE_CHARS = 100_000_000

_FOOTNOTES = "word/footnotes.xml"
_CLOSING_MARK = '<w:pStyle w:val="TBKhoangCach"/>'


@lru_cache(maxsize=1)
def builtin_templates_dir() -> Path:
    """Return the folder of the built-in templates (resolved): `tbkl_gen/templates` installed, `templates/` in a checkout."""
    here = Path(__file__).resolve().parents[1]
    installed = here / "templates"
    return installed if installed.is_dir() else here.parent / "templates"


def shipped_form(path: Path) -> Path | None:
    """Return the prepared form shipped with a built-in template, or None for any other file.

    Asked for every notice a batch renders: a path in the folder itself (what `find_template`
    gives, resolved) is answered without resolving it again.
    """
    form = _FORMS.get(path)
    if form is not None:
        return form
    if path.suffix != TEMPLATE_SUFFIX:
        return None
    folder = builtin_templates_dir()
    if path.parent != folder:
        try:
            if path.resolve() != (folder / path.name).resolve():
                return None
        except OSError:
            return None
        return folder / (path.stem + SHIPPED_SUFFIX)  # through a link: asked again each time
    form = folder / (path.stem + SHIPPED_SUFFIX)
    if len(_FORMS) < 64:
        _FORMS[path] = form  # a path in the folder itself names its form for good: no Path made each time
    return form


_FORMS: dict[Path, Path] = {}


def builtin_template_names() -> list[str]:
    return sorted(p.stem for p in builtin_templates_dir().glob(f"*{TEMPLATE_SUFFIX}"))


def find_template(
    name_or_path: str | Path | None,
    workspace_templates: Path | None = None,
    *,
    written_in: Path | None = None,
    boundary: Path | None = None,
) -> Path:
    """Return the template file: a workspace template or a built-in one by name, or a .docx path.

    A name has no folder in it. A .docx path from the command line (written_in None) may be any
    file; one written in a notice or in tbkl.yaml is taken relative to written_in, the folder of
    that file, and may not leave boundary (the workspace, or the notice's folder outside one):
    a template that runs in every notice is named by the office, not by a file from elsewhere.
    """
    from tbkl_gen.wordfile import refuse_unless_regular

    name = str(name_or_path or DEFAULT_TEMPLATE)
    if name.endswith(TEMPLATE_SUFFIX):
        candidate = Path(name) if written_in is None else _inside(name, written_in, boundary or written_in)
        if candidate.is_file():
            return candidate
        try:
            refuse_unless_regular(candidate)
        except WordFileRefused as exc:
            raise TemplateBroken(candidate, exc.reason) from None
    elif not _PLAIN_NAME.match(name) or name in (".", ".."):
        raise TemplateOutside(name, "tên mẫu không được chứa thư mục; đường dẫn tới tệp mẫu phải kết thúc bằng .docx")
    else:
        for folder in (workspace_templates, builtin_templates_dir()):
            if folder is not None and folder is workspace_templates:
                try:
                    refuse_unless_regular(folder / f"{name}{TEMPLATE_SUFFIX}")
                except WordFileRefused as exc:
                    raise TemplateBroken(folder / f"{name}{TEMPLATE_SUFFIX}", exc.reason) from None
            if folder is not None and (folder / f"{name}{TEMPLATE_SUFFIX}").is_file():
                if folder is workspace_templates:
                    _inside_templates(name, folder)
                return folder / f"{name}{TEMPLATE_SUFFIX}"
    known = builtin_template_names()
    if workspace_templates is not None and workspace_templates.is_dir():
        known = sorted({*known, *(p.stem for p in workspace_templates.glob(f"*{TEMPLATE_SUFFIX}"))})
    raise TemplateNotFound(name, known)


_PLAIN_NAME = lazy(r"^[^/\\:]+$")


def _inside_templates(name: str, folder: Path) -> None:
    """Refuse a workspace template that is a link leading out of the workspace (folder's parent).

    A workspace may come from someone else: a link templates/x.docx to a document elsewhere on
    the machine would copy that document's parts into every notice rendered with it.
    """
    target = (folder / f"{name}{TEMPLATE_SUFFIX}").resolve()
    if not target.is_relative_to(folder.resolve().parent):
        raise TemplateOutside(name, "là liên kết tới tệp nằm ngoài thư mục làm việc; hãy chép tệp mẫu vào templates/")


def _inside(name: str, folder: Path, boundary: Path) -> Path:
    """Return the template path name written in a file of folder, refused outside boundary."""
    what = "thư mục làm việc" if (boundary / "tbkl.yaml").is_file() else "thư mục của thông báo"
    hint = f"chỉ dùng mẫu có sẵn, mẫu trong templates/ hoặc tệp .docx trong {what}; mẫu ở nơi khác dùng được qua --template"
    if Path(name).is_absolute() or PureWindowsPath(name).drive or PureWindowsPath(name).root:
        raise TemplateOutside(name, f"là đường dẫn tuyệt đối; {hint}")
    target = (folder / name).resolve()
    if not target.is_relative_to(boundary.resolve()):
        raise TemplateOutside(name, f"nằm ngoài {what}; {hint}")
    return target


class Widths:
    """The widths (twips) the computed lines are centred in, read from the template.

    This module's classes are plain, not dataclasses: each dataclass costs a cold start the
    compiling of its methods (about half a millisecond for a frozen one), and these need none.
    """

    __slots__ = ("co_quan", "khan", "trich_yeu")

    def __init__(self, co_quan: int, trich_yeu: int, khan: int) -> None:
        self.co_quan = co_quan
        self.trich_yeu = trich_yeu
        self.khan = khan


# --- the context and the finishing of the parts, for every template ------------------------------


def context(widths: Widths, section: str, layout: Layout, only: frozenset[str] | None = None) -> dict[str, Any]:
    """Return the template variables for one notice (`word.contract`), drawn to the template's measures;
    only, when given, the variables of those names (the others are not built)."""
    from tbkl_gen.word import contract, wordml

    frame = contract.Frame(widths.co_quan, widths.trich_yeu, widths.khan, wordml.section_break(restarted_section(section)))
    return contract.context(layout, frame, only)


def assemble(parts: dict[str, bytes], filled: Callable[[str], str | None], layout: Layout) -> dict[str, bytes]:
    """Return every part of the rendered document, in the template's order.

    filled(name) returns a rendered part's filled XML, or None for a part copied as it is.
    """
    out: dict[str, bytes] = {}
    for name, blob in parts.items():
        xml = filled(name)
        if xml is not None:
            xml = _BREAK_BEFORE_PARAGRAPH.sub("", xml)  # undo the line breaks of preparation
            if name == "word/document.xml":
                xml = keep_last_paragraph_with_closing(xml)
                if layout.appendices:
                    xml = _restart_last_section(xml)
            out[name] = xml.encode("utf-8")
        elif name == _FOOTNOTES and layout.footnotes:
            from tbkl_gen.word import wordml

            notes = "".join(wordml.footnote(note) for note in layout.footnotes)
            out[name] = blob.replace(b"</w:footnotes>", notes.encode("utf-8") + b"</w:footnotes>")
        else:
            out[name] = blob
    return out


# A line break right before a paragraph ("<w:p " or "<w:p>"): one pass over a filled part, where
# `.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")` made two (18 against 36 us a notice;
# tests/test_fill.py holds both equal).
_BREAK_BEFORE_PARAGRAPH = lazy(r"\n(?=<w:p[ >])")


def keep_last_paragraph_with_closing(xml: str) -> str:
    """Return xml with the paragraph before the closing block kept on its page.

    The closing table (recipients and signer) never splits, so without this Word and LibreOffice
    may push it alone onto a last page with no text of the notice above the signature.
    """
    mark = xml.find(_CLOSING_MARK)
    if mark < 0:
        return xml
    end = _paragraph_start_before(xml, mark)
    start = _paragraph_start_before(xml, end) if end > 0 else -1
    if start < 0:
        return xml
    paragraph = xml[start:end]
    if "<w:keepNext/>" in paragraph or "<w:pStyle " not in paragraph:
        return xml
    style_end = paragraph.index("/>", paragraph.index("<w:pStyle ")) + 2
    return xml[:start] + paragraph[:style_end] + "<w:keepNext/>" + paragraph[style_end:] + xml[end:]


def _paragraph_start_before(xml: str, end: int) -> int:
    """Return where the last paragraph ("<w:p>" or "<w:p …>") opening before end starts, or -1."""
    # Back from end over "<w:p", skipping "<w:pPr>" and the like. Not the larger of
    # `rfind("<w:p ")` and `rfind("<w:p>")`: the built-in templates open every paragraph with
    # "<w:p>", so the first search went back through the whole document each time (46 against
    # 3 us a notice; tests/test_fill.py holds both equal).
    start = xml.rfind("<w:p", 0, end)
    while start >= 0 and not xml.startswith(("<w:p ", "<w:p>"), start, end):
        start = xml.rfind("<w:p", 0, start)
    return start


_SECTION = lazy(r"<w:sectPr\b(?:(?!<w:sectPr\b).)*?</w:sectPr>", re.DOTALL)
# The elements a w:sectPr may hold after w:pgNumType, in the schema's order: it goes before the first.
_AFTER_PAGE_NUMBERS = (
    "<w:cols",
    "<w:formProt",
    "<w:vAlign",
    "<w:noEndnote",
    "<w:titlePg",
    "<w:textDirection",
    "<w:bidi",
    "<w:rtlGutter",
    "<w:docGrid",
    "<w:printerSettings",
    "<w:sectPrChange",
    "</w:sectPr>",
)


def final_section(document_xml: str) -> str:
    """Return the document's last w:sectPr (the one the body ends with), or a plain A4 one."""
    found = _SECTION.findall(document_xml)
    if not found:
        return "<w:sectPr></w:sectPr>"
    return str(found[-1])


def restarted_section(section: str) -> str:
    """Return section with its page numbers starting at 1: each appendix numbers its pages on its own."""
    if "<w:pgNumType" in section:
        return re.sub(r"<w:pgNumType\b[^>]*?/?>", lambda m: _with_start(m.group(0)), section, count=1)
    cut = min((i for i in (section.find(tag) for tag in _AFTER_PAGE_NUMBERS) if i >= 0), default=len(section))
    return section[:cut] + '<w:pgNumType w:start="1"/>' + section[cut:]


def _with_start(element: str) -> str:
    element = re.sub(r'\sw:start="[^"]*"', "", element)
    return element.replace("<w:pgNumType", '<w:pgNumType w:start="1"', 1)


def _restart_last_section(xml: str) -> str:
    """Return the rendered document with its last section (the last appendix) numbering pages from 1."""
    matches = list(_SECTION.finditer(xml))
    if not matches:
        return xml
    last = matches[-1]
    return xml[: last.start()] + restarted_section(last.group(0)) + xml[last.end() :]


# --- the built-in templates ----------------------------------------------------------------------


class Builtin:
    """A built-in template whose bytes are those its shipped form was made from: its cleaned
    sources (jinja's text) by part name, every part of its package in order (b"" for a part
    filled from its source), the widths of its computed lines."""

    __slots__ = ("package", "path", "sources", "widths")

    def __init__(self, path: Path, sources: dict[str, str], package: dict[str, bytes], widths: Widths) -> None:
        self.path = path
        self.sources = sources
        self.package = package
        self.widths = widths


def verified(path: Path) -> Builtin | None:
    """Return the built-in template at path with its shipped form, or None when path is no built-in
    template or its bytes are not those the form was made from (a form built before the .docx
    changed, a file edited in place): such a template is read and checked as any other."""
    form_path = shipped_form(path)
    if form_path is None:
        return None
    try:
        status = path.stat()
    except OSError:
        return None
    return _verified(path, form_path, status.st_mtime_ns, status.st_size)


@lru_cache(maxsize=16)
def _verified(path: Path, form_path: Path, mtime_ns: int, size: int) -> Builtin | None:
    try:
        data = read_regular(path, _MAX_BUILTIN_BYTES)
        form = json.loads(read_regular(form_path, _MAX_BUILTIN_BYTES).decode("utf-8"))
        if form["file"] != sha256_hex(data) or "parts" in form:
            return None
        sources = form["sources"]
        widths = Widths(*form["widths"])
        package = {name: b"" if text is None else text.encode("utf-8") for name, text in form["package"]}
    except (NotReadable, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not (isinstance(sources, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in sources.items())):
        return None
    if not all(isinstance(name, str) for name in package) or sources.keys() != {name for name, text in form["package"] if text is None}:
        return None
    return Builtin(path, sources, package, widths)


def ready_builtin(template: Path) -> bool:
    """Read a built-in template's form and package once, and import what filling needs (a batch's
    forked workers inherit both); return whether `render_builtin` fills it (else jinja does)."""
    from tbkl_gen.word import contract, wordml  # noqa: F401

    builtin = verified(template)
    return builtin is not None and _filled(builtin) is not None


def render_builtin(template: Path, layout: Layout) -> dict[str, bytes] | None:
    """Return the parts of a notice's document through a built-in template, without jinja; None when
    template is no verified built-in template, holds a tag outside the few `Filled` reads, or the
    notice's values are not what the filler expects: the caller then renders through jinja."""
    builtin = verified(template)
    if builtin is None:
        return None
    filled = _filled(builtin)
    if filled is None:
        return None
    values = context(builtin.widths, filled.section, layout, filled.names)
    try:
        xml = {name: filler.fill(values) for name, filler in filled.parts.items()}
    except _Unexpected:
        return None
    if max(map(len, xml.values()), default=0) > MAX_PART_CHARS or sum(map(len, xml.values())) > MAX_NOTICE_CHARS:
        return None  # refused by jinja's path, in its words
    return assemble(filled.package, xml.get, layout)


class _Prepared:
    """A built-in template ready to fill: its parts read, its package's parts, its last section."""

    __slots__ = ("names", "package", "parts", "section")

    def __init__(self, parts: dict[str, Filled], package: dict[str, bytes], section: str) -> None:
        self.parts = parts
        self.package = package
        self.section = section
        # the names the parts read (a loop's own names among them): only their values are built
        # for each notice; a name read and not built is missing alike in the whole context
        self.names = frozenset(name for part in parts.values() for name in _names(part.nodes))


@lru_cache(maxsize=16)
def _filled(builtin: Builtin) -> _Prepared | None:
    """Return the template's parts ready to fill, or None when a source holds a tag Filled does not read."""
    try:
        parts = {name: Filled(source) for name, source in builtin.sources.items()}
    except _Unexpected:
        return None
    return _Prepared(parts, builtin.package, final_section(builtin.sources.get("word/document.xml", "")))


class _Unexpected(Exception):
    """A tag or a value the filler does not read: jinja renders this template or notice."""


# A tag (over lines too), or the start of a comment; the text between them is printed as it is.
_TAG = lazy(r"\{\{(.*?)\}\}|\{%(.*?)%\}|\{#", re.DOTALL)
_OPENERS = ("{{", "{%", "{#")
_PATH = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
_OUTPUT = lazy(rf" ?({_PATH}) ?")
_STATEMENT = lazy(
    rf" ?(?:(if|elif) (not )?({_PATH})(?: == \"([^\"\\{{}}%]*)\")?|(else|endif|endfor)|for ([A-Za-z_][A-Za-z0-9_]*) in ({_PATH})) ?"
)
# Names jinja reads as constants, operators or its own objects, never as the context's values.
_NOT_NAMES = frozenset({"true", "false", "none", "True", "False", "None", "not", "and", "or", "in", "is", "if", "else", "loop", "range"})

_Path = tuple[str, ...]
if TYPE_CHECKING:  # only annotations name it: made at run time, its quoted names were compiled (typing.ForwardRef), see kind.py
    _Node = Union[str, "_Out", "_If", "_For", "_Switch"]


class _Out:
    """`{{ path }}`: the value printed, escaped."""

    __slots__ = ("path",)

    def __init__(self, path: _Path) -> None:
        self.path = path


class _Cond:
    """An if's condition: a value's truth, or its equality to a word; negated by `not`."""

    __slots__ = ("equals", "negated", "path")

    def __init__(self, negated: bool, path: _Path, equals: str | None) -> None:
        self.negated = negated
        self.path = path
        self.equals = equals


class _If:
    """`{% if %}…{% elif %}…{% else %}…{% endif %}`: each branch's condition (None: else) and body, in order."""

    __slots__ = ("branches",)

    def __init__(self, branches: tuple[tuple[_Cond | None, tuple[_Node, ...]], ...]) -> None:
        self.branches = branches


class _Switch:
    """An if whose branches each compare one path to a word (`{% if doan.kieu == "doan" %}…{% elif
    doan.kieu == "muc" %}…`, one branch for each kind of body paragraph), and maybe an else: the
    value is read once and the branch of its word found at once, not each condition tried in turn.
    The output is the if's: a text equals one word at most (the first branch of a word repeated
    wins, as in the if); a value that is not a text is left to the if itself."""

    __slots__ = ("bodies", "if_", "other", "path")

    def __init__(self, path: _Path, if_: _If) -> None:
        self.path = path
        self.if_ = if_
        self.bodies: dict[str, tuple[_Node, ...]] = {}
        self.other: tuple[_Node, ...] = ()
        for condition, body in if_.branches:
            if condition is None:
                self.other = body
            else:
                assert condition.equals is not None
                self.bodies.setdefault(condition.equals, body)


def _names(nodes: tuple[_Node, ...]) -> Iterator[str]:
    """Yield the first name of every path nodes read, in loops and branches too."""
    for node in nodes:
        if isinstance(node, _Out):
            yield node.path[0]
        elif isinstance(node, _If | _Switch):
            branches = node.branches if isinstance(node, _If) else node.if_.branches
            for condition, body in branches:
                if condition is not None:
                    yield condition.path[0]
                yield from _names(body)
        elif isinstance(node, _For):
            yield node.path[0]
            yield from _names(node.body)


def _switched(node: _If) -> _If | _Switch:
    """Return an if as a `_Switch` when it is one: two or more branches comparing one path to words, an else last or none."""
    conditions = [condition for condition, _ in node.branches if condition is not None]
    if len(conditions) < 2 or any(condition is None for condition, _ in node.branches[:-1]):
        return node
    path = conditions[0].path
    if any(condition.negated or condition.equals is None or condition.path != path for condition in conditions):
        return node
    return _Switch(path, node)


class _For:
    """`{% for name in path %}…{% endfor %}`."""

    __slots__ = ("body", "name", "path")

    def __init__(self, name: str, path: _Path, body: tuple[_Node, ...]) -> None:
        self.name = name
        self.path = path
        self.body = body


class Filled:
    """One prepared part of a built-in template, read into text, values, conditions and loops."""

    def __init__(self, source: str) -> None:
        if "\r" in source:  # jinja would turn "\r\n" into "\n" in the text; not ours to imitate
            raise _Unexpected
        self.nodes = self._block(_Reader(source), ())

    def fill(self, values: dict[str, Any]) -> str:
        """Return the part filled with one notice's values (raise _Unexpected on a value jinja would refuse)."""
        from tbkl_gen.word.wordml import Drawn  # not at the top: a check imports this module, never the layout

        out: list[str] = []
        _fill(self.nodes, values, out, Drawn)
        return "".join(out)

    def _block(self, reader: _Reader, ends: tuple[str, ...]) -> tuple[_Node, ...]:
        nodes: list[_Node] = []
        for token in reader:
            if isinstance(token, str):
                nodes.append(token)
            elif token[0] == "out":
                nodes.append(_Out(token[1]))
            elif token[0] in ends:
                reader.back(token)
                return tuple(nodes)
            elif token[0] == "if":
                nodes.append(_switched(self._if(reader, token)))
            elif token[0] == "for":
                body = self._block(reader, ("endfor",))
                if next(reader, None) != ("endfor",):
                    raise _Unexpected
                nodes.append(_For(token[1], token[2], body))
            else:
                raise _Unexpected  # an elif, else or end without its opening
        if ends:
            raise _Unexpected  # the template ended inside a block
        return tuple(nodes)

    def _if(self, reader: _Reader, first: tuple[Any, ...]) -> _If:
        branches: list[tuple[_Cond | None, tuple[_Node, ...]]] = []
        token: tuple[Any, ...] | None = first
        while token is not None and token[0] != "endif":
            if token[0] in ("if", "elif"):
                condition: _Cond | None = _Cond(token[1], token[2], token[3])
            elif token[0] == "else" and branches and branches[-1][0] is not None:
                condition = None
            else:
                raise _Unexpected
            branches.append((condition, self._block(reader, ("elif", "else", "endif"))))
            following = next(reader, None)
            token = following if isinstance(following, tuple) else None
        if token is None:
            raise _Unexpected
        return _If(tuple(branches))


class _Reader:
    """The tokens of a source: text, ("out", path), ("if"|"elif", negated, path, equals), ("else",), ("for", name, path), ("endif",), ("endfor",)."""

    def __init__(self, source: str) -> None:
        self._tokens = self._read(source)
        self._back: list[tuple[Any, ...]] = []

    def __iter__(self) -> _Reader:
        return self

    def __next__(self) -> str | tuple[Any, ...]:
        return self._back.pop() if self._back else next(self._tokens)

    def back(self, token: tuple[Any, ...]) -> None:
        self._back.append(token)

    @staticmethod
    def _read(source: str) -> Iterator[str | tuple[Any, ...]]:
        at = 0
        for match in _TAG.finditer(source):
            if match.start() > at:
                yield _text(source[at : match.start()])
            at = match.end()
            output, statement = match.group(1), match.group(2)
            if output is None and statement is None:
                raise _Unexpected  # a comment
            if output is not None:
                read = _OUTPUT.fullmatch(output)
                if read is None:
                    raise _Unexpected
                yield ("out", _path(read.group(1)))
                continue
            read = _STATEMENT.fullmatch(statement)
            if read is None:
                raise _Unexpected
            opening, negated, path, equals, closing, loop, sequence = read.groups()
            if opening is not None:
                yield (opening, negated is not None, _path(path), equals)
            elif closing is not None:
                yield (closing,)
            else:
                if loop in _NOT_NAMES:
                    raise _Unexpected
                yield ("for", loop, _path(sequence))
        if at < len(source):
            yield _text(source[at:])


def _text(text: str) -> str:
    """Return text between tags, refused when it opens a tag that never closes (jinja says why)."""
    if any(opener in text for opener in _OPENERS):
        raise _Unexpected
    return text


def _path(text: str) -> _Path:
    names = tuple(text.split("."))
    if names[0] in _NOT_NAMES:
        raise _Unexpected
    return names


def _value(path: _Path, values: dict[str, Any]) -> Any:
    """Return the value at path, as the sandbox gives it: a name, then keys of dictionaries only."""
    try:
        value = values[path[0]]
        for key in path[1:]:
            if not isinstance(value, dict):
                raise _Unexpected
            value = value[key]
    except KeyError:
        raise _Unexpected from None
    return value


def _holds(condition: _Cond, values: dict[str, Any]) -> bool:
    value = _value(condition.path, values)
    held = bool(value == condition.equals) if condition.equals is not None else bool(value)
    return held != condition.negated


_NOTHING = object()


def _escaped(value: Any) -> str:
    """Return value as jinja's autoescape prints it: markupsafe's `escape` (a value with `__html__` is its own
    text, anything else made text with `&`, `<`, `>`, `'` and `"` escaped), without importing markupsafe
    (~1.5 ms of a cold render; tests/test_fill.py holds the two equal)."""
    if type(value) is str:
        text: str = value
    else:
        html = getattr(value, "__html__", None)
        if html is not None:
            return str(html())
        text = str(value)
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;").replace('"', "&#34;")


def _fill(nodes: tuple[_Node, ...], values: dict[str, Any], out: list[str], drawn: type[str]) -> None:
    """Append the text of nodes filled with values to out: each value escaped as jinja's autoescape escapes it,
    but the drawn XML (drawn: `wordml.Drawn`), which is its own escaped text and goes in as it is."""
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, _Out):
            value = _value(node.path, values)
            out.append(value if type(value) is drawn else _escaped(value))
        elif isinstance(node, _If):
            for condition, body in node.branches:
                if condition is None or _holds(condition, values):
                    _fill(body, values, out, drawn)
                    break
        elif isinstance(node, _Switch):
            value = _value(node.path, values)
            if type(value) is str:
                _fill(node.bodies.get(value, node.other), values, out, drawn)
            else:
                _fill((node.if_,), values, out, drawn)
        else:
            sequence = _value(node.path, values)
            if not isinstance(sequence, list | tuple):
                raise _Unexpected
            # the loop's name set in the values themselves (not in a copy of them for each item),
            # and what it hid put back after the loop, whatever happens
            name, hidden = node.name, values.get(node.name, _NOTHING)
            try:
                for item in sequence:
                    values[name] = item
                    _fill(node.body, values, out, drawn)
            finally:
                if hidden is _NOTHING:
                    values.pop(name, None)
                else:
                    values[name] = hidden
