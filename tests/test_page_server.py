"""The drafting page's server, through Starlette's TestClient: safe by default, and the same checks as `tbkl check`."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("ruamel.yaml")

import docx  # noqa: E402
import yaml  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from conftest import ROOT, SIGNER, render_cli  # noqa: E402
from tbkl_gen.commands.scaffold import init_workspace  # noqa: E402
from tbkl_gen.page import engine  # noqa: E402
from tbkl_gen.page.server import TOKEN_REFUSED, cookie_name, create_app  # noqa: E402
from tbkl_gen.page.words import drafters_words  # noqa: E402

TOKEN = "t0ken-for-tests"
HEADERS = {"X-Tbkl-Token": TOKEN}

NOTICE = """\
# yaml-language-server: $schema=../../notice.schema.json
# Bản dự thảo: chú thích này phải còn sau khi lưu.
phien_ban: 1
so:  # để trống cho đến khi văn thư cấp số
ngay: 2026
ngay_hop: 2026-03-12
trich_yeu: Kết luận của đồng chí Chủ tịch tại cuộc họp về chuyển đổi số
noi_dung:
  - Ngày 12/3/2026, đồng chí Chủ tịch chủ trì cuộc họp.  # mở đầu
  - khoan: Sở Khoa học và Công nghệ chủ trì.
  - Văn phòng thông báo để các cơ quan biết, thực hiện.
noi_nhan_them:
  - Như thành phần dự họp
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "van-phong"
    init_workspace(root, signer=SIGNER)
    folder = root / "notices" / "2026"
    folder.mkdir(parents=True)
    (folder / "chuyen-doi-so.yaml").write_text(NOTICE, encoding="utf-8")
    return root


@pytest.fixture
def client(workspace: Path) -> TestClient:
    app = create_app(workspace, TOKEN, hosts={"testserver", "localhost"})
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


def opened(client: TestClient, path: str = "notices/2026/chuyen-doi-so.yaml") -> dict:
    response = client.get("/api/notice", params={"path": path}, headers=HEADERS)
    assert response.status_code == 200, response.text
    return response.json()


def post(client: TestClient, route: str, body: dict, headers: dict | None = None):  # noqa: ANN201
    return client.post(route, content=json.dumps(body), headers={**HEADERS, "Content-Type": "application/json", **(headers or {})})


def started(server) -> None:  # noqa: ANN001
    """Wait for a uvicorn server running in a thread to have started; fail, not hang, when it does not within 30 s."""
    import time

    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start within 30 s"
        time.sleep(0.05)


# --- the token ---------------------------------------------------------------------------------


def test_a_request_without_the_token_is_refused(client: TestClient) -> None:
    for route in ("/", "/api/workspace", "/static/app.js", "/api/notice?path=notices/2026/chuyen-doi-so.yaml"):
        response = client.get(route)
        assert response.status_code == 403, route
        assert response.json() == {"loi": TOKEN_REFUSED}


def test_a_wrong_token_is_refused(client: TestClient) -> None:
    assert client.get("/api/workspace", headers={"X-Tbkl-Token": "guess"}).status_code == 403
    assert client.get("/", params={"token": "guess"}).status_code == 403


def test_the_url_token_becomes_a_strict_cookie_and_leaves_the_address_bar(client: TestClient) -> None:
    response = client.get("/", params={"token": TOKEN}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{cookie_name(TOKEN)}={TOKEN};")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    page = client.get("/")  # the cookie is kept by the client, as a browser keeps it
    assert page.status_code == 200
    assert f'<meta name="tbkl-token" content="{TOKEN}">' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_a_change_needs_the_token_header_not_only_the_cookie(client: TestClient) -> None:
    client.get("/", params={"token": TOKEN})
    response = client.post("/api/new", content=json.dumps({"trich_yeu": "Kết luận"}), headers={"Content-Type": "application/json"})
    assert response.status_code == 403


def test_a_foreign_origin_is_refused_even_with_the_token(client: TestClient) -> None:
    response = post(client, "/api/new", {"trich_yeu": "Kết luận"}, headers={**HEADERS, "Origin": "http://evil.example"})
    assert response.status_code == 403
    assert response.json() == {"loi": "yêu cầu từ trang web khác bị từ chối"}


def test_a_foreign_host_name_is_refused_against_dns_rebinding(client: TestClient) -> None:
    response = client.get("/api/workspace", headers={**HEADERS, "Host": "evil.example:8765"})
    assert response.status_code == 403
    assert "tên máy “evil.example:8765” không được phép" in response.json()["loi"]


def test_an_ip_address_host_and_a_same_origin_request_are_served(client: TestClient) -> None:
    response = client.get("/api/workspace", headers={**HEADERS, "Host": "127.0.0.1:8765", "Origin": "http://127.0.0.1:8765"})
    assert response.status_code == 200


# --- confinement ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("../tbkl.yaml", 403),
        ("notices/../../secret.yaml", 403),
        ("/etc/passwd.yaml", 403),
        ("tbkl.yaml", 403),
        ("notices/2026/chuyen-doi-so.txt", 400),
        ("notices\\..\\..\\x.yaml", 400),
        ("C:/Windows/x.yaml", 403),
    ],
)
def test_no_path_outside_the_notices_folder_is_read_or_written(client: TestClient, workspace: Path, path: str, status: int) -> None:
    (workspace.parent / "secret.yaml").write_text("bi_mat: 1\n", encoding="utf-8")
    assert client.get("/api/notice", params={"path": path}, headers=HEADERS).status_code == status
    response = post(client, "/api/save", {"path": path, "base": "", "version": "", "data": {"x": 1}})
    assert response.status_code == status
    assert (workspace.parent / "secret.yaml").read_text(encoding="utf-8") == "bi_mat: 1\n"


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")
def test_a_link_in_the_notices_folder_that_leads_out_is_refused(client: TestClient, workspace: Path) -> None:
    outside = workspace.parent / "ngoai.yaml"
    outside.write_text("trich_yeu: ngoài\n", encoding="utf-8")
    (workspace / "notices" / "link.yaml").symlink_to(outside)
    response = client.get("/api/notice", params={"path": "notices/link.yaml"}, headers=HEADERS)
    assert response.status_code == 403
    assert response.json() == {"loi": "“notices/link.yaml” nằm ngoài thư mục notices/ của thư mục làm việc"}


# --- upload -------------------------------------------------------------------------------------


def test_an_upload_over_the_limit_is_refused_before_it_is_read(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "MAX_UPLOAD_BYTES", 1024 * 1024)
    response = client.post("/api/import", content=b"x" * (1024 * 1024 + 1), headers={**HEADERS, "X-File-Name": "to.docx"})
    assert response.status_code == 413
    assert response.json() == {"loi": "tệp quá lớn; tối đa 1 MB"}


def test_an_upload_that_is_not_a_word_file_is_refused(client: TestClient) -> None:
    response = client.post("/api/import", content=b"hello", headers={**HEADERS, "X-File-Name": "ghi-chu.txt"})
    assert response.status_code == 400
    assert response.json() == {"loi": "“ghi-chu.txt” không phải tệp Word .docx"}


