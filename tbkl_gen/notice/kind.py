"""What a kind of document is: one value that the whole pipeline reads.

A kind (Thông báo, Công văn, Giấy mời) is declared as data, like a Sphinx builder or a pandoc
writer: its key in a source (`loai: cong_van`), its document type of the decree (title, code),
its model (a declared dataclass made of the shared parts and its own fields), where its summary
prints, how its own fields become body blocks, the checks it adds, the first recipient it
suggests and the sample it starts a new source with. The layout, the templates, the audit, the
importer and the sidecar read these values; none of them names a kind.

`tbkl_gen.notice.kinds` holds the table of kinds; a new kind is one module that declares its
model and its `Kind` and registers it there.
"""

# No `from __future__ import annotations` here, as in the other declaring modules (`notice.fields`):
# `Finding` is a typing.NamedTuple, which turns each annotation given as text into a ForwardRef, and a
# ForwardRef compiles its text; a process's first `compile` also makes the ~120 classes of the `ast`
# module (~2 ms of a cold check or render, benchmarks/README.md, "Seventh pass").
import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from tbkl_gen.nd30.document_types import SUMMARY_PREFIX, DocumentType
from tbkl_gen.notice import fields as declaration
from tbkl_gen.nd30.patterns import lazy
from tbkl_gen.notice.model import SUMMARY_KEY, Appendices, Header, Recipients, Settings, SignerBlock

Path_ = tuple[str | int, ...]

ISSUER = "{co_quan}"
"""In a kind's sample text, the office's name in running text: "Thực hiện …, {co_quan} đề nghị …"."""

SummaryPlace = Literal["title", "number"]
"""Where the summary prints: centred under the type's name (ô 5a), or "V/v …" under the number (ô 5b)."""


class Finding(NamedTuple):
    """A problem a kind's own check finds in a document: where, what, how to fix it."""

    path: Path_
    message: str
    hint: str = ""
    error: bool = True
    code: str = ""


def _no_checks(document: Any) -> Iterable[Finding]:
    return ()


def _as_read(data: dict[str, Any]) -> dict[str, Any]:
    return data


def _body_blocks(document: Any) -> tuple[Any, ...]:
    body: tuple[Any, ...] = document.noi_dung
    return body


@dataclass(frozen=True)
class Kind:
    """One kind of document: everything the tool needs to read, check, lay out and write it."""

    key: str
    """The value of `loai:` in a source: "cong_van"."""
    name: str
    """The kind's name in running Vietnamese text: "Công văn"."""
    model: type
    """The declared dataclass a source of this kind builds: the shared parts and its own fields, and
    as its `document_type` the decree's type (the title printed, "" for none; the code in the symbol)."""
    summary: SummaryPlace = "title"
    """Where the summary (`trich_yeu`) prints."""
    summary_required: bool = True
    """Whether every document of this kind has a summary (an invitation may have none)."""
    body: Callable[[Any], tuple[Any, ...]] = _body_blocks
    """The document's body as the shared blocks (paragraphs, mục, khoản, …), its own fields included."""
    checks: Callable[[Any], Iterable[Finding]] = _no_checks
    """What this kind checks beyond the shared parts' checks (`validate`)."""
    read_body: Callable[[dict[str, Any]], dict[str, Any]] = _as_read
    """How the importer reads the kind's own fields back from the body it read (source data in, source data out)."""
    first_recipient: str | None = None
    """The recipient line a document of this kind starts its "Nơi nhận" with: "Như trên"."""
    first_recipient_for: str | None = None
    """The key naming the addressees that `first_recipient` stands for ("kinh_gui" of a letter,
    "thanh_phan" of an invitation): when it is given, `validate` warns about recipients that do not
    start with `first_recipient`. None: `tbkl new` writes the line, nothing checks it."""
    title_key: str = SUMMARY_KEY
    """The key `tbkl new "…"` writes its title in: the summary, or an invitation's meeting content."""
    sample: dict[str, Any] = field(default_factory=dict, compare=False)
    """This kind's own keys with sample values, written by `tbkl new --loai` after the office's defaults;
    `ISSUER` in a sample's text stands for the office's name in running text (`co_quan.ten_goi`)."""
    description: str = ""
    """One line in Vietnamese: what the kind is for (menus, `tbkl new --help`)."""
    heading_colon: bool = False
    """Whether a section heading typed with a final ":" keeps it on import ("I. THÀNH PHẦN MỜI:" over
    the list it announces, as invitations and letters print them); a conclusion notice's drops it."""

    @property
    def document_type(self) -> DocumentType:
        """The decree's type of this kind's documents, as its model declares it."""
        found: DocumentType = self.model.document_type  # type: ignore[attr-defined]
        return found

    def own_keys(self) -> tuple[declaration.Declared, ...]:
        """Return the keys this kind declares beyond the shared parts (what its sidecar and page add)."""
        found = _OWN_KEYS.get(self.model)
        if found is None:  # a model's declaration never changes: made once (the checks and the layout ask at each notice)
            shared = {key.name for part in SHARED_PARTS for key in declaration.declared(part)}
            found = _OWN_KEYS[self.model] = tuple(
                key for key in declaration.declared(self.model) if key.name not in shared and not key.source_only
            )
        return found

    def all_keys(self) -> frozenset[str]:
        """Return every key a source of this kind may hold, at any depth."""
        return frozenset(key.name for cls in declaration.classes_under(self.model) for key in declaration.declared(cls))


_OWN_KEYS: dict[type, tuple[declaration.Declared, ...]] = {}
"""`Kind.own_keys` of each model, as `fields.declared` keeps each class's keys."""

_PREFIX = lazy(rf"^\s*{re.escape(SUMMARY_PREFIX)}\s*[:.]?\s*", re.IGNORECASE)


def bare_summary(text: str) -> str:
    """Return a summary printed under the number without the "V/v" a drafter typed: the layout prints it."""
    return _PREFIX.sub("", text, count=1)


SHARED_PARTS: tuple[type, ...] = (Settings, Header, Recipients, SignerBlock, Appendices)
"""The parts every kind is made of; a kind's own fields are the others."""


def own_values(kind: Kind, document: Any, leaving: tuple[str, ...] = ()) -> dict[str, Any]:
    """Return the kind's own fields of a document as plain values: text, lists, dates as ISO text, parts as mappings.

    The keys named in leaving are left out, and not converted (the body is the largest value of all)."""
    return {key.name: plain(getattr(document, key.name, None)) for key in kind.own_keys() if key.name not in leaving}


def plain(value: Any) -> Any:
    """Return a value of a document as JSON would hold it: dates as ISO text, parts as mappings (None fields left out), lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value) if getattr(value, f.name) is not None}
    if isinstance(value, (tuple, list)):
        return [plain(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def own_texts(kind: Kind, document: Any) -> Iterator[tuple[Path_, str]]:
    """Yield (path, text) for the drafter's text in the kind's own fields (blocks excepted)."""
    for key in kind.own_keys():
        yield from _texts_in(getattr(document, key.name, None), (key.name,))


def _texts_in(value: Any, path: Path_) -> Iterator[tuple[Path_, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            if isinstance(item, str):
                yield path + (index,), item
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from _texts_in(getattr(value, item.name), path + (item.name,))
