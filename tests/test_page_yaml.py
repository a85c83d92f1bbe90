"""Saving from the page: the drafter's file keeps its comments and layout; new values read back as typed."""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("ruamel.yaml")

from conftest import EXAMPLES  # noqa: E402
from tbkl_gen.service.yamlsave import editable, updated  # noqa: E402
from tbkl_gen.source.read import read_source  # noqa: E402


def _read(text: str, tmp_path: Path) -> dict:
    path = tmp_path / "n.yaml"
    path.write_text(text, encoding="utf-8")
    source, problems = read_source(path)
    assert source is not None, [p.format() for p in problems]
    assert not [p for p in problems if p.is_error], [p.format() for p in problems]
    return source.data


def _changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_saving_an_unchanged_example_gives_the_same_bytes(example: Path) -> None:
    text = example.read_text(encoding="utf-8")
    assert updated(text, editable(text)) == text


def test_one_edited_paragraph_changes_only_its_own_lines() -> None:
    example = next(p for p in EXAMPLES if p.name == "laocai-cum-cong-nghiep.yaml")
    text = example.read_text(encoding="utf-8")
    data = editable(text)
    data["noi_dung"][1]["noi_dung"][1] = "Tuy nhiên, tiến độ còn chậm."
    assert _changed_lines(text, updated(text, data)) == [
        "-        Tuy nhiên, thẳng thắn nhìn nhận, tiến độ triển khai các cụm công nghiệp vẫn chưa đạt yêu",
        "-        cầu, đang bị cản trở bởi ba “điểm nghẽn” lớn:",
        "+        Tuy nhiên, tiến độ còn chậm.",
    ]


def test_comments_move_with_their_item_when_items_are_reordered() -> None:
    text = "noi_nhan:\n  - Sở Tài chính  # thứ nhất\n  - Sở Xây dựng  # thứ hai\n"
    assert (
        updated(text, {"noi_nhan": ["Sở Xây dựng", "Sở Tài chính"]})
        == "noi_nhan:\n  - Sở Xây dựng  # thứ hai\n  - Sở Tài chính  # thứ nhất\n"
    )


def test_a_new_key_goes_where_the_readme_puts_it_and_a_removed_one_goes() -> None:
    text = "# đầu tệp\nphien_ban: 1\nso:  # chưa cấp số\ntrich_yeu: Kết luận\nluu: VT\n"
    data = {"phien_ban": 1, "so": None, "dia_danh": "Lào Cai", "do_khan": "KHẨN", "trich_yeu": "Kết luận"}
    assert updated(text, data) == "# đầu tệp\nphien_ban: 1\nso:  # chưa cấp số\ndia_danh: Lào Cai\ndo_khan: KHẨN\ntrich_yeu: Kết luận\n"


def test_a_long_new_paragraph_is_folded_near_column_100_like_a_hand_written_one(tmp_path: Path) -> None:
    sentence = "Các sở, ban, ngành tập trung triển khai thực hiện nghiêm túc các nhiệm vụ được giao. " * 4
    text = updated("noi_dung:\n  - Mở đầu.\n", {"noi_dung": ["Mở đầu.", {"khoan": sentence.strip()}]})
    lines = text.splitlines()
    assert lines[2] == "  - khoan: >-"
    assert all(len(line) <= 110 for line in lines)
    assert _read(text, tmp_path)["noi_dung"][1] == {"khoan": sentence.strip()}


@pytest.mark.parametrize(
    ("key", "typed", "read_back"),
    [
        ("so", "012", "012"),
        ("so", "08", "08"),
        ("ho_ten", "NO", "NO"),
        ("luu", "1:30", "1:30"),
        ("trich_yeu", "yes", "yes"),
        ("trich_yeu", "- gạch", "- gạch"),
        ("trich_yeu", "a: b", "a: b"),
        ("trich_yeu", "#1 ưu tiên", "#1 ưu tiên"),
        ("trich_yeu", "~", "~"),
        ("ngay", "2026-06-19", dt.date(2026, 6, 19)),
        ("ngay", "2026-06", "2026-06"),
        ("ngay", "2026", 2026),
    ],
)
def test_yaml_traps_are_quoted_so_the_value_reads_back_as_typed(tmp_path: Path, key: str, typed: str, read_back: object) -> None:
    assert _read(updated("phien_ban: 1\n", {"phien_ban": 1, key: typed}), tmp_path)[key] == read_back


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=200).filter(
    lambda s: s.strip() == s and "\ufeff" not in s and "\ufffe" not in s and "\uffff" not in s
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(_TEXT, min_size=1, max_size=4))
def test_any_text_the_page_writes_reads_back_unchanged(tmp_path: Path, texts: list[str]) -> None:
    data = {"trich_yeu": texts[0], "noi_dung": [texts[0], *({"khoan": t} for t in texts[1:])], "nguoi_ky": {"ho_ten": texts[-1]}}
    read = _read(updated("# giữ dòng này\nphien_ban: 1\n", {"phien_ban": 1, **data}), tmp_path)
    assert {key: read[key] for key in data} == data


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_saving_twice_from_the_same_opened_text_gives_the_same_result(example: Path) -> None:
    text = example.read_text(encoding="utf-8")
    data = editable(text)
    data["trich_yeu"] = "Kết luận mới"
    data["noi_dung"] = list(reversed(data["noi_dung"]))
    first = updated(text, data)
    assert updated(text, data) == first
    assert updated(text, editable(text)) == text  # the cached document was not changed by the edits


def test_new_text_in_a_file_written_in_double_quotes_is_double_quoted_too(tmp_path: Path) -> None:
    text = 'trich_yeu: "Kết luận"\nnoi_dung:\n  - "Mở đầu."\n'
    saved = updated(text, {"trich_yeu": "Kết luận", "noi_dung": ["Mở đầu.", {"khoan": "Sở Tài chính"}]})
    assert saved == 'trich_yeu: "Kết luận"\nnoi_dung:\n  - "Mở đầu."\n  - khoan: "Sở Tài chính"\n'
    assert _read(saved, tmp_path)["noi_dung"][1] == {"khoan": "Sở Tài chính"}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_the_checked_text_reads_as_the_saved_one_and_leaves_the_opened_document_alone(example: Path, tmp_path: Path) -> None:
    # The preview's check merges into a bare copy of the document parsed once per opened text; what
    # it reads must be what saving writes, edit after edit, the document kept for the next edit unchanged.
    from tbkl_gen.service.yamlsave import checked_text

    text = example.read_text(encoding="utf-8")
    data = editable(text)
    edits = [
        lambda d: d.update(trich_yeu="Kết luận mới"),
        lambda d: d.update(noi_dung=list(reversed(d["noi_dung"]))),
        lambda d: d["noi_dung"].append({"khoan": "Khoản mới thêm", "noi_dung": [{"diem": "điểm mới"}]}),
        lambda d: d.update(ngay="21/4/2026", so=""),
        lambda d: d.pop("noi_nhan_them", None),
    ]
    for edit in edits:
        edit(data)
        assert _read(checked_text(text, data), tmp_path) == _read(updated(text, data), tmp_path)
    assert checked_text(text, editable(text)) == checked_text(text, editable(text))
    assert _read(checked_text(text, editable(text)), tmp_path) == _read(text, tmp_path)
