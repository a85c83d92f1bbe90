"""Templates from someone else: they cannot run code, read files, or exhaust the machine.

Offices pass Word templates around by e-mail. Each hostile template here goes through every route
by which a template reaches the renderer (a workspace template named in tbkl.yaml, --template, a
notice's `mau:`, a tbkl.yaml above the notice) and must end with a Vietnamese message naming it,
exit code 1, nothing run (a payload that would create a marker file does not), nothing written,
in bounded time.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import shutil
import string
import subprocess
import sys
import time
import zipfile

import docx
from pathlib import Path

import pytest

from conftest import NOTICES, ROOT, render_cli
from tbkl_gen.word.render import find_template

SEED = NOTICES / "2021" / "tbkl-thong-tin-doi-ngoai.yaml"
BUILT_IN = ROOT / "templates" / "ubnd-tinh.docx"
MARKER = "tbkl-marker"


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Give each test an empty cache of its own, so a test never reads another one's forms."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("TBKL_CACHE_DIR", str(cache))
    return cache


def hostile(
    target: Path,
    payload: str = "{{ trich_yeu }}",
    *,
    part: str = "word/document.xml",
    replace: str = "{{r trich_yeu_dong }}",
    entries: dict[str, bytes] | None = None,
    change: dict[str, bytes] | None = None,
) -> Path:
    """Write a copy of the built-in template with payload in place of a tag, or with other parts.

    The tag replaced by default is the summary's, `{{r trich_yeu_dong }}`, alone in its paragraph.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(BUILT_IN) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                data = data.replace(replace.encode("utf-8"), payload.encode("utf-8"), 1)
            copy.writestr(info.filename, (change or {}).get(info.filename, data))
        for name, data in (entries or {}).items():
            copy.writestr(name, data)
    target.write_bytes(buffer.getvalue())
    return target


def _letters(count: int) -> str:
    """Return count random lowercase letters, the same on every run."""
    return "".join(random.Random(0).choices(string.ascii_lowercase, k=count))


def run_code(folder: Path) -> str:
    """Return a payload that would create a marker file in folder, through jinja's globals."""
    return f"{{{{ cycler.__init__.__globals__.os.popen('touch {(folder / MARKER).as_posix()}').read() }}}}"


def docx_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.docx")) if folder.exists() else []


def workspace_with(tmp_path: Path, template: Path | None = None) -> Path:
    """Return a workspace with one notice; template, when given, becomes templates/evil.docx."""
    folder = tmp_path / "ws"
    assert render_cli(["init", str(folder)]).exit_code == 0
    (folder / "notices" / "a.yaml").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    if template is not None:
        shutil.copyfile(template, folder / "templates" / "evil.docx")
        config = folder / "tbkl.yaml"
        config.write_text(config.read_text(encoding="utf-8").replace('mau: "ubnd-tinh"', 'mau: "evil"'), encoding="utf-8")
    return folder


