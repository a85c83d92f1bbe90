"""The shipped deployment, run for real: the systemd unit's command behind Debian's nginx with TLS.

The unit (deploy/tbkl.service) is read and its ExecStart run as the real CLI, with only the
folder, the port and the public name replaced; the nginx site (deploy/nginx-tbkl.conf) is run
by the real nginx with only its ports, names and certificate paths replaced (each replacement is
asserted, so a change in the shipped files shows here). A CA and a certificate for the public
name are made with openssl; clients trust that CA only. Over the proxy: plain HTTP is sent to
HTTPS; login gives a Secure, HttpOnly `__Host-` cookie; a change needs the session's CSRF token;
a user header or forwarded address a browser sends is not passed on; a body over the service's
limit is refused by nginx itself.
"""

from __future__ import annotations

import configparser
import http.client
import json
import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

pytest.importorskip("starlette")

from conftest import ROOT  # noqa: E402
from tbkl_gen.commands.scaffold import init_workspace  # noqa: E402
from tbkl_gen.page import net  # noqa: E402
from tbkl_gen.service.accounts import Accounts  # noqa: E402

UNIT = ROOT / "deploy" / "tbkl.service"
SITE = ROOT / "deploy" / "nginx-tbkl.conf"
SHIPPED_NAME = "soanthao.vanphong.gov.vn"
NAME = "soanthao.vanphong.test"
PASSWORD = "mat-khau-dai-du"
READY_SECONDS = 60  # how long nginx may take to listen on a loaded machine (a wait for readiness, not a timing oracle)


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None)
    if found is None:
        if os.environ.get("CI") or os.environ.get("TBKL_REQUIRE_CHROMIUM"):
            pytest.fail("nginx (Debian's package nginx-light) is required in CI but not installed")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    if shutil.which("openssl") is None:
        pytest.fail("openssl is required to make the test's certificates")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def unit_service() -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNIT, encoding="utf-8")
    return dict(parser["Service"])


def replaced(text: str, old: str, new: str, count: int) -> str:
    assert text.count(old) == count, f"expected {count}× {old!r} in the shipped file"
    return text.replace(old, new)


@dataclass
class Proxy:
    tls_port: int
    http_port: int
    ca: Path
    root: Path

    def context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca))

    def call(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes | None = None, *, tls: bool = True
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        if tls:
            connection: http.client.HTTPConnection = _NamedTls(self.tls_port, self.context())
            host = f"{NAME}:{self.tls_port}"
        else:
            connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=60)
            host = f"{NAME}:{self.http_port}"
        try:
            connection.request(method, path, body=body, headers={"Host": host, **(headers or {})})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def origin(self) -> str:
        return f"https://{NAME}:{self.tls_port}"


class _NamedTls(http.client.HTTPSConnection):
    """HTTPS to 127.0.0.1 that sends and verifies the public name (SNI and the certificate), as a browser would."""

    def __init__(self, port: int, context: ssl.SSLContext) -> None:
        super().__init__("127.0.0.1", port, context=context, timeout=60)

    def connect(self) -> None:
        raw = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=NAME)  # type: ignore[attr-defined]


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """Return (CA certificate, server certificate, server key) for NAME, made with openssl."""

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=folder)

    openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=tbkl test CA"
    )
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", f"/CN={NAME}")
    (folder / "ext.cnf").write_text(
        f"subjectAltName=DNS:{NAME}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n", encoding="utf-8"
    )
    openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf",
    )  # fmt: skip
    return folder / "ca.pem", folder / "server.pem", folder / "server.key"


