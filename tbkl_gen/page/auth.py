"""Logging in to the office's service: sessions, CSRF, the login page, and the middleware that sets the person.

With accounts (`tbkl users add`), `tbkl serve` serves every workspace of its root to the people
who log in. What holds:

- A session is server-side (`Sessions`, in the server's memory): its id is 256 random bits in a
  cookie that is HttpOnly, SameSite=Lax, Secure when the page is reached over TLS (the trusted
  proxy's X-Forwarded-Proto, or `--secure-cookies`), and ends after `SESSION_HOURS` or
  `IDLE_MINUTES` without a request; a restart of the server asks everyone to log in again.
- Every change (any method but GET and HEAD) carries the session's CSRF token in the
  `X-Tbkl-Token` header, which the page's fetches send (the token is the page's meta tag, as the
  single-user token is); a foreign page can neither read nor send it. The checks of Origin, Host
  and Sec-Fetch-Site (`foreign`) come first, as in the single-user mode.
- Logging in is rate-limited per account and per address (`Attempts`), and an unknown login is
  answered as a wrong password, after the same scrypt work (`Accounts.authenticate`).
- `Gate`, the middleware, sets `page.access`'s person for every request: the account with its
  roles in the workspace the path names (`/w/<name>/…`), no roles elsewhere; a request without
  a session is refused (401, or the login page for a page), except the login page and /static.
- Behind a reverse proxy that authenticates (single sign-on), the login it puts in
  `--proxy-user-header` is trusted from the `--trusted-proxy` addresses only; the person still
  gets a session, so that changes still need the CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import ipaddress
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tbkl_gen.errors import AccountError
from tbkl_gen.page import access
from tbkl_gen.page.net import in_thread
from tbkl_gen.service.accounts import Account, Accounts, normal_login
from tbkl_gen.service.people import ALLOWED, LOCAL, ROLE_LABELS, Person, may

CSRF_HEADER = "x-tbkl-token"
COOKIE = "tbkl-phien"
SESSIONS_FILE = "phien.json"  # beside the accounts, in the service root's .tbkl-service/
SESSION_HOURS = 12
IDLE_MINUTES = 120
LOGIN_PATH = "/dang-nhap"
LOGOUT_PATH = "/dang-xuat"
WORKSPACE_PREFIX = "/w/"
# Failed logins: at most ACCOUNT_FAILURES per login and ADDRESS_FAILURES per address in FAILURE_WINDOW seconds.
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20
FAILURE_WINDOW = 15 * 60
MAX_TRACKED = 10_000  # logins and addresses remembered at once (the oldest are forgotten first)
MAX_LOGIN_BODY = 8 * 1024
LOG = logging.getLogger("tbkl_gen.page")
NOBODY = Person(login="", name="", email="", roles=frozenset())

WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."
NO_SESSION = "chưa đăng nhập hoặc phiên đăng nhập đã hết; hãy đăng nhập lại"
NO_CSRF = "thiếu hoặc sai mã chống giả mạo yêu cầu; hãy tải lại trang"


# --- sessions ------------------------------------------------------------------------------------


@dataclass
class Session:
    """One logged-in browser: its key (the hash of the cookie's random id), its CSRF token, whose it is, when it began and was last used.

    id is the cookie's value, known only in the process that made the session (a session read
    back from the file after a restart has only its key).
    """

    key: str
    login: str
    csrf: str
    began: float
    seen: float
    id: str = ""


def session_key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


class Sessions:
    """The server's sessions: in memory, and in path (owner-only) when given, so that a restart keeps them.

    The file holds each session's key (a hash of its id: reading the file gives no cookie),
    login, CSRF token and times; it is written when a session begins or ends, and at most once a
    minute for a session in use. clock is injectable so that tests move time instead of waiting.
    """

    SAVE_EVERY = 60.0

    def __init__(
        self,
        *,
        hours: float = SESSION_HOURS,
        idle_minutes: float = IDLE_MINUTES,
        clock: Callable[[], float] = time.time,
        path: Path | None = None,
    ) -> None:
        self.lifetime = hours * 3600
        self.idle = idle_minutes * 60
        self.clock = clock
        self.path = path
        self._sessions: dict[str, Session] = {}
        self._saved: dict[str, float] = {}
        self._lock = threading.Lock()
        if path is not None:
            self._load(path)

    def create(self, login: str) -> Session:
        now = self.clock()
        session_id = secrets.token_urlsafe(32)
        session = Session(key=session_key(session_id), login=login, csrf=secrets.token_urlsafe(32), began=now, seen=now, id=session_id)
        with self._lock:
            self._prune(now)
            self._sessions[session.key] = session
            self._save()
        return session

    def get(self, session_id: str | None) -> Session | None:
        """Return the live session of id (and mark it used now), or None."""
        if not session_id or len(session_id) > 100:
            return None
        now = self.clock()
        key = session_key(session_id)
        with self._lock:
            session = self._sessions.get(key)
            if session is None:
                return None
            if not self._alive(session, now):
                del self._sessions[key]
                self._save()
                return None
            session.seen = now
            if now - self._saved.get(key, 0.0) > self.SAVE_EVERY:
                self._save()
            return session

    def drop(self, session: Session) -> None:
        with self._lock:
            if self._sessions.pop(session.key, None) is not None:
                self._save()

    def count(self) -> int:
        with self._lock:
            return len(self._sessions)

    def _alive(self, session: Session, now: float) -> bool:
        return now - session.began <= self.lifetime and now - session.seen <= self.idle and session.began <= now + 60

    def _prune(self, now: float) -> None:
        for key in [key for key, s in self._sessions.items() if not self._alive(s, now)]:
            del self._sessions[key]

    def _load(self, path: Path) -> None:
        from tbkl_gen.errors import NotReadable
        from tbkl_gen.files import read_regular

        try:
            found = json.loads(read_regular(path, 20_000_000, follow_links=False, own=True).decode("utf-8"))
            for item in found["phien"]:
                session = Session(key=item["ma"], login=item["tk"], csrf=item["csrf"], began=float(item["tu"]), seen=float(item["luc"]))
                if all(isinstance(v, str) for v in (session.key, session.login, session.csrf)):
                    self._sessions[session.key] = session
                    self._saved[session.key] = session.seen
        except NotReadable as refused:
            if not refused.missing:
                LOG.warning("Không đọc được %s (%s): mọi người đăng nhập lại", path.name, refused.reason)
        except (ValueError, KeyError, TypeError):
            LOG.warning("Tệp %s bị hỏng: mọi người đăng nhập lại", path.name)
        self._prune(self.clock())

    def _save(self) -> None:
        """Write every session to the file (the lock held); a failure is logged: the sessions still work in memory."""
        if self.path is None:
            return
        from tbkl_gen.errors import OutputFailed
        from tbkl_gen.files import write_file

        items = [{"ma": s.key, "tk": s.login, "csrf": s.csrf, "tu": s.began, "luc": s.seen} for s in self._sessions.values()]
        try:
            write_file(self.path, json.dumps({"phien": items}).encode("utf-8"), private=True)
        except (OSError, OutputFailed) as exc:
            LOG.warning("Không ghi được %s (%s)", self.path.name, exc)
            return
        self._saved = {s.key: s.seen for s in self._sessions.values()}


class Attempts:
    """Failed logins per key (a login, an address) in a sliding window; a key over its limit waits."""

    def __init__(self, limit: int, window: float = FAILURE_WINDOW, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, key: str) -> float:
        """Return the seconds key must wait before it may try again (0: it may try now)."""
        now = self.clock()
        with self._lock:
            failures = self._recent(key, now)
            return 0.0 if len(failures) < self.limit else failures[0] + self.window - now

    def failed(self, key: str) -> None:
        now = self.clock()
        with self._lock:
            failures = self._recent(key, now)
            failures.append(now)
            self._failures[key] = failures
            while len(self._failures) > MAX_TRACKED:
                del self._failures[next(iter(self._failures))]

    def cleared(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.pop(key, deque())  # popped and put back: the dict keeps the least recent first
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if failures:
            self._failures[key] = failures
        return failures


# --- settings of the service -----------------------------------------------------------------------


@dataclass
class Service:
    """What the accounts mode needs: the accounts, the sessions, the limits and the proxy it trusts."""

    accounts: Accounts
    workspaces: dict[str, Path]
    hosts: set[str]
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    user_header: str | None = None
    secure_cookies: bool = False
    sessions: Sessions = field(default_factory=Sessions)
    by_account: Attempts = field(default_factory=lambda: Attempts(ACCOUNT_FAILURES))
    by_address: Attempts = field(default_factory=lambda: Attempts(ADDRESS_FAILURES))

    def trusts(self, address: str | None) -> bool:
        """Return whether address is one of the reverse proxies the server was told to trust."""
        if address is None or not self.trusted_proxies:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted_proxies)

    def secure(self, request: Request) -> bool:
        """Return whether the session cookie is Secure: reached over TLS (as the trusted proxy says) or told so."""
        return self.secure_cookies or request.url.scheme == "https"

    def cookie_name(self, request: Request) -> str:
        # `__Host-`: a Secure cookie of this exact host and path /, that no sibling domain can set.
        return f"__Host-{COOKIE}" if self.secure(request) else COOKIE

    def set_cookie(self, response: Response, request: Request, session: Session) -> None:
        response.set_cookie(
            self.cookie_name(request),
            session.id,
            max_age=int(self.sessions.lifetime),
            path="/",
            httponly=True,
            samesite="lax",
            secure=self.secure(request),
        )


def proxies(addresses: Iterable[str]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Return the networks of `--trusted-proxy` values (an address or a network), or raise AccountError naming a wrong one."""
    found = []
    for address in addresses:
        try:
            found.append(ipaddress.ip_network(address.strip(), strict=False))
        except ValueError:
            raise AccountError(f"--trusted-proxy “{address}” không phải địa chỉ IP hay mạng (ví dụ 127.0.0.1 hoặc 10.0.0.0/24)") from None
    return tuple(found)


