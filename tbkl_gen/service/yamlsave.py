"""Write what the page edited back into a notice source, keeping the drafter's file as it was.

The page edits plain data (what the source says); saving applies that data to the file's own
YAML document, read by ruamel.yaml's round-trip loader, so every comment, quoting style and
folded paragraph that did not change stays byte for byte, and `git diff` shows only the edit.
Values written anew take the style of a hand-written notice: keys in the order of the README,
long text folded under `>-` near column 100, and quotes only where YAML 1.1 (which `tbkl`
reads with) would read the text as something else (`so: "012"`, `ho_ten: "NO"`).

Only `tbkl_gen.source.read` reads sources for the pipeline; this module reads them only to
write them back.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import io
import re
import threading
from collections import OrderedDict
from contextvars import ContextVar
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString, LiteralScalarString, ScalarString

from tbkl_gen.errors import Fix
from tbkl_gen.nd30.words import date_parts, shown_date
from tbkl_gen.notice import fields as declaration
from tbkl_gen.notice.fields import declared
from tbkl_gen.notice.kinds import KINDS
from tbkl_gen.notice.model import BLOCK_CLASSES, BLOCK_KEYS, EXTEND_KEY

# The order keys are written in, from the declarations of every kind: a key added by the page goes
# after the last key already there that comes before it here. A block's own key (and `tieu_de`)
# comes before its `noi_dung`; the keys of a mapping (co_quan, ngay, nguoi_ky, cuoc_hop) follow it.


def _kind_order(model: type) -> list[str]:
    order: list[str] = []
    for key in declared(model):
        if key.source_only:
            continue
        if key.name == "noi_nhan":
            order.append(EXTEND_KEY)
        if key.name == "noi_dung":
            order += [item.name for cls in BLOCK_CLASSES.values() for item in declared(cls) if item.name != "noi_dung"]
        order.append(key.name)
        nested = declaration.optional_of(key.type) or key.type
        if declaration.is_declared(nested):
            order += [item.name for item in declared(nested)]
    return list(dict.fromkeys(order))


def _key_order() -> tuple[str, ...]:
    order: list[str] = []
    for kind in KINDS.values():
        at = 0
        for key in _kind_order(kind.model):
            if key in order:
                at = order.index(key) + 1
            else:
                order.insert(at, key)
                at += 1
    return tuple(order)


KEY_ORDER = _key_order()
_RANK = {key: index for index, key in enumerate(KEY_ORDER)}
_DATE_KEYS = ("ngay", "ngay_hop")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")
# Where a long line of text is folded: a hand-written notice keeps lines near 100 characters.
FOLD_WIDTH = 96
# Text up to this long stays on the key's line.
PLAIN_WIDTH = 72

_RESOLVER = yaml.resolver.Resolver()


def _yaml() -> YAML:
    handler = YAML()
    handler.preserve_quotes = True
    handler.width = 4096  # ruamel must not re-fold text; folding is chosen here
    handler.indent(mapping=2, sequence=4, offset=2)
    return handler


def load_document(text: str) -> Any:
    """Return the round-trip document of a source's text."""
    return _yaml().load(text)


def editable(text: str) -> dict[str, Any] | None:
    """Return the source's data as plain JSON-able values for the page (a date YAML read as dd/mm/yyyy).

    None when the file holds no mapping: the page must not turn it into one.
    """
    document = load_document(text)
    data = _plain(document)
    return data if isinstance(data, dict) else None


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return shown_date(value.year, value.month, value.day)  # the page shows dates as Vietnamese write them
    if isinstance(value, str):
        return str(value)
    return value


# Parsed documents by source text: the page sends the same base text with every edit, and a
# copy of the parsed document costs a quarter of parsing it again.
_PARSED: OrderedDict[str, Any] = OrderedDict()
_PARSED_LOCK = threading.Lock()
_PARSED_KEPT = 8


def _parsed(text: str, *, copied: bool = True) -> Any:
    """Return the document parsed from text: a deep copy to change (comments and all), or the one kept, never to be changed."""
    with _PARSED_LOCK:
        document = _PARSED.get(text)
        if document is not None:
            _PARSED.move_to_end(text)
    if document is None:
        document = _yaml().load(text) if text.strip() else None
        with _PARSED_LOCK:
            _PARSED[text] = document
            while len(_PARSED) > _PARSED_KEPT:
                _PARSED.popitem(last=False)
    return copy.deepcopy(document) if copied else document


