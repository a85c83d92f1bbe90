"""Checks on Word templates an office keeps in its workspace."""

from __future__ import annotations

from collections.abc import Iterator

from .errors import Problem
from .workspace import Workspace


def check_workspace_templates(workspace: Workspace) -> Iterator[Problem]:
    """Yield problems of each template in the workspace's templates/ folder."""
    return iter(())
