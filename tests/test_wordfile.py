"""Word files from anyone: hostile ones are refused with a message, real ones pass the limits.

Every case of tests/hostile_docx.py goes through the real command line twice, as the file audited
by `tbkl check --docx` and as the template of `tbkl render --template`: exit code 1, one exact
Vietnamese line naming the file, no traceback, nothing written, in under 2 seconds of processor time. The big cases
run in a child process of their own, so that their time and memory are real.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import sys
import time
import zipfile
from pathlib import Path

import hostile_docx as hostile
import pytest
from click.testing import CliRunner
from conftest import SHARED, shared_file
from factories import notice_yaml

from tbkl_gen import wordfile
from tbkl_gen.cli import main
from tbkl_gen.errors import WordFileRefused
from tbkl_gen.word.render import builtin_template_names, builtin_templates_dir
from tbkl_gen.wordfile import open_word_file

REAL = SHARED / "real"
DOCTYPE = "có khai báo DOCTYPE (DTD, thực thể); tệp Word không bao giờ có, và đó là cách của bom thực thể"

REASONS = {
    "not-a-zip": "không phải tệp Word .docx (tệp .docx là một gói zip; tệp này có thể là loại khác bị đổi đuôi)",
    "empty": "tệp rỗng (0 byte)",
    "old-word": "đây là tệp Word 97-2003 (.doc) hoặc tệp .docx có mật khẩu; hãy mở bằng Word và lưu lại dạng .docx không đặt mật khẩu",
    "no-document": "thiếu phần word/document.xml: đây không phải văn bản Word .docx hoặc tệp đã hỏng",
    "malformed-xml": "phần “word/document.xml” không phải XML hợp lệ (dòng 4, cột 3)",
    "billion-laughs": f"phần “word/document.xml” {DOCTYPE}",
    "external-entity": f"phần “word/document.xml” {DOCTYPE}",
    "zip-bomb": "phần “word/media/zeros.bin” giải nén ra 1.024 MB, quá giới hạn 50 MB một phần",
    "zip-bomb-lying-size": "phần “word/media/zeros.bin” bị hỏng, không giải nén được",
    "five-million-paragraphs": "phần “word/document.xml” nén 672 lần, quá giới hạn 200 lần (dấu hiệu bom nén)",
    "many-elements": "phần “word/document.xml” vượt giới hạn 250.000 phần tử XML của một tệp Word",
    "200000-parts": "mục lục của gói zip dài 10.530.281 byte, quá giới hạn 1.024.000 byte (quá nhiều phần hoặc tên phần quá dài)",
    "deep-nesting": "phần “word/document.xml” lồng sâu hơn 256 cấp",
    "name-parent": "tên phần “../../x” không hợp lệ (có “..” hoặc “.”)",
    "name-absolute": "tên phần “/etc/x” không hợp lệ (đường dẫn tuyệt đối)",
    "name-drive": "tên phần “C:\\x” không hợp lệ (có tên ổ đĩa)",
    "name-duplicate": "phần “Word/Document.xml” có hai lần trong gói",
    "not-utf8": "phần “word/document.xml” không mã hóa UTF-8 (Word luôn lưu UTF-8; hãy mở bằng Word và lưu lại)",
    "long-paragraph": (
        "phần “word/document.xml” có một đoạn chữ liền dài hơn 10.000.000 byte, quá giới hạn của một đoạn chữ trong tệp Word"
        " mà trình đọc XML chấp nhận; một thông báo 50 trang có khoảng 200.000 chữ"
    ),
    "long-attribute": "phần “word/document.xml” có một thuộc tính XML dài hơn 1.000.000 byte, quá giới hạn của một thuộc tính trong tệp Word",
    "fifo": "đây là một ống dẫn (FIFO), không phải một tệp",
    "device": "đây là một thiết bị, không phải một tệp",
    "directory": "đây là một thư mục, không phải một tệp",
}
# Run in a child process of their own: the files that are big once decompressed or counted, and
# the ones that would block or never end if read (a FIFO, /dev/zero).
IN_CHILD = {
    "zip-bomb",
    "zip-bomb-lying-size",
    "five-million-paragraphs",
    "long-paragraph",
    "many-elements",
    "200000-parts",
    "deep-nesting",
    "fifo",
    "device",
}
# `tbkl render` takes a template path only when it is a regular file: these get "no such template".
NOT_A_FILE = {"fifo", "device", "directory"}
SECONDS = 2.0
PEAK_MIB = 100

CASES = [case for case in hostile.CASES if case.available]


def test_every_case_has_its_expected_message() -> None:
    assert {case.name for case in hostile.CASES} == set(REASONS)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {case.name: case.write(folder) for case in CASES}


@pytest.fixture(scope="module")
def notice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("notice") / "a.yaml"
    path.write_text(notice_yaml(), encoding="utf-8")
    return path


def run_command(args: list[str], cwd: Path, in_child: bool) -> hostile.Measured:
    """Run tbkl ARGS in cwd: in a measured child process, or in this one through click."""
    if in_child:
        return hostile.run_measured(args, cwd)
    old = Path.cwd()
    os.chdir(cwd)
    start, busy = time.perf_counter(), time.process_time()
    try:
        result = CliRunner().invoke(main, args)
    finally:
        os.chdir(old)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    seconds, cpu = time.perf_counter() - start, time.process_time() - busy
    return hostile.Measured(result.exit_code, result.stdout, result.stderr, seconds, None, cpu)


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_check_docx_refuses_the_file_with_a_message(case: hostile.Case, corpus: dict[str, Path]) -> None:
    path = corpus[case.name]
    before = listing(path.parent)
    outcome = run_command(["check", "--docx", str(path)], path.parent, case.name in IN_CHILD)
    assert outcome.returncode == 1, outcome.stderr
    assert outcome.stderr == f"{path.as_posix()}: không mở được tệp Word: {REASONS[case.name]}\n"
    assert outcome.stdout == ""
    assert "Traceback" not in outcome.stderr
    assert listing(path.parent) == before
    assert outcome.busy_seconds < SECONDS
    if outcome.peak_mib is not None:
        assert outcome.peak_mib < PEAK_MIB


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_render_refuses_the_file_as_a_template(case: hostile.Case, corpus: dict[str, Path], notice: Path, tmp_path: Path) -> None:
    path = corpus[case.name]
    out = tmp_path / "out"
    outcome = run_command(["render", str(notice), "-o", str(out), "--template", str(path)], tmp_path, case.name in IN_CHILD)
    assert outcome.returncode == 1, outcome.stderr
    first = outcome.stderr.splitlines()[0]
    if case.name in NOT_A_FILE:  # named for what it is, before anything opens it
        assert first == f"--template: {path.as_posix()}: mẫu Word không dùng được: {REASONS[case.name]}"
    else:
        assert first == f"--template: {path.resolve().as_posix()}: mẫu Word không dùng được: {REASONS[case.name]}"
    assert "Traceback" not in outcome.stderr
    assert not out.exists()
    assert outcome.busy_seconds < SECONDS
    if outcome.peak_mib is not None:
        assert outcome.peak_mib < PEAK_MIB


def test_check_docx_audits_the_other_files_of_the_same_command(corpus: dict[str, Path]) -> None:
    good = builtin_templates_dir() / "ubnd-tinh.docx"
    bad = corpus["billion-laughs"]
    result = CliRunner().invoke(main, ["check", "--docx", str(bad), "--docx", str(good)])
    assert result.exit_code == 1
    assert result.stderr == f"{bad.as_posix()}: không mở được tệp Word: {REASONS['billion-laughs']}\n"
    assert result.stdout.startswith(f"{good.as_posix()}:\nQuy tắc 1 — ")
    assert "Tổng cộng: " in result.stdout


def test_a_word_file_among_the_paths_is_audited_as_docx_audits_it(corpus: dict[str, Path], tmp_path: Path) -> None:
    """`tbkl check --docx a.docx b.docx` (one flag, two files) and `tbkl check a.yaml b.docx`: b.docx is audited, not
    refused as a source that is not YAML; a file named twice is audited once."""
    good = builtin_templates_dir() / "ubnd-tinh.docx"
    bad = corpus["billion-laughs"]
    source = tmp_path / "a.yaml"
    source.write_text(notice_yaml(), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--docx", str(good), str(bad), str(source), str(good)])
    assert result.exit_code == 1
    assert result.stderr == f"{bad.as_posix()}: không mở được tệp Word: {REASONS['billion-laughs']}\n"
    assert result.stdout.startswith("Đã kiểm tra 1 tệp: 0 lỗi, 0 cảnh báo.\n" + f"{good.as_posix()}:\nQuy tắc 1 — ")
    assert result.stdout.count("Tổng cộng: ") == 1 and "không phải tệp thông báo YAML" not in result.output
    assert CliRunner().invoke(main, ["render", str(source), "-o", str(tmp_path), "--quiet"]).exit_code == 0
    rendered = tmp_path / "a.docx"
    alone = CliRunner().invoke(main, ["check", str(rendered)])
    assert alone.exit_code == 0 and alone.stdout.startswith(f"{rendered.as_posix()}:\nQuy tắc 1 — "), alone.output
    assert "Đã kiểm tra" not in alone.stdout and alone.stdout.endswith("Tổng cộng: 26 đạt, 0 lỗi, 2 không áp dụng\n")


def test_check_docx_reports_a_refusal_in_json(corpus: dict[str, Path]) -> None:
    bad = corpus["empty"]
    result = CliRunner().invoke(main, ["check", "--docx", str(bad), "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["docx"] == [
        {"tep": bad.as_posix(), "loi": f"{bad.as_posix()}: không mở được tệp Word: tệp rỗng (0 byte)"}
    ]


@pytest.mark.parametrize(
    ("content_types", "relationships", "error"),
    [
        (hostile.CONTENT_TYPES.replace(b"document.main+xml", b"template.main+xml"), hostile.RELS, "ValueError"),
        (hostile.CONTENT_TYPES, hostile.RELS.replace(b"word/document.xml", b"word/missing.xml"), "KeyError"),
        (hostile.CONTENT_TYPES, b"<Relationships/>", "AttributeError"),
    ],
    ids=["template-content-type", "missing-main-part", "relationships-without-namespace"],
)
def test_check_docx_explains_a_file_within_the_limits_that_python_docx_cannot_read(
    tmp_path: Path, content_types: bytes, relationships: bytes, error: str
) -> None:
    entries = [hostile.deflated("[Content_Types].xml", content_types), hostile.deflated("_rels/.rels", relationships)]
    path = hostile.write_zip(tmp_path / "a.docx", [*entries, hostile.deflated("word/document.xml", hostile.DOCUMENT)])
    result = CliRunner().invoke(main, ["check", "--docx", str(path)])
    assert result.exit_code == 1
    reason = f"không đọc được cấu trúc văn bản Word ({error}); hãy mở bằng Word và lưu lại"
    assert result.stderr == f"{path.as_posix()}: không mở được tệp Word: {reason}\n"


# --- real files pass, and what they pass is what the zip holds ------------------------------------


def _zip_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {info.filename: package.read(info) for info in package.infolist()}


@pytest.mark.parametrize("name", builtin_template_names())
def test_builtin_templates_pass_with_every_part_in_order(name: str) -> None:
    path = builtin_templates_dir() / f"{name}.docx"
    checked = open_word_file(path)
    assert checked.data == path.read_bytes()
    assert list(checked.parts.items()) == list(_zip_parts(path).items())


@pytest.mark.parametrize("name", ["lamdong-so-khcn.docx", "lamdong-quy-hoach-chung-xa.docx"])
def test_real_word_originals_pass(name: str) -> None:
    path = shared_file(REAL / name)
    assert list(open_word_file(path).parts.items()) == list(_zip_parts(path).items())


def test_our_rendered_notices_pass(rendered_examples: dict[Path, Path]) -> None:
    for output in rendered_examples.values():
        open_word_file(output)


def test_a_fifty_page_notice_with_photographs_passes(tmp_path: Path) -> None:
    source = builtin_templates_dir() / "ubnd-tinh.docx"
    parts = _zip_parts(source)
    body = re.search(rb"<w:body>(.*)<w:sectPr", parts["word/document.xml"], re.DOTALL)
    assert body is not None
    page = b"<w:p><w:r><w:t>" + "Nội dung kết luận của lãnh đạo tại cuộc họp. ".encode() * 12 + b"</w:t></w:r></w:p>"
    document = parts["word/document.xml"].replace(body.group(1), body.group(1) + page * 15 * 50, 1)
    photographs = {f"word/media/image{n}.jpeg": random.Random(n).randbytes(400_000) for n in range(1, 26)}
    path = tmp_path / "fifty-pages.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, blob in {**parts, "word/document.xml": document, **photographs}.items():
            package.writestr(name, blob)
    assert path.stat().st_size > 10_000_000
    start = time.perf_counter()
    checked = open_word_file(path)
    assert time.perf_counter() - start < SECONDS
    assert checked.parts["word/document.xml"] == document


# --- the limits, one at a time -----------------------------------------------------------------


def _docx(tmp_path: Path, *extra: hostile.Entry, document: bytes = hostile.DOCUMENT, types: bytes = hostile.CONTENT_TYPES) -> Path:
    entries = [hostile.deflated("[Content_Types].xml", types), hostile.deflated("_rels/.rels", hostile.RELS)]
    return hostile.write_zip(tmp_path / "a.docx", [*entries, hostile.deflated("word/document.xml", document), *extra])


def _refusal(path: Path) -> str:
    with pytest.raises(WordFileRefused) as caught:
        open_word_file(path)
    assert str(caught.value) == f"{path.as_posix()}: không mở được tệp Word: {caught.value.reason}"
    return caught.value.reason


def _nested(depth: int) -> bytes:
    return hostile._DOCUMENT_HEAD + b"<a>" * (depth - 2) + b"</a>" * (depth - 2) + hostile._DOCUMENT_TAIL


def test_xml_nested_as_deep_as_the_limit_passes_and_one_more_is_refused(tmp_path: Path) -> None:
    open_word_file(_docx(tmp_path, document=_nested(wordfile.MAX_XML_DEPTH)))
    assert _refusal(_docx(tmp_path, document=_nested(wordfile.MAX_XML_DEPTH + 1))) == "phần “word/document.xml” lồng sâu hơn 256 cấp"


def test_a_dtd_is_refused_in_any_part_not_only_the_body(tmp_path: Path) -> None:
    header = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><w:hdr xmlns:w="' + hostile.W_NS.encode() + b'">&a;</w:hdr>'
    assert _refusal(_docx(tmp_path, hostile.deflated("word/header1.xml", header))) == f"phần “word/header1.xml” {DOCTYPE}"


def test_a_dtd_in_the_content_types_is_refused_before_anything_else_is_read(tmp_path: Path) -> None:
    types = hostile.CONTENT_TYPES.replace(b"\n<Types", b'\n<!DOCTYPE Types [<!ENTITY a "b">]>\n<Types', 1)
    assert _refusal(_docx(tmp_path, types=types)) == f"phần “[Content_Types].xml” {DOCTYPE}"


def test_a_part_with_an_xml_content_type_is_checked_whatever_its_name(tmp_path: Path) -> None:
    types = hostile.CONTENT_TYPES.replace(
        b"</Types>", b'<Override PartName="/word/body.bin" ContentType="application/vnd.ms-office.body+xml"/></Types>'
    )
    path = _docx(tmp_path, hostile.deflated("word/body.bin", b"<not xml"), types=types)
    assert _refusal(path) == "phần “word/body.bin” không phải XML hợp lệ (dòng 1, cột 1)"


def test_pictures_and_vml_are_not_parsed_as_xml(tmp_path: Path) -> None:
    types = hostile.CONTENT_TYPES.replace(b"</Types>", b'<Default Extension="svg" ContentType="image/svg+xml"/></Types>')
    svg = b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd"><svg/>'
    vml = b"<xml><v:shape><br></v:shape></xml>"  # Word's VML is often not well-formed
    open_word_file(
        _docx(tmp_path, hostile.deflated("word/media/a.svg", svg), hostile.deflated("word/drawings/vmlDrawing1.vml", vml), types=types)
    )


def test_a_small_part_may_compress_well_but_a_big_one_not_beyond_the_ratio(tmp_path: Path) -> None:
    small = hostile.repeated("word/media/a.bin", b"", b"\0" * 1024, 1000, b"")  # 1,000 KiB at about 1,000x
    open_word_file(_docx(tmp_path, small))
    big = hostile.repeated("word/media/a.bin", b"", b"\0" * 1024, 2048, b"")
    assert re.fullmatch(
        r"phần “word/media/a\.bin” nén [\d.]+ lần, quá giới hạn 200 lần \(dấu hiệu bom nén\)", _refusal(_docx(tmp_path, big))
    )


def test_the_parts_together_may_not_exceed_the_total(tmp_path: Path) -> None:
    # 40 MiB each, a random 16 KiB repeated: about 60x, within the ratio; 120 MiB together.
    parts = [hostile.repeated(f"word/media/{n}.bin", b"", random.Random(n).randbytes(16 << 10), 2560, b"") for n in range(3)]
    assert _refusal(_docx(tmp_path, *parts)) == "các phần giải nén ra hơn 100 MB, quá giới hạn của một tệp Word"


def test_too_many_parts_are_refused_by_their_count(tmp_path: Path) -> None:
    parts = [hostile.stored(f"p/{n}", b"") for n in range(wordfile.MAX_PARTS)]
    assert _refusal(_docx(tmp_path, *parts)) == "gói có 2.003 phần, quá giới hạn 2.000 phần"


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.docx"
    with open(path, "wb") as handle:
        handle.truncate(wordfile.MAX_FILE_BYTES + 1)  # sparse: nothing is written
    assert _refusal(path) == "tệp lớn 21 MB, quá giới hạn 20 MB của một tệp Word"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("word/./x", "có “..” hoặc “.”"),
        ("word//x", "có đoạn tên rỗng"),
        pytest.param("word\\x", "có dấu “\\”", marks=pytest.mark.skipif(sys.platform == "win32", reason="zipfile reads \\ as / there")),
        ("word/\x01x", "có ký tự điều khiển"),
    ],
)
def test_entry_names_that_no_word_file_has_are_refused(tmp_path: Path, name: str, reason: str) -> None:
    shown = name.encode("unicode_escape").decode("ascii") if "\x01" in name else name
    assert _refusal(_docx(tmp_path, hostile.deflated(name, b"x"))) == f"tên phần “{shown}” không hợp lệ ({reason})"


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    assert _refusal(tmp_path / "nowhere.docx") == "không tìm thấy tệp"


def test_checked_bytes_are_what_python_docx_reads(tmp_path: Path) -> None:
    import docx

    checked = open_word_file(builtin_templates_dir() / "ubnd-tinh.docx")
    document = docx.Document(checked.stream())
    assert document.paragraphs  # read from the bytes in memory, not from the path again
    assert isinstance(checked.stream(), io.BytesIO)


def test_a_workspace_template_beyond_the_limits_is_a_problem_of_tbkl_check(tmp_path: Path, corpus: dict[str, Path]) -> None:
    runner = CliRunner()
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        assert runner.invoke(main, ["init", "ws"]).exit_code == 0
        (tmp_path / "ws" / "templates" / "x.docx").write_bytes(corpus["zip-bomb"].read_bytes())
        os.chdir(tmp_path / "ws")
        assert runner.invoke(main, ["new", "Kết luận thử"]).exit_code == 0
        result = runner.invoke(main, ["check"])
    finally:
        os.chdir(old)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == f"templates/x.docx: {REASONS['zip-bomb']}"


def test_package_refuses_loudly_what_the_plain_zip_format_cannot_count() -> None:
    from tbkl_gen.word.write import package

    with pytest.raises(ValueError, match="need zip64"):
        package({f"p/{n}": b"" for n in range(0x10000)})


@pytest.mark.parametrize("command", [["text"], ["diff", "{good}"], ["preview"]], ids=["text", "diff", "preview"])
def test_text_diff_and_preview_refuse_a_hostile_docx_before_reading_it(command: list[str], corpus: dict[str, Path]) -> None:
    bad = corpus["zip-bomb"]
    good = builtin_templates_dir() / "ubnd-tinh.docx"
    args = [argument.format(good=good) for argument in command]
    result = CliRunner().invoke(main, [args[0], str(bad), *args[1:]])
    assert result.exit_code == 1
    assert result.stderr == f"{bad.as_posix()}: không mở được tệp Word: {REASONS['zip-bomb']}\n"


def test_a_49_megabyte_paragraph_is_refused_by_the_limit_it_passes_not_called_damaged(tmp_path: Path) -> None:
    path = hostile.long_paragraph(tmp_path, megabytes=49)
    reason = REASONS["long-paragraph"]
    imported = hostile.run_measured(["import", str(path), "-o", str(tmp_path / "out")], tmp_path)
    assert imported.returncode == 1
    assert f"{path.as_posix()}: không nhập được: {reason}\n" in imported.stderr
    text = hostile.run_measured(["text", str(path)], tmp_path)
    assert text.returncode == 1
    assert f"{path.as_posix()}: không mở được tệp Word: {reason}\n" in text.stderr
    for outcome in (imported, text):
        assert "hỏng" not in outcome.stderr
        assert "Traceback" not in outcome.stderr
