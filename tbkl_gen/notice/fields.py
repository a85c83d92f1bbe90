"""How a field of a document is declared, and what the rest of the tool reads from declarations.

A document is a set of frozen dataclasses. Each field carries, in `dataclasses.field(metadata=
spec(...))`, everything said about it anywhere: its rules (minimum length, range, a single line
accepted for a list of lines, a parser run first), its Vietnamese description (the JSON Schema
shown to drafters), its label and example in messages, and the harmless value that stands in for
it while the other mistakes of a source are looked for. The type comes from the annotation.

From these declarations come the pydantic-free builder (`build`), the pydantic model that
explains mistakes (`notice.validation`), the JSON Schema (`notice.schema`), the allowed keys and
the labels and examples of messages. Nothing here imports pydantic or reads files.
"""

import dataclasses
import datetime as dt
import sys
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Literal, NamedTuple, Union

_KEY = "tbkl"

NO_STAND_IN: Any = object()
"""Marks a field with no declared stand-in: one is made from its type."""


class Spec(NamedTuple):
    """What is declared about one field besides its name, type and default."""

    doc: str
    """Vietnamese description, shown to drafters as the JSON Schema description."""
    label: str = ""
    """What the field is called in messages: "họ tên người ký"."""
    example: str = ""
    """A line of YAML shown as "ví dụ: …" when the field is missing."""
    min_length: int | None = None
    ge: int | None = None
    le: int | None = None
    lines: bool = False
    """A list of lines that may be written as one string, standing for a list of one."""
    parse: Callable[[Any], Any] | None = None
    """Run on the written value before the rules: a date written as text becomes its parts."""
    digits_as_text: bool = False
    """An identifier drafters type as bare digits: `so: 28` means the text "28"."""
    json_schema: Mapping[str, Any] | None = None
    """The schema of what may be written, where it is more than the type (a parsed value)."""
    stand_in: Any = NO_STAND_IN


def spec(
    doc: str,
    *,
    label: str = "",
    example: str = "",
    min_length: int | None = None,
    ge: int | None = None,
    le: int | None = None,
    lines: bool = False,
    parse: Callable[[Any], Any] | None = None,
    digits_as_text: bool = False,
    json_schema: Mapping[str, Any] | None = None,
    stand_in: Any = NO_STAND_IN,
) -> dict[str, Spec]:
    """Return the metadata of a declared field: `field(metadata=spec("Năm.", label="năm"))`."""
    return {
        _KEY: Spec(doc, label, example, min_length, ge, le, lines, parse, digits_as_text, json_schema, stand_in),
    }


class Declared(NamedTuple):
    """One key of a source: a field of a dataclass, or a key read only from the source."""

    name: str
    type: Any
    spec: Spec
    required: bool
    default: Any = None
    source_only: bool = False
    """Consumed before the document is built (`noi_nhan_them`): allowed, never a field."""


class SourceKey(NamedTuple):
    """A key a source may hold that the document object has no field for."""

    name: str
    type: Any
    spec: Spec
    default: Any = ()


def declared(cls: type) -> tuple[Declared, ...]:
    """Return the keys of a declared class in source order, source-only keys last."""
    found = _DECLARED.get(cls)
    if found is None:
        found = _DECLARED[cls] = _declare(cls)
    return found


_DECLARED: dict[type, tuple[Declared, ...]] = {}


def _declare(cls: type) -> tuple[Declared, ...]:
    by_name: dict[str, Declared] = {}
    for item in dataclasses.fields(cls):
        about = item.metadata.get(_KEY)
        if not isinstance(about, Spec):
            raise TypeError(f"{cls.__name__}.{item.name} has no spec(...) in its metadata")
        required = item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING
        by_name[item.name] = Declared(item.name, _resolved(item.type, cls), about, required, None if required else item.default)
    order: tuple[str, ...] = getattr(cls, "source_order", ())
    if order and set(order) != set(by_name):
        raise TypeError(f"{cls.__name__}.source_order must name each field once: {sorted(set(order) ^ set(by_name))}")
    keys = [by_name[name] for name in order or by_name]
    for extra in getattr(cls, "source_keys", ()):
        keys.append(Declared(extra.name, extra.type, extra.spec, False, extra.default, source_only=True))
    return tuple(keys)


def _resolved(annotation: Any, cls: type) -> Any:
    """Return the type an annotation names; only a forward reference (a block holding blocks) is text.

    Declaring modules keep their annotations evaluated (no `from __future__ import annotations`):
    `typing.get_type_hints` on every class would cost a cold run more than the rest of this module.
    """
    if isinstance(annotation, str):
        return eval(annotation, vars(sys.modules[cls.__module__]))  # noqa: S307 - our own annotation text
    return annotation


def field_named(cls: type, name: str) -> Declared | None:
    """Return the declared key of cls called name, if there is one."""
    table = _NAMED.get(cls)
    if table is None:
        table = _NAMED[cls] = {key.name: key for key in declared(cls)}
    return table.get(name)


_NAMED: dict[type, dict[str, Declared]] = {}


# --- reading declared types ---------------------------------------------------------------------


def optional_of(tp: Any) -> Any:
    """Return T for `T | None`, else None."""
    if typing.get_origin(tp) in (Union, types.UnionType):
        args = typing.get_args(tp)
        if len(args) == 2 and type(None) in args:
            return next(arg for arg in args if arg is not type(None))
    return None


def item_of(tp: Any) -> Any:
    """Return T for `tuple[T, ...]`, else None."""
    if typing.get_origin(tp) is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return args[0]
    return None


