"""One pipeline for one notice: `tbkl check`, `tbkl render` and a direct call say the same.

Every caller sends a notice through `pipeline.run` (or `run_file`, its file-reading wrapper), so a
bad source gets the same problems, in the same order, from whichever command reads it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, render_cli
from factories import DROP, Raw, notice_yaml
from docx_text import document_lines

from tbkl_gen.errors import Place, Problem
from tbkl_gen.pipeline import run, run_file
from tbkl_gen.source.workspace import find_workspace

MINIMAL = """\
trich_yeu: Kết luận họp thử
ngay: 2026-03-14
noi_dung:
  - Nội dung kết luận./.
"""

CONFIG = """\
mau: ubnd-tinh
mac_dinh:
  co_quan:
    chu_quan: UBND TỈNH LÂM ĐỒNG
    ten: [VĂN PHÒNG]
    viet_tat: VP
  dia_danh: Lâm Đồng
  luu: VT, TH
  noi_nhan:
    - Chủ tịch, các PCT UBND tỉnh
  nguoi_ky:
    quyen_han: [TL. CHỦ TỊCH, KT. CHÁNH VĂN PHÒNG]
    chuc_vu: PHÓ CHÁNH VĂN PHÒNG
    ho_ten: Nguyễn Văn An
"""

# name → (tbkl.yaml or None, the notice's text or bytes)
BAD_SOURCES: dict[str, tuple[str | None, str | bytes]] = {
    "unclosed quote": (None, notice_yaml(trich_yeu=Raw('"Kết luận của đồng chí'))),
    "tab indent": (None, notice_yaml().replace("  viet_tat: UBND", "\tviet_tat: UBND")),
    "misaligned key": (None, notice_yaml().replace("  chuc_vu:", "   chuc_vu:")),
    "open bracket": (None, notice_yaml(luu=Raw("[VT, KGVX"))),
    "colon in a value": (None, notice_yaml(trich_yeu=Raw("Kết luận: họp về việc: A"))),
    "unknown key": (None, notice_yaml(nguoi_kyy="Võ Văn Viên")),
    "unknown nested key": (None, notice_yaml(co_quan__tenn="VĂN PHÒNG")),
    "missing fields": (None, notice_yaml(trich_yeu=DROP, nguoi_ky__ho_ten=DROP)),
    "wrong types": (None, notice_yaml(noi_nhan="Các Sở", phien_ban=Raw("hai"))),
    "number read as octal": (None, notice_yaml(so=Raw("012"))),
    "no date on the calendar": (None, notice_yaml(ngay=Raw("2021-02-30"))),
    "meeting after the notice": (None, notice_yaml(ngay_hop=Raw("2021-12-30"))),
    "archive without VT": (None, notice_yaml(luu="KGVX")),
    "unknown authority": (None, notice_yaml(nguoi_ky__quyen_han=["XX. CHỦ TỊCH"])),
    "duplicate key and a meaning error": (None, notice_yaml().replace("luu: VT, KGVX", "luu: KGVX\nluu: VT")),
    "refused tag and a meaning error": (None, notice_yaml(dia_danh=Raw("!!python/name:os.system x"), luu="KGVX")),
    "a name line read as a mapping": (None, notice_yaml(co_quan__ten__1=Raw("ỦY BAN<<: NHÂN DÂN"))),
    "comment swallowed (warning only)": (None, notice_yaml(dia_danh=Raw("Quảng Nam #tỉnh"))),
    "empty file": (None, "# chưa viết gì\n"),
    "not UTF-8": (None, notice_yaml().encode("utf-8").replace("Quảng Nam".encode(), b"Qu\xe3ng Nam")),
    "control character": (None, notice_yaml(ho_ten="Võ\x07 Văn Viên")),
    "bad default in tbkl.yaml": (CONFIG.replace("luu: VT, TH", "luu: TH"), MINIMAL),
    "unknown key in tbkl.yaml": ("mauu: ubnd-tinh\n" + CONFIG, MINIMAL),
    "defaults not a mapping": ("mac_dinh: [a, b]\n", MINIMAL),
    "broken tbkl.yaml": (CONFIG + "  nguoi_ky: [\n", MINIMAL),
    "bad default and bad notice": (CONFIG.replace("ho_ten: Nguyễn Văn An", "ho_ten: ''"), MINIMAL + "luu: KGVX\nnguoi_kyy: x\n"),
    "unknown template in the notice": (CONFIG, MINIMAL + "mau: khong-co-mau-nay\n"),
    "unknown template and a meaning error": (CONFIG, MINIMAL + "mau: khong-co-mau-nay\nluu: KGVX\n"),
    "template outside the workspace": (CONFIG, MINIMAL + "mau: ../../mau.docx\n"),
    "unknown template in tbkl.yaml": (CONFIG.replace("mau: ubnd-tinh", "mau: khong-co"), MINIMAL),
    "misspelt template in the notice": (CONFIG, MINIMAL + "mau: ubnd-tinhh\n"),
    "misspelt template in tbkl.yaml": (CONFIG.replace("mau: ubnd-tinh", "mau: ubnd-tinhh"), MINIMAL),
    "extra recipients as one string": (None, notice_yaml(noi_nhan_them="Sở Tài chính")),
    "extra recipients as one string over defaults": (CONFIG, MINIMAL + "noi_nhan_them: Sở Tài chính\n"),
    "impossible date typed day-first": (None, notice_yaml(ngay=Raw("31/02/2026"))),
    "impossible meeting date typed year-first": (None, notice_yaml(ngay_hop=Raw("2026/02/31"))),
    "possible date typed day-first": (None, notice_yaml(ngay=Raw("24.12.2021"))),
    "non-breaking space in the indentation": (None, notice_yaml().replace("  - khoan: Các Sở", "\u00a0 - khoan: Các Sở")),
    "ideographic space in the indentation": (None, notice_yaml().replace("    - TL. CHỦ", "\u3000   - TL. CHỦ")),
    "non-breaking space YAML reads without complaint": (None, notice_yaml().replace("  ho_ten:", "\u00a0 ho_ten:")),
}


def _folder(tmp_path: Path, config: str | None, text: str | bytes) -> Path:
    if config is not None:
        (tmp_path / "tbkl.yaml").write_text(config, encoding="utf-8")
    notice = tmp_path / "notices" / "a.yaml"
    notice.parent.mkdir()
    notice.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return notice


def _problem_lines(output: str, summary: str) -> list[str]:
    return [line for line in output.splitlines() if line and not line.startswith(summary)]


@pytest.mark.parametrize("name", BAD_SOURCES)
def test_check_and_render_print_the_same_problems_for_a_bad_source(name: str, tmp_path: Path) -> None:
    config, text = BAD_SOURCES[name]
    _folder(tmp_path, config, text)
    checked = render_cli(["check", "notices/a.yaml"], cwd=tmp_path)
    rendered = render_cli(["render", "notices/a.yaml", "-o", "out"], cwd=tmp_path)
    check_lines = _problem_lines(checked.stdout, "Đã kiểm tra ")
    render_lines = _problem_lines(rendered.stderr, "Đã tạo ")
    assert check_lines, checked.output
    assert render_lines == check_lines
    has_error = any(": cảnh báo: " not in line for line in check_lines)
    assert checked.exit_code == rendered.exit_code == (1 if has_error else 0)
    assert not (tmp_path / "out" / "a.docx").exists() or not has_error


def test_check_and_render_agree_on_a_number_used_twice_even_beside_an_invalid_notice(tmp_path: Path) -> None:
    notices = tmp_path / "notices"
    notices.mkdir()
    (notices / "a.yaml").write_text(notice_yaml(luu="KGVX"), encoding="utf-8")  # invalid, and number 28
    (notices / "b.yaml").write_text(notice_yaml(), encoding="utf-8")  # valid, number 28 again
    checked = render_cli(["check", "notices"], cwd=tmp_path)
    rendered = render_cli(["render", "notices", "-o", "out", "--keep-going"], cwd=tmp_path)
    check_lines = _problem_lines(checked.stdout, "Đã kiểm tra ")
    assert _problem_lines(rendered.stderr, "Đã tạo ") == check_lines
    assert check_lines[-1] == (
        "notices/b.yaml:7:5: so: số 28/TB-UBND năm 2021 đã dùng ở notices/a.yaml:7 "
        "(mỗi cơ quan đánh số liên tục trong năm, mỗi số chỉ dùng một lần)"
    )
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.docx"))


def test_check_render_and_the_page_tell_a_number_used_twice_in_the_same_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # one cross-file check (pipeline.register_number) behind the three surfaces
    from tbkl_gen.page.engine import check_text
    from tbkl_gen.page.server import Page

    notices = tmp_path / "notices"
    notices.mkdir()
    (notices / "a.yaml").write_text(notice_yaml(), encoding="utf-8")
    second = notices / "b.yaml"
    second.write_text(notice_yaml(), encoding="utf-8")
    checked = _problem_lines(render_cli(["check", "notices"], cwd=tmp_path).stdout, "Đã kiểm tra ")
    rendered = _problem_lines(render_cli(["render", "notices", "-o", "out"], cwd=tmp_path).stderr, "Đã tạo ")
    monkeypatch.chdir(tmp_path)
    workspace = find_workspace(notices)
    page = Page(tmp_path, "token")  # the page's own numbers of the notices before (from its catalog)
    paged = check_text(second.read_text(encoding="utf-8"), second, workspace, lambda: page.numbers_before(second, workspace))
    told = [p.format(tmp_path) for p in paged.problems if p.code == "duplicate_number"]
    expected = (
        "notices/b.yaml:7:5: so: số 28/TB-UBND năm 2021 đã dùng ở notices/a.yaml:7 "
        "(mỗi cơ quan đánh số liên tục trong năm, mỗi số chỉ dùng một lần)"
    )
    assert checked == rendered == [expected]
    assert [line.replace("\\", "/") for line in told] == [expected]


def test_the_pipeline_renders_a_notice_from_its_text_alone(tmp_path: Path) -> None:
    outcome = run(notice_yaml(), tmp_path / "chua-luu.yaml", None)
    assert outcome.problems == [] and outcome.valid
    assert outcome.notice is not None and outcome.notice.so == "28"
    assert outcome.layout is not None and outcome.layout.so == "28"
    assert outcome.document is not None and outcome.document.startswith(b"PK\x03\x04")
    written = tmp_path / "a.docx"
    written.write_bytes(outcome.document)
    assert "Quảng Nam, ngày 24 tháng 12 năm 2021" in document_lines(written)
    assert not (tmp_path / "chua-luu.yaml").exists()  # nothing was read from, or written to, the path


def test_the_pipeline_goes_only_as_far_as_asked(tmp_path: Path) -> None:
    checked = run(notice_yaml(), tmp_path / "a.yaml", None, until="check")
    laid_out = run(notice_yaml(), tmp_path / "a.yaml", None, until="layout")
    assert checked.valid and checked.layout is None and checked.document is None
    assert laid_out.layout is not None and laid_out.document is None


def test_the_pipeline_on_text_says_what_it_says_on_the_file(tmp_path: Path) -> None:
    for name, (config, text) in BAD_SOURCES.items():
        if isinstance(text, bytes):
            continue
        folder = tmp_path / name.replace(" ", "-")
        folder.mkdir()
        notice = _folder(folder, config, text)
        workspace = find_workspace(notice.parent)
        from_text = run(text, notice, workspace)
        from_file = run_file(notice, workspace)
        assert from_text.problems == from_file.problems, name
        assert from_text.problems, name


def test_an_invalid_text_gets_its_problems_and_no_document(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    outcome = run(notice_yaml(luu="KGVX", ngay_hop=Raw("2021-12-30")), path, None)
    assert not outcome.valid and outcome.document is None and outcome.layout is None
    assert outcome.notice is not None  # it loaded whole; its meaning is wrong
    assert [(p.place.line, p.place.field) for p in outcome.problems] == [(9, "ngay"), (19, "luu")]


def test_a_text_gets_the_checks_of_a_file(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    too_large = run("trich_yeu: " + "a" * 1_000_000 + "\n", path, None)
    assert [p.format() for p in too_large.problems] == [
        f"{path.as_posix()}:1:1: tệp quá lớn (1.000.012 byte); một thông báo không vượt quá 1.000.000 byte "
        "(kiểm tra lại tệp: có thể đã chọn nhầm tệp)"
    ]
    with_bom = run("\ufeff" + notice_yaml().replace("\n", "\r\n"), path, None, until="check")
    assert with_bom.valid and with_bom.problems == []
    empty = run("", path, None)
    assert [p.code for p in empty.problems] == ["empty"]


def test_a_problem_added_later_takes_its_place_in_line_order(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    outcome = run(notice_yaml(luu="KGVX", ngay_hop=Raw("2021-12-30")), path, None, until="check")
    outcome.add(Problem(Place(path, 7, 5, "so"), "số đã dùng"))
    assert [p.place.line for p in outcome.problems] == [7, 9, 19]


def test_a_workspace_problem_comes_first(tmp_path: Path) -> None:
    notice = _folder(tmp_path, "mauu: x\n" + CONFIG, MINIMAL + "luu: KGVX\n")
    outcome = run_file(notice, find_workspace(notice.parent), until="check")
    places = [(p.place.file.name, p.place.line) for p in outcome.problems]
    assert places[:2] == [("tbkl.yaml", 1), ("a.yaml", 5)]  # then any inherited from the defaults
    assert all(name == "tbkl.yaml" for name, _ in places[2:])


def test_a_template_that_fails_is_placed_where_it_was_named(tmp_path: Path) -> None:
    text = textwrap.dedent(notice_yaml()) + "mau: khong-co.docx\n"
    outcome = run(text, tmp_path / "a.yaml", None)
    assert not outcome.valid and outcome.document is None
    assert [(p.place.line, p.place.field, p.code) for p in outcome.problems] == [(26, "mau", "template")]
    given = run(notice_yaml(), tmp_path / "a.yaml", None, template="khong-co")
    assert [(p.place.file, p.place.field) for p in given.problems] == [(None, "--template")]


def test_checking_a_notice_that_names_no_template_loads_no_word_machinery(tmp_path: Path) -> None:
    notice = _folder(tmp_path, CONFIG, MINIMAL)
    code = (
        "import sys; from pathlib import Path; from tbkl_gen.pipeline import run_file; "
        "from tbkl_gen.source.workspace import find_workspace; "
        f"p = Path({str(notice)!r}); o = run_file(p, find_workspace(p.parent), until='check'); "
        "print(o.valid, sorted(m for m in ('jinja2', 'docxtpl', 'docx', 'lxml') if m in sys.modules))"
    )
    completed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert completed.stdout.strip() == "True []", completed.stderr
