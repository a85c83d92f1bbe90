"""`tbkl lsp`: a language server for notice sources and `tbkl.yaml`, over the pipeline.

An editor (VS Code, Neovim, Helix, Emacs…) starts `tbkl lsp` and talks the Language Server
Protocol over stdin/stdout (pygls). On every change of a notice the editor's unsaved text goes
through `pipeline.run` (checking only), over the workspace's defaults — those of `tbkl.yaml` as
the editor holds it when it is open — so the editor shows `tbkl check`'s problems, on the same
lines and columns, while one types. `tbkl.yaml` itself gets the workspace's problems.

Each diagnostic names the field by its label (the declaration's, `notice.paths.label`) before
`tbkl check`'s Vietnamese message. A problem that carries its one right fix (`Problem.fix`,
made by the check that found it) is offered as a quick fix: the fix is applied to the text by the
same writer as `tbkl check --fix` and the page (`service.yamlsave.fixed`), and the editor receives
the changed lines. Completion offers the keys the declaration allows where the cursor is (none
already written there), the authority prefixes of the decree for signer lines and the
workspace's recipients; hover shows a key's label, description and example with the decree's
part it fills.

pygls is an optional extra (`pip install "tbkl-gen[lsp]"`); only this module imports it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from tbkl_gen.errors import Problem, Severity
from tbkl_gen.files import read_regular_or_none
from tbkl_gen.nd30 import authority
from tbkl_gen.notice import fields as declaration
from tbkl_gen.notice import paths as notice_paths
from tbkl_gen.notice.model import Notice
from tbkl_gen.pipeline import problems_of_workspace, run
from tbkl_gen.source.places import span_end
from tbkl_gen.source.read import MAX_SOURCE_BYTES
from tbkl_gen.source.workspace import CONFIG_DOCS, CONFIG_KEYS, CONFIG_NAME, Workspace, find_config, read_workspace

SOURCE = "tbkl"

# --- the editor's documents -> problems --------------------------------------------------------------


def path_of(uri: str) -> Path:
    """Return the file a `file:` URI names (an unsaved document keeps its URI's path)."""
    parsed = urlparse(uri)
    path = unquote(parsed.path)
    if re.match(r"^/[A-Za-z]:", path):  # file:///C:/… on Windows
        path = path[1:]
    return Path(path)


def is_config(path: Path) -> bool:
    return path.name == CONFIG_NAME


def workspace_for(path: Path, open_text: Callable[[Path], str | None]) -> Workspace | None:
    """Return the workspace of a file, its `tbkl.yaml` read from the editor when it is open there."""
    config = find_config(path.parent) if path.parent.exists() else None
    if config is None:
        return None
    return read_workspace(config, open_text(config))


def problems_of(path: Path, text: str, open_text: Callable[[Path], str | None]) -> list[Problem]:
    """Return what `tbkl check` says of this file, for the text the editor holds.

    For a notice: its own problems (those it inherits are shown in `tbkl.yaml`); for `tbkl.yaml`:
    the workspace's problems and its template's.
    """
    if is_config(path):
        office = read_workspace(path, text)
        found = problems_of_workspace(office)
        # what every notice inherits from the defaults (`dia_dahn:`, a sample signer): `tbkl check`
        # says it once, at tbkl.yaml's line; an empty notice over the defaults finds it here
        inherited = run("{}\n", office.notices_dir / "_.yaml", office, until="check")
        found += [p for p in inherited.notice_problems if p.place.file == path and p not in found]
        return [p for p in found if p.place.file in (None, path)]
    workspace = workspace_for(path, open_text)
    outcome = run(text, path, workspace, until="check")
    return [p for p in outcome.notice_problems if p.place.file in (None, path)]


def field_parts(field: str) -> tuple[Any, ...]:
    """Return a problem's field (`noi_dung[2].khoan`) as a path: `("noi_dung", 1, "khoan")`."""
    parts: list[Any] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", field):
        parts.append(int(index) - 1 if index else name)
    return tuple(parts)


def label_of(field: str, config: bool = False) -> str:
    """Return the label of a problem's field ("họ tên người ký"), or "" for none."""
    parts = field_parts(field)
    if config and parts[:1] == ("mac_dinh",):
        parts = parts[1:]
    if not parts or not isinstance(parts[0], str):
        return ""
    key = notice_paths.key_at(Notice, parts)
    return key.spec.label if key is not None and key.spec.label else ""


def message_of(problem: Problem, config: bool = False) -> str:
    """Return the diagnostic's text: the field's label and key, `tbkl check`'s message and hint."""
    label = label_of(problem.place.field, config)
    head = f"{label} ({problem.place.field})" if label else problem.place.field
    text = f"{head}: {problem.message}" if head else problem.message
    return f"{text} ({problem.hint})" if problem.hint else text


@dataclass(frozen=True)
class Span:
    """A 0-based range in a document, the end excluded (LSP's positions)."""

    line: int
    character: int
    end_line: int
    end_character: int


def span_of(problem: Problem, lines: list[str]) -> Span:
    line = (problem.place.line or 1) - 1
    column = (problem.place.column or 1) - 1
    end = span_end(lines, problem.place.line or 1, problem.place.column or 1)
    if end is None:
        return Span(line, column, line, column + 1)
    return Span(line, column, end[0] - 1, end[1] - 1)


# --- quick fixes --------------------------------------------------------------------------------

Applier = Callable[[str, list[Any]], tuple[str, list[Any]]]


def fix_applier() -> Applier | None:
    """Return the one writer that applies a `Fix` to a source's text (`service.yamlsave.fixed`), or
    None without it (ruamel.yaml not installed, or the fixes not built in this version)."""
    try:
        from tbkl_gen.service import yamlsave
    except ImportError:
        return None
    applier: Applier | None = getattr(yamlsave, "fixed", None)
    return applier


@dataclass(frozen=True)
class Edit:
    """One replacement of the text between two 0-based positions."""

    span: Span
    new_text: str
    title: str


def fix_edit(problem: Problem, text: str, apply: Applier | None) -> Edit | None:
    """Return the edit that applies the problem's fix to text, or None (no fix, or it no longer applies)."""
    fix = getattr(problem, "fix", None)
    if fix is None or apply is None:
        return None
    try:
        new, applied = apply(text, [fix])
    except Exception:  # noqa: BLE001 - a fix that cannot be applied to this text is not offered
        return None
    if not applied or new == text:
        return None
    return Edit(changed_span(text, new), changed_text(text, new), str(fix.title))


def _common(text: str, new: str) -> tuple[int, int]:
    start = 0
    limit = min(len(text), len(new))
    while start < limit and text[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and text[len(text) - 1 - end] == new[len(new) - 1 - end]:
        end += 1
    return start, end


def _position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    line = before.count("\n")
    return line, offset - (before.rfind("\n") + 1)


def changed_span(text: str, new: str) -> Span:
    start, end = _common(text, new)
    a = _position(text, start)
    b = _position(text, len(text) - end)
    return Span(a[0], a[1], b[0], b[1])


def changed_text(text: str, new: str) -> str:
    start, end = _common(text, new)
    return new[start : len(new) - end]


# --- where the cursor is ------------------------------------------------------------------------

_KEY_LINE = re.compile(r"^(\s*)(-\s+)?([A-Za-z_][\w]*)\s*:(.*)$")
_ITEM_LINE = re.compile(r"^(\s*)-(\s|$)")


@dataclass(frozen=True)
class Context:
    """What the cursor's line sits in: the keys above it, whether it is a list item, its siblings."""

    keys: tuple[str, ...]
    """The keys of the mappings and lists the line is inside, outermost first."""
    item: bool
    """The line starts a list item (`- `)."""
    siblings: frozenset[str]
    """The keys already written in the same mapping."""
    value_of: str | None
    """The key whose value the cursor is in (`ho_ten: |`), else None."""


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def context_at(lines: list[str], line: int, character: int) -> Context:
    """Read, from indentation alone, where the cursor is in the YAML tree (also while the text is broken)."""
    current = lines[line] if line < len(lines) else ""
    before = current[:character]
    match = _KEY_LINE.match(before)
    value_of = match.group(3) if match is not None else None  # the cursor is after `key:` on its line
    item = _ITEM_LINE.match(current) is not None
    # the column the line's key starts at
    own = _indent_of(current) + (len(re.match(r"^\s*-\s*", current).group(0)) - _indent_of(current) if item else 0)  # type: ignore[union-attr]
    if not current.strip():
        own = min(character, len(current)) if current else character
    keys: list[str] = []
    limit = own
    item_parent = item
    for index in range(line - 1, -1, -1):
        text = lines[index]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        indent = _indent_of(text)
        found = _KEY_LINE.match(text)
        dash = _ITEM_LINE.match(text)
        key_column = indent + (len(re.match(r"^\s*-\s*", text).group(0)) - indent if dash else 0)  # type: ignore[union-attr]
        if found is not None and key_column < limit and not found.group(4).strip():
            keys.append(found.group(3))
            limit = key_column
        elif found is not None and dash is not None and key_column <= limit and indent < limit and not item_parent:
            # a key on the dash line of the item the cursor's mapping belongs to: `- khoan: …`
            limit = indent
            item_parent = True
        if indent == 0 and limit == 0:
            break
    siblings = _siblings(lines, line, own)
    return Context(tuple(reversed(keys)), item, frozenset(siblings), value_of)


def _siblings(lines: list[str], line: int, column: int) -> set[str]:
    """Return the keys written at column in the mapping around line (up and down, to a shallower line)."""
    found: set[str] = set()
    for step in (-1, 1):
        index = line + step
        while 0 <= index < len(lines):
            text = lines[index]
            if text.strip() and not text.lstrip().startswith("#"):
                match = _KEY_LINE.match(text)
                dash = _ITEM_LINE.match(text)
                key_column = _indent_of(text) + (len(re.match(r"^\s*-\s*", text).group(0)) - _indent_of(text) if dash else 0)  # type: ignore[union-attr]
                if key_column < column or (dash is not None and _indent_of(text) < column and step == 1):
                    if match is not None and key_column == column and step == -1:
                        found.add(match.group(3))
                    break
                if match is not None and key_column == column:
                    found.add(match.group(3))
            index += step
    return found


def owners_at(keys: tuple[str, ...], root: type = Notice) -> tuple[tuple[type, ...], Any]:
    """Return the declared classes a mapping at the end of keys may be, and the item type of a list there."""
    owners: tuple[type, ...] = (root,)
    listed: Any = None
    for name in keys:
        key = next((found for owner in owners if (found := declaration.field_named(owner, name)) is not None), None)
        if key is None:
            return (), None
        tp = declaration.optional_of(key.type) or key.type
        listed = declaration.item_of(tp)
        if listed is not None:
            members = declaration.tagged_members(listed)
            owners = tuple(members.values()) if members is not None else ((listed,) if declaration.is_declared(listed) else ())
        else:
            owners = (tp,) if declaration.is_declared(tp) else ()
    return owners, listed


@dataclass(frozen=True)
class Offer:
    """One completion: what is inserted, what the list shows, and its documentation."""

    label: str
    insert: str
    detail: str
    documentation: str
    key: bool = True


def key_offers(lines: list[str], line: int, character: int, config: bool = False) -> list[Offer]:
    """Return the keys that may be written at the cursor, each once, none already there."""
    context = context_at(lines, line, character)
    keys = context.keys
    if config:
        if not keys:
            return [
                Offer(name, f"{name}: ", CONFIG_DOCS[name][0], CONFIG_DOCS[name][1]) for name in CONFIG_KEYS if name not in context.siblings
            ]
        if keys[0] != "mac_dinh":
            return []
        keys = keys[1:]
    owners, listed = owners_at(keys)
    if listed is not None and not context.item and not owners:
        return []
    if listed is not None and context.item:
        members = declaration.tagged_members(listed)
        if members is not None:
            # a new item of a list of blocks: the key that names the block
            return [
                Offer(tag, f"{tag}: ", key.spec.label, _documentation(key, cls))
                for tag, cls in members.items()
                if (key := declaration.field_named(cls, tag)) is not None
            ]
    offers: list[Offer] = []
    seen: set[str] = set()
    for owner in owners:
        if listed is not None and declaration.tagged_members(listed) is not None:
            # inside a block: its own keys, for the block its first key names
            tag = declaration.declared(owner)[0].name
            if tag not in context.siblings:
                continue
        for key in declaration.declared(owner):
            if key.name in seen or key.name in context.siblings:
                continue
            seen.add(key.name)
            offers.append(Offer(key.name, f"{key.name}: ", key.spec.label, _documentation(key, owner)))
    return offers


def _documentation(key: declaration.Declared, owner: type) -> str:
    parts = [f"**{key.spec.label or key.name}** (`{key.name}`)", key.spec.doc]
    if key.spec.example:
        parts.append(f"Ví dụ: `{key.spec.example}`")
    if owner.__doc__ and owner is not Notice:
        parts.append(f"Thuộc: {owner.__doc__.strip().splitlines()[0]}")
    if key.name in ("quyen_han", "chuc_vu"):
        parts.append(AUTHORITY_RULE)
    return "\n\n".join(parts)


AUTHORITY_RULE = "Nghị định 30/2020/NĐ-CP, Điều 13: dòng quyền hạn bắt đầu bằng " + ", ".join(
    f"{prefix} ({name})" for prefix, name in authority.PREFIX_NAMES.items()
)


def value_offers(lines: list[str], line: int, character: int, workspace: Workspace | None, config: bool = False) -> list[Offer]:
    """Return values for the cursor's place: authority prefixes in signer lines, the workspace's recipients."""
    context = context_at(lines, line, character)
    keys = context.keys[1:] if config and context.keys[:1] == ("mac_dinh",) else context.keys
    where = keys[-1] if keys else None
    if context.item and where == "quyen_han" or context.value_of == "quyen_han":
        return [Offer(f"{prefix} ", f"{prefix} ", name, AUTHORITY_RULE, key=False) for prefix, name in authority.PREFIX_NAMES.items()]
    if context.value_of == "chuc_vu":
        return [
            Offer(f"{prefix} ", f"{prefix} ", name, AUTHORITY_RULE, key=False)
            for prefix, name in authority.PREFIX_NAMES.items()
            if prefix in authority.TITLE_PREFIXES
        ]
    if context.item and where in ("noi_nhan", "noi_nhan_them", "kinh_gui"):
        return [Offer(name, name, "nơi nhận của thư mục làm việc", "", key=False) for name in recipients_of(workspace)]
    return []


def recipients_of(workspace: Workspace | None) -> list[str]:
    """Return the recipients the workspace's defaults name (`mac_dinh.noi_nhan`, `kinh_gui`), each once."""
    if workspace is None or workspace.defaults is None:
        return []
    found: list[str] = []
    for name in ("noi_nhan", "kinh_gui"):
        value = workspace.defaults.data.get(name)
        for item in value if isinstance(value, list) else [value] if isinstance(value, str) else []:
            if isinstance(item, str) and item.strip() and item not in found:
                found.append(item)
    return found


def hover_at(lines: list[str], line: int, character: int, config: bool = False) -> str | None:
    """Return the documentation of the key under the cursor, or None."""
    text = lines[line] if line < len(lines) else ""
    match = _KEY_LINE.match(text)
    if match is None:
        return None
    start = match.start(3)
    if not start <= character <= match.end(3):
        return None
    name = match.group(3)
    context = context_at(lines, line, start)
    keys = context.keys
    if config:
        if not keys:
            return f"**{CONFIG_DOCS[name][0]}** (`{name}`)\n\n{CONFIG_DOCS[name][1]}" if name in CONFIG_DOCS else None
        keys = keys[1:]
    owners, _ = owners_at(keys)
    for owner in owners:
        key = declaration.field_named(owner, name)
        if key is not None:
            return _documentation(key, owner)
    if not keys:
        source_key = next((k for k in declaration.declared(Notice) if k.name == name), None)
        if source_key is not None:
            return _documentation(source_key, Notice)
    return None


# --- the server ------------------------------------------------------------------------------


def serve() -> None:  # pragma: no cover - run in a subprocess by the tests
    """Run the language server on stdin/stdout until the editor closes it."""
    server = make_server()
    server.start_io()


def make_server() -> Any:
    from lsprotocol import types
    from pygls.lsp.server import LanguageServer

    from tbkl_gen import __version__

    server = LanguageServer("tbkl", __version__)
    applier = fix_applier()
    found: dict[str, list[Problem]] = {}

    def open_text(path: Path) -> str | None:
        for document in list(server.workspace.text_documents.values()):
            if path_of(document.uri) == path:
                return str(document.source)
        return None

    def position(line: int, character: int) -> Any:
        return types.Position(line=max(line, 0), character=max(character, 0))

    def diagnostic(problem: Problem, lines: list[str], config: bool) -> Any:
        span = span_of(problem, lines)
        return types.Diagnostic(
            range=types.Range(start=position(span.line, span.character), end=position(span.end_line, span.end_character)),
            message=message_of(problem, config),
            severity=types.DiagnosticSeverity.Error if problem.severity is Severity.ERROR else types.DiagnosticSeverity.Warning,
            source=SOURCE,
            code=problem.code or None,
        )

    def publish(uri: str) -> None:
        document = server.workspace.get_text_document(uri)
        path = path_of(uri)
        if not (path.suffix in (".yaml", ".yml")):
            return
        try:
            problems = problems_of(path, document.source, open_text)
        except Exception as error:  # noqa: BLE001 - the server stays up for the next keystroke
            server.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=f"tbkl: {error!r}"))
            return
        found[uri] = problems
        lines = document.source.splitlines()
        config = is_config(path)
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[diagnostic(p, lines, config) for p in problems], version=document.version)
        )

    def publish_config_of(uri: str) -> None:
        """Publish the problems of the notice's tbkl.yaml, not open in the editor, as `tbkl check`
        prints them with the notice's (the editor lists them under tbkl.yaml)."""
        path = path_of(uri)
        config = find_config(path.parent) if not is_config(path) and path.parent.exists() else None
        if config is None or open_text(config) is not None:
            return
        raw = read_regular_or_none(config, MAX_SOURCE_BYTES)
        if raw is None:
            return
        text = raw.decode("utf-8", "replace").removeprefix("\ufeff")
        try:
            problems = problems_of(config, text, open_text)
        except Exception as error:  # noqa: BLE001 - the server stays up
            server.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=f"tbkl: {error!r}"))
            return
        lines = text.splitlines()
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=config.as_uri(), diagnostics=[diagnostic(p, lines, True) for p in problems])
        )

    def republish_notices() -> None:
        for uri in list(server.workspace.text_documents):
            if not is_config(path_of(uri)):
                publish(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: Any, params: types.DidOpenTextDocumentParams) -> None:
        publish(params.text_document.uri)
        publish_config_of(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: Any, params: types.DidChangeTextDocumentParams) -> None:
        publish(params.text_document.uri)
        if is_config(path_of(params.text_document.uri)):
            republish_notices()

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: Any, params: types.DidSaveTextDocumentParams) -> None:
        publish(params.text_document.uri)
        publish_config_of(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: Any, params: types.DidCloseTextDocumentParams) -> None:
        found.pop(params.text_document.uri, None)
        server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))
        if is_config(path_of(params.text_document.uri)):  # the notices are checked over the saved file again
            republish_notices()

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    def code_action(ls: Any, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        document = server.workspace.get_text_document(uri)
        lines = document.source.splitlines()
        config = is_config(path_of(uri))
        wanted = params.range
        actions = []
        for problem in found.get(uri, []):
            span = span_of(problem, lines)
            if span.line > wanted.end.line or span.end_line < wanted.start.line:
                continue
            edit = fix_edit(problem, document.source, applier)
            if edit is None:
                continue
            s = edit.span
            text_edit = types.TextEdit(
                range=types.Range(start=position(s.line, s.character), end=position(s.end_line, s.end_character)), new_text=edit.new_text
            )
            actions.append(
                types.CodeAction(
                    title=edit.title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic(problem, lines, config)],
                    edit=types.WorkspaceEdit(changes={uri: [text_edit]}),
                    is_preferred=True,
                )
            )
        return actions

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[" ", "-", ":"]))
    def completion(ls: Any, params: types.CompletionParams) -> types.CompletionList:
        uri = params.text_document.uri
        document = server.workspace.get_text_document(uri)
        lines = document.source.splitlines()
        line, character = params.position.line, params.position.character
        path = path_of(uri)
        config = is_config(path)
        text = lines[line] if line < len(lines) else ""
        before = text[:character]
        if ":" in before.lstrip("- ").split("#")[0] or (before.strip().startswith("-") and _in_text_list(lines, line, character, config)):
            workspace = workspace_for(path, open_text) if not config else read_workspace(path, document.source)
            offers = value_offers(lines, line, character, workspace, config)
        else:
            offers = key_offers(lines, line, character, config)
        items = [
            types.CompletionItem(
                label=offer.label,
                kind=types.CompletionItemKind.Property if offer.key else types.CompletionItemKind.Value,
                detail=offer.detail,
                documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=offer.documentation)
                if offer.documentation
                else None,
                insert_text=offer.insert,
            )
            for offer in offers
        ]
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: Any, params: types.HoverParams) -> types.Hover | None:
        uri = params.text_document.uri
        document = server.workspace.get_text_document(uri)
        text = hover_at(document.source.splitlines(), params.position.line, params.position.character, is_config(path_of(uri)))
        if text is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))

    return server


def _in_text_list(lines: list[str], line: int, character: int, config: bool) -> bool:
    """Tell whether a `- ` line is an item of a list of text (signer lines, recipients), not of blocks."""
    keys = context_at(lines, line, character).keys
    if config and keys[:1] == ("mac_dinh",):
        keys = keys[1:]
    return bool(keys) and keys[-1] in ("quyen_han", "noi_nhan", "noi_nhan_them", "kinh_gui")


def problems_in(text: str, path: Path) -> Iterator[Problem]:
    """Yield the problems the server would show for text at path, with no editor (for tests and scripts)."""
    yield from problems_of(path, text, lambda _: None)
