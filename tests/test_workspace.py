"""An office workspace: tbkl init, tbkl new, defaults merged, own templates, tbkl show."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from conftest import SIGNER, fill_in, name_signer, render_cli
from tbkl_gen.audit import audit_docx
from tbkl_gen.samples import SAMPLE_SIGNER

YEAR = dt.date.today().year


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    result = render_cli(["init", str(tmp_path / "ubnd-lam-dong"), "--nguoi-ky", SIGNER])
    assert result.exit_code == 0, result.output
    return tmp_path / "ubnd-lam-dong"


def body_texts(path: Path) -> list[str]:
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                texts += [p.text for p in cell.paragraphs]
    return texts


def test_init_creates_the_workspace_files(workspace: Path) -> None:
    for name in ("tbkl.yaml", "notices", "templates", ".gitattributes", "README.md", "notice.schema.json"):
        assert (workspace / name).exists(), name
    assert "*.docx binary" in (workspace / ".gitattributes").read_text(encoding="utf-8")


def test_init_refuses_to_overwrite_a_workspace(workspace: Path) -> None:
    result = render_cli(["init", str(workspace)])
    assert result.exit_code == 1
    assert result.output.strip() == f"{(workspace / 'tbkl.yaml').as_posix()}: đã có, không ghi đè"


def test_new_then_render_gives_a_correct_notice(workspace: Path) -> None:
    result = render_cli(["new", "Kết luận họp giao ban tháng 3"], cwd=workspace)
    assert result.output.strip() == f"đã tạo notices/{YEAR}/ket-luan-hop-giao-ban-thang-3.yaml"
    source = workspace / "notices" / str(YEAR) / "ket-luan-hop-giao-ban-thang-3.yaml"
    assert source.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../../notice.schema.json\n")
    refused = render_cli(["render"], cwd=workspace)  # the skeleton's samples are no notice to sign
    assert refused.exit_code == 1 and "còn câu mẫu" in refused.output, refused.output
    fill_in(source)
    result = render_cli(["render"], cwd=workspace)
    assert result.exit_code == 0, result.output
    output = workspace / "out" / str(YEAR) / "ket-luan-hop-giao-ban-thang-3.docx"
    assert [r.rule for r in audit_docx(output) if r.status == "loi"] == []
    texts = body_texts(output)
    assert "Kết luận họp giao ban tháng 3" in texts
    lines = recipients(output)
    assert lines[:2] == ["- Như thành phần dự họp;", "- Chủ tịch, các PCT UBND tỉnh;"]
    assert lines[-1] == "- Lưu: VT, TH."
    assert SIGNER in texts


def test_new_refuses_an_existing_notice(workspace: Path) -> None:
    render_cli(["new", "Kết luận A"], cwd=workspace)
    result = render_cli(["new", "Kết luận A"], cwd=workspace)
    assert result.exit_code == 1
    assert result.output.strip() == f"{(workspace / 'notices' / str(YEAR) / 'ket-luan-a.yaml').as_posix()}: đã có, không ghi đè"


def test_new_outside_a_workspace_is_a_usage_error(tmp_path: Path) -> None:
    result = render_cli(["new", "Kết luận"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "không tìm thấy tbkl.yaml" in result.output


def recipients(path: Path) -> list[str]:
    """Return the recipient lines of the closing table's left cell."""
    cell = docx.Document(str(path)).tables[-1].cell(0, 0)
    return [p.text for p in cell.paragraphs if p.text.startswith("- ")]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL = """\
trich_yeu: Kết luận họp thử
ngay: 2026-03-14
noi_dung:
  - Nội dung kết luận./.
"""


def test_a_notice_states_only_what_differs(workspace: Path) -> None:
    write(workspace / "notices" / "a.yaml", MINIMAL + "nguoi_ky:\n  ho_ten: Lê Trí Hà\n")
    result = render_cli(["render"], cwd=workspace)
    assert result.exit_code == 0, result.output
    texts = body_texts(workspace / "out" / "a.docx")
    assert "Lê Trí Hà" in texts and SIGNER not in texts
    assert "KT. CHÁNH VĂN PHÒNG" in texts  # the rest of nguoi_ky still comes from tbkl.yaml
    assert "Lâm Đồng, ngày 14 tháng 3 năm 2026" in texts


