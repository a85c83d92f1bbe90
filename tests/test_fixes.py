"""`tbkl check --fix`: the one right fix of each slip, applied to the file as the page saves it.

A notice of the repository, slipped the ways drafters slip, goes through `tbkl check --fix`: the
fixed file passes `tbkl check`, prints the same text as before the slips (`tbkl text`), and keeps
its comments and key order; the command names each change at its line, and exits 1 while
something a person must fix remains.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, render_cli

NOTICE = ROOT / "notices" / "2026" / "lamdong-so-khcn.yaml"

# (what a drafter typed instead, what the notice says): each a slip with one right fix.
SLIPS = [
    ("  - khoan: 1. Đối với xây dựng hệ thống phần mềm chuyên ngành", "  - khoan: Đối với xây dựng hệ thống phần mềm chuyên ngành"),
    ("dia_danh: “Lâm Đồng”", "dia_danh: Lâm Đồng"),
    ("          Các sở,  ngành chủ động đề xuất", "          Các sở, ngành chủ động đề xuất"),
]


def slipped(folder: Path, slips: list[tuple[str, str]]) -> Path:
    text = NOTICE.read_text(encoding="utf-8")
    for wrong, right in slips:
        assert right in text, right
        text = text.replace(right, wrong, 1)
    path = folder / "a.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def printed(folder: Path, name: str = "a.yaml") -> str:
    result = render_cli(["text", name], cwd=folder)
    assert result.exit_code == 0, result.output
    return result.output


def comments(text: str) -> list[str]:
    return [line.split("#", 1)[1].strip() for line in text.splitlines() if "#" in line]


def keys(text: str) -> list[str]:
    return re.findall(r"^(\w+):", text, re.MULTILINE)


def test_fix_leaves_a_notice_check_passes_with_its_text_comments_and_order(tmp_path: Path) -> None:
    original = tmp_path / "original"
    original.mkdir()
    (original / "a.yaml").write_text(NOTICE.read_text(encoding="utf-8"), encoding="utf-8")
    path = slipped(tmp_path, SLIPS)
    before = path.read_text(encoding="utf-8")
    assert render_cli(["check", "--strict", "a.yaml"], cwd=tmp_path).exit_code == 1

    result = render_cli(["check", "--fix", "--strict", "a.yaml"], cwd=tmp_path)

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "a.yaml:10:11: dia_danh: đã sửa: bỏ cặp dấu ngoặc bao cả giá trị" in lines
    assert any(re.match(r"a\.yaml:33:\d+: noi_dung\[3\]\.khoan: đã sửa: xóa “1\.” gõ ở đầu", line) for line in lines), lines
    assert "Đã sửa 3 chỗ trong 1 tệp." in lines
    assert lines[-1] == "Đã kiểm tra 1 tệp: 0 lỗi, 0 cảnh báo."
    after = path.read_text(encoding="utf-8")
    assert comments(after) == comments(before)
    assert keys(after) == keys(before)
    assert printed(tmp_path) == printed(original)
    assert render_cli(["check", "--strict", "a.yaml"], cwd=tmp_path).exit_code == 0


def test_fix_exits_1_when_what_remains_needs_a_person(tmp_path: Path) -> None:
    path = slipped(tmp_path, [*SLIPS[:1], ("luu: VT", "luu: VT")])
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^luu: .*$", "luu: KGVX", text, flags=re.MULTILINE), encoding="utf-8")
    result = render_cli(["check", "--fix", "a.yaml"], cwd=tmp_path)
    assert result.exit_code == 1, result.output
    assert "đã sửa: xóa “1.” gõ ở đầu" in result.output
    assert "dòng lưu phải bắt đầu bằng “VT”" in result.output


def test_json_carries_the_fix_for_editors(tmp_path: Path) -> None:
    slipped(tmp_path, SLIPS[:1])
    result = render_cli(["check", "--format", "json", "a.yaml"], cwd=tmp_path)
    problem = json.loads(result.output)["van_de"][0]
    assert problem["fix"] == {
        "title": "xóa “1.” gõ ở đầu",
        "path": ["noi_dung", 2, "khoan"],  # 0-based, as in the data
        "value": "Đối với xây dựng hệ thống phần mềm chuyên ngành",
        "old": "1. Đối với xây dựng hệ thống phần mềm chuyên ngành",
        "rename": False,
    }


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_fix_keeps_line_endings_and_nothing_else_changes(tmp_path: Path, ending: str) -> None:
    path = slipped(tmp_path, SLIPS[1:2])
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.replace("\n", ending).encode("utf-8"))
    assert render_cli(["check", "--fix", "a.yaml"], cwd=tmp_path).exit_code == 0
    after = path.read_bytes().decode("utf-8")
    assert after == text.replace("dia_danh: “Lâm Đồng”", "dia_danh: Lâm Đồng").replace("\n", ending)
