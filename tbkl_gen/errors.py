"""Problems found in notices, and the errors that carry them.

Every user-facing mistake becomes a `Problem`: a place (file, line, column, field path) and a
Vietnamese message. Loading and validation collect problems instead of raising at the first one;
only the CLI turns them into text and exit codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    """How bad a problem is: errors stop a render, warnings do not unless --strict."""

    ERROR = "loi"
    WARNING = "canh_bao"


@dataclass(frozen=True)
class Place:
    """Where a value was written: file, 1-based line and column, and its field path."""

    file: Path | None = None
    line: int | None = None
    column: int | None = None
    field: str = ""


@dataclass(frozen=True)
class Fix:
    """The one right correction of a problem, carried by the problem that the check finds.

    An edit of the source's data, not of its text, so that every surface applies it the same way
    and keeps the rest of the file (comments, quoting, folding, key order) as written: `tbkl check
    --fix`, the page's "Sửa" button and an editor's code action all go through
    `tbkl_gen.service.yamlsave.fixed` (ruamel's round-trip writer, as the page's saving).

    `path` names the value in the file the problem's place names: its keys and 0-based list indexes
    from the top (`("noi_dung", 2, "khoan")`). The value there becomes `value` (written in the
    style of a hand-written notice: quoted only where YAML 1.1 would misread it); with `rename`,
    the key at the end of `path` is renamed to `value` and its value kept. `old` is the value the
    fix was made for, as read (a surface may refuse a fix whose value has changed since).
    `title` says in Vietnamese what the fix does, for a button or the printed report.
    """

    title: str
    path: tuple[str | int, ...]
    value: str | int | None
    old: object = None
    rename: bool = False

    def to_dict(self) -> dict[str, object]:
        old = self.old if self.old is None or isinstance(self.old, (str, int, float, bool)) else str(self.old)
        return {"title": self.title, "path": list(self.path), "value": self.value, "old": old, "rename": self.rename}


@dataclass(frozen=True)
class Problem:
    """One mistake in a notice, with where it is, what is wrong and how to fix it."""

    place: Place
    message: str
    severity: Severity = Severity.ERROR
    hint: str = ""
    code: str = ""
    fix: Fix | None = None
    """The one right correction, when there is one (see `Fix`); applied, the problem is gone."""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self, base: Path | None = None) -> str:
        """Return the compiler-style line: `file:line:col: field: message (fix)`."""
        parts = []
        if self.place.file is not None:
            parts.append(_display_path(self.place.file, base))
        if self.place.line is not None:
            parts.append(str(self.place.line))
            if self.place.column is not None:
                parts.append(str(self.place.column))
        location = ":".join(parts)
        label = "cảnh báo: " if self.severity is Severity.WARNING else ""
        text = f"{label}{self.place.field}: {self.message}" if self.place.field else f"{label}{self.message}"
        if self.hint:
            text = f"{text} ({self.hint})"
        return f"{location}: {text}" if location else text

    def to_dict(self, base: Path | None = None) -> dict[str, object]:
        return {
            "file": _display_path(self.place.file, base) if self.place.file else None,
            "line": self.place.line,
            "column": self.place.column,
            "field": self.place.field,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
            "fix": self.fix.to_dict() if self.fix else None,
        }


def _display_path(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except (ValueError, OSError, RuntimeError):  # RuntimeError: a link that loops (before Python 3.13)
            pass
    return path.as_posix()


def in_order(file: Path | None, problems: list[Problem]) -> list[Problem]:
    """Return file's own problems in line and column order, then those without a line, then those
    in files it inherits from (tbkl.yaml): the one order every problem is printed in."""
    far = float("inf")
    return sorted(problems, key=lambda p: (p.place.file not in (None, file), p.place.line or far, p.place.column or 0))


def shortened(text: str, limit: int = 40) -> str:
    """Return drafter text short enough to quote in a one-line message: its first limit characters and "…"."""
    return text if len(text) <= limit else text[:limit] + "…"


class TbklError(Exception):
    """Base of the errors a user can cause; the CLI prints them without a traceback."""


class TemplateNotFound(TbklError):
    """The named Word template does not exist."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        super().__init__(f"không tìm thấy mẫu “{name}”; các mẫu có sẵn: {', '.join(known)}")


class ConfigNotOwned(TbklError):
    """A tbkl.yaml in the folder a command starts from that someone else could have written.

    It is a link, not a regular file, owned by another user, or writable by others (the file or
    its folder); reason says which, in Vietnamese. One in a folder above is ignored with a warning.
    """

    def __init__(self, config: Path, reason: str) -> None:
        self.config = config
        self.reason = reason
        super().__init__(f"{config.as_posix()}: {reason}")


