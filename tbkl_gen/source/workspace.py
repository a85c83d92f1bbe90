"""An office workspace: `tbkl.yaml` with the office defaults, and how a notice inherits them.

Merge rules (documented in the README):
- a key written in the notice replaces the default;
- mappings (`co_quan`, `nguoi_ky`) merge key by key, so a notice may change only `nguoi_ky.ho_ten`;
- lists (`noi_nhan`) are replaced whole; `noi_nhan_them` adds recipients in front of the default
  list (or in front of the notice's own `noi_nhan`) instead of replacing it.
Every merged value keeps the file and line it was written at, so problems point at `tbkl.yaml`
when the default is wrong.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tbkl_gen.errors import ConfigNotOwned, Place, Problem
from tbkl_gen.nd30.document_types import CONG_VAN, THONG_BAO
from tbkl_gen.notice.model import EXTEND_KEY
from tbkl_gen.source.names import NOTICES_DIR
from tbkl_gen.source.places import Path_, Source

CONFIG_NAME = "tbkl.yaml"
SEQUENCE_KEYS = ("ten", "loai", "ky_hieu")
CONFIG_SHAPES: dict[str, dict[str, Any]] = {
    "day_so": {
        "type": ["array", "null"],
        "items": {
            "type": "object",
            "properties": {
                "ten": {"type": "string", "minLength": 1, "description": "Tên dãy số (duy nhất): “Thông báo và giấy mời”."},
                "loai": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Các loại văn bản dùng dãy này: thong_bao, cong_van, giay_moi.",
                },
                "ky_hieu": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": f"Các ký hiệu dùng dãy này: “{THONG_BAO.symbol('UBND')}”, “{CONG_VAN.symbol('UBND-VP')}”.",
                },
            },
            "required": ["ten"],
            "additionalProperties": False,
        },
        "errorMessage": "day_so: cần danh sách các dãy số, mỗi dãy có ten và loai hoặc ky_hieu",
    },
}
"""The JSON Schema of each key of tbkl.yaml that is not a line of text (mac_dinh is a notice's keys)."""
CONFIG_KEYS = ("mau", "thu_muc_ra", "mac_dinh", "day_so")
CONFIG_DOCS: dict[str, tuple[str, str]] = {
    "mau": ("mẫu Word mặc định", "Tên mẫu Word dùng mặc định cho mọi thông báo của thư mục (xem: tbkl templates)."),
    "thu_muc_ra": ("thư mục ra", "Thư mục ghi các tệp .docx, tương đối với thư mục có tbkl.yaml."),
    "mac_dinh": (
        "giá trị mặc định",
        "Giá trị mặc định cho mọi thông báo (co_quan, dia_danh, noi_nhan, luu, nguoi_ky…): một khóa ghi trong thông báo thay giá "
        "trị mặc định; co_quan và nguoi_ky được gộp từng khóa con.",
    ),
    "day_so": (
        "dãy số văn bản",
        "Các dãy số của sổ đăng ký văn bản đi khi đơn vị tự cấp số (tbkl issue không có --so): mỗi dãy có tên (ten) và các loại "
        "văn bản (loai) hoặc ký hiệu (ky_hieu) dùng chung dãy; số bắt đầu từ 01 ngày 01 tháng 01 mỗi năm (Điều 15 NĐ 30). "
        "Văn bản không thuộc dãy nào dùng dãy chung của cơ quan ban hành (theo chữ viết tắt co_quan.viet_tat).",
    ),
}
"""What each key of tbkl.yaml is called and does: for `tbkl schema --workspace` and `tbkl lsp`."""


@dataclass(frozen=True)
class Sequence:
    """One number sequence of the register (ND30 Điều 15): the documents of these kinds and symbols share its numbers."""

    name: str
    kinds: tuple[str, ...] = ()
    symbols: tuple[str, ...] = ()

    def takes(self, kind: str, symbol: str) -> bool:
        """Return whether a document of this kind and symbol draws its number from this sequence."""
        return (not self.kinds or kind in self.kinds) and (not self.symbols or symbol in self.symbols)


@dataclass
class Workspace:
    """A folder with `tbkl.yaml`: where notices, templates and output live."""

    root: Path
    config_path: Path | None = None
    template: str | None = None
    template_place: Place | None = None
    output_dir: Path | None = None
    defaults: Source | None = None
    sequences: tuple[Sequence, ...] = ()
    problems: list[Problem] = field(default_factory=list)

    def sequence_for(self, kind: str, symbol: str, issuer: str) -> str:
        """Return the name of the sequence a document of this kind and symbol takes its number from.

        A document no `day_so` entry takes numbers in its issuing body's sequence, named by the
        body's abbreviation (`co_quan.viet_tat`, "UBND"): ND30 Điều 15 numbers per issuing body.
        """
        return next((s.name for s in self.sequences if s.takes(kind, symbol)), issuer)

    @property
    def notices_dir(self) -> Path:
        return self.root / NOTICES_DIR

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"


def find_config(start: Path) -> Path | None:
    """Return the `tbkl.yaml` of the first folder holding one, walking up from start.

    The walk stays in the user's own tree: it stops at a repository root (a folder holding .git)
    and at the home folder, so a tbkl.yaml left in a shared folder above them is never adopted.
    A tbkl.yaml chooses the template and the output folder of every notice below it, so one
    that someone else could have written (a link, a file or folder of another user, or writable
    by others: `config_danger`) is never used. In the folder the walk starts from it is refused
    (ConfigNotOwned), as git refuses a repository of another owner; in a folder above, it is
    ignored with one warning naming it, and the walk stops there: no workspace.
    """
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    home = _home()
    for candidate in (folder, *folder.parents):
        config = candidate / CONFIG_NAME
        if os.path.lexists(config):
            danger = config_danger(config)
            if danger is None:
                return config
            if candidate == folder:
                raise ConfigNotOwned(config, danger)
            _warn_ignored(config, danger)
            return None
        if candidate == home or (candidate / ".git").exists():
            return None
    return None


_WARNED: set[Path] = set()


def _warn_ignored(config: Path, danger: str) -> None:
    """Say once a process that a tbkl.yaml above the workspace was ignored, and why."""
    if config in _WARNED:
        return
    _WARNED.add(config)
    print(f"{config.as_posix()}: cảnh báo: bỏ qua tbkl.yaml ở thư mục cha vì {danger}; làm như không có tbkl.yaml", file=sys.stderr)


def _home() -> Path | None:
    try:
        return Path.home().resolve()
    except (RuntimeError, OSError):  # no home folder known for this user
        return None


def config_danger(config: Path) -> str | None:
    """Return why config may not be trusted, in Vietnamese, or None when it is the user's own.

    Looked at without following links: a link is refused whatever it points to (a link planted at
    /tmp/tbkl.yaml could point to a file of the victim's own). On POSIX the file and its folder
    must belong to the user and be writable by nobody else (a folder others may write to lets
    them swap the file); Windows has no such owner check.
    """
    try:
        info = config.lstat()
    except OSError:
        return "không đọc được tệp"
    if stat.S_ISLNK(info.st_mode):
        return "tbkl.yaml là một liên kết (có thể do người khác đặt) nên không được dùng; hãy thay liên kết bằng một tệp thật"
    if not stat.S_ISREG(info.st_mode):
        return "tbkl.yaml không phải một tệp thường nên không được dùng"
    if not hasattr(os, "getuid"):
        return None
    user = os.getuid()
    if info.st_uid != user:
        return (
            f"tbkl.yaml này thuộc người dùng khác (uid {info.st_uid}) nên không được dùng; "
            "nếu tin tưởng tệp này, hãy đổi chủ sở hữu (chown) hoặc chép nó vào thư mục của mình"
        )
    if info.st_mode & 0o022:
        return f"người khác có quyền ghi vào tbkl.yaml này (quyền {stat.S_IMODE(info.st_mode):o}) nên không được dùng; hãy bỏ quyền đó (chmod go-w)"
    try:
        folder = config.parent.stat()
    except OSError:
        return "không đọc được thư mục chứa tệp"
    if folder.st_uid != user:
        return f"thư mục chứa tbkl.yaml này thuộc người dùng khác (uid {folder.st_uid}) nên tệp không được dùng"
    if folder.st_mode & 0o022:
        return (
            f"người khác có quyền ghi vào thư mục chứa tbkl.yaml này (quyền {stat.S_IMODE(folder.st_mode):o}) nên tệp có thể bị thay "
            "và không được dùng; hãy bỏ quyền đó (chmod go-w)"
        )
    return None


def find_workspace(start: Path) -> Workspace | None:
    """Return the workspace start belongs to, with its `tbkl.yaml` read, or None."""
    config = find_config(start)
    return read_workspace(config) if config is not None else None


def read_workspace(config: Path, text: str | None = None) -> Workspace:
    """Read `tbkl.yaml` (or text, its content not yet saved, as an editor holds it); problems in
    it are kept on the workspace, not raised."""
    # Here, not at the top: finding the workspace of an unchanged notice must not import yaml.
    from tbkl_gen.source.read import read_source, read_text

    workspace = Workspace(root=config.parent, config_path=config)
    source, problems = read_source(config) if text is None else read_text(text, config)
    workspace.problems.extend(problems)
    if source is None:
        return workspace
    for key in source.data:
        if key not in CONFIG_KEYS:
            workspace.problems.append(
                Problem(
                    source.place((key,), key=True),
                    f"khóa không hợp lệ “{key}” trong tbkl.yaml",
                    hint="các khóa được dùng: " + ", ".join(CONFIG_KEYS),
                    code="unknown_key",
                )
            )
    template = source.data.get("mau")
    if template is not None and not isinstance(template, str):
        workspace.problems.append(Problem(source.place(("mau",)), "cần tên mẫu (chuỗi văn bản)", code="type"))
    elif template:
        workspace.template = template
        workspace.template_place = source.place(("mau",))
    output = source.data.get("thu_muc_ra")
    if output is not None and not isinstance(output, str):
        workspace.problems.append(Problem(source.place(("thu_muc_ra",)), "cần đường dẫn thư mục (chuỗi văn bản)", code="type"))
    elif output:
        workspace.output_dir = workspace.root / output
    defaults = source.data.get("mac_dinh")
    if defaults is not None and not isinstance(defaults, dict):
        workspace.problems.append(Problem(source.place(("mac_dinh",)), "cần một bảng các khóa mặc định", code="type"))
    elif defaults:
        workspace.defaults = _sub_source(source, ("mac_dinh",))
    workspace.sequences = _sequences(source, workspace.problems)
    return workspace


def _sequences(source: Source, problems: list[Problem]) -> tuple[Sequence, ...]:
    """Read `day_so`: a list of sequences, each named, with the kinds and symbols that share it."""
    from tbkl_gen.notice.kinds import KINDS

    written = source.data.get("day_so")
    if written is None:
        return ()
    if not isinstance(written, list):
        problems.append(Problem(source.place(("day_so",)), "cần danh sách các dãy số (mỗi dãy: ten, loai hoặc ky_hieu)", code="type"))
        return ()
    sequences: list[Sequence] = []
    for index, entry in enumerate(written):
        at: Path_ = ("day_so", index)
        if not isinstance(entry, dict):
            problems.append(Problem(source.place(at), "cần một dãy số với các khóa ten, loai, ky_hieu", code="type"))
            continue
        for key in entry:
            if key not in SEQUENCE_KEYS:
                problems.append(
                    Problem(
                        source.place((*at, key), key=True),
                        f"khóa không hợp lệ “{key}” trong dãy số",
                        hint="các khóa được dùng: " + ", ".join(SEQUENCE_KEYS),
                        code="unknown_key",
                    )
                )
        name = entry.get("ten")
        if not isinstance(name, str) or not name.strip():
            problems.append(Problem(source.place((*at, "ten") if "ten" in entry else at), "cần tên dãy số (ten)", code="type"))
            continue
        name = " ".join(name.split())
        if name in (s.name for s in sequences):
            problems.append(
                Problem(source.place((*at, "ten")), f"tên dãy số “{name}” đã dùng; mỗi dãy cần một tên riêng", code="duplicate")
            )
            continue
        lists: dict[str, tuple[str, ...]] = {}
        for key in ("loai", "ky_hieu"):
            value = entry.get(key)
            if value is None:
                lists[key] = ()
            elif isinstance(value, list) and all(isinstance(item, str) and item.strip() for item in value):
                lists[key] = tuple(item.strip() for item in value)
            else:
                problems.append(Problem(source.place((*at, key)), "cần danh sách các dòng chữ", code="type"))
                lists[key] = ()
        for position, kind in enumerate(lists["loai"]):
            if kind not in KINDS:
                problems.append(
                    Problem(source.place((*at, "loai", position)), f"không có loại văn bản “{kind}”", hint="các loại: " + ", ".join(KINDS))
                )
        if not lists["loai"] and not lists["ky_hieu"]:
            problems.append(
                Problem(source.place(at), f"dãy số “{name}” cần loai hoặc ky_hieu: những văn bản nào dùng dãy này", code="type")
            )
            continue
        sequences.append(Sequence(name, lists["loai"], lists["ky_hieu"]))
    return tuple(sequences)


def _sub_source(source: Source, prefix: Path_) -> Source:
    """Return the part of source under prefix, as if it were a file of its own."""
    size = len(prefix)

    def strip(marks: dict[Path_, Any]) -> dict[Path_, Any]:
        return {path[size:]: mark for path, mark in marks.items() if path[:size] == prefix and len(path) > size}

    data = source.data
    for part in prefix:
        data = data[part]
    sub = Source(source.path, data, strip(source.value_marks), strip(source.key_marks), strip(source.raw_plain))
    sub.value_marks[()] = source.value_marks[prefix]
    return sub


def merge_defaults(notice: Source, defaults: Source) -> Source:
    """Return the notice with the office defaults filled in, places kept per value.

    Linear in the size of both files: the notice's places are copied once, and the places of
    the defaults only under the keys that the defaults supply.
    """
    merged = Source(notice.path, {})
    for table in ("value_marks", "key_marks", "raw_plain", "origins"):
        setattr(merged, table, dict(getattr(notice, table)))
    taken: list[Path_] = []
    merged.data = _merge(notice.data, defaults.data, (), taken)
    if taken:
        wanted = set(taken)
        for table in ("value_marks", "key_marks", "raw_plain"):
            target = getattr(merged, table)
            for path, mark in getattr(defaults, table).items():
                if any(path[:size] in wanted for size in range(1, len(path) + 1)):
                    target[path] = mark
        merged.origins.update({prefix: defaults.file_of(prefix) for prefix in taken})
    merged.value_marks[()] = notice.value_marks.get((), (1, 1))
    extra = merged.data.pop(EXTEND_KEY, None)
    if extra is not None:
        _extend_recipients(merged, extra)
    return merged


def _merge(mine: Any, theirs: Any, path: Path_, taken: list[Path_]) -> Any:
    """Merge mappings key by key (the notice wins); note in taken what the defaults supplied."""
    if not (isinstance(mine, dict) and isinstance(theirs, dict)):
        return mine
    result = {}
    for key in (*theirs.keys(), *(k for k in mine if k not in theirs)):
        if key in mine and key in theirs:
            result[key] = _merge(mine[key], theirs[key], path + (key,), taken)
        elif key in mine:
            result[key] = mine[key]
        else:
            result[key] = theirs[key]
            taken.append(path + (key,))
    return result


def _extend_recipients(merged: Source, extra: Any) -> None:
    """Put the notice's extra recipients in front of `noi_nhan`, their places moved with them."""
    if not isinstance(extra, list):
        # left as written for the shape check to report at the notice's line: the recipients
        # stay those of `noi_nhan`, so nothing is said about them, nor about tbkl.yaml
        merged.data[EXTEND_KEY] = extra
        return
    base = merged.data.get("noi_nhan", [])
    if not isinstance(base, list):
        return
    shift = len(extra)
    moved: dict[str, dict[Path_, Any]] = {}
    for table_name in ("value_marks", "key_marks", "raw_plain"):
        table = getattr(merged, table_name)
        updated: dict[Path_, Any] = {}
        for path, mark in table.items():
            if path[:1] == ("noi_nhan",) and len(path) > 1 and isinstance(path[1], int):
                moved_path: Path_ = ("noi_nhan", path[1] + shift, *path[2:])
                updated[moved_path] = mark
            elif path[:1] == (EXTEND_KEY,) and len(path) > 1:
                moved_path = ("noi_nhan", *path[1:])
                updated[moved_path] = mark
            else:
                updated[path] = mark
        moved[table_name] = updated
    origins = {}
    for path, origin in merged.origins.items():
        if path[:1] == ("noi_nhan",) and len(path) == 1:
            for index in range(len(base)):
                origins[("noi_nhan", index + shift)] = origin
        else:
            origins[path] = origin
    for table_name, table in moved.items():
        setattr(merged, table_name, table)
    merged.origins = origins
    merged.data["noi_nhan"] = [*extra, *base]
