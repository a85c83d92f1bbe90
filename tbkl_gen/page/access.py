"""The person behind the current request, and the server-side check of what they may do.

The page's middleware sets the person once per request (the account of the session, or the one
local person of the token mode); every route that changes or reveals something calls `require`
with its action, so a role is enforced on the server whatever the browser shows.
"""

from __future__ import annotations

from contextvars import ContextVar

from tbkl_gen.errors import Refused
from tbkl_gen.service.people import LOCAL, Action, Person, may, not_allowed

_person: ContextVar[Person] = ContextVar("tbkl_person", default=LOCAL)


def set_person(person: Person) -> None:
    """Record who makes the current request (the middleware calls this)."""
    _person.set(person)


def person() -> Person:
    """Return the person making the current request."""
    return _person.get()


def require(action: Action) -> Person:
    """Return the current person if their roles allow action, else refuse with 403."""
    current = _person.get()
    if not may(current, action):
        raise Refused(403, not_allowed(action))
    return current
