"""The kinds of document the tool writes: the name printed as the title and the abbreviation in the symbol.

Decree 30/2020/NĐ-CP, Appendix III lists each administrative document type with the abbreviation
that starts its symbol (Thông báo → TB). A second document type is one more row here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentType:
    """One administrative document type of Appendix III."""

    code: str
    """Abbreviation at the start of the symbol: "TB" in "Số: 12/TB-VP"."""
    title: str
    """Name printed in capitals above the summary: "THÔNG BÁO"."""

    def symbol(self, issuer: str) -> str:
        """Return the symbol of this type issued by the body abbreviated as issuer: "TB-VP"."""
        return f"{self.code}-{issuer}"


THONG_BAO = DocumentType(code="TB", title="THÔNG BÁO")

DOCUMENT_TYPES: dict[str, DocumentType] = {kind.code: kind for kind in (THONG_BAO,)}