def test_noi_nhan_replaces_and_noi_nhan_them_extends(workspace: Path) -> None:
    write(workspace / "notices" / "thay.yaml", MINIMAL + "noi_nhan:\n  - Sở Xây dựng\n")
    write(workspace / "notices" / "them.yaml", MINIMAL + "noi_nhan_them:\n  - Sở Xây dựng\n")
    assert render_cli(["render"], cwd=workspace).exit_code == 0
    replaced = recipients(workspace / "out" / "thay.docx")
    extended = recipients(workspace / "out" / "them.docx")
    assert replaced == ["- Sở Xây dựng;", "- Lưu: VT, TH."]
    assert extended[:2] == ["- Sở Xây dựng;", "- Chủ tịch, các PCT UBND tỉnh;"] and len(extended) == 6


def test_a_wrong_default_is_reported_at_its_line_in_tbkl_yaml(workspace: Path) -> None:
    config = workspace / "tbkl.yaml"
    lines = config.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, start=1) if line.strip().startswith("luu:"))
    config.write_text(config.read_text(encoding="utf-8").replace('luu: "VT, TH"', 'luu: "TH"'), encoding="utf-8")
    write(workspace / "notices" / "a.yaml", MINIMAL)
    result = render_cli(["check"], cwd=workspace)
    assert result.exit_code == 1
    assert f"tbkl.yaml:{number}:8: luu: dòng lưu phải bắt đầu bằng “VT” (Văn thư), nhưng gặp “TH” (viết luu: VT, TH)" in result.output


def test_show_prints_the_merged_notice_and_where_defaults_come_from(workspace: Path) -> None:
    write(workspace / "notices" / "a.yaml", MINIMAL)
    result = render_cli(["show", "notices/a.yaml"], cwd=workspace)
    assert result.exit_code == 0, result.output
    assert "# notices/a.yaml sau khi gộp giá trị mặc định" in result.output
    assert 'dia_danh: "Lâm Đồng"  # mặc định: tbkl.yaml:' in result.output
    assert 'trich_yeu: "Kết luận họp thử"\n' in result.output


def test_templates_lists_every_builtin_template(workspace: Path) -> None:
    result = render_cli(["templates"], cwd=workspace)
    for name in ("ubnd-tinh (mặc định)", "ubnd-tinh-lanh-dao", "van-phong", "so-nganh", "ubnd-xa"):
        assert f"  {name}" in result.output


@pytest.mark.parametrize("template", ["ubnd-tinh", "ubnd-tinh-lanh-dao", "van-phong", "so-nganh", "ubnd-xa"])
def test_each_kind_of_office_renders_within_the_rules(template: str, tmp_path: Path) -> None:
    folder = tmp_path / template
    assert render_cli(["init", str(folder), "--mau", template]).exit_code == 0
    write(folder / "notices" / "a.yaml", MINIMAL)
    # The signer's name is left for the office to write once: until then no notice renders, and
    # no sample name stands in for it.
    config = (folder / "tbkl.yaml").read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(config, 1) if "ho_ten:" in text)
    refused = render_cli(["render"], cwd=folder)
    assert refused.exit_code == 1
    assert f"tbkl.yaml:{line}:5: nguoi_ky.ho_ten: thiếu họ tên người ký (ví dụ: ho_ten: {SIGNER})" in refused.output.splitlines()
    assert SAMPLE_SIGNER not in "\n".join(config)
    name_signer(folder)
    result = render_cli(["render"], cwd=folder)
    assert result.exit_code == 0, result.output
    assert [f"{r.rule}: {r.detail}" for r in audit_docx(folder / "out" / "a.docx") if r.status == "loi"] == []
    check = render_cli(["check", "--strict"], cwd=folder)
    assert check.output.splitlines() == ["Đã kiểm tra 1 tệp: 0 lỗi, 0 cảnh báo."]


