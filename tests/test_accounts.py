"""Accounts and access of the office's service: the accounts file, `tbkl users`, login, sessions, CSRF, roles on every route.

The app is driven through Starlette's TestClient here; the real server (`tbkl serve`, uvicorn) is
driven over HTTP for what depends on the network (the trusted proxy, its headers, the Secure
cookie) in tests/test_accounts_server.py, and in Chromium there too.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette")

from starlette.testclient import TestClient  # noqa: E402

from conftest import ROOT  # noqa: E402
from tbkl_gen.commands.scaffold import init_workspace  # noqa: E402
from tbkl_gen.errors import AccountError  # noqa: E402
from tbkl_gen.page import auth  # noqa: E402
from tbkl_gen.page.server import Page, create_service_app, page_routes  # noqa: E402
from tbkl_gen.service import accounts as store  # noqa: E402
from tbkl_gen.service.accounts import Accounts, hash_password, verify_password, workspaces  # noqa: E402
from tbkl_gen.service.people import ALLOWED, ROLE_LABELS, may  # noqa: E402

PASSWORD = "mat-khau-dai-du"
ORIGIN = {"Origin": "http://testserver"}

# Every route of a workspace's page and the action it requires. A route added to page_routes
# without a row here fails test_every_page_route_has_its_action: say what it needs.
ROUTE_ACTIONS: dict[tuple[str, str], str] = {
    ("GET", "/"): "doc",
    ("GET", "/api/toi"): "doc",
    ("GET", "/api/workspace"): "doc",
    ("GET", "/api/notice"): "doc",
    ("POST", "/api/check"): "doc",
    ("POST", "/api/save"): "soan",
    ("POST", "/api/new"): "soan",
    ("POST", "/api/draft"): "soan",
    ("POST", "/api/draft/drop"): "soan",
    ("POST", "/api/save-copy"): "soan",
    ("POST", "/api/copy"): "soan",
    ("POST", "/api/import"): "soan",
    ("POST", "/api/docx"): "doc",
    ("POST", "/api/pdf"): "doc",
    ("POST", "/api/exact"): "doc",
    ("POST", "/api/render-all"): "soan",
    ("POST", "/api/inline"): "doc",
    ("POST", "/api/paste"): "doc",
    ("GET", "/api/review"): "doc",
    ("GET", "/api/review/list"): "doc",
    ("POST", "/api/review/placed"): "doc",
    ("POST", "/api/review/submit"): "gui-duyet",
    ("POST", "/api/review/comment"): "duyet",
    ("POST", "/api/review/resolve"): "xu-ly-gop-y",
    ("POST", "/api/review/approve"): "duyet",
    ("POST", "/api/review/changes"): "duyet",
    ("GET", "/api/history"): "doc",
    ("GET", "/api/history/version"): "doc",
    ("GET", "/api/history/compare"): "doc",
    ("POST", "/api/history/restore"): "soan",
    ("GET", "/api/issue/plan"): "doc",
    ("POST", "/api/issue"): "phat-hanh",
    ("GET", "/api/issue/file"): "doc",
    ("GET", "/api/register"): "doc",
    ("GET", "/api/register/export"): "doc",
}


@pytest.fixture(scope="module")
def accounts_file(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The accounts file of the office below, made once (each password costs scrypt's work)."""
    root = tmp_path_factory.mktemp("accounts")
    init_workspace(root / "a")
    init_workspace(root / "b")
    accounts = Accounts(root)
    for login, role in (("an", "soan-thao"), ("binh", "duyet"), ("chi", "van-thu"), ("quan", "quan-tri")):
        accounts.add(login, password=PASSWORD, role=role, workspace="a", name=f"Người {login}")
    accounts.grant("chi", "soan-thao", "b")
    accounts.add("dung", password=PASSWORD, role="soan-thao", workspace="b", name="Người dung")
    return accounts.path.read_bytes()