def _bare(value: Any) -> Any:
    """Return a copy of a parsed document's maps and lists without their comments: what checking reads.

    Scalars are shared (strings, numbers and dates cannot change); the merge rebuilds lists and
    maps, never a scalar. A tenth of the cost of a deep copy, which copies every comment and mark.
    """
    if isinstance(value, CommentedMap):
        bare = CommentedMap()
        for key, item in value.items():
            bare[key] = _bare(item)
        return bare
    if isinstance(value, CommentedSeq):
        return CommentedSeq([_bare(item) for item in value])
    return value


def updated(text: str, data: dict[str, Any]) -> str:
    """Return the source text with data applied: unchanged parts stay as they were written."""
    handler = _yaml()
    document = _parsed(text)
    if not isinstance(document, CommentedMap):
        document = CommentedMap()
    token = _QUOTED.set(_mostly_quoted(document))
    try:
        _merge_map(document, data)
    finally:
        _QUOTED.reset(token)
    out = io.StringIO()
    handler.dump(document, out)
    return out.getvalue()


def fixed(text: str, fixes: list[Fix]) -> tuple[str, list[Fix]]:
    """Return the source text with the fixes applied, and the fixes that applied.

    The same round trip as saving: only the fixed values (or renamed keys) change, every comment
    and every other value stays as written. A fix whose path is no longer in the file, or whose
    new key is already there, is left out.
    """
    if not fixes:
        return text, []
    document = _parsed(text)
    if not isinstance(document, CommentedMap):
        return text, []
    applied: list[Fix] = []
    token = _QUOTED.set(_mostly_quoted(document))
    try:
        for fix in fixes:
            if _apply(document, fix):
                applied.append(fix)
    finally:
        _QUOTED.reset(token)
    if not applied:
        return text, []
    out = io.StringIO()
    _yaml().dump(document, out)
    return out.getvalue(), applied


def _apply(document: Any, fix: Fix) -> bool:
    if not fix.path:
        return False
    parent = document
    for part in fix.path[:-1]:
        if isinstance(parent, dict) and isinstance(part, str) and part in parent:
            parent = parent[part]
        elif isinstance(parent, list) and isinstance(part, int) and 0 <= part < len(parent):
            parent = parent[part]
        else:
            return False
    last = fix.path[-1]
    if isinstance(parent, CommentedMap) and isinstance(last, str) and last in parent:
        if fix.rename:
            if not isinstance(fix.value, str) or fix.value in parent:
                return False
            position = list(parent).index(last)
            comment = parent.ca.items.pop(last, None)
            value = parent.pop(last)
            parent.insert(position, fix.value, value)
            if comment is not None:
                parent.ca.items[fix.value] = comment
            return True
        parent[last] = _fixed_value(fix.value, last, parent[last])
        return True
    if isinstance(parent, CommentedSeq) and isinstance(last, int) and 0 <= last < len(parent) and not fix.rename:
        parent[last] = _fixed_value(fix.value, _list_key(fix.path), parent[last])
        return True
    return False


def _list_key(path: tuple[str | int, ...]) -> str | None:
    return next((part for part in reversed(path) if isinstance(part, str)), None)


def _fixed_value(value: Any, key: str | None, old: Any) -> Any:
    # A value YAML 1.2 (ruamel) reads as the text it shows (`NO`) still needs its quotes for
    # YAML 1.1 (tbkl): the fixed value is written anew, in the old value's style where it keeps.
    if isinstance(value, str) and not isinstance(old, ScalarString):
        old = None
    return _fresh(value, key, old)


# Whether the file being saved writes its text in double quotes (as `tbkl new` does): new text
# then follows it, so that a file keeps one style.
_QUOTED: ContextVar[bool] = ContextVar("quoted", default=False)


def _mostly_quoted(document: Any) -> bool:
    quoted = plain = 0
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, DoubleQuotedScalarString):
            quoted += 1
        elif isinstance(value, str) and not isinstance(value, ScalarString):
            plain += 1
    return quoted > plain


def _merge_map(old: CommentedMap, new: dict[str, Any]) -> None:
    for key in [k for k in old if k not in new]:
        del old[key]
    for key, value in new.items():
        if key in old:
            merged = _merge(old[key], value, key)
            if merged is not old[key]:
                old[key] = merged
        else:
            old.insert(_position(old, key), key, _fresh(value, key))


