"""The renderer: jinja safety, the template cache, the closing block kept with the last paragraph."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

from conftest import NOTICES, ROOT
from tbkl_gen.word.layout import lay_out
from tbkl_gen.source.load import load_notice
from tbkl_gen.word.render import PreparedTemplate, find_template
from tbkl_gen.word.write import package

SEED = NOTICES / "2021" / "tbkl-thong-tin-doi-ngoai.yaml"


def render_bytes(tmp_path: Path, template: Path | None = None) -> bytes:
    notice = load_notice(SEED).notice
    return package(PreparedTemplate(template or find_template(None)).render_parts(lay_out(notice)))


def own_template(tmp_path: Path) -> Path:
    """Return a copy of the default template as an office's own (no prepared form beside it)."""
    copy = tmp_path / "mau" / "cua-toi.docx"
    copy.parent.mkdir(exist_ok=True)
    shutil.copy(find_template(None), copy)
    return copy


def test_the_template_cache_gives_the_same_bytes_and_survives_damage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TBKL_CACHE_DIR", str(tmp_path / "cache"))
    template = own_template(tmp_path)
    first = render_bytes(tmp_path, template)
    assert first == render_bytes(tmp_path)  # the built-in template, from the prepared form it ships with
    cached = list((tmp_path / "cache" / "mau").glob("*.json"))
    assert len(cached) == 1
    assert render_bytes(tmp_path, template) == first
    cached[0].write_text("{broken", encoding="utf-8")
    assert render_bytes(tmp_path, template) == first


@pytest.mark.parametrize("damage", [b"", b"\xff\x00garbage", b"N", b"{}"], ids=["empty", "garbage", "none", "wrong-parts"])
def test_the_compiled_template_cache_gives_the_same_bytes_and_survives_damage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: bytes
) -> None:
    monkeypatch.setenv("TBKL_CACHE_DIR", str(tmp_path / "cache"))
    first = render_bytes(tmp_path)
    codes = list((tmp_path / "cache" / "mau").glob("*.code"))
    assert len(codes) == 1
    assert render_bytes(tmp_path) == first  # from the cached code
    codes[0].write_bytes(damage)
    assert render_bytes(tmp_path) == first
    assert codes[0].read_bytes() != damage  # compiled again and cached again


def test_a_first_run_with_a_built_in_template_needs_no_docxtpl(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from tbkl_gen.cli import main\n"
        f"sys.argv = ['tbkl', 'render', {str(SEED)!r}, '-o', {str(tmp_path / 'out')!r}, '-q']\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
        "print(sorted(m for m in ('docxtpl', 'docx', 'lxml', 'pydantic') if m in sys.modules))\n"
    )
    env = {**os.environ, "TBKL_CACHE_DIR": str(tmp_path / "empty-cache")}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=env, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
    assert (tmp_path / "out" / "tbkl-thong-tin-doi-ngoai.docx").is_file()


def test_a_stale_prepared_form_beside_a_template_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TBKL_CACHE_DIR", str(tmp_path / "cache"))
    template = own_template(tmp_path)
    expected = render_bytes(tmp_path, template)
    shutil.rmtree(tmp_path / "cache")
    shipped = find_template(None).with_name("ubnd-xa.prepared.json")  # the form of another template
    shutil.copy(shipped, template.with_name("cua-toi.prepared.json"))
    assert render_bytes(tmp_path, template) == expected


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
        "  - khoan: >-\n      Các cơ quan,",
        "  - khoan: \"{{ 7*7 }} {% include 'x' %} {# c #} & <w:p> A&amp;B\"\n  - khoan: >-\n      Các cơ quan,",
        1,
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