def start_service(root: Path, extra: list[str]) -> tuple[subprocess.Popen[str], int]:
    """Run the unit's ExecStart (the real CLI), with the test's folder, a free port and the test's public name."""
    service = unit_service()
    argv = shlex.split(service["ExecStart"])
    assert Path(argv[0]).name == "tbkl" and argv[1] == "serve"
    folder = argv[2]
    assert service["WorkingDirectory"] == folder and folder in service["ReadWritePaths"].split()
    args = argv[2:]
    assert args[args.index("--host") + 1] == "127.0.0.1", "behind the proxy the service listens on loopback only"
    args[0] = str(root)
    args[args.index("--port") + 1] = "0"
    args[args.index("--public-name") + 1] = NAME
    process = subprocess.Popen(
        [sys.executable, "-m", "tbkl_gen", "serve", *args[1:], args[0], *extra],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUTF8": "1"},
        text=True,
        encoding="utf-8",
    )
    assert process.stderr is not None
    first = process.stderr.readline()
    found = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
    if not found:
        process.kill()
        pytest.fail("tbkl serve did not start: " + first + process.stderr.read())
    return process, int(found.group(1))


def site_config(upstream: int, tls_port: int, http_port: int, certificate: Path, key: Path) -> str:
    text = SITE.read_text(encoding="utf-8")
    text = replaced(text, "    listen [::]:80;\n", "", 1)  # the test machine may have no IPv6
    text = replaced(text, "    listen [::]:443 ssl http2;\n", "", 1)
    text = replaced(text, "listen 80;", f"listen 127.0.0.1:{http_port};", 1)
    text = replaced(text, "listen 443 ssl http2;", f"listen 127.0.0.1:{tls_port} ssl http2;", 1)
    text = replaced(text, f"server_name {SHIPPED_NAME};", f"server_name {NAME};", 2)
    text = replaced(text, "/etc/ssl/tbkl/fullchain.pem", str(certificate), 1)
    text = replaced(text, "/etc/ssl/tbkl/privkey.pem", str(key), 1)
    return replaced(text, "proxy_pass http://127.0.0.1:8765;", f"proxy_pass http://127.0.0.1:{upstream};", 1)


def start_nginx(binary: str, folder: Path, site: str) -> subprocess.Popen[bytes]:
    import pwd

    for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / temp).mkdir()
    (folder / "site.conf").write_text(site, encoding="utf-8")
    user = pwd.getpwuid(os.getuid()).pw_name
    group = subprocess.run(["id", "-gn"], check=True, capture_output=True, text=True).stdout.strip()
    main = f"""
user {user} {group};
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}
"""
    (folder / "nginx.conf").write_text(main, encoding="utf-8")
    tested = subprocess.run([binary, "-t", "-p", str(folder), "-c", str(folder / "nginx.conf")], capture_output=True, text=True)
    assert tested.returncode == 0, tested.stderr
    return subprocess.Popen([binary, "-p", str(folder), "-c", str(folder / "nginx.conf")], stderr=subprocess.DEVNULL)


def wait_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, "nginx stopped"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"nginx did not listen on {port}")


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("srv") / "van-phong"
    root.mkdir()
    init_workspace(root / "vp")
    accounts = Accounts(root)
    accounts.add("an", password=PASSWORD, role="soan-thao", workspace="vp", name="Nguyễn Văn An", email="an@vp.gov.vn")
    return root


def _running(office: Path, tmp: Path, extra: list[str]) -> Iterator[Proxy]:
    binary = nginx_binary()
    ca, certificate, key = make_certificates(tmp)
    service, upstream = start_service(office, extra)
    tls_port, http_port = free_port(), free_port()
    nginx = start_nginx(binary, tmp, site_config(upstream, tls_port, http_port, certificate, key))
    try:
        wait_listening(tls_port, nginx)
        yield Proxy(tls_port, http_port, ca, office)
    finally:
        nginx.terminate()
        nginx.wait(timeout=30)
        service.terminate()
        try:
            service.wait(timeout=30)
        except subprocess.TimeoutExpired:
            service.kill()
            service.wait()
        if service.stderr is not None:
            service.stderr.close()