@pytest.fixture
def office(tmp_path: Path, accounts_file: bytes) -> Path:
    """A service root with two workspaces, a and b, and one account per role in a (chi also drafts in b)."""
    root = tmp_path / "tinh"
    root.mkdir()
    init_workspace(root / "a")
    init_workspace(root / "b")
    accounts = Accounts(root)
    accounts._make_folder()
    from tbkl_gen.files import write_file

    write_file(accounts.path, accounts_file, private=True)
    return root


def service_of(root: Path, **options: object) -> auth.Service:
    return auth.Service(accounts=Accounts(root), workspaces=workspaces(root), hosts={"testserver"}, **options)  # type: ignore[arg-type]


@pytest.fixture
def service(office: Path) -> auth.Service:
    return service_of(office)


@pytest.fixture
def client(service: auth.Service) -> Iterator[TestClient]:
    with TestClient(create_service_app(service), base_url="http://testserver") as test_client:
        yield test_client


def logged_in(client: TestClient, service: auth.Service, login: str) -> str:
    """Give client a session of login (as a login would) and return its CSRF token."""
    session = service.sessions.create(login)
    client.cookies.set(auth.COOKIE, session.id)
    return session.csrf


def log_in(client: TestClient, login: str, password: str = PASSWORD, **extra: str):  # noqa: ANN201
    return client.post("/dang-nhap", data={"ten_dang_nhap": login, "mat_khau": password, **extra}, headers=ORIGIN, follow_redirects=False)


# --- passwords and the accounts file -----------------------------------------------------------


def test_passwords_are_scrypt_hashes_with_the_stated_parameters_and_a_salt_each() -> None:
    first, second = hash_password("mot mat khau"), hash_password("mot mat khau")
    assert first.startswith(f"scrypt$n={2**15},r=8,p=3$") and (store.SCRYPT_N, store.SCRYPT_R, store.SCRYPT_P) == (2**15, 8, 3)
    assert first != second  # a random salt each
    _, _, salt, key = first.split("$")
    import base64

    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(key)) == 32
    assert verify_password(first, "mot mat khau") and not verify_password(first, "mot mat khau ")
    assert not verify_password("scrypt$n=3,r=8,p=3$AAAA$AAAA", "x")  # a malformed hash verifies nothing
    assert not verify_password(f"scrypt$n={2**30},r=8,p=3$AAAA$AAAA", "x")  # nor one asking for a cost the server refuses


def test_the_accounts_file_is_owner_only_outside_git_and_holds_no_password(office: Path) -> None:
    folder = office / ".tbkl-service"
    path = folder / "tai-khoan.json"
    if os.name != "nt":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert (folder / ".gitignore").read_text(encoding="utf-8") == "*\n"
    text = path.read_text(encoding="utf-8")
    assert PASSWORD not in text
    entry = next(e for e in json.loads(text)["tai_khoan"] if e["ten_dang_nhap"] == "chi")
    assert entry["vai_tro"] == {"a": ["van-thu"], "b": ["soan-thao"]} and entry["ho_ten"] == "Người chi"


def test_a_changed_accounts_file_is_read_again(office: Path) -> None:
    accounts = Accounts(office)
    assert accounts.get("an") is not None
    Accounts(office).remove("an")  # another process (tbkl users remove) changes the file
    assert accounts.get("an") is None