def test_an_upload_that_is_no_word_notice_is_refused_by_the_importer(client: TestClient, workspace: Path) -> None:
    before = sorted(workspace.rglob("*"))
    response = client.post("/api/import", content=b"PK\x03\x04", headers={**HEADERS, "X-File-Name": "k%E1%BA%BFt-lu%E1%BA%ADn.docx"})
    assert response.status_code == 422
    assert response.json() == {
        "path": None,
        "thong_bao": "kết-luận.docx: không nhập được: gói zip bị cắt cụt hoặc hỏng (không có mục lục ở cuối gói)",
    }
    assert sorted(workspace.rglob("*")) == before


def test_an_uploaded_word_notice_becomes_a_source_in_the_workspace(client: TestClient, workspace: Path, tmp_path: Path) -> None:
    example = ROOT / "notices" / "2021" / "tbkl-thong-tin-doi-ngoai.yaml"
    assert render_cli(["render", str(example), "-o", str(tmp_path / "out"), "--quiet"]).exit_code == 0
    word = (tmp_path / "out" / "tbkl-thong-tin-doi-ngoai.docx").read_bytes()
    response = client.post("/api/import", content=word, headers={**HEADERS, "X-File-Name": "th%C3%B4ng-b%C3%A1o.docx"})
    assert response.status_code == 200, response.text
    path = response.json()["path"]
    assert path.startswith("notices/") and path.endswith("/thong-bao.yaml")
    assert response.json()["thong_bao"].startswith(f"thông-báo.docx → {path} (")
    notice = opened(client, path)
    assert notice["data"]["trich_yeu"].startswith("Kết luận của đồng chí Hồ Quang Bửu")
    again = client.post("/api/import", content=word, headers={**HEADERS, "X-File-Name": "th%C3%B4ng-b%C3%A1o.docx"})
    assert again.json()["path"].endswith("/thong-bao-2.yaml")  # never over an existing notice


# --- the workspace, opening, checking -----------------------------------------------------------


def test_the_workspace_lists_notices_defaults_recipients_and_signers(client: TestClient) -> None:
    info = client.get("/api/workspace", headers=HEADERS).json()
    assert info["thong_bao"] == [
        {
            "path": "notices/2026/chuyen-doi-so.yaml",
            "nam": 2026,
            "so": None,
            "ngay": 2026,
            "trich_yeu": "Kết luận của đồng chí Chủ tịch tại cuộc họp về chuyển đổi số",
            "doc_duoc": True,
            "loai": "thong_bao",
            "co_cuoc_hop": False,  # whether it writes a meeting another document may share
            "cuoc_hop_tu": None,  # the file it takes its meeting from
        }
    ]
    assert info["mac_dinh"]["dia_danh"] == "Lâm Đồng"
    assert info["noi_nhan"][0] == "Chủ tịch, các PCT UBND tỉnh"
    assert "Như thành phần dự họp" in info["noi_nhan"]
    assert info["nguoi_ky"] == [{"quyen_han": ["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG"], "chuc_vu": "PHÓ CHÁNH VĂN PHÒNG", "ho_ten": SIGNER}]


def test_opening_a_notice_gives_its_text_data_and_version(client: TestClient) -> None:
    notice = opened(client)
    assert notice["text"] == NOTICE
    assert notice["data"]["ngay_hop"] == "12/03/2026"  # shown as Vietnamese write it; the file keeps its form
    assert notice["data"]["noi_dung"][1] == {"khoan": "Sở Khoa học và Công nghệ chủ trì."}
    assert len(notice["version"]) == 64


def test_the_check_reports_what_tbkl_check_reports_with_the_same_words(client: TestClient, workspace: Path) -> None:
    notice = opened(client)
    data = notice["data"]
    data["nguoi_ky"] = {"ho_ten": ""}
    data["ngay"] = "2026-02-30"
    result = post(client, "/api/check", {"path": notice["path"], "base": notice["text"], "data": data}).json()
    target = workspace / notice["path"]
    target.write_text(result["text"], encoding="utf-8")
    cli = render_cli(["check", str(target), "--format", "json"], cwd=workspace)
    # The same problems, in the drafter's words (no key or file names on the page).
    expected = [
        (p["field"], drafters_words(p["message"]), drafters_words(p["hint"]), p["severity"]) for p in json.loads(cli.output)["van_de"]
    ]
    assert [(p["field"], p["message"], p["hint"], p["severity"]) for p in result["problems"]] == expected
    assert result["errors"] == sum(p[3] == "loi" for p in expected) > 0
    assert ("ngay", "ngày không tồn tại: 30/02/2026") in [(p[0], p[1]) for p in expected]


def test_the_check_gives_the_preview_and_the_computed_labels(client: TestClient) -> None:
    notice = opened(client)
    data = notice["data"]
    data["noi_dung"].insert(2, {"muc": "Nhiệm vụ", "noi_dung": [{"khoan": "Một", "noi_dung": [{"diem": "điểm"}]}, {"khoan": "Hai <&>"}]})
    result = post(client, "/api/check", {"path": notice["path"], "base": notice["text"], "data": data}).json()
    assert result["labels"] == ["", "1. ", "I. ", "1. ", "a) ", "2. ", ""]
    assert result["errors"] == 0
    assert '<p class="p-muc" data-block="2"><b>I. </b><b>NHIỆM VỤ</b></p>' in result["preview"]
    assert "2. Hai &lt;&amp;&gt;" in result["preview"]
    assert "Số:&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;/TB-UBND" in result["preview"]
    assert "thực hiện./.</p>" in result["preview"]


def test_a_second_notice_with_a_used_number_is_told_as_tbkl_check_tells_it(client: TestClient, workspace: Path) -> None:
    numbered = NOTICE.replace("so:  # để trống cho đến khi văn thư cấp số", 'so: "07"').replace("ngay: 2026", "ngay: 2026-03-14")
    (workspace / "notices" / "2026" / "a-truoc.yaml").write_text(numbered, encoding="utf-8")
    notice = opened(client)
    data = {**notice["data"], "so": "7", "ngay": "2026-03-15"}
    result = post(client, "/api/check", {"path": notice["path"], "base": notice["text"], "data": data}).json()
    messages = [p["message"] for p in result["problems"]]
    assert any(m.startswith("số 07/TB-UBND năm 2026 đã dùng ở ") and "thông báo “a-truoc”" in m for m in messages), messages


# --- saving -------------------------------------------------------------------------------------


def test_saving_changes_only_what_the_drafter_changed_and_keeps_the_comments(client: TestClient, workspace: Path) -> None:
    notice = opened(client)
    data = notice["data"]
    data["noi_dung"][1]["khoan"] = "Sở Khoa học và Công nghệ chủ trì, phối hợp."
    response = post(client, "/api/save", {"path": notice["path"], "base": notice["text"], "version": notice["version"], "data": data})
    assert response.status_code == 200, response.text
    saved = (workspace / notice["path"]).read_text(encoding="utf-8")
    assert saved == NOTICE.replace("chủ trì.\n", "chủ trì, phối hợp.\n")
    assert response.json()["version"] != notice["version"]


