"""The `tbkl` command line: parse flags, call the pipeline, print, choose the exit code.

With `tbkl_gen.lane` (the bodies of render and check, which the lane also runs without click), the
only module that echoes or exits. Each command hands off to a function that can be called
from Python; heavy imports stay inside the commands so that `tbkl --help` is instant. Exit codes:
0 success, 1 problems in the notices (or a failed render), 2 wrong usage, 130 interrupted (Ctrl-C),
143 stopped by SIGTERM.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, cast

import click

from tbkl_gen import __version__, lane

from tbkl_gen import messages_vi
from tbkl_gen.lane import EXIT_INTERRUPTED, EXIT_PROBLEMS
from tbkl_gen.lane import echo_problem as _echo_problem
from tbkl_gen.lane import fail as _fail
from tbkl_gen.lane import relative as _relative

messages_vi.install()

if TYPE_CHECKING:
    from tbkl_gen.errors import NoticeInvalid
    from tbkl_gen.service.accounts import Accounts
    from tbkl_gen.service.people import Role


class _Group(click.Group):
    """A group that prints user errors (TbklError) as one Vietnamese line, without a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        with lane.command_scope():
            return super().invoke(ctx)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tbkl", message="%(prog)s %(version)s")
def main() -> None:
    """tbkl: soạn Thông báo kết luận từ tệp YAML thành văn bản Word đúng Nghị định 30/2020/NĐ-CP."""
    lane.console_utf8()


# --- render -----------------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(path_type=Path),
    help="Thư mục ghi tệp .docx (mặc định: thu_muc_ra của tbkl.yaml, hoặc out/).",
)
@click.option("--force", is_flag=True, help="In lại tất cả, kể cả tệp không thay đổi.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Số tiến trình song song (mặc định: số nhân CPU).")
@click.option("--keep-going", is_flag=True, help="Vẫn in các thông báo hợp lệ khi có thông báo lỗi (mã thoát 1).")
@click.option("--prune", is_flag=True, help="Xóa tệp .docx không còn tệp nguồn.")
@click.option("--strict", is_flag=True, help="Coi cảnh báo là lỗi.")
@click.option("--template", "-t", "template", help="Tên mẫu hoặc đường dẫn tệp mẫu .docx.")
@click.option("-q", "--quiet", is_flag=True, help="Chỉ in lỗi.")
@click.option("--pdf", is_flag=True, help="Xuất thêm bản PDF bằng LibreOffice (chỉ tệp thay đổi hoặc chưa có PDF).")
@click.option("--pdfa", is_flag=True, help="Xuất bản PDF/A-2b cho lưu trữ điện tử (kèm theo --pdf).")
@click.option("--sidecar", is_flag=True, help="Ghi <tên>.json cạnh bản PDF: các trường văn thư nhập vào e-office (kèm theo --pdf).")
def render(**params: Any) -> None:  # noqa: ANN401 - click's parameters, typed where they are used (lane.render)
    """In thông báo (tệp .yaml hoặc thư mục) ra tệp Word .docx."""
    lane.render(**params)


# --- check ------------------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Coi cảnh báo là lỗi.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", help="Dạng kết quả.")
@click.option(
    "--docx",
    "docx_files",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Kiểm tra một tệp Word bất kỳ theo Nghị định 30 (tệp Word ghi trong PATHS cũng được kiểm tra như vậy).",
)
@click.option("--fix", "apply_fixes", is_flag=True, help="Tự sửa những lỗi chỉ có một cách sửa đúng, rồi kiểm tra lại.")
def check(**params: Any) -> None:  # noqa: ANN401 - click's parameters, typed where they are used (lane.check)
    """Kiểm tra thông báo, báo mọi lỗi kèm vị trí và cách sửa; không ghi tệp nào (trừ khi có --fix)."""
    lane.check(**params)


