"""Check a notice against the decree and against the slips drafters make. Pure: no IO.

`validate(notice, source)` returns every problem, errors and warnings, each at the place in the
source where the value was written. The shape of the source (keys, types) is checked by the model
when loading; this module checks meaning: dates, number and symbol, the signer's authority lines
(Nghị định 30/2020, Điều 13 and Phụ lục I, mục II.7), recipients, text hygiene, and the slips of
a new user that would otherwise print in silence: numbers typed in front of numbered blocks, values
wrapped in quotes, unpaired markup, the scaffold's samples left in, issuer lines too wide.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from itertools import combinations, pairwise

from tbkl_gen import samples
from tbkl_gen.errors import Fix, Problem, Severity, in_order, shortened
from tbkl_gen.markup import has_markup, plain_text, unpaired_marks
from tbkl_gen.source.dates import impossible_date
from tbkl_gen.source.places import Path_, Source
from tbkl_gen.notice import fields as declaration
from tbkl_gen.notice.kind import Kind, own_texts
from tbkl_gen.notice.kinds import kind_of
from tbkl_gen.notice.model import BLOCK_CLASSES, Bang, Block, Notice
from tbkl_gen.notice.tables import columns_of, place, spans
from tbkl_gen.nd30 import authority as signing
from tbkl_gen.nd30 import words as vn
from tbkl_gen.nd30.document_types import DocumentType
from tbkl_gen.nd30.format import (
    ADDRESSEE_HEAD,
    APPENDIX_REFERENCE_OPEN,
    ARCHIVE_PREFIX,
    ARCHIVE_WORD,
    END_MARK,
    END_MARK_NOT_AFTER,
    PRINTED_ISSUER_SIZE,
    RECIPIENTS_HEAD,
)
from tbkl_gen.nd30.format import PRINTED_TEXT_WIDTH_MM as TEXT_WIDTH_MM
from tbkl_gen.nd30.grammar import APPENDIX_MENTION, APPENDIX_MENTION_HOLDS, appendix_heading, appendix_number
from tbkl_gen.nd30.grammar import (
    ADDRESSEE_LINE,
    addressee,
    ACADEMIC_PREFIX,
    ARCHIVE_FORM,
    archive_as_printed,
    COPY_COUNT_SHAPE,
    NUMBER_SHAPE,
    UNIT_SHAPE,
    UPPER_LETTERS,
    all_caps,
    archive_content,
    is_archive,
    is_drafter,
    archive_holds,
    printed_archive,
    split_archive,
    symbol_shape,
)
from tbkl_gen.nd30.text_width import text_width_mm
from tbkl_gen.word.columns import issuer_column_mm
from tbkl_gen.nd30.patterns import lazy

TWO_LEVEL_GOVERNMENT = dt.date(2025, 7, 1)
# The second word of a unit's kind stays lower case: "Thành phố Hồ Chí Minh", "Thị xã Điện Bàn".
GENERIC_PLACE_WORDS = {"phố", "xã", "trấn"}


def validate(notice: Notice, source: Source | None, *, today: dt.date | None = None, kind: Kind | None = None) -> list[Problem]:
    """Return every problem of a document that loaded (a notice, or a document of another kind), in source order."""
    kind = kind or kind_of(notice)
    checker = _Checker(notice, source or Source(path=None, data={}), today or dt.date.today(), kind)  # type: ignore[arg-type]
    checker.run()
    return in_order(checker.source.path, checker.problems)


class _Checker:
    def __init__(self, notice: Notice, source: Source, today: dt.date, kind: Kind) -> None:
        self.notice = notice
        self.kind = kind
        self.source = source
        self.today = today
        self.problems: list[Problem] = []
        # every piece of drafter text, walked once for all the checks, with where each stands (`_OUTSIDE`, …)
        # and the tables met on the way
        self.texts, self.wheres, self.tables = _walk(notice)
        # the texts joined by NULs: a check asks it first whether any text can hit, then looks text by text
        self.everything = "\0".join(text for _, text in self.texts)

    def error(self, path: Path_, message: str, hint: str = "", code: str = "", fix: Fix | None = None) -> None:
        self.problems.append(Problem(self.source.place(path), message, Severity.ERROR, hint, code, fix))

    def warn(self, path: Path_, message: str, hint: str = "", code: str = "", fix: Fix | None = None) -> None:
        self.problems.append(Problem(self.source.place(path), message, Severity.WARNING, hint, code, fix))

    def fix(self, path: Path_, title: str, change: Callable[[str], str | None]) -> Fix | None:
        """Return the fix that writes change(text) for the text at path, as the drafter wrote it in this file.

        None when the value is not text written in the notice's own file (a default from
        tbkl.yaml, a line of a list written as one string) or when change has nothing to offer.
        """
        raw = self.source.written(path)
        if not isinstance(raw, str):
            return None
        new = change(raw)
        if new is None or new == raw:
            return None
        return Fix(title, tuple(path), new, raw)

    def run(self) -> None:
        self.check_dates()
        self.check_number()
        self.check_issuer()
        self.check_signer()
        self.check_addressees()
        self.check_recipients()
        self.check_text()
        self.check_slips()
        self.check_tables()
        self.check_appendices()
        self.check_kind()

    def check_kind(self) -> None:
        """Run the checks the document's kind adds to the shared ones."""
        for finding in self.kind.checks(self.notice):
            report = self.error if finding.error else self.warn
            report(finding.path, finding.message, finding.hint, finding.code)

    # --- dates ------------------------------------------------------------------------------

    def check_dates(self) -> None:
        day = self.notice.ngay
        earliest = latest = None
        if day.ngay is not None and day.thang is None:
            self.error(("ngay",), "có ngày nhưng thiếu tháng", "ghi đủ ngày/tháng/năm, hoặc chỉ tháng/năm khi chưa biết ngày", "date")
        elif day.ngay is not None and day.thang is not None:
            try:
                earliest = latest = dt.date(day.nam, day.thang, day.ngay)
            except ValueError:
                message, hint = impossible_date(day.nam, day.thang, day.ngay)
                self.error(("ngay",), message, hint, "date")
                return
        elif day.thang is not None:
            earliest = dt.date(day.nam, day.thang, 1)
            latest = _last_day_of_month(day.nam, day.thang)
        else:
            earliest, latest = dt.date(day.nam, 1, 1), dt.date(day.nam, 12, 31)
        meeting = getattr(self.notice, "ngay_hop", None)
        meeting_path: Path_ = ("ngay_hop",)
        shared = getattr(self.notice, "cuoc_hop", None)
        if meeting is None and shared is not None and "ngay_hop" in self.kind.all_keys():
            # a kind that reports on a meeting takes its day from the meeting (`cuoc_hop: giay-moi.yaml`)
            meeting, meeting_path = shared.day(), ("cuoc_hop", "thoi_gian")
        if latest and meeting and latest < meeting:
            self.error(
                ("ngay",),
                f"ngày ban hành {self._issued_text()} sớm hơn ngày họp {vn.shown_day(meeting)}",
                "thông báo kết luận ban hành sau cuộc họp; kiểm tra lại ngay và ngay_hop",
                "date_order",
            )
        if earliest and earliest > self.today:
            self.warn(("ngay",), f"ngày ban hành {self._issued_text()} ở tương lai", "kiểm tra lại năm, tháng, ngày", "future")
        if meeting and meeting > self.today:
            self.warn(meeting_path, f"ngày họp {vn.shown_day(meeting)} ở tương lai", "kiểm tra lại năm, tháng, ngày", "future")

    def _issued_text(self) -> str:
        day = self.notice.ngay
        if day.ngay is not None and day.thang is not None:
            return f"{day.ngay:02d}/{day.thang:02d}/{day.nam}"
        if day.thang is not None:
            return f"tháng {day.thang:02d}/{day.nam}"
        return f"năm {day.nam}"

    # --- number and symbol -------------------------------------------------------------------

    def check_number(self) -> None:
        number = self.notice.so
        if number is not None and number.strip() and not NUMBER_SHAPE.match(number.strip()):
            self.error(
                ("so",), f"số “{shortened(number)}” không đúng dạng", _number_hint(number.strip(), self.kind.document_type), "number"
            )
        symbol = self.notice.symbol
        if not symbol_shape(self.kind.document_type).match(symbol):
            if self.notice.ky_hieu:
                self.error(("ky_hieu",), f"ký hiệu “{shortened(symbol)}” không đúng dạng", _symbol_hint(symbol, self.kind), "symbol")
            else:
                self.error(
                    ("co_quan", "viet_tat"),
                    f"chữ viết tắt “{shortened(self.notice.co_quan.viet_tat)}” tạo ra ký hiệu “{shortened(symbol)}” không đúng dạng",
                    "chữ viết tắt của cơ quan viết in hoa, không dấu cách, ví dụ UBND, VP, SCT",
                    "symbol",
                )

    # --- issuer -------------------------------------------------------------------------------

    def check_issuer(self) -> None:
        co_quan = self.notice.co_quan
        for index, line in enumerate(co_quan.ten):
            path = ("co_quan", "ten", index)
            if not line:
                self.warn(path, "dòng tên cơ quan rỗng", "xóa dòng “- ” thừa", "empty_item")
            elif line != vn.upper(line):
                self.warn(path, "tên cơ quan ban hành viết in hoa", f"viết “{vn.upper(line)}”", "caps")
        if co_quan.chu_quan and co_quan.chu_quan != vn.upper(co_quan.chu_quan):
            self.warn(("co_quan", "chu_quan"), "tên cơ quan chủ quản viết in hoa", f"viết “{vn.upper(co_quan.chu_quan)}”", "caps")
        issued = self.notice.ngay
        if (issued.nam, issued.thang or 12, issued.ngay or 31) >= (
            TWO_LEVEL_GOVERNMENT.year,
            TWO_LEVEL_GOVERNMENT.month,
            TWO_LEVEL_GOVERNMENT.day,
        ):
            lines = [co_quan.chu_quan or "", *co_quan.ten]
            if any("HUYỆN" in vn.upper(line) for line in lines):
                self.warn(
                    ("co_quan",),
                    f"từ {vn.day_text(TWO_LEVEL_GOVERNMENT.day)}/{TWO_LEVEL_GOVERNMENT.month}/{TWO_LEVEL_GOVERNMENT.year} chính quyền địa phương chỉ còn cấp tỉnh và cấp xã, không còn cấp huyện",
                    "dùng tên đơn vị hành chính đang có hiệu lực vào ngày ban hành",
                    "names",
                )
        place = self.notice.dia_danh
        if "," in place:
            # The comma after the place is printed by the layout; one inside it breaks the date line.
            self.error(
                ("dia_danh",),
                f"địa danh “{shortened(place)}” có dấu phẩy",
                "chỉ ghi tên đơn vị hành chính, ví dụ Quảng Nam; dấu phẩy sau địa danh do công cụ tự thêm",
                "place",
            )
        elif any(word[:1].islower() and word not in GENERIC_PLACE_WORDS for word in place.split() if word[:1].isalpha()):
            fixed = " ".join(word if word in GENERIC_PLACE_WORDS else word[:1].upper() + word[1:] for word in place.split())
            self.warn(("dia_danh",), f"địa danh “{shortened(place)}” cần viết hoa chữ đầu mỗi tiếng", f"viết “{fixed}”", "caps")

    # --- signer -------------------------------------------------------------------------------

    def check_signer(self) -> None:
        signer = self.notice.nguoi_ky
        typed: list[tuple[int, str]] = []  # (index in quyen_han, the line as the grammar reads it)
        for index, line in enumerate(signer.quyen_han):
            read = self._authority_line(index, line)
            if read is not None:
                typed.append((index, read))
        title = vn.upper(" ".join(signer.chuc_vu.split()))
        if signer.chuc_vu != title:
            self.warn(("nguoi_ky", "chuc_vu"), "chức vụ người ký viết in hoa", f"viết “{title}”", "caps")
        for breach in signing.breaches([line for _, line in typed], title):
            if breach.where is None:
                path: Path_ = ("nguoi_ky", "quyen_han")
            elif breach.where == len(typed):
                path = ("nguoi_ky", "chuc_vu")
            else:
                path = ("nguoi_ky", "quyen_han", typed[breach.where][0])
            self.error(path, breach.message, breach.hint, "authority")
        self._check_name(signer.ho_ten)

    def _authority_line(self, index: int, line: str) -> str | None:
        """Return an authority line as the grammar reads it (a typing slip told and mended), or None when empty."""
        path = ("nguoi_ky", "quyen_han", index)
        if not line.strip():
            self.warn(path, "dòng quyền hạn rỗng", "xóa dòng “- ” thừa", "empty_item")
            return None
        text = vn.upper(" ".join(line.split()))
        if signing.parse_line(text) is None:
            slip = signing.SLIP.match(text)
            if slip is not None:
                prefix = re.sub(r"[\s/]", "", slip.group(1))
                fixed = f"{prefix}. {slip.group(2)}"
                self.error(
                    path,
                    f"dòng quyền hạn “{shortened(line)}” viết sai dạng",
                    f"viết “{fixed}”: chữ in hoa, dấu chấm, một dấu cách",
                    "authority",
                )
                return fixed
            return text
        if line != text:
            self.warn(path, "dòng quyền hạn viết in hoa, cách nhau một dấu cách", f"viết “{text}”", "caps")
        return text

    def _check_name(self, ho_ten: str) -> None:
        path = ("nguoi_ky", "ho_ten")
        name = " ".join(ho_ten.split())
        academic = ACADEMIC_PREFIX.match(name)
        wrapped = _wrapped(name)
        if wrapped is not None:
            self.error(path, *wrapped, "quotes")
        elif name and not name[0].isalpha():
            # A line that opens with "(" reads as the signature placeholder, not as the name.
            self.error(
                path, f"họ tên người ký “{shortened(name)}” phải bắt đầu bằng chữ cái", "chỉ ghi họ, đệm và tên, ví dụ Nguyễn Văn A", "name"
            )
        elif academic:
            rest = name[academic.end() :].strip()
            self.error(
                path, "không ghi học hàm, học vị trước họ tên người ký", f"bỏ “{academic.group().strip()}”, viết “{rest}”", "academic"
            )
        elif all_caps(name) or any(word[:1].islower() for word in name.split()):
            fixed = " ".join(word[:1].upper() + word[1:].lower() for word in name.split())
            # A name in capitals prints against the decree (rule 15): the layout cannot fix it.
            report = self.error if all_caps(name) else self.warn
            report(path, "họ tên viết hoa chữ đầu mỗi tiếng, không viết in hoa cả tên", f"viết “{fixed}”", "caps")

    # --- recipients ---------------------------------------------------------------------------

    def check_addressees(self) -> None:
        """Hold "Kính gửi" (ô 9a) to what the layout prints: one addressee a line, punctuation added by the tool."""
        head = ADDRESSEE_HEAD.rstrip(":")
        seen: dict[str, int] = {}
        for index, item in enumerate(self.notice.kinh_gui):
            path = ("kinh_gui", index)
            stripped = " ".join(item.split())
            if not stripped or not addressee(stripped):
                self.warn(path, "mục kính gửi rỗng", "xóa mục thừa, hoặc ghi tên cơ quan, cá nhân nhận văn bản", "empty_item")
                continue
            if ADDRESSEE_LINE.match(stripped):
                self.warn(path, f"không gõ “{head}”", f"công cụ tự in “{ADDRESSEE_HEAD}”; chỉ ghi tên nơi nhận", "punctuation")
            elif stripped.startswith(("-", "–", "+", "•")):
                self.warn(
                    path, f"không gõ “{stripped[0]}” đầu dòng kính gửi", "công cụ tự thêm dấu “-” khi có từ hai nơi nhận", "punctuation"
                )
            if stripped.endswith((";", ".", ",")):
                self.warn(path, f"không gõ “{stripped[-1]}” cuối dòng kính gửi", "công cụ tự thêm “;” và “.” ở dòng cuối", "punctuation")
            key = vn.upper(addressee(stripped))
            if key in seen:
                first = self.source.place(("kinh_gui", seen[key]))
                where = f" (đã có ở dòng {first.line})" if first.line else ""
                self.warn(path, f"nơi nhận “{shortened(stripped)}” lặp lại trong kinh_gui{where}", "xóa một dòng", "duplicate_recipient")
            else:
                seen[key] = index

    def check_recipients(self) -> None:
        recipients = self.notice.noi_nhan
        if not recipients:
            self.warn(("noi_nhan",), "chưa có nơi nhận nào ngoài dòng lưu", "thêm noi_nhan: với mỗi nơi nhận một dòng “- …”", "recipients")
        seen: dict[str, int] = {}
        for index, item in enumerate(recipients):
            path = ("noi_nhan", index)
            stripped = item.strip()
            if not stripped:
                self.warn(path, "mục nơi nhận rỗng", "xóa dòng “- ” thừa", "empty_item")
                continue
            if stripped.lower().startswith("lưu"):
                self.error(path, "dòng “Lưu” không nằm trong noi_nhan", "ghi vào khóa luu, ví dụ luu: VT, KGVX", "archive")
                continue
            if stripped.lower().rstrip(":").strip() == "nơi nhận":
                self.warn(path, f"không gõ “{RECIPIENTS_HEAD}”", f"công cụ tự in dòng “{RECIPIENTS_HEAD}”; xóa mục này", "punctuation")
                continue
            if stripped.startswith(("-", "–", "+", "•")):
                self.warn(path, f"không gõ “{stripped[0]}” đầu dòng nơi nhận", "công cụ tự thêm dấu “-”", "punctuation")
            if stripped.endswith((";", ".", ",")):
                self.warn(path, f"không gõ “{stripped[-1]}” cuối dòng nơi nhận", "công cụ tự thêm “;”", "punctuation")
            key = vn.upper(" ".join(stripped.lstrip("-–+• ").rstrip(";., ").split()))
            if key in seen:
                first = self.source.place(("noi_nhan", seen[key]))
                where = f" (đã có ở dòng {first.line})" if first.line else ""
                self.warn(path, f"nơi nhận “{shortened(stripped)}” lặp lại{where}", "xóa một dòng", "duplicate_recipient")
            else:
                seen[key] = index
        self._check_first_recipient()
        content = self._check_archive(self.notice.luu)
        if content is not None:
            self._check_drafter(content)

    def _check_first_recipient(self) -> None:
        """Warn when the recipients do not start with the line that stands for the addressees the kind names."""
        first, key = self.kind.first_recipient, self.kind.first_recipient_for
        if first is None or key is None or not getattr(self.notice, key, None) or not self.notice.noi_nhan:
            return
        typed = " ".join(self.notice.noi_nhan[0].strip().lstrip("-–+• ").rstrip(";., ").split())
        if typed != first:
            named = declaration.field_named(self.kind.model, key)
            label = named.spec.label if named is not None else key
            self.warn(
                ("noi_nhan", 0),
                f"{self.kind.name.lower()} có {label} thì nơi nhận bắt đầu bằng “{first}”",
                f"thêm “{first}” làm dòng đầu của noi_nhan (hoặc noi_nhan_them)",
                "first_recipient",
            )

    def _check_archive(self, luu: str) -> str | None:
        """Check the archive line as typed; return its content (`archive_content`) when it follows the decree, else None."""
        path = ("luu",)
        text = " ".join(luu.split())

        def typed() -> Fix | None:  # the fix of the three slips below, asked for only when one is there
            return self.fix(path, "bỏ phần công cụ tự in", archive_content)

        if text.startswith(("-", "–")):
            self.warn(path, "không gõ “-” đầu dòng lưu", f"công cụ tự thêm “{ARCHIVE_PREFIX.strip()}”", "punctuation", typed())
            text = text.lstrip("-– ")
        if _ARCHIVE_WORD.match(text):
            self.warn(
                path, f"không gõ chữ “{ARCHIVE_WORD}”", f"công cụ tự thêm “{ARCHIVE_WORD}”; viết luu: VT, KGVX", "punctuation", typed()
            )
            text = re.sub(r"^lưu\s*:?\s*", "", text, flags=re.IGNORECASE)
        if text.endswith((";", ".", ",")):
            self.warn(path, f"không gõ “{text[-1]}” cuối dòng lưu", "công cụ tự thêm “.”", "punctuation", typed())
            text = text.rstrip(";., ")
        if not text.startswith("VT"):
            fixed = vn.upper(text) if vn.upper(text).startswith("VT") else f"VT, {text}" if text else "VT, KGVX"
            self.error(path, f"dòng lưu phải bắt đầu bằng “VT” (Văn thư), nhưng gặp “{shortened(luu)}”", f"viết luu: {fixed}", "archive")
        elif _VT_NO_COMMA.match(text):
            fix = self.fix(path, "thêm dấu phẩy sau “VT”", lambda raw: f"VT, {archive_content(raw)[2:].strip()}")
            self.error(path, "thiếu dấu phẩy sau “VT” trong dòng lưu", f"viết luu: VT, {text[2:].strip()}", "archive", fix)
        elif not _VT_UNITS.match(text):
            self.error(path, "dòng lưu cần chữ viết tắt của đơn vị soạn thảo sau “VT, ”", "ví dụ luu: VT, KGVX", "archive")
        elif not is_archive(content := archive_content(luu)):
            printed = archive_as_printed(content)
            if printed is not None and is_archive(printed):
                # the importer reads an original's line the same way (nd30.grammar.archive_as_printed)
                hint = f"viết luu: {printed}"
                fix = self.fix(path, f"viết dòng lưu như khi in: {printed}", lambda raw: archive_as_printed(archive_content(raw)))
            else:
                hint, fix = "đơn vị viết tắt in hoa, cách nhau “, ”; ví dụ luu: VT, KGVX hoặc VT, NN&MT, KGVX, NC.Châu 05", None
            self.error(path, f"dòng lưu “{shortened(luu)}” không đúng dạng “{ARCHIVE_FORM}”", hint, "archive", fix)
        else:
            return content
        return None

    def _check_drafter(self, content: str) -> None:
        """Check the drafter's mark and the copies (ô 12), and the archive line they print in (content: `archive_content` of luu)."""
        drafter = " ".join((self.notice.nguoi_soan or "").split())
        copies = (self.notice.so_ban or "").strip()
        if drafter and not is_drafter(drafter):
            self.error(("nguoi_soan",), *_drafter_slip(drafter), "archive")
            return
        if copies and not COPY_COUNT_SHAPE.match(copies):
            normal = copies.lstrip("0")
            example = f"{int(normal):02d}" if normal.isdigit() and int(normal) < 10_000 else "300"
            self.error(
                ("so_ban",),
                f"số lượng bản “{shortened(copies)}” không đúng dạng",
                f"viết bằng chữ số, từ 1 đến 9999, chỉ số dưới 10 có số 0 đứng trước, ví dụ so_ban: {example}",
                "archive",
            )
            return
        # One rule for every form the archive line names a drafter in ("VT, KGVX, Sơn", "VT, NC.Châu",
        # "VT, KGVX.Sơn", "VT, KGVX (Sơn)") or copies in ("VT, KGVX 05"): not a second time in its field.
        named = archive_holds(content)
        for twice, given, what in ((named[0], drafter, "người soạn thảo"), (named[1], copies, "số bản")):
            if twice and given:
                self.error(
                    ("nguoi_soan",) if what == "người soạn thảo" else ("so_ban",),
                    f"dòng luu “{shortened(self.notice.luu)}” đã ghi {what}",
                    "chỉ ghi đơn vị ở luu, người soạn thảo ở nguoi_soan, số bản ở so_ban",
                    "archive",
                    self.fix(("luu",), "chỉ giữ đơn vị ở dòng lưu", lambda raw: _units_only(raw, drafter or None, copies or None)),
                )
                return
        printed = printed_archive(content, drafter or None, copies or None)
        if (drafter or copies) and not is_archive(printed):
            self.error(
                ("nguoi_soan",) if drafter else ("so_ban",),
                f"dòng lưu in ra “{shortened(printed, 60)}” không đúng dạng “{ARCHIVE_FORM}”",
                "dòng luu đã có người soạn thảo hoặc số bản: chỉ ghi đơn vị ở luu, người soạn thảo ở nguoi_soan, số bản ở so_ban",
                "archive",
            )

    # --- text hygiene -------------------------------------------------------------------------

    def check_text(self) -> None:
        texts = self.texts
        everything = self.everything
        has_curly = "“" in everything or "”" in everything
        straight = has_curly and '"' in everything
        spaces, tabs = "  " in everything, "\t" in everything
        # every invisible character is one str.isprintable refuses (a format character or a space other
        # than " "): only such a text is searched, and most texts are printable
        invisible = any(not text.isprintable() and _has_invisible(text) for _, text in texts)
        named = self._check_direction()
        hygiene = spaces or tabs or straight or invisible  # most notices: only empty paragraphs to look for
        for (path, text), where in zip(texts, self.wheres, strict=True):
            if (where == _PARAGRAPH or where == _TITLE) and not text.strip():
                self.warn(path, "đoạn nội dung rỗng", "xóa dòng “- ” thừa, hoặc viết nội dung", "empty_item")
                continue
            if not hygiene:
                continue
            if spaces and "  " in text and "  " in re.sub(r"\s*\n\s*", " ", text).strip():
                self.warn(
                    path, "có hai dấu cách liền nhau", "chỉ để một dấu cách", "spaces", self.fix(path, "để một dấu cách", _single_spaced)
                )
            if tabs and "\t" in text:
                self.warn(path, "có ký tự tab trong văn bản", "thay bằng một dấu cách", "tab")
            if straight and '"' in text:
                self.warn(
                    path, 'dùng ngoặc kép thẳng (") trong khi các chỗ khác dùng ngoặc kép cong (“ ”)', "dùng “ ” cho thống nhất", "quotes"
                )
            if invisible and path not in named and _has_invisible(text):
                self.warn(
                    path,
                    "có ký tự vô hình (khoảng trắng không ngắt, ký tự định dạng)",
                    "xóa ký tự này hoặc thay bằng dấu cách thường",
                    "invisible",
                )
        self._check_end_mark()
        summary = getattr(self.notice, "trich_yeu", None)
        if summary and all_caps(summary):
            # A summary in capitals prints against the decree (rule 10): the layout cannot fix it.
            self.error(
                ("trich_yeu",),
                "trích yếu gõ toàn chữ in hoa",
                "viết hoa chữ đầu câu và tên riêng, như “Kết luận của đồng chí …”",
                "caps",
            )

    def _check_end_mark(self) -> None:
        """Refuse a last paragraph whose own sentence mark the end mark "./." cannot complete (nd30 END_MARK)."""
        last = _last_body_paragraph(self.texts)
        if last is None or last[1].endswith(END_MARK):
            return
        path, text = last
        mark = next((m for m in END_MARK_NOT_AFTER if text.endswith(m)), None)
        if mark is None:
            return
        if mark in (":", ";", ","):
            hint = f"nội dung báo trước sau “{mark}” còn thiếu: viết tiếp, hoặc kết thúc đoạn bằng dấu chấm"
        else:
            hint = "kết thúc nội dung bằng một câu có dấu chấm"
        self.error(
            path,
            f"đoạn cuối của nội dung kết thúc bằng “{mark}”, dấu kết thúc “{END_MARK}” chỉ đứng sau dấu chấm của câu cuối",
            hint,
            "end_mark",
        )

    # --- tables and appendices (ND30 Phụ lục I, III.1) ------------------------------------------

    def check_tables(self) -> None:
        """Name tables that cannot be printed as written: rows that do not fill the columns, widths that do not fit."""
        for path, table in self.tables:
            self._check_table(path, table)

    def _check_table(self, path: Path_, table: Bang) -> None:
        here = path + ("bang",)
        if not any(cell if isinstance(cell, str) else cell.o for row in table.bang for cell in row):
            self.warn(here, "bảng không có chữ nào", "điền nội dung vào các ô, hoặc xóa bảng", "empty_table")
        if table.do_rong and table.do_rong_mm:
            self.error(
                here[:-1] + ("do_rong_mm",), "bảng ghi cả do_rong và do_rong_mm", "chỉ giữ một trong hai: tỉ lệ hoặc mm", "table_width"
            )
        columns = columns_of(table)
        for key, widths in (("do_rong", table.do_rong), ("do_rong_mm", table.do_rong_mm)):
            if widths and any(width <= 0 for width in widths):
                self.error(path + (key,), "độ rộng cột phải là số dương", "ghi mỗi cột một số lớn hơn 0", "table_width")
        first_row = sum(spans(cell)[0] for cell in table.bang[0]) if table.bang else 0
        widths_given = table.do_rong_mm or table.do_rong
        if widths_given and first_row and len(widths_given) != first_row:
            key = "do_rong_mm" if table.do_rong_mm else "do_rong"
            self.error(
                path + (key,),
                f"bảng ghi độ rộng cho {len(widths_given)} cột nhưng hàng đầu có {first_row} cột (tính cả ô gộp)",
                "ghi mỗi cột của bảng một độ rộng",
                "table_width",
            )
        if table.do_rong_mm and sum(table.do_rong_mm) > TEXT_WIDTH_MM:
            self.error(
                path + ("do_rong_mm",),
                f"tổng độ rộng các cột {sum(table.do_rong_mm)} mm vượt khổ chữ {TEXT_WIDTH_MM:g} mm",
                "giảm độ rộng các cột, hoặc ghi tỉ lệ bằng do_rong",
                "table_width",
            )
        grid = place(table.bang, columns)
        for row, filled in grid.uneven_rows:
            self.error(
                here + (row,),
                f"hàng thứ {row + 1} của bảng chiếm {filled} cột nhưng bảng có {columns} cột",
                "mỗi hàng phải đủ số cột (ô gộp ngang tính theo gop_cot; hàng dưới ô gộp dọc bỏ qua cột đã gộp)",
                "table_row",
            )
        for cell in grid.overhanging:
            self.error(
                here + (cell.row,),
                f"ô ở hàng thứ {cell.row + 1} gộp {cell.rows} hàng, vượt quá hàng cuối của bảng",
                "giảm gop_hang, hoặc thêm hàng bên dưới",
                "table_row",
            )
        if table.hang_tieu_de > len(table.bang):
            self.error(
                path + ("hang_tieu_de",),
                f"bảng có {len(table.bang)} hàng nhưng hang_tieu_de là {table.hang_tieu_de}",
                "hang_tieu_de là số hàng tiêu đề ở đầu bảng",
                "table_row",
            )

    def check_appendices(self) -> None:
        """Hold the body and the appendices to each other: every appendix named in the text exists and is named."""
        count = len(self.notice.phu_luc)
        what = self.kind.name.lower()
        named: set[int] = set()
        # a text without markup is printed as written: without the mention's letters it names no appendix
        mentions = (_MENTION_KEY in self.everything and APPENDIX_MENTION_HOLDS in self.everything) or has_markup(self.everything)
        for (path, text), where in zip(self.texts, self.wheres, strict=True) if mentions else ():
            if where == _OUTSIDE or ((_MENTION_KEY not in text or APPENDIX_MENTION_HOLDS not in text) and not has_markup(text)):
                continue
            plain = plain_text(text)
            if APPENDIX_MENTION_HOLDS not in plain:  # most texts: no mention can be in them
                continue
            for match in APPENDIX_MENTION.finditer(plain):
                number = appendix_number(match.group("number"))
                if number is None:
                    continue
                named.add(number)
                if number > count:
                    self.warn(
                        path,
                        f"nội dung nhắc tới “{match.group(0)}” nhưng {what} "
                        + (f"chỉ có {count} phụ lục" if count else "không có phụ lục nào"),
                        "thêm phụ lục vào phu_luc, hoặc sửa lại số phụ lục trong câu",
                        "appendix_missing",
                    )
                elif match.group(0) != appendix_heading(number) and not match.group(0).lower() == appendix_heading(number).lower():
                    self.warn(
                        path,
                        f"nội dung nhắc tới “{match.group(0)}” nhưng phụ lục đó in là “{appendix_heading(number)}”",
                        f"viết “{appendix_heading(number)}” cho khớp (Nghị định 30 đánh số phụ lục bằng chữ số La Mã)",
                        "appendix_name",
                    )
        for index in range(count):
            if index + 1 not in named:
                self.warn(
                    ("phu_luc", index),
                    f"nội dung {what} không nhắc tới {appendix_heading(index + 1)}",
                    f"Nghị định 30 yêu cầu văn bản có chỉ dẫn về phụ lục, ví dụ “(chi tiết tại {appendix_heading(index + 1)} kèm theo)”",
                    "appendix_unnamed",
                )
        if count and not self.notice.co_quan.ten_goi:
            self.warn(
                ("co_quan",),
                f"{what} có phụ lục nhưng thiếu tên cơ quan viết thường cho dòng “{APPENDIX_REFERENCE_OPEN} … của …)”",
                "ghi co_quan.ten_goi, ví dụ “Ủy ban nhân dân tỉnh Quảng Nam”",
                "appendix_issuer",
            )

    # --- slips of a new user ------------------------------------------------------------------

    def check_slips(self) -> None:
        """Name what a new user types that would print wrong without any other sign."""
        everything = self.everything
        gaps = _may_hold_gap(everything)  # most notices hold no gap at all: each text is not searched five times
        # the same for the other slips: a text can be wrapped in quotes only if it opens with one, hold an
        # unpaired mark only if it holds markup
        quotes = any(quote in everything for quote in _QUOTE_OPENS)
        markup = has_markup(everything)
        stand_ins = any(sample in everything for sample in samples.STAND_INS)
        for (path, text), where in zip(self.texts, self.wheres, strict=True):
            if quotes and text.lstrip()[:1] in _QUOTE_OPENS:
                self._check_wrapped_quotes(path, text)
            if gaps:
                self._check_gaps(path, text)
            if where == _OUTSIDE:
                continue
            # a title that opens with a word (the most) holds no label unless markup hides one
            if where == _TITLE and (has_markup(text) or _may_open_with_label(text.lstrip())):
                self._check_typed_label(path, text)
            if markup:
                self._check_markup(path, text)
            if stand_ins and text.strip() in samples.STAND_INS:
                self.error(path, f"còn câu mẫu của tbkl new “{text.strip()}”", "thay bằng nội dung kết luận thật", "sample")
        # A sample left in is an error, never a fallback: a sample name or a gap must not print on a notice.
        if " ".join(self.notice.nguoi_ky.ho_ten.split()) == samples.SAMPLE_SIGNER:
            self.error(
                ("nguoi_ky", "ho_ten"),
                f"họ tên người ký “{samples.SAMPLE_SIGNER}” là tên mẫu, không phải người ký thật",
                "ghi họ tên người ký thật vào nguoi_ky.ho_ten",
                "sample",
            )
        self._check_sample_place()
        self._check_issuer_width()

    def _check_sample_place(self) -> None:
        """Warn when the sample office's place was changed in the place or in the name, not in both.

        Said only of values the drafter wrote: a place or name that stands in for one already
        reported (a key mistyped in tbkl.yaml) is no value to compare, nor to print.
        """
        if any(path[:1] in (("dia_danh",), ("co_quan",)) for path in self.source.broken):
            return
        place = " ".join(self.notice.dia_danh.split())
        co_quan = self.notice.co_quan
        names: list[Path_] = [("co_quan", "chu_quan")] if co_quan.chu_quan else []
        names += [("co_quan", "ten", index) for index in range(len(co_quan.ten))]
        written = [co_quan.chu_quan] if co_quan.chu_quan else []
        # a line left empty (a stand-in for one already reported) keeps its path beside it
        named = [(path, vn.upper(" ".join(line.split()))) for path, line in zip(names, [*written, *co_quan.ten], strict=True) if line]
        lines = [line for _, line in named]
        for sample in samples.SAMPLE_PLACES:
            in_name = next((path for path, line in named if vn.upper(sample) in line), None)
            if place == sample and in_name is None:
                self.warn(
                    ("dia_danh",),
                    f"địa danh “{sample}” là giá trị mẫu do tbkl init ghi, nhưng tên cơ quan không có “{vn.upper(sample)}”",
                    "ghi tên tỉnh hoặc xã nơi cơ quan đóng trụ sở vào dia_danh",
                    "sample",
                )
            elif in_name is not None and place != sample and vn.upper(place) not in " ".join(lines):
                self.warn(
                    in_name,
                    f"tên cơ quan có “{vn.upper(sample)}” của mẫu do tbkl init ghi, nhưng địa danh là “{shortened(place)}”",
                    f"sửa tên cơ quan cho đúng, hoặc ghi dia_danh: {sample}",
                    "sample",
                )

    def _check_typed_label(self, path: Path_, text: str) -> None:
        kind = path[-1]
        typed = _typed_label(text)
        if typed is None:
            return
        letters = typed.strip("().:/-")
        what = "dấu" if typed in _BULLETS else "chữ" if letters.isalpha() and not set(letters) <= set("IVXLCDM") else "số"
        fix = self.fix(path, f"xóa “{typed}” gõ ở đầu", lambda raw: _without_label(raw, typed))
        self.warn(path, f"đã gõ {what} “{typed}” ở đầu; {_NUMBERED_BY[kind]}", f"hãy xóa “{typed}”", "label", fix)

    def _check_wrapped_quotes(self, path: Path_, text: str) -> None:
        said = _wrapped(text)
        if said is not None and path != ("nguoi_ky", "ho_ten"):  # the name's own check refuses it
            self.warn(path, *said, "quotes", self.fix(path, "bỏ cặp dấu ngoặc bao cả giá trị", _unwrapped))

    def _check_gaps(self, path: Path_, text: str) -> None:
        gap = _gap(text)
        if gap is not None:
            self.error(path, f"còn chỗ trống “{gap}” chưa điền", f"thay “{gap.split()[-1]}” bằng nội dung thật", "sample")

    def _check_markup(self, path: Path_, text: str) -> None:
        for mark, offset in unpaired_marks(text):
            near = shortened(" ".join(text[offset:].split()), 24)
            self.warn(path, f"{_MARK_NAMES[mark]} ở “{near}” không có dấu đóng, sẽ in ra nguyên văn", _MARK_HINTS[mark], "markup")

    def _check_issuer_width(self) -> None:
        """Warn about an issuer line wider than its header column: Word would wrap it anywhere."""
        lines = [vn.upper(" ".join(line.split())) for line in self.notice.co_quan.ten]
        column = issuer_column_mm(self.notice.mau)
        parent = vn.upper(" ".join((self.notice.co_quan.chu_quan or "").split()))
        parent_width = text_width_mm(parent, PRINTED_ISSUER_SIZE, bold=False)
        if parent_width > column:  # one string: it cannot be split into lines, only shortened
            self.warn(
                ("co_quan", "chu_quan"),
                f"dòng cơ quan chủ quản “{shortened(parent)}” rộng {parent_width:.0f} mm, cột tên cơ quan chỉ rộng {column:.0f} mm"
                " nên sẽ bị ngắt dòng tùy ý",
                "dòng cơ quan chủ quản được viết tắt những cụm từ thông dụng, ví dụ “BỘ NN&MT”, “UBND TỈNH LÂM ĐỒNG”",
                "issuer_width",
            )
        for index, line in enumerate(lines):
            width = text_width_mm(line, PRINTED_ISSUER_SIZE, bold=True)
            if width <= column:
                continue
            path: Path_ = ("co_quan", "ten", index)
            if path not in self.source.value_marks:
                path = ("co_quan", "ten")  # written as one string, not as a list
            parts = _issuer_split(line, column)
            if parts:
                fixed = [*lines[:index], *parts, *lines[index + 1 :]]
                hint = f"mỗi dòng in một chuỗi, ví dụ ten: [{', '.join(fixed)}]"
            else:
                hint = "viết tắt hoặc chia thành nhiều dòng ngắn hơn, ví dụ ten: [DÒNG 1, DÒNG 2]"
            self.warn(
                path,
                f"dòng tên cơ quan “{shortened(line)}” rộng {width:.0f} mm, cột tên cơ quan chỉ rộng {column:.0f} mm nên sẽ bị ngắt dòng tùy ý",
                hint,
                "issuer_width",
            )

    def _check_direction(self) -> set[Path_]:
        """Refuse direction controls in the names and the number; return the fields refused.

        A right-to-left override prints the signer's name or the number reversed in Word and
        in the PDF while the source looks right: in these fields it is an error, not a warning.
        """
        notice = self.notice
        fields: list[tuple[Path_, str | None]] = [
            (("so",), notice.so),
            (("ky_hieu",), notice.ky_hieu),
            (("co_quan", "chu_quan"), notice.co_quan.chu_quan),
            *((("co_quan", "ten", index), line) for index, line in enumerate(notice.co_quan.ten)),
            (("co_quan", "viet_tat"), notice.co_quan.viet_tat),
            (("nguoi_ky", "ho_ten"), notice.nguoi_ky.ho_ten),
        ]
        refused = set()
        for path, text in fields:
            found = _DIRECTION.search(text or "")
            if found:
                refused.add(path)
                self.error(
                    path,
                    f"có ký tự điều khiển hướng chữ U+{ord(found.group()):04X} (vô hình); chữ sẽ in đảo ngược hoặc sai thứ tự",
                    "xóa ký tự này rồi gõ lại",
                    "direction",
                )
        return refused