def test_account_mistakes_are_said_in_vietnamese(office: Path) -> None:
    accounts = Accounts(office)
    with pytest.raises(AccountError, match="tài khoản “an” đã có"):
        accounts.add("An", password=PASSWORD, role="duyet", workspace="a")
    with pytest.raises(AccountError, match="mật khẩu quá ngắn: cần ít nhất 8 ký tự"):
        accounts.add("moi", password="ngan", role="duyet", workspace="a")
    with pytest.raises(AccountError, match="tên đăng nhập “Nguyễn An” không hợp lệ"):
        accounts.add("Nguyễn An", password=PASSWORD, role="duyet", workspace="a")
    with pytest.raises(AccountError, match="không có tài khoản “ai”; các tài khoản: an, binh, chi, dung, quan"):
        accounts.remove("ai")
    before = (office / ".tbkl-service").glob("*")
    written = {path.name: path.read_bytes() for path in before if path.is_file()}
    for call in (
        lambda: accounts.add("moi", password=PASSWORD, role="giam-doc", workspace="a"),  # type: ignore[arg-type]
        lambda: accounts.grant("an", "giam-doc", "a"),  # type: ignore[arg-type]
        lambda: accounts.revoke("an", "giam-doc", "a"),  # type: ignore[arg-type]
    ):
        with pytest.raises(AccountError, match="không có vai trò “giam-doc”; các vai trò: " + ", ".join(ROLE_LABELS)):
            call()
    assert {path.name: path.read_bytes() for path in (office / ".tbkl-service").glob("*") if path.is_file()} == written
    assert sorted(Accounts(office).all()) == ["an", "binh", "chi", "dung", "quan"]
    with pytest.raises(AccountError, match="có 2 thư mục làm việc \\(a, b\\); chọn một bằng --workspace"):
        store.pick_workspace(office, None)
    with pytest.raises(AccountError, match="không có thư mục làm việc “c”"):
        store.pick_workspace(office, "c")


