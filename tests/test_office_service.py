"""The office's service as the IT person sets it up and several people use it at once (issue 21).

Everything through the real command line (`tbkl users add … --password-stdin`, `tbkl serve` over a
folder of workspaces, `tbkl issue`, `tbkl history --push`), real HTTP with sessions and CSRF
tokens, real git with a bare repository as the office's remote, real LibreOffice. What is read
back from disk: the commits' authors and files, the remote's branch and tags.
(The three-browser scenario behind nginx is tests/test_office_scenario.py.)
"""

from __future__ import annotations

import http.client
import json
import os
import re
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

pytest.importorskip("starlette")

from conftest import ROOT, SIGNER, fill_in, render_cli, serve_process, stop_process  # noqa: E402

from tbkl_gen.service.history import HAND_EDIT_MESSAGE, SERVER  # noqa: E402

PASSWORD = "mat-khau-dai-du"
EXAMPLE = ROOT / "notices" / "2026" / "lamdong-cong-van-chuyen-doi-so.yaml"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def tbkl(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tbkl_gen", *args], input=stdin, capture_output=True, text=True, encoding="utf-8", env=ENV, cwd=cwd
    )


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout.strip()


def bare_remote(folder: Path) -> Path:
    remote = folder / "kho-chung.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    return remote


# --- the password asked for at a terminal -----------------------------------------------------------


def test_users_add_asks_the_password_twice_at_a_terminal_without_echoing_it(tmp_path: Path) -> None:
    root = tmp_path / "vp"
    assert render_cli(["init", str(root), "--nguoi-ky", SIGNER]).exit_code == 0
    pty = pytest.importorskip("pty")  # a POSIX terminal (the server is Debian); Windows has none to open
    pid, terminal = pty.fork()
    if pid == 0:  # the child: `tbkl users add` on a real terminal, as the IT person types it
        os.chdir(root)
        os.execve(sys.executable, [sys.executable, "-m", "tbkl_gen", "users", "add", "an", "--role", "soan-thao"], ENV)
    seen = b""

    def read_until(marker: bytes) -> None:
        nonlocal seen
        deadline = time.monotonic() + 60
        while marker not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([terminal], [], [], 1)
            if ready:
                try:
                    seen += os.read(terminal, 1024)
                except OSError:
                    break
        assert marker in seen, seen.decode("utf-8", "replace")

    read_until("Mật khẩu".encode())
    os.write(terminal, (PASSWORD + "\n").encode())
    read_until("Nhập lại mật khẩu".encode())
    os.write(terminal, (PASSWORD + "\n").encode())
    read_until("Đã thêm tài khoản an".encode())
    _, status = os.waitpid(pid, 0)
    os.close(terminal)
    assert os.waitstatus_to_exitcode(status) == 0
    assert PASSWORD.encode() not in seen  # never echoed on the terminal
    from tbkl_gen.service.accounts import Accounts

    assert Accounts(root).authenticate("an", PASSWORD) is not None


# --- issuing sends its commit and its tag to the office's remote -------------------------------------


