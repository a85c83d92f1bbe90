"""The review through the page's routes in the office's accounts mode (Starlette's TestClient): real sessions
and CSRF tokens, three people, each step by the right role and refused to the wrong one."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette")

from starlette.testclient import TestClient  # noqa: E402

from tbkl_gen.commands.scaffold import init_workspace  # noqa: E402
from tbkl_gen.page import auth  # noqa: E402
from tbkl_gen.page.server import create_service_app  # noqa: E402
from tbkl_gen.service import history  # noqa: E402
from tbkl_gen.service.accounts import Accounts, workspaces  # noqa: E402
from tbkl_gen.service.people import Person  # noqa: E402
from test_review import CHIEF, CLERK, DEPUTY, DRAFTER, REL  # noqa: E402

PASSWORD = "mat-khau-dai-du"
PEOPLE = (DRAFTER, CHIEF, DEPUTY, CLERK)  # test_review.py's drafter, reviewers and clerk
WORKSPACE = "van-phong"
NOTICE = """\
phien_ban: 1
so:
ngay: 2026
ngay_hop: 2026-03-12
trich_yeu: Kết luận của đồng chí Chủ tịch tại cuộc họp về chuyển đổi số
noi_dung:
  - Ngày 12/3/2026, đồng chí Chủ tịch chủ trì cuộc họp.
  - khoan: Sở Khoa học và Công nghệ chủ trì, phối hợp các sở.
  - khoan: Sở Tài chính bố trí kinh phí thực hiện trong năm 2026.
noi_nhan_them:
  - Như thành phần dự họp
"""


@pytest.fixture(scope="module")
def accounts_file(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The office's accounts, made once (each password costs scrypt's work)."""
    root = tmp_path_factory.mktemp("accounts")
    init_workspace(root / WORKSPACE)
    accounts = Accounts(root)
    for person in PEOPLE:
        [role] = person.roles
        accounts.add(person.login, password=PASSWORD, role=role, workspace=WORKSPACE, name=person.name, email=person.email)
    return accounts.path.read_bytes()


@pytest.fixture
def root(tmp_path: Path, accounts_file: bytes) -> Path:
    """A service root with one workspace and its accounts; the notice committed by its drafter."""
    from tbkl_gen.files import write_file

    service_root = tmp_path / "tinh"
    folder = service_root / WORKSPACE
    init_workspace(folder)
    (folder / "notices" / "2026").mkdir(parents=True)
    (folder / REL).write_text(NOTICE, encoding="utf-8")
    history.commit(folder, [folder / REL], DRAFTER, "Soạn thông báo")
    accounts = Accounts(service_root)
    accounts._make_folder()
    write_file(accounts.path, accounts_file, private=True)
    return folder


@pytest.fixture
def service(root: Path) -> auth.Service:
    return auth.Service(accounts=Accounts(root.parent), workspaces=workspaces(root.parent), hosts={"testserver"})


@pytest.fixture
def client(service: auth.Service) -> Iterator[TestClient]:
    with TestClient(create_service_app(service), base_url="http://testserver") as test_client:
        test_client.sessions = {person.login: service.sessions.create(person.login) for person in PEOPLE}  # type: ignore[attr-defined]
        yield test_client


def call(client: TestClient, person: Person, route: str, body: dict | None = None, **params: str):  # noqa: ANN201
    """Make a request of the workspace's page as person: their session's cookie, and its CSRF token on a change."""
    session = client.sessions[person.login]  # type: ignore[attr-defined]
    client.cookies.set(auth.COOKIE, session.id)
    url = f"/w/{WORKSPACE}{route}"
    if body is None:
        return client.get(url, params=params)
    return client.post(url, content=json.dumps(body), headers={"X-Tbkl-Token": session.csrf, "Content-Type": "application/json"})


def ok(response) -> dict:  # noqa: ANN001
    assert response.status_code == 200, response.text
    return response.json()


def record(root: Path) -> dict:
    return json.loads((root / ".duyet" / (REL + ".json")).read_text(encoding="utf-8"))


def save(client: TestClient, person: Person, data_change) -> dict:  # noqa: ANN001
    opened = ok(call(client, person, "/api/notice", path=REL))
    data = opened["data"]
    data_change(data)
    return ok(call(client, person, "/api/save", {"path": REL, "base": opened["text"], "version": opened["version"], "data": data}))


