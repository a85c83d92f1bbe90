"""The kinds of document the tool writes: the name printed as the title and the abbreviation in the symbol.

Decree 30/2020/NĐ-CP, Appendix III lists each administrative document type with the abbreviation
that starts its symbol (Thông báo → TB, Giấy mời → GM). A Công văn has neither a printed type
name nor an abbreviation: its symbol is the issuing body and the drafting unit ("UBND-KGVX"), and
its summary is printed "V/v …" under the number (Phụ lục I, ô 5b). A further type is one more row
here; what the tool does with it is declared by its kind (`tbkl_gen.notice.kind`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentType:
    """One administrative document type of Appendix III."""

    code: str
    """Abbreviation at the start of the symbol: "TB" in "Số: 12/TB-VP"; "" for a Công văn."""
    title: str
    """Name printed in capitals above the summary: "THÔNG BÁO"; "" for a Công văn (no name printed)."""

    def symbol(self, issuer: str) -> str:
        """Return the symbol of this type issued by the body abbreviated as issuer: "TB-VP", "UBND"."""
        return f"{self.code}-{issuer}" if self.code else issuer


THONG_BAO = DocumentType(code="TB", title="THÔNG BÁO")
GIAY_MOI = DocumentType(code="GM", title="GIẤY MỜI")
CONG_VAN = DocumentType(code="", title="")

DOCUMENT_TYPES: dict[str, DocumentType] = {kind.code: kind for kind in (THONG_BAO, GIAY_MOI, CONG_VAN)}

SUMMARY_PREFIX = "V/v"
"""What a Công văn's summary under its number starts with: "V/v tăng cường …" (Phụ lục I, ô 5b)."""
