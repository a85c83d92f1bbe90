"""Templates an office has edited and saved again in Word or LibreOffice keep working.

An office copies a built-in template, changes a font or the logo and saves it. The editor
rewrites the file on the way: LibreOffice writes `"` inside a tag as `&quot;` and gives every
style a new id, leaves out the empty footnotes part; Word splits a tag across runs when someone
types inside it or spell-checks it, with proofing marks, bookmarks or other formatting between
the pieces, and autocorrect makes quotes typographic. Every built-in template re-saved by real
LibreOffice must render every example with the same text and pass the same decree checks; each
kind of rewriting is also tested on hand-made XML; a tag that is truly broken is named by its
text and where it sits.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLES, NOTICES, ROOT, convert, render_cli
from factories import write_notice
from tbkl_gen.audit import audit_docx
from tbkl_gen.commands.text import notice_lines
from tbkl_gen.word import template_repair
from tbkl_gen.word.render import builtin_template_names, repaired_parts
from tbkl_gen.word.template_check import check_template
from tbkl_gen.word.template_tags import repair_tags

TEMPLATES = builtin_template_names()
SEED = NOTICES / "2021" / "tbkl-thong-tin-doi-ngoai.yaml"
FOOTNOTED = NOTICES / "2026" / "lamdong-quy-hoach-chung-xa.yaml"
DOCX_FILTER = "docx:MS Word 2007 XML"


def test_every_built_in_template_is_tested() -> None:
    assert len(TEMPLATES) == 5


# --- re-saved by real LibreOffice --------------------------------------------------------------


@pytest.fixture(scope="session")
def resaved(libreoffice: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """Return the built-in templates re-saved by LibreOffice, {way: {name: .docx}}.

    "docx" is a plain re-save; "odt" a round trip through OpenDocument and back, which rewrites
    more (the theme is dropped, relationships renumbered).
    """
    folder = tmp_path_factory.mktemp("resaved")
    profile = folder / "lo-profile"
    originals = [ROOT / "templates" / f"{name}.docx" for name in TEMPLATES]
    docx = convert(libreoffice, originals, DOCX_FILTER, folder / "docx", profile)
    odt = convert(libreoffice, originals, "odt", folder / "odt", profile)
    round_trip = convert(libreoffice, odt, DOCX_FILTER, folder / "odt-docx", profile)
    return {"docx": dict(zip(TEMPLATES, docx, strict=True)), "odt": dict(zip(TEMPLATES, round_trip, strict=True))}


@pytest.fixture(scope="session")
def originals_rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Return {template: folder} of every example rendered with each built-in template as shipped."""
    folder = tmp_path_factory.mktemp("originals")
    for name in TEMPLATES:
        result = render_cli(["render", str(NOTICES), "-o", str(folder / name), "--template", name, "--force", "--quiet", "--jobs", "1"])
        assert result.exit_code == 0, result.output
    return {name: folder / name for name in TEMPLATES}


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


