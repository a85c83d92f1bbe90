"""The decree's presentation values: paper, margins, font, sizes per part, fixed wording.

Decree 30/2020/NĐ-CP, Phụ lục I (nd30.md §1-7, §9). Where the decree gives a range, the range
is declared here (the checks accept any value inside it) together with the value our built-in
templates print, which is always inside the range. The audit of a .docx, the template builder and
the checks on a source read these names; no other module spells a size or a margin of the decree.
"""

from __future__ import annotations

from typing import Final

from tbkl_gen.nd30.units import TWIPS_PER_MM

# --- page (nd30.md §1, rules 1-2) ---------------------------------------------------------------

PAGE_WIDTH: Final = 11906
"""A4 width in twips (210 mm), as Word writes it."""
PAGE_HEIGHT: Final = 16838
"""A4 height in twips (297 mm)."""
PAGE_TOLERANCE: Final = 3
"""Older Word versions write A4 as 11907 x 16840: both are 210 x 297 mm."""

MARGINS: Final[dict[str, tuple[int, int]]] = {
    "top": (1134, 1418),
    "bottom": (1134, 1418),
    "left": (1701, 1985),
    "right": (850, 1134),
}
"""Allowed margins in twips, lowest and highest: top and bottom 20-25 mm, left 30-35, right 15-20."""
MARGINS_MM: Final[dict[str, str]] = {"top": "20–25", "bottom": "20–25", "left": "30–35", "right": "15–20"}
"""The same ranges as the decree writes them, for messages."""

PRINTED_MARGINS: Final[dict[str, int]] = {"top": 1134, "bottom": 1134, "left": 1701, "right": 1134}
"""The margins the built-in templates print (20, 20, 30 and 20 mm)."""
PRINTED_TEXT_WIDTH_MM: Final = round((PAGE_WIDTH - PRINTED_MARGINS["left"] - PRINTED_MARGINS["right"]) / TWIPS_PER_MM, 1)
"""The width of the text between the printed margins: 160 mm."""

# --- font (nd30.md §1, rules 3 and 19) ---------------------------------------------------------

FONT: Final = "Times New Roman"
BLACK: Final = ("AUTO", "000000")
"""Colours that print black: Word's automatic colour and explicit black."""

# --- sizes per part, in points (nd30.md §9, rules 4-18, 21, 25) --------------------------------

NATIONAL_NAME_SIZES: Final = (12, 13)
MOTTO_SIZES: Final = (13, 14)
ISSUER_SIZES: Final = (12, 13)
"""The issuing body and, above it, the parent body."""
NUMBER_SIZES: Final = (13,)
"""The "Số:" line (number and symbol): a fixed size."""
DATE_SIZES: Final = (13, 14)
TITLE_SIZES: Final = (13, 14)
"""The document type ("THÔNG BÁO") and the summary under it."""
CV_SUMMARY_SIZES: Final = (12, 13)
"""The "V/v …" summary of a Công văn under its number (ô 5b): upright, not bold."""
BODY_SIZES: Final = (13, 14)
SIGNER_SIZES: Final = (13, 14)
"""Authority lines, the signer's title and name."""
RECIPIENTS_HEAD_SIZES: Final = (12,)
"""The "Nơi nhận:" line."""
RECIPIENT_SIZES: Final = (11,)
"""Each recipient line and the archive line."""
ADDRESSEE_SIZES: Final = (13, 14)
"""The "Kính gửi" line or list under the summary (ô 9a): lower case, upright, not bold."""
URGENCY_SIZES: Final = (13, 14)
"""The urgency stamp ("KHẨN", "HỎA TỐC"), bounding PRINTED_URGENCY_SIZE."""
URGENCY_STAMP_WIDTHS_MM: Final[dict[str, float]] = {"KHẨN": 20.0, "THƯỢNG KHẨN": 40.0, "HỎA TỐC": 30.0}
"""The width of each urgency stamp's box (Phụ lục I, III.2.b), in mm."""
PAGE_NUMBER_SIZES: Final = (13, 14)

# The sizes the built-in templates print, each inside its range above.
PRINTED_NATIONAL_NAME_SIZE: Final = 12
PRINTED_MOTTO_SIZE: Final = 13
PRINTED_ISSUER_SIZE: Final = 13
PRINTED_NUMBER_SIZE: Final = 13
PRINTED_DATE_SIZE: Final = 14
PRINTED_TITLE_SIZE: Final = 14
PRINTED_CV_SUMMARY_SIZE: Final = 12
"""Printed as direct formatting of the summary's runs: the templates give the paragraph the number's style."""
PRINTED_BODY_SIZE: Final = 14
PRINTED_SIGNER_SIZE: Final = 14
PRINTED_RECIPIENTS_HEAD_SIZE: Final = 12
PRINTED_RECIPIENT_SIZE: Final = 11
PRINTED_ADDRESSEE_SIZE: Final = 14
PRINTED_URGENCY_SIZE: Final = 13
PRINTED_PAGE_NUMBER_SIZE: Final = 14