def config_line(folder: Path) -> int:
    lines = (folder / "tbkl.yaml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if line.startswith("mau:"))


# --- the payloads: each refused, with the tag and where it sits --------------------------------

IN_BODY = "phần thân, đoạn thứ tư"  # after {%p if ten_loai %}, the title and {%p if trich_yeu %}
REFUSED_TAGS = {
    "run-command": (
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "tên “cycler” không có trong hợp đồng mẫu",
    ),
    "read-passwd": ("{{ lipsum.__globals__['os'] }}", "tên “lipsum” không có trong hợp đồng mẫu"),
    "attribute-of-a-string": ("{{ trich_yeu.__class__.__mro__ }}", "thuộc tính “__class__” không có trong hợp đồng mẫu"),
    "method-of-a-string": ("{{ trich_yeu.format(1) }}", "thuộc tính “format” không có trong hợp đồng mẫu"),
    "attribute-of-range": ("{{ range.__globals__ }}", "thuộc tính “__globals__” không có trong hợp đồng mẫu"),
    "attr-filter": ("{{ trich_yeu|attr('__class__') }}", "bộ lọc “attr” không được dùng trong mẫu"),
    "huge-filter": ("{{ trich_yeu|center(1000000000) }}", "bộ lọc “center” không được dùng trong mẫu"),
    "self": ("{{ self }}", "tên “self” không có trong hợp đồng mẫu"),
    "namespace": ("{{ namespace() }}", "tên “namespace” không có trong hợp đồng mẫu"),
    "loop-outside-a-loop": ("{{ loop.cycle }}", "tên “loop” không có trong hợp đồng mẫu"),
    "include": ("{% include '/etc/passwd' %}", "lệnh “include” không được dùng trong mẫu (chỉ dùng if, for và biến của hợp đồng mẫu)"),
    "import": ("{% import 'os' as os %}", "lệnh “import” không được dùng trong mẫu (chỉ dùng if, for và biến của hợp đồng mẫu)"),
    "extends": ("{% extends 'x' %}", "lệnh “extends” không được dùng trong mẫu (chỉ dùng if, for và biến của hợp đồng mẫu)"),
    "set": ("{% set x = trich_yeu %}", "lệnh “set” không được dùng trong mẫu (chỉ dùng if, for và biến của hợp đồng mẫu)"),
    "macro": ("{% macro f() %}", "lệnh “macro” không được dùng trong mẫu (chỉ dùng if, for và biến của hợp đồng mẫu)"),
    "unclosed": ("{{ trich_yeu ", "thẻ chưa đóng (thiếu “}}”)"),
}


@pytest.mark.parametrize("payload, reason", REFUSED_TAGS.values(), ids=REFUSED_TAGS.keys())
def test_a_refused_tag_is_named_with_where_it_sits_and_nothing_is_written(tmp_path: Path, payload: str, reason: str) -> None:
    template = hostile(tmp_path / "evil.docx", payload)
    result = render_cli(["render", str(SEED), "-o", str(tmp_path / "out"), "--template", str(template)])
    assert result.exit_code == 1
    shown = payload.rstrip() if payload.endswith(" ") else payload
    assert f"--template: {template.as_posix()}: mẫu Word không dùng được: {IN_BODY}: thẻ “{shown}”: {reason}\n" in result.output
    assert not (tmp_path / "out").exists()


# A tag refused beside other tags in its paragraph, some only by where it sits (a loop's variable
# outside that loop): the message names it, not the first tag of the paragraph.
OUT_OF_SCOPE = {
    "after-its-loop": ("{% for x in noi_nhan %}{{ x }}{% endfor %} {{ x }}", "{{ x }}", "tên “x” không có trong hợp đồng mẫu"),
    "loop-outside-a-loop": ("{{ so }} {% if loop.index %}{% endif %}", "{% if loop.index %}", "tên “loop” không có trong hợp đồng mẫu"),
    "in-another-loop": (
        "{{ so }} {% for a in noi_nhan %}{% endfor %}{% for b in noi_nhan %}{{ a }}{% endfor %}",
        "{{ a }}",
        "tên “a” không có trong hợp đồng mẫu",
    ),
    "loop-cycle": (
        "{% for x in noi_nhan %}{{ loop.cycle(x) }}{% endfor %}",
        "{{ loop.cycle(x) }}",
        "thuộc tính “cycle” không có trong hợp đồng mẫu",
    ),
    "after-else": ("{% for a in noi_nhan %}{% else %}{{ a }}{% endfor %}", "{{ a }}", "tên “a” không có trong hợp đồng mẫu"),
}


@pytest.mark.parametrize("payload, tag, reason", OUT_OF_SCOPE.values(), ids=OUT_OF_SCOPE.keys())
def test_a_refused_tag_among_others_is_named_itself_not_its_neighbour(tmp_path: Path, payload: str, tag: str, reason: str) -> None:
    template = hostile(tmp_path / "evil.docx", payload)
    result = render_cli(["render", str(SEED), "-o", str(tmp_path / "out"), "--template", str(template)])
    assert result.exit_code == 1
    assert f"--template: {template.as_posix()}: mẫu Word không dùng được: {IN_BODY}: thẻ “{tag}”: {reason}\n" in result.output


def test_nested_loops_may_use_the_outer_variable(tmp_path: Path) -> None:
    template = hostile(
        tmp_path / "rieng.docx", "{% for a in noi_nhan %}{% for b in co_quan.ten %}{{ a ~ b ~ loop.index }}{% endfor %}{% endfor %}"
    )
    result = render_cli(["render", str(SEED), "-o", str(tmp_path / "out"), "--template", str(template)])
    assert result.exit_code == 0, result.output


def test_a_command_in_a_template_never_runs_by_any_route(tmp_path: Path) -> None:
    template = hostile(tmp_path / "mail" / "evil.docx", run_code(tmp_path))
    folder = workspace_with(tmp_path, template)
    refusal = "mẫu Word không dùng được: phần thân, đoạn thứ tư: thẻ “{{ cycler.__init__"
    line = config_line(folder)

    by_workspace = render_cli(["render"], cwd=folder)
    assert by_workspace.exit_code == 1
    assert f"tbkl.yaml:{line}:6: mau: {(folder / 'templates' / 'evil.docx').as_posix()}: {refusal}" in by_workspace.output

    by_flag = render_cli(["render", str(SEED), "-o", str(tmp_path / "out"), "--template", str(template)])
    assert by_flag.exit_code == 1
    assert f"--template: {template.as_posix()}: {refusal}" in by_flag.output

    notice = folder / "notices" / "b.yaml"
    notice.write_text("mau: ../templates/evil.docx\n" + SEED.read_text(encoding="utf-8"), encoding="utf-8")
    by_notice = render_cli(["render", str(notice), "-o", str(tmp_path / "out")], cwd=folder)
    assert by_notice.exit_code == 1
    assert f"notices/b.yaml:1:6: mau: {(folder / 'templates' / 'evil.docx').as_posix()}: {refusal}" in by_notice.output

    check = render_cli(["check"], cwd=folder)
    assert check.exit_code == 1
    assert "templates/evil.docx: phần thân, đoạn thứ tư: thẻ “{{ cycler.__init__" in check.output
    assert "tên “cycler” không có trong hợp đồng mẫu" in check.output

    assert not (tmp_path / MARKER).exists()
    assert docx_files(tmp_path / "out") == [] and docx_files(folder / "out") == []


def test_a_tag_in_a_table_cell_of_a_header_is_named_by_its_cell(tmp_path: Path) -> None:
    table = (
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Trang</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>{{ cycler.__init__ }}</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p>"
    )
    template = hostile(tmp_path / "ws" / "templates" / "evil.docx", table, part="word/header1.xml", replace="<w:p>")
    folder = workspace_with(tmp_path)
    shutil.move(template, folder / "templates" / "evil.docx")
    result = render_cli(["check"], cwd=folder)
    assert result.exit_code == 1
    assert (
        "templates/evil.docx: phần đầu trang (word/header1.xml), bảng thứ nhất, hàng thứ nhất, ô thứ hai, đoạn thứ nhất: "
        "thẻ “{{ cycler.__init__ }}”: tên “cycler” không có trong hợp đồng mẫu"
    ) in result.output


def test_an_unclosed_tag_is_an_error_naming_the_tag(tmp_path: Path) -> None:
    folder = workspace_with(tmp_path, hostile(tmp_path / "evil.docx", "{{ trich_yeu "))
    result = render_cli(["check"], cwd=folder)
    assert result.exit_code == 1
    assert "templates/evil.docx: phần thân, đoạn thứ tư: thẻ “{{ trich_yeu”: thẻ chưa đóng (thiếu “}}”)" in result.output
    assert render_cli(["render"], cwd=folder).exit_code == 1
    assert docx_files(folder / "out") == []


def test_an_if_without_endif_is_named_by_what_is_missing(tmp_path: Path) -> None:
    # in the header's date line, outside the built-in template's own if-blocks (whose endif it would take)
    template = hostile(tmp_path / "evil.docx", "{% if so %}{{ dia_danh_ngay }}", replace="{{ dia_danh_ngay }}")
    result = render_cli(["render", str(SEED), "-o", str(tmp_path / "out"), "--template", str(template)])
    assert result.exit_code == 1
    assert ": thẻ “{% if so %}”: thiếu thẻ đóng “endif”\n" in result.output, result.output


def test_a_template_may_use_loops_conditions_filters_and_arithmetic_of_the_contract(tmp_path: Path) -> None:
    allowed = (
        "{% for muc in noi_nhan %}{{ loop.index }}. {{ muc|upper }}{% if not loop.last %}; {% endif %}{% endfor %}"
        " | {{ noi_dung[0].kieu }} | {{ co_quan['ten'][0]|title }} | {{ range(3)|length }} | {{ 2 * 3 }} | {{ '-' * 3 }}"
        " | {{ nguoi_ky.ho_ten if nguoi_ky.ho_ten is defined else '' }} | {{ trich_yeu|default('') == trich_yeu }}"
    )
    template = hostile(tmp_path / "rieng.docx", allowed)
    result = render_cli(["render", str(SEED), "-o", str(tmp_path / "out"), "--template", str(template)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "out" / "tbkl-thong-tin-doi-ngoai.docx") as package:
        document = package.read("word/document.xml").decode("utf-8")
    assert "1. CT, CÁC PCT UBND TỈNH; 2. CÁC SỞ, BAN, NGÀNH; 3. " in document
    assert " | doan | Ủy Ban Nhân Dân | 3 | 6 | --- | " in document
    assert document.count(" | True<") == 1


# --- work without end: loops, output size, time ------------------------------------------------

ENDLESS = {
    "huge-range": ("{% for x in range(10**9) %}x{% endfor %}", "phần thân: range quá 10.000 phần tử"),
    "nested-loops": (
        "{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}",
        "phần thân: vòng lặp chạy quá 1.000.000 lần",
    ),
    "huge-output": (
        "{% for a in range(10000) %}{% for b in range(90) %}{{ trich_yeu }}{% endfor %}{% endfor %}",
        "phần thân: kết quả vượt quá 50 MB",
    ),
    "string-times-number": ("{{ 'a' * 1000000000 }}", "phần thân: phép tính “*” cho kết quả quá lớn"),
    "power": ("{{ 10 ** 100000000 }}", "phần thân: phép tính “**” cho kết quả quá lớn"),
    "string-formatting": ("{{ '%999999999d' % 1 }}", "phần thân: phép “%” trên chuỗi không được dùng trong mẫu"),
}


@pytest.mark.parametrize("payload, message", ENDLESS.values(), ids=ENDLESS.keys())
def test_work_without_end_is_stopped_with_a_message(tmp_path: Path, payload: str, message: str) -> None:
    template = hostile(tmp_path / "evil.docx", payload)
    started = time.monotonic()
    result = render_cli(["render", str(SEED), "-o", str(tmp_path / "out"), "--template", str(template)])
    assert time.monotonic() - started < 15
    assert result.exit_code == 1
    assert f"--template: {template.as_posix()}: mẫu Word không dùng được: {message}\n" in result.output
    assert not (tmp_path / "out").exists()


def test_a_two_megabyte_template_cannot_expand_to_gigabytes(tmp_path: Path) -> None:
    # Random letters: a payload that compresses 1,000x is refused earlier, by tbkl_gen.wordfile's ratio limit.
    body = "{% for a in range(10000) %}" + "{{ trich_yeu }}" * 1000 + _letters(1_900_000) + "{% endfor %}"
    template = hostile(tmp_path / "evil.docx", body)
    assert template.stat().st_size < 2_000_000
    started = time.monotonic()
    result = render_cli(["render", str(SEED), "-o", str(tmp_path / "out"), "--template", str(template)])
    assert time.monotonic() - started < 30
    assert result.exit_code == 1
    assert "mẫu Word không dùng được: phần thân: kết quả vượt quá 50 MB" in result.output


def test_a_template_with_thousands_of_tags_is_refused_before_jinja_compiles_it(tmp_path: Path) -> None:
    filler = _letters(140_000 * 6)  # between the tags, so that the part does not compress beyond wordfile's ratio limit
    template = hostile(tmp_path / "evil.docx", "".join("{{ trich_yeu }}" + filler[i * 6 : i * 6 + 6] for i in range(140_000)))
    started = time.monotonic()
    result = render_cli(["render", str(SEED), "-o", str(tmp_path / "out"), "--template", str(template)])
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    assert f"--template: {template.as_posix()}: mẫu Word không dùng được: phần thân: mẫu có quá 2.000 thẻ jinja\n" in result.output


def test_a_slow_template_is_stopped_after_ten_seconds(tmp_path: Path) -> None:
    # 900,000 steps stay under the loop limit, and each copies 2.5 MB: only the clock can stop it.
    # (The 2.5 MB string is doubled up from 10,000 characters: a tag holds at most 500.)
    doubled = "".join(f"{{% for {n} in [{p} ~ {p}] %}}" for p, n in zip("bcdefghk", "cdefghkm", strict=True))
    slow = (
        "{% for a in ['abcdefgh' * 1250] %}{% for b in [a] %}" + doubled + "{% for x in range(1000) %}{% for y in range(900) %}"
        "{% if m ~ trich_yeu == so %}{% endif %}" + "{% endfor %}" * 12
    )
    template = hostile(tmp_path / "evil.docx", slow)
    started = time.monotonic()
    result = render_cli(["render", str(SEED), "-o", str(tmp_path / "out"), "--template", str(template)])
    assert time.monotonic() - started < 30
    assert result.exit_code == 1
    assert "mẫu Word không dùng được: phần thân: điền mẫu quá 10 giây" in result.output


# --- the package: what would be copied into every output (the limits of tbkl_gen.wordfile) ------

PACKAGES = {
    "dtd": (
        {"change": {"word/styles.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><w:styles/>'}},
        "phần “word/styles.xml” có khai báo DOCTYPE (DTD, thực thể); tệp Word không bao giờ có, và đó là cách của bom thực thể",
    ),
    "not-utf8": (
        {"change": {"word/header1.xml": '<?xml version="1.0" encoding="latin-1"?><w:hdr>é</w:hdr>'.encode("latin-1")}},
        "phần “word/header1.xml” không mã hóa UTF-8 (Word luôn lưu UTF-8; hãy mở bằng Word và lưu lại)",
    ),
    "leaves-the-package": ({"entries": {"../../x": b"x"}}, "tên phần “../../x” không hợp lệ (có “..” hoặc “.”)"),
    "absolute-name": ({"entries": {"/etc/x": b"x"}}, "tên phần “/etc/x” không hợp lệ (đường dẫn tuyệt đối)"),
    "backslash": (
        {"entries": {"word\\..\\..\\x": b"x"}},
        "tên phần “word\\..\\..\\x” không hợp lệ (có dấu “\\”)",
    ),
}


@pytest.mark.parametrize("package, reason", PACKAGES.values(), ids=PACKAGES.keys())
def test_an_unsafe_package_is_refused_by_every_route(tmp_path: Path, package: dict, reason: str) -> None:
    template = hostile(tmp_path / "evil.docx", **package)
    folder = workspace_with(tmp_path, template)
    by_flag = render_cli(["render", str(SEED), "-o", str(tmp_path / "out"), "--template", str(template)])
    assert by_flag.exit_code == 1
    assert f"--template: {template.as_posix()}: mẫu Word không dùng được: {reason}\n" in by_flag.output
    by_workspace = render_cli(["render"], cwd=folder)
    assert by_workspace.exit_code == 1
    assert f"{(folder / 'templates' / 'evil.docx').as_posix()}: mẫu Word không dùng được: {reason}" in by_workspace.output
    check = render_cli(["check"], cwd=folder)
    assert check.exit_code == 1
    assert f"templates/evil.docx: {reason}" in check.output
    assert docx_files(tmp_path / "out") == [] and docx_files(folder / "out") == []


# --- where a template may come from ------------------------------------------------------------


@pytest.mark.parametrize(
    "written, reason",
    [
        ("/tmp/evil.docx", "là đường dẫn tuyệt đối"),
        ("../../evil.docx", "nằm ngoài thư mục làm việc"),
        ("../../../evil.docx", "nằm ngoài thư mục làm việc"),
    ],
)
def test_a_notice_may_not_name_a_template_outside_the_workspace(tmp_path: Path, written: str, reason: str) -> None:
    hostile(tmp_path / "evil.docx", run_code(tmp_path))
    folder = workspace_with(tmp_path)
    (folder / "notices" / "a.yaml").write_text(f"mau: {written}\n" + SEED.read_text(encoding="utf-8"), encoding="utf-8")
    result = render_cli(["render"], cwd=folder)
    assert result.exit_code == 1
    hint = "chỉ dùng mẫu có sẵn, mẫu trong templates/ hoặc tệp .docx trong thư mục làm việc; mẫu ở nơi khác dùng được qua --template"
    assert f"notices/a.yaml:1:6: mau: mẫu “{written}” {reason}; {hint}\n" in result.output
    assert not (tmp_path / MARKER).exists() and docx_files(folder / "out") == []
    check = render_cli(["check"], cwd=folder)
    assert check.exit_code == 1
    assert f"notices/a.yaml:1:6: mau: mẫu “{written}” {reason}; {hint}\n" in check.output


def test_tbkl_yaml_may_not_name_a_template_outside_the_workspace(tmp_path: Path) -> None:
    hostile(tmp_path / "evil.docx", run_code(tmp_path))
    folder = workspace_with(tmp_path)
    config = folder / "tbkl.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace('mau: "ubnd-tinh"', 'mau: "../evil.docx"'), encoding="utf-8")
    result = render_cli(["render"], cwd=folder)
    assert result.exit_code == 1
    assert f"tbkl.yaml:{config_line(folder)}:6: mau: mẫu “../evil.docx” nằm ngoài thư mục làm việc;" in result.output
    assert not (tmp_path / MARKER).exists() and docx_files(folder / "out") == []


def test_a_default_template_in_tbkl_yaml_is_read_from_the_workspace_and_kept_inside_it(tmp_path: Path) -> None:
    hostile(tmp_path / "evil.docx", run_code(tmp_path))
    folder = workspace_with(tmp_path)
    shutil.copyfile(BUILT_IN, folder / "rieng.docx")
    config = folder / "tbkl.yaml"
    text = config.read_text(encoding="utf-8")
    line = text.splitlines().index("mac_dinh:") + 2
    config.write_text(text.replace("mac_dinh:\n", "mac_dinh:\n  mau: rieng.docx\n", 1), encoding="utf-8")
    assert render_cli(["render"], cwd=folder).exit_code == 0  # beside tbkl.yaml, not beside the notice
    config.write_text(text.replace("mac_dinh:\n", "mac_dinh:\n  mau: ../evil.docx\n", 1), encoding="utf-8")
    for command in (["render", "--force"], ["check"]):
        result = render_cli(command, cwd=folder)
        assert result.exit_code == 1
        assert f"tbkl.yaml:{line}:8: mau: mẫu “../evil.docx” nằm ngoài thư mục làm việc;" in result.output
    assert not (tmp_path / MARKER).exists()


@pytest.mark.parametrize("written", ["../x", "a/b", "..", "C:x"])
def test_a_template_name_has_no_folder_in_it(tmp_path: Path, written: str) -> None:
    folder = workspace_with(tmp_path)
    (folder / "notices" / "a.yaml").write_text(f'mau: "{written}"\n' + SEED.read_text(encoding="utf-8"), encoding="utf-8")
    result = render_cli(["render"], cwd=folder)
    assert result.exit_code == 1
    assert (
        f"notices/a.yaml:1:6: mau: mẫu “{written}”: tên mẫu không được chứa thư mục; đường dẫn tới tệp mẫu phải kết thúc bằng .docx"
        in result.output
    )


def test_a_relative_template_inside_the_workspace_and_any_template_by_flag_still_work(tmp_path: Path) -> None:
    folder = workspace_with(tmp_path)
    shutil.copyfile(BUILT_IN, folder / "mẫu riêng.docx")
    (folder / "notices" / "a.yaml").write_text("mau: ../mẫu riêng.docx\n" + SEED.read_text(encoding="utf-8"), encoding="utf-8")
    assert render_cli(["render"], cwd=folder).exit_code == 0
    elsewhere = tmp_path / "elsewhere" / "mau.docx"
    elsewhere.parent.mkdir()
    shutil.copyfile(BUILT_IN, elsewhere)
    result = render_cli(["render", str(SEED), "-o", str(tmp_path / "out"), "--template", str(elsewhere)])
    assert result.exit_code == 0, result.output
    assert docx_files(tmp_path / "out") == [tmp_path / "out" / "tbkl-thong-tin-doi-ngoai.docx"]


# --- which tbkl.yaml is adopted ----------------------------------------------------------------


def shared_config(folder: Path, template: Path) -> Path:
    """Write a tbkl.yaml that would send every notice below folder through template."""
    config = folder / "tbkl.yaml"
    config.write_text(f"mau: {template.name}\nthu_muc_ra: ra-ngoai\n", encoding="utf-8")
    return config


def test_a_tbkl_yaml_above_the_home_folder_is_not_adopted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hostile(tmp_path / "evil.docx", run_code(tmp_path))
    shared_config(tmp_path, tmp_path / "evil.docx")
    home = tmp_path / "home"
    notes = home / "thong-bao"
    notes.mkdir(parents=True)
    shutil.copyfile(SEED, notes / "a.yaml")
    monkeypatch.setenv("HOME", str(home))
    result = render_cli(["render", "a.yaml"], cwd=notes)
    assert result.exit_code == 0, result.output
    assert docx_files(notes / "out") == [notes / "out" / "a.docx"]
    assert not (tmp_path / "ra-ngoai").exists() and not (tmp_path / MARKER).exists()
    show = render_cli(["show", "a.yaml"], cwd=notes)
    assert "# không dùng tbkl.yaml nào (không có ở thư mục của thông báo hay thư mục cha trong cây thư mục của bạn)\n" in show.output


def test_a_tbkl_yaml_above_a_repository_is_not_adopted(tmp_path: Path) -> None:
    hostile(tmp_path / "evil.docx", run_code(tmp_path))
    shared_config(tmp_path, tmp_path / "evil.docx")
    repository = tmp_path / "kho"
    (repository / ".git").mkdir(parents=True)
    (repository / "notices").mkdir()
    shutil.copyfile(SEED, repository / "notices" / "a.yaml")
    result = render_cli(["render", "notices/a.yaml", "-o", "out"], cwd=repository)
    assert result.exit_code == 0, result.output
    assert not (tmp_path / MARKER).exists()


def test_show_names_the_tbkl_yaml_in_use(tmp_path: Path) -> None:
    folder = workspace_with(tmp_path)
    result = render_cli(["show", "notices/a.yaml"], cwd=folder)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == "# giá trị mặc định lấy từ: tbkl.yaml"


FOREIGN = "tbkl.yaml này thuộc người dùng khác (uid 12345) nên không được dùng; nếu tin tưởng tệp này, hãy đổi chủ sở hữu (chown) hoặc chép nó vào thư mục của mình"


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() != 0, reason="giving a file to another user needs root on POSIX")
def test_a_tbkl_yaml_of_another_user_above_is_ignored_with_a_warning(tmp_path: Path) -> None:
    hostile(tmp_path / "evil.docx", run_code(tmp_path))
    config = shared_config(tmp_path, tmp_path / "evil.docx")
    os.chown(config, 12345, 12345)
    notes = tmp_path / "thong-bao"
    notes.mkdir()
    shutil.copyfile(SEED, notes / "a.yaml")
    warning = f"{config.as_posix()}: cảnh báo: bỏ qua tbkl.yaml ở thư mục cha vì {FOREIGN}; làm như không có tbkl.yaml"
    for command in (["render", "a.yaml", "-o", "out"], ["check", "a.yaml"], ["show", "a.yaml"]):
        from tbkl_gen.source import workspace

        workspace._WARNED.clear()  # once a process: each command here is a process of its own
        result = render_cli(command, cwd=notes)
        assert result.exit_code == 0, (command, result.output)
        assert result.stderr.splitlines().count(warning) == 1, (command, result.stderr)
    assert not (tmp_path / MARKER).exists() and docx_files(tmp_path) == [tmp_path / "evil.docx", notes / "out" / "a.docx"]
    assert not (tmp_path / "ra-ngoai").exists()


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() != 0, reason="giving a file to another user needs root on POSIX")
def test_a_tbkl_yaml_of_another_user_in_the_current_folder_is_refused(tmp_path: Path) -> None:
    hostile(tmp_path / "evil.docx", run_code(tmp_path))
    config = shared_config(tmp_path, tmp_path / "evil.docx")
    os.chown(config, 12345, 12345)
    shutil.copyfile(SEED, tmp_path / "a.yaml")
    for command in (["render", "a.yaml", "-o", "out"], ["check", "a.yaml"], ["show", "a.yaml"]):
        result = render_cli(command, cwd=tmp_path)
        assert result.exit_code == 1, command
        assert result.output == f"{config.as_posix()}: {FOREIGN}\n", command
    assert not (tmp_path / MARKER).exists() and docx_files(tmp_path) == [tmp_path / "evil.docx"]
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="links and modes are POSIX's")
@pytest.mark.parametrize("kind", ["link", "writable-file", "writable-folder"])
def test_a_linked_or_writable_tbkl_yaml_is_refused_here_and_ignored_above(tmp_path: Path, kind: str) -> None:
    """A link planted at tbkl.yaml pointing to a file the victim owns is not adopted either."""
    hostile(tmp_path / "evil.docx", run_code(tmp_path))
    shared = tmp_path / "shared"
    shared.mkdir()
    (tmp_path / "home").mkdir()
    own = shared_config(tmp_path / "home", tmp_path / "evil.docx")
    config = shared / "tbkl.yaml"
    if kind == "link":
        config.symlink_to(own)
        reason = "tbkl.yaml là một liên kết (có thể do người khác đặt) nên không được dùng; hãy thay liên kết bằng một tệp thật"
    elif kind == "writable-file":
        shutil.copyfile(own, config)
        config.chmod(0o666)
        reason = "người khác có quyền ghi vào tbkl.yaml này (quyền 666) nên không được dùng; hãy bỏ quyền đó (chmod go-w)"
    else:
        shutil.copyfile(own, config)
        shared.chmod(0o1777)
        reason = (
            "người khác có quyền ghi vào thư mục chứa tbkl.yaml này (quyền 1777) nên tệp có thể bị thay "
            "và không được dùng; hãy bỏ quyền đó (chmod go-w)"
        )
    shutil.copyfile(SEED, shared / "a.yaml")
    (shared / "thong-bao").mkdir()
    shutil.copyfile(SEED, shared / "thong-bao" / "a.yaml")
    refused = render_cli(["render", "a.yaml", "-o", "out"], cwd=shared)
    assert refused.exit_code == 1
    assert refused.output == f"{config.as_posix()}: {reason}\n"
    from tbkl_gen.source import workspace

    workspace._WARNED.clear()
    ignored = render_cli(["render", "a.yaml", "-o", "out"], cwd=shared / "thong-bao")
    assert ignored.exit_code == 0, ignored.output
    assert (
        ignored.stderr.splitlines()[0]
        == f"{config.as_posix()}: cảnh báo: bỏ qua tbkl.yaml ở thư mục cha vì {reason}; làm như không có tbkl.yaml"
    )
    assert not (tmp_path / MARKER).exists()
    assert not list(tmp_path.rglob("ra-ngoai"))


# --- prepared forms and compiled code: only ours -----------------------------------------------


def poisoned_form(template: Path, folder: Path) -> dict:
    """Return a prepared form for template whose sources would run a command."""
    form = json.loads((ROOT / "templates" / "ubnd-tinh.prepared.json").read_text(encoding="utf-8"))
    form["sources"]["word/document.xml"] = form["sources"]["word/document.xml"].replace("{{ trich_yeu_dong }}", run_code(folder), 1)
    return form


def test_a_prepared_form_beside_a_template_is_never_read(tmp_path: Path) -> None:
    template = tmp_path / "mail" / "cua-toi.docx"
    template.parent.mkdir()
    shutil.copyfile(BUILT_IN, template)  # byte-clean, and its digest matches the form beside it
    template.with_name("cua-toi.prepared.json").write_text(json.dumps(poisoned_form(template, tmp_path)), encoding="utf-8")
    result = render_cli(["render", str(SEED), "-o", str(tmp_path / "out"), "--template", str(template)])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / MARKER).exists()
    builtin = render_cli(["render", str(SEED), "-o", str(tmp_path / "out-builtin")])
    assert builtin.exit_code == 0
    assert (tmp_path / "out" / "tbkl-thong-tin-doi-ngoai.docx").read_bytes() == (
        tmp_path / "out-builtin" / "tbkl-thong-tin-doi-ngoai.docx"
    ).read_bytes()
    assert not (tmp_path / MARKER).exists()