def test_an_unknown_login_costs_the_same_scrypt_work_as_a_wrong_password(office: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    accounts = Accounts(office)
    store.stand_in_hash()
    calls: list[tuple[int, int, int]] = []
    real = store._scrypt

    def counted(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
        calls.append((n, r, p))
        return real(password, salt, n, r, p)

    monkeypatch.setattr(store, "_scrypt", counted)
    assert accounts.authenticate("an", "sai mat khau") is None
    assert accounts.authenticate("khong-ai", "sai mat khau") is None
    assert accounts.authenticate("an", PASSWORD) is not None
    assert calls == [(2**15, 8, 3)] * 3


# --- tbkl users ----------------------------------------------------------------------------------


def users(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tbkl_gen", "users", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )


def test_tbkl_users_adds_lists_grants_revokes_changes_passwords_and_removes(tmp_path: Path) -> None:
    root = tmp_path / "van-phong"
    init_workspace(root)
    added = users(
        "add",
        "an",
        "--role",
        "soan-thao",
        "--ten",
        "Nguyễn Văn An",
        "--email",
        "an@vp.gov.vn",
        "--password-stdin",
        cwd=root,
        stdin=PASSWORD + "\n",
    )
    assert added.returncode == 0, added.stderr
    assert added.stderr.strip() == "Đã thêm tài khoản an (Nguyễn Văn An, an@vp.gov.vn): soan-thao ở van-phong."
    again = users("add", "an", "--role", "duyet", "--password-stdin", cwd=root / "notices", stdin=PASSWORD + "\n")
    assert again.returncode == 1 and again.stderr.startswith("tài khoản “an” đã có") and "Traceback" not in again.stderr
    short = users("add", "binh", "--role", "duyet", "--password-stdin", cwd=root, stdin="ngan\n")
    assert short.returncode == 1 and short.stderr.strip() == "mật khẩu quá ngắn: cần ít nhất 8 ký tự"
    granted = users("grant", "an", "--role", "duyet", cwd=root)
    assert granted.returncode == 0 and granted.stderr.strip() == "an ở van-phong: duyet, soan-thao."
    listed = users("list", cwd=root)
    assert listed.stdout == "an\tNguyễn Văn An\tan@vp.gov.vn\tvan-phong: duyet, soan-thao\n"
    edited = users("edit", "an", "--ten", "Nguyễn Văn Ân", cwd=root)
    assert edited.returncode == 0 and edited.stderr.strip() == "an: Nguyễn Văn Ân, an@vp.gov.vn."
    revoked = users("revoke", "an", "--role", "soan-thao", cwd=root)
    assert revoked.returncode == 0 and revoked.stderr.strip() == "an ở van-phong: duyet."
    changed = users("passwd", "an", "--password-stdin", cwd=root, stdin="mat-khau-moi-nhe\n")
    assert changed.returncode == 0, changed.stderr
    accounts = Accounts(root)
    assert accounts.authenticate("an", "mat-khau-moi-nhe") is not None and accounts.authenticate("an", PASSWORD) is None
    unknown = users("passwd", "ai", "--password-stdin", cwd=root, stdin="mat-khau-moi-nhe\n")
    assert unknown.returncode == 1 and unknown.stderr.strip() == "không có tài khoản “ai”; các tài khoản: an"
    removed = users("remove", "an", cwd=root)
    assert removed.returncode == 0 and Accounts(root).all() == {}


def test_tbkl_users_asks_the_password_twice_at_a_prompt(tmp_path: Path) -> None:
    root = tmp_path / "van-phong"
    init_workspace(root)
    from click.testing import CliRunner

    from tbkl_gen.cli import main

    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        differ = CliRunner().invoke(main, ["users", "add", "an", "--role", "soan-thao"], input=f"{PASSWORD}\nkhac-han-roi\n")
        assert differ.exit_code == 1 and "hai lần nhập mật khẩu không khớp; chưa đổi gì" in differ.output
        same = CliRunner().invoke(main, ["users", "add", "an", "--role", "soan-thao"], input=f"{PASSWORD}\n{PASSWORD}\n")
        assert same.exit_code == 0, same.output
    assert PASSWORD not in same.output  # never echoed
    assert Accounts(root).authenticate("an", PASSWORD) is not None


def test_tbkl_users_in_a_folder_of_workspaces_needs_the_workspace(office: Path) -> None:
    done = users("add", "moi", "--role", "duyet", "--password-stdin", cwd=office, stdin=PASSWORD + "\n")
    assert done.returncode == 1 and "có 2 thư mục làm việc (a, b); chọn một bằng --workspace" in done.stderr
    done = users(
        "add", "moi", "--role", "duyet", "--workspace", "b", "--password-stdin", cwd=office / "a" / "notices", stdin=PASSWORD + "\n"
    )
    assert done.returncode == 0, done.stderr  # found the service root upwards, by its .tbkl-service/
    assert Accounts(office).known("moi").roles == {"b": frozenset({"duyet"})}


# --- login, logout, sessions ---------------------------------------------------------------------


def test_without_a_session_a_page_leads_to_the_login_page_and_an_api_is_refused(client: TestClient) -> None:
    page = client.get("/w/a/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/dang-nhap?tiep=/w/a/"
    assert client.get("/", follow_redirects=False).headers["location"] == "/dang-nhap?tiep=/"
    login = client.get("/dang-nhap?tiep=/w/a/")
    assert login.status_code == 200 and "Tên đăng nhập" in login.text and 'value="/w/a/"' in login.text
    assert "form-action 'self'" in login.headers["content-security-policy"]
    assert client.get("/static/page.css").status_code == 200
    refused = client.get("/w/a/api/workspace")
    assert refused.status_code == 401 and refused.json() == {"loi": auth.NO_SESSION}


def test_logging_in_gives_a_fresh_httponly_lax_session_and_goes_where_asked(client: TestClient) -> None:
    client.cookies.set(auth.COOKIE, "planted-by-someone")
    response = log_in(client, "An ", tiep="/w/a/")  # the login in another case and spacing is the same account
    assert response.status_code == 303 and response.headers["location"] == "/w/a/"
    cookie = response.headers["set-cookie"]
    session_id = re.match(rf"{auth.COOKIE}=([^;]+);", cookie).group(1)
    assert session_id != "planted-by-someone" and len(session_id) >= 43
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie and "Max-Age=43200" in cookie
    page = client.get("/w/a/")
    assert page.status_code == 200
    csrf = re.search(r'name="tbkl-token" content="([^"]+)"', page.text).group(1)
    assert csrf != session_id and '<meta name="tbkl-base" content="/w/a">' in page.text
    me = client.get("/w/a/api/toi").json()
    assert me["ho_ten"] == "Người an" and me["vai_tro"] == ["chuyên viên soạn thảo"] and me["quyen"]["soan"] and not me["quyen"]["duyet"]


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_after_login_the_page_goes_only_to_a_path_of_this_site(client: TestClient, target: str) -> None:
    assert log_in(client, "an", tiep=target).headers["location"] == "/"


def test_an_unknown_login_and_a_wrong_password_get_the_same_answer(client: TestClient) -> None:
    wrong = log_in(client, "an", "sai-mat-khau")
    unknown = log_in(client, "khong-co-ai", "sai-mat-khau")
    assert wrong.status_code == unknown.status_code == 401
    assert auth.WRONG in wrong.text and auth.WRONG in unknown.text
    assert wrong.text.replace('value="an"', "") == unknown.text.replace('value="khong-co-ai"', "")
    assert "set-cookie" not in wrong.headers and "set-cookie" not in unknown.headers


def test_a_login_form_from_another_site_is_refused(client: TestClient) -> None:
    response = client.post("/dang-nhap", data={"ten_dang_nhap": "an", "mat_khau": PASSWORD}, headers={"Origin": "http://evil.example"})
    assert response.status_code == 403
    response = client.post("/dang-nhap", data={"ten_dang_nhap": "an", "mat_khau": PASSWORD})  # no Origin, no Sec-Fetch-Site
    assert response.status_code == 403 and "set-cookie" not in response.headers


def test_logins_are_rate_limited_per_account_even_an_unknown_one(client: TestClient) -> None:
    for _ in range(auth.ACCOUNT_FAILURES):
        assert log_in(client, "an", "sai-mat-khau").status_code == 401
        assert log_in(client, "khong-co-ai", "sai-mat-khau").status_code == 401
    blocked = log_in(client, "an")  # the right password, too late
    assert blocked.status_code == 429 and "Đăng nhập sai quá nhiều lần. Hãy thử lại sau 15 phút." in blocked.text
    assert "set-cookie" not in blocked.headers
    assert log_in(client, "khong-co-ai").status_code == 429  # an unknown login is limited the same: no enumeration
    assert log_in(client, "binh").status_code == 303  # another account from the same address still logs in


def test_logins_are_rate_limited_per_address(office: Path) -> None:
    assert auth.ADDRESS_FAILURES == 20
    service = service_of(office, by_address=auth.Attempts(3))  # the limit is a parameter: 3 here keeps the test short
    with TestClient(create_service_app(service), base_url="http://testserver") as client:
        for index in range(3):
            assert log_in(client, f"thu-{index}", "sai-mat-khau").status_code == 401
        assert log_in(client, "binh").status_code == 429


def test_the_failure_window_slides() -> None:
    now = [1000.0]
    attempts = auth.Attempts(2, window=60, clock=lambda: now[0])
    attempts.failed("k")
    now[0] += 30
    attempts.failed("k")
    assert attempts.wait("k") == pytest.approx(30)
    now[0] += 31
    assert attempts.wait("k") == 0


def test_sessions_end_after_their_lifetime_and_when_idle() -> None:
    now = [0.0]
    sessions = auth.Sessions(hours=12, idle_minutes=120, clock=lambda: now[0])
    kept = sessions.create("an")
    now[0] += 119 * 60
    assert sessions.get(kept.id) is kept
    now[0] += 121 * 60  # idle for 121 minutes
    assert sessions.get(kept.id) is None
    busy = sessions.create("an")
    for _ in range(13):
        now[0] += 3600
        alive = sessions.get(busy.id)
    assert alive is None  # used every hour, still ended after 12 hours
    assert sessions.get("") is None and sessions.get("x" * 500) is None


def test_logout_ends_the_session_on_the_server(client: TestClient, service: auth.Service) -> None:
    csrf = logged_in(client, service, "an")
    session_id = client.cookies.get(auth.COOKIE)
    assert client.post("/dang-xuat").status_code == 403  # a logout is a change: it needs the token
    out = client.post("/dang-xuat", headers={"X-Tbkl-Token": csrf})
    assert out.status_code == 200 and out.json() == {"tiep": "/dang-nhap"}
    assert service.sessions.get(session_id) is None
    client.cookies.set(auth.COOKIE, session_id)  # the old cookie, kept by someone
    assert client.get("/w/a/api/workspace").status_code == 401


def test_the_services_start_builds_every_workspaces_catalog_before_any_request(
    service: auth.Service, office: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With accounts, `tbkl serve` builds each workspace's catalog in the background: a person's first list reads no source."""
    from tbkl_gen.source.names import CATALOG_FILE

    example = (ROOT / "notices" / "2026" / "lamdong-cong-van-chuyen-doi-so.yaml").read_text(encoding="utf-8")
    for name in ("a", "b"):
        (office / name / "notices" / f"{name}.yaml").write_text(example, encoding="utf-8")
    read: list[str] = []
    real = Page.entry_of

    def counted(self: Page, path: Path, relative: str):  # noqa: ANN202
        read.append(f"{self.root.name}/{relative}")
        return real(self, path, relative)

    monkeypatch.setattr(Page, "entry_of", counted)
    app = create_service_app(service, warm=True)  # as `tbkl serve` makes it
    assert app.warming is not None and app.warming.done.wait(60)
    assert sorted(read) == ["a/notices/a.yaml", "b/notices/b.yaml"]
    assert (office / "a" / CATALOG_FILE).is_file() and (office / "b" / CATALOG_FILE).is_file()
    read.clear()
    with TestClient(app, base_url="http://testserver") as client:
        logged_in(client, service, "chi")  # a clerk in a, a drafter in b
        for name in ("a", "b"):
            answer = client.get(f"/w/{name}/api/workspace")
            assert answer.status_code == 200 and [row["path"] for row in answer.json()["thong_bao"]] == [f"notices/{name}.yaml"]
    assert read == []


def test_a_removed_account_is_logged_out_at_its_next_request(client: TestClient, service: auth.Service, office: Path) -> None:
    logged_in(client, service, "an")
    assert client.get("/w/a/api/workspace").status_code == 200
    Accounts(office).remove("an")
    assert client.get("/w/a/api/workspace").status_code == 401


def test_several_sessions_at_once_each_act_as_their_person(service: auth.Service) -> None:
    app = create_service_app(service)
    with TestClient(app, base_url="http://testserver") as drafter, TestClient(app, base_url="http://testserver") as reviewer:
        drafter_csrf = logged_in(drafter, service, "an")
        reviewer_csrf = logged_in(reviewer, service, "binh")
        assert drafter.get("/w/a/api/toi").json()["ten_dang_nhap"] == "an"
        assert reviewer.get("/w/a/api/toi").json()["ten_dang_nhap"] == "binh"
        made = drafter.post("/w/a/api/new", json={"trich_yeu": "Kết luận họp giao ban"}, headers={"X-Tbkl-Token": drafter_csrf})
        assert made.status_code == 200, made.text
        assert reviewer.post("/w/a/api/new", json={"trich_yeu": "Khác"}, headers={"X-Tbkl-Token": reviewer_csrf}).status_code == 403
        # one session's token is no other's
        assert drafter.post("/w/a/api/new", json={"trich_yeu": "Khác"}, headers={"X-Tbkl-Token": reviewer_csrf}).status_code == 403
        assert service.sessions.count() == 2


# --- CSRF and the checks of every request ---------------------------------------------------------


def test_every_change_needs_the_sessions_token(client: TestClient, service: auth.Service) -> None:
    csrf = logged_in(client, service, "an")
    body = {"trich_yeu": "Kết luận"}
    assert client.post("/w/a/api/new", json=body).json() == {"loi": auth.NO_CSRF}
    assert client.post("/w/a/api/new", json=body, headers={"X-Tbkl-Token": "doan-bua"}).status_code == 403
    assert client.post("/w/a/api/new", json=body, headers={"X-Tbkl-Token": csrf}).status_code == 200
    foreign = client.post("/w/a/api/new", json=body, headers={"X-Tbkl-Token": csrf, "Origin": "http://evil.example"})
    assert foreign.status_code == 403 and foreign.json() == {"loi": "yêu cầu từ trang web khác bị từ chối"}
    rebound = client.get("/w/a/api/workspace", headers={"Host": "evil.example"})
    assert rebound.status_code == 403 and "tên máy “evil.example” không được phép" in rebound.json()["loi"]


# --- roles on every route -------------------------------------------------------------------------


def test_every_page_route_has_its_action(office: Path) -> None:
    found = set()
    for route in page_routes(Page(office / "a", "", base="/w/a")):
        for method in sorted(route.methods - {"HEAD"}):  # type: ignore[attr-defined]
            found.add((method, route.path))  # type: ignore[attr-defined]
    assert found == set(ROUTE_ACTIONS), "a route without its action in ROUTE_ACTIONS, or one gone"
    assert set(ROUTE_ACTIONS.values()) <= set(ALLOWED)


def _call(client: TestClient, method: str, path: str, csrf: str | None):  # noqa: ANN202
    headers = {"X-Tbkl-Token": csrf} if csrf else {}
    if method == "GET":
        return client.get(path, headers=headers, follow_redirects=False)
    return client.post(path, content=b"{}", headers={**headers, "Content-Type": "application/json"}, follow_redirects=False)


@pytest.mark.parametrize("login", ["an", "binh", "chi", "quan", "dung"])
def test_every_route_refuses_each_role_that_may_not_and_serves_one_that_may(client: TestClient, service: auth.Service, login: str) -> None:
    account = service.accounts.known(login)
    person = account.person("a")
    csrf = logged_in(client, service, login)
    for (method, path), action in ROUTE_ACTIONS.items():
        response = _call(client, method, "/w/a" + path, csrf)
        if may(person, action):  # type: ignore[arg-type]
            assert response.status_code not in (401, 403), (login, path, response.text)
        else:
            assert response.status_code == 403, (login, path, response.status_code)
            assert response.json()["loi"].startswith("tài khoản của bạn không có quyền"), (login, path)


def test_every_route_refuses_a_request_without_a_session(client: TestClient) -> None:
    for method, path in [*ROUTE_ACTIONS, ("POST", "/dang-xuat")]:
        response = _call(client, method, "/w/a" + path if path != "/dang-xuat" else path, None)
        if method == "GET" and path == "/":
            assert response.status_code == 303 and response.headers["location"].startswith("/dang-nhap")
        else:
            assert response.status_code == 401, (method, path, response.status_code)


def test_a_person_has_the_roles_of_each_workspace_only_there(client: TestClient, service: auth.Service) -> None:
    logged_in(client, service, "chi")  # văn thư in a, drafter in b
    assert client.get("/w/a/api/toi").json()["vai_tro"] == ["văn thư"]
    assert client.get("/w/b/api/toi").json()["vai_tro"] == ["chuyên viên soạn thảo"]
    chooser = client.get("/")
    assert chooser.status_code == 200 and 'href="/w/a/"' in chooser.text and 'href="/w/b/"' in chooser.text
    logged_in(client, service, "an")  # drafter in a only: straight there, and nothing of b
    assert client.get("/", follow_redirects=False).headers["location"] == "/w/a/"
    assert client.get("/w/b/api/workspace").status_code == 403
    assert client.get("/w/b/").status_code == 403


def test_the_page_is_marked_with_what_the_person_may_not_do_in_that_workspace(client: TestClient, service: auth.Service) -> None:
    """The body's khong-<action> classes (page.css hides those controls, app.js's may() reads them) follow the one table."""
    logged_in(client, service, "chi")  # văn thư in a, drafter in b
    for workspace, refused, note in [
        ("a", ["soan", "gui-duyet", "duyet", "xu-ly-gop-y", "quan-tri"], "bạn có thể phát hành văn bản."),
        ("b", ["duyet", "phat-hanh", "quan-tri"], None),
    ]:
        html = client.get(f"/w/{workspace}/").text
        person = service.accounts.known("chi").person(workspace)
        assert [action for action in ALLOWED if not may(person, action)] == refused
        classes = re.search(r'<body class="([^"]*)">', html)
        assert classes and classes.group(1).split() == [f"khong-{action}" for action in refused], workspace
        shown = re.search(r'<p id="read-only-note" class="read-only-note">([^<]*)</p>', html)
        assert shown is not None
        if note is None:
            assert shown.group(1) == ""
        else:
            assert shown.group(1).startswith("Bạn chỉ xem văn bản này: tài khoản của bạn không có quyền soạn") and shown.group(1).endswith(
                note
            )


def test_the_page_hides_what_the_role_cannot_do_by_its_markers() -> None:
    from tbkl_gen.page.server import static_dir

    html = (static_dir() / "index.html").read_text(encoding="utf-8")
    for marked in ('id="save"', 'id="new-form"', 'id="drop"', 'class="render-all"'):
        assert re.search(rf'{marked}[^>]*data-quyen="soan"', html), marked
    css = (static_dir() / "page.css").read_text(encoding="utf-8")
    for action in ALLOWED:
        if action != "doc":
            assert f'body.khong-{action} [data-quyen~="{action}"]' in css
    assert set(ROLE_LABELS) == {"soan-thao", "duyet", "van-thu", "quan-tri"}


def test_a_workspace_with_a_vietnamese_name_is_served_under_its_encoded_path(tmp_path: Path) -> None:
    root = tmp_path / "tinh"
    init_workspace(root / "Văn phòng UBND")
    init_workspace(root / "la{y}")  # a name that cannot be a path of the service is not served
    Accounts(root).add("an", password=PASSWORD, role="soan-thao", workspace="Văn phòng UBND")
    service = service_of(root)
    assert list(service.workspaces) == ["Văn phòng UBND"]
    with TestClient(create_service_app(service), base_url="http://testserver") as client:
        logged_in(client, service, "an")
        where = client.get("/", follow_redirects=False).headers["location"]
        assert where == "/w/V%C4%83n%20ph%C3%B2ng%20UBND/"
        page = client.get(where)
        assert page.status_code == 200 and '<meta name="tbkl-base" content="/w/V%C4%83n%20ph%C3%B2ng%20UBND">' in page.text
        assert client.get(where + "api/toi").json()["thu_muc_nay"] == "Văn phòng UBND"


def test_sessions_kept_in_their_file_outlive_a_restart_and_the_file_gives_no_cookie(tmp_path: Path) -> None:
    path = tmp_path / ".tbkl-service" / "phien.json"
    path.parent.mkdir(mode=0o700)
    now = [1_000_000.0]
    first = auth.Sessions(path=path, clock=lambda: now[0])
    kept, ended = first.create("an"), first.create("binh")
    first.drop(ended)
    text = path.read_text(encoding="utf-8")
    assert kept.id not in text and auth.session_key(kept.id) in text and auth.session_key(ended.id) not in text
    if os.name != "nt":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    now[0] += 60 * 60
    again = auth.Sessions(path=path, clock=lambda: now[0])  # the server restarted an hour later
    found = again.get(kept.id)
    assert found is not None and (found.login, found.csrf) == ("an", kept.csrf)
    assert again.get(ended.id) is None
    now[0] += 13 * 3600
    assert auth.Sessions(path=path, clock=lambda: now[0]).get(kept.id) is None  # past its lifetime, restart or not
    path.write_text("khong phai json", encoding="utf-8")
    path.chmod(0o600)
    assert auth.Sessions(path=path).count() == 0  # a broken file: everyone logs in again


def test_accounts_added_at_the_same_moment_are_all_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Several `tbkl users add` at once (a script of the IT person's): each change is made on the file as the last one left it."""
    import threading
    import time

    root = tmp_path / "van-phong"
    init_workspace(root)
    real = Accounts._write

    def slow_write(self: Accounts, accounts: dict) -> None:
        time.sleep(0.05)  # the window between reading the file and writing it made wide: a change lost in it would show
        real(self, accounts)

    monkeypatch.setattr(store, "hash_password", lambda password: "scrypt$n=2,r=1,p=1$AAAA$AAAA")  # no scrypt work: all at once
    monkeypatch.setattr(Accounts, "_write", slow_write)
    logins = [f"nguoi-{index}" for index in range(6)]
    go = threading.Barrier(len(logins))

    def add(login: str) -> None:
        go.wait(timeout=30)
        Accounts(root).add(login, password=PASSWORD, role="soan-thao", workspace="van-phong")

    threads = [threading.Thread(target=add, args=(login,)) for login in logins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(Accounts(root).all()) == logins
