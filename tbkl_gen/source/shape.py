"""The shape of a notice: plain data held to the rules of its declaration, or sent to be explained.

`check_shape` prepares the data `read` read (NFC, blanks, empty optional keys) and builds the
notice object straight from it when it plainly follows the declaration (`notice.model.from_data`).
Otherwise `explain` asks the pydantic model, whose refusals become Vietnamese messages; only then
are pydantic and the explanations imported, so a well-formed source loads neither.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from tbkl_gen.errors import Problem, Severity
from tbkl_gen.notice import fields as declaration
from tbkl_gen.notice.model import Notice, from_data
from tbkl_gen.source.dates import impossible_date
from tbkl_gen.source.places import Path_, Source

_KEYS = [key for cls in declaration.classes_under(Notice) for key in declaration.declared(cls)]
# Keys with a default that a drafter may leave empty (`noi_nhan:`, `quyen_han:`) to mean "none";
# a key the notice requires (`noi_dung:` left empty) stays, to be reported.
_EMPTY_MEANS_DEFAULT = frozenset(key.name for key in _KEYS if not key.required and key.default is not None)
_REQUIRED = frozenset(key.name for key in declaration.declared(Notice) if key.required)
# Lists of text in which an item left empty (`- ` alone) is a slip, reported by validation.
_TEXT_LISTS = frozenset(
    key.name
    for key in _KEYS
    if (item := declaration.item_of(declaration.optional_of(key.type) or key.type)) is str or declaration.tagged_members(item)
)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def _prepare(source: Source) -> list[Problem]:
    """Bring plain data closer to what the model accepts without hiding any mistake.

    In one pass over the data: every string is normalised to NFC (with a warning where the
    drafter's text was not), blank strings become "", an item left empty in a list of text
    becomes "", and optional keys left empty are dropped (`noi_nhan:` means no recipients).
    """
    problems: list[Problem] = []

    def leaf(value: Any, path: Path_) -> Any:
        if isinstance(value, str):
            normal = unicodedata.normalize("NFC", value)
            if normal != value:
                problems.append(
                    Problem(
                        source.place(path),
                        "chữ tiếng Việt ở dạng tổ hợp (NFD), đã chuyển sang dạng dựng sẵn (NFC)",
                        Severity.WARNING,
                        hint="lưu tệp với Unicode dựng sẵn để tìm kiếm và so sánh đúng",
                        code="nfd",
                    )
                )
            return normal if normal.strip() else ""
        if value is None and len(path) >= 2 and isinstance(path[-1], int) and path[-2] in _TEXT_LISTS:
            return ""
        return value

    def walk(value: Any, path: Path_) -> Any:
        if isinstance(value, dict):
            return {
                k: walk(v, path + (k,))
                for k, v in value.items()
                if not (v is None and k in _EMPTY_MEANS_DEFAULT and (path or k not in _REQUIRED))
            }
        if isinstance(value, list):
            return [walk(v, path + (i,)) for i, v in enumerate(value)]
        return leaf(value, path)

    source.data = walk(source.data, ())
    meeting = source.data.get("ngay_hop")
    if isinstance(meeting, str) and ("ngay_hop",) not in source.broken:
        match = _ISO_DATE.match(meeting.strip())
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                source.data["ngay_hop"] = dt.date(year, month, day)
            except ValueError:
                message, hint = impossible_date(year, month, day)
                problems.append(Problem(source.place(("ngay_hop",)), message, hint=hint, code="date"))
                source.broken.add(("ngay_hop",))
    return problems


def check_shape(source: Source) -> tuple[Notice | None, list[Problem], Notice | None]:
    """Return the notice (or None), the problems, and a stand-in notice for meaning checks.

    Data that plainly follows the declaration is built without pydantic; anything else goes to
    the pydantic model, whose refusals `explain` turns into problems and stand-ins.
    """
    warnings = _prepare(source)
    data = source.data
    notice = from_data(data)
    if notice is not None:
        return notice, warnings, None
    # pydantic and the explanations load only for a source the builder is unsure of
    from tbkl_gen.source.explain import check_with_model

    notice, problems, stand_in = check_with_model(source, data)
    return notice, warnings + problems, stand_in


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