# --- workspace: init, new, show, templates -----------------------------------------------------


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--mau", "template", default="ubnd-tinh", show_default=True, help="Mẫu có sẵn (xem: tbkl templates).")
@click.option("--nguoi-ky", "signer", help="Họ tên người ký thật, ghi một lần vào tbkl.yaml cho mọi thông báo.")
def init(folder: Path, template: str, signer: str | None) -> None:
    """Tạo thư mục làm việc mới: tbkl.yaml, notices/, templates/, .gitattributes, README."""
    from tbkl_gen.commands.scaffold import init_workspace

    for path, made in init_workspace(folder, template, signer):
        click.echo(f"đã tạo {path.as_posix()}" if made else f"đã có {path.as_posix()}, giữ nguyên")
    what = "cho đúng cơ quan" if signer and signer.strip() else "cho đúng cơ quan và điền họ tên người ký (nguoi_ky.ho_ten)"
    click.echo(f'Tiếp theo: sửa {folder.as_posix()}/tbkl.yaml {what}, rồi: cd {_shell_word(folder.as_posix())} && tbkl new "Kết luận …"')


# Characters a shell (POSIX or Windows cmd) reads as something else than part of a path.
_SHELL_SPECIAL = re.compile(r"[\s\"'$`\\!&|;<>()*?\[\]{}#~%^,=]")


def _shell_word(text: str) -> str:
    """Return text as one word for the user's shell: in double quotes when it needs them.

    Both POSIX shells and Windows cmd read "…" as one word; inside them a POSIX shell still reads
    $, ` and \\, which get a backslash there (cmd has no such characters).
    """
    if not _SHELL_SPECIAL.search(text):
        return text
    if os.name != "nt":
        text = re.sub(r'(["$`\\])', r"\\\1", text)
    return f'"{text}"'


def _kinds() -> dict[str, str]:
    from tbkl_gen.notice.kinds import KINDS

    return {key: kind.description for key, kind in KINDS.items()}


def _kinds_default() -> str:
    from tbkl_gen.notice.kinds import DEFAULT

    return f" Mặc định: {DEFAULT.key}."


def _roles() -> dict[str, str]:
    from tbkl_gen.service.people import ROLE_LABELS

    return {role: label for role, label in ROLE_LABELS.items()}


class _TableChoice(click.Choice[str]):
    """A choice whose values are the keys of a table read only when the choice is used or shown.

    Importing the tables (the kinds declare every kind's model) would cost every other command at
    start (`tbkl --help` included) if the choices were listed when this module is imported.
    """

    def __init__(self, table: Callable[[], dict[str, str]]) -> None:
        self.table = table
        super().__init__([])

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(self.table())

    @choices.setter
    def choices(self, _: object) -> None:
        pass


class _TableOption(click.Option):
    """An option of a `_TableChoice` whose help lists each value with what it means, read when the help is shown."""

    def __init__(self, *args: Any, title: str, then: Callable[[], str] = str, **kwargs: Any) -> None:
        self.title = title
        self.then = then
        super().__init__(*args, **kwargs)

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        assert isinstance(self.type, _TableChoice)
        listed = "; ".join(f"{key} ({meaning})" for key, meaning in self.type.table().items())
        self.help = f"{self.title}: {listed}.{self.then()}"
        return super().get_help_record(ctx)


@main.command()
@click.argument("title")
@click.option("--ten", "name", default=None, help="Tên tệp (không cần đuôi .yaml); mặc định lấy từ trích yếu.")
@click.option("--loai", "kind", cls=_TableOption, title="Loại văn bản", then=_kinds_default, type=_TableChoice(_kinds), default=None)
def new(title: str, name: str | None, kind: str | None) -> None:
    """Tạo văn bản mới (thông báo, công văn, giấy mời) notices/<năm>/<tên>.yaml từ giá trị mặc định của văn phòng."""
    from tbkl_gen.commands.scaffold import new_notice
    from tbkl_gen.notice.kinds import DEFAULT, KINDS
    from tbkl_gen.source.workspace import find_workspace

    workspace = find_workspace(Path.cwd())
    if workspace is None:
        raise click.UsageError("không tìm thấy tbkl.yaml ở thư mục này hay thư mục cha; tạo bằng: tbkl init TÊN")
    target = new_notice(workspace.root, title, name=name, kind=KINDS[kind] if kind else DEFAULT)
    click.echo(f"đã tạo {_relative(target)}")


