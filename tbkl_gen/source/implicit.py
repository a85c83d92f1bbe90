"""YAML 1.1's implicit types of plain scalars, as PyYAML's safe loader resolves and builds them.

`plain_tag` is PyYAML's resolution (`yaml.resolver.Resolver`: the same patterns, tried in the
same order for a value's first character), so that a notice of the common shape is read without
importing PyYAML (`quick`). `construct` builds the values a notice holds (null, booleans, decimal
integers, dates) as `yaml.constructor.SafeConstructor` does, and returns `NOT_SIMPLE` for the other
forms (octal, hexadecimal, sexagesimal, floats, timestamps with a time…), which PyYAML builds.
Tests hold both equal to PyYAML's on many generated scalars.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from tbkl_gen.nd30.patterns import LazyPattern, lazy

STR_TAG = "tag:yaml.org,2002:str"
NULL_TAG = "tag:yaml.org,2002:null"
BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"

# PyYAML's implicit resolvers (yaml/resolver.py), in the order it adds them, each with the first
# characters it is tried for ("" for the empty value).
_RESOLVERS: tuple[tuple[str, LazyPattern, str | list[str]], ...] = (
    (
        BOOL_TAG,
        lazy(
            r"""^(?:yes|Yes|YES|no|No|NO
                    |true|True|TRUE|false|False|FALSE
                    |on|On|ON|off|Off|OFF)$""",
            re.X,
        ),
        "yYnNtTfFoO",
    ),
    (
        "tag:yaml.org,2002:float",
        lazy(
            r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
                    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN))$""",
            re.X,
        ),
        "-+0123456789.",
    ),
    (
        INT_TAG,
        lazy(
            r"""^(?:[-+]?0b[0-1_]+
                    |[-+]?0[0-7_]+
                    |[-+]?(?:0|[1-9][0-9_]*)
                    |[-+]?0x[0-9a-fA-F_]+
                    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$""",
            re.X,
        ),
        "-+0123456789",
    ),
    ("tag:yaml.org,2002:merge", lazy(r"^(?:<<)$"), "<"),
    (
        NULL_TAG,
        lazy(
            r"""^(?: ~
                    |null|Null|NULL
                    | )$""",
            re.X,
        ),
        ["~", "n", "N", ""],
    ),
    (
        TIMESTAMP_TAG,
        lazy(
            r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
                    |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
                     (?:[Tt]|[ \t]+)[0-9][0-9]?
                     :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
                     (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
            re.X,
        ),
        "0123456789",
    ),
    ("tag:yaml.org,2002:value", lazy(r"^(?:=)$"), "="),
    ("tag:yaml.org,2002:yaml", lazy(r"^(?:!|&|\*)$"), "!&*"),
)

_BY_FIRST: dict[str, list[tuple[str, LazyPattern]]] = {}
for _tag, _pattern, _firsts in _RESOLVERS:
    for _first in _firsts:
        _BY_FIRST.setdefault(_first, []).append((_tag, _pattern))

# The first characters some resolver is tried for: a plain value starting otherwise is text.
STARTS = frozenset(first for first in _BY_FIRST if first)
# The first characters only words are resolved for (the booleans yes, on, False…, and null), none
# longer than WORD_LONGEST: a plain value starting with one of them and longer is text (a test
# holds this to the table above), and most of a notice's text is told so without a resolver.
WORD_STARTS = frozenset("yYnNtTfFoO")
WORD_LONGEST = 5


def same_table(resolvers: dict[Any, list[tuple[str, Any]]]) -> bool:
    """Tell whether resolvers (a loader's `yaml_implicit_resolvers`) is the table above."""
    if set(resolvers) != set(_BY_FIRST):
        return False
    return all(
        [(tag, regexp.pattern, regexp.flags) for tag, regexp in resolvers[first]]
        == [(tag, pattern.pattern, pattern.flags) for tag, pattern in ours]
        for first, ours in _BY_FIRST.items()
    )


@lru_cache(maxsize=2048)
def plain_tag(value: str) -> str:
    """Return the tag PyYAML's safe loader resolves a plain scalar to."""
    for tag, pattern in _BY_FIRST.get(value[:1], ()):
        if pattern.match(value):
            return tag
    return STR_TAG


# What `construct` returns for a form it leaves to PyYAML.
NOT_SIMPLE: Any = object()


_DECIMAL = lazy(r"[-+]?(?:0|[1-9][0-9]*)")
_DATE = lazy(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# SafeConstructor.bool_values
_BOOLEANS = {"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False}


def construct(tag: str, value: str) -> Any:
    """Return the value of a plain scalar of tag, as SafeConstructor builds it.

    Raise ValueError or KeyError where it does (an impossible date, an integer too long for
    Python to read), and return NOT_SIMPLE for a form left to PyYAML.
    """
    if tag == NULL_TAG:
        return None
    if tag == BOOL_TAG:
        return _BOOLEANS[value.lower()]
    if tag == INT_TAG and _DECIMAL.fullmatch(value):
        return int(value)
    if tag == TIMESTAMP_TAG:
        date = _DATE.fullmatch(value)
        if date is not None:
            return dt.date(int(date.group(1)), int(date.group(2)), int(date.group(3)))
    return NOT_SIMPLE
