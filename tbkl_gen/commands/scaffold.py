"""Create things for drafters: a workspace (`tbkl init`), a new notice (`tbkl new`), a copied
template (`tbkl templates --copy`), and YAML text for them (`tbkl show`).

YAML is written here as text: scalars are JSON strings, which YAML reads back unchanged, so no
YAML library is needed to write and nothing we write can turn into a YAML 1.1 trap.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
import stat
import unicodedata
from pathlib import Path
from typing import Any

from tbkl_gen.errors import AlreadyExists, ForeignLink, NotReadable
from tbkl_gen.files import copy_file, read_regular, write_file
from tbkl_gen.notice.fields import declared
from tbkl_gen.notice.kind import ISSUER, Kind
from tbkl_gen.notice.kinds import DEFAULT
from tbkl_gen.source.names import CATALOG_FILE, NOTICES_DIR, free_name, slugify, year_folder
from tbkl_gen.source.read import MAX_SOURCE_BYTES
from tbkl_gen.samples import NOTICE_BODY
from tbkl_gen.wordfile import MAX_FILE_BYTES
from tbkl_gen.word.fill import DEFAULT_TEMPLATE, builtin_templates_dir, find_template
from tbkl_gen.source.workspace import CONFIG_NAME

SCHEMA_FILE = "notice.schema.json"
WORKSPACE_SCHEMA_FILE = "tbkl.schema.json"
# Word files stay binary for merges, but `git diff` shows them as text through `tbkl text` once
# `git config diff.tbkl.textconv "tbkl text"` is set (the workspace README says so).
GITATTRIBUTES = "*.yaml text eol=lf\n*.yml text eol=lf\n*.docx binary diff=tbkl\n*.pdf binary\n"


def template_index() -> dict[str, dict[str, Any]]:
    """Return the built-in templates: name → description and sample office defaults."""
    index = builtin_templates_dir() / "index.json"
    templates: dict[str, dict[str, Any]] = json.loads(index.read_text(encoding="utf-8"))
    return templates


def scalar(value: Any) -> str:
    """Return a YAML scalar for value; strings are double-quoted so they stay strings."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def to_yaml(
    value: Any, indent: int = 0, comments: dict[tuple[str | int, ...], str] | None = None, path: tuple[str | int, ...] = ()
) -> list[str]:
    """Return YAML lines for plain data; comments (by path) are added at the end of lines."""
    pad = "  " * indent
    lines: list[str] = []
    note = (comments or {}).get

    def tail(p: tuple[str | int, ...]) -> str:
        text = note(p)
        return f"  # {text}" if text else ""

    if isinstance(value, dict):
        for key, item in value.items():
            here = path + (key,)
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key}:{tail(here)}")
                lines += to_yaml(item, indent + 1, comments, here)
            elif isinstance(item, (dict, list)):
                lines.append(f"{pad}{key}: {'{}' if isinstance(item, dict) else '[]'}{tail(here)}")
            else:
                lines.append(f"{pad}{key}: {scalar(item)}".rstrip() + tail(here))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            here = path + (index,)
            if isinstance(item, dict) and item:
                inner = to_yaml(item, indent + 1, comments, here)
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines += inner[1:]
            else:
                lines.append(f"{pad}- {scalar(item)}{tail(here)}")
    return lines