@main.command()
@click.argument("notice", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def show(notice: Path) -> None:
    """In thông báo sau khi gộp giá trị mặc định, kèm tbkl.yaml đang dùng và nơi ghi mỗi giá trị."""
    from tbkl_gen.source.load import load_notice
    from tbkl_gen.commands.scaffold import to_yaml
    from tbkl_gen.source.workspace import find_workspace

    workspace = find_workspace(notice)
    loaded = load_notice(notice, workspace.defaults if workspace else None)
    for problem in loaded.problems:
        _echo_problem(problem)
    if loaded.source is None:
        sys.exit(EXIT_PROBLEMS)
    merged = loaded.source
    comments = {}
    for path, origin in merged.origins.items():
        line = merged.value_marks.get(path, (None,))[0]
        comments[path] = f"mặc định: {_relative(origin)}:{line}" if line else f"mặc định: {_relative(origin)}"
    click.echo(f"# {_relative(notice)} sau khi gộp giá trị mặc định")
    if workspace is not None and workspace.config_path is not None:
        click.echo(f"# giá trị mặc định lấy từ: {_relative(workspace.config_path)}")
    else:
        click.echo("# không dùng tbkl.yaml nào (không có ở thư mục của thông báo hay thư mục cha trong cây thư mục của bạn)")
    click.echo("\n".join(to_yaml(merged.data, comments=comments)))
    if loaded.notice is None:
        sys.exit(EXIT_PROBLEMS)


@main.command()
@click.option("--copy", "copy_name", help="Sao mẫu có sẵn này vào templates/ của thư mục làm việc.")
@click.option("--as", "new_name", help="Tên mới cho mẫu được sao.")
def templates(copy_name: str | None, new_name: str | None) -> None:
    """Liệt kê các mẫu Word và công dụng; sao một mẫu về thư mục làm việc để sửa."""
    from tbkl_gen.word.fill import DEFAULT_TEMPLATE
    from tbkl_gen.commands.scaffold import copy_template, template_index
    from tbkl_gen.source.workspace import find_workspace

    workspace = find_workspace(Path.cwd())
    if copy_name:
        if workspace is None:
            raise click.UsageError("cần chạy trong thư mục làm việc (có tbkl.yaml)")
        target = copy_template(copy_name, workspace.templates_dir, new_name)
        click.echo(f"đã sao {copy_name} thành {_relative(target)}; dùng bằng: mau: {target.stem}")
        return
    from tbkl_gen.notice.kinds import KINDS

    click.echo("Mẫu có sẵn:")
    for name, entry in template_index().items():
        mark = " (mặc định)" if name == DEFAULT_TEMPLATE else ""
        click.echo(f"  {name}{mark}: {entry['mo_ta']}")
    kinds = ", ".join(f"{kind.name.lower()} ({kind.key})" for kind in KINDS.values())
    click.echo(f'Mỗi mẫu có sẵn in được mọi loại văn bản: {kinds}; tạo văn bản mới bằng: tbkl new "…" --loai LOẠI')
    if workspace is not None and workspace.templates_dir.is_dir():
        own = sorted(workspace.templates_dir.glob("*.docx"))
        if own:
            click.echo(f"Mẫu của văn phòng ({_relative(workspace.templates_dir)}):")
            for path in own:
                click.echo(f"  {path.stem}")


# --- import -----------------------------------------------------------------------------------


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(path_type=Path), help="Thư mục ghi tệp nguồn .yaml.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), help="Ghi báo cáo nhập vào tệp này.")
@click.option("--force", is_flag=True, help="Ghi đè tệp nguồn đã có.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Số tiến trình song song (mặc định: số nhân CPU).")
def import_(paths: tuple[Path, ...], out_dir: Path, report_path: Path | None, force: bool, jobs: int | None) -> None:
    """Nhập thông báo Word (.docx, .docm, .doc) thành tệp nguồn; sửa nhãn đánh số, báo mọi chỗ sửa và cảnh báo."""
    from tbkl_gen.importer import import_paths, report_text

    for path in paths:
        if not path.exists():
            raise click.BadParameter(f"không tìm thấy “{path}”", param_hint="PATHS")
    reports, seconds = import_paths(list(paths), out_dir, force=force, jobs=jobs)
    text = report_text(reports, seconds)
    failure = None
    if report_path is not None:
        from tbkl_gen.errors import TbklError
        from tbkl_gen.files import write_file

        try:
            write_file(report_path, text.encode("utf-8"))
        except TbklError as exc:  # a full disk: the report goes to the terminal, then the error names the file
            failure = exc
    brief = report_path is not None and failure is None
    for report in reports:
        click.echo(report.summary() if brief else report.text(), err=report.error is not None)
    click.echo(text.rstrip("\n").rsplit("\n", 1)[-1])
    if failure is not None:
        raise failure
    if not reports:
        _fail("không có tệp Word (.docx, .docm, .doc) nào để nhập")
    if any(r.error is not None or r.needs_fixing for r in reports):
        sys.exit(EXIT_PROBLEMS)


# --- serve ------------------------------------------------------------------------------------


@main.command()
@click.argument("folder", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Địa chỉ lắng nghe (0.0.0.0: cả mạng nội bộ, cần tài khoản; sau reverse proxy để 127.0.0.1).",
)
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="Cổng (0: cổng trống bất kỳ).")
@click.option("--no-browser", is_flag=True, help="Không tự mở trình duyệt.")
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    metavar="ĐỊA_CHỈ",
    help="Địa chỉ (hoặc mạng) của reverse proxy được tin: chỉ từ đây mới đọc X-Forwarded-For, X-Forwarded-Proto (và --proxy-user-header).",
)
@click.option(
    "--proxy-user-header",
    "user_header",
    metavar="TÊN",
    help="Tiêu đề HTTP reverse proxy ghi tên đăng nhập đã xác thực (đăng nhập một lần), ví dụ X-Remote-User; cần --trusted-proxy.",
)
@click.option("--secure-cookies", is_flag=True, help="Luôn đặt cookie phiên đăng nhập Secure (trang chỉ mở qua HTTPS).")
@click.option(
    "--public-name",
    "public_names",
    multiple=True,
    metavar="TÊN_MÁY",
    help="Tên máy người dùng mở trang, ví dụ soanthao.vanphong.gov.vn (tên qua reverse proxy).",
)
def serve(
    folder: Path | None,
    host: str,
    port: int,
    no_browser: bool,
    trusted_proxies: tuple[str, ...],
    user_header: str | None,
    secure_cookies: bool,
    public_names: tuple[str, ...],
) -> None:
    """Mở trang soạn thông báo trong trình duyệt (một thư mục làm việc, hoặc một thư mục chứa nhiều thư mục làm việc khi có tài khoản)."""
    from tbkl_gen.service.accounts import served_root

    root = served_root(folder or Path.cwd())
    if root is None:
        raise click.UsageError("không tìm thấy tbkl.yaml ở thư mục này hay thư mục cha; tạo bằng: tbkl init TÊN")
    try:
        from tbkl_gen.page.server import serve as run
    except ImportError as exc:
        _fail(f'trang soạn thảo cần thêm thư viện ({exc.name}); cài bằng: python -m pip install "tbkl-gen[page]"')

    addresses: list[str] = []

    def announce(url: str) -> None:
        if not addresses:
            click.echo(f"Trang soạn thông báo cho {_relative(root)}: {url}", err=True)
            click.echo("Nhấn Ctrl-C để dừng.", err=True)
        else:
            click.echo(f"Máy khác trong mạng nội bộ mở: {url}", err=True)
        addresses.append(url)

    try:
        run(
            root,
            host,
            port,
            announce=announce,
            open_browser=not no_browser,
            warn=lambda line: click.echo(line, err=True),
            trusted_proxies=trusted_proxies,
            user_header=user_header,
            secure_cookies=secure_cookies,
            public_names=public_names,
        )
    except OSError as exc:
        _fail(f"không mở được cổng {host}:{port} ({exc.strerror or exc}); thử cổng khác bằng --port")
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)


