"""The accounts of a service root: who may log in, their name and e-mail for git, their roles per workspace.

A service root is the folder `tbkl serve` is given: one workspace (it holds tbkl.yaml) or a folder
of workspaces (each folder directly inside it that holds tbkl.yaml). Its accounts live outside
every workspace's history, in `ROOT/.tbkl-service/tai-khoan.json`, a file readable and writable by
its owner only, written through the package's one writer (`tbkl_gen.files.write_file`).

Passwords are kept as scrypt hashes (`hashlib.scrypt`, OpenSSL's), with a random salt per
password and the parameters written into each hash, so that they can be raised later and old
hashes still verify. The parameters are OWASP's for scrypt: N=2^15 (32 MiB), r=8, p=3.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import stat
import threading
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from tbkl_gen.errors import AccountError, NotReadable
from tbkl_gen.service.people import ROLE_LABELS, Person, Role

SERVICE_DIR = ".tbkl-service"
ACCOUNTS_FILE = "tai-khoan.json"
LOCK_FILE = ".khoa-tai-khoan"  # held while the accounts file is changed (files.held)
CONFIG_FILE = "tbkl.yaml"
MAX_ACCOUNTS_BYTES = 5_000_000

# scrypt's cost (OWASP Password Storage Cheat Sheet: N=2^15, r=8, p=3), its salt and key sizes.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 3
SALT_BYTES = 16
KEY_BYTES = 32
# Bounds on the parameters a stored hash may ask for (a hash file is not trusted to cost anything).
MAX_SCRYPT_N = 2**20
MAX_SCRYPT_RP = 32
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024
# At most this many passwords are hashed at once: each takes 32 MiB and a core for a while.
_hashing = threading.BoundedSemaphore(2)

# A folder whose name holds one of these is no workspace of the service: its name is a path in URLs (`/w/<name>/`).
UNSERVED_CHARACTERS = frozenset("{}%?#\\")
LOGIN_PATTERN = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")
LOGIN_RULE = "chỉ dùng chữ thường không dấu, chữ số và các dấu . _ @ -, tối đa 64 ký tự, ví dụ: nguyenvanan"


# --- passwords -----------------------------------------------------------------------------------


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    with _hashing:
        return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES, maxmem=256 * r * n + 1024 * 1024)


def hash_password(password: str) -> str:
    """Return the stored form of password: `scrypt$n=…,r=…,p=…$salt$key`, salt and key in base64."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt$n={SCRYPT_N},r={SCRYPT_R},p={SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_password(stored: str, password: str) -> bool:
    """Return whether password is the one stored hashes; a malformed stored hash verifies nothing."""
    parsed = _parsed(stored)
    if parsed is None:
        _scrypt(password, b"\0" * SALT_BYTES, SCRYPT_N, SCRYPT_R, SCRYPT_P)  # the same work as a real check
        return False
    n, r, p, salt, key = parsed
    return hmac.compare_digest(_scrypt(password, salt, n, r, p), key)


