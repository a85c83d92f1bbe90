"""The page's history: saves through the page become commits by the request's person; the history panel's routes and roles."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("ruamel.yaml")

from starlette.testclient import TestClient  # noqa: E402
from starlette.types import ASGIApp, Receive, Scope, Send  # noqa: E402

from conftest import ROOT  # noqa: E402
from tbkl_gen.commands.scaffold import init_workspace  # noqa: E402
from tbkl_gen.page import access  # noqa: E402
from tbkl_gen.page.server import create_app  # noqa: E402
from tbkl_gen.service import history  # noqa: E402
from tbkl_gen.service.people import Person  # noqa: E402

TOKEN = "t0ken-for-tests"
HEADERS = {"X-Tbkl-Token": TOKEN}
AN = Person(login="an", name="Nguyễn Văn An", email="an@vanphong.example", roles=frozenset({"soan-thao"}))
LANH_DAO = Person(login="ld", name="Lê Lãnh Đạo", email="ld@vanphong.example", roles=frozenset({"duyet"}))
EXAMPLE = ROOT / "notices" / "2026" / "lamdong-cong-van-chuyen-doi-so.yaml"
CV = "notices/2026/cv.yaml"


class As:
    """Test middleware: every request is made by the person held here (the accounts' middleware does this for real)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.person = AN

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        access.set_person(self.person)
        await self.app(scope, receive, send)


@pytest.fixture
def workspace(git_installed: str, tmp_path: Path) -> Path:
    root = tmp_path / "van-phong"
    init_workspace(root)
    (root / "notices" / "2026").mkdir(parents=True)
    (root / "notices" / "2026" / "cv.yaml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "notices" / "2026" / "khac.yaml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return root


@pytest.fixture
def who(workspace: Path) -> As:
    return As(create_app(workspace, TOKEN, hosts={"testserver"}))


@pytest.fixture
def client(who: As) -> TestClient:
    with TestClient(who, base_url="http://testserver") as test_client:
        yield test_client


def post(client: TestClient, route: str, body: dict[str, Any]) -> Any:  # noqa: ANN401
    return client.post(route, content=json.dumps(body), headers={**HEADERS, "Content-Type": "application/json"})


def git_out(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, check=True, text=True, encoding="utf-8").stdout


def save_summary(client: TestClient, summary: str) -> dict[str, Any]:
    opened = client.get("/api/notice", params={"path": CV}, headers=HEADERS).json()
    answer = post(
        client,
        "/api/save",
        {"path": CV, "base": opened["text"], "version": opened["version"], "data": {**opened["data"], "trich_yeu": summary}},
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_save_through_the_page_is_a_commit_by_the_requests_person_holding_only_that_notice(client: TestClient, workspace: Path) -> None:
    history.ensure_repository(workspace)  # the history has begun; then someone is editing another notice
    other = workspace / "notices" / "2026" / "khac.yaml"
    other.write_text(other.read_text(encoding="utf-8").replace("Rà soát", "Rà soát gấp"), encoding="utf-8")
    answer = save_summary(client, "triển khai phần mềm dùng chung của tỉnh")
    commit = answer["lich_su"]["phien_ban"]
    assert commit and answer["lich_su"]["canh_bao"] is None
    assert git_out(workspace, "log", "-1", "--format=%H|%an|%ae|%s") == f"{commit}|{AN.name}|{AN.email}|Lưu {CV}\n"
    assert git_out(workspace, "show", "--name-only", "--format=", commit).split() == [CV]
    assert "khac.yaml" in git_out(workspace, "status", "--porcelain")  # the other notice's change is not taken


def test_new_copy_and_save_copy_through_the_page_are_commits_by_the_person(client: TestClient, workspace: Path) -> None:
    made = post(client, "/api/new", {"trich_yeu": "Kết luận của đồng chí Chủ tịch tại cuộc họp về đất đai"}).json()
    assert git_out(workspace, "log", "-1", "--format=%an|%s") == f"{AN.name}|Tạo {made['path']}\n"
    copied = post(client, "/api/copy", {"path": CV}).json()
    assert git_out(workspace, "log", "-1", "--format=%an|%s") == f"{AN.name}|Sao {CV} thành {copied['path']}\n"
    assert git_out(workspace, "show", "--name-only", "--format=", "HEAD").split() == [copied["path"]]


def test_the_history_panel_lists_opens_compares_and_restores(client: TestClient, workspace: Path, who: As) -> None:
    first = save_summary(client, "triển khai phần mềm dùng chung")
    save_summary(client, "triển khai phần mềm dùng chung của tỉnh Lâm Đồng")
    listed = client.get("/api/history", params={"path": CV}, headers=HEADERS).json()
    versions = listed["phien_ban"]
    assert [v["nguoi"] for v in versions] == [AN.name, AN.name, history.SERVER.name]
    assert versions[0]["loi_nhan"] == f"Lưu {CV}" and versions[0]["luc"][2] == "/" and versions[0]["luc"][5] == "/"
    assert listed["kho_chung"] is None

    opened = client.get("/api/history/version", params={"path": CV, "commit": first["lich_su"]["phien_ban"]}, headers=HEADERS).json()
    assert "trich_yeu: triển khai phần mềm dùng chung\n" in opened["text"]
    assert "triển khai phần mềm dùng chung" in opened["preview"] and "<article" in opened["preview"]

    compared = client.get(
        "/api/history/compare", params={"path": CV, "cu": versions[1]["commit"], "moi": versions[0]["commit"]}, headers=HEADERS
    )
    hunks = compared.json()["khac_biet"]
    assert len(hunks) == 1
    line = hunks[0]["dong"][0]
    assert line[0] == ["=", "Trích yếu công văn: triển khai phần mềm dùng chung"]
    assert ["+", "của tỉnh Lâm Đồng"] in line
    assert "trich_yeu" not in json.dumps(hunks)

    who.person = LANH_DAO  # a reviewer reads the history but restores nothing
    assert client.get("/api/history", params={"path": CV}, headers=HEADERS).status_code == 200
    refused = post(client, "/api/history/restore", {"path": CV, "commit": versions[2]["commit"]})
    assert refused.status_code == 403 and "quyền" in refused.json()["loi"]
    assert post(client, "/api/save", {"path": CV, "base": "", "version": "x", "data": {}}).status_code in (403, 409)

    who.person = AN
    restored = post(client, "/api/history/restore", {"path": CV, "commit": versions[2]["commit"]})
    assert restored.status_code == 200, restored.text
    assert (workspace / CV).read_bytes() == EXAMPLE.read_bytes()
    assert restored.json()["path"] == CV
    log = git_out(workspace, "log", "-1", "--format=%H|%an|%s").strip().split("|")
    assert log[0] == restored.json()["lich_su"]["phien_ban"] and log[1] == AN.name
    assert log[2].startswith(history.RESTORE_MESSAGE.partition("{short}")[0] + versions[2]["ngan"])
    bad = post(client, "/api/history/restore", {"path": CV, "commit": "HEAD"})
    assert bad.status_code == 422 and "không hợp lệ" in bad.json()["loi"]


def test_a_hand_edit_shows_in_the_history_as_the_servers_before_the_next_save(client: TestClient, workspace: Path) -> None:
    save_summary(client, "triển khai phần mềm dùng chung")
    target = workspace / CV
    target.write_text(target.read_text(encoding="utf-8").replace("Lâm Đồng", "Đà Lạt"), encoding="utf-8")
    versions = client.get("/api/history", params={"path": CV}, headers=HEADERS).json()["phien_ban"]
    assert versions[0]["nguoi"] == history.SERVER.name and "trực tiếp trên máy chủ" in versions[0]["loi_nhan"]
    target.write_text(target.read_text(encoding="utf-8").replace("Đà Lạt", "Bảo Lộc"), encoding="utf-8")
    answer = save_summary(client, "triển khai phần mềm")  # the page opened the file as the hand edit left it
    assert answer["lich_su"]["sua_tay"] is not None
    assert git_out(workspace, "log", "-2", "--format=%an").split("\n")[:2] == [AN.name, history.SERVER.name]


def test_a_failed_push_is_shown_on_the_save_and_the_commit_is_sent_at_the_next_save(
    client: TestClient, workspace: Path, tmp_path: Path
) -> None:
    remote = tmp_path / "kho.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    history.ensure_repository(workspace)
    subprocess.run(["git", "remote", "add", "origin", str(remote)], cwd=workspace, check=True)
    assert save_summary(client, "một")["lich_su"]["gui"]["ok"]
    remote.rename(tmp_path / "mat.git")
    answer = save_summary(client, "hai")
    warning = answer["lich_su"]["canh_bao"]
    assert warning.startswith("Chưa gửi được lên kho chung “origin”") and "sẽ được gửi lại" in warning
    listed = client.get("/api/history", params={"path": CV}, headers=HEADERS).json()
    assert listed["kho_chung"] == {"ten": "origin", "cho_gui": 1}
    (tmp_path / "mat.git").rename(remote)
    assert save_summary(client, "ba")["lich_su"]["gui"] == {"ok": True, "thong_bao": "đã gửi lên kho chung “origin”", "cho_gui": 0}
    assert git_out(remote, "log", "--format=%s", "main").split("\n")[:2] == [f"Lưu {CV}", f"Lưu {CV}"]
    assert git_out(remote, "rev-parse", "main") == git_out(workspace, "rev-parse", "HEAD")


def test_a_save_while_another_process_holds_the_history_too_long_is_refused_and_writes_nothing(
    client: TestClient, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import socket
    import time

    history.ensure_repository(workspace)
    before = (workspace / CV).read_bytes()
    monkeypatch.setattr(history, "LOCK_WAIT_SECONDS", 0.3)
    holder = {"pid": os.getpid(), "host": socket.gethostname(), "time": time.time()}  # a live holder: never stale
    (workspace / history.LOCK_NAME).write_text(json.dumps(holder), encoding="utf-8")
    opened = client.get("/api/notice", params={"path": CV}, headers=HEADERS).json()
    answer = post(
        client, "/api/save", {"path": CV, "base": opened["text"], "version": opened["version"], "data": {**opened["data"], "so": "9"}}
    )
    assert answer.status_code == 503 and answer.json()["loi"].startswith("chưa lưu: lịch sử của thư mục làm việc đang bận")
    assert (workspace / CV).read_bytes() == before


def test_without_git_on_the_machine_a_save_is_written_and_the_page_says_it_is_not_in_the_history(
    client: TestClient, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(workspace))  # no git there
    answer = save_summary(client, "triển khai phần mềm dùng chung")
    assert answer["lich_su"]["phien_ban"] is None
    assert (
        answer["lich_su"]["canh_bao"]
        == "Đã lưu tệp nhưng chưa ghi được vào lịch sử: không tìm thấy chương trình git trên máy chủ; hãy cài git"
    )
    assert "trich_yeu: triển khai phần mềm dùng chung\n" in (workspace / CV).read_text(encoding="utf-8")


def test_restoring_an_earlier_version_of_an_approved_notice_is_recorded_as_an_edit_after_approval(
    client: TestClient, workspace: Path, who: As
) -> None:
    from tbkl_gen.service import review

    first = save_summary(client, "triển khai phần mềm dùng chung")
    save_summary(client, "triển khai phần mềm dùng chung của tỉnh Lâm Đồng")
    opened = client.get("/api/notice", params={"path": CV}, headers=HEADERS).json()
    submitted = post(client, "/api/review/submit", {"path": CV, "nguoi_duyet": [], "version": opened["version"]})
    assert submitted.status_code == 200, submitted.text
    who.person = LANH_DAO
    seen = client.get("/api/review", params={"path": CV}, headers=HEADERS).json()
    approved = post(client, "/api/review/approve", {"path": CV, "phien_ban": seen["phien_ban"]})
    assert approved.status_code == 200 and approved.json()["trang_thai"] == "da-duyet", approved.text

    who.person = AN
    restored = post(client, "/api/history/restore", {"path": CV, "commit": first["lich_su"]["phien_ban"]})
    assert restored.status_code == 200, restored.text
    shown = client.get("/api/review", params={"path": CV}, headers=HEADERS).json()
    assert shown["trang_thai"] == "cho-duyet" and shown["da_duyet"] == [] and shown["sua_sau_duyet"]  # the panel says so
    latest = shown["nhat_ky"][0]  # newest first
    assert latest["viec"] == review.STEP_LABELS["sua-sau-duyet"] and latest["ten"] == AN.name
    event = review.read(workspace, workspace / CV).events[-1]
    assert (event.step, event.by.login, event.commit) == ("sua-sau-duyet", AN.login, restored.json()["lich_su"]["phien_ban"])
    waiting = client.get("/api/review/list", headers=HEADERS).json()
    assert waiting["trang_thai"][CV]["ma"] == "cho-duyet"
