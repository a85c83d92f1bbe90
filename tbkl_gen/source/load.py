"""Load one notice: read its source (`read`), merge the office defaults (`workspace`), hold the
result to the notice's shape (`shape`).

A notice is loaded from its file (`load_notice`) or from its text (`load_text`, for a page or
an importer); both give the same problems for the same content.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tbkl_gen.errors import Problem, in_order
from tbkl_gen.notice.model import Notice
from tbkl_gen.notice.model import EXTEND_KEY, MEETING_KEY
from tbkl_gen.source.places import Source
from tbkl_gen.source.read import capped, read_source, read_text
from tbkl_gen.source.shape import check_shape
from tbkl_gen.source.workspace import merge_defaults


@dataclass
class Loaded:
    """The outcome of loading one notice: the notice if it is valid, and every problem found.

    `partial` is a notice for meaning checks only, never to be rendered: the one the model
    built although reading found errors it does not see (a duplicate key, a refused tag), or
    one with stand-ins for the values the model refused. Its source's `broken` paths say which
    messages about it are to be dropped.
    """

    path: Path
    notice: Notice | None
    source: Source | None
    problems: list[Problem]
    partial: Notice | None = None


def load_notice(path: Path, defaults: Source | None = None, *, raw: bytes | None = None) -> Loaded:
    """Read and validate the shape of one notice, merged over the office defaults when given.

    raw: the file's bytes when the caller has just read them (see `read.read_source`)."""
    source, problems = read_source(path, raw=raw)
    if source is None:
        return Loaded(path, None, None, problems)
    return build_notice(source, defaults)


def load_text(text: str, path: Path, defaults: Source | None = None) -> Loaded:
    """Load a notice from its text as if it were the file at path (see `read.read_text`)."""
    source, problems = read_text(text, path)
    if source is None:
        return Loaded(path, None, None, problems)
    return build_notice(source, defaults)


def build_notice(source: Source, defaults: Source | None = None) -> Loaded:
    """Turn plain data (merged with defaults) into a `Notice`, or the problems that prevent it."""
    meeting = shared_meeting(source, defaults)
    if meeting is not None:
        # the meeting's facts come from the other source, the office's defaults under them
        defaults = meeting if defaults is None else merge_defaults(meeting, defaults)
    if defaults is None and EXTEND_KEY not in source.data:
        merged = source
    else:
        merged = merge_defaults(source, defaults or Source(source.path, {}))
        merged.broken = set(source.broken)
        for written in (defaults, source):
            if written is not None:
                mine = [p for p in written.flow | set(written.comments) if merged.file_of(p) == written.path]
                merged.flow |= {p for p in mine if p in written.flow}
                merged.comments.update({p: written.comments[p] for p in mine if p in written.comments})
    merged.linked = list(source.linked)
    notice, problems, stand_in = check_shape(merged)
    problems = capped(source.path, in_order(source.path, [*source.problems, *problems]))
    if any(p.is_error for p in source.problems):
        return Loaded(source.path, None, merged, problems, partial=notice or stand_in)
    return Loaded(source.path, notice, merged, problems, partial=stand_in)


MAX_LINKS = 8
"""How many sources a chain of `cuoc_hop: …` links may pass through (a loop is named before)."""


def shared_meeting(source: Source, defaults: Source | None) -> Source | None:
    """Return the meeting a source shares with another one (`cuoc_hop: giay-moi.yaml`), as a source
    holding only that file's `cuoc_hop`, with its places; None when the meeting is written in place.

    The other file is a source beside the notices (.yaml, inside the workspace, or the source's own
    folder outside one); when it links on in turn (`cuoc_hop: another.yaml`), the link is followed
    to the file that writes the meeting, and a loop is named. Every file read is recorded in the
    source's `linked`. A problem with them is the source's, at its `cuoc_hop`, and the key is then
    dropped so that nothing else is said about it.
    """
    named = source.data.get(MEETING_KEY) if isinstance(source.data, dict) else None
    if not isinstance(named, str):
        return None
    here = source.place((MEETING_KEY,))
    source.data = {k: v for k, v in source.data.items() if k != MEETING_KEY}
    source.broken.add((MEETING_KEY,))
    boundary = (defaults.path if defaults is not None else source.path).resolve().parent
    start = source.path.resolve()
    chain = [start]
    folder = source.path.parent
    problem = None
    while problem is None:
        target = (folder / named.strip()).resolve()
        shown = _shown(target, start.parent, named)
        if target.suffix.lower() not in (".yaml", ".yml"):
            problem = f"“{shown}” không phải tệp nguồn .yaml"
        elif boundary != target.parent and boundary not in target.parents:
            problem = f"tệp “{shown}” nằm ngoài thư mục làm việc"
        elif target == start and len(chain) == 1:
            problem = "cuoc_hop không thể là chính tệp này"
        elif target in chain:
            loop = " → ".join(_shown(path, start.parent, path.name) for path in [*chain, target])
            problem = f"liên kết vòng: {loop}; ghi cuộc họp (chu_tri, thoi_gian, dia_diem) trong một tệp"
        elif len(chain) > MAX_LINKS:
            problem = f"quá {MAX_LINKS} tệp nối nhau qua cuoc_hop; ghi thẳng tên tệp giấy mời"
        if problem is not None:
            break
        source.linked.append(target)
        chain.append(target)
        other, problems = read_source(target)
        written = other.data.get(MEETING_KEY) if other is not None and isinstance(other.data, dict) else None
        if other is None or any(p.is_error for p in problems):
            problem = f"tệp “{shown}”: " + (problems[0].message if problems else "không đọc được")
        elif isinstance(written, str):
            named, folder = written, target.parent  # it shares the meeting of another file in turn
        elif not isinstance(written, dict):
            problem = f"tệp “{shown}” không có cuoc_hop (chu_tri, thoi_gian, dia_diem)"
        else:
            other.data = {MEETING_KEY: written}
            return other
    source.problems.append(Problem(here, problem, hint="ghi tên tệp giấy mời cùng thư mục, ví dụ cuoc_hop: giay-moi-16-4.yaml"))
    return None


def _shown(path: Path, folder: Path, written: str) -> str:
    """Return a linked file's name as the drafter knows it: relative to the source's folder when it can be."""
    try:
        return Path(os.path.relpath(path, folder)).as_posix()
    except ValueError:  # another drive on Windows
        return written.strip()