def _position(mapping: CommentedMap, key: str) -> int:
    rank = _RANK.get(key, len(KEY_ORDER))
    position = 0
    for index, existing in enumerate(mapping):
        if _RANK.get(existing, len(KEY_ORDER)) <= rank:
            position = index + 1
    return position


def _merge(old: Any, new: Any, key: str | None) -> Any:
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        _merge_map(old, new)
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        _merge_seq(old, new, key)
        return old
    if not isinstance(old, (dict, list)) and not isinstance(new, (dict, list)) and _same(old, new):
        return old
    return _fresh(new, key, old)


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    if old is None or new is None:
        return (old is None or old == "") and (new is None or new == "")
    if isinstance(old, dt.datetime):
        return old.isoformat() == str(new)
    if isinstance(old, dt.date):
        # the page shows 2026-04-21 as 21/04/2026: the same date, kept as the drafter wrote it
        return old.isoformat() == str(new) or date_parts(str(new)) == (old.year, old.month, old.day)
    if isinstance(old, str) and not isinstance(old, ScalarString) and old == new and _misread(old):
        return False  # `NO` plain, which YAML 1.1 (tbkl) reads as false: written anew, in quotes
    return str(old) == str(new) and isinstance(old, str) == isinstance(new, str)


def _misread(plain: str) -> bool:
    """Return whether YAML 1.1 reads this text, written plain, as something else than text."""
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, plain, (True, False))  # type: ignore[no-untyped-call]  # untyped in the stubs
    return tag != "tag:yaml.org,2002:str"


def _head(item: Any) -> tuple[Any, ...]:
    """Return what identifies a list item when matching old items to new ones."""
    if isinstance(item, dict):
        kind = next((k for k in BLOCK_KEYS if k in item), "")
        return ("d", kind, str(item.get(kind, "")))
    if isinstance(item, list):
        return ("l",)
    return ("s", "" if item is None else str(item))


def _merge_seq(old: CommentedSeq, new: list[Any], key: str | None) -> None:
    """Apply the new list to the old one, moving each kept item's comments with it.

    Items are matched as a diff matches lines; an edited item is matched with the old one in its
    place (so its nested comments stay), and a moved one with where it came from.
    """
    old_heads = [_head(i) for i in old]
    new_heads = [_head(i) for i in new]
    matcher = difflib.SequenceMatcher(a=old_heads, b=new_heads, autojunk=False)
    pairs: dict[int, int] = {}
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        for offset in range(b1 - b0):
            source = a0 + offset
            if tag == "equal" or (tag == "replace" and source < a1 and old_heads[source][0] == new_heads[b0 + offset][0]):
                pairs[b0 + offset] = source
    unused = [i for i in range(len(old)) if i not in pairs.values()]
    for index, head in enumerate(new_heads):
        if index not in pairs:
            moved = next((i for i in unused if old_heads[i] == head), None)
            if moved is not None:
                pairs[index] = moved
                unused.remove(moved)
    items: list[Any] = []
    comments: dict[int, Any] = {}
    for index, value in enumerate(new):
        paired = pairs.get(index)
        if paired is None:
            items.append(_fresh(value, key))
            continue
        if paired in old.ca.items:
            comments[index] = old.ca.items[paired]
        items.append(_merge(old[paired], value, key))
    old.ca.items.clear()
    old[:] = items
    old.ca.items.update(comments)


def _fresh(value: Any, key: str | None, old: Any = None) -> Any:
    """Return a new YAML value for data the page wrote, in the style of a hand-written notice."""
    if key in _FLOW_KEYS and not isinstance(value, list | dict) or key in _FLOW_KEYS and _is_row(value):
        return _flow(value)
    if isinstance(value, dict):
        mapping = CommentedMap()
        for name in sorted(value, key=lambda k: _RANK.get(k, len(KEY_ORDER))):
            mapping[name] = _fresh(value[name], name)
        return mapping
    if isinstance(value, list):
        return CommentedSeq([_fresh(item, key) for item in value])
    if isinstance(value, str):
        return _text(value, key, old)
    return value


# A table's rows and its column widths are written on one line each: `- [STT, Nội dung, Thời hạn]`.
_FLOW_KEYS = ("bang", "do_rong", "do_rong_mm")


def _is_row(value: Any) -> bool:
    return isinstance(value, list) and not any(isinstance(item, list) for item in value)