@pytest.fixture(scope="module")
def proxy(office: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    yield from _running(office, tmp_path_factory.mktemp("nginx"), [])


def log_in(proxy: Proxy, login: str = "an", password: str = PASSWORD) -> tuple[str, str]:
    """Log in through the proxy as a browser's form does; return the cookie (name=value) and its Set-Cookie text."""
    form = urlencode({"ten_dang_nhap": login, "mat_khau": password, "tiep": "/"}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": proxy.origin()}
    status, answer, _ = proxy.call("POST", "/dang-nhap", headers, form)
    assert status == 303, status
    text = answer["Set-Cookie"]
    return text.split(";", 1)[0], text


def test_the_unit_and_the_site_agree_with_the_service() -> None:
    service = unit_service()
    argv = shlex.split(service["ExecStart"])
    site = SITE.read_text(encoding="utf-8")
    port = argv[argv.index("--port") + 1]
    assert f"proxy_pass http://127.0.0.1:{port};" in site
    assert argv[argv.index("--public-name") + 1] == SHIPPED_NAME
    assert argv[argv.index("--trusted-proxy") + 1] == "127.0.0.1"
    assert int(service["TimeoutStopSec"]) > net.SHUTDOWN_TIMEOUT
    # nginx's limits are the service's own (page/net.py): no body the service would take is refused
    # before it, and none it would refuse travels far.
    size = int(re.search(r"client_max_body_size (\d+)m;", site).group(1)) * 1024 * 1024  # type: ignore[union-attr]
    assert net.MAX_BODY_BYTES <= size < net.MAX_BODY_BYTES + 1024 * 1024
    assert f"client_body_timeout {round(net.BODY_TIMEOUT)}s;" in site
    assert f"client_header_timeout {round(net.HEADER_TIMEOUT)}s;" in site


def test_plain_http_is_sent_to_https(proxy: Proxy) -> None:
    status, headers, _ = proxy.call("GET", "/w/vp/?x=1", tls=False)
    assert status == 301
    assert headers["Location"] == f"https://{NAME}/w/vp/?x=1"


def test_login_over_tls_gives_a_secure_host_only_cookie_and_changes_need_the_csrf_token(proxy: Proxy) -> None:
    status, headers, body = proxy.call("GET", "/w/vp/")
    assert status in (302, 303) and "/dang-nhap" in headers["Location"]
    assert "max-age=31536000" in proxy.call("GET", "/dang-nhap")[1]["Strict-Transport-Security"]
    cookie, text = log_in(proxy)
    assert cookie.startswith("__Host-") and "Secure" in text and "HttpOnly" in text and "SameSite=lax" in text.replace("Lax", "lax")
    status, _, page = proxy.call("GET", "/w/vp/", {"Cookie": cookie})
    assert status == 200
    token = re.search(rb'name="tbkl-token" content="([^"]+)"', page).group(1).decode()  # type: ignore[union-attr]
    new = json.dumps({"trich_yeu": "Kết luận họp giao ban qua proxy"}).encode()
    posted = {"Cookie": cookie, "Content-Type": "application/json", "Origin": proxy.origin()}
    status, _, _ = proxy.call("POST", "/w/vp/api/new", posted, new)
    assert status == 403  # no CSRF token
    status, _, body = proxy.call("POST", "/w/vp/api/new", {**posted, "X-Tbkl-Token": token}, new)
    assert status == 200, body.decode()
    made = json.loads(body)
    assert (proxy.root / "vp" / made["path"]).is_file()
    # a page from another site cannot use the session
    status, _, _ = proxy.call("POST", "/w/vp/api/new", {**posted, "X-Tbkl-Token": token, "Origin": "https://evil.example"}, new)
    assert status == 403


def test_what_a_browser_sends_as_the_proxys_headers_is_not_believed(office: Path, tmp_path: Path) -> None:
    for proxy in _running(office, tmp_path, ["--proxy-user-header", "X-Remote-User"]):
        # nginx clears X-Remote-User: a browser naming itself "an" is not logged in
        status, headers, _ = proxy.call("GET", "/w/vp/", {"X-Remote-User": "an", "X-Forwarded-Proto": "http"})
        assert status in (302, 303) and "/dang-nhap" in headers["Location"]


def test_a_body_over_the_services_limit_is_refused_by_nginx(proxy: Proxy) -> None:
    cookie, _ = log_in(proxy)
    too_big = b"x" * (21 * 1024 * 1024 + 1)
    status, _, body = proxy.call("POST", "/w/vp/api/import", {"Cookie": cookie, "Origin": proxy.origin()}, too_big)
    assert status == 413 and b"nginx" in body  # nginx's own page: the service never read it
