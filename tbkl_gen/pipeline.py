"""One notice, from its text to its Word document: the pipeline that every caller uses.

`run` takes the text of one notice, the path it is known by and the workspace it belongs to, and
returns an `Outcome`: every problem in the order it is printed, the notice, its layout and the
bytes of its document. `tbkl check`, `tbkl render` (each notice of a batch, in whichever process
renders it), a drafting page and an importer all call it, so the same source gets the same
messages whoever reads it. `run_file` is `run` for a file on disk, with the file's own checks.

The steps:

1. load (`source.load`): YAML → plain data with places → merged over the office defaults → the
   notice's shape. A notice that reading found errors in is still built in part, for step 2;
2. validate (`validate`): the decree's rules and drafters' slips, except about values already
   reported as unreadable;
3. find the template it asks for (`template_request`): a problem where it was named if there is
   none or it may not be used;
4. order: the problems of the workspace's `tbkl.yaml` first, then the notice's in line order,
   then those in the files it inherits from;
5. lay out (`word.layout`) and render (`word.render`, `word.write`): only a valid notice, and only
   as far as asked (`until`).

A number used twice is a problem across notices: `NumberRegistry` finds it for the callers that
hold many, and `Outcome.add` puts its problem in its place.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from tbkl_gen.errors import Place, Problem, Severity, TbklError, in_order, shortened
from tbkl_gen.nd30.words import number_text
from tbkl_gen.notice.kind import Kind
from tbkl_gen.notice.kinds import kind_of
from tbkl_gen.notice.model import Notice
from tbkl_gen.source.load import Loaded, build_notice, load_notice, load_text
from tbkl_gen.source.places import Path_, Source, field_path
from tbkl_gen.source.shape import read_together
from tbkl_gen.source.workspace import Workspace
from tbkl_gen.validate import validate

if TYPE_CHECKING:
    from tbkl_gen.word.layout import Layout

Stage = Literal["check", "layout", "document"]
"""How far `run` goes with a valid notice: its problems only, its layout too, or its document too."""

TemplateFinder = Callable[[str | None, Path | None, Path | None, Path | None], Path]
"""Find a template file from its name (None: the default), the workspace's templates folder, the
folder it was written in and the folder it may not leave (see `word.render.find_template`); raise
a `TbklError` when there is none or it may not be used."""

NumberKey = tuple[str, str, int, str, str]
"""What makes a number unique: parent body, issuing body, year, number and symbol."""

# The fields a number is unique by; when one of them could not be read, no comparison is made.
_NUMBERED_BY = {("co_quan",), ("so",), ("ky_hieu",), ("ngay",)}


@dataclass
class Outcome:
    """What became of one notice: its problems and, as far as it got, its notice, layout and document."""

    path: Path
    workspace_problems: list[Problem] = field(default_factory=list)
    """Problems of the workspace's `tbkl.yaml` itself; a caller of many notices prints them once."""
    notice_problems: list[Problem] = field(default_factory=list)
    """The notice's problems: its own in line order, then those in the files it inherits from."""
    notice: Notice | None = None
    """The notice, when loading could build it whole (its meaning may still be wrong)."""
    kind: Kind | None = None
    """The document's kind (`loai`), when loading could read it."""
    source: Source | None = None
    """The source merged with the office defaults: where each value was written."""
    layout: Layout | None = None
    document: bytes | None = None
    """The .docx bytes: only for a valid notice, and only when asked."""
    template: Path | None = None
    """The template the document was rendered through."""
    number: tuple[NumberKey, Place] | None = None
    """What makes the notice's number unique, and where the number was written; None on a draft
    (no number) and when the body, number, symbol or date could not be read."""
    linked: tuple[Path, ...] = ()
    """The other sources the notice was built from (the invitation whose meeting it shares)."""

    @property
    def problems(self) -> list[Problem]:
        """Every problem, in the order to print them."""
        return [*self.workspace_problems, *self.notice_problems]

    @property
    def valid(self) -> bool:
        """Tell whether the notice can be rendered: it loaded whole and nothing is an error."""
        return self.notice is not None and not any(p.is_error for p in self.problems)

    def add(self, problem: Problem) -> None:
        """Add a problem found later (a number used twice, a template), in its place in the order."""
        self.notice_problems = in_order(self.path, unique([*self.notice_problems, problem]))

    def summary(self) -> Outcome:
        """Return the outcome without its notice, source, layout and document: what a report needs,
        light enough to send from a worker process."""
        return Outcome(
            self.path,
            self.workspace_problems,
            self.notice_problems,
            kind=self.kind,
            template=self.template,
            number=self.number,
            linked=self.linked,
        )