# --- body paragraphs (nd30.md §4, rules 11 and 22) ---------------------------------------------

FIRST_LINE_INDENTS: Final = (567, 720)
"""First-line indent in twips: exactly 1 cm or 1.27 cm."""
FIRST_LINE_INDENT_SLACK: Final = 20
"""Rule 11 accepts an indent this many twips off (rule 22 asks for the exact value)."""
PRINTED_FIRST_LINE_INDENT: Final = 720
LINE_SPACING_AUTO: Final = (240, 360)
"""Line spacing from single (240) to 1.5 lines (360), in 240ths of a line."""
PARAGRAPH_SPACING_MIN: Final = 120
"""Space before plus space after a body paragraph, in twips: at least 6 pt."""
SINGLE_LINE: Final = 240
"""Single line spacing, in the national-name block and the issuer block."""

# --- lines under the header and the summary (nd30.md §3.1, §3.2, §3.5, rule 26) ----------------

UNDER_TEXT_RATIO: Final = (1 / 3, 1 / 2)
"""The line under the issuing body and under the summary: 1/3 to 1/2 of the text's width."""
PRINTED_UNDER_TEXT_RATIO: Final = 0.42
"""The ratio the layout draws those lines at, inside the range."""
MOTTO_LINE_TOLERANCE: Final = 0.10
"""The line under the motto is as long as the motto, within this fraction."""

# --- fixed wording (nd30.md §3.1, §6) ----------------------------------------------------------

NATIONAL_NAME: Final = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
"""Spelled "HÒA" as in the decree's rule text (the example column's "HOÀ" is not used)."""
MOTTO: Final = "Độc lập - Tự do - Hạnh phúc"
RECIPIENTS_HEAD: Final = "Nơi nhận:"
ADDRESSEE_HEAD: Final = "Kính gửi:"
"""Ô 9a (Phụ lục I, II.9.d): one addressee on the same line after it ("Kính gửi: Bộ Nội vụ"); two or
more each on a line of their own, "- " first, ";" last, "." on the last one, the dashes aligned
under its colon."""
ADDRESSEE_ITEM_END: Final = ";"
ADDRESSEE_LAST_END: Final = "."
ARCHIVE_WORD: Final = "Lưu:"
"""The archive line's word, which a drafter need not type."""
ARCHIVE_PREFIX: Final = f"- {ARCHIVE_WORD} "
"""What the archive line starts with; the archive grammar is in nd30.grammar."""

# --- the end mark (nd30.md §4 "End mark", rule 13) -------------------------------------------

END_MARK: Final = "./."
"""What closes a document's content, appended to its last sentence in every Phụ lục III sample.

Read as the last sentence's full stop followed by "/." (nothing follows): the "." of the mark is
the sentence's own, so a last sentence ending with "." takes only "/." ("… thực hiện./.") and the
mark is never printed after another sentence mark. A last paragraph ending with ":", ";" or ","
announces content that is not there, and one ending with "?" or "!" has no full stop for the mark
to complete: `tbkl check` refuses both (END_MARK_NOT_AFTER), rather than print ":./." or "?./.".
"""
END_MARK_NOT_AFTER: Final = (":", ";", ",", "?", "!")
"""Marks a last paragraph may not end with: the end mark completes a full stop, and nothing else."""

# --- appendices and tables (Phụ lục I, Phần I, III.1; nd30.md §7) -------------------------------
# "Phụ lục" and its number on a line of their own, centred, 14 pt bold in normal case; numbered in
# Roman numerals (required from two appendices on); the title, if any, centred, capitals, 13-14 pt
# bold; under it the line saying which document it goes with, "(Kèm theo … số …/… ngày … tháng …
# năm … của …)", centred, 13-14 pt italic. Each appendix starts a new page and numbers its pages
# on its own (III.1.đ).

APPENDIX_WORD: Final = "Phụ lục"
APPENDIX_HEAD_SIZES: Final = (14,)
APPENDIX_TITLE_SIZES: Final = (13, 14)
APPENDIX_REFERENCE_SIZES: Final = (13, 14)
APPENDIX_REFERENCE_OPEN: Final = "(Kèm theo"
PRINTED_APPENDIX_HEAD_SIZE: Final = 14
PRINTED_APPENDIX_TITLE_SIZE: Final = 14
PRINTED_APPENDIX_REFERENCE_SIZE: Final = 14
TABLE_SIZES: Final = BODY_SIZES
"""The decree fixes no size for a table's text: the body's range is used for it."""
PRINTED_TABLE_SIZE: Final = 13
