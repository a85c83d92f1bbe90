"""What a path in a source names, read from the declaration: for messages about a mistake.

A path (`("noi_dung", 2, "khoan")`) leads to a declared key: its label and example in messages,
the class of the mapping it holds, the harmless value that stands in for it while the other
mistakes are looked for. Only explaining a mistake needs these; a well-formed source never
imports this module.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from tbkl_gen.notice.fields import (
    NO_STAND_IN,
    Declared,
    classes_under,
    declared,
    field_named,
    is_declared,
    item_of,
    optional_of,
    tagged_members,
)


def step(read_as: Any, key: Any, value: Any) -> Any:
    """Follow one part of a path through data: return what the value under key is read as.

    That is a declared class (a mapping), a `ListOf` (a list), or None (text, a number, or a key
    the declaration does not have). In a list of blocks the value itself tells which block it is.
    """
    if isinstance(read_as, ListOf):
        if not isinstance(key, int):
            return None
        members = tagged_members(read_as.item)
        if members is not None:
            present = [tag for tag in members if isinstance(value, dict) and tag in value]
            return members[present[0]] if len(present) == 1 else None
        return read_as.item if is_declared(read_as.item) else None
    if not is_declared(read_as) or isinstance(key, int):
        return None
    found = field_named(read_as, str(key))
    if found is None:
        return None
    tp = optional_of(found.type) or found.type
    item = item_of(tp)
    if item is not None:
        return ListOf(item)
    return tp if is_declared(tp) else None


class ListOf(NamedTuple):
    """A list in a source, of the declared type item."""

    item: Any


def key_at(root: type, path: tuple[Any, ...]) -> Declared | None:
    """Return the declared key a path leads to, without the data: `("noi_dung", 2, "khoan")`.

    After a list index the next name is looked for in every class the list may hold; a path
    ending in an index names the list's key.
    """
    owners: tuple[type, ...] = (root,)
    listed: Any = None
    key: Declared | None = None
    for part in path:
        if isinstance(part, int):
            if listed is None:
                return None
            members = tagged_members(listed)
            owners = tuple(members.values()) if members is not None else ((listed,) if is_declared(listed) else ())
            listed = None
            continue
        key = next((found for owner in owners if (found := field_named(owner, str(part))) is not None), None)
        if key is None:
            return None
        tp = optional_of(key.type) or key.type
        listed = item_of(tp)
        owners = (tp,) if listed is None and is_declared(tp) else ()
    return key


def key_named(root: type, name: str) -> Declared | None:
    """Return the first key called name in root or the classes under it (root first)."""
    table = _BY_NAME.get(root)
    if table is None:
        table = {}
        for cls in classes_under(root):
            for key in declared(cls):
                table.setdefault(key.name, key)
        _BY_NAME[root] = table  # published whole: the page's server asks from several threads
    return table.get(name)


_BY_NAME: dict[type, dict[str, Declared]] = {}


def _last_name(path: tuple[Any, ...]) -> str:
    return next((str(part) for part in reversed(path) if isinstance(part, str)), "")


def declared_label(root: type, path: tuple[Any, ...]) -> str | None:
    """Return the label the declaration gives the field at path (`họ tên người ký`), or None when it gives none."""
    key = key_at(root, path) or key_named(root, _last_name(path))
    return key.spec.label if key is not None and key.spec.label else None


def label(root: type, path: tuple[Any, ...]) -> str:
    """Return what the field at path is called in messages: `họ tên người ký`, else `trường “key”`."""
    return declared_label(root, path) or f"trường “{_last_name(path)}”"


def example(root: type, path: tuple[Any, ...]) -> str:
    """Return the example line of the field at path (`ho_ten: Trần Thị Bình`), or ""."""
    key = key_at(root, path) or key_named(root, _last_name(path))
    return key.spec.example if key is not None else ""


def stand_in(key: Declared) -> Any:
    """Return a value that follows the rules of key and means nothing."""
    if key.spec.stand_in is not NO_STAND_IN:
        return key.spec.stand_in
    tp = optional_of(key.type) or key.type
    item = item_of(tp)
    if item is not None:
        return [""] if tagged_members(item) is not None else ["X"]
    if is_declared(tp):
        return {inner.name: stand_in(inner) for inner in declared(tp) if inner.required}
    return "X"
