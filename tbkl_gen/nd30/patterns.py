"""Regular expressions compiled on first use, not at import.

Compiling the decree's grammars takes longer than the rest of a cold `tbkl check` does (the
archive line's patterns hold the Vietnamese letters many times over), and most runs use a few of
them: a `LazyPattern` keeps the source text and compiles it the first time it matches, so each
command pays only for the patterns it uses. It answers what the modules ask of a compiled
`re.Pattern` (match, search, fullmatch, sub, finditer, findall, split, pattern, groupindex);
`compiled` gives the `re.Pattern` itself. Once compiled, its methods are the compiled pattern's
own, so a pattern used in a loop costs what a `re.compile` at import would.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from typing import Any, Final


class LazyPattern:
    """A regular expression compiled the first time it is used; the same answers as `re.compile(source, flags)`."""

    _METHODS: Final = ("match", "fullmatch", "search", "finditer", "findall", "split", "sub", "subn")

    def __init__(self, source: str, flags: int | re.RegexFlag = 0) -> None:
        self._source: Final = source
        self._flags: Final = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiled now if it has not been)."""
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self._source, self._flags)
            # From now on `pattern.match` is the compiled pattern's own method (an instance
            # attribute comes before the class's function), so a hot loop pays nothing for laziness.
            self.__dict__.update({name: getattr(compiled, name) for name in self._METHODS})
        return compiled

    @property
    def pattern(self) -> str:
        return self._source

    @property
    def flags(self) -> int:
        return self.compiled.flags

    @property
    def groupindex(self) -> dict[str, int]:
        return dict(self.compiled.groupindex)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.fullmatch(string, pos, endpos)

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        return self.compiled.findall(string, pos, endpos)

    def split(self, string: str, maxsplit: int = 0) -> list[str | Any]:
        return self.compiled.split(string, maxsplit)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        return self.compiled.sub(repl, string, count)

    def subn(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> tuple[str, int]:
        return self.compiled.subn(repl, string, count)

    def __repr__(self) -> str:
        return f"LazyPattern({self._source!r}, {self._flags!r})"


def lazy(source: str, flags: int | re.RegexFlag = 0) -> LazyPattern:
    """Return source as a pattern compiled on first use (`re.compile`'s arguments)."""
    return LazyPattern(source, flags)
