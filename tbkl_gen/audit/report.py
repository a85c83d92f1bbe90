"""The outcome of the rules on one document and the Vietnamese report of it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

STATUS_PASS = "dat"


STATUS_FAIL = "loi"


STATUS_NOT_APPLICABLE = "khong_ap_dung"


STATUS_WARNING = "canh_bao"
"""Met in a way the decree does not ask for (a line typed with "_" instead of drawn): told, not failed."""


@dataclass(frozen=True)
class RuleResult:
    """The outcome of one rule of nd30.md on one document."""

    rule: int
    title: str
    status: str
    detail: str


_STATUS_WORDS = {STATUS_PASS: "ĐẠT", STATUS_FAIL: "LỖI", STATUS_NOT_APPLICABLE: "KHÔNG ÁP DỤNG", STATUS_WARNING: "CẢNH BÁO"}


def format_report(results: list[RuleResult]) -> str:
    """Return a readable Vietnamese report, one line a rule, then a count by status."""
    lines = [
        f"Quy tắc {r.rule} — {r.title}: {_STATUS_WORDS.get(r.status, r.status)}" + (f" — {r.detail}" if r.detail else "") for r in results
    ]
    counts = Counter(r.status for r in results)
    warned = f", {counts[STATUS_WARNING]} cảnh báo" if counts[STATUS_WARNING] else ""
    lines.append(f"Tổng cộng: {counts[STATUS_PASS]} đạt, {counts[STATUS_FAIL]} lỗi{warned}, {counts[STATUS_NOT_APPLICABLE]} không áp dụng")
    return "\n".join(lines)