def run(
    text: str,
    path: Path,
    workspace: Workspace | None,
    *,
    until: Stage = "document",
    template: str | None = None,
    find_template: TemplateFinder | None = None,
) -> Outcome:
    """Check one notice's text and, when it is valid, lay it out and render it (see `until`).

    path names the notice in messages and places relative templates (`mau: mau-rieng.docx`); it
    need not exist. template, when given, is the template name or .docx path chosen over the
    notice's and the workspace's (the command line's `--template`); find_template finds the
    file (default: `word.render.find_template`).
    """
    loaded = load_text(text, path, workspace.defaults if workspace is not None else None)
    return _carry_on(loaded, path, workspace, until, template, find_template)


def run_read(source: Source, workspace: Workspace | None, *, until: Stage = "document") -> Outcome:
    """`run` on a notice already read from its text (`source.read.read_text`): the rest of the same
    pipeline, for a caller that looked at the source's data first (the page's catalog)."""
    loaded = build_notice(source, workspace.defaults if workspace is not None else None)
    return _carry_on(loaded, source.path, workspace, until, None, None)


def run_file(
    path: Path,
    workspace: Workspace | None,
    *,
    until: Stage = "document",
    template: str | None = None,
    find_template: TemplateFinder | None = None,
    raw: bytes | None = None,
) -> Outcome:
    """Run the pipeline on a notice's file: `run` on its text, after the file's own checks (a
    regular file, its size, its encoding), with the same messages. raw: the file's bytes when
    the caller has just read them (a batch, which hashed them): the file is not read again."""
    loaded = load_notice(path, workspace.defaults if workspace is not None else None, raw=raw)
    return _carry_on(loaded, path, workspace, until, template, find_template)


def _carry_on(
    loaded: Loaded, path: Path, workspace: Workspace | None, until: Stage, template: str | None, find_template: TemplateFinder | None
) -> Outcome:
    outcome = Outcome(path, list(workspace.problems) if workspace is not None else [], notice=loaded.notice, source=loaded.source)
    outcome.linked = tuple(loaded.source.linked) if loaded.source is not None else ()
    problems = list(loaded.problems)
    checked = loaded.notice or loaded.partial
    source = loaded.source
    kind = outcome.kind = kind_of(checked) if checked is not None else None
    if checked is not None and source is not None:
        problems += _outside(source.broken, validate(checked, source, kind=kind))
        if not read_together(source.broken) & _NUMBERED_BY:
            key = number_key(checked)
            if key is not None:
                outcome.number = (key, source.place(("so",)))
    outcome.notice_problems = in_order(path, unique(problems))
    if loaded.notice is None or source is None:
        return outcome
    # A template the notice names (or the caller gives) is its own mistake, checked at every stage;
    # the workspace's `mau` is the workspace's, which `tbkl check` reports once, and looking it up
    # would load the Word machinery (jinja) into every check.
    if template or loaded.notice.mau or until == "document":
        try:
            found = _find(loaded.notice, source, path, workspace, template, find_template)
            if until != "document":
                usable(found)  # what rendering would refuse, checking refuses too
            outcome.template = found
        except TbklError as exc:
            outcome.add(Problem(_template_place(loaded.notice, source, path, workspace, template), str(exc), code="template"))
    if until == "check" or not outcome.valid:
        return outcome
    from tbkl_gen.word.layout import lay_out  # here: checking alone needs no Word machinery

    outcome.layout = lay_out(loaded.notice, kind)
    if until == "document":
        assert outcome.template is not None  # found, or the notice is not valid
        try:
            outcome.document = document(outcome.layout, outcome.template)
        except TbklError as exc:
            outcome.add(Problem(_template_place(loaded.notice, source, path, workspace, template), str(exc), code="template"))
        else:
            if outcome.layout.kinh_gui and not shows(outcome.template, "kinh_gui"):
                outcome.add(
                    Problem(
                        source.place(("kinh_gui",)),
                        f"mẫu “{outcome.template.stem}” không có chỗ in dòng “Kính gửi”: bản Word không có dòng này",
                        Severity.WARNING,
                        "thêm đoạn {{p doan_kinh_gui }} dưới đường kẻ trích yếu của mẫu (xem docs/template-contract.md), "
                        "hoặc chép lại mẫu có sẵn bằng tbkl templates --copy",
                        "template",
                    )
                )
    return outcome