def test_an_office_template_edited_in_python_docx_renders_with_the_change(workspace: Path) -> None:
    render_cli(["templates", "--copy", "ubnd-tinh", "--as", "rieng"], cwd=workspace)
    path = workspace / "templates" / "rieng.docx"
    document = docx.Document(str(path))
    motto = next(p for p in document.tables[0].cell(0, 1).paragraphs if p.text.startswith("Độc lập"))
    letterhead = motto.insert_paragraph_before("VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH")
    letterhead.style = document.styles["TB Cơ quan chủ quản"]
    document.save(str(path))
    write(workspace / "notices" / "a.yaml", "mau: rieng\n" + MINIMAL)
    assert render_cli(["render"], cwd=workspace).exit_code == 0
    cell = docx.Document(str(workspace / "out" / "a.docx")).tables[0].cell(0, 1)
    assert [p.text for p in cell.paragraphs][:3] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH",
        "Độc lập - Tự do - Hạnh phúc",
    ]


def test_check_names_an_unknown_variable_in_a_tag_word_split_across_runs(workspace: Path) -> None:
    render_cli(["templates", "--copy", "ubnd-tinh", "--as", "rieng"], cwd=workspace)
    path = workspace / "templates" / "rieng.docx"
    document = docx.Document(str(path))
    paragraph = document.add_paragraph()
    paragraph.add_run("{{ so_")
    paragraph.add_run("dien_thoai }}")
    document.save(str(path))
    write(workspace / "notices" / "a.yaml", MINIMAL)
    result = render_cli(["check"], cwd=workspace)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        # The paragraph added after the template's last one: after the appendices' loop (phu_luc).
        "templates/rieng.docx: phần thân, đoạn thứ 60: thẻ “{{ so_dien_thoai }}”: tên “so_dien_thoai” không có trong hợp đồng mẫu"
        " (các biến có: co_quan, dia_danh_ngay, do_khan, doan_kinh_gui, gach_co_quan, gach_trich_yeu, kinh_gui, ky_hieu, loai, luu,"
        " nguoi_ky, noi_dung, noi_nhan, o_khan, phu_luc, rieng, so, ten_loai, trich_yeu, trich_yeu_dong, v_v)",
        "Đã kiểm tra 1 tệp: 1 lỗi, 0 cảnh báo.",
    ]


def test_a_tag_word_split_across_runs_is_no_warning_and_renders(workspace: Path) -> None:
    render_cli(["templates", "--copy", "ubnd-tinh", "--as", "rieng"], cwd=workspace)
    path = workspace / "templates" / "rieng.docx"
    document = docx.Document(str(path))
    paragraph = document.add_paragraph()
    paragraph.add_run("Số: {{ so")
    paragraph.add_run("_")
    paragraph.add_run(" }}").bold = True
    document.save(str(path))
    write(workspace / "notices" / "a.yaml", "mau: rieng\n" + MINIMAL)
    result = render_cli(["check"], cwd=workspace)
    assert result.exit_code == 1  # "so_" is no variable: the joined tag is what the sandbox judges
    assert "thẻ “{{ so_ }}”: tên “so_” không có trong hợp đồng mẫu" in result.output
    paragraph.runs[1].text = ""
    document.save(str(path))
    result = render_cli(["check"], cwd=workspace)
    assert result.exit_code == 0, result.output
    assert not any("rieng.docx" in line for line in result.output.splitlines()), result.output
    assert render_cli(["render"], cwd=workspace).exit_code == 0
    last = docx.Document(str(workspace / "out" / "a.docx")).paragraphs[-1].text
    assert last.startswith("Số: ") and "{" not in last and "}" not in last


def test_an_unknown_template_name_is_reported_with_the_known_ones(workspace: Path) -> None:
    write(workspace / "notices" / "a.yaml", "mau: khong-co\n" + MINIMAL)
    result = render_cli(["render"], cwd=workspace)
    assert result.exit_code == 1
    assert (
        "notices/a.yaml:1:6: mau: không tìm thấy mẫu “khong-co”; các mẫu có sẵn: so-nganh, ubnd-tinh, ubnd-tinh-lanh-dao, ubnd-xa, van-phong"
        in result.output
    )