def test_a_poisoned_cache_entry_serves_no_other_template(tmp_path: Path, own_cache: Path) -> None:
    template = hostile(tmp_path / "a.docx", "{{ trich_yeu }} ")  # another template, same tags
    assert render_cli(["render", str(SEED), "-o", str(tmp_path / "out-a"), "--template", str(template)]).exit_code == 0
    for cached in (own_cache / "mau").glob("*.json"):
        cached.write_text(json.dumps(poisoned_form(template, tmp_path)), encoding="utf-8")
    for cached in (own_cache / "mau").glob("*.code"):
        cached.unlink()
    result = render_cli(["render", str(SEED), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / MARKER).exists()


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() != 0, reason="giving a folder to another user needs root on POSIX")
def test_a_cache_folder_of_another_user_is_not_used(tmp_path: Path, own_cache: Path) -> None:
    template = tmp_path / "cua-toi.docx"
    shutil.copyfile(BUILT_IN, template)
    assert render_cli(["render", str(SEED), "-o", str(tmp_path / "out-1"), "--template", str(template)]).exit_code == 0
    for cached in (own_cache / "mau").glob("*.json"):
        cached.write_text(json.dumps(poisoned_form(template, tmp_path)), encoding="utf-8")
    for cached in (own_cache / "mau").glob("*.code"):
        cached.unlink()
    os.chown(own_cache / "mau", 12345, 12345)
    assert render_cli(["render", str(SEED), "-o", str(tmp_path / "out-2"), "--template", str(template)]).exit_code == 0
    assert not (tmp_path / MARKER).exists()