def init_workspace(folder: Path, template: str = DEFAULT_TEMPLATE, signer: str | None = None) -> list[tuple[Path, bool]]:
    """Create a workspace folder with tbkl.yaml, notices/, templates/, .gitattributes and README.

    The signer's name is the one given, else left blank for the office to write once in
    tbkl.yaml: until then every notice says it is missing (a sample name would print).
    Return each file or folder with whether it was made (True) or was there and is kept (False):
    a README.md or .gitignore already in the folder is the user's, never replaced. A folder that
    is a link another user owns (planted in /tmp or a shared folder, pointing at the user's home)
    is refused.
    """
    _refuse_foreign_link(folder)
    index = template_index()
    if template not in index:
        from tbkl_gen.errors import TemplateNotFound

        raise TemplateNotFound(template, sorted(index))
    config = folder / CONFIG_NAME
    if config.exists():
        raise AlreadyExists(config)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / NOTICES_DIR).mkdir(exist_ok=True)
    (folder / "templates").mkdir(exist_ok=True)
    defaults = copy.deepcopy(index[template]["mac_dinh"])
    name = " ".join((signer or "").split())
    defaults["nguoi_ky"]["ho_ten"] = name or None
    settings = {"mau": template, "thu_muc_ra": "out", "mac_dinh": defaults}
    blank: dict[tuple[str | int, ...], str] = (
        {} if name else {("mac_dinh", "nguoi_ky", "ho_ten"): "điền họ tên người ký thật, một lần cho mọi thông báo"}
    )
    header = [
        "# Cấu hình của văn phòng: các giá trị mặc định cho mọi thông báo trong thư mục này.",
        "# Một khóa ghi trong thông báo sẽ thay giá trị mặc định; co_quan và nguoi_ky được gộp",
        "# từng khóa con; danh sách noi_nhan được thay cả danh sách, còn noi_nhan_them thì",
        "# thêm vào trước danh sách mặc định. Hãy sửa các giá trị mẫu cho đúng cơ quan của mình.",
    ]
    written = {
        config: "\n".join(header + to_yaml(settings, comments=blank)) + "\n",
        folder / ".gitattributes": GITATTRIBUTES,
        folder
        / ".gitignore": "out/.tbkl-manifest.json\nout/.tbkl-lock\n# drafts the page keeps beside a notice until it is saved\n*.nhap\n"
        f"# the page's catalog of the documents, rebuilt from the sources\n{CATALOG_FILE}\n",
        folder / "README.md": _WORKSPACE_README.format(template=template),
        folder / "templates" / "README.md": _TEMPLATES_README,
        folder / SCHEMA_FILE: schema_text(),
        folder / WORKSPACE_SCHEMA_FILE: schema_text(workspace=True),
        **{folder / ".vscode" / name: text for name, text in vscode_files().items()},
    }
    (folder / ".vscode").mkdir(exist_ok=True)
    made = [(folder / NOTICES_DIR, True)]
    for path, text in written.items():
        if path != config and (path.exists() or path.is_symlink()):
            made.append((path, False))
            continue
        write_file(path, text.encode("utf-8"), inside=folder)
        made.append((path, True))
    return made


def _refuse_foreign_link(folder: Path) -> None:
    """Refuse a folder that is a link owned by another user than this one or root (POSIX only)."""
    if not hasattr(os, "getuid"):
        return
    try:
        info = folder.lstat()
    except OSError:
        return
    if stat.S_ISLNK(info.st_mode) and info.st_uid not in (os.getuid(), 0):
        raise ForeignLink(folder, info.st_uid)


def schema_text(*, workspace: bool = False) -> str:
    """Return the JSON Schema of notices (or, with workspace, of tbkl.yaml) as the files hold it."""
    from tbkl_gen.notice.schema import notice_schema, workspace_schema
    from tbkl_gen.source.workspace import CONFIG_DOCS, CONFIG_SHAPES

    schema = workspace_schema(CONFIG_DOCS, CONFIG_SHAPES) if workspace else notice_schema()
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


# `tbkl check` prints `file:line:col: [cảnh báo: ]field: message (hint)`; VS Code's problem matchers
# read the same lines, warnings and errors apart (the tests hold them to check's output).
CHECK_WARNING_PATTERN = r"^(.+?):(\d+):(\d+): cảnh báo: (.*)$"
CHECK_ERROR_PATTERN = r"^(.+?):(\d+):(\d+): (?!cảnh báo: )(.*)$"


def vscode_files() -> dict[str, str]:
    """Return the files of `.vscode/` for a workspace: YAML 1.1 (as the tool reads `NO`, `012`), the
    schemas for notices and tbkl.yaml, the recommended extension, and a task running `tbkl check`."""
    settings = {
        "yaml.yamlVersion": "1.1",
        "yaml.schemas": {f"./{SCHEMA_FILE}": ["notices/**/*.yaml", "notices/**/*.yml"], f"./{WORKSPACE_SCHEMA_FILE}": [CONFIG_NAME]},
        "yaml.completion": True,
        "yaml.hover": True,
        "yaml.validate": True,
        "files.encoding": "utf8",
        "files.eol": "\n",
        "[yaml]": {"editor.insertSpaces": True, "editor.tabSize": 2},
    }
    extensions = {"recommendations": ["redhat.vscode-yaml"]}
    tasks = {
        "version": "2.0.0",
        "tasks": [
            {
                "label": "tbkl check",
                "type": "shell",
                "command": "tbkl check",
                "group": {"kind": "test", "isDefault": True},
                "presentation": {"reveal": "silent", "clear": True},
                "problemMatcher": [
                    {
                        "owner": "tbkl",
                        "source": "tbkl",
                        "fileLocation": ["relative", "${workspaceFolder}"],
                        "severity": severity,
                        "pattern": {"regexp": pattern, "file": 1, "line": 2, "column": 3, "message": 4},
                    }
                    for severity, pattern in (("error", CHECK_ERROR_PATTERN), ("warning", CHECK_WARNING_PATTERN))
                ],
            }
        ],
    }
    return {name: json.dumps(value, ensure_ascii=False, indent=2) + "\n" for name, value in
            (("settings.json", settings), ("extensions.json", extensions), ("tasks.json", tasks))}  # fmt: skip