def _parsed(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    found = re.fullmatch(r"scrypt\$n=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)", stored)
    if found is None:
        return None
    n, r, p = (int(found.group(i)) for i in (1, 2, 3))
    if n < 2 or n > MAX_SCRYPT_N or n & (n - 1) or not 1 <= r <= MAX_SCRYPT_RP or not 1 <= p <= MAX_SCRYPT_RP:
        return None
    try:
        salt, key = base64.b64decode(found.group(4), validate=True), base64.b64decode(found.group(5), validate=True)
    except ValueError:
        return None
    return (n, r, p, salt, key) if len(key) == KEY_BYTES else None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


_stand_in: list[str] = []


def stand_in_hash() -> str:
    """Return a hash no password matches, with today's parameters: an unknown login is checked against it, as long as a known one."""
    if not _stand_in:
        _stand_in.append(hash_password(secrets.token_urlsafe(24)))
    return _stand_in[0]


def check_password(password: str) -> str:
    """Return password if it may become an account's password, else raise AccountError saying why."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"mật khẩu quá ngắn: cần ít nhất {MIN_PASSWORD_CHARS} ký tự")
    if len(password) > MAX_PASSWORD_CHARS:
        raise AccountError(f"mật khẩu quá dài: tối đa {MAX_PASSWORD_CHARS} ký tự")
    if password != password.strip():
        raise AccountError("mật khẩu không được bắt đầu hay kết thúc bằng dấu cách")
    return password


# --- accounts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """One person's account: login, the name and e-mail git records, roles per workspace, password hash."""

    login: str
    name: str
    email: str
    password: str
    roles: Mapping[str, frozenset[Role]] = field(default_factory=dict)

    def person(self, workspace: str | None) -> Person:
        """Return the person this account is in workspace (no roles outside any workspace or in one they have none in)."""
        roles = self.roles.get(workspace, frozenset()) if workspace is not None else frozenset()
        return Person(login=self.login, name=self.name, email=self.email, roles=roles)

    def workspaces(self) -> list[str]:
        """Return the workspaces this account holds a role in, by name."""
        return sorted(name for name, roles in self.roles.items() if roles)


def normal_login(login: str) -> str:
    """Return the login as accounts store it (NFC, trimmed, lower case)."""
    return unicodedata.normalize("NFC", login).strip().lower()


def check_login(login: str) -> str:
    """Return the normal form of a new account's login, or raise AccountError naming the rule."""
    normal = normal_login(login)
    if not LOGIN_PATTERN.fullmatch(normal):
        raise AccountError(f"tên đăng nhập “{login[:80]}” không hợp lệ: {LOGIN_RULE}")
    return normal


def workspaces(root: Path) -> dict[str, Path]:
    """Return the workspaces a service root serves, by name: root itself when it holds tbkl.yaml, else each folder inside it that does."""
    root = root.resolve()
    if (root / CONFIG_FILE).is_file():
        return {root.name: root}
    found: dict[str, Path] = {}
    try:
        entries = sorted(root.iterdir())
    except OSError:
        return {}
    for entry in entries:
        if entry.name.startswith(".") or UNSERVED_CHARACTERS & set(entry.name) or entry.is_symlink() or not entry.is_dir():
            continue
        if (entry / CONFIG_FILE).is_file():
            found[entry.name] = entry
    return found


def served_root(start: Path) -> Path | None:
    """Return the service root `tbkl serve start` serves: start when it is a workspace or a folder of them, else the workspace around start."""
    from tbkl_gen.source.workspace import find_workspace

    if workspaces(start):
        return start.resolve()
    found = find_workspace(start)
    return found.root.resolve() if found is not None else None


def pick_workspace(root: Path, given: str | None) -> str:
    """Return the workspace a command about roles names: given (one of root's), or root's only one."""
    found = workspaces(root)
    if not found:
        raise AccountError(
            f"{root} không phải thư mục làm việc (không có tbkl.yaml) cũng không chứa thư mục làm việc nào; tạo bằng: tbkl init TÊN"
        )
    if given is None:
        if len(found) == 1:
            return next(iter(found))
        raise AccountError(f"{root} có {len(found)} thư mục làm việc ({', '.join(found)}); chọn một bằng --workspace")
    if given not in found:
        raise AccountError(f"không có thư mục làm việc “{given}” trong {root}; các thư mục: {', '.join(found)}")
    return given


def service_root(start: Path) -> Path:
    """Return the service root for a command run in start: the nearest folder up from start holding .tbkl-service/,
    else the root `tbkl serve` would serve from start (the workspace around it), else start."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / SERVICE_DIR).is_dir():
            return folder
    return served_root(start) or start


class Accounts:
    """The accounts file of a service root: read afresh when it changes on disk, written whole."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._seen: tuple[int, int, int] | None = None
        self._accounts: dict[str, Account] = {}
        self._lock = threading.Lock()

    @property
    def folder(self) -> Path:
        return self.root / SERVICE_DIR

    @property
    def path(self) -> Path:
        return self.folder / ACCOUNTS_FILE

    def shown(self) -> str:
        return f"{SERVICE_DIR}/{ACCOUNTS_FILE}"

    # --- reading ---------------------------------------------------------------------------

    def all(self) -> dict[str, Account]:
        """Return every account by login, as the file says now."""
        try:
            info = self.path.lstat()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise AccountError(f"không đọc được {self.shown()} ({exc.strerror or exc})") from None
        signature = (info.st_mtime_ns, info.st_size, info.st_ino)
        with self._lock:
            if signature != self._seen:
                self._accounts = self._read()
                self._seen = signature
            return dict(self._accounts)

    def get(self, login: str) -> Account | None:
        """Return the account of login (in any case and spacing), or None."""
        return self.all().get(normal_login(login))

    def known(self, login: str) -> Account:
        """Return the account of login, or raise AccountError naming the accounts there are."""
        accounts = self.all()
        found = accounts.get(normal_login(login))
        if found is None:
            raise AccountError(f"không có tài khoản “{login[:80]}”" + _known(accounts))
        return found

    def any(self) -> bool:
        """Return whether the service root has at least one account."""
        return bool(self.all())

    def _read(self) -> dict[str, Account]:
        from tbkl_gen.files import read_regular

        try:
            raw = read_regular(self.path, MAX_ACCOUNTS_BYTES, follow_links=False, own=True)
        except NotReadable as refused:
            if refused.missing:
                return {}
            raise AccountError(f"không đọc {self.shown()}: {refused.reason}") from None
        try:
            document = json.loads(raw.decode("utf-8"))
            listed = document["tai_khoan"]
            accounts = [_account(item) for item in listed]
        except (ValueError, KeyError, TypeError) as exc:
            raise AccountError(f"tệp {self.shown()} bị hỏng ({type(exc).__name__}); hãy khôi phục từ bản sao lưu") from None
        return {account.login: account for account in accounts}

    # --- writing ---------------------------------------------------------------------------

    def _write(self, accounts: dict[str, Account]) -> None:
        from tbkl_gen.files import write_file

        self._make_folder()
        document = {"phien_ban": 1, "tai_khoan": [_plain(accounts[login]) for login in sorted(accounts)]}
        data = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        write_file(self.path, data, inside=self.root, private=True)

    def _make_folder(self) -> None:
        try:
            info = self.folder.lstat()
        except FileNotFoundError:
            try:
                self.folder.mkdir(mode=0o700)
            except FileExistsError:  # made meanwhile by another `tbkl users` at the same moment: checked as any folder found
                info = self.folder.lstat()
            except OSError as exc:
                raise AccountError(f"không tạo được thư mục {SERVICE_DIR}/ ({exc.strerror or exc})") from None
            else:
                from tbkl_gen.files import write_file

                # Never in a workspace's history, whatever is added there: git ignores the whole folder.
                write_file(self.folder / ".gitignore", b"*\n", inside=self.root, private=True)
                return
        if not stat.S_ISDIR(info.st_mode):
            raise AccountError(f"{SERVICE_DIR} không phải một thư mục (có thể là liên kết); không ghi tài khoản vào đó")
        if os.name != "nt" and (info.st_uid != os.getuid() or info.st_mode & 0o077):
            raise AccountError(f"thư mục {SERVICE_DIR}/ phải thuộc riêng người chạy tbkl (chmod 700 {SERVICE_DIR})")

    @contextmanager
    def _changing(self) -> Iterator[dict[str, Account]]:
        """Hold the accounts file's lock, give the accounts as the file says now, write them back when the block ends.

        Two `tbkl users` run at once (an IT person's script) change the file one after the other:
        neither loses the other's change.
        """
        from tbkl_gen.errors import LockBusy
        from tbkl_gen.files import held

        self._make_folder()
        try:
            with held(self.folder / LOCK_FILE, what="tệp tài khoản"):
                accounts = self.all()
                yield accounts
                self._write(accounts)
        except LockBusy as exc:
            raise AccountError(str(exc)) from None

    def _change(self, login: str, change: Any) -> Account:  # noqa: ANN401 - a function of the account
        normal = normal_login(login)
        with self._changing() as accounts:
            if normal not in accounts:
                raise AccountError(f"không có tài khoản “{login[:80]}”" + _known(accounts))
            accounts[normal] = change(accounts[normal])
        return accounts[normal]

    def add(self, login: str, *, password: str, role: Role, workspace: str, name: str | None = None, email: str | None = None) -> Account:
        """Make a new account with one role in one workspace; refuse a login already taken."""
        normal = check_login(login)
        role = _role(role)
        account = Account(
            login=normal,
            name=_text(name, "họ tên") or normal,
            email=_email(email) or f"{normal}@localhost",
            password=hash_password(check_password(password)),  # the slow part, before the file is held
            roles={workspace: frozenset({role})},
        )
        with self._changing() as accounts:
            if normal in accounts:
                raise AccountError(f"tài khoản “{normal}” đã có; đổi vai trò bằng: tbkl users grant {normal} --role …")
            accounts[normal] = account
        return account

    def remove(self, login: str) -> None:
        normal = normal_login(login)
        with self._changing() as accounts:
            if accounts.pop(normal, None) is None:
                raise AccountError(f"không có tài khoản “{login[:80]}”" + _known(accounts))

    def set_password(self, login: str, password: str) -> Account:
        hashed = hash_password(check_password(password))
        return self._change(login, lambda account: replace(account, password=hashed))

    def grant(self, login: str, role: Role, workspace: str) -> Account:
        role = _role(role)

        def granted(account: Account) -> Account:
            return replace(account, roles={**account.roles, workspace: account.roles.get(workspace, frozenset()) | {role}})

        return self._change(login, granted)

    def revoke(self, login: str, role: Role, workspace: str) -> Account:
        role = _role(role)

        def revoked(account: Account) -> Account:
            left = account.roles.get(workspace, frozenset()) - {role}
            roles = {name: held for name, held in account.roles.items() if name != workspace}
            return replace(account, roles={**roles, workspace: left} if left else roles)

        return self._change(login, revoked)

    def rename(self, login: str, *, name: str | None = None, email: str | None = None) -> Account:
        def renamed(account: Account) -> Account:
            return replace(account, name=_text(name, "họ tên") or account.name, email=_email(email) or account.email)

        return self._change(login, renamed)

    def authenticate(self, login: str, password: str) -> Account | None:
        """Return the account when password is its password, else None, with the same work for an unknown login."""
        account = self.get(login) if len(login) <= 200 else None
        if len(password) > MAX_PASSWORD_CHARS:
            password = password[:MAX_PASSWORD_CHARS] + "\0"  # never the password, and no longer to hash than any other
        ok = verify_password(account.password if account is not None else stand_in_hash(), password)
        return account if ok and account is not None else None


def _known(accounts: dict[str, Account]) -> str:
    return f"; các tài khoản: {', '.join(sorted(accounts))}" if accounts else "; chưa có tài khoản nào"


def _text(value: str | None, label: str) -> str | None:
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value).strip()
    if len(value) > 200 or any(ch in value for ch in "\r\n\t\0<>"):
        raise AccountError(f"{label} “{value[:80]}” không hợp lệ: một dòng, tối đa 200 ký tự, không có < >")
    return value or None


