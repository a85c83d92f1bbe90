"""The template contract: every name a Word template receives, declared once.

A `Variable` is one name of the contract: the part of the document it prints (a shared part of
`notice.model`, the kind's title block, the body, or the kind's own keys), the declared keys it
prints, what it holds (in Vietnamese: template authors and clerks read it), how a template uses
it, its attributes, the JSON type of its plain value, and how its value is made from a `Layout`
(and, for a paragraph drawn to the template's measures, the template's `Frame`). Everything else
reads this table: `render.CONTRACT` and the sandbox's attributes, the context one notice renders
with, the e-office sidecar's fields that carry the same values (`commands.pdf`) and the listing of
docs/template-contract.md (`listing()`, held current by a test).

The kinds enter from their declarations, never by name: `loai`'s values and `ten_loai`'s titles
come from the table of kinds, and each kind's own keys (`Kind.own_keys()`, beyond the summary and
the body) reach a template as `rieng.<key>`, so a kind registered tomorrow needs no edit here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tbkl_gen.nd30.document_types import SUMMARY_PREFIX
from tbkl_gen.nd30.authority import PREFIXES
from tbkl_gen.nd30.format import (
    ADDRESSEE_HEAD,
    APPENDIX_REFERENCE_OPEN,
    ARCHIVE_PREFIX,
    END_MARK,
    ARCHIVE_WORD,
    PRINTED_CV_SUMMARY_SIZE,
    URGENCY_STAMP_WIDTHS_MM,
)
from tbkl_gen.nd30.grammar import appendix_heading
from tbkl_gen.nd30.units import TWIPS_PER_MM
from tbkl_gen.notice import fields as declaration
from tbkl_gen.notice.kind import SHARED_PARTS
from tbkl_gen.notice.kinds import KINDS
from tbkl_gen.notice.model import BODY_KEY, SUMMARY_KEY, URGENCY_LEVELS, Appendices, Header, Recipients, Settings, SignerBlock
from tbkl_gen.word import wordml
from tbkl_gen.word.wordml import Drawn
from tbkl_gen.word.layout import Layout, Paragraph

TITLE = "title"
"""The part of a variable printed by the kind's title block: its name, its summary, "V/v …" (Kind.summary)."""
BODY = "body"
"""The part of a variable printed by the kind's body (`Kind.body`: the shared blocks)."""
OWN = "own"
"""The part of the variable that carries the kind's own keys (`Kind.own_keys()`)."""

NOT_PRINTED: Mapping[str, str] = {
    "phien_ban": "the source format's version",
    "mau": "chooses the template itself",
    "muc_in_hoa": "decides how the layout prints section titles (noi_dung)",
    "nguoi_soan": "printed inside luu",
    "so_ban": "printed inside luu",
}
"""Declared keys of the shared parts that no variable prints under their own name, and why."""


@dataclass(frozen=True)
class Frame:
    """What a drawn paragraph needs of the template: its columns' widths (twips) and the break before an appendix."""

    co_quan: int
    trich_yeu: int
    khan: int
    appendix_break: str


@dataclass(frozen=True)
class Attribute:
    """One attribute of a variable's value (`nguoi_ky.chuc_vu`), with what it holds."""

    name: str
    doc: str
    json: Mapping[str, Any] = field(default_factory=lambda: {"type": "string"})


@dataclass(frozen=True)
class Variable:
    """One name a template receives."""

    name: str
    part: type | str
    """The shared part of `notice.model` it prints (Header, …), or TITLE, BODY, OWN."""
    prints: tuple[str, ...]
    """The declared keys it prints."""
    doc: Callable[[], str]
    """What it holds, in Vietnamese (a function: what it lists may come from the registered kinds)."""
    usage: str
    """How a template uses it (docs/template-contract.md)."""
    value: Callable[[Layout, Frame | None], Any]
    """Its value for one document; a drawn paragraph needs the template's frame, a plain value none."""
    attributes: Callable[[], tuple[Attribute, ...]] = lambda: ()
    json: Mapping[str, Any] | None = None
    """The JSON type of its plain value, for a variable the e-office sidecar carries as it is; None: drawn XML."""


def _frame(frame: Frame | None) -> Frame:
    if frame is None:
        raise ValueError("a drawn paragraph needs the template's frame")
    return frame


