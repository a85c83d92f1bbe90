"""The outcome of the rules on one document and the Vietnamese report of it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

STATUS_PASS = "dat"


STATUS_FAIL = "loi"


STATUS_NOT_APPLICABLE = "khong_ap_dung"


@dataclass(frozen=True)
class RuleResult:
    """The outcome of one rule of nd30.md on one document."""

    rule: int
    title: str
    status: str
    detail: str


_STATUS_WORDS = {STATUS_PASS: "ĐẠT", STATUS_FAIL: "LỖI", STATUS_NOT_APPLICABLE: "KHÔNG ÁP DỤNG"}


def format_report(results: list[RuleResult]) -> str:
    """Return a readable Vietnamese report, one line a rule, then a count by status."""
    lines = [
        f"Quy tắc {r.rule} — {r.title}: {_STATUS_WORDS.get(r.status, r.status)}" + (f" — {r.detail}" if r.detail else "") for r in results
    ]
    counts = Counter(r.status for r in results)
    lines.append(f"Tổng cộng: {counts[STATUS_PASS]} đạt, {counts[STATUS_FAIL]} lỗi, {counts[STATUS_NOT_APPLICABLE]} không áp dụng")
    return "\n".join(lines)