def test_a_saved_notice_passes_tbkl_check_and_renders(client: TestClient, workspace: Path) -> None:
    notice = opened(client)
    data = notice["data"]
    data["do_khan"] = "KHẨN"
    data["noi_dung"].insert(
        2, {"muc": "Nhiệm vụ", "noi_dung": [{"khoan": "Sở Tài chính", "tieu_de": True, "noi_dung": [{"diem": "bố trí kinh phí"}]}]}
    )
    assert (
        post(client, "/api/save", {"path": notice["path"], "base": notice["text"], "version": notice["version"], "data": data}).status_code
        == 200
    )
    saved = (workspace / notice["path"]).read_text(encoding="utf-8")
    assert "do_khan: KHẨN\ntrich_yeu:" in saved  # a new key goes where the README puts it
    check = render_cli(["check"], cwd=workspace)
    assert check.exit_code == 0, check.output
    rendered = render_cli(["render"], cwd=workspace)
    assert rendered.exit_code == 0, rendered.output
    text = "\n".join(p.text for p in docx.Document(str(workspace / "out" / "2026" / "chuyen-doi-so.docx")).paragraphs)
    assert "I. NHIỆM VỤ" in text and "a) bố trí kinh phí" in text


def test_a_file_changed_on_disk_since_it_was_opened_is_never_overwritten(client: TestClient, workspace: Path) -> None:
    notice = opened(client)
    target = workspace / notice["path"]
    by_hand = NOTICE.replace("# mở đầu", "# sửa trong VS Code")
    target.write_text(by_hand, encoding="utf-8")
    data = {**notice["data"], "trich_yeu": "Kết luận khác"}
    response = post(client, "/api/save", {"path": notice["path"], "base": notice["text"], "version": notice["version"], "data": data})
    assert response.status_code == 409
    answer = response.json()
    assert answer["loi"] == (
        "tệp notices/2026/chuyen-doi-so.yaml đã được sửa ở nơi khác sau khi mở (trong một trình soạn thảo hoặc một thẻ khác);"
        " chưa lưu để không ghi đè. Hãy tải lại tệp"
    )
    assert answer["xung_dot"] is True
    assert target.read_text(encoding="utf-8") == by_hand


# --- drafts and conflicts ----------------------------------------------------------------------


def test_a_conflict_shows_the_word_diff_and_keep_mine_overwrites_the_version_shown(client: TestClient, workspace: Path) -> None:
    notice = opened(client)
    target = workspace / notice["path"]
    theirs = notice["text"].replace(notice["data"]["trich_yeu"], "Kết luận của đồng nghiệp")
    target.write_text(theirs, encoding="utf-8")
    mine = {**notice["data"], "trich_yeu": "Kết luận của tôi"}
    response = post(client, "/api/save", {"path": notice["path"], "base": notice["text"], "version": notice["version"], "data": mine})
    assert response.status_code == 409
    answer = response.json()
    # compared value by value under the field's label: no line of the file, no key, no quotes of YAML
    assert answer["khac_biet"] == [{"truong": "Trích yếu", "dong": [[["=", "Kết luận của"], ["-", "đồng nghiệp"], ["+", "tôi"]]]}], answer[
        "khac_biet"
    ]
    assert target.read_text(encoding="utf-8") == theirs
    # keep mine: the disk's version as shown, then the save goes through
    body = {"path": notice["path"], "base": notice["text"], "version": answer["phien_ban_dia"], "data": mine}
    assert post(client, "/api/save", body).status_code == 200
    assert yaml.safe_load(target.read_text(encoding="utf-8"))["trich_yeu"] == "Kết luận của tôi"


def test_save_mine_as_a_copy_writes_a_new_file_and_leaves_theirs(client: TestClient, workspace: Path) -> None:
    notice = opened(client)
    target = workspace / notice["path"]
    theirs = notice["text"].replace(notice["data"]["trich_yeu"], "Kết luận của đồng nghiệp")
    target.write_text(theirs, encoding="utf-8")
    mine = {**notice["data"], "trich_yeu": "Kết luận của tôi"}
    response = post(client, "/api/save-copy", {"path": notice["path"], "base": notice["text"], "data": mine})
    assert response.status_code == 200, response.text
    assert response.json()["path"] == "notices/2026/chuyen-doi-so-ban-sao.yaml"
    assert (
        yaml.safe_load((workspace / "notices/2026/chuyen-doi-so-ban-sao.yaml").read_text(encoding="utf-8"))["trich_yeu"]
        == "Kết luận của tôi"
    )
    assert target.read_text(encoding="utf-8") == theirs
    again = post(client, "/api/save-copy", {"path": notice["path"], "base": notice["text"], "data": mine})
    assert again.json()["path"] == "notices/2026/chuyen-doi-so-ban-sao-2.yaml"


def test_a_draft_is_kept_beside_the_source_offered_on_opening_and_removed_by_saving(client: TestClient, workspace: Path) -> None:
    notice = opened(client)
    assert notice["nhap"] is None
    target = workspace / notice["path"]
    before = target.read_bytes()
    mine = {**notice["data"], "trich_yeu": "Kết luận còn đang viết"}
    response = post(client, "/api/draft", {"path": notice["path"], "base": notice["text"], "version": notice["version"], "data": mine})
    assert response.status_code == 200, response.text
    assert re.fullmatch(r"\d\d:\d\d \d\d/\d\d/\d{4}", response.json()["luc"])
    draft = target.parent / ".chuyen-doi-so.yaml.nhap"
    assert draft.is_file()
    assert target.read_bytes() == before  # the source itself is never touched by a draft
    # hidden: check and render see one notice; git is told to ignore it
    assert "*.nhap" in (workspace / ".gitignore").read_text(encoding="utf-8").splitlines()
    reopened = opened(client)
    assert reopened["nhap"]["data"]["trich_yeu"] == "Kết luận còn đang viết"
    assert reopened["nhap"]["version"] == notice["version"]
    saved = post(client, "/api/save", {"path": notice["path"], "base": notice["text"], "version": notice["version"], "data": mine})
    assert saved.status_code == 200
    assert not draft.exists()
    assert opened(client)["nhap"] is None


def test_the_preview_goes_on_through_an_empty_new_block_and_a_wrong_date(client: TestClient) -> None:
    notice = opened(client)
    blocks = notice["data"]["noi_dung"]
    good = post(client, "/api/check", {"path": notice["path"], "base": notice["text"], "data": notice["data"]}).json()
    data = {**notice["data"], "ngay": "ngày hai mốt", "noi_dung": [*blocks, {"khoan": ""}]}
    answer = post(client, "/api/check", {"path": notice["path"], "base": notice["text"], "data": data}).json()
    assert answer["errors"] == 2
    assert answer["preview"] is not None  # not frozen: drawn with the empty block as "…" and without the wrong date
    assert len(answer["xem_truoc_bo_qua"]) == 2
    assert len(answer["labels"]) == len(good["labels"]) + 1  # the new block keeps its place and its label
    assert "ngày hai mốt" not in answer["preview"]
    assert "ngày hai mốt" in answer["text"]  # only the preview sets it aside, never the source


def test_a_draft_can_be_dropped_and_a_broken_draft_is_ignored(client: TestClient, workspace: Path) -> None:
    notice = opened(client)
    draft = workspace / "notices/2026/.chuyen-doi-so.yaml.nhap"
    draft.write_text("{not json", encoding="utf-8")
    assert opened(client)["nhap"] is None
    mine = {**notice["data"], "trich_yeu": "Khác"}
    post(client, "/api/draft", {"path": notice["path"], "base": notice["text"], "version": notice["version"], "data": mine})
    assert post(client, "/api/draft/drop", {"path": notice["path"]}).status_code == 200
    assert not draft.exists()
    assert post(client, "/api/draft", {"path": "../x.yaml", "base": "", "version": "v", "data": {}}).status_code == 403