def paragraphs(items: tuple[Paragraph, ...]) -> list[dict[str, Any]]:
    """Return the template's view of body paragraphs and tables (`noi_dung`, `pl.noi_dung`)."""
    return [
        {
            "kieu": p.kind,
            "runs": Drawn(wordml.runs(p.spans)),
            "text": p.text,
            "bang": Drawn(wordml.table(p.table)) if p.table else _NO_TABLE,
        }
        for p in items
    ]


_NO_TABLE = Drawn("")


def _kind_keys() -> str:
    return ", ".join(KINDS)


def _kind_titles() -> str:
    titled = [kind.document_type.title for kind in KINDS.values() if kind.document_type.title]
    untitled = [kind.name.lower() for kind in KINDS.values() if not kind.document_type.title]
    return ", ".join(titled) + (f"; rỗng ở loại không có tên loại ({', '.join(untitled)})" if untitled else "")


def _summary_kinds(place: str) -> str:
    return ", ".join(kind.name.lower() for kind in KINDS.values() if kind.summary == place)


def own_keys() -> dict[str, declaration.Declared]:
    """Return the own keys of every registered kind that reach a template as `rieng`, in the kinds' order."""
    found: dict[str, declaration.Declared] = {}
    for kind in KINDS.values():
        for key in kind.own_keys():
            if key.name not in (SUMMARY_KEY, BODY_KEY):
                found.setdefault(key.name, key)
    return found


def _own_attributes() -> tuple[Attribute, ...]:
    out: dict[str, Attribute] = {}
    for key in own_keys().values():
        owners = ", ".join(kind.name.lower() for kind in KINDS.values() if key.name in {k.name for k in kind.own_keys()})
        out[key.name] = Attribute(key.name, f"{key.spec.label} ({owners})", {})
        if declaration.is_declared(declaration.optional_of(key.type)):
            for inner in declaration.declared(declaration.optional_of(key.type)):
                out.setdefault(inner.name, Attribute(inner.name, f"{inner.spec.label} (trong {key.name})", {}))
    return tuple(out.values())


def _own(layout: Layout, frame: Frame | None) -> dict[str, Any]:
    return {name: layout.rieng.get(name) for name in own_keys()}


_ARRAY = {"type": "array", "items": {"type": "string"}}
_SIGNER = (
    Attribute("quyen_han", f"các dòng thẩm quyền ký, chữ in hoa ({', '.join(PREFIXES)})", _ARRAY),
    Attribute("chuc_vu", "chức vụ người ký, chữ in hoa, như khi in"),
    Attribute("ho_ten", "họ tên người ký"),
)
_BODY = (
    Attribute("kieu", "loại đoạn: doan, muc, khoan, khoan_tieu_de, diem, gach, cong, bang"),
    Attribute("runs", "các đoạn chữ đã đánh số, có đậm, nghiêng, chú thích (dùng với {{r doan.runs }})"),
    Attribute("text", "chữ của đoạn, không định dạng"),
    Attribute("bang", "cả bảng khi kieu là bang: kẻ khung, rộng bằng khổ chữ, hàng tiêu đề lặp lại mỗi trang, ô gộp"),
)
_APPENDIX = (
    Attribute("ngat_trang", "đoạn trống kết thúc phần trước: phụ lục sang trang mới, đánh số trang từ 1 (dùng với {{p pl.ngat_trang }})"),
    Attribute("so", f"số phụ lục: “{appendix_heading(1)}”"),
    Attribute("ten", "tên phụ lục chữ in hoa, hoặc rỗng"),
    Attribute("kem_theo", f"dòng “{APPENDIX_REFERENCE_OPEN} <loại văn bản> số … ngày … của …)”, để trống số và ngày khi là dự thảo"),
    Attribute("noi_dung", "các đoạn và bảng của phụ lục, như noi_dung"),
)
_ISSUER = (
    Attribute("chu_quan", "dòng cơ quan chủ quản chữ in hoa, hoặc rỗng"),
    Attribute("ten", "tên cơ quan ban hành, danh sách các dòng in hoa", _ARRAY),
)