def new_notice(root: Path, title: str, today: dt.date | None = None, name: str | None = None, kind: Kind | None = None) -> Path:
    """Create notices/<year>/<name>.yaml in the workspace at root, from the office defaults.

    The source is of the kind given (a notice by default): its `loai`, the title where the kind
    takes it (the summary, or the meeting's content of an invitation), the kind's sample keys and
    its first recipient. The name is the title's slug unless given. A slug is cut at 80
    characters, and the titles of one leader's notices often start alike: a notice of another
    title that the slug would name like an existing one gets "-2", "-3", …; the same title again,
    or a name given, is refused.
    """
    kind = kind or DEFAULT
    today = today or dt.date.today()
    folder = year_folder(root, today.year)
    if name is not None:
        target = folder / f"{slugify(re.sub(r'[.]ya?ml$', '', name.strip(), flags=re.IGNORECASE))}.yaml"
        if target.exists():
            raise AlreadyExists(target)
    else:
        target = _free_target(folder, title)
    notice: dict[str, Any] = {kind.title_key: title, "ngay": str(today.year), **_with_issuer(kind.sample, _issuer(root))}
    required = {key.name for key in declared(kind.model) if key.required}
    if "noi_dung" in required and "noi_dung" not in notice:  # a kind with no sample body of its own: a gap, not a conclusion's
        notice["noi_dung"] = list(NOTICE_BODY) if kind is DEFAULT else ["…"]
    if kind.first_recipient:
        notice["noi_nhan_them"] = [kind.first_recipient]
    comments: dict[tuple[str | int, ...], str] = {
        ("ngay",): "dự thảo: chỉ năm; khi ban hành ghi đủ, ví dụ 14/3/2026",
        ("ngay_hop",): "ngày họp, ví dụ 12/3/2026",
        ("noi_nhan_them",): "thêm vào trước nơi nhận mặc định trong tbkl.yaml",
        ("cuoc_hop", "thoi_gian"): "ngày giờ họp: ngày/tháng/năm giờ:phút",
    }
    relative_schema = "../../" + SCHEMA_FILE
    lines = [
        f"# yaml-language-server: $schema={relative_schema}",
        "# Chỉ ghi những gì khác với mặc định trong tbkl.yaml (xem: tbkl show TỆP).",
        *([] if kind is DEFAULT else [f"loai: {kind.key}  # {kind.name.lower()}"]),
        "phien_ban: 1",
        "so:  # để trống cho đến khi văn thư cấp số",
        *to_yaml(notice, comments=comments),
    ]
    # the year's folder is made if missing; one that is a link below notices/ is refused, never written through
    write_file(target, ("\n".join(lines) + "\n").encode("utf-8"), inside=root / NOTICES_DIR)
    return target


def _issuer(root: Path) -> str:
    """Return the office's name in running text (`co_quan.ten_goi` of tbkl.yaml), or "…" to fill in."""
    from tbkl_gen.source.workspace import find_workspace

    workspace = find_workspace(root)
    defaults = workspace.defaults.data if workspace is not None and workspace.defaults is not None else {}
    issuer = defaults.get("co_quan", {}).get("ten_goi") if isinstance(defaults.get("co_quan"), dict) else None
    return issuer.strip() if isinstance(issuer, str) and issuer.strip() else "…"


def _with_issuer(value: Any, issuer: str) -> Any:
    """Return a kind's sample with `ISSUER` in its text replaced by the office's name."""
    if isinstance(value, str):
        return value.replace(ISSUER, issuer)
    if isinstance(value, list):
        return [_with_issuer(item, issuer) for item in value]
    if isinstance(value, dict):
        return {key: _with_issuer(item, issuer) for key, item in value.items()}
    return value


def _free_target(folder: Path, title: str) -> Path:
    """Return the first free notices/<year>/<slug>[-N].yaml, refusing a notice of the same title."""

    def taken(target: Path) -> bool:
        if target.exists() and _same_title(target, title):
            raise AlreadyExists(target)
        return target.exists()

    return free_name(folder, slugify(title), taken)