def _number_hint(number: str, kind: DocumentType) -> str:
    if len(number) > 12:
        return "số văn bản có nhiều nhất 6 chữ số"
    if "/" in number:
        return f"chỉ ghi số ở so; ký hiệu (như {kind.symbol('UBND')}) ghi ở ky_hieu hoặc để công cụ tự tạo"
    if number.isdecimal():
        value = int(number)
        if value == 0:
            return "số văn bản bắt đầu từ 01"
        return f'viết so: "{value:02d}"' if value < 10 else f'viết so: "{value}"'
    digits = re.sub(r"[^0-9]", "", number)
    if digits and int(digits) > 0:
        return f'chỉ ghi chữ số, ví dụ so: "{int(digits):02d}"'
    return "số là chữ số Ả Rập từ 01; để trống (so:) khi là dự thảo chưa có số"


def _symbol_hint(symbol: str, of: Kind) -> str:
    kind = of.document_type
    if symbol.startswith("/"):
        return f"không gõ “/”: công cụ tự thêm; viết ky_hieu: {symbol.lstrip('/')}"
    fixed = re.sub(r"\s*-\s*", "-", vn.upper(symbol).strip())
    if not kind.code:
        if symbol_shape(kind).match(fixed):
            return f"viết ky_hieu: {fixed}"
        return f"ký hiệu của {of.name.lower()} là chữ viết tắt in hoa của cơ quan và đơn vị soạn thảo, nối bằng “-”: UBND-KGVX"
    if not fixed.startswith(kind.code + "-"):
        example = kind.symbol("UBND")
        return f"ký hiệu của {of.name.lower()} bắt đầu bằng “{kind.code}-”, ví dụ {example}; hoặc bỏ ky_hieu để công cụ tự tạo"
    if symbol_shape(kind).match(fixed):
        return f"viết ky_hieu: {fixed}"
    return f"ký hiệu là {kind.code}- và chữ viết tắt in hoa của cơ quan, nối bằng “-”, không có khoảng trắng"