VARIABLES: tuple[Variable, ...] = (
    Variable(
        "co_quan",
        Header,
        ("co_quan",),
        lambda: "cơ quan ban hành",
        "`{%p if co_quan.chu_quan %}` … `{{ co_quan.chu_quan }}` … `{%p endif %}`; `{%p for dong in co_quan.ten %}` `{{ dong }}` `{%p endfor %}`",
        lambda layout, frame: {"chu_quan": layout.chu_quan or "", "ten": list(layout.co_quan)},
        lambda: _ISSUER,
    ),
    Variable(
        "gach_co_quan",
        Header,
        (),
        lambda: "đoạn đường kẻ dưới tên cơ quan, dài 1/3–1/2 dòng tên dài nhất, tính theo cột của mẫu",
        "a paragraph holding only `{{p gach_co_quan }}`",
        lambda layout, f: Drawn(
            wordml.centred_line("TBDuongKe", layout.co_quan_line_in(_frame(f).co_quan / TWIPS_PER_MM), _frame(f).co_quan)
        ),
    ),
    Variable(
        "so",
        Header,
        ("so",),
        lambda: "số văn bản (“05”), hoặc khoảng trắng khi là dự thảo",
        "`Số: {{ so }}/{{ ky_hieu }}`",
        lambda layout, frame: layout.so,
    ),
    Variable(
        "ky_hieu",
        Header,
        ("ky_hieu",),
        lambda: (
            "ký hiệu sau dấu /: " + ", ".join(f"“{kind.document_type.symbol('UBND')}” ({kind.name.lower()})" for kind in KINDS.values())
        ),
        "`Số: {{ so }}/{{ ky_hieu }}`",
        lambda layout, frame: layout.ky_hieu,
        json={"type": "string"},
    ),
    Variable(
        "do_khan",
        Header,
        ("do_khan",),
        lambda: f"mức độ khẩn ({', '.join(URGENCY_LEVELS)}), hoặc rỗng",
        "`{%p if do_khan %}` … `{%p endif %}`",
        lambda layout, frame: layout.do_khan or "",
        json={"type": "string"},
    ),
    Variable(
        "o_khan",
        Header,
        (),
        lambda: "đoạn khung độ khẩn, rộng theo mức độ khẩn; rỗng khi không khẩn",
        "`{%p if do_khan %}` a paragraph holding only `{{p o_khan }}` `{%p endif %}`",
        lambda layout, f: Drawn(
            wordml.boxed("TBKhan", layout.do_khan, URGENCY_STAMP_WIDTHS_MM[layout.do_khan], _frame(f).khan) if layout.do_khan else ""
        ),
    ),
    Variable(
        "dia_danh_ngay",
        Header,
        ("dia_danh", "ngay"),
        lambda: "dòng địa danh, ngày tháng năm: “Lâm Đồng, ngày 05 tháng 3 năm 2026”, để trống ngày, tháng khi là dự thảo",
        "`{{ dia_danh_ngay }}`",
        lambda layout, frame: layout.dia_danh_ngay,
    ),
    Variable(
        "loai",
        Settings,
        ("loai",),
        lambda: f"loại văn bản: {_kind_keys()}",
        '`{%p if loai == "giay_moi" %}` … for what only one kind prints',
        lambda layout, frame: layout.loai,
        json={"type": "string"},
    ),
    Variable(
        "ten_loai",
        TITLE,
        (),
        lambda: f"tên loại in hoa làm tiêu đề ({_kind_titles()})",
        "`{%p if ten_loai %}` `{{ ten_loai }}` … the summary and its line … `{%p endif %}`: one template prints every kind",
        lambda layout, frame: layout.ten_loai,
    ),
    Variable(
        "v_v",
        TITLE,
        (SUMMARY_KEY,),
        lambda: (
            f"trích yếu dưới số và ký hiệu ({_summary_kinds('number')}), bắt đầu bằng “{SUMMARY_PREFIX} ”, các dòng nối bằng ngắt dòng, "
            f"cỡ {PRINTED_CV_SUMMARY_SIZE}; rỗng ở loại khác"
        ),
        '`{%p if v_v %}` a paragraph holding only `{{r v_v }}` `{%p endif %}` under the "Số:" line',
        lambda layout, frame: Drawn(wordml.broken_lines(layout.v_v, PRINTED_CV_SUMMARY_SIZE)),
    ),
    Variable(
        "trich_yeu",
        TITLE,
        (SUMMARY_KEY,),
        lambda: "trích yếu trên một dòng (chỗ người soạn ngắt dòng thành dấu cách); rỗng khi không có (giấy mời có thể không có)",
        "`{{ trich_yeu }}` (also fits the document title in `docProps/core.xml`)",
        lambda layout, frame: layout.trich_yeu,
        json={"type": "string"},
    ),
    Variable(
        "trich_yeu_dong",
        TITLE,
        (SUMMARY_KEY,),
        lambda: (
            f"trích yếu in dưới tên loại ({_summary_kinds('title')}) theo các dòng người soạn chọn (trich_yeu: |), nối bằng ngắt dòng; "
            "không chọn thì một dòng tự xuống dòng"
        ),
        "the summary paragraph holding only `{{r trich_yeu_dong }}`",
        lambda layout, frame: Drawn(wordml.broken_lines(layout.trich_yeu_dong)),
    ),
    Variable(
        "gach_trich_yeu",
        TITLE,
        (),
        lambda: "đoạn đường kẻ dưới khối tên loại: dưới trích yếu, hoặc dưới tên loại khi không có trích yếu",
        "a paragraph holding only `{{p gach_trich_yeu }}`",
        lambda layout, f: Drawn(wordml.centred_line("TBDuongKe", layout.trich_yeu_line_mm, _frame(f).trich_yeu)),
    ),
    Variable(
        "kinh_gui",
        Recipients,
        ("kinh_gui",),
        lambda: f"nơi nhận ở dòng “Kính gửi” (thường rỗng ở thông báo), mỗi nơi một mục, không có “{ADDRESSEE_HEAD}”, dấu “-”, “;”, “.”",
        "`{%p if kinh_gui %}` … to add text around `doan_kinh_gui`",
        lambda layout, frame: list(layout.kinh_gui),
        json=_ARRAY,
    ),
    Variable(
        "doan_kinh_gui",
        Recipients,
        (),
        lambda: (
            f"các đoạn “Kính gửi” đã dàn trang: một nơi trên một dòng căn giữa; nhiều nơi dưới dòng “{ADDRESSEE_HEAD}”, "
            "mỗi nơi một dòng bắt đầu “- ”, “;” sau mỗi nơi và “.” sau nơi cuối, gạch đầu dòng thẳng dưới dấu hai chấm; rỗng khi không có"
        ),
        "a paragraph holding only `{{p doan_kinh_gui }}` under the title's block",
        lambda layout, f: Drawn(
            wordml.addressees(
                layout.kinh_gui_dong,
                layout.kinh_gui_indents_in(_frame(f).trich_yeu / TWIPS_PER_MM),
                ("TBKinhGui", "TBKinhGuiMuc"),
                wordml.ADDRESSEE_SPACE_AFTER,
            )
        ),
    ),
    Variable(
        "noi_dung",
        BODY,
        (BODY_KEY,),
        lambda: (
            f"các đoạn của nội dung (các trường riêng của loại văn bản in thành đoạn theo Kind.body), đã đánh số, có dấu “{END_MARK}” cuối"
        ),
        '`{%p for doan in noi_dung %}` then one `{%p if doan.kieu == "muc" %}` branch per kind of paragraph, each a paragraph '
        'in its own style holding `{{r doan.runs }}`, and `{%p elif doan.kieu == "bang" %}` with a paragraph holding only '
        "`{{p doan.bang }}` (a template without that branch leaves tables out)",
        lambda layout, frame: paragraphs(layout.paragraphs),
        lambda: _BODY,
    ),
    Variable(
        "phu_luc",
        Appendices,
        ("phu_luc",),
        lambda: "các phụ lục theo thứ tự, mỗi phụ lục một phần riêng sang trang mới, đánh số trang từ 1 (mọi loại văn bản)",
        "after the closing table: `{%p for pl in phu_luc %}`, a paragraph holding only `{{p pl.ngat_trang }}`, then `{{ pl.so }}`, "
        "`{%p if pl.ten %}` `{{ pl.ten }}` `{%p endif %}`, `{{ pl.kem_theo }}` and the same loop as `noi_dung` over "
        "`pl.noi_dung`, `{%p endfor %}`",
        lambda layout, f: [
            {
                "ngat_trang": Drawn(_frame(f).appendix_break),
                "so": appendix.heading,
                "ten": appendix.title,
                "kem_theo": appendix.reference,
                "noi_dung": paragraphs(appendix.paragraphs),
            }
            for appendix in layout.appendices
        ],
        lambda: _APPENDIX,
    ),
    Variable(
        "noi_nhan",
        Recipients,
        ("noi_nhan",),
        lambda: "nơi nhận, mỗi nơi một mục, không có dấu “-” và “;”",
        "`{%p for muc in noi_nhan %}` `- {{ muc }};` `{%p endfor %}`",
        lambda layout, frame: list(layout.noi_nhan),
        json=_ARRAY,
    ),
    Variable(
        "luu",
        Recipients,
        ("luu",),
        lambda: f"nội dung dòng lưu sau “{ARCHIVE_WORD}”, có ký hiệu người soạn thảo và số bản nếu có: “VT, KGVX”, “VT, KGVX, Sơn (05)”",
        f"`{ARCHIVE_PREFIX}{{{{ luu }}}}.`",
        lambda layout, frame: layout.luu,
        json={"type": "string"},
    ),
    Variable(
        "nguoi_ky",
        SignerBlock,
        ("nguoi_ky",),
        lambda: "người ký: thẩm quyền, chức vụ, họ tên",
        "one paragraph each; the name paragraph's space-before leaves room for the signature",
        lambda layout, frame: {"quyen_han": list(layout.quyen_han), "chuc_vu": layout.chuc_vu, "ho_ten": layout.ho_ten},
        lambda: _SIGNER,
        json={"type": "object"},
    ),
    Variable(
        "rieng",
        OWN,
        (),
        lambda: (
            "các trường riêng của loại văn bản (ngoài trích yếu và nội dung) như trong tệp nguồn: chữ, danh sách, ngày dạng năm-tháng-ngày; "
            "None khi văn bản không ghi hoặc không thuộc loại có trường đó"
        ),
        "`{%p if rieng.thanh_phan %}` `{%p for muc in rieng.thanh_phan %}` … for a template that places a kind's own fields itself",
        _own,
        _own_attributes,
    ),
)
"""The template contract, in the order a document prints."""

