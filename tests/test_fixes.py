"""`tbkl check --fix`: the one right fix of each slip, applied to the file as the page saves it.

A notice of the repository, slipped the ways drafters slip, goes through `tbkl check --fix`: the
fixed file passes `tbkl check`, prints the same text as before the slips (`tbkl text`), and keeps
its comments and key order; the command names each change at its line, and exits 1 while
something a person must fix remains.
"""

from __future__ import annotations

import json
import re
import unicodedata
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


# --- dates as Vietnamese write them ----------------------------------------------------------------


@pytest.mark.parametrize("written", ["21/4/2026", "21/04/2026", "2026-04-21", '"2026-04-21"'])
def test_each_full_date_form_is_accepted_and_shown_day_first(tmp_path: Path, written: str) -> None:
    text = (
        NOTICE.read_text(encoding="utf-8")
        .replace('ngay: "2026-04"', f"ngay: {written}")
        .replace("ngay_hop: 2026-04-16", f"ngay_hop: {written}")
    )
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    assert render_cli(["check", "--strict", "a.yaml"], cwd=tmp_path).exit_code == 0
    assert "ngày 21 tháng 4 năm 2026" in printed(tmp_path)
    later = text.replace(f"ngay_hop: {written}", "ngay_hop: 22/4/2026")
    (tmp_path / "a.yaml").write_text(later, encoding="utf-8")
    result = render_cli(["check", "a.yaml"], cwd=tmp_path)
    assert "ngày ban hành 21/04/2026 sớm hơn ngày họp 22/04/2026" in result.output


@pytest.mark.parametrize("written", ["4/2026", "04/2026", "2026-04", '"2026-04"'])
def test_a_month_alone_is_accepted(tmp_path: Path, written: str) -> None:
    text = NOTICE.read_text(encoding="utf-8").replace('ngay: "2026-04"', f"ngay: {written}")
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    assert render_cli(["check", "--strict", "a.yaml"], cwd=tmp_path).exit_code == 0
    assert "tháng 4 năm 2026" in printed(tmp_path)


# --- one slip each: what --fix writes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("right", "wrong", "fixed"),
    [
        ("ngay_hop: 2026-04-16", "ngay_hop: 16.04.2026", "ngay_hop: 16/04/2026"),
        ("ngay_hop: 2026-04-16", "ngay_hop: 2026/4/16", "ngay_hop: 16/4/2026"),
        ("ngay_hop: 2026-04-16", "ngay_hop: ngày 16 tháng 4 năm 2026", "ngay_hop: 16/4/2026"),
        ('ngay: "2026-04"', "ngay: tháng 4 năm 2026", "ngay: 4/2026"),
        ("  ho_ten: Trịnh Ngọc Duệ", "  ho_ten: NO", '  ho_ten: "NO"'),
        ("so:", "so: 012", 'so: "012"'),
        ("dia_danh: Lâm Đồng", "dia_ddanh: Lâm Đồng", "dia_danh: Lâm Đồng"),
        ("  - khoan: Đối với xây dựng", "  - khaon: Đối với xây dựng", "  - khoan: Đối với xây dựng"),
        ("dia_danh: Lâm Đồng", "dia_danh: La\u0302m \u0110o\u0302\u0300ng", "dia_danh: Lâm Đồng"),
    ],
)
def test_each_slip_is_fixed_in_place(tmp_path: Path, right: str, wrong: str, fixed: str) -> None:
    text = NOTICE.read_text(encoding="utf-8")
    assert right in text
    (tmp_path / "a.yaml").write_text(text.replace(right, wrong, 1), encoding="utf-8")
    result = render_cli(["check", "--fix", "a.yaml"], cwd=tmp_path)
    assert "đã sửa: " in result.output, result.output
    after = (tmp_path / "a.yaml").read_text(encoding="utf-8")
    assert after == text.replace(right, fixed, 1)
    if not wrong.endswith(("NO", "012")):  # a signer "NO", a number "012": read right now, the decree's checks still speak
        assert result.exit_code == 0, result.output


# --- a dozen slipped sources: every notice of the repository, slipped three ways ------------------


def _label(text: str, typed: str) -> str:
    """Type a label in front of the first numbered block (its text on the key's line or the next)."""
    match = re.search(r"^(\s*- (?:khoan|muc): )(.*)$", text, re.MULTILINE)
    assert match, "no numbered block"
    if match[2].startswith((">", "|")):
        after = re.compile(r"^(\s+)(\S)", re.MULTILINE).search(text, match.end() + 1)
        assert after
        return text[: after.start(2)] + typed + " " + text[after.start(2) :]
    value = match[2]
    quoted = value.startswith('"')
    inner = value[1:] if quoted else value
    return text[: match.start(2)] + ('"' if quoted else "") + typed + " " + inner + text[match.end(2) :]