def _flow(value: Any) -> Any:
    """Return a row of cells (or one cell, or widths) in flow style; text stays plain, quoted only where YAML needs it."""
    if isinstance(value, list):
        seq = CommentedSeq([_flow(item) for item in value])
        seq.fa.set_flow_style()
        return seq
    if isinstance(value, dict):
        mapping = CommentedMap((name, _flow(item)) for name, item in value.items())
        mapping.fa.set_flow_style()
        return mapping
    return value


def _text(value: str, key: str | None, old: Any) -> Any:
    if key in _DATE_KEYS:
        if _FULL_DATE.match(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return DoubleQuotedScalarString(value)
        if _YEAR.match(value):
            return int(value)
    if value == "":
        return None if key in ("so",) else DoubleQuotedScalarString("")
    if "\n" in value and _literal_keeps(value):
        return LiteralScalarString(value)  # lines the drafter chose, as `trich_yeu: |` keeps them
    foldable = _foldable(value)
    if isinstance(old, FoldedScalarString) and foldable:
        return _folded(value)
    if isinstance(old, LiteralScalarString) and foldable:
        return LiteralScalarString(value)
    if isinstance(old, ScalarString) and not isinstance(old, (FoldedScalarString, LiteralScalarString)):
        return type(old)(value)
    if foldable and len(value) > PLAIN_WIDTH and not _QUOTED.get():
        return _folded(value)
    if _plain_is_text(value) and not _QUOTED.get():
        return value
    return DoubleQuotedScalarString(value)


def _plain_is_text(value: str) -> bool:
    """Return whether YAML 1.1 reads value written plain as this very text."""
    if value != value.strip() or "\n" in value or "\t" in value:
        return False
    tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]  # untyped in the stubs
    if tag != "tag:yaml.org,2002:str":
        return False
    try:
        return bool(yaml.safe_load(f"k: {value}") == {"k": value})
    except yaml.YAMLError:
        return False


def _literal_keeps(value: str) -> bool:
    """Return whether value reads back the same from a literal block (`|-`)."""
    lines = value.split("\n")
    return (
        value == value.strip()
        and all(line == line.rstrip() and line.strip() for line in lines)
        and not lines[0].startswith(" ")
        and not any(c in value for c in "\r\t\x85\u2028\u2029")
        and all(line.isprintable() for line in lines)
    )


def _foldable(value: str) -> bool:
    """Return whether value reads back the same from a folded block (no edge or double spaces)."""
    return (
        bool(value)
        and value == value.strip()
        and not any(c in value for c in "\n\r\t\x85\u2028\u2029")
        and "  " not in value
        and value.isprintable()
    )


def _folded(value: str) -> FoldedScalarString:
    """Return text under `>-`, folded at spaces so that no line runs much past FOLD_WIDTH."""
    folded: FoldedScalarString = FoldedScalarString(value)
    positions = []
    start = 0
    while len(value) - start > FOLD_WIDTH:
        cut = value.rfind(" ", start + 1, start + FOLD_WIDTH)
        if cut <= start:
            cut = value.find(" ", start + FOLD_WIDTH)
            if cut == -1:
                break
        positions.append(cut)
        start = cut + 1
    folded.fold_pos = positions  # type: ignore[attr-defined]  # read by ruamel's emitter, not declared
    return folded


def checked_text(text: str, data: dict[str, Any]) -> str:
    """Return a text that reads as the same values as `updated(text, data)`, made fast, for checking only.

    The preview checks the notice after each pause in typing; `updated` keeps every comment and
    quote of the file, which costs ruamel's emitter most of the refresh on a long notice. What the
    checks read is the values: the merged document is written by libyaml (C) instead, without its
    comments. Never saved: saving goes through `updated`.
    """
    document = _bare(_parsed(text, copied=False))
    if not isinstance(document, CommentedMap):
        document = CommentedMap()
    _merge_map(document, data)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(_builtin(document), Dumper=dumper, allow_unicode=True, sort_keys=False, width=4096)


def _builtin(value: Any) -> Any:
    """Return value as Python's own types (ruamel's subclasses carry comments libyaml cannot write)."""
    if isinstance(value, dict):
        return {_builtin(key): _builtin(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_builtin(item) for item in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dt.datetime):
        return dt.datetime.fromisoformat(value.isoformat())
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    return value