# --- the slips' grammars ----------------------------------------------------------------------

_ROMAN = r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_BULLETS = ("-", "–", "—", "+", "•", "·", "*", "●", "▪", "◦", "○", "►", "✓")
_UPPER_INITIAL = re.escape(UPPER_LETTERS)
_TYPED_LABEL = lazy(
    r"^(?:"
    rf"(?=[IVXLCDM])(?:{_ROMAN})(?:[.):/]|\s?[-–])"  # I. II) V: I/ III - (the older "I - ĐÁNH GIÁ")
    r"|\d{1,2}(?:\.\d{1,2})*[.):/]|\d{1,2}-"  # 1. 1) 1.2. 1/ 1-; never 2026, 1.000 or 1/2
    r"|\(\d{1,2}\)|\([a-zđ]\)"  # (1) (a)
    r"|[a-zđA-ZĐ][.)/]"  # a) a. A. a/
    rf"|[{re.escape(''.join(_BULLETS))}]"  # - – + •
    r")(?=\s)"
    # a number or a Roman numeral glued to the capital that starts the text: "1.Phòng", "II.Nhiệm vụ"
    rf"|^(?:(?=[IVXLCDM])(?:{_ROMAN})|\d{{1,2}}(?:\.\d{{1,2}})*)[.)](?=[{_UPPER_INITIAL}])"
)
"""A label typed in front of a block the tool numbers: the shapes drafters type, each followed by a space."""
_NUMBERED_BY = {
    "muc": "công cụ tự đánh số mục I., II., …",
    "khoan": "công cụ tự đánh số khoản 1., 2., …",
    "diem": "công cụ tự đánh chữ điểm a), b), …",
    "gach": "công cụ tự thêm dấu “-” đầu dòng",
    "cong": "công cụ tự thêm dấu “+” đầu dòng",
}
_WRAPPED = lazy(r'^(?:“[^“”]+”|"[^"“”]+"|‘[^‘’]+’)$')
"""A whole value in one pair of quotes; a quoted phrase that the text goes on after is normal."""
_QUOTE_OPENS = ("“", '"', "‘")
"""The quotes `_WRAPPED` opens with: a text that opens with none is not wrapped."""
_ARCHIVE_WORD = lazy(r"^lưu\s*:?", re.IGNORECASE)
"""The word "Lưu" typed in the archive line."""
_VT_NO_COMMA = lazy(r"^VT\s+\S")
_VT_UNITS = lazy(r"^VT,\s*\S")
_DOTS = lazy(r"\.(?<=\.\.\.)")
"""Three dots, found from the last (sre jumps from one "." to the next): faster than `"..." in text` on a notice's text."""
_GAP = lazy(r"(?:(?<=[\s/])|^)(?:…|\.\.\.)(?=[\s,.;:)/]|$)")
_MARK_NAMES = {"**": "dấu “**” (in đậm)", "*": "dấu “*” (in nghiêng)", "^[": "chú thích “^[”"}
_MARK_HINTS = {
    "**": "thêm “**” ở cuối chữ cần in đậm, hoặc viết \\*\\* để in dấu sao",
    "*": "thêm “*” ở cuối chữ cần in nghiêng, hoặc viết \\* để in dấu sao",
    "^[": "thêm “]” ở cuối chú thích",
}
# Words a unit's kind starts with: the issuer's name is split before them ("ỦY BAN NHÂN DÂN" / "TỈNH …").
_UNIT_KINDS = ("TỈNH ", "THÀNH PHỐ ", "XÃ ", "PHƯỜNG ", "ĐẶC KHU ", "THỊ XÃ ", "THỊ TRẤN ", "HUYỆN ", "QUẬN ")


