"""Render a laid-out notice through a Word template into the parts of a .docx.

The one home of jinja2 and docxtpl. A `PreparedTemplate` reads a template once: docxtpl cleans
the jinja tags that Word splits across runs, and each XML part that holds tags is compiled once
with our environment (autoescape on, StrictUndefined). Rendering a notice is then one jinja pass
per part and no re-parsing of the template, which is what makes batches fast.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import re
import sys
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from tbkl_gen import __version__

from tbkl_gen.word import wordml
from tbkl_gen.errors import TbklError, TemplateBroken, TemplateNotFound
from tbkl_gen.word.layout import Layout

DEFAULT_TEMPLATE = "ubnd-tinh"
TEMPLATE_SUFFIX = ".docx"

# Parts rendered through jinja; every other part is copied byte for byte.
_RENDERED = re.compile(r"^(word/(document|header\d*|footer\d*)\.xml|docProps/core\.xml)$")
_FOOTNOTES = "word/footnotes.xml"

# Runs left empty where docxtpl replaced a tag: they carry nothing and only clutter the XML.
_EMPTY_RUN = re.compile(r"<w:r>(?:<w:rPr>(?:(?!</w:rPr>).)*</w:rPr>)?<w:t(?: [^>]*)?></w:t></w:r>", re.DOTALL)
_CLOSING_MARK = '<w:pStyle w:val="TBKhoangCach"/>'

# Widths of the urgency stamps in the decree (Phụ lục I, III.2.b), in mm.
URGENCY_WIDTH_MM = {"KHẨN": 20.0, "THƯỢNG KHẨN": 40.0, "HỎA TỐC": 30.0}

# Variables a template receives: the template contract (docs/template-contract.md).
CONTRACT = {
    "co_quan": "co_quan.chu_quan (dòng chủ quản hoặc rỗng), co_quan.ten (danh sách dòng tên cơ quan)",
    "gach_co_quan": "đoạn đường kẻ dưới tên cơ quan (dùng với {{p gach_co_quan }})",
    "so": "số văn bản, hoặc khoảng trắng khi là dự thảo",
    "ky_hieu": "ký hiệu, ví dụ TB-UBND",
    "do_khan": "mức độ khẩn hoặc rỗng",
    "o_khan": "đoạn khung độ khẩn (dùng với {{p o_khan }})",
    "dia_danh_ngay": "dòng địa danh, ngày tháng năm",
    "trich_yeu": "trích yếu",
    "gach_trich_yeu": "đoạn đường kẻ dưới trích yếu (dùng với {{p gach_trich_yeu }})",
    "noi_dung": "danh sách đoạn: doan.kieu (doan, muc, khoan, khoan_tieu_de, diem, gach, cong), doan.runs (dùng với {{r doan.runs }}), doan.text",
    "noi_nhan": "danh sách nơi nhận, không có dấu “-” và “;”",
    "luu": "nội dung dòng lưu, ví dụ “VT, KGVX”",
    "nguoi_ky": "nguoi_ky.quyen_han (danh sách dòng), nguoi_ky.chuc_vu, nguoi_ky.ho_ten",
}


def make_environment() -> jinja2.Environment:
    """Return the jinja environment every template is rendered with."""
    return jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def builtin_templates_dir() -> Path:
    """Return the folder of the built-in templates, installed or in a checkout."""
    try:
        folder = Path(str(resources.files("tbkl_gen.templates")))
        if folder.is_dir():
            return folder
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parents[2] / "templates"


def builtin_template_names() -> list[str]:
    return sorted(p.stem for p in builtin_templates_dir().glob(f"*{TEMPLATE_SUFFIX}"))


def find_template(name_or_path: str | Path | None, workspace_templates: Path | None = None) -> Path:
    """Return the template file: a path, a workspace template by name, or a built-in one."""
    name = str(name_or_path or DEFAULT_TEMPLATE)
    candidate = Path(name)
    if candidate.suffix == TEMPLATE_SUFFIX and candidate.is_file():
        return candidate
    for folder in (workspace_templates, builtin_templates_dir()):
        if folder is not None and (folder / f"{name}{TEMPLATE_SUFFIX}").is_file():
            return folder / f"{name}{TEMPLATE_SUFFIX}"
    known = builtin_template_names()
    if workspace_templates is not None and workspace_templates.is_dir():
        known = sorted({*known, *(p.stem for p in workspace_templates.glob(f"*{TEMPLATE_SUFFIX}"))})
    raise TemplateNotFound(name, known)


@dataclass(frozen=True)
class _Widths:
    co_quan: int
    trich_yeu: int
    khan: int


class PreparedTemplate:
    """A Word template read and compiled once, ready to render many notices."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            with zipfile.ZipFile(path) as package:
                self.parts = {info.filename: package.read(info) for info in package.infolist()}
        except (OSError, zipfile.BadZipFile, KeyError) as exc:
            raise TemplateBroken(path, f"không đọc được tệp .docx ({exc.__class__.__name__})") from exc
        if "word/document.xml" not in self.parts:
            raise TemplateBroken(path, "thiếu word/document.xml")
        key = _cache_key(self.parts)
        self.sources, self.widths = _cleaned(path, self.parts, key)
        self.compiled = _compiled(path, self.sources, key)

    def render_parts(self, layout: Layout) -> dict[str, bytes]:
        """Return every part of the rendered document, in the template's order."""
        context = self.context(layout)
        out: dict[str, bytes] = {}
        for name, blob in self.parts.items():
            template = self.compiled.get(name)
            if template is not None:
                try:
                    xml = template.render(context)
                except jinja2.UndefinedError as exc:
                    raise TemplateBroken(self.path, f"{name}: biến không có trong hợp đồng mẫu: {exc.message}") from exc
                except jinja2.TemplateError as exc:
                    raise TemplateBroken(self.path, f"{name}: {exc}") from exc
                xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")  # undo the line breaks of preparation
                if name == "word/document.xml":
                    xml = keep_last_paragraph_with_closing(xml)
                out[name] = xml.encode("utf-8")
            elif name == _FOOTNOTES and layout.footnotes:
                notes = "".join(wordml.footnote(note) for note in layout.footnotes)
                out[name] = blob.replace(b"</w:footnotes>", notes.encode("utf-8") + b"</w:footnotes>")
            else:
                out[name] = blob
        return out

    def context(self, layout: Layout) -> dict[str, Any]:
        """Return the template variables for one notice (see CONTRACT)."""
        return {
            "co_quan": {"chu_quan": layout.chu_quan or "", "ten": list(layout.co_quan)},
            "gach_co_quan": Markup(wordml.centred_line("TBDuongKe", layout.co_quan_line_mm, self.widths.co_quan)),
            "so": layout.so,
            "ky_hieu": layout.ky_hieu,
            "do_khan": layout.do_khan or "",
            "o_khan": Markup(
                wordml.boxed("TBKhan", layout.do_khan, URGENCY_WIDTH_MM[layout.do_khan], self.widths.khan) if layout.do_khan else ""
            ),
            "dia_danh_ngay": layout.dia_danh_ngay,
            "trich_yeu": layout.trich_yeu,
            "gach_trich_yeu": Markup(wordml.centred_line("TBDuongKe", layout.trich_yeu_line_mm, self.widths.trich_yeu)),
            "noi_dung": [{"kieu": p.kind, "runs": Markup(wordml.runs(p.spans)), "text": p.text} for p in layout.paragraphs],
            "noi_nhan": list(layout.noi_nhan),
            "luu": layout.luu,
            "nguoi_ky": {"quyen_han": list(layout.quyen_han), "chuc_vu": layout.chuc_vu, "ho_ten": layout.ho_ten},
        }