@pytest.mark.parametrize("name", TEMPLATES)
@pytest.mark.parametrize("way", ["docx", "odt"])
def test_a_template_resaved_by_libreoffice_renders_every_example_as_the_original(
    resaved: dict[str, dict[str, Path]], originals_rendered: dict[str, Path], tmp_path: Path, way: str, name: str
) -> None:
    template = resaved[way][name]
    parts = _parts(template)
    rendered = repaired_parts(parts)
    assert template_repair.repaired_package(parts) or any(rendered[n] != parts[n] for n in rendered), "nothing to repair"
    assert list(check_template(template)) == []  # `tbkl check` has nothing to say about the office's copy

    result = render_cli(["render", str(NOTICES), "-o", str(tmp_path), "--template", str(template), "--force", "--quiet", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    for source in EXAMPLES:
        relative = source.relative_to(NOTICES).with_suffix(".docx")
        original, copy = originals_rendered[name] / relative, tmp_path / relative
        assert notice_lines(copy)[0] == notice_lines(original)[0], relative
        assert audit_docx(copy) == audit_docx(original), relative


def test_the_footnotes_part_libreoffice_left_out_is_given_back(resaved: dict[str, dict[str, Path]], tmp_path: Path) -> None:
    template = resaved["docx"]["ubnd-tinh"]
    assert "word/footnotes.xml" not in _parts(template)  # what LibreOffice does to a document without footnotes
    result = render_cli(["render", str(FOOTNOTED), "-o", str(tmp_path), "--template", str(template)])
    assert result.exit_code == 0, result.output
    lines = notice_lines(tmp_path / "lamdong-quy-hoach-chung-xa.docx")[0]
    assert lines[-2:] == ["Chú thích:", "[1] UBND tỉnh đã chỉ đạo tại Thông báo số 370/TB-UBND ngày 30/3/2026"]


@pytest.mark.parametrize("way", ["docx", "odt"])
def test_kinh_gui_keeps_its_layout_through_a_template_resaved_by_libreoffice(
    resaved: dict[str, dict[str, Path]], tmp_path: Path, way: str
) -> None:
    source = write_notice(tmp_path, kinh_gui=["Sở Tài chính", "Sở Nội vụ"])
    outputs = {}
    for label, template in (("built-in", "ubnd-tinh"), ("resaved", str(resaved[way]["ubnd-tinh"]))):
        result = render_cli(["render", str(source), "-o", str(tmp_path / label), "--template", template, "--quiet"])
        assert result.exit_code == 0, result.output
        outputs[label] = tmp_path / label / "a.docx"
    assert notice_lines(outputs["resaved"])[0] == notice_lines(outputs["built-in"])[0]
    assert audit_docx(outputs["resaved"]) == audit_docx(outputs["built-in"])
    styles = _parts(outputs["resaved"])["word/styles.xml"].decode("utf-8")
    assert 'w:styleId="TBKinhGui"' in styles and 'w:styleId="TBKinhGuiMuc"' in styles  # the ids tbkl writes, given back


# --- each kind of rewriting, on hand-made XML ----------------------------------------------------

BUILT_IN = ROOT / "templates" / "ubnd-tinh.docx"
NUMBER_LINE = '<w:r><w:t xml:space="preserve">Số: {{ so }}/{{ ky_hieu }}</w:t></w:r>'


def edited(target: Path, fragment: str, *, replace: str = NUMBER_LINE, part: str = "word/document.xml") -> Path:
    """Write a copy of the built-in template with one piece of its XML rewritten as an editor would."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(BUILT_IN) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                assert replace.encode() in data
                data = data.replace(replace.encode("utf-8"), fragment.encode("utf-8"), 1)
            copy.writestr(info.filename, data)
    target.write_bytes(buffer.getvalue())
    return target


def run(text: str, properties: str = "") -> str:
    return f'<w:r>{properties}<w:t xml:space="preserve">{text}</w:t></w:r>'


# Each way an editor writes "Số: {{ so }}/" at the start of the number line (the test adds the
# "{{ ky_hieu }}" after it); the renders must match.
SPLITS = {
    "two-runs": run("Số: {{ s") + run("o }}/"),
    "proofing-marks": run("Số: {{ s") + '<w:proofErr w:type="spellStart"/>' + run("o }}") + '<w:proofErr w:type="spellEnd"/>' + run("/"),
    "bookmark": run("Số: {") + '<w:bookmarkStart w:id="0" w:name="_GoBack"/>' + run("{ so }") + '<w:bookmarkEnd w:id="0"/>' + run("}/"),
    "formatting": run("Số: {{") + run(" so ", "<w:rPr><w:b/><w:sz w:val='28'/></w:rPr>") + run("}}/", "<w:rPr><w:i/></w:rPr>"),
    "many-pieces": "".join(run(piece) for piece in ["Số: ", "{", "{", " ", "s", "o", " ", "}", "}", "/"]),
    "empty-run-between": run("Số: {{ so") + "<w:r><w:t></w:t></w:r>" + run(" }}/"),
    "same-run-two-texts": '<w:r><w:t xml:space="preserve">Số: {{ so</w:t><w:t xml:space="preserve"> }}/</w:t></w:r>',
    "entities": run("Số: {{ so if &quot;x&quot; == &apos;x&apos; and &#34;&lt;&#x22; != &quot;&amp;&quot; }}/"),
    "smart-quotes": run("Số: {{ so if “x” == ‘x’ }}/"),
    "smart-quotes-split": run("Số: {{ so if “x") + '<w:proofErr w:type="spellStart"/>' + run("” == ’x’ }}/"),
}


@pytest.fixture(scope="module")
def plain_render(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    out = tmp_path_factory.mktemp("plain")
    assert render_cli(["render", str(SEED), "-o", str(out), "--template", str(BUILT_IN)]).exit_code == 0
    return notice_lines(out / "tbkl-thong-tin-doi-ngoai.docx")[0]


@pytest.mark.parametrize("fragment", SPLITS.values(), ids=SPLITS.keys())
def test_a_tag_an_editor_split_or_escaped_renders_as_typed(tmp_path: Path, plain_render: list[str], fragment: str) -> None:
    template = edited(tmp_path / "rieng.docx", fragment + run("{{ ky_hieu }}"))
    result = render_cli(["render", str(SEED), "-o", str(tmp_path / "out"), "--template", str(template)])
    assert result.exit_code == 0, result.output
    assert notice_lines(tmp_path / "out" / "tbkl-thong-tin-doi-ngoai.docx")[0] == plain_render


def test_an_ampersand_inside_a_tag_is_read_by_jinja_and_written_escaped(tmp_path: Path) -> None:
    template = edited(tmp_path / "rieng.docx", run("Số: {{ ky_hieu ~ &quot; &amp; &lt;&quot; ~ ky_hieu }}"))
    result = render_cli(["render", str(SEED), "-o", str(tmp_path / "out"), "--template", str(template)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "out" / "tbkl-thong-tin-doi-ngoai.docx") as package:
        document = package.read("word/document.xml").decode("utf-8")
    assert ">Số: TB-UBND &amp; &lt;TB-UBND<" in document


def test_repair_moves_a_split_tag_into_its_first_text_and_keeps_what_lies_between() -> None:
    xml = (
        '<w:p><w:r><w:t>Kính gửi {{ trich</w:t></w:r><w:proofErr w:type="spellStart"/>'
        "<w:r><w:rPr><w:b/></w:rPr><w:t>_yeu }} và</w:t></w:r></w:p>"
    )
    assert repair_tags("word/document.xml", xml) == (
        '<w:p><w:r><w:t>Kính gửi {{ trich_yeu }}</w:t></w:r><w:proofErr w:type="spellStart"/>'
        '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve"> và</w:t></w:r></w:p>'
    )


def test_repair_leaves_text_outside_the_tags_byte_for_byte() -> None:
    xml = "<w:p><w:r><w:t>A &amp; &quot;B&quot; “C” &#34;D&#34; {% if kieu == &quot;doan&quot; %} ‘E’</w:t></w:r></w:p>"
    expected = '<w:p><w:r><w:t>A &amp; &quot;B&quot; “C” &#34;D&#34; {% if kieu == "doan" %} ‘E’</w:t></w:r></w:p>'
    assert repair_tags("word/document.xml", xml) == expected
    assert repair_tags("word/document.xml", expected) == expected


def test_repair_keeps_the_escapes_xml_needs_inside_a_tag() -> None:
    xml = "<w:p><w:r><w:t>{% if a &lt; 3 and “x&amp;y” %}</w:t></w:r></w:p>"
    assert repair_tags("word/document.xml", xml) == '<w:p><w:r><w:t>{% if a &lt; 3 and "x&amp;y" %}</w:t></w:r></w:p>'


def test_repair_never_joins_a_tag_across_paragraphs() -> None:
    xml = "<w:p><w:r><w:t>{{ so</w:t></w:r></w:p><w:p><w:r><w:t>}}</w:t></w:r></w:p>"
    assert repair_tags("word/document.xml", xml) == xml


def test_repair_of_the_document_properties_reads_each_element_alone() -> None:
    xml = "<cp:coreProperties><dc:title>THÔNG BÁO {{ trich_yeu ~ &apos;&apos; }} &amp;</dc:title></cp:coreProperties>"
    assert (
        repair_tags("docProps/core.xml", xml)
        == "<cp:coreProperties><dc:title>THÔNG BÁO {{ trich_yeu ~ '' }} &amp;</dc:title></cp:coreProperties>"
    )


def test_the_built_in_templates_have_nothing_to_repair() -> None:
    for name in TEMPLATES:
        parts = _parts(ROOT / "templates" / f"{name}.docx")
        assert template_repair.repaired_package(parts) == {}
        assert all(blob == parts[part] for part, blob in repaired_parts(parts).items())


def test_style_ids_an_editor_renamed_are_given_back_by_the_style_names() -> None:
    styles = (
        '<w:styles><w:style w:type="paragraph" w:styleId="TBngk" w:customStyle="1"><w:name w:val="TB Đường kẻ"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="TBMc"><w:name w:val="TB Mục"/><w:basedOn w:val="TBngk"/></w:style>'
        '<w:style w:type="character" w:styleId="FootnoteAnchor"><w:name w:val="Footnote Reference"/></w:style></w:styles>'
    )
    document = '<w:document><w:body><w:p><w:pPr><w:pStyle w:val="TBngk"/></w:pPr></w:p></w:body></w:document>'
    changed = template_repair.repaired_package({"word/styles.xml": styles.encode(), "word/document.xml": document.encode()})
    assert changed["word/styles.xml"].decode() == styles.replace('"TBngk"', '"TBDuongKe"').replace(
        '"FootnoteAnchor"', '"FootnoteReference"'
    )
    assert changed["word/document.xml"].decode() == document.replace("TBngk", "TBDuongKe")


# --- a tag that is truly broken ---------------------------------------------------------------


def test_a_broken_tag_in_a_header_cell_is_named_by_its_text_and_place(tmp_path: Path) -> None:
    table = (
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Trang</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>{{ so &amp; </w:t></w:r><w:proofErr/><w:r><w:t>ky_hieu }}</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p>"
    )
    template = edited(tmp_path / "hong.docx", table, part="word/header1.xml", replace="<w:p>")
    result = render_cli(["render", str(SEED), "-o", str(tmp_path / "out"), "--template", str(template)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"--template: {template.as_posix()}: mẫu Word không dùng được: phần đầu trang (word/header1.xml), bảng thứ nhất,"
        " hàng thứ nhất, ô thứ hai, đoạn thứ nhất: thẻ “{{ so & ky_hieu }}”: sai cú pháp (unexpected char '&')"
    )
    assert not (tmp_path / "out").exists()


def test_an_end_without_its_if_is_named_by_its_text_and_place(tmp_path: Path) -> None:
    template = edited(tmp_path / "hong.docx", run("Số: {{ so }}{% endif %}/{{ ky_hieu }}"))
    folder = tmp_path / "ws"
    assert render_cli(["init", str(folder)]).exit_code == 0
    shutil.copyfile(template, folder / "templates" / "hong.docx")
    shutil.copyfile(SEED, folder / "notices" / "a.yaml")
    result = render_cli(["check"], cwd=folder)
    assert result.exit_code == 1
    assert (
        "templates/hong.docx: phần thân, bảng thứ nhất, hàng thứ hai, ô thứ nhất, đoạn thứ nhất:"
        " thẻ “{% endif %}”: không có thẻ “if” nào mở trước thẻ đóng này"
    ) in result.output.splitlines()


def test_the_sandbox_judges_the_repaired_tag(tmp_path: Path) -> None:
    fragment = run("Số: {{ lipsum.__globals__[&quot;o") + '<w:proofErr w:type="spellStart"/>' + run("s”] }}")
    template = edited(tmp_path / "hong.docx", fragment)
    result = render_cli(["render", str(SEED), "-o", str(tmp_path / "out"), "--template", str(template)])
    assert result.exit_code == 1
    assert (
        'phần thân, bảng thứ nhất, hàng thứ hai, ô thứ nhất, đoạn thứ nhất: thẻ “{{ lipsum.__globals__["os"] }}”:'
        " tên “lipsum” không có trong hợp đồng mẫu"
    ) in result.output
    assert not (tmp_path / "out").exists()


def test_an_if_closed_by_the_end_of_a_for_is_named_with_the_end_it_met(tmp_path: Path) -> None:
    template = edited(tmp_path / "hong.docx", run("{% for x in noi_nhan %}{% if so %}{% endfor %}{{ ky_hieu }}"))
    result = render_cli(["render", str(SEED), "-o", str(tmp_path / "out"), "--template", str(template)])
    assert result.exit_code == 1
    place = "phần thân, bảng thứ nhất, hàng thứ hai, ô thứ nhất, đoạn thứ nhất"
    assert result.output.splitlines()[0] == (
        f"--template: {template.as_posix()}: mẫu Word không dùng được: {place}: thẻ “{{% if so %}}”:"
        f" thiếu thẻ đóng “endif” (trước thẻ “{{% endfor %}}” ở {place})"
    )


def test_a_cell_outside_any_table_is_placed_without_a_table_number() -> None:
    # a <w:tc> straight in the body once raised StopIteration inside the tag scan (RuntimeError)
    from tbkl_gen.word.template_tags import find_tags

    xml = (
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        b"<w:tc><w:p><w:r><w:t>{{x}}</w:t></w:r></w:p></w:tc></w:body></w:document>"
    )
    (tag,) = find_tags("word/document.xml", xml)
    assert tag.where == "phần thân, ô ngoài bảng, đoạn thứ nhất"