# --- users ------------------------------------------------------------------------------------


def _root_option(function: Any) -> Any:
    return click.option(
        "--root",
        "root",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=None,
        help="Thư mục tbkl serve mở (mặc định: thư mục gần nhất lên trên có .tbkl-service/, nếu không thì thư mục hiện tại).",
    )(function)


def _accounts(root: Path | None) -> Accounts:
    from tbkl_gen.service.accounts import Accounts, service_root

    return Accounts(service_root(root or Path.cwd()))


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    first = click.prompt("Mật khẩu", hide_input=True, err=True)
    second = click.prompt("Nhập lại mật khẩu", hide_input=True, err=True)
    if first != second:
        _fail("hai lần nhập mật khẩu không khớp; chưa đổi gì")
    return str(first)


@main.group(cls=_Group)
def users() -> None:
    """Tài khoản của trang văn phòng (tbkl serve): thêm, liệt kê, xóa, đổi mật khẩu, cấp và bỏ vai trò."""


@users.command("add")
@click.argument("login")
@click.option("--role", "role", required=True, cls=_TableOption, title="Vai trò", type=_TableChoice(_roles))
@click.option("--workspace", default=None, help="Thư mục làm việc được cấp vai trò (bắt buộc khi thư mục gốc có nhiều thư mục).")
@click.option("--ten", "name", default=None, help="Họ tên, ghi vào lịch sử sửa đổi, ví dụ “Nguyễn Văn An”.")
@click.option("--email", default=None, help="E-mail, ghi vào lịch sử sửa đổi.")
@click.option("--password-stdin", is_flag=True, help="Đọc mật khẩu từ một dòng ở đầu vào chuẩn (cho kịch bản).")
@_root_option
def users_add(
    login: str, role: str, workspace: str | None, name: str | None, email: str | None, password_stdin: bool, root: Path | None
) -> None:
    """Thêm tài khoản TÊN_ĐĂNG_NHẬP với một vai trò ở một thư mục làm việc."""
    from tbkl_gen.service.accounts import check_login, pick_workspace

    store = _accounts(root)
    check_login(login)
    place = pick_workspace(store.root, workspace)
    account = store.add(login, password=_password(password_stdin), role=cast("Role", role), workspace=place, name=name, email=email)
    click.echo(f"Đã thêm tài khoản {account.login} ({account.name}, {account.email}): {role} ở {place}.", err=True)


