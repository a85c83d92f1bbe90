"""The table of kinds: the one place the pipeline looks a kind up (`loai:` in a source).

A new kind is a module that declares its model and its `Kind` (see `notice.cong_van`) and one
entry here (or `register(kind)` from outside, as a test that adds a fourth kind does).
"""

from __future__ import annotations

import difflib
from typing import Any

from tbkl_gen.notice.cong_van import CONG_VAN
from tbkl_gen.notice.giay_moi import GIAY_MOI
from tbkl_gen.notice.kind import Kind
from tbkl_gen.notice.model import DEFAULT_KIND
from tbkl_gen.notice.thong_bao import THONG_BAO

KINDS: dict[str, Kind] = {}
"""Every kind by its key, in the order menus list them."""
_BY_MODEL: dict[type, Kind] = {}
_KEYS: list[frozenset[str]] = [frozenset()]


def register(kind: Kind) -> Kind:
    """Add a kind to the table (a new key, a model of its own); return it."""
    if kind.key in KINDS or kind.model in _BY_MODEL:
        raise ValueError(f"kind {kind.key!r} is registered twice")
    KINDS[kind.key] = kind
    _BY_MODEL[kind.model] = kind
    _KEYS[0] = _KEYS[0] | kind.all_keys()
    return kind


def unregister(kind: Kind) -> None:
    """Remove a kind added with `register` (a test's own kind)."""
    KINDS.pop(kind.key, None)
    _BY_MODEL.pop(kind.model, None)
    _KEYS[0] = frozenset().union(*(other.all_keys() for other in KINDS.values()))


for _kind in (THONG_BAO, CONG_VAN, GIAY_MOI):
    register(_kind)

DEFAULT = KINDS[DEFAULT_KIND]


def kind_named(key: Any) -> Kind | None:
    """Return the kind a source's `loai` names (None or absent: the default), or None for an unknown one."""
    if key is None:
        return DEFAULT
    return KINDS.get(key) if isinstance(key, str) else None


def kind_of(document: Any) -> Kind:
    """Return the kind of a built document."""
    return _BY_MODEL[type(document)]


def all_keys() -> frozenset[str]:
    """Every key a source of any kind may hold, at any depth."""
    return _KEYS[0]


def closest(key: str) -> str | None:
    """Return the kind's key a mistyped `loai` most likely meant."""
    found = difflib.get_close_matches(key.strip().lower().replace(" ", "_"), list(KINDS), n=1, cutoff=0.5)
    return found[0] if found else None