def test_tbkl_issue_pushes_its_commit_and_tag_and_a_failed_push_keeps_both_for_the_next(libreoffice: str, tmp_path: Path) -> None:
    root = tmp_path / "van-phong"
    assert tbkl("init", str(root), "--nguoi-ky", SIGNER).returncode == 0
    for name in ("mot", "hai"):
        assert tbkl("new", f"Kết luận cuộc họp {name}", "--ten", name, cwd=root).returncode == 0
    for made in root.glob("notices/*/*.yaml"):
        fill_in(made)
    remote = bare_remote(tmp_path)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    git(root, "config", "user.name", "Văn thư Thử")
    git(root, "config", "user.email", "vanthu@example.org")
    git(root, "remote", "add", "origin", str(remote))
    (first,) = root.glob("notices/*/mot.yaml")
    (second,) = root.glob("notices/*/hai.yaml")

    done = tbkl("issue", str(first), "--ngay", "05/01/2027", "--khong-qua-duyet", cwd=root)  # approved on paper
    assert done.returncode == 0, done.stderr
    assert "Đã gửi lên kho chung “origin”" in done.stdout
    assert git(remote, "rev-parse", "main") == git(root, "rev-parse", "HEAD")
    assert git(remote, "tag", "--list") == "phat-hanh/2027/01-tb-ubnd"
    assert (
        git(remote, "log", "-1", "--format=%an|%s", "main")
        == "Văn thư Thử|Phát hành số 01/TB-UBND ngày 05/01/2027: notices/2026/mot.yaml (không qua duyệt trên hệ thống)"
    )

    # the remote unreachable: the issue is done all the same, the push failure said in Vietnamese;
    # the source edited by hand on the server before the issue: that edit is the service's commit, not the clerk's
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "dự thảo hai")
    second.write_text(second.read_text(encoding="utf-8") + "# sửa tay trên máy chủ\n", encoding="utf-8")
    remote.rename(tmp_path / "mat.git")
    done = tbkl("issue", str(second), "--so", "7", "--ngay", "06/01/2027", "--khong-qua-duyet", cwd=root)
    assert done.returncode == 0, done.stderr
    said = done.stderr
    assert said.startswith("Chưa gửi được lên kho chung “origin” (git báo: fatal: ") and "(3 phiên bản chưa gửi)" in said, said
    assert git(root, "log", "-2", "--format=%an|%s").splitlines() == [
        "Văn thư Thử|Phát hành số 07/TB-UBND ngày 06/01/2027: notices/2026/hai.yaml (không qua duyệt trên hệ thống)",
        f"{SERVER.name}|{HAND_EDIT_MESSAGE.format(paths='notices/2026/hai.yaml')}",
    ]
    diff = git(root, "show", "-U0", "--format=", "HEAD", "--", "notices/2026/hai.yaml").splitlines()
    changed = [line.split("#")[0].strip() for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed[:2] == ["-so:", '+so: "07"'] and changed[2].startswith("-ngay:") and changed[3:] == ['+ngay: "06/01/2027"'], diff
    assert "Traceback" not in done.stderr
    assert git(root, "tag", "--list", "phat-hanh/2027/07-tb-ubnd") == "phat-hanh/2027/07-tb-ubnd"
    (tmp_path / "mat.git").rename(remote)
    assert git(remote, "tag", "--list") == "phat-hanh/2027/01-tb-ubnd"  # not there yet
    waiting = tbkl("history", ".", cwd=root)
    assert waiting.returncode == 0 and "Kho chung “origin”: 3 phiên bản chưa gửi (gửi bằng: tbkl history . --push)" in waiting.stdout
    later = tbkl("history", ".", "--push", cwd=root)
    assert later.returncode == 0 and "Đã gửi lên kho chung “origin”" in later.stdout, later.stderr
    outside = tbkl("history", str(tmp_path), "--push")
    assert outside.returncode == 1 and "không phải thư mục làm việc" in outside.stderr and "Traceback" not in outside.stderr
    assert git(remote, "rev-parse", "main") == git(root, "rev-parse", "HEAD")
    assert git(remote, "tag", "--list").split() == ["phat-hanh/2027/01-tb-ubnd", "phat-hanh/2027/07-tb-ubnd"]


# --- several people at once on `tbkl serve` over a folder of workspaces ------------------------------


class Browser:
    """One person's browser: the session cookie from /dang-nhap, the CSRF token from the page."""

    def __init__(self, port: int, login: str, workspace: str) -> None:
        self.port, self.workspace, self.cookie = port, workspace, ""
        status, headers, _ = self.call(
            "POST",
            "/dang-nhap",
            urlencode({"ten_dang_nhap": login, "mat_khau": PASSWORD, "tiep": "/"}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://127.0.0.1:{port}"},
        )
        assert status == 303, (login, status)
        self.cookie = headers["Set-Cookie"].split(";", 1)[0]
        status, _, page = self.call("GET", f"/w/{workspace}/")
        found = re.search(rb'name="tbkl-token" content="([^"]+)"', page)
        assert status == 200 and found, page[:200]
        self.csrf = found.group(1).decode()

    def call(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, Any, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        try:
            cookie = {"Cookie": self.cookie} if self.cookie else {}
            connection.request(method, path, body=body, headers={"Host": f"127.0.0.1:{self.port}", **cookie, **(headers or {})})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def get(self, route: str, workspace: str | None = None, **params: str) -> tuple[int, Any]:
        status, _, data = self.call("GET", f"/w/{workspace or self.workspace}{route}" + (f"?{urlencode(params)}" if params else ""))
        return status, json.loads(data)

    def post(
        self, route: str, body: Any, workspace: str | None = None, raw: bool = False, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:  # noqa: ANN401
        data = body if raw else json.dumps(body).encode("utf-8")
        sent = {"Content-Type": "application/json", "X-Tbkl-Token": self.csrf, **(headers or {})}
        status, answer_headers, answer = self.call("POST", f"/w/{workspace or self.workspace}{route}", data, sent)
        kind = answer_headers.get("Content-Type", "")
        return status, json.loads(answer) if kind.startswith("application/json") else answer


@pytest.fixture
def office(tmp_path: Path) -> Iterator[tuple[Path, int, Path]]:
    """`tbkl serve` over /srv-like folder `tinh` with workspaces a and b, accounts made by `tbkl users add --password-stdin`."""
    service = tmp_path / "tinh"
    for name in ("a", "b"):
        assert tbkl("init", str(service / name), "--nguoi-ky", SIGNER).returncode == 0
        (service / name / "notices" / "2026").mkdir(parents=True, exist_ok=True)
        for notice in ("cv-an", "cv-chi"):  # drafts: no number yet (two copies of one number would be an error)
            text = re.sub(r'(?m)^so: "123"$', "so:", EXAMPLE.read_text(encoding="utf-8"))
            (service / name / "notices" / "2026" / f"{notice}.yaml").write_text(text, encoding="utf-8")
    people = [
        ("an", "soan-thao", "a", "Nguyễn Văn An", "an@vp.gov.vn"),
        ("chi", "soan-thao", "a", "Lê Thị Chi", "chi@vp.gov.vn"),
        ("vanthu", "van-thu", "a", "Văn Thư", "vt@vp.gov.vn"),
    ]
    for login, role, workspace, name, email in people:
        done = tbkl(
            "users", "add", login, "--role", role, "--workspace", workspace, "--ten", name, "--email", email,
            "--password-stdin", "--root", str(service), stdin=PASSWORD + "\n",
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    assert tbkl("users", "grant", "an", "--role", "duyet", "--workspace", "b", "--root", str(service)).returncode == 0
    remote = bare_remote(tmp_path)
    begun = tbkl("history", str(service / "a"))  # as the README tells the IT person: the history begins
    assert begun.returncode == 0 and "Đã bắt đầu ghi lịch sử của thư mục làm việc" in begun.stderr, begun.stderr
    git(service / "a", "remote", "add", "origin", str(remote))
    process, line = serve_process(service)
    found = re.search(r"http://127\.0\.0\.1:(\d+)/\s*$", line)
    assert found, line
    try:
        yield service, int(found.group(1)), remote
    finally:
        stop_process(process)


def test_several_drafters_at_once_preview_print_import_render_save_each_their_own_commit_pushed(
    libreoffice: str, office: tuple[Path, int, Path]
) -> None:
    service, port, remote = office
    root = service / "a"
    an, chi = Browser(port, "an", "a"), Browser(port, "chi", "a")
    failures: list[str] = []

    def works(browser: Browser, path: str) -> None:
        """What the single-user page did, by one person: preview, .docx, PDF, exact page, import, render all."""
        try:
            status, notice = browser.get("/api/notice", path=path)
            assert status == 200, notice
            body = {"path": path, "base": notice["text"], "data": notice["data"]}
            status, checked = browser.post("/api/check", body)
            assert status == 200 and checked["errors"] == 0 and "cơ sở dữ liệu dùng chung" in checked["preview"], str(checked)[:300]
            status, docx = browser.post("/api/docx", body)
            assert status == 200 and docx[:2] == b"PK", docx[:200]
            status, pdf = browser.post("/api/pdf", body)
            assert status == 200 and pdf[:5] == b"%PDF-", pdf[:200]
            status, exact = browser.post("/api/exact", body)
            assert status == 200 and exact["pages"][0].startswith("data:image/png;base64,"), str(exact)[:200]
            status, imported = browser.post(
                "/api/import",
                docx,
                raw=True,
                headers={"Content-Type": "application/octet-stream", "X-File-Name": f"nhap-{path[-11:-5]}.docx"},
            )
            assert status == 200 and imported["path"], imported
            status, streamed = browser.post("/api/render-all", {})
            assert status == 200 and "ket_qua" in streamed.decode("utf-8"), streamed[-300:]
        except AssertionError as exc:
            failures.append(f"{path}: {exc}")

    threads = [
        threading.Thread(target=works, args=(an, "notices/2026/cv-an.yaml")),
        threading.Thread(target=works, args=(chi, "notices/2026/cv-chi.yaml")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    imports = git(root, "log", "--format=%an|%s", "--", "notices").splitlines()
    assert {line for line in imports if "Nhập" in line} == {
        "Nguyễn Văn An|Nhập notices/2026/nhap-cv-an.yaml từ tệp Word nhap-cv-an.docx",
        "Lê Thị Chi|Nhập notices/2026/nhap-cv-chi.yaml từ tệp Word nhap-cv-chi.docx",
    } or imports

    # chi's unsaved work (the page's draft) and a file chi changed never ride along with an's save
    status, mine = chi.get("/api/notice", path="notices/2026/cv-chi.yaml")
    draft = {
        "path": "notices/2026/cv-chi.yaml",
        "base": mine["text"],
        "version": mine["version"],
        "data": {**mine["data"], "trich_yeu": "Chi đang sửa"},
    }
    assert chi.post("/api/draft", draft)[0] == 200
    status, notice = an.get("/api/notice", path="notices/2026/cv-an.yaml")
    edited = {**notice["data"], "trich_yeu": notice["data"]["trich_yeu"] + " (An sửa)"}
    status, saved = an.post(
        "/api/save", {"path": "notices/2026/cv-an.yaml", "base": notice["text"], "version": notice["version"], "data": edited}
    )
    assert status == 200 and saved["lich_su"]["gui"]["ok"], saved
    assert git(root, "log", "-1", "--format=%an <%ae>") == "Nguyễn Văn An <an@vp.gov.vn>"
    assert git(root, "show", "--name-only", "--format=", "HEAD") == "notices/2026/cv-an.yaml"
    assert (root / "notices" / "2026" / ".cv-chi.yaml.nhap").is_file() and ".cv-chi.yaml.nhap" not in git(root, "ls-files")
    assert git(remote, "rev-parse", "main") == git(root, "rev-parse", "HEAD")  # pushed at once

    # a file edited by hand on the server's disk: committed as the service, then an's change alone
    source = root / "notices" / "2026" / "cv-an.yaml"
    source.write_text(source.read_text(encoding="utf-8") + "# sửa tay trên máy chủ\n", encoding="utf-8")
    status, notice = an.get("/api/notice", path="notices/2026/cv-an.yaml")
    again = {**notice["data"], "trich_yeu": notice["data"]["trich_yeu"] + " lần hai"}
    status, saved = an.post(
        "/api/save", {"path": "notices/2026/cv-an.yaml", "base": notice["text"], "version": notice["version"], "data": again}
    )
    assert status == 200, saved
    assert git(root, "log", "-2", "--format=%an|%s").splitlines() == [
        "Nguyễn Văn An|Lưu notices/2026/cv-an.yaml",
        f"{SERVER.name}|{HAND_EDIT_MESSAGE.format(paths='notices/2026/cv-an.yaml')}",
    ]
    assert "# sửa tay trên máy chủ" in git(root, "show", "HEAD~1", "--", "notices/2026/cv-an.yaml")
    changed = [
        line for line in git(root, "show", "-U0", "--format=", "HEAD").splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert changed and all("trich_yeu" in line or "(An sửa)" in line for line in changed), changed  # an's words only

    # a review step is a commit too, and goes to the remote
    status, submitted = an.post("/api/review/submit", {"path": "notices/2026/cv-an.yaml", "version": saved["version"]})
    assert status == 200, submitted
    assert git(remote, "rev-parse", "main") == git(root, "rev-parse", "HEAD")

    # the clerk of the office's service issues only what a reviewer approved
    clerk = Browser(port, "vanthu", "a")
    status, refused = clerk.post("/api/issue", {"path": "notices/2026/cv-chi.yaml", "ngay": "07/12/2026"})
    assert status == 422 and "văn bản chưa được duyệt" in refused["loi"], refused


def test_roles_are_per_workspace_and_each_workspace_its_own_history(office: tuple[Path, int, Path]) -> None:
    service, port, _ = office
    an = Browser(port, "an", "a")  # drafts in a, reviews in b
    assert an.get("/api/toi")[1]["vai_tro"] == ["chuyên viên soạn thảo"]
    assert an.get("/api/toi", workspace="b")[1]["vai_tro"] == ["lãnh đạo duyệt"]
    status, notice = an.get("/api/notice", workspace="b", path="notices/2026/cv-an.yaml")
    assert status == 200
    body = {"path": "notices/2026/cv-an.yaml", "base": notice["text"], "version": notice["version"], "data": notice["data"]}
    status, refused = an.post("/api/save", body, workspace="b")
    assert status == 403 and refused["loi"] == "tài khoản của bạn không có quyền soạn và lưu văn bản"
    chi = Browser(port, "chi", "a")
    assert chi.get("/api/workspace", workspace="b")[0] == 403  # no role in b at all
    listed = tbkl("users", "list", "--root", str(service)).stdout
    assert "an\tNguyễn Văn An\tan@vp.gov.vn\ta: soan-thao; b: duyet" in listed