def _find(
    notice: Notice, source: Source, path: Path, workspace: Workspace | None, given: str | None, find_template: TemplateFinder | None
) -> Path:
    """Return the template the notice is rendered through (see `template_request`)."""
    written = source.origins.get(("mau",), path)  # tbkl.yaml when the notice inherits its `mau`
    name, written_in, boundary = template_request(given, notice.mau, written, workspace)
    templates_dir = workspace.templates_dir if workspace is not None else None
    return (find_template or _find_template)(name, templates_dir, written_in, boundary)


def template_request(
    command_line: str | None, notice_template: str | None, written_in: Path, workspace: Workspace | None
) -> tuple[str | None, Path | None, Path | None]:
    """Return which template a notice asks for: its name, the folder it was written in, its bound.

    The command line's --template may name any .docx (folder None). A notice's `mau`, written in
    the file written_in (the notice, or tbkl.yaml when it is a default), is read from that file's
    folder and may not leave the workspace (the notice's folder outside one); tbkl.yaml's own
    `mau` is read from the workspace's root, inside it.
    """
    if command_line:
        return command_line, None, None
    if notice_template:
        folder = written_in.resolve().parent
        return notice_template, folder, workspace.root.resolve() if workspace is not None else folder
    if workspace is not None and workspace.template:
        root = workspace.root.resolve()
        return workspace.template, root, root
    return None, None, None


def _template_place(notice: Notice, source: Source, path: Path, workspace: Workspace | None, given: str | None) -> Place:
    """Return where the template that failed was named: --template, `mau`, or tbkl.yaml's `mau`."""
    if given:
        return Place(None, None, None, "--template")
    if notice.mau:
        return source.place(("mau",))
    if workspace is not None and workspace.template_place is not None:
        return workspace.template_place
    return Place(path, field="mau")


def _find_template(name: str | None, templates_dir: Path | None, written_in: Path | None, boundary: Path | None) -> Path:
    from tbkl_gen.word.fill import find_template

    return find_template(name, templates_dir, written_in=written_in, boundary=boundary).resolve()


def workspace_template_problem(workspace: Workspace, find_template: TemplateFinder | None = None) -> Problem | None:
    """Return why the workspace's own `mau` cannot be rendered through, in rendering's words, or None.

    A caller of many notices (`tbkl check`) asks once per workspace; `run` looks the workspace's
    template up only to render, so that checking a notice loads no Word machinery.
    """
    if not workspace.template or workspace.template_place is None:
        return None
    root = workspace.root.resolve()
    try:
        usable((find_template or _find_template)(workspace.template, workspace.templates_dir, root, root))
    except TbklError as exc:
        return Problem(workspace.template_place, str(exc), code="template")
    return None


def usable(template: Path) -> None:
    """Raise the `TbklError` that rendering through template would: not a .docx, a tag refused.

    Read once per process (`word.render.prepared`), so a template checked is not read again to render.
    A built-in template whose bytes are those its shipped form was made from was checked when the
    form was built (`word.fill.verified`): checking it loads no jinja.
    """
    from tbkl_gen.word.fill import verified

    if verified(template) is not None:
        return
    from tbkl_gen.word.render import prepared

    prepared(template)


def shows(template: Path, variable: str) -> bool:
    """Return whether a template's tags name a variable of the contract (the part after a prefix counts: doan_kinh_gui)."""
    from tbkl_gen.word.fill import verified

    builtin = verified(template)
    if builtin is None:
        from tbkl_gen.word.render import prepared

        sources = prepared(template).sources
    else:
        sources = builtin.sources
    return any(variable in source for source in sources.values())