def test_a_new_notice_is_made_from_the_office_defaults_as_tbkl_new_makes_it(client: TestClient, workspace: Path) -> None:
    response = post(client, "/api/new", {"trich_yeu": "Kết luận họp giao ban"})
    path = response.json()["path"]
    assert path.startswith("notices/") and path.endswith("/ket-luan-hop-giao-ban.yaml")
    assert opened(client, path)["data"]["trich_yeu"] == "Kết luận họp giao ban"
    again = post(client, "/api/new", {"trich_yeu": "Kết luận họp giao ban"})
    assert again.status_code == 422
    assert again.json()["loi"].endswith("ket-luan-hop-giao-ban.yaml: đã có, không ghi đè")


def test_copy_as_new_drops_the_number_and_day(client: TestClient, workspace: Path) -> None:
    numbered = NOTICE.replace("so:  # để trống cho đến khi văn thư cấp số", 'so: "07"').replace("ngay: 2026", "ngay: 2026-03-14")
    (workspace / "notices" / "2026" / "chuyen-doi-so.yaml").write_text(numbered, encoding="utf-8")
    path = post(client, "/api/copy", {"path": "notices/2026/chuyen-doi-so.yaml"}).json()["path"]
    copy = opened(client, path)
    assert copy["data"]["so"] is None
    assert isinstance(copy["data"]["ngay"], int)
    assert "# mở đầu" in copy["text"]


@pytest.mark.skipif(os.name == "nt", reason="links need privileges on Windows")
@pytest.mark.parametrize(
    ("route", "body"), [("/api/copy", {"path": "notices/cu/chuyen-doi-so.yaml"}), ("/api/new", {"trich_yeu": "Họp mới"})]
)
def test_a_copy_or_a_new_notice_is_never_written_through_a_linked_year_folder(
    client: TestClient, workspace: Path, tmp_path: Path, route: str, body: dict[str, str]
) -> None:
    """A copy and a new notice go into notices/<this year>/: a link planted there is refused, nothing lands where it points."""
    import datetime as dt

    old = workspace / "notices" / "cu"
    (workspace / "notices" / "2026").rename(old)
    elsewhere = tmp_path / "ngoai"
    elsewhere.mkdir()
    (workspace / "notices" / str(dt.date.today().year)).symlink_to(elsewhere, target_is_directory=True)
    response = post(client, route, body)
    assert response.status_code == 500 and "là một liên kết" in response.json()["loi"], response.text
    assert list(elsewhere.iterdir()) == []


@pytest.mark.skipif(os.name == "nt", reason="links need privileges on Windows")
def test_an_upload_is_never_imported_through_a_linked_year_folder(client: TestClient, workspace: Path, tmp_path: Path) -> None:
    import datetime as dt

    example = ROOT / "notices" / "2021" / "tbkl-thong-tin-doi-ngoai.yaml"
    assert render_cli(["render", str(example), "-o", str(tmp_path / "out"), "--quiet"]).exit_code == 0
    word = (tmp_path / "out" / "tbkl-thong-tin-doi-ngoai.docx").read_bytes()
    (workspace / "notices" / "2026").rename(workspace / "notices" / "cu")
    elsewhere = tmp_path / "ngoai"
    elsewhere.mkdir()
    (workspace / "notices" / str(dt.date.today().year)).symlink_to(elsewhere, target_is_directory=True)
    response = client.post("/api/import", content=word, headers={**HEADERS, "X-File-Name": "thong-bao.docx"})
    assert response.status_code == 500 and "là một liên kết" in response.json()["loi"], response.text
    assert list(elsewhere.iterdir()) == []


# --- downloads ----------------------------------------------------------------------------------


def test_the_docx_download_is_the_rendered_notice(client: TestClient) -> None:
    notice = opened(client)
    response = post(client, "/api/docx", {"path": notice["path"], "base": notice["text"], "data": notice["data"]})
    assert response.status_code == 200
    assert response.headers["content-disposition"] == "attachment; filename*=UTF-8''chuyen-doi-so.docx"
    document = docx.Document(io.BytesIO(response.content))
    assert any(p.text == "1. Sở Khoa học và Công nghệ chủ trì." for p in document.paragraphs)


def test_a_notice_with_errors_is_not_downloaded(client: TestClient) -> None:
    notice = opened(client)
    data = {**notice["data"], "ngay": "2026-02-30"}
    response = post(client, "/api/docx", {"path": notice["path"], "base": notice["text"], "data": data})
    assert response.status_code == 422
    assert response.json() == {"loi": "thông báo còn 1 lỗi; sửa lỗi rồi tải lại"}


def test_rendering_the_workspace_streams_progress_then_the_summary(client: TestClient, workspace: Path) -> None:
    response = client.post("/api/render-all", headers=HEADERS)
    events = [json.loads(line) for line in response.text.splitlines()]
    assert events[0] == {"xong": 0, "tong": 1}
    assert {"xong": 1, "tong": 1} in events
    assert events[-1]["ket_qua"] == "Đã tạo 1, không đổi 0, lỗi 0"
    assert (workspace / "out" / "2026" / "chuyen-doi-so.docx").is_file()