def test_an_unknown_template_in_tbkl_yaml_is_reported_there(workspace: Path) -> None:
    config = workspace / "tbkl.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace('mau: "ubnd-tinh"', 'mau: "khong-co"'), encoding="utf-8")
    write(workspace / "notices" / "a.yaml", MINIMAL)
    result = render_cli(["render"], cwd=workspace)
    assert result.exit_code == 1
    assert "tbkl.yaml:5:6: mau: không tìm thấy mẫu “khong-co”" in result.output


def test_a_template_path_in_a_notice_is_taken_from_the_notice_folder(tmp_path: Path) -> None:
    import shutil

    from conftest import ROOT

    folder = tmp_path / "thông báo"
    folder.mkdir()
    shutil.copyfile(ROOT / "templates" / "ubnd-tinh.docx", folder / "mẫu riêng.docx")
    seed = (ROOT / "notices" / "2021" / "tbkl-thong-tin-doi-ngoai.yaml").read_text(encoding="utf-8")
    write(folder / "a.yaml", seed.replace("phien_ban: 1\n", "phien_ban: 1\nmau: mẫu riêng.docx\n"))
    result = render_cli(["render", str(folder / "a.yaml"), "-o", str(tmp_path / "out")], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "a.docx").is_file()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_new_beside_a_planted_pipe_and_link_takes_the_next_name_without_reading_them(workspace: Path) -> None:
    # A colleague who can write to notices/ plants a FIFO at the name the title gives and a link to
    # an endless file at the next: `tbkl new` read both to compare titles, and hung on the FIFO.
    folder = workspace / "notices" / str(YEAR)
    folder.mkdir(parents=True)
    os.mkfifo(folder / "ket-luan-moi.yaml")
    (folder / "ket-luan-moi-2.yaml").symlink_to("/dev/zero")
    command = [sys.executable, "-m", "tbkl_gen", "new", "Kết luận mới"]
    result = subprocess.run(command, cwd=workspace, capture_output=True, text=True, encoding="utf-8", timeout=60, check=False)
    assert (result.returncode, result.stdout + result.stderr) == (0, f"đã tạo notices/{YEAR}/ket-luan-moi-3.yaml\n")
    assert (folder / "ket-luan-moi-2.yaml").is_symlink()


def test_init_keeps_a_readme_and_gitignore_already_in_the_folder(tmp_path: Path) -> None:
    # init replaced them: a folder with a project in it lost its README.md and .gitignore.
    folder = tmp_path / "du-an"
    folder.mkdir()
    (folder / "README.md").write_text("README của tôi\n", encoding="utf-8")
    (folder / ".gitignore").write_text("*.bak\n", encoding="utf-8")
    result = render_cli(["init", str(folder)])
    assert result.exit_code == 0, result.output
    assert (folder / "README.md").read_text(encoding="utf-8") == "README của tôi\n"
    assert (folder / ".gitignore").read_text(encoding="utf-8") == "*.bak\n"
    assert f"đã có {(folder / 'README.md').as_posix()}, giữ nguyên" in result.output.splitlines()
    assert f"đã tạo {(folder / 'tbkl.yaml').as_posix()}" in result.output.splitlines()


@pytest.mark.skipif(not hasattr(os, "lchown") or os.geteuid() != 0, reason="giving a link to another user needs root on POSIX")
def test_init_refuses_a_folder_that_is_a_link_another_user_planted(tmp_path: Path) -> None:
    # Another user links /tmp/<name> to the victim's home; `tbkl init /tmp/<name>` wrote the
    # workspace files there, replacing ~/README.md and ~/.gitignore.
    home = tmp_path / "home"
    home.mkdir()
    planted = tmp_path / "ws"
    planted.symlink_to(home)
    os.lchown(planted, 12345, 12345)
    result = render_cli(["init", str(planted)])
    assert result.exit_code == 1
    assert result.output.startswith(f"{planted.as_posix()}: là một liên kết do người dùng khác (uid 12345) đặt")
    assert list(home.iterdir()) == []
