"""The habits CI keeps: ruff's formatting and lint rules, `mypy --strict` over the whole package.

The layers of the imports are held by tests/test_layers.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from conftest import ROOT


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, encoding="utf-8", check=False)


def _tool(name: str) -> None:
    if shutil.which(name) is None:
        pytest.fail(f"{name} is part of the test extras (pip install '.[test]')")


def test_code_is_formatted_by_ruff():
    _tool("ruff")
    completed = _run("ruff", "format", "--check", ".")
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_ruff_lint_rules_hold():
    _tool("ruff")
    completed = _run("ruff", "check", ".")
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_the_package_type_checks_strictly():
    # pyproject's [tool.mypy]: strict = true, files = tbkl_gen; the stubs of PyYAML and lxml are test extras
    completed = _run(sys.executable, "-m", "mypy", "--strict", "tbkl_gen")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "Success: no issues found" in completed.stdout, completed.stdout