@pytest.mark.skipif(sys.platform == "win32", reason="links and owners: POSIX")
def test_a_link_planted_at_the_cache_folder_sends_nothing_elsewhere(tmp_path: Path, own_cache: Path) -> None:
    # In a shared $TBKL_CACHE_DIR, "mau" linked to a folder of the user's passed the owner check
    # (stat followed the link), and the cache files were written into that folder.
    elsewhere = tmp_path / "thu-muc-rieng"
    elsewhere.mkdir()
    own_cache.mkdir()
    (own_cache / "mau").symlink_to(elsewhere)
    template = tmp_path / "cua-toi.docx"
    shutil.copyfile(BUILT_IN, template)
    result = render_cli(["render", str(SEED), "-o", str(tmp_path / "out"), "--template", str(template)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "tbkl-thong-tin-doi-ngoai.docx").is_file()
    assert list(elsewhere.iterdir()) == []


def test_the_shipped_forms_match_the_built_in_templates() -> None:
    from tbkl_gen.word.render import _parts_digest, read_template_package

    for template in sorted((ROOT / "templates").glob("*.docx")):
        form = json.loads(template.with_name(template.stem + ".prepared.json").read_text(encoding="utf-8"))
        assert form["digest"] == _parts_digest(read_template_package(template)[1]), template.name
        assert hashlib.sha256(template.read_bytes()).hexdigest() == read_template_package(template)[0]


def test_the_built_in_templates_pass_their_own_check(tmp_path: Path) -> None:
    from tbkl_gen.word.template_check import check_template

    for name in ("ubnd-tinh", "ubnd-tinh-lanh-dao", "van-phong", "so-nganh", "ubnd-xa"):
        assert list(check_template(find_template(name))) == [], name


@pytest.mark.skipif(sys.platform == "win32", reason="file modes: POSIX")
def test_compiled_code_in_a_cache_file_others_may_write_is_not_run(tmp_path: Path, own_cache: Path) -> None:
    import marshal

    from tbkl_gen.word.render import make_environment

    template = tmp_path / "cua-toi.docx"
    shutil.copyfile(BUILT_IN, template)
    assert render_cli(["render", str(SEED), "-o", str(tmp_path / "out-1"), "--template", str(template)]).exit_code == 0
    (form_file,) = (own_cache / "mau").glob("*.json")
    (code_file,) = (own_cache / "mau").glob("*.code")
    sources = json.loads(form_file.read_text(encoding="utf-8"))["sources"]
    environment = make_environment()
    codes = {
        name: environment.compile(xml.replace("{{ trich_yeu_dong }}", "<w:r><w:t>MÃ LẠ</w:t></w:r>", 1)) for name, xml in sources.items()
    }
    code_file.write_bytes(marshal.dumps(codes))

    def rendered_text(out: str) -> str:  # a fresh process: nothing compiled is kept in memory
        command = [sys.executable, "-m", "tbkl_gen", "render", str(SEED), "-o", str(tmp_path / out), "--template", str(template)]
        completed = subprocess.run(
            command, cwd=ROOT, env={**os.environ, "TBKL_CACHE_DIR": str(own_cache)}, capture_output=True, check=False
        )
        assert completed.returncode == 0, completed.stderr
        return "\n".join(p.text for p in docx.Document(str(tmp_path / out / "tbkl-thong-tin-doi-ngoai.docx")).paragraphs)

    code_file.chmod(0o644)
    assert "MÃ LẠ" in rendered_text("out-own")  # the user's own cache file is used: the test can fail
    code_file.write_bytes(marshal.dumps(codes))
    code_file.chmod(0o666)
    assert "MÃ LẠ" not in rendered_text("out-shared")