def _wrapped(text: str) -> tuple[str, str] | None:
    """Return the message and hint for a value wholly in one pair of quotes, or None."""
    stripped = text.strip()
    if not _WRAPPED.match(stripped):
        return None
    quotes, marks = ("dấu nháy đơn", "dấu nháy") if stripped[0] == "‘" else ("ngoặc kép", "dấu ngoặc")
    return (
        f"cả giá trị {stripped[0]}{shortened(stripped[1:-1])}{stripped[-1]} nằm trong {quotes}, sẽ in ra cả hai {marks}",
        f"YAML không cần {quotes} này; xóa dấu {stripped[0]} ở đầu và dấu {stripped[-1]} ở cuối",
    )


def _units_only(luu: str, drafter: str | None, copies: str | None) -> str | None:
    """Return the archive line's units when the line names the same drafter and copies as their own fields, else None."""
    printed = archive_as_printed(archive_content(luu))
    split = split_archive(printed) if printed is not None else None
    if split is None or (split[1] or None, split[2] or None) != (drafter, copies):
        return None
    return split[0]


def _unwrapped(text: str) -> str | None:
    """Return text without the one pair of quotes around all of it (see `_wrapped`), or None."""
    stripped = text.strip()
    return stripped[1:-1].strip() if _WRAPPED.match(stripped) and stripped[1:-1].strip() else None


