"""The renderer: jinja safety, the template cache, the closing block kept with the last paragraph."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from conftest import NOTICES
from tbkl_gen.layout import lay_out
from tbkl_gen.load import load_notice
from tbkl_gen.render import PreparedTemplate, find_template
from tbkl_gen.write import package

SEED = NOTICES / "2021" / "tbkl-thong-tin-doi-ngoai.yaml"


def render_bytes(tmp_path: Path) -> bytes:
    notice = load_notice(SEED).notice
    return package(PreparedTemplate(find_template(None)).render_parts(lay_out(notice)))


def test_the_template_cache_gives_the_same_bytes_and_survives_damage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TBKL_CACHE_DIR", str(tmp_path / "cache"))
    first = render_bytes(tmp_path)
    cached = list((tmp_path / "cache" / "mau").glob("*.json"))
    assert len(cached) == 1
    assert render_bytes(tmp_path) == first
    cached[0].write_text("{broken", encoding="utf-8")
    assert render_bytes(tmp_path) == first


@pytest.mark.parametrize("damage", [b"", b"\xff\x00garbage", b"N", b"{}"], ids=["empty", "garbage", "none", "wrong-parts"])
def test_the_compiled_template_cache_gives_the_same_bytes_and_survives_damage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: bytes) -> None:
    monkeypatch.setenv("TBKL_CACHE_DIR", str(tmp_path / "cache"))
    first = render_bytes(tmp_path)
    codes = list((tmp_path / "cache" / "mau").glob("*.code"))
    assert len(codes) == 1
    assert render_bytes(tmp_path) == first  # from the cached code
    codes[0].write_bytes(damage)
    assert render_bytes(tmp_path) == first
    assert codes[0].read_bytes() != damage  # compiled again and cached again


def test_an_unwritable_cache_folder_only_costs_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    monkeypatch.setenv("TBKL_CACHE_DIR", str(tmp_path / "file"))
    assert render_bytes(tmp_path).startswith(b"PK")


def test_the_last_paragraph_is_kept_with_the_closing_block(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    path.write_bytes(render_bytes(tmp_path))
    body = [p for p in docx.Document(str(path)).paragraphs if p.text.strip()]
    assert body[-1].text.endswith("đạt kết quả./.")
    assert body[-1].paragraph_format.keep_with_next is True
    assert all(p.paragraph_format.keep_with_next is None for p in body[:-1])


def test_text_that_looks_like_jinja_or_xml_is_printed_literally(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8").replace(
        "  - khoan: >-\n      Các cơ quan,", '  - khoan: "{{ 7*7 }} {% include \'x\' %} {# c #} & <w:p> A&amp;B"\n  - khoan: >-\n      Các cơ quan,', 1
    )
    source = tmp_path / "hostile.yaml"
    source.write_text(text, encoding="utf-8")
    notice = load_notice(source).notice
    path = tmp_path / "a.docx"
    path.write_bytes(package(PreparedTemplate(find_template(None)).render_parts(lay_out(notice))))
    texts = [p.text for p in docx.Document(str(path)).paragraphs]
    assert "1. {{ 7*7 }} {% include 'x' %} {# c #} & <w:p> A&amp;B" in texts
    with zipfile.ZipFile(path) as archive:
        assert b"49" not in archive.read("word/document.xml").split(b"include")[0][-200:]
