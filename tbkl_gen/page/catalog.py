"""The catalog of a workspace's documents: what the page's list shows, kept fresh by the files' stat.

The list of documents (year, number, date, kind, summary; the recipients and signers the forms
suggest) is read from every source once, then only from the sources whose size, modification
time or inode changed since: a hand edit, a new file, a removed or renamed one is seen on the
next request, without reading twenty thousand files again. Each request walks notices/ and stats
every file (tens of milliseconds for an office's twenty thousand), then filters and pages in memory.

The catalog is also kept in `.tbkl-service/danh-muc.json` in the workspace, so that a restarted
server does not read every source again. That file is trusted for speed only: an entry is used
only for a file found on disk whose stat matches the entry's, every value is checked for its type
(a wrong one drops the entry, which is then read from its source), a file that is not the
catalog's shape is ignored whole, and the file is written fresh through `files.write_file`.

Each entry also keeps the notice's number as `tbkl check` registers it (`engine.number_of`: the
pipeline run once when the file is read, only for a notice that has a number), so that the
preview of a numbered notice can tell a number used before without reading the notices before
it: at twenty thousand sources that reading took half a minute after a start and one to two
seconds for each preview after.
"""

from __future__ import annotations

import json
import os
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tbkl_gen.files import read_regular, write_file
from tbkl_gen.errors import NotReadable, Place
from tbkl_gen.service.review import NOT_SUBMITTED
from tbkl_gen.source.names import CATALOG_FILE, NOTICES_DIR, SOURCE_SUFFIXES

if TYPE_CHECKING:
    from tbkl_gen.page.engine import NumberAt

VERSION = 2  # 2: the entries keep the number (so_khoa)
MAX_FILE_BYTES = 256 * 1024 * 1024
PAGE_ROWS = 100
MAX_PAGE_ROWS = 500
MAX_MEETINGS = 200  # the documents with a meeting the form offers to link: the most recent ones
MAX_RECIPIENTS = 500  # the recipients the forms suggest: in an office's thousands, the most used ones

UNKNOWN = "?"

SAVE_AFTER_READS = 200
SAVE_AFTER_SECONDS = 300.0

Stamp = tuple[int, int, int]  # size, mtime_ns, inode


@dataclass
class Entry:
    """One document as the list shows it, and what the forms suggest from it."""

    path: str
    nam: int | None = None
    so: str | None = None
    ngay: Any = None  # as the list shows it: dd/mm/yyyy, or the text written
    trich_yeu: str = ""
    doc_duoc: bool = True
    loai: str = ""
    co_cuoc_hop: bool = False
    cuoc_hop_tu: str | None = None
    noi_nhan: list[str] = field(default_factory=list)
    nguoi_ky: dict[str, Any] | None = None
    so_khoa: list[Any] | str | None = UNKNOWN
    """The number as `tbkl check` registers it (`number_json`), None for a notice without one, or
    UNKNOWN when the catalog does not hold it (a source the page does not read, a link): it is
    then found by running the pipeline on the file (`engine.known_number`)."""

    def row(self) -> dict[str, Any]:
        """The list's row for the page: every field but what only the forms' suggestions use."""
        return {name: getattr(self, name) for name in _ROW}

    def as_json(self) -> dict[str, Any]:
        """The entry as the catalog's file keeps it: every field."""
        return {name: getattr(self, name) for name in _ALL}


_ALL = tuple(f.name for f in fields(Entry))
_ROW = tuple(name for name in _ALL if name not in ("noi_nhan", "nguoi_ky", "so_khoa"))


def number_json(number: NumberAt | None, source: Path) -> list[Any] | str | None:
    """Return a number and its place (`pipeline.Outcome.number`) as an entry keeps it; UNKNOWN when
    it is written in another file than source (a linked meeting's), which the entry cannot place."""
    if number is None:
        return None
    key, place = number
    if place.file != source:
        return UNKNOWN
    return [*key, place.line, place.column, place.field]


def number_at(entry: Entry, source: Path) -> NumberAt | None:
    """Return the number an entry keeps (not UNKNOWN) as `number_json` was given it, placed in source."""
    kept = entry.so_khoa
    if not isinstance(kept, list):
        return None
    chu_quan, ten, nam, so, ky_hieu, line, column, where = kept
    return (chu_quan, ten, nam, so, ky_hieu), Place(source, line, column, where)


def _number_shape(value: object) -> bool:
    if value is None or value == UNKNOWN:
        return True
    if not isinstance(value, list) or len(value) != 8:
        return False
    chu_quan, ten, nam, so, ky_hieu, line, column, where = value
    if not all(isinstance(text, str) for text in (chu_quan, ten, so, ky_hieu, where)):
        return False
    return all(isinstance(n, int) and not isinstance(n, bool) for n in (nam,)) and all(
        n is None or (isinstance(n, int) and not isinstance(n, bool)) for n in (line, column)
    )


