"""What an import found: corrections made, text set aside, rules of the decree the file breaks.

Every finding has a kind, a place in the Word file ("đoạn 14", "bảng 2, hàng 1, cột 3",
"chú thích 1") and a Vietnamese message. The report is plain text, one file after another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

CORRECTION = "sửa"
"""A typed label or a slip turned into structure, or made to follow the decree."""
WARNING = "cảnh báo"
"""Text or an object the source cannot hold, and what was done with it."""
DECREE = "ND30"
"""A rule of the decree the Word file breaks (the re-rendered notice follows it)."""
TO_FIX = "cần sửa tay"
"""A problem `tbkl check` finds in the imported source: the drafter must decide."""

_ORDER = {CORRECTION: 0, WARNING: 1, TO_FIX: 2, DECREE: 3}


@dataclass(frozen=True)
class Finding:
    kind: str
    where: str
    message: str

    def line(self) -> str:
        where = f"{self.where}: " if self.where else ""
        return f"  {self.kind}: {where}{self.message}"


@dataclass
class FileReport:
    """The outcome of importing one file."""

    source: Path
    target: Path | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    texts: dict[str, str] = field(default_factory=dict)
    """The text of each place findings name ("đoạn 14" → its words), for a reader who has no Word file open."""

    def add(self, kind: str, where: str, message: str) -> None:
        self.findings.append(Finding(kind, where, message))

    def count(self, kind: str) -> int:
        return sum(f.kind == kind for f in self.findings)

    @property
    def needs_fixing(self) -> bool:
        return self.count(TO_FIX) > 0

    def summary(self) -> str:
        if self.error is not None:
            return self.error
        target = self.target.as_posix() if self.target else "?"
        counts = ", ".join(f"{self.count(kind)} {kind}" for kind in (CORRECTION, WARNING, TO_FIX, DECREE))
        return f"{self.source.as_posix()} → {target} ({counts})"

    def text(self) -> str:
        lines = [self.summary()]
        ordered = sorted(enumerate(self.findings), key=lambda pair: (_ORDER.get(pair[1].kind, 9), pair[0]))
        lines += [finding.line() for _, finding in ordered]
        return "\n".join(lines)


def report_text(reports: list[FileReport], seconds: float) -> str:
    """Return the report of a whole import: each file, then the totals and the time taken."""
    imported = [r for r in reports if r.error is None]
    parts = [r.text() for r in reports]
    parts.append(
        f"Đã nhập {len(imported)}/{len(reports)} tệp trong {seconds:.1f} giây; "
        f"{sum(r.count(CORRECTION) for r in imported)} chỗ sửa, {sum(r.count(WARNING) for r in imported)} cảnh báo, "
        f"{sum(r.needs_fixing for r in imported)} tệp cần sửa tay."
    )
    return "\n\n".join(parts) + "\n"