LOOP = ("index", "index0", "revindex", "revindex0", "first", "last", "length")
"""The attributes of `loop` inside a `for`."""


def contract() -> dict[str, str]:
    """Return every name a template may use with what it holds (the registered kinds as they are now)."""
    return {variable.name: variable.doc() for variable in VARIABLES}


def attribute_names() -> frozenset[str]:
    """Return every attribute a template may read of the contract's values, and of `loop`."""
    return frozenset(attribute.name for variable in VARIABLES for attribute in variable.attributes()) | frozenset(LOOP)


def context(layout: Layout, frame: Frame, only: frozenset[str] | None = None) -> dict[str, Any]:
    """Return the values one document renders with: one per variable (only those named, when given)."""
    if only is not None:
        return {variable.name: variable.value(layout, frame) for variable in VARIABLES if variable.name in only}
    return {variable.name: variable.value(layout, frame) for variable in VARIABLES}


def variable(name: str) -> Variable:
    """Return the variable of that name."""
    return next(v for v in VARIABLES if v.name == name)


def printed_keys() -> dict[str, list[str]]:
    """Return, for each declared key of the shared parts, the variables printing it (for the test that every key prints)."""
    found: dict[str, list[str]] = {key.name: [] for part in SHARED_PARTS for key in declaration.declared(part) if not key.source_only}
    for item in VARIABLES:
        for key in item.prints:
            found.setdefault(key, []).append(item.name)
    return found


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