def _single_spaced(text: str) -> str:
    """Return text with every run of spaces inside a line made one space (line breaks kept)."""
    return "\n".join(re.sub(r"(?<=\S) {2,}(?=\S)", " ", line) for line in text.split("\n"))


def _without_label(text: str, typed: str) -> str | None:
    """Return text without the label typed in front of it, or None when it is not plainly there."""
    stripped = text.lstrip()
    rest = stripped[len(typed) :].lstrip() if stripped.startswith(typed) else ""
    return rest or None


def _drafter_slip(drafter: str) -> tuple[str, str]:
    """Return the message and hint for a drafter's mark that is neither a name nor a code with its dot."""
    if UNIT_SHAPE.match(drafter):  # "NXT": printed after the units, it would read as one more unit
        fixed = f"{drafter}." if re.fullmatch(r"[A-ZĐ]+", drafter) else "Sơn"
        return (
            f"ký hiệu người soạn thảo “{shortened(drafter)}” đọc như tên đơn vị",
            f"viết tên (nguoi_soan: Sơn), mã in hoa có dấu chấm như “PL.(300)” của Nghị định (nguoi_soan: {fixed}) "
            "hoặc cả hai (nguoi_soan: NC.Châu)",
        )
    counted = re.fullmatch(r"(?P<mark>.*?\S)\s*\(?(?P<copies>[0-9]{1,4})\)?", drafter)
    if counted and is_drafter(counted["mark"]):
        return (
            f"ký hiệu người soạn thảo “{shortened(drafter)}” có cả số bản",
            f"ghi số bản riêng: nguoi_soan: {counted['mark']} và so_ban: {counted['copies']}",
        )
    named = " ".join(word[:1].upper() + word[1:] for word in drafter.strip("()").split())
    fixed = named if is_drafter(named) else "Sơn"
    return (
        f"ký hiệu người soạn thảo “{shortened(drafter)}” không đúng dạng",
        f"viết tên, viết hoa chữ đầu (nguoi_soan: {fixed}), mã in hoa có dấu chấm như “PL.(300)” của Nghị định "
        "(nguoi_soan: PL.) hoặc cả hai (nguoi_soan: NC.Châu)",
    )


