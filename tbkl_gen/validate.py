"""Check a notice against the decree and against the slips drafters make. Pure: no IO.

`validate(notice, source)` returns every problem, errors and warnings, each at the place in the
source where the value was written. The shape of the source (keys, types) is checked by the model
when loading; this module checks meaning: dates, number and symbol, the signer's authority lines,
recipients, and text hygiene.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator

from .errors import Problem, Severity
from .load import Path_, Source
from .model import BLOCK_KEYS, Notice

AUTHORITY_PREFIXES = ("TM.", "KT.", "TL.", "TUQ.", "Q.")
# Individual titles: "TM." stands before a collective body, never before one of these.
INDIVIDUAL_TITLES = (
    "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "GIÁM ĐỐC", "CHÁNH VĂN PHÒNG", "BỘ TRƯỞNG", "THỦ TRƯỞNG",
    "TRƯỞNG BAN", "CHỦ NHIỆM", "TỔNG GIÁM ĐỐC", "VIỆN TRƯỞNG", "CỤC TRƯỞNG", "VỤ TRƯỞNG",
)  # fmt: skip
DEPUTY_TITLES = ("PHÓ ", "THỨ TRƯỞNG")
ACADEMIC_PREFIX = re.compile(r"^(?:TS|ThS|Th\.S|GS|PGS|KS|BS|CN|NCS|TSKH|PGS\.TS|GS\.TS)\.?\s", re.IGNORECASE)
NUMBER_SHAPE = re.compile(r"^(0[1-9]|[1-9]\d{0,5})$")
SYMBOL_SHAPE = re.compile(r"^TB-[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*$")
TWO_LEVEL_GOVERNMENT = dt.date(2025, 7, 1)


def validate(notice: Notice, source: Source | None, *, today: dt.date | None = None) -> list[Problem]:
    """Return every problem of a notice that loaded, in source order."""
    checker = _Checker(notice, source or Source(path=None, data={}), today or dt.date.today())  # type: ignore[arg-type]
    checker.run()
    return sorted(checker.problems, key=lambda p: (p.place.line or 0, p.place.column or 0))


class _Checker:
    def __init__(self, notice: Notice, source: Source, today: dt.date) -> None:
        self.notice = notice
        self.source = source
        self.today = today
        self.problems: list[Problem] = []

    def error(self, path: Path_, message: str, hint: str = "", code: str = "") -> None:
        self.problems.append(Problem(self.source.place(path), message, Severity.ERROR, hint, code))

    def warn(self, path: Path_, message: str, hint: str = "", code: str = "") -> None:
        self.problems.append(Problem(self.source.place(path), message, Severity.WARNING, hint, code))

    def run(self) -> None:
        self.check_dates()
        self.check_number()
        self.check_issuer()
        self.check_signer()
        self.check_recipients()
        self.check_text()

    # --- dates ------------------------------------------------------------------------------

    def check_dates(self) -> None:
        day = self.notice.ngay
        issued = None
        if day.ngay is not None and day.thang is None:
            self.error(("ngay",), "có ngày nhưng thiếu tháng", "ghi đủ năm-tháng-ngày, hoặc chỉ năm-tháng", "date")
        elif day.ngay is not None and day.thang is not None:
            try:
                issued = dt.date(day.nam, day.thang, day.ngay)
            except ValueError:
                self.error(("ngay",), f"ngày không tồn tại: {day.ngay:02d}/{day.thang:02d}/{day.nam}", code="date")
        meeting = self.notice.ngay_hop
        if issued and meeting and issued < meeting:
            self.error(
                ("ngay",),
                f"ngày ban hành {issued:%d/%m/%Y} sớm hơn ngày họp {meeting:%d/%m/%Y}",
                "thông báo kết luận ban hành sau cuộc họp",
                "date_order",
            )
        if issued and issued > self.today:
            self.warn(("ngay",), f"ngày ban hành {issued:%d/%m/%Y} ở tương lai", code="future")
        if meeting and meeting > self.today:
            self.warn(("ngay_hop",), f"ngày họp {meeting:%d/%m/%Y} ở tương lai", code="future")

    # --- number and symbol -------------------------------------------------------------------

    def check_number(self) -> None:
        number = self.notice.so
        if number is not None and not NUMBER_SHAPE.match(number.strip()):
            self.error(
                ("so",),
                f"số “{number}” không đúng dạng",
                "số là chữ số Ả Rập từ 01, không có chữ hay khoảng trắng; để trống khi là dự thảo",
                "number",
            )
        symbol = self.notice.symbol
        if not SYMBOL_SHAPE.match(symbol):
            path = ("ky_hieu",) if self.notice.ky_hieu else ("co_quan", "viet_tat")
            self.error(
                path,
                f"ký hiệu “{symbol}” không đúng dạng",
                "ký hiệu là TB- và chữ viết tắt in hoa của cơ quan, nối bằng “-”, không có khoảng trắng",
                "symbol",
            )

    # --- issuer -------------------------------------------------------------------------------

    def check_issuer(self) -> None:
        co_quan = self.notice.co_quan
        for index, line in enumerate(co_quan.ten):
            if line != line.upper():
                self.warn(("co_quan", "ten", index), "tên cơ quan ban hành viết in hoa", f"viết “{line.upper()}”", "caps")
        if co_quan.chu_quan and co_quan.chu_quan != co_quan.chu_quan.upper():
            self.warn(("co_quan", "chu_quan"), "tên cơ quan chủ quản viết in hoa", f"viết “{co_quan.chu_quan.upper()}”", "caps")
        issued = self.notice.ngay
        if (issued.nam, issued.thang or 12, issued.ngay or 31) >= (2025, 7, 1):
            lines = [co_quan.chu_quan or "", *co_quan.ten]
            if any("HUYỆN" in line.upper() for line in lines):
                self.warn(
                    ("co_quan",),
                    "từ 01/7/2025 chính quyền địa phương chỉ còn cấp tỉnh và cấp xã, không còn cấp huyện",
                    "dùng tên đơn vị hành chính đang có hiệu lực vào ngày ban hành",
                    "names",
                )
        place = self.notice.dia_danh
        if any(word[:1].islower() for word in place.split() if word[:1].isalpha()):
            self.warn(("dia_danh",), f"địa danh “{place}” cần viết hoa chữ đầu mỗi tiếng", code="caps")

    # --- signer -------------------------------------------------------------------------------

    def check_signer(self) -> None:
        signer = self.notice.nguoi_ky
        lines = signer.quyen_han
        prefixes: list[str] = []
        for index, line in enumerate(lines):
            path = ("nguoi_ky", "quyen_han", index)
            prefix = next((p for p in AUTHORITY_PREFIXES if line.upper().startswith(p + " ")), None)
            if prefix is None:
                self.error(
                    path,
                    f"dòng quyền hạn “{line}” phải bắt đầu bằng TM., KT., TL., TUQ. hoặc Q.",
                    "ví dụ “TL. CHỦ TỊCH”, “KT. CHÁNH VĂN PHÒNG”",
                    "authority",
                )
                continue
            if line != line.upper():
                self.warn(path, "dòng quyền hạn viết in hoa", f"viết “{line.upper()}”", "caps")
            title = line.upper()[len(prefix) + 1 :].strip()
            if prefix == "TM." and (index != 0 or title.startswith(INDIVIDUAL_TITLES)):
                self.error(
                    path,
                    "“TM.” chỉ đứng đầu, trước tên tập thể (ví dụ “TM. ỦY BAN NHÂN DÂN”), không trước chức danh cá nhân",
                    code="authority",
                )
            if prefix in prefixes:
                self.error(path, f"“{prefix}” xuất hiện hai lần", code="authority")
            if prefix == "KT." and index != len(lines) - 1:
                self.error(path, "“KT.” là dòng quyền hạn cuối cùng, ngay trên chức vụ của cấp phó", code="authority")
            prefixes.append(prefix)
        if {"TL.", "TUQ."} <= set(prefixes):
            self.error(("nguoi_ky", "quyen_han"), "không dùng cùng lúc “TL.” và “TUQ.”", code="authority")
        if "TM." in prefixes and ({"TL.", "TUQ."} & set(prefixes)):
            self.error(("nguoi_ky", "quyen_han"), "“TM.” không đi cùng “TL.” hay “TUQ.”", code="authority")
        title = signer.chuc_vu.upper()
        if signer.chuc_vu != title:
            self.warn(("nguoi_ky", "chuc_vu"), "chức vụ người ký viết in hoa", f"viết “{title}”", "caps")
        deputy = title.startswith(DEPUTY_TITLES)
        if prefixes and prefixes[-1] == "KT." and not deputy:
            self.error(
                ("nguoi_ky", "chuc_vu"),
                f"ký thay (KT.) thì người ký là cấp phó, nhưng chức vụ là “{signer.chuc_vu}”",
                "ví dụ “KT. CHÁNH VĂN PHÒNG” rồi “PHÓ CHÁNH VĂN PHÒNG”",
                "authority",
            )
        if deputy and "KT." not in prefixes and "Q." not in prefixes:
            self.error(
                ("nguoi_ky", "chuc_vu"),
                f"cấp phó “{signer.chuc_vu}” ký thì phải có dòng “KT. …” của cấp trưởng ngay trên",
                "ví dụ thêm “KT. CHÁNH VĂN PHÒNG” vào quyen_han",
                "authority",
            )
        name = signer.ho_ten.strip()
        if ACADEMIC_PREFIX.match(name):
            self.error(("nguoi_ky", "ho_ten"), "không ghi học hàm, học vị trước họ tên người ký", f"bỏ “{name.split()[0]}”", "academic")
        elif name.isupper() or any(word[:1].islower() for word in name.split()):
            fixed = " ".join(word[:1].upper() + word[1:].lower() for word in name.split())
            self.warn(("nguoi_ky", "ho_ten"), "họ tên viết hoa chữ đầu mỗi tiếng", f"viết “{fixed}”", "caps")

    # --- recipients ---------------------------------------------------------------------------

    def check_recipients(self) -> None:
        for index, item in enumerate(self.notice.noi_nhan):
            path = ("noi_nhan", index)
            stripped = item.strip()
            if stripped.startswith("-"):
                self.warn(path, "không gõ “-” đầu dòng nơi nhận", "công cụ tự thêm dấu “-”", "punctuation")
            if stripped.endswith((";", ".")):
                self.warn(path, f"không gõ “{stripped[-1]}” cuối dòng nơi nhận", "công cụ tự thêm “;” (và “.” ở dòng Lưu)", "punctuation")
            if stripped.lower().startswith("lưu"):
                self.error(path, "dòng “Lưu” không nằm trong noi_nhan", "ghi vào khóa luu, ví dụ luu: VT, KGVX", "archive")
        archive = re.sub(r"^-?\s*Lưu\s*:\s*", "", self.notice.luu.strip())
        if not archive.startswith("VT"):
            self.error(("luu",), f"dòng lưu phải bắt đầu bằng “VT” (Văn thư), gặp “{self.notice.luu}”", "ví dụ luu: VT, KGVX", "archive")
        elif not re.match(r"^VT,\s*\S", archive):
            self.error(("luu",), "sau “VT,” cần chữ viết tắt của đơn vị soạn thảo", "ví dụ luu: VT, KGVX", "archive")
        if self.notice.luu.strip().endswith((";", ".")):
            self.warn(("luu",), "không gõ dấu câu cuối dòng lưu", "công cụ tự thêm “.”", "punctuation")

    # --- text hygiene -------------------------------------------------------------------------

    def check_text(self) -> None:
        texts = list(_texts(self.notice))
        has_curly = any("“" in text or "”" in text for _, text in texts)
        for path, text in texts:
            if "  " in text.replace("\n", " ").strip():
                self.warn(path, "có hai dấu cách liền nhau", "chỉ để một dấu cách", "spaces")
            if "\t" in text:
                self.warn(path, "có ký tự tab trong văn bản", "thay bằng một dấu cách", "tab")
            if has_curly and '"' in text:
                self.warn(path, "dùng ngoặc kép thẳng (\") trong khi các chỗ khác dùng ngoặc kép cong (“ ”)", "dùng “ ” cho thống nhất", "quotes")
            if _has_invisible(text):
                self.warn(path, "có ký tự vô hình (khoảng trắng không ngắt, ký tự định dạng)", "xóa ký tự này", "invisible")
        summary = self.notice.trich_yeu
        letters = [c for c in summary if c.isalpha()]
        if len(letters) > 10 and summary == summary.upper():
            self.warn(
                ("trich_yeu",),
                "trích yếu gõ toàn chữ in hoa",
                "viết hoa chữ đầu câu và tên riêng, như “Kết luận của đồng chí …”",
                "caps",
            )


def _has_invisible(text: str) -> bool:
    return any(unicodedata.category(c) == "Cf" or c in "\u00a0\u2007\u202f" for c in text)


def _texts(notice: Notice) -> Iterator[tuple[Path_, str]]:
    """Yield (path, text) for every piece of drafter text in the notice."""
    yield ("trich_yeu",), notice.trich_yeu
    yield ("dia_danh",), notice.dia_danh
    for index, item in enumerate(notice.noi_nhan):
        yield ("noi_nhan", index), item
    yield ("nguoi_ky", "ho_ten"), notice.nguoi_ky.ho_ten
    yield from _block_texts(notice.noi_dung, ("noi_dung",))


def _block_texts(blocks: list, path: Path_) -> Iterator[tuple[Path_, str]]:
    for index, block in enumerate(blocks):
        here = path + (index,)
        if isinstance(block, str):
            yield here, block
            continue
        key = next(k for k in BLOCK_KEYS if hasattr(block, k))
        yield here + (key,), getattr(block, key)
        yield from _block_texts(block.noi_dung, here + ("noi_dung",))