def folded(text: str) -> str:
    """Return text as the list's search compares it: without accents, đ as d, in lower case (as app.js folds it)."""
    text = unicodedata.normalize("NFD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).replace("đ", "d").replace("Đ", "D").lower()


def _plain(value: object) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def entry_from_json(value: object) -> Entry | None:
    """Return the entry a catalog file holds, or None when any value is not of its type (then the source is read)."""
    if not isinstance(value, dict):
        return None
    try:
        path, nam, so, ngay, title = value["path"], value["nam"], value["so"], value["ngay"], value["trich_yeu"]
        readable, kind, meeting, linked = value["doc_duoc"], value["loai"], value["co_cuoc_hop"], value["cuoc_hop_tu"]
        recipients, signer, number = value["noi_nhan"], value["nguoi_ky"], value["so_khoa"]
    except KeyError:
        return None
    if not isinstance(path, str) or not (nam is None or (isinstance(nam, int) and not isinstance(nam, bool))):
        return None
    if not (so is None or isinstance(so, str)) or not isinstance(title, str) or not isinstance(kind, str):
        return None
    if not isinstance(readable, bool) or not isinstance(meeting, bool) or not (linked is None or isinstance(linked, str)):
        return None
    if not (_plain(ngay) or (isinstance(ngay, (list, dict)) and len(json.dumps(ngay)) < 1000)):
        return None
    if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
        return None
    if signer is not None and not (
        isinstance(signer, dict) and all(isinstance(k, str) and not isinstance(v, dict) for k, v in signer.items())
    ):
        return None
    if not _number_shape(number):
        return None
    return Entry(path, nam, so, ngay, title, readable, kind, meeting, linked, recipients, signer, number)


class Catalog:
    """The documents of one workspace's notices/ folder, refreshed by stat on each `refresh`.

    read is the page's reading of one source into its entry (`server.Page.entry_of`); it is
    called for a file new or changed since the catalog last saw it, in the request's thread.
    """

    def __init__(self, root: Path, read: Callable[[Path, str], Entry]) -> None:
        self.root = root
        self.read = read
        self.lock = threading.Lock()
        self.entries: dict[str, tuple[Stamp, Entry]] = {}
        self.ordered: list[Entry] = []
        self.checked_order: tuple[int, list[Entry]] = (-1, [])  # the entries in `tbkl check`'s order, of a generation
        self.haystacks: dict[str, str] = {}
        self.loaded = False
        self.changed = False
        self.context = ""  # what the entries were read under (the office's defaults): another context, every source read again
        self.generation = 0  # counts the changes of the entries: what is derived from all of them is kept per generation
        self.unsaved = 0  # entries read from their source since the file was last written
        self.saved_at = time.monotonic()

    def reset(self, context: str) -> None:
        """Forget every entry read under another context (the office's defaults changed): each source is read again."""
        with self.lock:
            if not self.loaded:
                self.load()
            if self.context != context:
                self.entries.clear()
                self.ordered = []
                self.generation += 1
                self.changed = True
            self.context = context

    @property
    def file(self) -> Path:
        return self.root / CATALOG_FILE

    # --- the catalog's file -----------------------------------------------------------------

    def load(self) -> None:
        """Read the catalog's file, if any; anything not of its shape is ignored (the sources are read instead)."""
        self.loaded = True
        try:
            raw = read_regular(self.file, MAX_FILE_BYTES, follow_links=False, own=True)
            data = json.loads(raw.decode("utf-8"))
        except (NotReadable, ValueError, RecursionError):
            return
        if not isinstance(data, dict) or data.get("phien_ban") != VERSION or not isinstance(data.get("tep"), dict):
            return
        if not isinstance(data.get("ngu_canh"), str):
            return
        self.context = data["ngu_canh"]
        for path, item in data["tep"].items():
            if not isinstance(item, dict) or not isinstance(path, str):
                continue
            stamp = item.get("stat")
            entry = entry_from_json(item.get("muc"))
            if (
                entry is None
                or entry.path != path
                or not isinstance(stamp, list)
                or len(stamp) != 3
                or not all(isinstance(n, int) and not isinstance(n, bool) for n in stamp)
            ):
                continue
            self.entries[path] = ((stamp[0], stamp[1], stamp[2]), entry)

    def save(self, *, now: bool = False) -> None:
        """Write the catalog's file when it changed (fresh, through files.write_file); a failure only costs speed.

        Not after every edit (writing an office's catalog takes a tenth of a second): once many
        sources were read, or a while after the last write; a restart reads again the few since.
        """
        built = self.unsaved >= len(self.entries)  # every entry read afresh: the file was missing, damaged or of other defaults
        if not self.changed or not (
            now or built or self.unsaved >= SAVE_AFTER_READS or time.monotonic() - self.saved_at > SAVE_AFTER_SECONDS
        ):
            return
        data = {
            "phien_ban": VERSION,
            "ngu_canh": self.context,
            "tep": {path: {"stat": list(stamp), "muc": entry.as_json()} for path, (stamp, entry) in self.entries.items()},
        }
        try:
            write_file(
                self.file, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), inside=self.root, private=True
            )
        except Exception:  # noqa: BLE001 - the catalog is a cache: the list is right without it
            return
        self.changed = False
        self.unsaved = 0
        self.saved_at = time.monotonic()

    # --- the walk ------------------------------------------------------------------------------

    def stamps(self) -> dict[str, tuple[str, Stamp]]:
        """Return every source under notices/ (as find_sources sees them: hidden ones skipped) with its stat.

        Keys are paths relative to the workspace (with /), values the path to open and its stat;
        no Path is made per file (an office's twenty thousand are walked on every request).
        """
        found: dict[str, tuple[str, Stamp]] = {}
        top = self.root / NOTICES_DIR
        if not top.is_dir():
            return found
        resolved = top.resolve()
        pending = [(str(top), f"{NOTICES_DIR}/")]
        while pending:
            folder, prefix = pending.pop()
            try:
                listed = list(os.scandir(folder))
            except OSError:
                continue
            for item in listed:
                name = item.name
                if name[:1] == ".":
                    continue
                try:
                    if item.is_dir(follow_symlinks=False):
                        pending.append((item.path, f"{prefix}{name}/"))
                        continue
                    if not name.lower().endswith(SOURCE_SUFFIXES):
                        continue
                    if item.is_symlink() and (item.is_dir() or not _inside(Path(item.path), resolved)):
                        continue  # as find_sources: a folder's link is not followed, a link out of the folder not listed
                    info = item.stat(follow_symlinks=False)
                except OSError:
                    continue
                found[prefix + name] = (item.path, (info.st_size, info.st_mtime_ns, info.st_ino))
        return found

    def refresh(self) -> None:
        """Bring the catalog up to the disk: read the new and changed sources, forget the removed ones."""
        with self.lock:
            if not self.loaded:
                self.load()
            on_disk = self.stamps()
            dirty = False
            for relative in [r for r in self.entries if r not in on_disk]:
                del self.entries[relative]
                dirty = True
            for relative, (path, stamp) in on_disk.items():
                known = self.entries.get(relative)
                if known is not None and known[0] == stamp:
                    continue
                self.entries[relative] = (stamp, self.read(Path(path), relative))
                self.unsaved += 1
                dirty = True
            self.changed = self.changed or dirty
            if dirty or len(self.ordered) != len(self.entries):
                self.generation += 1
                self.ordered = sorted((entry for _, entry in self.entries.values()), key=lambda e: (-(e.nam or 0), e.path))
                self.haystacks = {e.path: folded(f"{e.nam or ''} {e.so or ''} {e.ngay or ''} {e.trich_yeu} {e.path}") for e in self.ordered}
            self.save()

    # --- what the page asks --------------------------------------------------------------------

    def select(
        self,
        *,
        year: int | None = None,
        kind: str | None = None,
        states: Mapping[str, str] | None = None,
        state: str | None = None,
        words: str = "",
    ) -> list[Entry]:
        """Return the entries matching every filter given, in the list's order (newest year first, then by path)."""
        wanted = folded(words).split()
        if year is None and kind is None and state is None and not wanted:
            return self.ordered
        found = []
        for entry in self.ordered:
            if year is not None and entry.nam != year:
                continue
            if kind is not None and entry.loai != kind:
                continue
            if state is not None and (states or {}).get(entry.path, NOT_SUBMITTED) != state:
                continue
            if wanted:
                haystack = self.haystacks[entry.path]
                if not all(word in haystack for word in wanted):
                    continue
            found.append(entry)
        return found

    def all(self) -> list[Entry]:
        return self.ordered

    def in_check_order(self) -> list[Entry]:
        """Return the entries in the order `tbkl check notices` reads the sources: folder by folder,
        names sorted as `source.names.find_sources` sorts them (as tuples of the path's names)."""
        with self.lock:
            generation, entries = self.checked_order
            if generation != self.generation:
                entries = sorted((entry for _, entry in self.entries.values()), key=lambda e: e.path.split("/"))
                self.checked_order = (self.generation, entries)
            return entries


def _inside(link: Path, root: Path) -> bool:
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):
        return False
    return target == root or root in target.parents


def counts(entries: Iterable[Entry], states: Mapping[str, str]) -> dict[str, dict[str, int]]:
    """Return how many documents there are by year, kind and state (for the list's filters)."""
    by_year: dict[str, int] = {}
    by_kind: dict[str, int] = {}
    by_state: dict[str, int] = {}
    for entry in entries:
        year = str(entry.nam) if entry.nam is not None else ""
        by_year[year] = by_year.get(year, 0) + 1
        by_kind[entry.loai] = by_kind.get(entry.loai, 0) + 1
        state = states.get(entry.path, NOT_SUBMITTED)
        by_state[state] = by_state.get(state, 0) + 1
    return {"nam": by_year, "loai": by_kind, "trang_thai": by_state}