def _typed_label(text: str) -> str | None:
    """Return the label typed in front of a numbered block ("1.", "a)", "-"), or None."""
    if not has_markup(text) and not _may_open_with_label(text.lstrip()):
        # Without markup the text is printed with its spaces folded, and whether a label may open it
        # shows in its first characters, up to the first space at most (a Roman numeral's run ends
        # there): the text as written answers as its folded first two words would, without folding.
        return None
    plain = plain_text(" ".join(text.split()))
    if not _may_open_with_label(plain):
        return None
    match = _TYPED_LABEL.match(plain)
    return match.group() if match else None


_ROMAN_LETTERS = "IVXLCDM"
_AFTER_ROMAN = frozenset(".):/-–")
_AFTER_INITIAL = (".", ")", "/")  # "a.", "a)", "a/": a letter as a label


def _may_open_with_label(text: str) -> bool:
    """Tell whether `_TYPED_LABEL` can match text, from its first characters (most texts open with
    a word, and then the pattern, slow to compile for its letters, is not compiled at all).

    Each of its shapes opens with a digit, "(", a bullet, a character and then ".", ")" or "/", or
    a Roman numeral (a run of I, V, X, L, C, D, M) followed by one of .):/-– or a space.
    """
    if not text:
        return False
    first = text[0]
    if first.isalpha() and first not in _ROMAN_LETTERS and text[1:2] not in _AFTER_INITIAL:
        return False  # the most texts: a word (no letter is a digit, a bullet or "(")
    if first.isdecimal() or first.isdigit() or first == "(" or first in _BULLETS or text[1:2] in _AFTER_INITIAL:
        return True
    run = len(text) - len(text.lstrip(_ROMAN_LETTERS))
    after = text[run : run + 1]
    return run > 0 and (after in _AFTER_ROMAN or after.isspace())


