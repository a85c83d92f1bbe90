"""Compose a notice's YAML with PyYAML: libyaml when the text is plainly well-formed, else the
Python parser, which explains each mistake (`yaml_errors`).

Imported by `read` only for a text `quick` leaves aside (most notices do without it, and
without importing PyYAML). Anchors, aliases and deep nesting are refused before anything is built.
"""

from __future__ import annotations

from typing import Any

import yaml

from tbkl_gen.nd30.patterns import lazy
from tbkl_gen.source import implicit
from tbkl_gen.source.quick import MAX_DEPTH

_STR_TAG = implicit.STR_TAG


class _Refused(Exception):
    """A construct refused while composing, before any value is built."""

    def __init__(self, mark: Any, message: str, hint: str, code: str) -> None:
        self.line = mark.line + 1
        self.column = mark.column + 1
        self.message = message
        self.hint = hint
        self.code = code


# The first characters of a plain scalar that YAML 1.1 may read as something else than text (a
# number, a date, a boolean, null, a merge key…): PyYAML's implicit resolvers, by first character.
_IMPLICIT_STARTS = implicit.STARTS
# PyYAML's own resolution is used as it is when its safe loader's table is not the one of
# `implicit` (a resolver for any first character or by path, or one another library added to
# the shared classes); `read` then leaves `quick` aside.
RESOLVE_AS_PYYAML = (
    None in yaml.SafeLoader.yaml_implicit_resolvers
    or bool(yaml.SafeLoader.yaml_path_resolvers)
    or not implicit.same_table(yaml.SafeLoader.yaml_implicit_resolvers)
)
_COLLECTION_TAGS = {yaml.SequenceNode: "tag:yaml.org,2002:seq", yaml.MappingNode: "tag:yaml.org,2002:map"}
_SCALAR_NODE, _MAPPING_NODE, _SEQUENCE_NODE = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode


class _Resolving:
    """PyYAML's implicit resolution of a node's tag, with the same answers, called less dearly.

    The composer asks for the tag of every node (a notice has ~130 scalars, keys included), and
    PyYAML's `resolve` builds a list of candidate patterns and tries them for each. Here a quoted
    scalar, or a plain one whose first character no resolver starts with, is text at once; the
    other plain scalars (keys such as `noi_dung`, `so`, `ngay`, dates, numbers) are resolved by
    `implicit.plain_tag` (PyYAML's table, compared with the safe loader's at import) and its
    answer kept, since they repeat from notice to notice. A test holds both to the same tag on
    generated scalars.
    """

    def resolve(self, kind: Any, value: Any, implied: Any) -> Any:
        if RESOLVE_AS_PYYAML:
            return _PYYAML_RESOLVE(self, kind, value, implied)
        if kind is yaml.ScalarNode:
            if not implied[0] or (value and value[0] not in _IMPLICIT_STARTS):
                return _STR_TAG
            return _plain_tag(value)
        return _COLLECTION_TAGS[kind]


_plain_tag = implicit.plain_tag


_PYYAML_RESOLVE: Any = yaml.resolver.BaseResolver.resolve
_PYYAML_RESOLVER: Any = yaml.SafeLoader  # its class attributes are all resolve reads
_FAST_LOADER: Any = None
if hasattr(yaml, "CSafeLoader"):

    class _FastLoader(_Resolving, yaml.CSafeLoader):
        """libyaml's safe loader (see `compose_fast`) with the resolution of `_Resolving`."""

    _FAST_LOADER = _FastLoader