# --- checks of every request ---------------------------------------------------------------------


def foreign(request: Request, hosts: set[str]) -> str | None:
    """Return why a request from another site (or through a foreign host name) is refused, or None."""
    host = (request.headers.get("host") or "").lower()
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.strip("[]")
    if not _is_ip(name) and name not in hosts:
        return f"tên máy “{host}” không được phép (chỉ mở trang bằng địa chỉ tbkl serve đã in ra)"
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{host}":
        return "yêu cầu từ trang web khác bị từ chối"
    if request.headers.get("sec-fetch-site") == "cross-site":
        return "yêu cầu từ trang web khác bị từ chối"
    return None


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _last(value: str | None) -> str | None:
    """Return the last item of a comma-separated forwarded header: the one the trusted proxy itself added."""
    if not value:
        return None
    return value.split(",")[-1].strip() or None


def workspace_of(path: str) -> str | None:
    """Return the workspace a path names (`/w/<name>/…`), or None."""
    if not path.startswith(WORKSPACE_PREFIX):
        return None
    return path[len(WORKSPACE_PREFIX) :].split("/", 1)[0] or None  # the ASGI path is already decoded


def workspace_url(name: str) -> str:
    return f"{WORKSPACE_PREFIX}{quote(name, safe='')}/"


class Gate:
    """ASGI middleware of the accounts mode: the proxy's headers, foreign requests, the session, CSRF, the person."""

    def __init__(self, app: ASGIApp, service: Service) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":  # the page has none: nothing reaches the app without the checks below
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        peer = scope.get("client")
        proxied = self.service.trusts(peer[0] if peer else None)
        if proxied:
            self.forwarded(scope)
        request = Request(scope)
        reason = foreign(request, self.service.hosts)
        if reason is not None:
            await _error(403, reason)(scope, receive, send)
            return
        path = request.url.path
        if path == LOGIN_PATH or path.startswith("/static/"):
            access.set_person(NOBODY)
            await self.app(scope, receive, send)
            return
        session, fresh = self.session_of(request, proxied=proxied)
        if isinstance(session, Response):
            await session(scope, receive, send)
            return
        if session is None:
            await self.no_session(request)(scope, receive, send)
            return
        if request.method not in ("GET", "HEAD"):
            given = request.headers.get(CSRF_HEADER)
            if given is None or not hmac.compare_digest(given.encode(), session.csrf.encode()):
                await _error(403, NO_CSRF)(scope, receive, send)
                return
        account = self.service.accounts.get(session.login)
        if account is None:  # removed since the login
            self.service.sessions.drop(session)
            await self.no_session(request)(scope, receive, send)
            return
        scope["tbkl.session"] = session
        scope["tbkl.account"] = account
        scope["tbkl.csrf"] = session.csrf
        access.set_person(account.person(workspace_of(path)))
        if fresh:
            await self.app(scope, receive, self.with_cookie(send, request, session))
        else:
            await self.app(scope, receive, send)

    def forwarded(self, scope: Scope) -> None:
        """Take the scheme and the client's address from the trusted proxy's X-Forwarded-Proto and X-Forwarded-For."""
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope.get("headers") or []}
        proto = _last(headers.get("x-forwarded-proto"))
        if proto in ("http", "https"):
            scope["scheme"] = proto
        client = _last(headers.get("x-forwarded-for"))
        if client is not None and _is_ip(client):
            scope["client"] = (client, 0)
        scope["tbkl.proxied"] = True

    def session_of(self, request: Request, *, proxied: bool) -> tuple[Session | Response | None, bool]:
        """Return the request's session and whether it was made now (the proxy's user), or a refusal."""
        session = self.service.sessions.get(request.cookies.get(self.service.cookie_name(request)))
        header = self.service.user_header
        if not (proxied and header):
            return session, False
        login = request.headers.get(header)
        if login is None:
            return session, False
        account = self.service.accounts.get(login)
        if account is None:
            return _error(
                403, f"tài khoản “{login[:80]}” (reverse proxy báo) chưa có trên máy chủ; quản trị thêm bằng: tbkl users add …"
            ), False
        if session is not None and session.login == account.login:
            return session, False
        if session is not None:
            self.service.sessions.drop(session)
        return self.service.sessions.create(account.login), True

    def no_session(self, request: Request) -> Response:
        if request.method == "GET" and (request.url.path == "/" or request.url.path.endswith("/")):
            return RedirectResponse(f"{LOGIN_PATH}?tiep={quote(request.url.path)}", status_code=303)
        return _error(401, NO_SESSION)

    def with_cookie(self, send: Send, request: Request, session: Session) -> Send:
        carrier = Response()
        self.service.set_cookie(carrier, request, session)
        cookie = [(k, v) for k, v in carrier.raw_headers if k == b"set-cookie"]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *cookie]}
            await send(message)

        return sending


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"loi": message}, status_code=status)