def _meeting(text: str, form: str) -> str:
    def written(match: re.Match[str]) -> str:
        year, month, day = match[1], int(match[2]), int(match[3])
        return f"ngay_hop: {form.format(d=day, m=month, y=year)}"

    return re.sub(r"^ngay_hop: (\d{4})-(\d{2})-(\d{2})", written, text, count=1, flags=re.MULTILINE)


def _archive(text: str) -> str:
    drafter = re.search(r"^nguoi_soan: (\S+)\n", text, re.MULTILINE)
    if drafter:  # the line as the original writes it: the drafter in brackets after the unit
        text = text.replace(drafter[0], "")
        return re.sub(r"^luu: (.*)$", lambda m: f"luu: {m[1]}({drafter[1]})", text, count=1, flags=re.MULTILINE)
    return re.sub(r"^luu: (.*)$", lambda m: f'luu: "Lưu: {m[1]}."', text, count=1, flags=re.MULTILINE)


def _gap(text: str) -> str:
    match = re.search(r"^(\s+- (?:khoan: |diem: |gach: )?)([^\s>|\"].{10,}?) (\S)", text, re.MULTILINE)
    assert match
    return text[: match.end(2)] + "  " + text[match.end(2) + 1 :]


VARIANTS = {
    "A": lambda t: _meeting(_label(re.sub(r"^dia_danh: (.*)$", r"dia_danh: “\1”", t, count=1, flags=re.MULTILINE), "1."), "{d}.{m}.{y}"),
    "B": lambda t: _archive(
        _gap(
            re.sub(
                r'^ngay: "(\d{4})-0?(\d+)"',
                r"ngay: tháng \2 năm \1",
                t.replace("\ndia_danh:", "\ndia_dahn:", 1),
                count=1,
                flags=re.MULTILINE,
            )
        )
    ),
    "C": lambda t: _meeting(
        _label(
            re.sub(r"^dia_danh: (.*)$", lambda m: "dia_danh: " + unicodedata.normalize("NFD", m[1]), t, count=1, flags=re.MULTILINE), "a)"
        ),
        "{y}/{m}/{d}",
    ),
}
# The repository's conclusion notices (the slips above are written on a notice's parts: a numbered
# block, the meeting's date), which the repository's letter and invitation do not all have.
REPOSITORY_NOTICES = sorted(
    path
    for path in (ROOT / "notices").rglob("*.yaml")
    if not re.search(r"^loai: (?!thong_bao)", path.read_text(encoding="utf-8"), re.MULTILINE)
)


def test_fix_on_a_dozen_slipped_notices_leaves_what_check_passes_printing_the_same_text(tmp_path: Path) -> None:
    originals, slipped_folder = tmp_path / "goc", tmp_path / "truot"
    pairs = []
    for notice in REPOSITORY_NOTICES:
        text = notice.read_text(encoding="utf-8")
        for name, slip in VARIANTS.items():
            stem = f"{notice.stem}-{name}.yaml"
            (originals / notice.parent.name).mkdir(parents=True, exist_ok=True)
            (slipped_folder / notice.parent.name).mkdir(parents=True, exist_ok=True)
            (originals / notice.parent.name / stem).write_text(text, encoding="utf-8")
            wrong = slip(text)
            assert wrong != text
            (slipped_folder / notice.parent.name / stem).write_text(wrong, encoding="utf-8")
            pairs.append((f"{notice.parent.name}/{stem}", wrong))
    assert len(pairs) >= 12
    before = render_cli(["check", "--strict", "."], cwd=slipped_folder)
    assert before.exit_code == 1
    slipped_files = {line.split(":", 1)[0] for line in before.output.splitlines() if line.endswith(")") or ": " in line}
    assert {name for name, _ in pairs} <= slipped_files, before.output  # every file has something to fix

    result = render_cli(["check", "--fix", "--strict", "."], cwd=slipped_folder)

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == f"Đã kiểm tra {len(pairs)} tệp: 0 lỗi, 0 cảnh báo."
    fixed_lines = [line for line in result.output.splitlines() if ": đã sửa: " in line]
    assert {line.split(":", 1)[0] for line in fixed_lines} == {name for name, _ in pairs}
    for name, wrong in pairs:
        after = (slipped_folder / name).read_text(encoding="utf-8")
        assert comments(unicodedata.normalize("NFC", after)) == comments(unicodedata.normalize("NFC", wrong)), name
        assert keys(after) == [key.replace("dia_dahn", "dia_danh") for key in keys(wrong)], name
        assert printed(slipped_folder, name) == printed(originals, name), name