class Loader(_Resolving, yaml.SafeLoader):
    """Safe loader that composes nodes but refuses anchors, aliases and deep nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # the stubs leave the parser untyped
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(
                event.start_mark,
                f"không dùng bí danh YAML “*{event.anchor}” trong thông báo",
                "viết đầy đủ giá trị ở mỗi chỗ; nếu “*” là chữ, đặt cả giá trị trong ngoặc kép",
                "alias",
            )
        if getattr(event, "anchor", None):
            raise _Refused(
                event.start_mark,
                f"không dùng neo YAML “&{event.anchor}” trong thông báo",
                "viết đầy đủ giá trị ở mỗi chỗ; nếu “&” là chữ, đặt cả giá trị trong ngoặc kép",
                "alias",
            )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(
                event.start_mark,
                f"cấu trúc lồng quá sâu (hơn {MAX_DEPTH} cấp)",
                "một thông báo chỉ có mục, khoản, điểm, gạch đầu dòng lồng vài cấp",
                "too_deep",
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def compose_fast(text: str) -> tuple[Any, Any] | None:
    """Compose with libyaml when the text is plainly well-formed; None sends it the slow way.

    libyaml is about twenty times faster than PyYAML's Python parser, but its error messages and
    its handling of anchors differ. So it only reads files that parse without error and without
    anchors, aliases or deep nesting (checked on the event stream, before anything is built);
    everything else goes through `Loader`, which explains each mistake. Its plain scalars have
    style "" where the Python parser's have None: the builder reads both as "plain".
    """
    loader_class = _FAST_LOADER
    if loader_class is None or "\t" in text:  # libyaml takes tabs where PyYAML refuses them
        return None
    look = _look_out(text)
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader_class) if look is _EVENTS else ():
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return None
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return None
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
        loader = loader_class(text)
        root = loader.get_single_node()
    except (yaml.YAMLError, ValueError, RecursionError):
        return None
    if look is _DEPTH and _deeper_than(root, MAX_DEPTH):
        loader.dispose()
        return None
    return root, loader


# A line indented (spaces and "- ") deep enough to hold more than MAX_DEPTH levels of block
# nesting: each level costs at least one column, and at most two levels share one.
_DEEP_INDENT = r"[ \-]{%d}" % (MAX_DEPTH // 2 - 1)
# Such a line after a line break: searched for from the breaks (sre looks for "\n" quickly), not
# with `^` in multi-line mode, tried at every character (55 µs → 7 µs on a notice).
_DEEP_LINE = lazy("\n" + _DEEP_INDENT)
_DEEP_FIRST_LINE = lazy(_DEEP_INDENT)


def _has_deep_line(text: str) -> bool:
    """Return whether a line of text starts with a deep indentation (see `_DEEP_LINE`)."""
    return _DEEP_FIRST_LINE.match(text) is not None or _DEEP_LINE.search(text) is not None


_SPECIAL_CHAR = lazy(r"[&*\[{]")


def _maybe_special(text: str) -> bool:
    """Return whether YAML could see an anchor or alias ("&a", "*a" after a space or bracket) or
    a flow collection ("[" or "{" starting a value) in text. "**đậm**" and "^[…]" are neither.

    A star beside another star is neither an anchor nor an alias, and it does not make one of the
    character after it (a star is not among the characters before one); it stops one before it
    as a space does. So each "**" of the bold marks is set aside at once as a space and a
    character that counts for nothing, and a text left without any of the four characters, most
    notices, is not looked through one character at a time (a test holds both readings equal).
    """
    text = text.replace("**", " \x00")
    if "*" not in text and "&" not in text and "[" not in text and "{" not in text:
        return False
    for match in _SPECIAL_CHAR.finditer(text):
        index = match.start()
        before = text[index - 1] if index else "\n"
        if match.group() in "&*":
            after = text[index + 1 : index + 2]
            if before in " \t\r\n[{," and after and after not in " \t\r\n*":
                return True
        elif before in " \t\r\n:-,[{":
            return True
    return False


# What `compose_fast` looks at before trusting libyaml's nodes (see `_look_out`).
_NOTHING, _DEPTH, _EVENTS = "nothing", "depth", "events"


def _look_out(text: str) -> str:
    """Return what libyaml's reading of text must be looked through for: nothing, when the text
    can hold no anchor, alias, flow or deep nesting (see `_maybe_special` and `_DEEP_LINE`); its
    depth only, when it holds flows (`quyen_han: []`) but neither "&" nor a lone "*" (no anchor
    nor alias can be written without them) and too few brackets to nest deeply, the block
    nesting being bounded by the lines' indentation: the composed nodes are then measured
    (`_deeper_than`), a walk of a few dozen nodes where an event pass costs as much as the reading; the
    events otherwise, before anything is composed."""
    if _has_deep_line(text):
        return _EVENTS
    if not _maybe_special(text):
        return _NOTHING
    flat = text.replace("**", "  ")
    if "&" in flat or "*" in flat or flat.count("[") + flat.count("{") > MAX_DEPTH:
        return _EVENTS
    return _DEPTH


def _deeper_than(root: Any, limit: int) -> bool:
    """Tell whether collections nest more than limit deep in the node tree (the root counts one),
    as the events' count of open mappings and sequences does."""
    pending = [(root, 1)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, _MAPPING_NODE):
            if depth > limit:
                return True
            for key, value in node.value:
                pending.append((key, depth + 1))
                pending.append((value, depth + 1))
        elif isinstance(node, _SEQUENCE_NODE):
            if depth > limit:
                return True
            pending.extend((item, depth + 1) for item in node.value)
    return False
