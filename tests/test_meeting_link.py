"""A source that shares its meeting with an invitation (`cuoc_hop: giay-moi.yaml`) through `tbkl render`.

The batch skips a notice whose own source, defaults, template and tool are unchanged; a notice
built from another source too is renewed when that one changes, and only then. A link that leaves
the workspace, loops, or names no file is the notice's own mistake, said in Vietnamese at its
`cuoc_hop` with the file named.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import SIGNER, render_cli
from docx_text import document_lines

from tbkl_gen.commands.batch import MANIFEST_NAME

INVITATION = (
    "loai: giay_moi\n"
    "so: '42'\n"
    "ngay: 2026-04-13\n"
    "mo_dau: 'Thực hiện Chương trình công tác tháng 4 năm 2026, Ủy ban nhân dân tỉnh tổ chức cuộc họp, cụ thể như sau:'\n"
    "cuoc_hop:\n"
    "  chu_tri: Đồng chí Chủ tịch UBND tỉnh\n"
    "  thoi_gian: 2026-04-16 14:00\n"
    "  dia_diem: Hội trường\n"
    "thanh_phan: [Giám đốc Sở Tài chính]\n"
    "noi_nhan: [Như thành phần mời]\n"
)
NOTICE = "ngay: 2026-04-20\ntrich_yeu: Kết luận của đồng chí Chủ tịch\ncuoc_hop: giay-moi.yaml\nnoi_dung: [Đồng chí Chủ tịch kết luận.]\n"
# a second invitation to the same meeting (another group of people): it prints the meeting it shares
SECOND = "loai: giay_moi\nso: '43'\nngay: 2026-04-14\ncuoc_hop: giay-moi.yaml\nthanh_phan: [Phóng viên Báo Lâm Đồng]\nnoi_nhan: [Như thành phần mời]\n"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    assert render_cli(["init", str(tmp_path / "vp"), "--nguoi-ky", SIGNER]).exit_code == 0
    folder = tmp_path / "vp" / "notices" / "2026"
    folder.mkdir(parents=True)
    (folder / "giay-moi.yaml").write_text(INVITATION, encoding="utf-8")
    (folder / "thong-bao.yaml").write_text(NOTICE, encoding="utf-8")
    (folder / "giay-moi-bo-sung.yaml").write_text(SECOND, encoding="utf-8")
    return tmp_path / "vp"


def _counts(output: str) -> tuple[int, int, int]:
    match = re.search(r"Đã tạo (\d+), không đổi (\d+), lỗi (\d+)", output)
    assert match is not None, output
    made, unchanged, failed = (int(group) for group in match.groups())
    return made, unchanged, failed


def _render(workspace: Path, *args: str) -> tuple[tuple[int, int, int], str]:
    result = render_cli(["render", *args], cwd=workspace)
    return _counts(result.output), result.output


def test_a_notice_is_renewed_when_the_invitation_it_shares_its_meeting_with_changes(workspace: Path) -> None:
    out = workspace / "out" / "2026"
    assert _render(workspace)[0] == (3, 0, 0)
    manifest = json.loads((workspace / "out" / MANIFEST_NAME).read_text(encoding="utf-8"))["entries"]
    assert list(manifest["2026/thong-bao.docx"]["lien_ket"]) == ["../notices/2026/giay-moi.yaml"]
    assert "lien_ket" not in manifest["2026/giay-moi.docx"]
    assert "3. Thời gian: 14 giờ 00, ngày 16 tháng 4 năm 2026." in document_lines(out / "giay-moi.docx")
    assert "3. Thời gian: 14 giờ 00, ngày 16 tháng 4 năm 2026." in document_lines(out / "giay-moi-bo-sung.docx")

    # nothing changed: nothing is renewed
    assert _render(workspace)[0] == (0, 3, 0)
    # the meeting moves: the invitation and both sources that share its meeting are renewed
    invitation = workspace / "notices" / "2026" / "giay-moi.yaml"
    invitation.write_text(INVITATION.replace("2026-04-16 14:00", "2026-04-17 08:00"), encoding="utf-8")
    notice_before = (out / "thong-bao.docx").stat().st_mtime_ns, (out / "thong-bao.docx").stat().st_ino
    assert _render(workspace)[0] == (3, 0, 0)
    assert (out / "thong-bao.docx").stat().st_ino != notice_before[1]  # a new file renamed into place
    assert "3. Thời gian: 8 giờ 00, ngày 17 tháng 4 năm 2026." in document_lines(out / "giay-moi-bo-sung.docx")
    assert render_cli(["show", "notices/2026/thong-bao.yaml"], cwd=workspace).output.count("2026-04-17 08:00") == 1
    assert _render(workspace)[0] == (0, 3, 0)

    # the meeting moves past the notice's day: the notice, unchanged itself, is checked again and refused
    invitation.write_text(INVITATION.replace("2026-04-16 14:00", "2026-04-22 08:00"), encoding="utf-8")
    (made, unchanged, failed), output = _render(workspace)
    assert failed == 1 and "thong-bao.yaml" in output and "sớm hơn ngày họp 22/04/2026" in output, output


def test_a_changed_link_in_the_manifest_or_a_removed_invitation_renews_the_notice(workspace: Path) -> None:
    assert _render(workspace)[0] == (3, 0, 0)
    manifest_path = workspace / "out" / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["entries"]["2026/thong-bao.docx"]["lien_ket"] = {"../../../../etc/passwd": "0"}  # edited by hand: read only if a source
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    assert _render(workspace)[0] == (1, 2, 0)
    (workspace / "notices" / "2026" / "giay-moi.yaml").unlink()
    (made, unchanged, failed), output = _render(workspace)
    assert (made, failed) == (0, 2)
    assert "thong-bao.yaml:3:11: cuoc_hop: tệp “giay-moi.yaml”: không đọc được tệp: không tồn tại" in output, output


@pytest.mark.parametrize(
    ("files", "said"),
    [
        (
            {"thong-bao.yaml": NOTICE.replace("giay-moi.yaml", "../../../ngoai.yaml")},
            "tệp “../../../ngoai.yaml” nằm ngoài thư mục làm việc",
        ),
        ({"thong-bao.yaml": NOTICE.replace("giay-moi.yaml", "khong-co.yaml")}, "tệp “khong-co.yaml”: không đọc được tệp: không tồn tại"),
        (
            {"giay-moi.yaml": INVITATION.split("cuoc_hop:")[0] + "cuoc_hop: thong-bao.yaml\nnoi_nhan: [Như thành phần mời]\n"},
            "liên kết vòng: thong-bao.yaml → giay-moi.yaml → thong-bao.yaml",
        ),
        (
            {"giay-moi.yaml": INVITATION.split("cuoc_hop:")[0] + "cuoc_hop: giay-moi-bo-sung.yaml\nnoi_nhan: [Như thành phần mời]\n"},
            "liên kết vòng: thong-bao.yaml → giay-moi.yaml → giay-moi-bo-sung.yaml → giay-moi.yaml",
        ),
        ({"thong-bao.yaml": NOTICE.replace("giay-moi.yaml", "thong-bao.yaml")}, "cuoc_hop không thể là chính tệp này"),
        ({"giay-moi.yaml": "loai: giay_moi\nso: [\n"}, "tệp “giay-moi.yaml”: "),
        ({"giay-moi.yaml": INVITATION.split("cuoc_hop:")[0] + "noi_nhan: [Như thành phần mời]\n"}, "tệp “giay-moi.yaml” không có cuoc_hop"),
    ],
    ids=["outside", "missing", "loop", "loop-through-another", "itself", "broken-yaml", "no-meeting"],
)
def test_a_link_that_cannot_be_followed_is_the_notices_mistake_at_its_cuoc_hop(workspace: Path, files: dict[str, str], said: str) -> None:
    folder = workspace / "notices" / "2026"
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    result = render_cli(["render", "notices/2026/thong-bao.yaml"], cwd=workspace)
    assert result.exit_code == 1
    assert "thong-bao.yaml:3:11: cuoc_hop: " + said in result.output, result.output
    assert "Traceback" not in result.output


def test_a_link_through_another_source_takes_the_meeting_where_it_is_written(workspace: Path) -> None:
    folder = workspace / "notices" / "2026"
    (folder / "thong-bao.yaml").write_text(NOTICE.replace("giay-moi.yaml", "giay-moi-bo-sung.yaml"), encoding="utf-8")
    assert _render(workspace)[0] == (3, 0, 0)
    manifest = json.loads((workspace / "out" / MANIFEST_NAME).read_text(encoding="utf-8"))["entries"]
    assert list(manifest["2026/thong-bao.docx"]["lien_ket"]) == ["../notices/2026/giay-moi-bo-sung.yaml", "../notices/2026/giay-moi.yaml"]
    (folder / "giay-moi.yaml").write_text(INVITATION.replace("Hội trường", "Phòng họp số 2"), encoding="utf-8")
    assert _render(workspace)[0] == (3, 0, 0)


def test_a_link_to_another_folder_of_the_workspace_is_followed_and_named_from_the_notices_folder(workspace: Path) -> None:
    other = workspace / "notices" / "2025"
    other.mkdir()
    (other / "giay-moi-cu.yaml").write_text(
        INVITATION.split("cuoc_hop:")[0] + "cuoc_hop: ../2026/thong-bao.yaml\nnoi_nhan: [Như thành phần mời]\n", encoding="utf-8"
    )
    notice = workspace / "notices" / "2026" / "thong-bao.yaml"
    notice.write_text(NOTICE.replace("giay-moi.yaml", "../2025/giay-moi-cu.yaml"), encoding="utf-8")
    result = render_cli(["render", "notices/2026/thong-bao.yaml"], cwd=workspace)
    assert result.exit_code == 1
    assert "cuoc_hop: liên kết vòng: thong-bao.yaml → ../2025/giay-moi-cu.yaml → thong-bao.yaml" in result.output, result.output
    (other / "giay-moi-cu.yaml").write_text(INVITATION, encoding="utf-8")
    assert render_cli(["render", "notices/2026/thong-bao.yaml"], cwd=workspace).exit_code == 0