def _parts_digest(parts: dict[str, bytes]) -> str:
    """Return the digest of the parts a template renders (the rest is copied as it is)."""
    digest = hashlib.sha256()
    for name in sorted(name for name in parts if _RENDERED.match(name)):
        digest.update(name.encode() + b"\0" + parts[name] + b"\0")
    return digest.hexdigest()


def _cache_key(parts: dict[str, bytes]) -> str:
    """Return what the cached forms of a template depend on: its parts, this module, the version."""
    digest = hashlib.sha256(__version__.encode() + b"\0" + Path(__file__).read_bytes())
    digest.update(_parts_digest(parts).encode())
    return digest.hexdigest()[:32]


SHIPPED_SUFFIX = ".prepared.json"


def _cleaned(path: Path, parts: dict[str, bytes], key: str) -> tuple[dict[str, str], _Widths]:
    """Return the template's parts with tags cleaned by docxtpl, and the widths of its lines.

    Both depend only on the template's bytes, so they are kept in a small cache file: a later run
    with the same template skips importing docxtpl, python-docx and lxml altogether. The built-in
    templates ship with this prepared form beside them (`<name>.prepared.json`, written by
    templates/build_templates.py), so even the first run after installing skips them.
    """
    cache_file = cache_dir() / "mau" / f"{key}.json"
    for candidate in (cache_file, path.with_name(path.stem + SHIPPED_SUFFIX)):
        try:
            cached = json.loads(candidate.read_text(encoding="utf-8"))
            if candidate is cache_file or cached["digest"] == _parts_digest(parts):
                return cached["sources"], _Widths(*cached["widths"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
    form = prepared_form(path, parts)
    try:
        from tbkl_gen.word.write import write_atomic

        write_atomic(cache_file, json.dumps(form).encode("utf-8"))
    except TbklError:
        pass  # a read-only home folder only costs speed
    return form["sources"], _Widths(*form["widths"])


def prepared_form(path: Path, parts: dict[str, bytes] | None = None) -> dict[str, Any]:
    """Return a template's prepared form: its parts' digest, its cleaned sources and line widths."""
    from docxtpl import DocxTemplate

    if parts is None:
        with zipfile.ZipFile(path) as package:
            parts = {info.filename: package.read(info) for info in package.infolist()}
    cleaner = DocxTemplate(path)
    sources = {}
    for name in sorted(name for name in parts if _RENDERED.match(name)):
        xml = cleaner.patch_xml(parts[name].decode("utf-8"))
        xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
        sources[name] = _EMPTY_RUN.sub("", xml)
    try:
        widths = _measure(parts["word/document.xml"].decode("utf-8"))
    except Exception as exc:  # noqa: BLE001 - any unreadable XML is the template's fault
        raise TemplateBroken(path, "word/document.xml không đọc được") from exc
    return {"digest": _parts_digest(parts), "sources": sources, "widths": [widths.co_quan, widths.trich_yeu, widths.khan]}


def _compiled(path: Path, sources: dict[str, str], key: str) -> dict[str, jinja2.Template]:
    """Return the template's parts compiled by jinja.

    Jinja compiles a template into Python code; that code is cached the way jinja's own bytecode
    cache does it (marshal, so per Python and jinja version), which spares a one-notice run the
    parsing and code generation.
    """
    environment = make_environment()
    tag = f"{sys.implementation.cache_tag}-jinja{jinja2.__version__}"
    cache_file = cache_dir() / "mau" / f"{key}-{tag}.code"
    try:
        codes = marshal.loads(cache_file.read_bytes())
        if not (isinstance(codes, dict) and codes.keys() == sources.keys()):
            raise ValueError("stale")
    except (OSError, ValueError, EOFError, TypeError):
        codes = {}
        for name, xml in sources.items():
            try:
                codes[name] = environment.compile(xml)
            except jinja2.TemplateSyntaxError as exc:
                raise TemplateBroken(path, f"{name}: thẻ jinja sai cú pháp: {exc.message}") from exc
        try:
            from tbkl_gen.word.write import write_atomic

            write_atomic(cache_file, marshal.dumps(codes))
        except TbklError:
            pass  # a read-only home folder only costs speed
    template_globals = environment.make_globals(None)
    return {name: environment.template_class.from_code(environment, code, template_globals) for name, code in codes.items()}


def cache_dir() -> Path:
    """Return the folder for tbkl's caches: $TBKL_CACHE_DIR, or the platform's user cache."""
    override = os.environ.get("TBKL_CACHE_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "tbkl-gen"


def keep_last_paragraph_with_closing(xml: str) -> str:
    """Return xml with the paragraph before the closing block kept on its page.

    The closing table (recipients and signer) never splits, so without this Word and LibreOffice
    may push it alone onto a last page with no text of the notice above the signature.
    """
    mark = xml.find(_CLOSING_MARK)
    if mark < 0:
        return xml
    end = _paragraph_start_before(xml, mark)
    start = _paragraph_start_before(xml, end) if end > 0 else -1
    if start < 0:
        return xml
    paragraph = xml[start:end]
    if "<w:keepNext/>" in paragraph or "<w:pStyle " not in paragraph:
        return xml
    style_end = paragraph.index("/>", paragraph.index("<w:pStyle ")) + 2
    return xml[:start] + paragraph[:style_end] + "<w:keepNext/>" + paragraph[style_end:] + xml[end:]


def _paragraph_start_before(xml: str, end: int) -> int:
    """Return where the last paragraph ("<w:p>" or "<w:p …>") opening before end starts, or -1."""
    return max(xml.rfind("<w:p ", 0, end), xml.rfind("<w:p>", 0, end))


def _measure(document_xml: str) -> _Widths:
    """Return the widths (twips) the computed lines are centred in, read from the template."""
    from lxml import etree

    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    root = etree.fromstring(document_xml.encode("utf-8"))
    sect = root.find(".//w:body/w:sectPr", ns)
    w = "{%s}" % ns["w"]
    page_width = 9071
    if sect is not None:
        size = sect.find("w:pgSz", ns)
        margins = sect.find("w:pgMar", ns)
        if size is not None and margins is not None:
            page_width = int(size.get(w + "w")) - int(margins.get(w + "left")) - int(margins.get(w + "right"))

    def width_of(variable: str) -> int:
        for text in root.iterfind(".//w:t", ns):
            if text.text and variable in text.text:
                cell = next((a for a in text.iterancestors() if a.tag == w + "tc"), None)
                if cell is None:
                    return page_width
                cell_width = cell.find("w:tcPr/w:tcW", ns)
                if cell_width is not None and cell_width.get(w + "type", "dxa") == "dxa":
                    return int(cell_width.get(w + "w")) - 2 * 108
        return page_width

    return _Widths(width_of("gach_co_quan"), width_of("gach_trich_yeu"), width_of("o_khan"))


def prepared(path: Path) -> PreparedTemplate:
    """Return the prepared template for path, read once per process while the file is unchanged."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise TemplateBroken(path, "không đọc được tệp mẫu") from exc
    return _prepared(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _prepared(path: Path, mtime_ns: int, size: int) -> PreparedTemplate:
    return PreparedTemplate(path)