def literal_of(tp: Any) -> tuple[Any, ...] | None:
    """Return the allowed values of `Literal[...]`, else None."""
    return typing.get_args(tp) if typing.get_origin(tp) is Literal else None


def is_declared(tp: Any) -> bool:
    """Tell whether tp is a declared dataclass (a mapping in the source)."""
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def tagged_members(tp: Any) -> dict[str, type] | None:
    """Return {tag: class} for a union of text and declared classes, else None.

    Each class is told apart by the key of its first field (`khoan: …` is a Khoan), so a union
    of blocks needs no tag key of its own in the source.
    """
    if typing.get_origin(tp) not in (Union, types.UnionType):
        return None
    found = _MEMBERS.get(tp)
    if found is None:
        members = [arg for arg in typing.get_args(tp) if arg is not str]
        if not members or not all(is_declared(arg) for arg in members):
            return None
        found = _MEMBERS[tp] = {dataclasses.fields(member)[0].name: member for member in members}
    return found


_MEMBERS: dict[Any, dict[str, type]] = {}


# --- the pydantic-free builder --------------------------------------------------------------------


class Unsure(Exception):
    """The data is not plainly valid: the pydantic model decides and explains."""


def build(cls: type, data: Any) -> Any:
    """Return an instance of cls for data that plainly follows its declaration; raise Unsure otherwise."""
    maker = _MAKERS.get(cls)
    if maker is None:
        maker = _maker_for(cls)
    return maker(data)


_MAKERS: dict[Any, Callable[[Any], Any]] = {}


def _maker_for(cls: type) -> Callable[[Any], Any]:
    keys = [key for key in declared(cls) if not key.source_only]
    required = frozenset(key.name for key in keys if key.required)
    allowed = frozenset(key.name for key in keys)
    converters: list[tuple[str, Callable[[Any], Any]]] = []

    def make(value: Any) -> Any:
        if type(value) is not dict or not required <= value.keys() or not value.keys() <= allowed:
            raise Unsure
        return cls(**{name: convert(value[name]) for name, convert in converters if name in value})

    converters.extend((key.name, _converter(key.type, key.spec)) for key in keys)
    # Published only whole: the page's server checks in several threads at once, and a maker seen
    # before its converters were all made built a class without its last fields (a TypeError). A
    # block holding blocks needs no earlier entry: a declared field's converter calls `build` when it
    # converts, not when it is made.
    _MAKERS[cls] = make
    return make


def _converter(tp: Any, about: Spec) -> Callable[[Any], Any]:
    inner = optional_of(tp)
    if inner is not None:
        convert_inner = _plain_converter(inner, about)

        def optional(value: Any) -> Any:
            return None if value is None else convert_inner(value)

        return _parsed(optional, about.parse)
    return _parsed(_plain_converter(tp, about), about.parse)


def _parsed(convert: Callable[[Any], Any], parse: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    if parse is None:
        return convert
    return lambda value: convert(parse(value))


def _plain_converter(tp: Any, about: Spec) -> Callable[[Any], Any]:
    choices = literal_of(tp)
    if choices is not None:

        def literal(value: Any) -> Any:
            if not any(type(value) is type(choice) and value == choice for choice in choices):
                raise Unsure
            return value

        return literal
    if tp is str:
        shortest = about.min_length or 0

        def text(value: Any) -> str:
            if type(value) is not str or len(value) < shortest:
                raise Unsure
            return value

        return text
    if tp is int:
        low, high = about.ge, about.le

        def number(value: Any) -> int:
            if type(value) is not int or (low is not None and value < low) or (high is not None and value > high):
                raise Unsure
            return value

        return number
    if tp is bool or tp is dt.date:

        def exactly(value: Any) -> Any:
            if type(value) is not tp:
                raise Unsure
            return value

        return exactly
    item = item_of(tp)
    if item is not None:
        convert_item = _item_converter(item)
        shortest = about.min_length or 0
        lines = about.lines

        def many(value: Any) -> tuple[Any, ...]:
            if lines and type(value) is str:
                return (value,)
            if type(value) is not list or len(value) < shortest:
                raise Unsure
            return tuple([convert_item(v) for v in value])

        return many
    if is_declared(tp):
        return lambda value: build(tp, value)
    raise TypeError(f"no builder for the declared type {tp!r}")


def _item_converter(item: Any) -> Callable[[Any], Any]:
    members = tagged_members(item)
    if members is None:
        return _plain_converter(item, Spec(""))

    def tagged(value: Any) -> Any:
        if type(value) is str:
            return value
        if type(value) is not dict:
            raise Unsure
        present = [key for key in value if key in members]  # a block's few keys, not every tag
        if len(present) != 1:
            raise Unsure
        return build(members[present[0]], value)

    return tagged


# --- derived words ------------------------------------------------------------------------------


def classes_under(root: type) -> tuple[type, ...]:
    """Return root and every declared class reachable from its fields, root first."""
    found = _UNDER.get(root)
    if found is None:
        found = _UNDER[root] = _classes_under(root)
    return found


_UNDER: dict[type, tuple[type, ...]] = {}


def _classes_under(root: type) -> tuple[type, ...]:
    seen: list[type] = []

    def visit(cls: type) -> None:
        if cls in seen:
            return
        seen.append(cls)
        for key in declared(cls):
            tp = optional_of(key.type) or key.type
            while item_of(tp) is not None:  # a table's rows are lists of lists of cells
                tp = item_of(tp)
            members = tagged_members(tp)
            for inner in members.values() if members is not None else (tp,):
                if is_declared(inner):
                    visit(inner)

    visit(root)
    return tuple(seen)