_MENTION_KEY = max(APPENDIX_MENTION_HOLDS)
"""The rarest character of APPENDIX_MENTION_HOLDS ("ụ"): a text without it holds no mention, and it is found at once."""


def _may_hold_gap(text: str) -> bool:
    """Tell whether `_gap` may find a gap in text, or in any of the texts joined by NULs into text (False: it does not)."""
    return samples.GAP in text or _DOTS.search(text) is not None or samples.may_hold_placeholder(text)


def _gap(text: str) -> str | None:
    """Return the skeleton's gap left in text with the words before it ("đồng chí …"), or None.

    A gap stands alone between spaces or slashes ("ngày …/…/2026"); "…" after a comma ends a list ("các sở, ngành, …") and
    one glued to a word ("chè…", ",…và") is the drafter's own.
    """
    typed = samples.find_placeholder(text)
    if typed is not None:
        return " ".join([*text[: typed.start()].split()[-3:], typed.group()])
    if samples.GAP not in text and "..." not in text:
        return None
    for match in _GAP.finditer(text):
        before = text[: match.start()].rstrip()
        if before.endswith((",", ";")):
            continue
        words = before.split()[-3:]
        return " ".join([*words, match.group()])
    return None


def _issuer_split(line: str, column: float) -> list[str]:
    """Return the line split into the fewest lines that each fit the column, or [] if none do.

    Among splits into as many lines, a break before a unit's kind ("TỈNH …") is preferred, then
    the most even one.
    """
    words = line.split()
    fits = [text_width_mm(word, PRINTED_ISSUER_SIZE, bold=True) <= column for word in words]
    if not all(fits):
        return []
    # Filling lines word by word gives the fewest lines; past four no split is offered, and the
    # search below (every way to break into that many lines) stays small.
    fewest, line_words = 1, list[str]()
    for word in words:
        if line_words and text_width_mm(" ".join([*line_words, word]), PRINTED_ISSUER_SIZE, bold=True) > column:
            fewest, line_words = fewest + 1, []
        line_words.append(word)
    if fewest > 4:
        return []
    best: tuple[tuple[int, float], list[str]] | None = None
    for count in range(max(fewest, 2), min(len(words), 4) + 1):
        for breaks in combinations(range(1, len(words)), count - 1):
            bounds = (0, *breaks, len(words))
            parts = [" ".join(words[a:b]) for a, b in pairwise(bounds)]
            widths = [text_width_mm(part, PRINTED_ISSUER_SIZE, bold=True) for part in parts]
            if max(widths) > column:
                continue
            unnatural = sum(not (part + " ").startswith(_UNIT_KINDS) for part in parts[1:])
            key = (unnatural, max(widths))
            if best is None or key < best[0]:
                best = (key, parts)
        if best is not None:
            return best[1]
    return []


