"""Generated notices: what loads renders faithfully, what is broken is explained, nothing crashes.

Any notice that loads renders to a Word file that python-docx reopens with the same text.
Hypothesis writes notices whose texts are arbitrary Unicode: Vietnamese letters precomposed and
decomposed, combining marks, emoji, the characters that XML and jinja treat specially, quotes,
line breaks, control characters. The loader may refuse a text (a control character Word cannot
hold) — that is its job — but it must never crash; whatever it accepts must come back from the
.docx as written, in NFC, after the layout's one documented cleaning: line breaks and tabs typed
in the source become one space, the ends are trimmed, and runs of spaces are kept. Any broken
variant of a notice gets Vietnamese messages, each at a line of the file.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import unicodedata
from pathlib import Path

from docx_text import document_lines
from factories import Raw, dump, notice_data
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from tbkl_gen.audit import audit_docx
from tbkl_gen.audit.report import STATUS_FAIL
from tbkl_gen.nd30 import words as vn
from tbkl_gen.pipeline import document
from tbkl_gen.word.layout import clean, lay_out, recipient, summary_lines
from tbkl_gen.source.load import load_notice
from tbkl_gen.word.render import find_template
from tbkl_gen.validate import validate

VIETNAMESE = "ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
SPECIAL = (
    VIETNAMESE
    + VIETNAMESE.upper()
    + "Đ"
    + "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b"  # combining marks: tones, hat, breve, horn
    + "😀👍🏽🇻🇳‍♀️"
    + "&<>{}%#\"'“”‘’«»–—…:;,.!?@`|~$/=_-+[]()"
    + " \t\n\r\u00a0\u200b\u3000\ufeff"
)
# Characters Word cannot hold or YAML reads as line breaks: the loader must refuse them cleanly.
# At most one goes into an example, so that most examples get as far as the .docx.
HOSTILE = "\x00\x07\x0b\x1b\x7f\x85\u2028\ufffe\x01\x1f"
# The layout's inline markup (**bold**, *italic*, ^[footnote], \escape) is not plain text.
MARKUP = "*^\\"
anything = st.characters(exclude_characters=MARKUP + HOSTILE, exclude_categories=("Cc", "Cs"))
characters = st.one_of(st.sampled_from(SPECIAL), anything)
texts = st.text(characters, min_size=1, max_size=40)
hostile = st.one_of(st.none(), st.tuples(st.integers(min_value=0), st.sampled_from(HOSTILE)))
blocks = st.lists(st.tuples(st.sampled_from(["doan", "muc", "khoan", "diem", "gach", "cong"]), texts), min_size=1, max_size=4)

TEMPLATE = find_template(None)
CLOSING = "Đề nghị các cơ quan, đơn vị triển khai thực hiện."


def _block(kind: str, text: str) -> object:
    return text if kind == "doan" else {kind: text}


def _shown(kind: str, text: str) -> str:
    """Return how the layout shows a block's text, the part a paragraph must contain."""
    text = unicodedata.normalize("NFC", text)
    return vn.upper(clean(text)) if kind == "muc" else clean(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(summary=texts, place=texts, content=blocks, recipients=st.lists(texts, max_size=3), name=texts, spoiler=hostile)
def test_a_notice_that_loads_renders_with_the_same_text(
    summary: str, place: str, content: list[tuple[str, str]], recipients: list[str], name: str, spoiler: tuple[int, str] | None
) -> None:
    if spoiler is not None:
        position, character = spoiler
        spoilt = [summary, place, name][position % 3]
        at = position % (len(spoilt) + 1)
        summary, place, name = [t[:at] + character + t[at:] if t is spoilt else t for t in (summary, place, name)]
    data = notice_data(
        trich_yeu=summary,
        dia_danh=place,
        noi_dung=[*(_block(kind, text) for kind, text in content), CLOSING],
        noi_nhan=recipients,
        nguoi_ky__ho_ten=name,
    )
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "a.yaml"
        source.write_text(dump(data), encoding="utf-8")
        loaded = load_notice(source)
        event("refused by the loader" if loaded.notice is None else "rendered")
        if loaded.notice is None:
            assert loaded.problems and all(p.place.file == source for p in loaded.problems)
            return
        output = Path(folder) / "a.docx"
        output.write_bytes(document(lay_out(loaded.notice), TEMPLATE))
        lines = document_lines(output)

    expected = [
        *summary_lines(unicodedata.normalize("NFC", summary)),
        clean(unicodedata.normalize("NFC", place)),
        clean(unicodedata.normalize("NFC", name)),
        *(_shown(kind, text) for kind, text in content),
        *(recipient(unicodedata.normalize("NFC", text)) for text in recipients),
    ]
    for text in expected:
        assert any(text in line for line in lines), (text, lines)
    assert all(unicodedata.is_normalized("NFC", line) for line in lines)


# --- broken variants of a notice: never a crash, always a Vietnamese message with a place ---------

ENGLISH = ("expected", "found", "while ", "Input should", "Field required", "Extra inputs", "String should", "Traceback", "Error")
EDITS = list(" \t:-'\"[]{}#&*!|>%@`,?~\\") + ["\n", "  ", "- ", ": ", "012", "yes", "null", "2021-02-30", "<<: ", "\x00", "\u2028", "KT."]


def broken_variant(edits: list[tuple[int, int, str, int]]) -> str:
    """Return the sample notice with each edit (line, column, text to insert, characters cut) applied."""
    lines = dump(notice_data()).split("\n")
    for line_at, column_at, text, cut in edits:
        index = line_at % len(lines)
        line = lines[index]
        column = column_at % (len(line) + 1)
        lines[index] = line[:column] + text + line[column + cut :]
    return "\n".join(lines)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(min_value=0), st.integers(min_value=0), st.sampled_from(EDITS), st.integers(0, 3)), min_size=1, max_size=4
    )
)
def test_a_broken_variant_gets_vietnamese_messages_at_a_place(edits: list[tuple[int, int, str, int]]) -> None:
    text = broken_variant(edits)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "a.yaml"
        source.write_text(text, encoding="utf-8")
        loaded = load_notice(source)
        problems = list(loaded.problems)
        if loaded.notice is not None:
            problems += validate(loaded.notice, loaded.source)
    for problem in problems:
        assert problem.place.file == source
        assert problem.code == "more" or (problem.place.line is not None and 1 <= problem.place.line <= text.count("\n") + 1)
        said = problem.message + " " + problem.hint
        assert not any(word in said for word in ENGLISH), said


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(min_value=0), st.integers(min_value=0), st.sampled_from(EDITS), st.integers(0, 3)), min_size=1, max_size=4
    )
)
def test_libyaml_and_the_python_parser_agree_on_broken_variants(edits: list[tuple[int, int, str, int]]) -> None:
    from tbkl_gen.source.read import read_source

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "a.yaml"
        source.write_text(broken_variant(edits), encoding="utf-8")
        results = []
        for fast in (True, False):
            read, problems = read_source(source, fast=fast)
            shape = None if read is None else (read.data, read.value_marks, read.key_marks, read.raw_plain, read.comments)
            results.append((shape, [p.format() for p in problems]))
    assert results[0] == results[1]