@users.command("list")
@_root_option
def users_list(root: Path | None) -> None:
    """Liệt kê các tài khoản và vai trò của họ ở từng thư mục làm việc."""
    store = _accounts(root)
    accounts = store.all()
    if not accounts:
        click.echo("Chưa có tài khoản nào; thêm bằng: tbkl users add TÊN --role soan-thao", err=True)
        return
    for account in accounts.values():
        roles = "; ".join(f"{place}: {', '.join(sorted(held))}" for place, held in sorted(account.roles.items())) or "chưa có vai trò"
        click.echo(f"{account.login}\t{account.name}\t{account.email}\t{roles}")


@users.command("remove")
@click.argument("login")
@_root_option
def users_remove(login: str, root: Path | None) -> None:
    """Xóa tài khoản (phiên đăng nhập của người đó hết hiệu lực ngay)."""
    _accounts(root).remove(login)
    click.echo(f"Đã xóa tài khoản {login}.", err=True)


@users.command("passwd")
@click.argument("login")
@click.option("--password-stdin", is_flag=True, help="Đọc mật khẩu mới từ một dòng ở đầu vào chuẩn.")
@_root_option
def users_passwd(login: str, password_stdin: bool, root: Path | None) -> None:
    """Đặt mật khẩu mới cho tài khoản."""
    store = _accounts(root)
    store.known(login)  # an unknown login is said before the password is asked for
    store.set_password(login, _password(password_stdin))
    click.echo(f"Đã đổi mật khẩu của {login}.", err=True)


@users.command("edit")
@click.argument("login")
@click.option("--ten", "name", default=None, help="Họ tên mới.")
@click.option("--email", default=None, help="E-mail mới.")
@_root_option
def users_edit(login: str, name: str | None, email: str | None, root: Path | None) -> None:
    """Đổi họ tên hoặc e-mail của tài khoản (ghi vào lịch sử sửa đổi từ nay về sau)."""
    account = _accounts(root).rename(login, name=name, email=email)
    click.echo(f"{account.login}: {account.name}, {account.email}.", err=True)


@users.command("grant")
@click.argument("login")
@click.option("--role", "role", required=True, cls=_TableOption, title="Vai trò", type=_TableChoice(_roles))
@click.option("--workspace", default=None, help="Thư mục làm việc (bắt buộc khi thư mục gốc có nhiều thư mục).")
@_root_option
def users_grant(login: str, role: str, workspace: str | None, root: Path | None) -> None:
    """Cấp thêm một vai trò cho tài khoản ở một thư mục làm việc."""
    _change_role(login, role, workspace, root, grant=True)


@users.command("revoke")
@click.argument("login")
@click.option("--role", "role", required=True, cls=_TableOption, title="Vai trò", type=_TableChoice(_roles))
@click.option("--workspace", default=None, help="Thư mục làm việc (bắt buộc khi thư mục gốc có nhiều thư mục).")
@_root_option
def users_revoke(login: str, role: str, workspace: str | None, root: Path | None) -> None:
    """Bỏ một vai trò của tài khoản ở một thư mục làm việc."""
    _change_role(login, role, workspace, root, grant=False)


