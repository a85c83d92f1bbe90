"""The office's service as it runs: `tbkl serve` (uvicorn) over a folder of workspaces, with accounts.

Over HTTP: the trusted proxy's headers (user, scheme, address) believed from its address only, the
Secure cookie behind TLS, the refusals of `tbkl serve`. In real Chromium: two people log in at
once, each sees their name and what their role may do, and logs out.
Screenshots are written to $TBKL_SCREENSHOTS when it is set, to be looked at.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette")

from conftest import ROOT, serve_process, stop_process  # noqa: E402
from tbkl_gen.commands.scaffold import init_workspace  # noqa: E402
from tbkl_gen.service.accounts import Accounts  # noqa: E402

PASSWORD = "mat-khau-dai-du"


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A service root with workspaces a and b; an drafts in a, binh reviews in a and b."""
    root = tmp_path_factory.mktemp("office") / "tinh"
    root.mkdir()
    init_workspace(root / "a")
    init_workspace(root / "b")
    accounts = Accounts(root)
    accounts.add("an", password=PASSWORD, role="soan-thao", workspace="a", name="Nguyễn Văn An", email="an@vp.gov.vn")
    accounts.add("binh", password=PASSWORD, role="duyet", workspace="a", name="Trần Thị Bình")
    accounts.grant("binh", "duyet", "b")
    return root


class Served:
    """A `tbkl serve` process and its port."""

    def __init__(self, root: Path, *args: str) -> None:
        self.process, self.first = serve_process(root, *args)
        found = re.search(r"http://127\.0\.0\.1:(\d+)/\s*$", self.first)
        assert found, self.first + self.process.stderr.read()
        self.port = int(found.group(1))
        self.base = f"http://127.0.0.1:{self.port}"

    def call(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes | None = None
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers={"Host": f"127.0.0.1:{self.port}", **(headers or {})})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def stop(self) -> None:
        stop_process(self.process)


@pytest.fixture
def serve(office: Path) -> Iterator:
    started: list[Served] = []

    def start(*args: str) -> Served:
        started.append(Served(office, *args))
        return started[-1]

    try:
        yield start
    finally:
        for served in started:
            served.stop()


def cookie_of(headers: http.client.HTTPMessage) -> tuple[str, str, str]:
    """Return the Set-Cookie's name, value and whole text."""
    text = headers["Set-Cookie"]
    assert text, "no cookie set"
    name, value = text.split(";", 1)[0].split("=", 1)
    return name, value, text


def test_the_proxy_user_header_is_believed_from_the_trusted_proxy_only(serve) -> None:  # noqa: ANN001
    served = serve("--trusted-proxy", "127.0.0.1", "--proxy-user-header", "X-Remote-User")
    status, headers, body = served.call("GET", "/w/a/", {"X-Remote-User": "an"})
    assert status == 200
    name, session, cookie = cookie_of(headers)
    assert name == "tbkl-phien" and "HttpOnly" in cookie and "Secure" not in cookie
    csrf = re.search(rb'name="tbkl-token" content="([^"]+)"', body).group(1).decode()
    status, _, body = served.call("GET", "/w/a/api/toi", {"X-Remote-User": "an", "Cookie": f"{name}={session}"})
    assert status == 200 and json.loads(body)["ho_ten"] == "Nguyễn Văn An"
    new = json.dumps({"trich_yeu": "Kết luận họp giao ban"}).encode()
    json_type = {"Content-Type": "application/json"}
    # a change still needs the session's token: a cross-site form through the proxy's single sign-on is refused
    status, _, _ = served.call("POST", "/w/a/api/new", {"X-Remote-User": "an", **json_type}, new)
    assert status == 403
    status, _, body = served.call(
        "POST", "/w/a/api/new", {"X-Remote-User": "an", "Cookie": f"{name}={session}", "X-Tbkl-Token": csrf, **json_type}, new
    )
    assert status == 200, body
    # the header names someone else now: that person, in a new session, never the old one's
    status, headers, body = served.call("GET", "/w/a/api/toi", {"X-Remote-User": "binh", "Cookie": f"{name}={session}"})
    assert status == 200 and json.loads(body)["ten_dang_nhap"] == "binh" and cookie_of(headers)[1] != session
    status, _, body = served.call("GET", "/w/a/api/toi", {"X-Remote-User": "ai-do"})
    assert status == 403 and "tài khoản “ai-do” (reverse proxy báo) chưa có trên máy chủ" in json.loads(body)["loi"]
    # the scheme the proxy says: https makes the cookie Secure, under the __Host- prefix
    status, headers, _ = served.call(
        "GET", "/w/a/api/toi", {"X-Remote-User": "an", "X-Forwarded-Proto": "https", "X-Forwarded-For": "10.0.0.7"}
    )
    name, _, cookie = cookie_of(headers)
    assert status == 200 and name == "__Host-tbkl-phien" and "Secure" in cookie and "SameSite=lax" in cookie