# --- one decree: whatever `tbkl check` accepts, the audit of its render passes ---------------------
#
# Each field is drawn with whether the decree allows it (nd30.md, the section in the comment). The
# allowed values come from real archive lines, symbols and signature blocks; the refused ones are
# slips drafters make. A notice whose every field is allowed must pass both sides; a notice the checks
# accept must pass the audit; a notice with a refused field must be refused by the checks.

Field = tuple[dict[str, object], bool]

# §6 and ô 12 in §7: "VT", one or more units, optionally the drafter and the number of copies.
ARCHIVE_UNITS = ["KGVX", "NN&MT", "XDCT", "KTTH", "TH", "SNV2", "NC", "VP", "TCCB", "NVĐP"]
ARCHIVE_TAILS = ["", ", 05", " 05", " (05)", ", Sơn", ", Sơn 05", " (Thập)", ".Châu", ".Châu 3", ", PL.(300)", ", Nguyễn Văn An"]
ARCHIVE_TYPED = ["{}", "- Lưu: {}.", "Lưu: {};", "{},"]  # the layout drops what the drafter need not type
ARCHIVE_REFUSED = ["VT, kgvx", "VT, XDCT. Khánh", "VT KGVX", "KGVX", "VT", "VT, KGVX, 05 bản"]
# §3.3: type code, then the issuer's abbreviation, in parts, digits allowed.
SYMBOLS_ALLOWED: list[dict[str, object]] = [
    {"co_quan__viet_tat": abbreviation} for abbreviation in ("UBND", "VP", "SNV2", "UBND-KGVX", "HĐND", "SKHCN")
] + [{"ky_hieu": symbol} for symbol in ("TB-UBND-KGVX", "TB-SNV2", "TB-VP")]
SYMBOLS_REFUSED: list[dict[str, object]] = [{"co_quan__viet_tat": "Văn phòng"}, {"ky_hieu": "TB - UBND"}, {"ky_hieu": "QĐ-UBND"}]
NUMBERS_ALLOWED = ["28", "5", "05", None, "123456", "10"]
NUMBERS_REFUSED = ["0", "1234567", "5a"]
# §5: the stacks of authority lines, and the signer's name without academic titles, not in capitals.
SIGNERS_ALLOWED = [
    ([], "CHÁNH VĂN PHÒNG"),
    (["TL. CHỦ TỊCH"], "CHÁNH VĂN PHÒNG"),
    (["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG"], "PHÓ CHÁNH VĂN PHÒNG"),
    (["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], "PHÓ CHỦ TỊCH"),
    (["TM. ỦY BAN NHÂN DÂN"], "CHỦ TỊCH"),
    (["KT. GIÁM ĐỐC"], "PHÓ GIÁM ĐỐC"),
    (["TUQ. CHỦ TỊCH"], "GIÁM ĐỐC SỞ NỘI VỤ"),
    (["TM. ỦY BAN NHÂN DÂN", "Q. CHỦ TỊCH"], "PHÓ CHỦ TỊCH"),
]
SIGNERS_REFUSED = [
    (["KT. CHÁNH VĂN PHÒNG", "TL. CHỦ TỊCH"], "PHÓ CHÁNH VĂN PHÒNG"),
    (["TM. CHỦ TỊCH"], "CHỦ TỊCH"),
    (["Q. CHỦ TỊCH"], "Q. CHÁNH VĂN PHÒNG"),
]
NAMES_ALLOWED = ["Võ Văn Viên", "Nguyễn Thị Ánh", "Đặng Quốc Khánh"]
NAMES_REFUSED = ["TS. Võ Văn Viên", "PGS.TS. Võ Văn Viên", "VÕ VĂN VIÊN", "(Đã ký)"]
PLACES_ALLOWED = ["Quảng Nam", "Thành phố Hồ Chí Minh", "Đức Trọng"]
PLACES_REFUSED = ["Hà Nội, Việt Nam"]
# §3.4 and §3.5: a draft may leave the day, or the day and month, blank; the summary is not in capitals.
DATES_ALLOWED = [dt.date(2021, 12, 24), "2021-12", 2021]
SUMMARIES_REFUSED = ["KẾT LUẬN CỦA CHỦ TỊCH UBND TỈNH", "KẾT LUẬN"]
# ô 12 in §7: the drafter's mark (a name, a code with its dot, or both) and the copies, in digits;
# §4: section titles in capitals or as typed; §3.5: a summary broken where the drafter chose;
# §3.2: an issuer line that the column wraps (check warns, and still accepts it), "&" in its abbreviation.
DRAFTERS_ALLOWED = [None, "Sơn", "PL.", "NC.Châu", "Nguyễn Văn An", "KT.Hà"]
DRAFTERS_REFUSED = ["sơn", "KGVX", "Sơn 05", "PL.(300)"]
COPIES_ALLOWED: list[object] = [None, "05", "300", "1", "9999", Raw("7")]
COPIES_REFUSED: list[object] = ["0", "12000", "05 bản"]
SUMMARY_LINES = ["Kết luận của Giám đốc Sở", "tại cuộc họp giao ban tháng 4 năm 2026 về công tác cải cách hành chính", "và chuyển đổi số"]
ISSUERS_ALLOWED: list[dict[str, object]] = [
    {},
    {"co_quan__ten": ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HỒ CHÍ MINH"]},
    {
        "co_quan__chu_quan": "UBND TỈNH QUẢNG NAM",
        "co_quan__ten": ["SỞ NÔNG NGHIỆP", "VÀ PHÁT TRIỂN NÔNG THÔN"],
        "co_quan__viet_tat": "SNN&PTNT",
    },
]
SECTIONS = [
    {"muc": "Đánh giá chung", "noi_dung": [{"khoan": "Sở Tài chính", "tieu_de": True, "noi_dung": [{"diem": "bố trí kinh phí"}]}]},
    {"muc": "nhiệm vụ thời gian tới", "noi_dung": ["Các Sở, ngành thực hiện."]},
]


def _either(allowed: st.SearchStrategy[dict[str, object]], refused: st.SearchStrategy[dict[str, object]]) -> st.SearchStrategy[Field]:
    """Draw a field's overrides, allowed by the decree most of the time, with whether it is."""
    return st.one_of(*[allowed.map(lambda v: (v, True))] * 5, refused.map(lambda v: (v, False)))


archive_allowed = st.builds(
    lambda units, tail, typed: {"luu": typed.format("VT, " + ", ".join(units) + tail)},
    st.lists(st.sampled_from(ARCHIVE_UNITS), min_size=1, max_size=5, unique=True),
    st.sampled_from(ARCHIVE_TAILS),
    st.sampled_from(ARCHIVE_TYPED),
)
# Phụ lục I II.9.d: "Kính gửi" with one addressee or several, as typed (what the layout prints need not be).
ADDRESSEES_ALLOWED: list[object] = [
    None,
    "Sở Tài chính",
    ["Sở Tài chính", "Sở Nội vụ"],
    ["Kính gửi: Sở Tài chính;", "- Sở Nội vụ."],
    ["Ủy ban nhân dân các xã, phường, đặc khu trên địa bàn tỉnh Quảng Nam và các đơn vị sự nghiệp trực thuộc", "Sở Nội vụ"],
]
forms_allowed = st.builds(
    lambda drafter, copies, capitals, issuer, addressees: {
        **({"nguoi_soan": drafter} if drafter else {}),
        **({"so_ban": copies} if copies is not None else {}),
        **({"kinh_gui": addressees} if addressees is not None else {}),
        "muc_in_hoa": capitals,
        "noi_dung": ["Ngày 22/12/2021, đồng chí Hồ Quang Bửu chủ trì Hội nghị.", *SECTIONS],
        **issuer,
    },
    st.sampled_from(DRAFTERS_ALLOWED),
    st.sampled_from(COPIES_ALLOWED),
    st.booleans(),
    st.sampled_from(ISSUERS_ALLOWED),
    st.sampled_from(ADDRESSEES_ALLOWED),
)
forms_refused = st.one_of(
    st.sampled_from(DRAFTERS_REFUSED).map(lambda v: {"nguoi_soan": v}),
    st.sampled_from(COPIES_REFUSED).map(lambda v: {"so_ban": v}),
)
# Each field's (allowed, refused) strategies.
DECREE_FIELDS = [
    (archive_allowed, st.sampled_from(ARCHIVE_REFUSED).map(lambda v: {"luu": v})),
    (st.sampled_from(SYMBOLS_ALLOWED), st.sampled_from(SYMBOLS_REFUSED)),
    (st.sampled_from(NUMBERS_ALLOWED).map(lambda v: {"so": v}), st.sampled_from(NUMBERS_REFUSED).map(lambda v: {"so": v})),
    (
        st.sampled_from(SIGNERS_ALLOWED).map(lambda v: {"nguoi_ky__quyen_han": v[0], "nguoi_ky__chuc_vu": v[1]}),
        st.sampled_from(SIGNERS_REFUSED).map(lambda v: {"nguoi_ky__quyen_han": v[0], "nguoi_ky__chuc_vu": v[1]}),
    ),
    (
        st.sampled_from(NAMES_ALLOWED).map(lambda v: {"nguoi_ky__ho_ten": v}),
        st.sampled_from(NAMES_REFUSED).map(lambda v: {"nguoi_ky__ho_ten": v}),
    ),
    (
        st.one_of(
            st.sampled_from(DATES_ALLOWED).map(lambda v: {"ngay": v}),
            st.lists(st.sampled_from(SUMMARY_LINES), min_size=2, max_size=3, unique=True).map(lambda v: {"trich_yeu": "\n".join(v)}),
        ),
        st.sampled_from(SUMMARIES_REFUSED).map(lambda v: {"trich_yeu": v}),
    ),
    (st.sampled_from(PLACES_ALLOWED).map(lambda v: {"dia_danh": v}), st.sampled_from(PLACES_REFUSED).map(lambda v: {"dia_danh": v})),
    (forms_allowed, forms_refused),
]
decree_fields = st.tuples(*(_either(allowed, refused) for allowed, refused in DECREE_FIELDS))
allowed_fields = st.tuples(*(allowed.map(lambda v: (v, True)) for allowed, _ in DECREE_FIELDS))

# Few generated examples (each renders and audits a .docx); the named variants always run.
settings.register_profile("decree", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _allowed(**overrides: object) -> tuple[Field, ...]:
    return (overrides, True), ({}, True)


@settings(settings.get_profile("decree"))
@given(decree_fields)
@example(_allowed(luu="VT, NN&MT, XDCT, KGVX, KTTH"))
@example(_allowed(luu="VT, KGVX, 05"))
@example(_allowed(luu="VT, KGVX, Sơn"))
@example(_allowed(luu="VT, NC.Châu"))
@example(_allowed(luu="VT, TCCB, PL.(300)"))
@example(_allowed(ky_hieu="TB-UBND-KGVX"))
@example(_allowed(co_quan__viet_tat="SNV2"))
@example(_allowed(co_quan__viet_tat="UBND-KGVX"))
@example(_allowed(so=None, ngay="2021-12"))
@example(_allowed(nguoi_soan="PL.", so_ban="300", luu="VT, NN&MT, TCCB"))
@example(_allowed(nguoi_soan="NC.Châu", so_ban="05", muc_in_hoa=False, noi_dung=SECTIONS))
@example(_allowed(trich_yeu="\n".join(SUMMARY_LINES), co_quan__viet_tat="SNN&PTNT"))
@example(_allowed(**ISSUERS_ALLOWED[1]))
@example(_allowed(kinh_gui=ADDRESSEES_ALLOWED[3]))
@example(_allowed(kinh_gui=ADDRESSEES_ALLOWED[4]))
def test_what_check_accepts_passes_the_audit_of_its_render(fields: tuple[Field, ...]) -> None:
    _checked_and_audited(fields)


# Most draws above hold one refused field, and stop at the check: these render and audit every time.
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(allowed_fields)
def test_every_notice_the_decree_allows_is_accepted_and_passes_the_audit(fields: tuple[Field, ...]) -> None:
    _checked_and_audited(fields)


def _checked_and_audited(fields: tuple[Field, ...]) -> None:
    """Check the notice the fields make; an allowed one must be accepted, an accepted one pass the audit."""
    overrides: dict[str, object] = {}
    for values, _ in sorted(fields, key=lambda field: field[1], reverse=True):  # a refused value last: no allowed one overwrites it
        overrides.update(values)
    allowed = all(ok for _, ok in fields)
    if fields[0][1] and ("nguoi_soan" in overrides or "so_ban" in overrides):
        # an allowed archive line may carry its own drafter or copies; with these fields too they print twice
        overrides["luu"] = "VT, NN&MT, KGVX"
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "a.yaml"
        source.write_text(dump(notice_data(**overrides)), encoding="utf-8")
        loaded = load_notice(source)
        assert loaded.notice is not None, [p.format() for p in loaded.problems]
        errors = [p.format() for p in [*loaded.problems, *validate(loaded.notice, loaded.source)] if p.is_error]
        event("accepted by check" if not errors else "refused by check")
        if allowed:
            assert errors == [], overrides
        else:
            assert errors, f"check accepted a value the decree does not allow: {overrides}"
            return
        output = Path(folder) / "a.docx"
        output.write_bytes(document(lay_out(loaded.notice), TEMPLATE))
        failed = [f"{r.rule} {r.title}: {r.detail}" for r in audit_docx(output) if r.status == STATUS_FAIL]
    assert failed == [], overrides