_SUMMARY_LINE = re.compile(r"^trich_yeu:[ \t]*(.*?)[ \t]*$", re.MULTILINE)


def _same_title(notice: Path, title: str) -> bool:
    """Return whether the notice's trich_yeu line holds title (as `tbkl new` wrote it, or plain)."""
    try:  # a FIFO planted at the name would block a plain read forever, a link to /dev/zero fill the memory
        found = _SUMMARY_LINE.search(read_regular(notice, MAX_SOURCE_BYTES, follow_links=False).decode("utf-8"))
    except (NotReadable, UnicodeDecodeError):
        return False
    if found is None:
        return False
    value = found.group(1)
    if value.startswith('"'):
        try:
            value = json.loads(value)
        except ValueError:
            value = value.strip('"')
    elif value.startswith("'"):
        value = value[1:-1].replace("''", "'")
    else:
        value = value.split(" #")[0]
    return _words(value) == _words(title)


def _words(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def copy_template(name: str, workspace_templates: Path, new_name: str | None = None) -> Path:
    """Copy a built-in template into the workspace, to be changed in Word and used by name."""
    source = find_template(name)
    target = workspace_templates / f"{new_name or name}.docx"
    if target.exists():
        raise AlreadyExists(target)
    copy_file(source, target, MAX_FILE_BYTES)
    return target


_WORKSPACE_README = """# Thư mục thông báo kết luận

Tạo bởi `tbkl init` (mẫu `{template}`).

- `tbkl.yaml`: giá trị mặc định của văn phòng (cơ quan, địa danh, người ký, nơi nhận, dòng lưu).
- `notices/`: mỗi thông báo một tệp `.yaml`; tạo mới bằng `tbkl new "Kết luận …"`.
- `templates/`: mẫu Word riêng của văn phòng (xem `templates/README.md`).
- `out/`: tệp Word do `tbkl render` tạo ra.

Các lệnh thường dùng:

    tbkl new "Kết luận họp giao ban tháng 3"
    tbkl new "tăng cường phòng, chống thiên tai" --loai cong_van   # công văn
    tbkl new "Nghe báo cáo tình hình chuyển đổi số" --loai giay_moi  # giấy mời họp
    tbkl check            # kiểm tra mọi thông báo
    tbkl show notices/2026/ket-luan-hop-giao-ban-thang-3.yaml
    tbkl render           # in các thông báo thay đổi ra out/
    tbkl render --pdf     # kèm bản PDF (cần LibreOffice)

Để `git diff` hiện nội dung tệp Word (.gitattributes đã có dòng `*.docx binary diff=tbkl`):

    git config diff.tbkl.textconv "tbkl text"

## Soạn trong VS Code hoặc trình soạn thảo khác

Mở thư mục này bằng VS Code và cài tiện ích được gợi ý (YAML của Red Hat): `.vscode/` đã đặt
sẵn lược đồ `notice.schema.json` cho `notices/` và `tbkl.schema.json` cho `tbkl.yaml` (gợi ý
khóa, chú giải tiếng Việt, gạch chân lỗi khi gõ) và đọc YAML theo bản 1.1 như công cụ (`NO`,
`012` không bị hiểu khác đi). Lệnh "Run Task → tbkl check" đưa mọi lỗi vào bảng Problems.

Kiểm tra đầy đủ khi đang gõ (địa danh thiếu, dòng quyền hạn sai, số gõ tay "1." …), kèm sửa
nhanh, cần máy chủ ngôn ngữ của công cụ: `pip install "tbkl-gen[lsp]"` rồi cho trình soạn thảo
chạy `tbkl lsp` (giao thức LSP qua stdin/stdout) cho tệp `.yaml`, ví dụ Neovim:
`vim.lsp.start({{ name = "tbkl", cmd = {{ "tbkl", "lsp" }} }})`, Helix: `language-server` tên
`tbkl` với `command = "tbkl"`, `args = ["lsp"]`.
"""

_TEMPLATES_README = """# Mẫu Word riêng của văn phòng

Sao một mẫu có sẵn về đây rồi sửa trong Word (tiêu đề, khoảng cách, kiểu chữ "TB …"):

    tbkl templates --copy ubnd-tinh --as mau-cua-toi

Dùng mẫu bằng tên: ghi `mau: mau-cua-toi` trong `tbkl.yaml` (cho mọi thông báo) hoặc trong một
thông báo. Chỉ sửa chữ bên ngoài các thẻ `{{ … }}` và `{%p … %}`; `tbkl check` cảnh báo khi mẫu
dùng biến không có hoặc khi Word tách một thẻ thành nhiều đoạn.
"""