def ready(template: Path) -> None:
    """Read a template as rendering will, once (a batch's forked workers inherit it): a built-in
    template's shipped form, any other through jinja (`word.render.prepared`)."""
    from tbkl_gen.word.fill import ready_builtin

    if not ready_builtin(template):
        from tbkl_gen.word.render import prepared

        prepared(template)


def document(layout: Layout, template: Path) -> bytes:
    """Return the .docx bytes of a laid-out notice through one template.

    A built-in template is filled without jinja (`word.fill.render_builtin`) when it can be; any
    other template, or a notice the filler leaves to jinja, renders through the sandbox.
    """
    from tbkl_gen.word.fill import render_builtin
    from tbkl_gen.word.write import package

    parts = render_builtin(template, layout)
    if parts is None:
        from tbkl_gen.word.render import prepared

        parts = prepared(template).render_parts(layout)
    return package(parts)


# --- the order of problems ------------------------------------------------------------------------


def _outside(broken: set[Path_], problems: list[Problem]) -> list[Problem]:
    """Drop meaning problems about values the loader already reported as unreadable."""
    if not broken:
        return problems
    fields = [field_path(path) for path in read_together(broken)]

    def inside(name: str) -> bool:
        return any(name == f or name.startswith((f + ".", f + "[")) for f in fields)

    return [p for p in problems if not inside(p.place.field)]


def unique(problems: list[Problem]) -> list[Problem]:
    """Drop a problem that both the loader and validation found at the same place."""
    seen: set[tuple[Place, str, Severity]] = set()
    kept = []
    for problem in problems:
        key = (problem.place, problem.message, problem.severity)
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return kept


# --- a number is used once (across notices) -------------------------------------------------------


def number_key(notice: Notice) -> NumberKey | None:
    """Return what makes a number unique: issuing body, year, number and symbol; None on drafts."""
    number = (notice.so or "").strip()
    if not number:
        return None
    co_quan = notice.co_quan
    if number.isascii() and number.isdigit():
        number = number.lstrip("0") or "0"
    return (_words(co_quan.chu_quan or ""), _words(" ".join(co_quan.ten)), notice.ngay.nam, number, notice.symbol)


class NumberRegistry:
    """The numbers given so far, per issuing body and year: each may be used once (Điều 15)."""

    def __init__(self) -> None:
        self._first: dict[NumberKey, Place] = {}

    def add(self, key: NumberKey | None, place: Place) -> Problem | None:
        """Remember a number by its key (see `number_key`); return the problem on a second use."""
        if key is None:
            return None
        first = self._first.setdefault(key, place)
        if first is place:
            return None
        _, _, year, number, symbol = key
        return Problem(
            place,
            f"số {_number_shown(number)}/{symbol} năm {year} đã dùng ở {_where(first)}",
            Severity.ERROR,
            "mỗi cơ quan đánh số liên tục trong năm, mỗi số chỉ dùng một lần",
            "duplicate_number",
        )


def register_number(outcome: Outcome, registry: NumberRegistry) -> bool:
    """Register outcome's number; add to outcome the problem of a number registry already holds.

    The one cross-file check of a number used twice: `tbkl check`, `tbkl render` (the batch) and
    the page each keep a registry of the notices read before, in the order `tbkl check` reads
    them, and call this for the next one, so all three say the same. Return whether it was used.
    """
    if outcome.number is None:
        return False
    problem = registry.add(*outcome.number)
    if problem is None:
        return False
    outcome.add(problem)
    return True


def problems_of_workspace(workspace: Workspace) -> list[Problem]:
    """Return the workspace's own problems: `tbkl.yaml`'s, its `mau`'s, and every template in templates/.

    The one cross-file check of a workspace, asked once per workspace by `tbkl check` and on each
    check of the page, which print these before the notice's own.
    """
    from tbkl_gen.word.template_check import check_workspace_templates

    template = workspace_template_problem(workspace)
    return [*workspace.problems, *([template] if template is not None else []), *check_workspace_templates(workspace.templates_dir)]


def _number_shown(number: str) -> str:
    return number_text(number) if number.isascii() and number.isdigit() and len(number) <= 6 else shortened(number)


def _words(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()).upper())


def _where(place: Place) -> str:
    if place.file is None:
        return "một thông báo khác"
    path = place.file
    try:
        shown = path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        shown = path.as_posix()
    return f"{shown}:{place.line}" if place.line else shown