def test_the_proxy_headers_from_another_address_are_ignored(serve) -> None:  # noqa: ANN001
    served = serve("--trusted-proxy", "10.9.9.9", "--proxy-user-header", "X-Remote-User")
    status, _, body = served.call("GET", "/w/a/api/toi", {"X-Remote-User": "an"})
    assert status == 401 and json.loads(body)["loi"].startswith("chưa đăng nhập")
    form = f"ten_dang_nhap=an&mat_khau={PASSWORD}&tiep=/w/a/".encode()
    status, headers, _ = served.call(
        "POST",
        "/dang-nhap",
        {"Origin": served.base, "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-Proto": "https"},
        form,
    )
    name, _, cookie = cookie_of(headers)
    assert status == 303 and headers["Location"] == "/w/a/"
    assert name == "tbkl-phien" and "Secure" not in cookie  # the scheme from an untrusted address is not believed


def test_secure_cookies_can_be_asked_for_explicitly(serve) -> None:  # noqa: ANN001
    served = serve("--secure-cookies")
    form = f"ten_dang_nhap=an&mat_khau={PASSWORD}".encode()
    status, headers, _ = served.call(
        "POST", "/dang-nhap", {"Origin": served.base, "Content-Type": "application/x-www-form-urlencoded"}, form
    )
    name, _, cookie = cookie_of(headers)
    assert status == 303 and name == "__Host-tbkl-phien" and "Secure" in cookie