# --- the login page, logout, who is logged in --------------------------------------------------


def _static(name: str) -> str:
    return (Path(str(resources.files("tbkl_gen.page") / "static")) / name).read_text(encoding="utf-8")


_LOGIN_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
_PAGE_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def login_page(*, message: str = "", login: str = "", next_path: str = "/", status: int = 200) -> HTMLResponse:
    html = (
        _static("login.html")
        .replace("{{LOI}}", escape(message))
        .replace("{{LOI_AN}}", "" if message else "hidden")
        .replace("{{LOGIN}}", escape(login, quote=True))
        .replace("{{TIEP}}", escape(next_path, quote=True))
    )
    return HTMLResponse(
        html,
        status_code=status,
        # same-origin, not no-referrer: with no-referrer the browser sends the form's Origin as "null"
        headers={"Cache-Control": "no-store", "Content-Security-Policy": _LOGIN_CSP, "Referrer-Policy": "same-origin"},
    )


def safe_next(value: str | None) -> str:
    """Return where to go after logging in: a path of this site only (never `//other` or a scheme), else /."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value or len(value) > 500:
        return "/"
    return value


def client_address(request: Request) -> str:
    return request.client.host if request.client is not None else "?"


def routes(service: Service) -> list[Route]:
    """Return the routes of the accounts mode outside the workspaces: login, logout, the choice of a workspace."""

    async def show_login(request: Request) -> Response:
        return login_page(next_path=safe_next(request.query_params.get("tiep")))

    async def log_in(request: Request) -> Response:
        # The login form is no fetch with a token: it must come from this site, as a browser says.
        own = f"{request.url.scheme}://{(request.headers.get('host') or '').lower()}"
        if request.headers.get("origin") != own and request.headers.get("sec-fetch-site") != "same-origin":
            return login_page(message="Yêu cầu đăng nhập không đến từ trang này; hãy mở trang đăng nhập rồi thử lại.", status=403)
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_LOGIN_BODY:
                return login_page(message="Dữ liệu đăng nhập quá lớn.", status=413)
        fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        login = (fields.get("ten_dang_nhap") or [""])[0][:200]
        password = (fields.get("mat_khau") or [""])[0]
        next_path = safe_next((fields.get("tiep") or ["/"])[0])
        account_key, address_key = "tk:" + normal_login(login), "ip:" + client_address(request)
        wait = max(service.by_account.wait(account_key), service.by_address.wait(address_key))
        if wait > 0:
            LOG.warning("Từ chối đăng nhập “%s” từ %s: sai quá nhiều lần", login[:80], client_address(request))
            minutes = max(1, round(wait / 60))
            text = f"Đăng nhập sai quá nhiều lần. Hãy thử lại sau {minutes} phút."
            return login_page(message=text, login=login, next_path=next_path, status=429)
        account: Account | None = await in_thread(service.accounts.authenticate, login, password)
        if account is None:
            LOG.warning("Đăng nhập sai: “%s” từ %s", login[:80], client_address(request))  # for the office's fail2ban or log reader
            service.by_account.failed(account_key)
            service.by_address.failed(address_key)
            return login_page(message=WRONG, login=login, next_path=next_path, status=401)
        service.by_account.cleared(account_key)
        old = service.sessions.get(request.cookies.get(service.cookie_name(request)))
        if old is not None:
            service.sessions.drop(old)  # a new id at every login: a planted id is never logged in
        session = service.sessions.create(account.login)
        response = RedirectResponse(next_path, status_code=303)
        service.set_cookie(response, request, session)
        return response

    async def log_out(request: Request) -> Response:
        session = request.scope.get("tbkl.session")
        if isinstance(session, Session):
            service.sessions.drop(session)
        response = JSONResponse({"tiep": LOGIN_PATH})
        response.delete_cookie(service.cookie_name(request), path="/", httponly=True, samesite="lax", secure=service.secure(request))
        return response

    async def choose(request: Request) -> Response:
        account = request.scope.get("tbkl.account")
        assert isinstance(account, Account)
        held = [name for name in account.workspaces() if name in service.workspaces]
        if len(held) == 1:
            return RedirectResponse(workspace_url(held[0]), status_code=303)
        return chooser_page(account, held, str(request.scope.get("tbkl.csrf", "")))

    return [
        Route(LOGIN_PATH, show_login, methods=["GET"]),
        Route(LOGIN_PATH, log_in, methods=["POST"]),
        Route(LOGOUT_PATH, log_out, methods=["POST"]),
        Route("/", choose, methods=["GET"]),
    ]


def chooser_page(account: Account, held: list[str], csrf: str) -> HTMLResponse:
    """Return the page that lists the workspaces an account holds roles in."""
    if held:
        items = "".join(
            f'<li><a href="{escape(workspace_url(name), quote=True)}">{escape(name)}</a> '
            f'<span class="roles">({escape(", ".join(ROLE_LABELS[r] for r in sorted(account.roles[name])))})</span></li>'
            for name in held
        )
        body = f"<h1>Chọn thư mục làm việc</h1><ul class='workspaces'>{items}</ul>"
    else:
        body = (
            "<h1>Chưa có thư mục làm việc</h1><p>Tài khoản của bạn chưa có vai trò ở thư mục làm việc nào; hãy nhờ quản trị cấp quyền.</p>"
        )
    html = (
        _static("chon.html")
        .replace("{{TOKEN}}", escape(csrf, quote=True))
        .replace("{{NOI_DUNG}}", body)
        .replace("{{HO_TEN}}", escape(account.name))
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store", "Content-Security-Policy": _PAGE_CSP, "Referrer-Policy": "no-referrer"})


def who(request: Request) -> dict[str, Any]:
    """Return who makes the request, for the page's bar: name, role labels here, what they may do, their workspaces."""
    person = access.require("doc")
    account = request.scope.get("tbkl.account")
    return {
        "dang_nhap": isinstance(account, Account),
        "ten_dang_nhap": person.login,
        "ho_ten": person.name,
        "vai_tro": [ROLE_LABELS[role] for role in sorted(person.roles)] if person is not LOCAL else [],
        "quyen": {action: may(person, action) for action in ALLOWED},
        "thu_muc": [{"ten": name, "dia_chi": workspace_url(name)} for name in account.workspaces()] if isinstance(account, Account) else [],
        "thu_muc_nay": workspace_of(request.url.path),
    }