class TemplateOutside(TbklError):
    """A template named in a notice or tbkl.yaml lies outside the workspace, or names a folder."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(f"mẫu “{name}” {reason}" if not reason.startswith("tên") else f"mẫu “{name}”: {reason}")


class TemplateBroken(TbklError):
    """A Word template cannot be used: broken jinja, unknown variable, unreadable file."""

    def __init__(self, template: Path, detail: str) -> None:
        self.template = template
        self.detail = detail
        super().__init__(f"{template.as_posix()}: mẫu Word không dùng được: {detail}")


class WordFileRefused(TbklError):
    """A Word file refused before anything parses it: not a .docx, damaged, or beyond a limit (see wordfile)."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path.as_posix()}: không mở được tệp Word: {reason}")


class OutputLocked(TbklError):
    """The output file cannot be replaced, usually because it is open in Word."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"{path.as_posix()}: không ghi được tệp (có thể tệp đang mở trong Word); hãy đóng tệp rồi chạy lại")


class OutputFailed(TbklError):
    """The output file cannot be written for another reason than a lock (disk full, a folder in the way)."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path.as_posix()}: không ghi được tệp ({reason})")


class ForeignLink(TbklError):
    """The folder a command was told to create things in is a link that another user owns."""

    def __init__(self, path: Path, owner: int) -> None:
        self.path = path
        super().__init__(
            f"{path.as_posix()}: là một liên kết do người dùng khác (uid {owner}) đặt, có thể trỏ vào thư mục của bạn; "
            "không tạo gì qua liên kết này: hãy xóa liên kết hoặc chọn thư mục khác"
        )


class NotReadable(Exception):
    """A file the one reader of regular files (tbkl_gen.files.read_regular) refused.

    reason says why, in Vietnamese; the caller names the file in its own error or warning.
    """

    def __init__(self, reason: str, *, missing: bool = False, size: int | None = None) -> None:
        self.reason = reason
        self.missing = missing
        self.size = size  # set when the file is refused for its size alone
        super().__init__(reason)


class UnsafeFolder(OutputFailed):
    """A folder inside the output folder is a link: a file written through it would land wherever it points."""

    def __init__(self, path: Path, folder: Path) -> None:
        self.folder = folder
        super().__init__(
            path,
            f"thư mục “{folder.as_posix()}” trong thư mục đầu ra là một liên kết, có thể do người khác đặt; không ghi qua liên kết: hãy xóa liên kết rồi chạy lại",
        )


class FolderBusy(TbklError):
    """Another run is writing into the same output folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        super().__init__(
            f"{folder.as_posix()}: một lần chạy “tbkl render” khác đang ghi vào thư mục này; chờ lần chạy đó xong rồi chạy lại"
        )


class LockNotAFile(TbklError):
    """The output folder's lock (`.tbkl-lock`) is a folder, a pipe, a link: not a file to lock."""

    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self.kind = kind
        super().__init__(f"{path.as_posix()}: tệp khóa của tbkl phải là tệp thường, nhưng đây là {kind}; hãy xóa nó rồi chạy lại")


class SameOutput(TbklError):
    """Two or more notices would be written to one output file."""

    def __init__(self, clashes: list[tuple[Path, list[Path]]]) -> None:
        self.clashes = clashes
        lines = [
            f"{output.as_posix()}: các tệp {' và '.join(f'“{s.as_posix()}”' for s in sources)} cùng ghi ra tệp này"
            " (tên chỉ khác phần đuôi, chữ hoa/thường hoặc cách mã hóa dấu); hãy đổi tên cho khác nhau"
            for output, sources in clashes
        ]
        super().__init__("\n".join(lines))


class NoticeInvalid(TbklError):
    """A source to show (text, diff, preview) could not be rendered; the problems say why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("thông báo có lỗi, chưa in được")


class NotRendered(TbklError):
    """The page's notice has errors, so no Word file is made."""


class UnreadableDocx(TbklError):
    """A file named .docx is not a Word document python-docx can open."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.as_posix()}: không đọc được tệp Word: {reason}")


class UnreadablePart(Exception):
    """A part of a template is not well-formed XML (the template check names the part)."""


class AlreadyExists(TbklError):
    """A file or folder the command would create is already there."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"{path.as_posix()}: đã có, không ghi đè")


