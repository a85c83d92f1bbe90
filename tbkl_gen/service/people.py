"""Who may do what: the roles of an office and the one table of actions they allow.

A person acts in a workspace with the roles their account holds there. The page and the command
line ask `may(person, action)`; no other module decides who may do what.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["soan-thao", "duyet", "van-thu", "quan-tri"]

ROLE_LABELS: dict[Role, str] = {
    "soan-thao": "chuyên viên soạn thảo",
    "duyet": "lãnh đạo duyệt",
    "van-thu": "văn thư",
    "quan-tri": "quản trị",
}

Action = Literal[
    "doc",  # open, preview, download, history
    "soan",  # write, save, import, restore an earlier version
    "gui-duyet",  # submit for review
    "duyet",  # comment, ask for changes, approve
    "xu-ly-gop-y",  # mark a reviewer's comment as dealt with (the drafter who fixed it, or a reviewer)
    "phat-hanh",  # issue: number, date, final files, register row
    "quan-tri",  # accounts, the workspace's settings
]

ALLOWED: dict[Action, frozenset[Role]] = {
    "doc": frozenset({"soan-thao", "duyet", "van-thu", "quan-tri"}),
    "soan": frozenset({"soan-thao", "quan-tri"}),
    "gui-duyet": frozenset({"soan-thao", "quan-tri"}),
    "duyet": frozenset({"duyet", "quan-tri"}),
    "xu-ly-gop-y": frozenset({"soan-thao", "duyet", "quan-tri"}),
    "phat-hanh": frozenset({"van-thu", "quan-tri"}),
    "quan-tri": frozenset({"quan-tri"}),
}

ACTION_LABELS: dict[Action, str] = {
    "doc": "xem văn bản",
    "soan": "soạn và lưu văn bản",
    "gui-duyet": "trình duyệt văn bản",
    "duyet": "góp ý và duyệt văn bản",
    "xu-ly-gop-y": "đánh dấu góp ý đã xử lý",
    "phat-hanh": "phát hành văn bản",
    "quan-tri": "quản trị",
}


@dataclass(frozen=True)
class Person:
    """Someone acting on a workspace: the account's login, the name and e-mail git records, the roles."""

    login: str
    name: str
    email: str
    roles: frozenset[Role] = field(default_factory=frozenset)


# The single-user page (`tbkl serve` on one's own machine, reached by the token): one person with
# every role, recorded in git under the name git itself is configured with, else this one.
LOCAL = Person(login="", name="Người dùng máy này", email="tbkl@localhost", roles=frozenset(ROLE_LABELS))


def may(person: Person, action: Action) -> bool:
    """Return whether person's roles allow action."""
    return bool(person.roles & ALLOWED[action])


def not_allowed(action: Action) -> str:
    """Return the one message that refuses an action to someone whose roles do not allow it."""
    return f"tài khoản của bạn không có quyền {ACTION_LABELS[action]}"


def refused(person: Person) -> list[Action]:
    """Return the actions person's roles do not allow, in the table's order (the page hides their controls)."""
    return [action for action in ALLOWED if not may(person, action)]


def read_only_note(person: Person) -> str:
    """Return what the page says above a document person may read but not edit ("" when they may edit it)."""
    if may(person, "soan"):
        return ""
    others = [ACTION_LABELS[action] for action in ALLOWED if action not in ("doc", "soan") and may(person, action)]
    can = f"; bạn có thể {', '.join(others)}" if others else ""
    return f"Bạn chỉ xem văn bản này: {not_allowed('soan')}{can}."
