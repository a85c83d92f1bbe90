"""The shape of a notice: plain data held to the rules of its declaration, or sent to be explained.

`check_shape` prepares the data `read` read (NFC, blanks, empty optional keys) and builds the
notice object straight from it when it plainly follows the declaration (`notice.model.from_data`).
Otherwise `explain` asks the pydantic model, whose refusals become Vietnamese messages; only then
are pydantic and the explanations imported, so a well-formed source loads neither.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from tbkl_gen.errors import Fix, Problem, Severity
from tbkl_gen.nd30.words import date_parts
from tbkl_gen.notice import fields as declaration
from tbkl_gen.notice.kind import Kind
from tbkl_gen.notice.kinds import DEFAULT, KINDS, closest, kind_named
from tbkl_gen.notice.model import from_data
from tbkl_gen.source.dates import impossible_date
from tbkl_gen.source.places import Path_, Source


class _Keys:
    """What preparing the data of one kind reads from its declaration, computed once per kind."""

    def __init__(self, model: type) -> None:
        keys = [key for cls in declaration.classes_under(model) for key in declaration.declared(cls)]
        # Keys with a default that a drafter may leave empty (`noi_nhan:`, `quyen_han:`) to mean "none";
        # a key the document requires (`noi_dung:` left empty) stays, to be reported.
        self.empty_means_default = frozenset(key.name for key in keys if not key.required and key.default is not None)
        self.required = frozenset(key.name for key in declaration.declared(model) if key.required)
        # Lists of text in which an item left empty (`- ` alone) is a slip, reported by validation.
        self.text_lists = frozenset(
            key.name
            for key in keys
            if (item := declaration.item_of(declaration.optional_of(key.type) or key.type)) is str or declaration.tagged_members(item)
        )


_BY_MODEL: dict[type, _Keys] = {}


def _keys(model: type) -> _Keys:
    found = _BY_MODEL.get(model)
    if found is None:
        found = _BY_MODEL[model] = _Keys(model)
    return found


def _prepare(source: Source, kind: Kind) -> list[Problem]:
    """Bring plain data closer to what the model accepts without hiding any mistake.

    In one pass over the data: every string is normalised to NFC (with a warning where the
    drafter's text was not), blank strings become "", an item left empty in a list of text
    becomes "", and optional keys left empty are dropped (`noi_nhan:` means no recipients).
    """
    preparing = _Preparing(source, _keys(kind.model))
    source.data = preparing.walk(source.data, ())
    problems = preparing.problems
    meeting = source.data.get("ngay_hop")
    if isinstance(meeting, str) and ("ngay_hop",) not in source.broken:
        parts = date_parts(meeting)
        year, month, day = parts if parts is not None else (0, None, None)
        if month is not None and day is not None:
            try:
                source.data["ngay_hop"] = dt.date(year, month, day)
            except ValueError:
                message, hint = impossible_date(year, month, day)
                problems.append(Problem(source.place(("ngay_hop",)), message, hint=hint, code="date"))
                source.broken.add(("ngay_hop",))
    return problems


class _Preparing:
    """The pass of `_prepare` over one source's data, and the problems it found.

    A class, not functions nested in `_prepare`: the nested `walk` called itself through its own
    closure, a reference cycle that held the source, its data and its places (~240 objects a
    notice) until the cycle collector ran, which a batch's worker then did every fifty notices
    or so at ~5 ms a pass; freed as soon as a notice is done with, nothing waits for it now
    (tests/test_pipeline.py holds a notice's run free of cycles).
    """

    __slots__ = ("keys", "problems", "source")

    def __init__(self, source: Source, keys: _Keys) -> None:
        self.source = source
        self.keys = keys
        self.problems: list[Problem] = []

    def walk(self, value: Any, path: Path_) -> Any:
        # A string, the most values, goes to `text`, which makes its path only for a string to report.
        if isinstance(value, dict):
            keys = self.keys
            found: dict[Any, Any] = {}
            for k, v in value.items():
                if isinstance(v, str):
                    found[k] = self.text(v, path, k)
                elif not (v is None and k in keys.empty_means_default and (path or k not in keys.required)):
                    found[k] = self.walk(v, path + (k,))
            return found
        if isinstance(value, list):
            return [self.walk(v, path + (i,)) if not isinstance(v, str) else self.text(v, path, i) for i, v in enumerate(value)]
        return self.leaf(value, path)

    def text(self, value: str, path: Path_, key: str | int) -> str:
        """Return the string at path + (key,) as `leaf` does, the path made only for a string to report."""
        normal = unicodedata.normalize("NFC", value)
        if normal is not value and normal != value:
            return self.leaf(value, path + (key,))  # type: ignore[no-any-return]
        return normal if normal and not normal.isspace() else ""

    def leaf(self, value: Any, path: Path_) -> Any:
        if isinstance(value, str):
            normal = unicodedata.normalize("NFC", value)
            if normal != value:
                source = self.source
                self.problems.append(
                    Problem(
                        source.place(path),
                        "chữ tiếng Việt ở dạng tổ hợp (NFD), đã chuyển sang dạng dựng sẵn (NFC)",
                        Severity.WARNING,
                        hint="lưu tệp với Unicode dựng sẵn để tìm kiếm và so sánh đúng",
                        code="nfd",
                        fix=Fix("chuyển sang chữ dựng sẵn (NFC)", tuple(path), normal, value)
                        if source.file_of(path) == source.path
                        else None,
                    )
                )
            return normal if normal.strip() else ""
        if value is None and len(path) >= 2 and isinstance(path[-1], int) and path[-2] in self.keys.text_lists:
            return ""
        return value


def source_kind(source: Source) -> tuple[Kind, list[Problem]]:
    """Return the kind the source says it is (`loai:`; none: a notice), and the problem of an unknown one.

    An unknown kind is reported, and the source is held to the default kind's shape meanwhile,
    so that its other mistakes are still found.
    """
    data = source.data if isinstance(source.data, dict) else {}
    written = data.get("loai")
    kind = kind_named(written)
    if kind is not None:
        return kind, []
    allowed = ", ".join(KINDS)
    guess = closest(written) if isinstance(written, str) else None
    hint = f"có phải “loai: {guess}”? Các loại: {allowed}" if guess else f"các loại văn bản: {allowed}"
    shown_value = written if isinstance(written, str) else repr(written)
    problem = Problem(source.place(("loai",)), f"không có loại văn bản “{shown_value}”", hint=hint, code="kind")
    source.broken.add(("loai",))
    return DEFAULT, [problem]


def check_shape(source: Source) -> tuple[Any | None, list[Problem], Any | None]:
    """Return the document (or None), the problems, and a stand-in document for meaning checks.

    The source's `loai` chooses the kind whose model holds it. Data that plainly follows the
    declaration is built without pydantic; anything else goes to the pydantic model, whose
    refusals `explain` turns into problems and stand-ins.
    """
    kind, problems = source_kind(source)
    if problems:
        source.data = {k: v for k, v in source.data.items() if k != "loai"}
    warnings = problems + _prepare(source, kind)
    data = source.data
    notice = from_data(data, kind.model)
    if notice is not None and not problems:
        return notice, warnings, None
    # pydantic and the explanations load only for a source the builder is unsure of
    from tbkl_gen.source.explain import check_with_model

    built, found, stand_in = check_with_model(source, data, kind.model)
    if problems:
        return None, warnings + found, built or stand_in
    return built, warnings + found, stand_in


# Checks that read these fields together: a stand-in in one silences messages about the others.
_READ_TOGETHER = (("nguoi_ky",), ("ngay", "ngay_hop"), ("co_quan", "so", "ky_hieu"), ("noi_nhan", "luu"))


def read_together(broken: set[Path_]) -> set[Path_]:
    """Return the broken paths with the fields checked together with them: a check that reads a
    refused or stand-in value with another field must not speak about the other one either."""
    widened = set(broken)
    for group in _READ_TOGETHER:
        if any(path[:1] == (member,) for path in broken for member in group):
            widened.update((member,) for member in group)
    return widened