LISTING_START = "<!-- the contract: generated from tbkl_gen/word/contract.py by `python -m tbkl_gen.word.contract` -->"
LISTING_END = "<!-- end of the contract -->"


def listing() -> str:
    """Return the contract as the Markdown table of docs/template-contract.md."""
    rows = ["| variable | what it holds | how to use it |", "|---|---|---|"]
    for item in VARIABLES:
        holds = item.doc() + "".join(f"; `{item.name}.{attribute.name}`: {attribute.doc}" for attribute in item.attributes())
        rows.append(f"| `{item.name}` | {_cell(holds)} | {_cell(item.usage)} |")
    return "\n".join(rows) + "\n"


def with_listing(document: str) -> str:
    """Return the text of docs/template-contract.md with its listing replaced by the current one."""
    start, end = document.index(LISTING_START) + len(LISTING_START), document.index(LISTING_END)
    return document[:start] + "\n\n" + listing() + "\n" + document[end:]


if __name__ == "__main__":  # rewrite the listing of docs/template-contract.md in a checkout
    import pathlib

    from tbkl_gen.files import write_file

    doc = pathlib.Path(__file__).resolve().parents[2] / "docs" / "template-contract.md"
    write_file(doc, with_listing(doc.read_text(encoding="utf-8")).encode("utf-8"))