class CannotImport(TbklError):
    """A file given to `tbkl import` cannot be read as a Word notice."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path.as_posix()}: không nhập được: {reason}")


LIBREOFFICE_INSTALL_HINT = (
    "cài LibreOffice: trên Windows tải bản 64-bit tại https://www.libreoffice.org/download/ rồi cài mặc định; "
    "trên Debian/Ubuntu: sudo apt install libreoffice-writer-nogui python3-uno fonts-liberation2 poppler-utils"
)


class LibreOfficeMissing(TbklError):
    """No LibreOffice on this machine: PDF and previews cannot be made."""

    def __init__(self, what: str) -> None:
        super().__init__(f"không tìm thấy LibreOffice (soffice) để {what}; {LIBREOFFICE_INSTALL_HINT}")


class OfficeFailed(TbklError):
    """LibreOffice could not be started or stopped working."""


class RendererMissing(TbklError):
    """pdftocairo (poppler) is not installed, so pages cannot be drawn."""

    def __init__(self) -> None:
        super().__init__(
            "không tìm thấy pdftocairo (poppler) để vẽ trang thành ảnh PNG; "
            "trên Debian/Ubuntu: sudo apt install poppler-utils; trên Windows: cài poppler (bản Release) và thêm thư mục bin vào PATH"
        )


class HistoryFailed(TbklError):
    """git refused or failed on a workspace's history; the message says what, in Vietnamese."""


class AccountError(TbklError):
    """An account of the service (tbkl users, the accounts file) cannot be made, changed or read; the message says why, in Vietnamese."""


class HistoryBusy(HistoryFailed):
    """Another process has held a workspace's history longer than a writer waits; nothing was written."""


class LockBusy(TbklError):
    """A lock file (`tbkl_gen.files.held`) stayed held by another process longer than the caller waits."""

    def __init__(self, path: Path, what: str, holder: str) -> None:
        self.path = path
        super().__init__(f"{path.as_posix()}: {what} đang bận ({holder}); hãy thử lại sau ít phút")


class IssueRefused(TbklError):
    """A document cannot be issued (not approved, a number taken, a bad date); the message says why."""


TELL_THE_ADMINISTRATOR = "Hãy báo người quản trị máy chủ: chi tiết và cách khắc phục đã ghi trong nhật ký máy chủ"


class IssuedUntagged(TbklError):
    """A document was issued and recorded (its commit made) but git refused its tag; the message says how to add it."""

    def __init__(self, shown: str, number: str, date: str, commit: str, tag: str, message: str, root: Path, reason: str) -> None:
        self.commit = commit
        self.tag = tag
        # the clerk's words on the page: no commit, tag or command there; the whole account goes to the server's log
        self.for_the_page = (
            f"{shown}: đã phát hành số {number} ngày {date} và đã ghi sổ đăng ký, nhưng lịch sử chưa đánh dấu được bản phát hành. "
            f"Văn bản đã phát hành: đừng phát hành lại. {TELL_THE_ADMINISTRATOR}"
        )
        super().__init__(
            f"{shown}: đã phát hành số {number} ngày {date}, đã ghi sổ đăng ký và lưu vào lịch sử (commit {commit[:10]}), "
            f"nhưng chưa gắn được nhãn git “{tag}” ({reason}). Văn bản đã phát hành: đừng phát hành lại. "
            f'Để gắn nhãn, trong thư mục {root.as_posix()} chạy: git tag -a {tag} -m "{message}" {commit}'
        )


class IssueUndoIncomplete(TbklError):
    """An issue failed before its commit and putting things back failed too; the message says what failed and what was left."""

    def __init__(self, failure: str, left: list[str]) -> None:
        self.left = left
        self.for_the_page = f"{failure}. Văn bản chưa được phát hành, nhưng chưa trả lại được như cũ mọi tệp. {TELL_THE_ADMINISTRATOR}"
        super().__init__(
            f"{failure}. Văn bản chưa được phát hành, nhưng hoàn tác chưa trọn: {'; '.join(left)}. "
            "Hãy báo người quản trị xem lại các tệp này (so với lịch sử: git status) trước khi phát hành lại"
        )


class RegisterUnreadable(TbklError):
    """A file of the register (so-dang-ky/<năm>.csv) cannot be read."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(f"{path.as_posix()}: không đọc được sổ đăng ký văn bản ({reason})")


def issued_frozen(number: str, date: str) -> str:
    """Return why an issued source may not change, as every message about one says it."""
    return f"văn bản đã phát hành (số {number}, ngày {date}) nên không được sửa"


class IssuedFrozen(TbklError):
    """A source that was issued cannot be changed: its number, date and files are in the register."""

    def __init__(self, shown: str, number: str, date: str, *, issuing: bool = False) -> None:
        self.shown = shown
        if issuing:
            super().__init__(f"{shown}: văn thư đang phát hành văn bản này nên không được sửa; bản đang sửa chưa được lưu")
            return
        super().__init__(f"{shown}: {issued_frozen(number, date)}; muốn sửa đổi, hãy lưu thành bản sao và soạn văn bản mới")


class Refused(Exception):
    """A request the page (tbkl serve) will not serve, with the Vietnamese reason and the HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class ReviewRefused(TbklError):
    """A step of a notice's review that its state or the person's place in it does not allow.

    status is the HTTP status the page answers with (403 not theirs to take, 404 no such
    comment, 409 the notice or its review moved on); the message says why, in Vietnamese.
    """

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