def _change_role(login: str, role: str, workspace: str | None, root: Path | None, *, grant: bool) -> None:
    """Grant or revoke role (the accounts refuse one that is not a role) and say what the account holds there now."""
    from tbkl_gen.service.accounts import pick_workspace

    store = _accounts(root)
    place = pick_workspace(store.root, workspace)
    account = (store.grant if grant else store.revoke)(login, cast("Role", role), place)
    left = ", ".join(sorted(account.roles.get(place, frozenset()))) or "không còn vai trò"
    click.echo(f"{account.login} ở {place}: {left}.", err=True)


@main.command()
@click.argument("notice", type=click.Path(path_type=Path))
@click.option("--diff", "with_diff", is_flag=True, help="In kèm những chữ mỗi phiên bản đã sửa so với phiên bản trước: [-bỏ-] {+thêm+}.")
@click.option("--push", "push_now", is_flag=True, help="Gửi các phiên bản chưa gửi lên kho chung (git remote) của thư mục làm việc.")
def history(notice: Path, with_diff: bool, push_now: bool) -> None:
    """In lịch sử của một thông báo: mỗi phiên bản ai lưu, lúc nào, lời ghi; --diff in kèm chữ đã sửa.

    NOTICE là một thư mục làm việc: bắt đầu ghi lịch sử của nó (nếu chưa có) và, với --push, gửi lên kho chung.
    """
    from tbkl_gen.commands.text import ADDED, format_hunk_line
    from tbkl_gen.service import history as versions
    from tbkl_gen.source.workspace import find_workspace

    folder = notice.is_dir()
    workspace = find_workspace(notice if folder else notice.parent if notice.parent.is_dir() else Path.cwd())
    if folder and workspace is None:
        _fail(f"{notice.as_posix()} không phải thư mục làm việc (không có tbkl.yaml ở đó hay thư mục cha)")
    root = workspace.root if workspace is not None else notice.resolve().parent
    if versions.ensure_repository(root):  # the history begins here, as it would at the page's first save
        click.echo(f"Đã bắt đầu ghi lịch sử của thư mục làm việc {_relative(root)} (kho git mới).", err=True)
    if folder:
        _push_workspace(root, push_now=push_now, shown=str(notice), whole=True)
        return
    found = versions.log(root, notice.resolve())
    if not found and not notice.exists():
        _fail(f"không tìm thấy “{notice.as_posix()}” trên đĩa hay trong lịch sử")
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")

    def style(words: str, kind: str) -> str:
        return click.style(words, fg="green" if kind == ADDED else "red", underline=kind == ADDED, strikethrough=kind != ADDED)

    click.echo(f"Lịch sử của {_relative(notice)}: {len(found)} phiên bản, mới nhất trước")
    pending = versions.changed_on_disk(root, [notice.resolve()]) if notice.exists() else []
    if pending:
        click.echo("  (tệp trên đĩa có thay đổi chưa ghi vào lịch sử)")
    pairs = versions.changes(root, notice.resolve(), found) if with_diff else [(v, []) for v in found]
    for version, hunks in pairs:
        click.echo(f"{version.short}  {version.shown_when}  {version.author} <{version.email}>  {version.message}")
        for hunk in hunks:
            for line in hunk.lines:
                click.echo("    " + format_hunk_line(line, style if colour else None))
    _push_workspace(root, push_now=push_now, shown=str(notice))


def _push_workspace(root: Path, *, push_now: bool, shown: str, whole: bool = False) -> None:
    """Push the workspace's history to its remote (push_now), else say how many versions wait."""
    from tbkl_gen.service import history as versions

    remote = versions.remote_of(root)
    if push_now:
        if remote is None:
            _fail("thư mục làm việc chưa có kho chung (git remote); xem mục “History and the office's remote” trong README")
        pushed = versions.push(root)
        assert pushed is not None
        if not pushed.ok:
            _fail(pushed.message[:1].upper() + pushed.message[1:])
        click.echo(pushed.message[:1].upper() + pushed.message[1:])
    elif remote is not None and (left := versions.waiting(root, remote)):
        again = _shell_word(shown)
        click.echo(f"Kho chung “{remote}”: {left} phiên bản chưa gửi (gửi bằng: tbkl history {again} --push)")
    elif remote is None and whole:
        click.echo("Thư mục làm việc chưa có kho chung (git remote); thêm bằng: git remote add origin ĐỊA_CHỈ")