def run_serve(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tbkl_gen", "serve", str(root), "--port", "0", "--no-browser", *args],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_serve_refuses_what_it_cannot_do_safely(office: Path, tmp_path: Path) -> None:
    done = run_serve(office, "--proxy-user-header", "X-Remote-User")
    assert done.returncode == 1 and done.stderr.startswith("--proxy-user-header chỉ được tin khi đến từ reverse proxy"), done.stderr
    done = run_serve(office, "--trusted-proxy", "mot-may")
    assert done.returncode == 1 and "--trusted-proxy “mot-may” không phải địa chỉ IP hay mạng" in done.stderr
    lone = tmp_path / "nhieu"
    init_workspace(lone / "x")
    init_workspace(lone / "y")
    done = run_serve(lone)
    assert done.returncode == 1 and "chứa nhiều thư mục làm việc (x, y): mở chúng trên một trang cần tài khoản" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_serving_the_network_with_accounts_warns_that_passwords_travel_in_plain_http(office: Path) -> None:
    import signal

    process = subprocess.Popen(
        [sys.executable, "-m", "tbkl_gen", "serve", str(office), "--port", "0", "--no-browser", "--host", "0.0.0.0"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        text=True,
        encoding="utf-8",
    )
    try:
        lines = [process.stderr.readline() for _ in range(4)]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
        process.stderr.close()
    assert re.search(r"http://127\.0\.0\.1:\d+/$", lines[0].strip()), lines
    assert any(line.startswith("Cảnh báo: trang đang lắng nghe trên 0.0.0.0") and "mật khẩu, phiên đăng nhập" in line for line in lines), (
        lines
    )


# --- real Chromium: two people at once ---------------------------------------------------------------


def test_two_people_log_in_at_once_see_who_they_are_and_what_they_may_do_then_log_out(chromium, serve, office: Path) -> None:  # noqa: ANN001
    pytest.importorskip("selenium")
    from selenium.webdriver.common.by import By

    from browser import chrome, find, log_in, screenshot, wait
    from tbkl_gen.page import auth

    served = serve()
    with chrome(chromium, window=(1400, 900)) as drafter, chrome(chromium, window=(1400, 900)) as reviewer:
        for driver in (drafter, reviewer):
            driver.get(served.base + "/w/a/")
        log_in(drafter, "an", "sai-mat-khau")
        wait(drafter, lambda d: d.find_element(By.ID, "login-error").is_displayed())
        assert find(drafter, "#login-error").text == auth.WRONG
        screenshot(drafter, "dang-nhap-sai")
        log_in(drafter, "an", PASSWORD)
        log_in(reviewer, "binh", PASSWORD)
        for driver in (drafter, reviewer):
            wait(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
            wait(driver, lambda d: d.find_element(By.ID, "who").is_displayed())
        assert drafter.current_url == served.base + "/w/a/"
        assert find(drafter, "#who").text == "Nguyễn Văn An · chuyên viên soạn thảo"
        assert find(reviewer, "#who").text == "Trần Thị Bình · lãnh đạo duyệt"
        assert find(drafter, "#new-form").is_displayed() and find(drafter, "#render-all").is_displayed()
        assert not find(reviewer, "#new-form").is_displayed() and not find(reviewer, "#drop").is_displayed()
        assert not find(drafter, "#workspace-picker").is_displayed()  # one workspace
        picker = find(reviewer, "#workspace-picker")  # binh reviews in a and b
        assert picker.is_displayed() and [o.text for o in picker.find_elements(By.TAG_NAME, "option")] == ["a", "b"]
        screenshot(reviewer, "nguoi-duyet")

        find(drafter, "#new-title").send_keys("Kết luận họp giao ban tháng 12")
        find(drafter, "#new-notice").click()
        wait(drafter, lambda d: d.find_element(By.ID, "editor-view").is_displayed())
        assert find(drafter, "#save").is_displayed()
        screenshot(drafter, "nguoi-soan")
        assert list((office / "a" / "notices").rglob("ket-luan-hop-giao-ban-thang-12.yaml"))
        reviewer.refresh()
        wait(reviewer, lambda d: "Kết luận họp giao ban tháng 12" in d.find_element(By.ID, "notices").text)

        find(drafter, "#logout").click()
        wait(drafter, lambda d: "/dang-nhap" in d.current_url)
        drafter.get(served.base + "/w/a/")
        wait(drafter, lambda d: "/dang-nhap?tiep=/w/a/" in d.current_url)  # the session is gone on the server
        reviewer.refresh()  # the other person's session is untouched
        wait(reviewer, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
        assert reviewer.current_url == served.base + "/w/a/"


def test_a_session_outlives_a_restart_of_the_server(serve) -> None:  # noqa: ANN001
    served = serve()
    form = f"ten_dang_nhap=an&mat_khau={PASSWORD}".encode()
    status, headers, _ = served.call(
        "POST", "/dang-nhap", {"Origin": served.base, "Content-Type": "application/x-www-form-urlencoded"}, form
    )
    name, session, _ = cookie_of(headers)
    assert status == 303
    served.stop()
    restarted = serve()  # systemd restarts the service: nobody has to log in again
    status, _, body = restarted.call("GET", "/w/a/api/toi", {"Cookie": f"{name}={session}"})
    assert status == 200 and json.loads(body)["ten_dang_nhap"] == "an"


def test_behind_the_tls_proxy_the_public_name_and_its_https_origin_are_served(serve) -> None:  # noqa: ANN001
    public = "soanthao.vanphong.example"
    through_proxy = {"Host": public, "X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.10", "Origin": f"https://{public}"}
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    login = f"ten_dang_nhap=an&mat_khau={PASSWORD}&tiep=/w/a/".encode()
    served = serve("--trusted-proxy", "127.0.0.1", "--public-name", public)
    status, headers, _ = served.call("POST", "/dang-nhap", {**through_proxy, **form}, login)
    name, session, cookie = cookie_of(headers)
    assert status == 303 and name == "__Host-tbkl-phien" and "Secure" in cookie
    status, _, body = served.call("GET", "/w/a/", {**through_proxy, "Cookie": f"{name}={session}"})
    csrf = re.search(rb'name="tbkl-token" content="([^"]+)"', body).group(1).decode()
    new = json.dumps({"trich_yeu": "Kết luận họp chuyên đề qua reverse proxy"}).encode()  # the office is the module's: a title of its own
    headers = {**through_proxy, "Cookie": f"{name}={session}", "X-Tbkl-Token": csrf, "Content-Type": "application/json"}
    status, _, body = served.call("POST", "/w/a/api/new", headers, new)
    assert status == 200, body
    # without --public-name the name is refused (DNS rebinding), whatever the proxy says
    plain = serve("--trusted-proxy", "127.0.0.1")
    status, _, body = plain.call("POST", "/dang-nhap", {**through_proxy, **form}, login)
    assert status == 403 and f"tên máy “{public}” không được phép".encode() in body