def test_bad_json_is_refused_with_a_message(client: TestClient) -> None:
    response = client.post("/api/check", content=b"{nope", headers={**HEADERS, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"loi": "dữ liệu gửi lên không hợp lệ"}
    deep: dict = {}
    inner = deep
    for _ in range(60):
        inner["noi_dung"] = [{}]
        inner = inner["noi_dung"][0]
    response = post(client, "/api/check", {"path": "notices/2026/chuyen-doi-so.yaml", "base": NOTICE, "data": deep})
    assert response.status_code == 400


# --- the command ----------------------------------------------------------------------------------


def test_serve_outside_a_workspace_says_how_to_make_one(tmp_path: Path) -> None:
    result = render_cli(["serve", str(tmp_path), "--no-browser"])
    assert result.exit_code == 2
    assert "không tìm thấy tbkl.yaml ở thư mục này hay thư mục cha; tạo bằng: tbkl init TÊN" in result.output


def test_serve_on_a_port_in_use_says_so_without_a_traceback(workspace: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = render_cli(["serve", str(workspace), "--port", str(port), "--no-browser"])
    assert result.exit_code == 1
    assert f"không mở được cổng 127.0.0.1:{port} (" in result.output
    assert "thử cổng khác bằng --port" in result.output
    assert "Traceback" not in result.output


def test_a_file_with_a_yaml_mistake_is_not_opened_and_the_reason_is_given(client: TestClient, workspace: Path) -> None:
    broken = workspace / "notices" / "2026" / "hong.yaml"
    broken.write_text("phien_ban: 1\ntrich_yeu: Kết luận: họp\n", encoding="utf-8")
    response = client.get("/api/notice", params={"path": "notices/2026/hong.yaml"}, headers=HEADERS)
    assert response.status_code == 422
    message = response.json()["loi"]
    assert message.startswith("chưa mở được notices/2026/hong.yaml trên trang vì tệp có lỗi: dòng 2: dấu “: ” không được dùng ở đây")
    assert message.endswith("Hãy sửa tệp trong trình soạn thảo rồi mở lại")


def test_a_file_that_is_a_list_is_never_turned_into_a_notice(client: TestClient, workspace: Path) -> None:
    listed = workspace / "notices" / "2026" / "danh-sach.yaml"
    listed.write_text("- một\n- hai\n", encoding="utf-8")
    response = client.get("/api/notice", params={"path": "notices/2026/danh-sach.yaml"}, headers=HEADERS)
    assert response.status_code == 422
    version = __import__("hashlib").sha256(listed.read_bytes()).hexdigest()
    saved = post(client, "/api/save", {"path": "notices/2026/danh-sach.yaml", "base": "", "version": version, "data": {"trich_yeu": "x"}})
    assert saved.status_code == 422
    assert listed.read_text(encoding="utf-8") == "- một\n- hai\n"


def test_saving_applies_the_edit_to_the_file_on_disk_not_to_the_text_the_request_sends(client: TestClient, workspace: Path) -> None:
    notice = opened(client)
    data = {**notice["data"], "trich_yeu": "Kết luận mới"}
    response = post(client, "/api/save", {"path": notice["path"], "base": "phien_ban: 1\n", "version": notice["version"], "data": data})
    assert response.status_code == 200
    saved = (workspace / notice["path"]).read_text(encoding="utf-8")
    assert saved.startswith("# yaml-language-server: $schema=../../notice.schema.json\n# Bản dự thảo")
    assert "trich_yeu: Kết luận mới\n" in saved


def test_the_machine_name_and_an_address_on_the_lan_are_accepted_with_the_token(workspace: Path) -> None:
    import socket

    app = create_app(workspace, TOKEN)  # the hosts `tbkl serve` allows by default
    for host in (socket.gethostname().lower(), "192.168.1.20", "[::1]", "localhost"):
        with TestClient(app, base_url=f"http://{host}:8765") as lan:
            assert lan.get("/api/workspace", headers=HEADERS).status_code == 200, host
            assert lan.get("/api/workspace").status_code == 403, host


def test_the_shared_parts_fields_come_from_the_declaration(client: TestClient) -> None:
    """The header's, recipients' and signer's fields: label, hint and control as declared, never typed again in the page."""
    from tbkl_gen.notice import fields as declaration
    from tbkl_gen.notice.model import NguoiKy, Notice

    shared = client.get("/api/workspace", headers=HEADERS).json()["chung"]
    ho_ten = declaration.field_named(NguoiKy, "ho_ten")
    assert ho_ten is not None and shared["nguoi_ky.ho_ten"] == {
        "path": "nguoi_ky.ho_ten",
        "label": "Họ tên người ký",
        "hint": ho_ten.spec.doc,
        "kind": "text",
    }
    kinh_gui = declaration.field_named(Notice, "kinh_gui")
    assert kinh_gui is not None and (shared["kinh_gui"]["label"], shared["kinh_gui"]["hint"]) == (
        "Nơi nhận ở dòng Kính gửi",
        kinh_gui.spec.doc,
    )
    kinds = {path: field["kind"] for path, field in shared.items()}
    assert (kinds["noi_nhan"], kinds["noi_nhan_them"], kinds["co_quan.ten"], kinds["nguoi_ky.quyen_han"]) == (
        "list",
        "list",
        "lines",
        "lines",
    )
    assert shared["do_khan"]["kind"] == "select" and shared["do_khan"]["options"] == [[v, v] for v in ("KHẨN", "THƯỢNG KHẨN", "HỎA TỐC")]
    assert "noi_dung" not in shared and "phu_luc" not in shared  # the body and the appendices have editors of their own


def test_the_page_makes_a_document_of_each_kind_and_shows_its_own_editor_part_and_its_page(client: TestClient, workspace: Path) -> None:
    forms = {form["loai"]: form for form in client.get("/api/workspace", headers=HEADERS).json()["loai"]}
    assert list(forms) == ["thong_bao", "cong_van", "giay_moi"]
    assert [field["path"] for field in forms["thong_bao"]["truong"]] == [
        "ngay_hop",
        "cuoc_hop.chu_tri",
        "cuoc_hop.thoi_gian",
        "cuoc_hop.dia_diem",
    ]
    assert forms["cong_van"]["truong"] == [] and "V/v" in forms["cong_van"]["trich_yeu"]
    invitation = {field["path"]: field for field in forms["giay_moi"]["truong"]}
    assert list(invitation)[:4] == ["mo_dau", "cuoc_hop.chu_tri", "cuoc_hop.thoi_gian", "cuoc_hop.dia_diem"]
    assert (invitation["thanh_phan"]["kind"], invitation["danh_so"]["kind"]) == ("lines", "bool")
    assert invitation["cuoc_hop.thoi_gian"]["label"] == "Thời gian họp"
    # the summary's box is labelled as each kind declares its summary
    assert [form["nhan_trich_yeu"] for form in forms.values()] == ["Trích yếu", "Trích yếu công văn", "Trích yếu giấy mời"]

    made = post(client, "/api/new", {"trich_yeu": "Nghe báo cáo chuyển đổi số", "loai": "giay_moi"})
    assert made.status_code == 200, made.text
    source = opened(client, made.json()["path"])
    assert source["data"]["loai"] == "giay_moi" and source["data"]["noi_dung_hop"] == "Nghe báo cáo chuyển đổi số"
    data = {
        **source["data"],
        "cuoc_hop": {"chu_tri": "Đồng chí Chủ tịch UBND tỉnh", "thoi_gian": "2026-05-04 08:00", "dia_diem": "Hội trường"},
    }
    checked = post(client, "/api/check", {"path": made.json()["path"], "base": source["text"], "data": data}).json()
    assert '<div class="kind">GIẤY MỜI</div>' in checked["preview"]
    assert "Thời gian:</b> 8 giờ 00, ngày 04 tháng 5 năm 2026" in checked["preview"]

    letter = post(client, "/api/new", {"trich_yeu": "tăng cường phòng, chống thiên tai", "loai": "cong_van"}).json()["path"]
    source = opened(client, letter)
    checked = post(client, "/api/check", {"path": letter, "base": source["text"], "data": source["data"]}).json()
    assert 'class="kind"' not in checked["preview"]
    assert '<div class="v-v">V/v tăng cường phòng, chống thiên tai</div>' in checked["preview"]
    refused = post(client, "/api/new", {"trich_yeu": "Thử", "loai": "to_trinh"})
    assert refused.status_code == 400 and "các loại: thong_bao, cong_van, giay_moi" in refused.json()["loi"]


# --- files that are not regular files (a FIFO, a device, a socket, a link) --------------------------


def answered(function, *args, timeout: float = 20.0, **kwargs):  # noqa: ANN001, ANN201
    """Return function(*args, **kwargs), failing (not hanging) when it takes longer than timeout."""
    import threading

    outcome: list = []
    worker = threading.Thread(target=lambda: outcome.append(function(*args, **kwargs)), daemon=True)
    worker.start()
    worker.join(timeout)
    assert outcome, f"no answer within {timeout} s: the page hangs"
    return outcome[0]


def odd_files(folder: Path) -> dict[str, str]:
    """Make a FIFO, a link, a socket and (as root) a device named like notices in folder; return name → kind."""
    import socket as sockets

    made = {}
    os.mkfifo(folder / "ong.yaml")
    made["ong.yaml"] = "ống dẫn"
    (folder / "lien-ket.yaml").symlink_to(folder / "chuyen-doi-so.yaml")  # inside notices/, but a link all the same
    made["lien-ket.yaml"] = "liên kết"
    with sockets.socket(sockets.AF_UNIX, sockets.SOCK_STREAM) as listening:
        listening.bind(str(folder / "o-cam.yaml"))  # the socket's file stays when it is closed
    made["o-cam.yaml"] = "socket"
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        import stat

        os.mknod(folder / "thiet-bi.yaml", stat.S_IFCHR | 0o600, os.makedev(1, 3))  # what /dev/null is
        made["thiet-bi.yaml"] = "thiết bị"
    return made


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_a_device_a_socket_or_a_link_in_notices_is_refused_by_name_on_every_route(client: TestClient, workspace: Path) -> None:
    folder = workspace / "notices" / "2026"
    made = odd_files(folder)
    info = answered(client.get, "/api/workspace", headers=HEADERS)
    assert info.status_code == 200
    listed = {n["path"]: n["doc_duoc"] for n in info.json()["thong_bao"]}
    assert listed["notices/2026/chuyen-doi-so.yaml"] is True
    base = (folder / "chuyen-doi-so.yaml").read_text(encoding="utf-8")
    for name, kind in made.items():
        path = f"notices/2026/{name}"
        assert listed.get(path, False) is False, path  # listed or left out, never read
        refusal = re.compile(rf"{re.escape(path)}: đây là một ({kind})( \(FIFO\))?, không phải một tệp; trang không mở tệp này")
        response = answered(client.get, "/api/notice", params={"path": path}, headers=HEADERS)
        assert response.status_code == 422 and refusal.match(response.json()["loi"]), response.text
        for route in ("/api/save", "/api/copy"):
            response = answered(post, client, route, {"path": path, "base": base, "version": "x", "data": {"trich_yeu": "Mới"}})
            assert response.status_code == 422 and refusal.match(response.json()["loi"]), (route, response.text)
        for route in ("/api/check", "/api/docx"):  # these take the text from the request: the odd file is never opened
            response = answered(post, client, route, {"path": path, "base": base, "data": {"trich_yeu": "Kết luận cuộc họp"}})
            assert response.status_code in (200, 422), (route, response.text)
    assert answered(client.post, "/api/import", content=b"PK\x03\x04", headers={**HEADERS, "X-File-Name": "a.docx"}).status_code == 422
    assert stat_kind(folder / "ong.yaml") == "fifo"  # nothing was written over the odd files
    assert (folder / "lien-ket.yaml").is_symlink()


def test_a_notice_over_the_size_limit_is_named_and_not_opened(client: TestClient, workspace: Path) -> None:
    from tbkl_gen.source.read import MAX_SOURCE_BYTES

    (workspace / "notices" / "2026" / "lon.yaml").write_bytes(b"# " + b"x" * MAX_SOURCE_BYTES + b"\n")
    response = client.get("/api/notice", params={"path": "notices/2026/lon.yaml"}, headers=HEADERS)
    assert response.status_code == 413
    assert re.fullmatch(r"notices/2026/lon\.yaml: tệp quá lớn \(.+; tối đa .+\); trang không mở tệp này", response.json()["loi"]), (
        response.text
    )


def stat_kind(path: Path) -> str:
    import stat

    mode = path.lstat().st_mode
    return "fifo" if stat.S_ISFIFO(mode) else "link" if stat.S_ISLNK(mode) else "file" if stat.S_ISREG(mode) else "other"


# --- a full disk and the unexpected -------------------------------------------------------------------


@pytest.mark.parametrize("wrapped", [False, True], ids=["oserror", "outputfailed"])
def test_a_full_disk_on_save_is_told_in_vietnamese_and_the_file_stays_intact(
    client: TestClient, workspace: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, wrapped: bool
) -> None:
    import errno

    from tbkl_gen.errors import OutputFailed

    from tbkl_gen.page import server

    def full_disk(path: Path, data: bytes) -> None:
        disk = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        if wrapped:  # as the package's one writer reports it
            raise OutputFailed(path, "ổ đĩa đầy") from disk
        raise disk

    monkeypatch.setattr(server, "_write_atomic", full_disk)
    source = workspace / "notices" / "2026" / "chuyen-doi-so.yaml"
    before = source.read_bytes()
    notice = opened(client)
    edit = {
        "path": notice["path"],
        "base": notice["text"],
        "version": notice["version"],
        "data": {**notice["data"], "trich_yeu": "Kết luận mới"},
    }
    response = post(client, "/api/save", edit)
    assert response.status_code == 507
    assert response.json()["loi"].startswith("Ổ đĩa đầy: chưa lưu được notices/2026/chuyen-doi-so.yaml; tệp cũ vẫn nguyên")
    assert source.read_bytes() == before
    copy = post(client, "/api/copy", {"path": notice["path"]})
    assert copy.status_code == 507 and copy.json()["loi"].startswith("Ổ đĩa đầy: chưa lưu được notices/"), copy.text
    assert "Traceback" not in caplog.text


def test_a_new_notice_on_a_full_disk_is_told_as_a_save_is(client: TestClient, workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # It was a 422 with the absolute path and the writer's wording, unlike a save or a copy.
    import errno

    from tbkl_gen.commands import scaffold
    from tbkl_gen.errors import OutputFailed

    def full_disk(target: Path, data: bytes, *, inside: Path | None = None) -> None:
        raise OutputFailed(target, "ổ đĩa đầy") from OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr(scaffold, "write_file", full_disk)
    response = post(client, "/api/new", {"trich_yeu": "Kết luận trên đĩa đầy"})
    assert response.status_code == 507, response.text
    assert response.json()["loi"].startswith("Ổ đĩa đầy: chưa lưu được notices/")
    assert "ket-luan-tren-dia-day.yaml. Hãy giải phóng chỗ trống" in response.json()["loi"]


def test_an_unexpected_error_answers_in_vietnamese_and_is_logged_once_without_a_traceback(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from tbkl_gen.page import server

    def broken(self, request):  # noqa: ANN001, ANN202
        raise RuntimeError("hỏng giữa chừng")

    monkeypatch.setattr(server.Page, "workspace_info", broken)
    with TestClient(create_app(workspace, TOKEN, hosts={"testserver"}), raise_server_exceptions=False) as client:
        response = client.get("/api/workspace", headers=HEADERS)
    assert response.status_code == 500
    assert response.json() == {"loi": server.UNEXPECTED}
    logged = [r for r in caplog.records if r.name == "tbkl_gen.page"]
    assert [r.getMessage() for r in logged] == ["Lỗi không mong đợi ở GET /api/workspace: RuntimeError: hỏng giữa chừng"]
    assert not any(r.exc_info for r in logged)


def test_similar_log_lines_are_let_through_a_few_per_interval_then_summed_up() -> None:
    import logging

    from tbkl_gen.page.net import RateLimit

    now = [0.0]
    limit = RateLimit(burst=3, interval=60, clock=lambda: now[0])
    records = []
    for second in range(1000):
        now[0] = second / 10  # 1000 lines in 100 s
        try:
            raise OSError(24, "Too many open files")
        except OSError:
            import sys

            record = logging.LogRecord("asyncio", logging.ERROR, __file__, 1, "socket.accept() failed", None, sys.exc_info())
        if limit.filter(record):
            records.append(record.getMessage())
        assert record.exc_info is None  # never a traceback
    assert records[:3] == ["socket.accept() failed (OSError: [Errno 24] Too many open files)"] * 3
    assert records[3].endswith("(các dòng giống thế này được bỏ qua đến hết 60 giây)")
    assert records[4].endswith("(đã bỏ qua 596 dòng giống thế này trong 60 giây trước)")
    assert len(records) == 8  # two windows: three lines and a summary each


# --- slow connections, on real sockets ------------------------------------------------------------------


@pytest.fixture
def page_logs():  # noqa: ANN201
    """The page's loggers, left without the rate limit a server of the test attached to them."""
    import logging

    from tbkl_gen.page import net

    yield
    for name in net.LOGGER_NAMES:
        for limit in [f for f in logging.getLogger(name).filters if isinstance(f, net.RateLimit)]:
            logging.getLogger(name).removeFilter(limit)


@pytest.fixture
def live(workspace: Path, monkeypatch: pytest.MonkeyPatch, page_logs: None):  # noqa: ANN201
    """The page served by uvicorn with the page's settings, on a real socket, in a thread; short timeouts."""
    import logging
    import threading

    from tbkl_gen.page import net
    from tbkl_gen.page.server import bind

    monkeypatch.setattr(net, "HEADER_TIMEOUT", 2.0)
    monkeypatch.setattr(net, "BODY_TIMEOUT", 3.0)
    sock = bind("127.0.0.1", 0)
    server = net.StoppableServer(net.server_config(create_app(workspace, TOKEN)))
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    keep = Keep(logging.INFO)
    for name in net.LOGGER_NAMES:
        logging.getLogger(name).addHandler(keep)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    started(server)
    try:
        yield sock.getsockname()[1], lines
    finally:
        server.should_exit = True
        thread.join(10)
        for name in net.LOGGER_NAMES:
            logging.getLogger(name).removeHandler(keep)
        assert not thread.is_alive()


def test_hundreds_of_unfinished_headers_neither_block_the_page_nor_stay_open_nor_flood_the_log(live) -> None:  # noqa: ANN001
    import http.client
    import socket as sockets
    import time

    port, lines = live
    slow = []
    for _ in range(300):
        connection = sockets.create_connection(("127.0.0.1", port))
        connection.sendall(b"GET /api/workspace HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Tbkl-")  # and never the rest
        slow.append(connection)
    began = time.monotonic()
    drafter = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    drafter.request("GET", "/api/workspace", headers=HEADERS)
    answer = drafter.getresponse()
    assert answer.status == 200 and json.loads(answer.read())["thong_bao"]
    assert time.monotonic() - began < 2.0
    drafter.close()
    deadline = time.monotonic() + 2.0 + 3.0  # HEADER_TIMEOUT, and room for a loaded machine
    for connection in slow:
        connection.settimeout(max(0.01, deadline - time.monotonic()))
        assert connection.recv(100) == b""  # closed by the server, not by us
        connection.close()
    assert time.monotonic() - began < 2.0 + 3.0
    assert len(lines) < 30, lines


def test_a_body_that_never_ends_is_cut_at_its_deadline_and_a_huge_one_is_refused_at_once(live) -> None:  # noqa: ANN001
    import socket as sockets
    import time

    port, _ = live
    trickle = sockets.create_connection(("127.0.0.1", port))
    trickle.sendall(
        b"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Tbkl-Token: " + TOKEN.encode() + b"\r\nContent-Length: 1000\r\n\r\n{"
    )
    began = time.monotonic()
    trickle.settimeout(10)
    received = b""
    while chunk := trickle.recv(4096):
        received += chunk
    assert 2.5 < time.monotonic() - began < 8  # BODY_TIMEOUT is 3 s here
    trickle.close()
    refused = sockets.create_connection(("127.0.0.1", port))  # no token: refused, and not kept waiting for its body
    refused.sendall(b"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n{")
    refused.settimeout(1.5)
    received = b""
    while chunk := refused.recv(4096):
        received += chunk
    assert received.startswith(b"HTTP/1.1 403"), received
    refused.close()
    huge = sockets.create_connection(("127.0.0.1", port))
    huge.sendall(b"POST /api/import HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 999999999999\r\n\r\n")
    huge.settimeout(5)
    head = huge.recv(4096)
    assert head.startswith(b"HTTP/1.1 413"), head
    huge.close()


def test_stopping_never_waits_for_a_request_stuck_in_the_system(workspace: Path, monkeypatch: pytest.MonkeyPatch, page_logs: None) -> None:
    import http.client
    import threading
    import time

    from tbkl_gen.page import net, server

    stuck = threading.Event()
    release = threading.Event()

    def blocked(self, request):  # noqa: ANN001, ANN202 - as a read of a FIFO blocked before O_NONBLOCK
        stuck.set()
        release.wait()
        return {}

    monkeypatch.setattr(server.Page, "workspace_info", blocked)
    stopper = net.StoppableServer(net.server_config(create_app(workspace, TOKEN)))
    sock = server.bind("127.0.0.1", 0)
    thread = threading.Thread(target=stopper.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    started(stopper)
    try:
        client = http.client.HTTPConnection("127.0.0.1", sock.getsockname()[1], timeout=30)
        client.putrequest("GET", "/api/workspace")
        client.putheader("X-Tbkl-Token", TOKEN)
        client.endheaders()
        assert stuck.wait(10)
        began = time.monotonic()
        stopper.should_exit = True
        thread.join(net.SHUTDOWN_TIMEOUT + 5)
        assert not thread.is_alive(), "the server waits for the stuck request"
        assert time.monotonic() - began < net.SHUTDOWN_TIMEOUT + 3
        client.close()
    finally:
        release.set()


# --- the real command: plain HTTP on the network, SIGTERM with a FIFO and slow connections -----------------


def test_serving_beyond_this_machine_warns_that_the_token_travels_unencrypted() -> None:
    from tbkl_gen.page.server import is_loopback, plain_http_warning

    assert [is_loopback(h) for h in ("127.0.0.1", "127.0.1.1", "::1", "localhost")] == [True] * 4
    assert [is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.20", "may-chu")] == [False] * 4
    warning = plain_http_warning("0.0.0.0")
    assert "HTTP không mã hóa" in warning and "mã truy cập" in warning and "reverse proxy có TLS" in warning


def start_serve(root: Path, *args: str):  # noqa: ANN201
    import re

    from conftest import serve_process

    process, first = serve_process(root, *args)
    found = re.search(r"http://[^:/]+:(\d+)/\?token=(\S+)", first)
    assert found, first
    return process, int(found.group(1)), found.group(2)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_the_real_serve_answers_about_a_fifo_and_stops_on_sigterm_within_seconds(workspace: Path) -> None:
    import signal
    import socket as sockets
    import subprocess
    import time
    import urllib.error
    import urllib.request

    os.mkfifo(workspace / "notices" / "2026" / "ong.yaml")
    process, port, token = start_serve(workspace)
    held = []
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/notice?path=notices/2026/ong.yaml", headers={"X-Tbkl-Token": token})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 422
        assert json.loads(refused.value.read())["loi"].startswith(
            "notices/2026/ong.yaml: đây là một ống dẫn (FIFO), không phải một tệp; trang không mở tệp này"
        )
        for _ in range(50):  # slow connections, and a request waiting for a body that never comes
            connection = sockets.create_connection(("127.0.0.1", port))
            connection.sendall(b"GET / HTTP/1.1\r\nHo")
            held.append(connection)
        waiting = sockets.create_connection(("127.0.0.1", port))
        waiting.sendall(f"POST /api/save HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Tbkl-Token: {token}\r\nContent-Length: 500\r\n\r\n{{".encode())
        held.append(waiting)
        # a request sent after them is answered: the server has taken them in (it accepts in order)
        after = urllib.request.Request(f"http://127.0.0.1:{port}/api/workspace", headers={"X-Tbkl-Token": token})
        with urllib.request.urlopen(after, timeout=30) as answered:
            assert answered.status == 200
        began = time.monotonic()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pytest.fail("tbkl serve did not stop within 10 s of SIGTERM")
        assert time.monotonic() - began < 3 + 3  # SHUTDOWN_TIMEOUT, and room for a loaded machine
        log = process.stderr.read()
        assert "Traceback" not in log, log
        assert process.returncode == 130
    finally:
        for connection in held:
            connection.close()
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()


def test_the_real_serve_on_all_addresses_without_accounts_is_refused(workspace: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "tbkl_gen", "serve", str(workspace), "--port", "0", "--no-browser", "--host", "0.0.0.0"],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("tbkl serve chỉ mở trang ra mạng khi đã có tài khoản"), done.stderr
    assert "tbkl users add TÊN --role soan-thao" in done.stderr and "Traceback" not in done.stderr


def test_a_table_and_an_appendix_are_saved_checked_and_previewed(client: TestClient, workspace: Path) -> None:
    notice = opened(client)
    data = notice["data"]
    table = {
        "bang": [["STT", "Nội dung", {"o": "Phân công", "gop_cot": 2}], ["1", "Rà soát, báo cáo", "Sở Tài chính", "Quý II"]],
        "do_rong": [1, 6, 3, 2],
    }
    data["noi_dung"].insert(2, table)
    data["noi_dung"][1]["khoan"] = "Sở Khoa học và Công nghệ chủ trì (chi tiết tại Phụ lục I)."
    data["co_quan"] = {**data.get("co_quan", {}), "ten_goi": "Ủy ban nhân dân tỉnh Quảng Nam"}
    data["phu_luc"] = [
        {"ten": "Danh mục nhiệm vụ", "noi_dung": ["Các nhiệm vụ cụ thể.", {"bang": [["Đơn vị", "Kết quả"], ["Sở Y tế", "Đạt"]]}]}
    ]
    checked = post(client, "/api/check", {"path": notice["path"], "base": notice["text"], "data": data}).json()
    assert checked["errors"] == 0, checked["problems"]
    preview = checked["preview"]
    assert '<table class="grid" data-block="2">' in preview and '<th colspan="2"><b>Phân công</b></th>' in preview
    assert '<div class="pl-head">Phụ lục I</div>' in preview and "<td>Sở Y tế</td>" in preview
    assert checked["appendix_labels"] == [["", ""]]
    saved = post(client, "/api/save", {"path": notice["path"], "base": notice["text"], "version": notice["version"], "data": data})
    assert saved.status_code == 200, saved.text
    text = (workspace / notice["path"]).read_text(encoding="utf-8")
    assert "# Bản dự thảo: chú thích này phải còn sau khi lưu." in text
    again = opened(client)
    assert again["data"]["noi_dung"][2] == table and again["data"]["phu_luc"] == data["phu_luc"]
    check = render_cli(["check"], cwd=workspace)
    assert check.exit_code == 0, check.output


# --- the drafter's words ------------------------------------------------------------------------

SLIPS = [
    ("nguoi_ky", {"ho_ten": ""}),
    ("ngay", "2026-02-30"),
    ("so", "abc"),
    ("trich_yeu", ""),
    ("trich_yeu", "“Kết luận của đồng chí Chủ tịch”"),
    ("noi_dung", ["1. Sở Tài chính chủ trì.", {"khoan": "a) Sở Xây dựng phối hợp."}]),
    ("noi_dung", ["Ngày …, đồng chí … chủ trì.", {"khoan": "Nội dung kết luận thứ nhất."}]),
    ("noi_dung", ["Chữ **đậm chưa đóng.", {"khoan": "Chú thích ^[ chưa đóng"}]),
    ("dia_dahn", "Lâm Đồng"),
    ("noi_nhan_them", []),
    ("ngay_hop", "12/3/20266"),
    ("do_khan", "Rất gấp gấp"),
]


def test_no_message_on_the_page_names_a_file_line_key_or_tool(client: TestClient, workspace: Path) -> None:
    config = workspace / "tbkl.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("dia_danh:", "dia_dahn:", 1), encoding="utf-8")
    notice = opened(client)
    shown: list[str] = []
    for key, value in SLIPS:
        result = post(client, "/api/check", {"path": notice["path"], "base": notice["text"], "data": {**notice["data"], key: value}}).json()
        assert result["problems"], key
        for problem in result["problems"]:
            shown += [problem["text"], problem["message"], problem["hint"], problem["label"]]
            assert problem["line"] is None and problem["file"] in (None, "thiết lập chung của văn phòng")
    assert len(shown) > 4 * len(SLIPS)
    for words in shown:
        assert not re.search(r":\d+|[a-z]_[a-z]|\btbkl\b|YAML|VS Code|\.ya?ml\b", words), words
    # What the command line names by key, the page names by the field's label.
    assert any(w.startswith("họ tên người ký: ") for w in shown), shown
    assert any("thiết lập chung của văn phòng" in w for w in shown), shown


# --- what a preview refresh reads again -------------------------------------------------------------


def test_the_check_reads_tbkl_yaml_and_the_templates_again_only_when_they_changed(
    client: TestClient, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tbkl_gen import pipeline
    from tbkl_gen.page import engine

    reads: list[Path] = []
    checks: list[Path] = []
    read_workspace, problems_of_workspace = engine.read_workspace, pipeline.problems_of_workspace
    monkeypatch.setattr(engine, "read_workspace", lambda config: reads.append(config) or read_workspace(config))
    monkeypatch.setattr(pipeline, "problems_of_workspace", lambda ws: checks.append(ws.root) or problems_of_workspace(ws))
    notice = opened(client)
    body = {"path": notice["path"], "base": notice["text"], "data": notice["data"]}
    for word in ("một", "hai", "ba"):
        body["data"]["trich_yeu"] = f"Kết luận lần {word}"
        assert post(client, "/api/check", body).json()["errors"] == 0
    assert len(reads) <= 1 and len(checks) <= 1  # read at most once, for the first check (or the opening)
    config = workspace / "tbkl.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(SIGNER, "Nguyễn Văn A"), encoding="utf-8")
    problems = post(client, "/api/check", body).json()["problems"]
    assert [p["field"] for p in problems] == ["nguoi_ky.ho_ten"] and "tên mẫu" in problems[0]["text"], problems
    (workspace / "templates" / "hong.docx").write_bytes(b"PK\x03\x04 not really")
    problems = post(client, "/api/check", body).json()["problems"]
    assert [p["field"] for p in problems] == ["", "nguoi_ky.ho_ten"], problems  # the broken template, before the notice's own
    assert len(reads) == 2 and len(checks) == 3