def _email(value: str | None) -> str | None:
    value = _text(value, "e-mail")
    if value is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+", value):
        raise AccountError(f"e-mail “{value[:80]}” không hợp lệ, ví dụ: an.nv@vanphong.gov.vn")
    return value


def _plain(account: Account) -> dict[str, Any]:
    return {
        "ten_dang_nhap": account.login,
        "ho_ten": account.name,
        "email": account.email,
        "vai_tro": {name: sorted(roles) for name, roles in sorted(account.roles.items())},
        "mat_khau": account.password,
    }


def _role(role: str) -> Role:
    """Return role if it is one of the roles (a caller of the API may pass any text), else refuse it before anything is written."""
    if role not in ROLE_LABELS:
        raise AccountError(f"không có vai trò “{str(role)[:40]}”; các vai trò: " + ", ".join(ROLE_LABELS))
    return role


def _account(item: Any) -> Account:  # noqa: ANN401 - one entry of the file, checked here
    if not isinstance(item, dict):
        raise TypeError("entry")
    login, name, email, password, roles = (item[key] for key in ("ten_dang_nhap", "ho_ten", "email", "mat_khau", "vai_tro"))
    if not all(isinstance(value, str) for value in (login, name, email, password)) or not isinstance(roles, dict):
        raise TypeError("entry")
    held: dict[str, frozenset[Role]] = {}
    for workspace, names in roles.items():
        if not isinstance(names, list) or not all(role in ROLE_LABELS for role in names):
            raise ValueError("role")
        held[str(workspace)] = frozenset(cast("list[Role]", names))
    return Account(login=normal_login(login), name=name, email=email, password=password, roles=held)