@main.command()
@click.option("--stdio", is_flag=True, help="Nói chuyện với trình soạn thảo qua stdin/stdout (mặc định, như mọi máy chủ ngôn ngữ).")
def lsp(stdio: bool) -> None:  # noqa: ARG001
    """Máy chủ ngôn ngữ (LSP) cho trình soạn thảo: báo lỗi khi gõ, sửa nhanh, gợi ý khóa, chú giải."""
    try:
        import pygls  # noqa: F401
    except ImportError:
        raise click.ClickException('“tbkl lsp” cần gói pygls: pip install "tbkl-gen[lsp]"') from None
    from tbkl_gen.lsp import serve

    serve()


# --- schema -----------------------------------------------------------------------------------


@main.command()
@click.option("--sidecar", is_flag=True, help="In JSON Schema của tệp .json cho e-office (render --pdf --sidecar).")
@click.option("--workspace", is_flag=True, help="In JSON Schema của tbkl.yaml (tbkl init ghi nó thành tbkl.schema.json).")
def schema(sidecar: bool, workspace: bool) -> None:
    """In JSON Schema của tệp thông báo (cho trình soạn thảo như VS Code)."""
    if sidecar:
        import json

        from tbkl_gen.commands.pdf import sidecar_schema

        click.echo(json.dumps(sidecar_schema(), ensure_ascii=False, indent=2))
        return
    from tbkl_gen.commands.scaffold import schema_text

    click.echo(schema_text(workspace=workspace), nl=False)


# --- issue and the register ----------------------------------------------------------------------


@main.command("issue")
@click.argument("notice", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--so", "number", help="Số văn bản do hệ thống e-office cấp; bỏ trống: lấy số tiếp theo của sổ đăng ký này.")
@click.option("--ngay", "date", help="Ngày ban hành dạng ngày/tháng/năm (mặc định: hôm nay).")
@click.option(
    "--khong-qua-duyet",
    "unreviewed",
    is_flag=True,
    help="Phát hành văn bản không qua bước duyệt trên hệ thống (đơn vị duyệt trên giấy); lần phát hành ghi rõ điều này.",
)
def issue_(notice: Path, number: str | None, date: str | None, unreviewed: bool) -> None:
    """Phát hành văn bản: ghi số và ngày, xuất bản Word và PDF/A vào phat-hanh/, ghi sổ đăng ký, commit và gắn nhãn git."""
    from tbkl_gen.errors import NoticeInvalid
    from tbkl_gen.service.issue import issue, local_person, parse_date, workspace_of

    root = workspace_of(notice).root
    try:
        done = issue(
            notice, local_person(root), number=number, date=parse_date(date) if date is not None else None, reviewed=not unreviewed
        )
    except NoticeInvalid as exc:
        _echo_invalid(exc)
    except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM: the source is put back, LibreOffice stopped
        click.echo(getattr(exc, "message", "Đã dừng theo yêu cầu (Ctrl-C)."), err=True)
        sys.exit(getattr(exc, "exit_code", EXIT_INTERRUPTED))
    entry = done.entry
    click.echo(f"Đã phát hành số {entry.number_and_symbol} ngày {entry.ngay}: {entry.tep_nguon}")
    for path in (done.docx, done.pdf, done.sidecar):
        click.echo(f"  {_relative(path)}")
    click.echo(f"  commit {done.commit[:10]}, nhãn {done.tag}")
    from tbkl_gen.errors import HistoryFailed
    from tbkl_gen.service import history as versions

    try:
        pushed = versions.push(root)  # the commit and its tag, to the office's remote when there is one
    except HistoryFailed as exc:
        pushed = versions.Pushed("", False, f"chưa gửi được lên kho chung ({exc})")
    if pushed is not None:  # issued either way: a push that failed is said, the next push sends it
        click.echo(pushed.message[:1].upper() + pushed.message[1:], err=not pushed.ok)


@main.command("register")
@click.option("--nam", "year", type=click.IntRange(1900, 9999), help="Chỉ các văn bản phát hành năm này.")
@click.option("--xlsx", "xlsx_file", type=click.Path(dir_okay=False, path_type=Path), help="Xuất sổ đăng ký ra tệp Excel .xlsx.")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), help="Xuất sổ đăng ký ra tệp .csv (UTF-8).")
def register_(year: int | None, xlsx_file: Path | None, csv_file: Path | None) -> None:
    """In sổ đăng ký văn bản đi của thư mục làm việc, hoặc xuất ra .xlsx/.csv."""
    from tbkl_gen.service import register
    from tbkl_gen.source.workspace import find_workspace

    workspace = find_workspace(Path.cwd())
    if workspace is None:
        _fail("cần chạy trong thư mục làm việc có tbkl.yaml (sổ đăng ký nằm ở so-dang-ky/)")
        return
    for target, kind in ((xlsx_file, "xlsx"), (csv_file, "csv")):
        if target is not None:
            try:
                count = register.export(workspace.root, target, year=year, kind=kind)
            except ImportError:
                _fail('xuất .xlsx cần gói openpyxl: pip install "tbkl-gen[page]"')
            click.echo(f"Đã xuất {count} văn bản vào {_relative(target)}.", err=True)
    if xlsx_file is not None or csv_file is not None:
        return
    rows = register.entries(workspace.root, year)
    for entry in rows:
        click.echo(f"{entry.number_and_symbol}\t{entry.ngay}\t{entry.trich_yeu}\t{entry.tep_nguon}")
    click.echo(f"Sổ đăng ký có {len(rows)} văn bản" + (f" năm {year}." if year else "."), err=True)


