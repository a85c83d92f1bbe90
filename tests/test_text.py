"""`tbkl text` and `tbkl diff`: the notice as stable plain text, for git and for reviewers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
import yaml

from conftest import EXAMPLES, NOTICES, ROOT, render_cli
from tbkl_gen.commands.text import notice_lines, word_diff

SEED = NOTICES / "2021" / "tbkl-thong-tin-doi-ngoai.yaml"


@pytest.mark.parametrize("source", EXAMPLES, ids=lambda p: p.stem)
def test_text_of_a_source_is_the_text_of_its_rendered_docx(source: Path, rendered_examples: dict[Path, Path]) -> None:
    from_source = render_cli(["text", str(source)])
    from_docx = render_cli(["text", str(rendered_examples[source])])
    assert from_source.exit_code == from_docx.exit_code == 0
    assert from_source.stdout == from_docx.stdout
    diff = render_cli(["diff", str(source), str(rendered_examples[source])])
    assert (diff.exit_code, diff.output) == (0, "")


def test_text_is_one_paragraph_a_line_in_reading_order(rendered_examples: dict[Path, Path]) -> None:
    lines = render_cli(["text", str(rendered_examples[SEED])]).stdout.splitlines()
    assert lines[:8] == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH QUẢNG NAM",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: /TB-UBND",
        "Quảng Nam, ngày tháng năm 2021",
        "THÔNG BÁO",
        "Kết luận của đồng chí Hồ Quang Bửu, Phó Chủ tịch UBND tỉnh tại Hội nghị Tổng kết 05 năm triển khai thực hiện Đề án"
        " Nâng cao chất lượng hoạt động thông tin đối ngoại tỉnh Quảng Nam giai đoạn 2017-2021",
    ]
    assert lines[-6:] == ["- CPVP;", "- Lưu: VT, KGVX.", "TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "Võ Văn Viên"]
    assert "2" not in lines  # the page number in the header is not text of the notice


def test_text_reads_any_word_notice_with_its_footnotes(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "UBND XÃ A"
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    document.add_paragraph("THÔNG  BÁO")
    document.add_paragraph("")
    document.add_paragraph("Nội dung\tkết luận./.")
    document.save(str(tmp_path / "tay.docx"))
    lines, _ = notice_lines(tmp_path / "tay.docx")
    assert lines == ["UBND XÃ A", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "THÔNG BÁO", "Nội dung kết luận./."]


def test_text_lists_footnotes_after_the_body(tmp_path: Path) -> None:
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data["noi_dung"][0] += "^[Theo Quyết định số 428/QĐ-UBND.]"
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    lines = render_cli(["text", str(tmp_path / "a.yaml")]).stdout.splitlines()
    assert lines[-3:] == ["", "Chú thích:", "[1] Theo Quyết định số 428/QĐ-UBND."]


def test_diff_marks_changed_words_between_a_source_and_a_docx(tmp_path: Path, rendered_examples: dict[Path, Path]) -> None:
    changed = SEED.read_text(encoding="utf-8").replace("đẩy mạnh công tác tuyên truyền", "tăng cường công tác tuyên truyền")
    (tmp_path / "moi.yaml").write_text(changed, encoding="utf-8")
    result = render_cli(["diff", str(rendered_examples[SEED]), str(tmp_path / "moi.yaml")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[2] == "@@ -11,1 +11,1 @@"
    assert lines[3].startswith("1. Các cơ quan, đơn vị, địa phương tiếp tục quán triệt và [-đẩy mạnh-] {+tăng cường+} công tác tuyên")
    assert len(lines) == 4


def test_word_diff_shows_added_and_removed_lines() -> None:
    hunks = word_diff(["Một", "hai ba", "bốn"], ["Một", "hai BA", "bốn", "năm"])
    assert [(h.header, h.lines) for h in hunks] == [
        ("@@ -2,1 +2,1 @@", [[("=", "hai"), ("-", "ba"), ("+", "BA")]]),
        ("@@ -4,0 +4,1 @@", [[("+", "năm")]]),
    ]


def test_text_of_a_file_that_is_not_word_says_so(tmp_path: Path) -> None:
    (tmp_path / "hong.docx").write_bytes(b"not a zip")
    result = render_cli(["text", str(tmp_path / "hong.docx")])
    assert result.exit_code == 1
    reason = "không phải tệp Word .docx (tệp .docx là một gói zip; tệp này có thể là loại khác bị đổi đuôi)"
    assert result.output == f"{(tmp_path / 'hong.docx').as_posix()}: không mở được tệp Word: {reason}\n"  # tbkl_gen.wordfile


def test_text_of_an_invalid_source_prints_its_problems(tmp_path: Path) -> None:
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    del data["nguoi_ky"]["ho_ten"]
    (tmp_path / "sai.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = render_cli(["text", str(tmp_path / "sai.yaml")])
    assert result.exit_code == 1
    assert "nguoi_ky.ho_ten" in result.output
    assert result.stdout == ""


def test_init_writes_the_textconv_attribute(tmp_path: Path) -> None:
    assert render_cli(["init", str(tmp_path / "ws")]).exit_code == 0
    assert "*.docx binary diff=tbkl\n" in (tmp_path / "ws" / ".gitattributes").read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("git") is None and not os.environ.get("CI"), reason="git is not installed (.ci/run installs it)")
def test_git_diff_shows_a_docx_change_as_text_through_the_textconv_recipe(tmp_path: Path, rendered_examples: dict[Path, Path]) -> None:
    repo = tmp_path / "kho"
    assert render_cli(["init", str(repo)]).exit_code == 0

    def git(*args: str) -> str:
        env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x"}
        done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True, env={**__import__("os").environ, **env})
        return done.stdout

    git("init", "-q")
    # The README's command, with `tbkl` spelt as this checkout's entry point
    git("config", "diff.tbkl.textconv", f'"{Path(sys.executable).as_posix()}" "{(ROOT / "cli.py").as_posix()}" text')
    shutil.copyfile(rendered_examples[SEED], repo / "tb.docx")
    git("add", "-A")
    git("commit", "-qm", "v1")
    changed = SEED.read_text(encoding="utf-8").replace("Võ Văn Viên", "Trần Văn Tâm")
    (tmp_path / "v2.yaml").write_text(changed, encoding="utf-8")
    assert render_cli(["render", str(tmp_path / "v2.yaml"), "-o", str(tmp_path / "v2"), "--quiet"]).exit_code == 0
    shutil.copyfile(tmp_path / "v2" / "v2.docx", repo / "tb.docx")
    diff = git("diff", "--word-diff=plain", "tb.docx")
    assert "[-Võ-]{+Trần+} Văn [-Viên-]{+Tâm+}" in diff
    assert "Binary files" not in diff


def test_pre_commit_hook_runs_tbkl_check() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [(h["id"], h["entry"], h["language"]) for h in hooks] == [("tbkl-check", "tbkl check", "python")]