# Format characters (Unicode category Cf, as of Unicode 14.0.0) and the no-break spaces: invisible in
# Word, yet they break search and line wrapping. One regex instead of a per-character lookup, in two
# parts: sre tests a class of characters up to U+FFFF against one bitmap, but each range beyond it one
# by one at every character (a notice's text was searched 5–6 times slower for them), and almost no
# notice holds a character beyond U+FFFF at all.
_INVISIBLE_UP_TO_FFFF = "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\u00a0\u2007\u202f"
_INVISIBLE_BEYOND_FFFF = (
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_INVISIBLE = lazy(f"[{_INVISIBLE_UP_TO_FFFF}]")
_INVISIBLE_BEYOND = lazy(f"[{_INVISIBLE_BEYOND_FFFF}]")


# Bidirectional controls (embeddings, overrides, isolates, marks): invisible, and they reorder text.
_DIRECTION = lazy("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")


def _has_invisible(text: str) -> bool:
    if _INVISIBLE.search(text) is not None:
        return True
    # A character beyond U+FFFF takes 4 bytes in UTF-16, every other one 2 (a lone surrogate passed through too).
    return len(text.encode("utf-16-le", "surrogatepass")) > 2 * len(text) and _INVISIBLE_BEYOND.search(text) is not None


# Where a text of `_walk` stands: outside the body, a body block's own text (its title, which a drafter
# may number by hand), a body paragraph, a table cell in the body.
_OUTSIDE, _TITLE, _PARAGRAPH, _CELL = range(4)


def _where(path: Path_) -> int:
    """Return where the text at path stands (`_OUTSIDE`, …), read from the path alone."""
    if not _in_body(path):
        return _OUTSIDE
    if "bang" in path:
        return _CELL
    return _TITLE if isinstance(path[-1], str) else _PARAGRAPH


def _walk(notice: Notice) -> tuple[list[tuple[Path_, str]], list[int], list[tuple[Path_, Bang]]]:
    """Return every piece of drafter text in the document as (path, text), its kind's own fields included;
    beside each where it stands (`_where`); and (path, table) for every table in the body, in order."""
    texts: list[tuple[Path_, str]] = []
    if getattr(notice, "trich_yeu", None) is not None:
        texts.append((("trich_yeu",), notice.trich_yeu))
    texts.append((("dia_danh",), notice.dia_danh))
    texts += ((("co_quan", "ten", index), line) for index, line in enumerate(notice.co_quan.ten))
    if notice.co_quan.chu_quan:
        texts.append((("co_quan", "chu_quan"), notice.co_quan.chu_quan))
    texts += ((("kinh_gui", index), item) for index, item in enumerate(notice.kinh_gui))
    texts += ((("noi_nhan", index), item) for index, item in enumerate(notice.noi_nhan))
    texts.append((("luu",), notice.luu))
    if notice.nguoi_soan:
        texts.append((("nguoi_soan",), notice.nguoi_soan))
    texts += ((("nguoi_ky", "quyen_han", index), line) for index, line in enumerate(notice.nguoi_ky.quyen_han))
    texts.append((("nguoi_ky", "chuc_vu"), notice.nguoi_ky.chuc_vu))
    texts.append((("nguoi_ky", "ho_ten"), notice.nguoi_ky.ho_ten))
    wheres = [_OUTSIDE] * len(texts)
    tables: list[tuple[Path_, Bang]] = []
    _walk_blocks(notice.noi_dung, ("noi_dung",), texts, wheres, tables)
    for index, appendix in enumerate(notice.phu_luc):
        if appendix.ten is not None:
            texts.append((("phu_luc", index, "ten"), appendix.ten))
            wheres.append(_OUTSIDE)
        _walk_blocks(appendix.noi_dung, ("phu_luc", index, "noi_dung"), texts, wheres, tables)
    for path, text in own_texts(kind_of(notice), notice):
        if path[0] not in ("trich_yeu", "noi_dung"):
            texts.append((path, text))
            wheres.append(_where(path))
    return texts, wheres, tables


def _last_body_paragraph(texts: Sequence[tuple[Path_, str]]) -> tuple[Path_, str] | None:
    """Return the path and printed text (spaces folded) of the body's last non-empty paragraph, or None
    when a table comes after it (the end mark is then printed after the table, on its own).

    texts are `_walk`'s, whose entries under noi_dung are the body's in order: read from the end, the
    first table cell or non-empty paragraph decides, as reading the whole body from the start would.
    """
    for path, text in reversed(texts):
        if path[0] != "noi_dung":
            continue
        if "bang" in path:
            return None
        printed = plain_text(text)
        if printed.strip():
            return path, " ".join(printed.split())
    return None


def _in_body(path: Path_) -> bool:
    """Tell whether path is body text: the notice's content or an appendix's."""
    return path[0] == "noi_dung" or (path[0] == "phu_luc" and len(path) > 2 and path[2] == "noi_dung")


_BLOCK_KEY = {cls: key for key, cls in BLOCK_CLASSES.items()}


def _walk_blocks(
    blocks: Sequence[Block], path: Path_, texts: list[tuple[Path_, str]], wheres: list[int], tables: list[tuple[Path_, Bang]]
) -> None:
    """Add to texts every piece of text among blocks (body blocks), at any depth, in order, and where each
    stands to wheres; add (path, table) to tables for every table among them."""
    for index, block in enumerate(blocks):
        here = path + (index,)
        if isinstance(block, str):
            texts.append((here, block))
            wheres.append(_PARAGRAPH)
        elif isinstance(block, Bang):
            tables.append((here, block))
            for r, row in enumerate(block.bang):
                for c, cell in enumerate(row):
                    texts.append((here + ("bang", r, c), cell) if isinstance(cell, str) else (here + ("bang", r, c, "o"), cell.o))
                    wheres.append(_CELL)
        else:
            key = _BLOCK_KEY[type(block)]
            texts.append((here + (key,), getattr(block, key)))
            wheres.append(_TITLE)
            _walk_blocks(block.noi_dung, here + ("noi_dung",), texts, wheres, tables)


def _last_day_of_month(year: int, month: int) -> dt.date:
    """Return the last day of a month (without importing calendar, and locale with it)."""
    first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)