def test_draft_comment_change_approve_through_the_page(client: TestClient, root: Path) -> None:
    opened = ok(call(client, DRAFTER, "/api/notice", path=REL))
    shown = ok(call(client, DRAFTER, "/api/review", path=REL))
    assert shown["nhan"] == "đang soạn" and shown["co_the"]["trinh"] and not shown["co_the"]["duyet"]
    assert [p["ten"] for p in shown["nguoi_co_the_duyet"]] == ["Trần Văn Hùng", "Lê Thị Mai"]
    # the drafter submits to the chief
    shown = ok(call(client, DRAFTER, "/api/review/submit", {"path": REL, "nguoi_duyet": ["hung"], "version": opened["version"]}))
    assert shown["nhan"] == "chờ duyệt" and [p["ten"] for p in shown["nguoi_duyet"]] == ["Trần Văn Hùng"]
    # "chờ tôi duyệt": the chief's, not the deputy's; every notice's state in the list
    listing = ok(call(client, CHIEF, "/api/review/list"))
    assert [w["path"] for w in listing["cho_toi_duyet"]] == [REL]
    assert listing["cho_toi_duyet"][0]["nguoi_trinh"] == "Nguyễn Thị Lan"
    assert listing["trang_thai"][REL]["nhan"] == "chờ duyệt"
    assert ok(call(client, DEPUTY, "/api/review/list"))["cho_toi_duyet"] == []
    # the chief comments on the third block and asks for changes
    seen = ok(call(client, CHIEF, "/api/review", path=REL))
    assert seen["co_the"]["duyet"] and seen["co_the"]["gop_y"]
    ok(call(client, CHIEF, "/api/review/comment", {"path": REL, "khoi": "noi_dung[3].khoan", "noi_dung": "Ghi rõ nguồn kinh phí"}))
    shown = ok(
        call(client, CHIEF, "/api/review/changes", {"path": REL, "ghi_chu": "Bổ sung nguồn kinh phí", "phien_ban": seen["phien_ban"]})
    )
    assert shown["nhan"] == "cần sửa"
    # the drafter sees the comment beside its block, adds a paragraph at the top: the comment moves with its block
    mine = ok(call(client, DRAFTER, "/api/review", path=REL))
    [comment] = mine["gop_y"]
    assert comment["khoi"] == "noi_dung[3]" and comment["ten"] == "Trần Văn Hùng" and comment["noi_dung"] == "Ghi rõ nguồn kinh phí"
    assert mine["nhat_ky"][0]["viec"] == "yêu cầu sửa" and mine["nhat_ky"][0]["ghi_chu"] == "Bổ sung nguồn kinh phí"
    save(client, DRAFTER, lambda data: data["noi_dung"].insert(0, "Căn cứ Chương trình công tác năm 2026."))
    assert ok(call(client, DRAFTER, "/api/review", path=REL))["gop_y"][0]["khoi"] == "noi_dung[4]"
    # ... and against unsaved data in the page too
    moved = ok(
        call(
            client,
            DRAFTER,
            "/api/review/placed",
            {"path": REL, "data": {"noi_dung": ["Mới.", "Sở Tài chính bố trí kinh phí thực hiện trong năm 2026."]}},
        )
    )
    assert moved["gop_y"][0]["khoi"] == "noi_dung[2]"
    save(client, DRAFTER, lambda data: data["noi_dung"][3].update(khoan="Sở Tài chính bố trí kinh phí từ ngân sách tỉnh trong năm 2026."))
    ok(call(client, DRAFTER, "/api/review/resolve", {"path": REL, "ma": comment["ma"]}))
    opened = ok(call(client, DRAFTER, "/api/notice", path=REL))
    ok(call(client, DRAFTER, "/api/review/submit", {"path": REL, "nguoi_duyet": ["hung"], "version": opened["version"]}))
    # the chief approves the version read; the record says who and which commit, the saved source's
    seen = ok(call(client, CHIEF, "/api/review", path=REL))
    shown = ok(call(client, CHIEF, "/api/review/approve", {"path": REL, "phien_ban": seen["phien_ban"]}))
    assert shown["nhan"] == "đã duyệt" and shown["ban_duyet"]["ten"] == "Trần Văn Hùng"
    assert re.fullmatch(r"\d\d:\d\d \d\d/\d\d/\d{4}", shown["ban_duyet"]["ban_luu"])  # when the approved version was saved
    approved = record(root)["ban_da_duyet"]
    last = subprocess.run(["git", "rev-list", "-1", "HEAD", "--", REL], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
    assert approved["commit"] == last == seen["phien_ban"]
    committed = subprocess.run(["git", "show", f"{last}:{REL}"], cwd=root, capture_output=True, check=True).stdout
    assert committed == (root / REL).read_bytes()
    assert "ngân sách tỉnh" in committed.decode()
    assert ok(call(client, CHIEF, "/api/review/list"))["cho_toi_duyet"] == []
    # an edit saved through the page after the approval sends it back to review
    save(client, DRAFTER, lambda data: data["noi_dung"].append("Văn phòng thông báo để các cơ quan biết, thực hiện."))
    shown = ok(call(client, DRAFTER, "/api/review", path=REL))
    assert shown["nhan"] == "chờ duyệt" and shown["ban_duyet"] is None
    assert record(root)["trang_thai"] == "cho-duyet"
    assert [w["path"] for w in ok(call(client, CHIEF, "/api/review/list"))["cho_toi_duyet"]] == [REL]


def _submitted(client: TestClient) -> None:
    opened = ok(call(client, DRAFTER, "/api/notice", path=REL))
    ok(call(client, DRAFTER, "/api/review/submit", {"path": REL, "version": opened["version"]}))


@pytest.mark.parametrize(
    ("person", "route", "body"),
    [
        (CHIEF, "/api/review/submit", {"path": REL}),
        (CLERK, "/api/review/submit", {"path": REL}),
        (DRAFTER, "/api/review/approve", {"path": REL}),
        (CLERK, "/api/review/approve", {"path": REL}),
        (DRAFTER, "/api/review/changes", {"path": REL}),
        (CLERK, "/api/review/changes", {"path": REL}),
        (DRAFTER, "/api/review/comment", {"path": REL, "khoi": "noi_dung[1]", "noi_dung": "Sửa"}),
        (CLERK, "/api/review/comment", {"path": REL, "khoi": "noi_dung[1]", "noi_dung": "Sửa"}),
        (CLERK, "/api/review/resolve", {"path": REL, "ma": "0"}),
    ],
)
def test_each_step_is_refused_on_the_server_to_a_role_without_it(
    client: TestClient, root: Path, person: Person, route: str, body: dict
) -> None:
    if not route.endswith("submit"):
        _submitted(client)
    before = (root / ".duyet" / (REL + ".json")).read_bytes() if not route.endswith("submit") else None
    response = call(client, person, route, body)
    assert response.status_code == 403
    assert "không có quyền" in response.json()["loi"]
    if before is not None:
        assert (root / ".duyet" / (REL + ".json")).read_bytes() == before
    else:
        assert not (root / ".duyet").exists()


def test_the_answers_speak_the_drafters_words(client: TestClient) -> None:
    _submitted(client)
    ok(call(client, CHIEF, "/api/review/comment", {"path": REL, "khoi": "noi_dung[2]", "noi_dung": "Thêm thời hạn"}))
    shown = ok(call(client, DRAFTER, "/api/review", path=REL))
    for moment in [shown["gop_y"][0]["luc"], *(e["luc"] for e in shown["nhat_ky"])]:
        assert len(moment) == len("07:45 07/12/2026") and moment[2] == ":" and moment[5] == " " and moment[8] == "/" and moment[11] == "/"
    assert {e["viec"] for e in shown["nhat_ky"]} == {"trình duyệt"}
    refused = call(client, CHIEF, "/api/review/comment", {"path": REL, "khoi": "noi_dung[7]", "noi_dung": "Sửa"})
    assert refused.status_code == 400
    assert refused.json()["loi"] == f"{REL}: không tìm thấy khối được góp ý trong bản đã lưu (có thể vừa bị xóa); hãy tải lại văn bản"


def test_a_path_outside_the_notices_is_refused(client: TestClient) -> None:
    for path in ("../ngoai.yaml", ".duyet/notices/2026/chuyen-doi-so.yaml.json", "tbkl.yaml"):
        assert call(client, CHIEF, "/api/review", path=path).status_code in (400, 403)


def test_without_a_session_every_review_route_is_refused(client: TestClient) -> None:
    client.cookies.clear()
    for route in ("/api/review", "/api/review/list"):
        assert client.get(f"/w/{WORKSPACE}{route}", params={"path": REL}).status_code == 401
    for route in ("placed", "submit", "comment", "resolve", "approve", "changes"):
        response = client.post(
            f"/w/{WORKSPACE}/api/review/{route}", content=json.dumps({"path": REL}), headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 401