# --- preview, text, diff ------------------------------------------------------------------------


def _echo_invalid(exc: NoticeInvalid) -> NoReturn:
    for problem in exc.problems:
        _echo_problem(problem)
    sys.exit(EXIT_PROBLEMS)


@main.command()
@click.argument("notice", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Thư mục ghi ảnh (mặc định: thư mục tạm mới)."
)
@click.option("--dpi", type=click.IntRange(min=30, max=600), default=110, show_default=True, help="Độ phân giải ảnh (điểm ảnh mỗi inch).")
def preview(notice: Path, out_dir: Path | None, dpi: int) -> None:
    """Vẽ từng trang của thông báo (.yaml hoặc .docx) thành ảnh PNG qua LibreOffice; in đường dẫn các ảnh."""
    from tbkl_gen.commands.pdf import preview as draw
    from tbkl_gen.errors import NoticeInvalid

    try:
        result = draw(notice, out_dir, dpi=dpi)
    except NoticeInvalid as exc:
        _echo_invalid(exc)
    except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM: LibreOffice is stopped and its folder removed
        click.echo(getattr(exc, "message", "Đã dừng theo yêu cầu (Ctrl-C)."), err=True)
        sys.exit(getattr(exc, "exit_code", EXIT_INTERRUPTED))
    for warning in result.warnings:
        click.echo(warning, err=True)
    for page in result.pages:
        click.echo(page.as_posix())


@main.command()
@click.argument("notice", type=click.Path(path_type=Path))
def text(notice: Path) -> None:
    """In thông báo (.yaml hoặc .docx bất kỳ) thành văn bản thuần theo thứ tự đọc (dùng cho git diff)."""
    from tbkl_gen.commands.text import notice_lines
    from tbkl_gen.errors import NoticeInvalid

    try:
        lines, _ = notice_lines(notice)
    except NoticeInvalid as exc:
        _echo_invalid(exc)
    for line in lines:
        click.echo(line)


@main.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
def diff(old: Path, new: Path) -> None:
    """So sánh hai bản thông báo (.yaml hoặc .docx) theo từng từ: [-bỏ-] {+thêm+}; không in gì khi giống nhau."""
    from tbkl_gen.commands.text import ADDED, format_hunk_line, notice_lines, word_diff
    from tbkl_gen.errors import NoticeInvalid

    try:
        before, _ = notice_lines(old)
        after, _ = notice_lines(new)
    except NoticeInvalid as exc:
        _echo_invalid(exc)
    hunks = word_diff(before, after)
    if not hunks:
        return
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")

    def style(words: str, kind: str) -> str:
        return click.style(words, fg="green" if kind == ADDED else "red", underline=kind == ADDED, strikethrough=kind != ADDED)

    click.echo(f"--- {old.as_posix()}\n+++ {new.as_posix()}")
    for hunk in hunks:
        click.echo(click.style(hunk.header, fg="cyan") if colour else hunk.header)
        for line in hunk.lines:
            click.echo(format_hunk_line(line, style if colour else None))
