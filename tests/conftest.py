"""Shared fixtures: the repository, the examples, rendering through the real CLI, LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

# Every property test draws the same examples on every run and keeps no database between runs: a
# failure is found again by running again, and CI never fails on a draw no one can reproduce.
settings.register_profile("tbkl", derandomize=True, database=None)
settings.load_profile("tbkl")

from tbkl_gen.cli import main

ROOT = Path(__file__).resolve().parents[1]
NOTICES = ROOT / "notices"
SHARED = ROOT.parent / "shared"
EXAMPLES = sorted(NOTICES.rglob("*.yaml"))


@pytest.fixture(scope="session", autouse=True)
def home_above_every_test(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Make pytest's base folder the home folder of the whole run, its subprocesses included.

    The search for tbkl.yaml walks up from a notice and stops at the home folder: every test
    folder is below this one, so a tbkl.yaml anyone left in /tmp (or in any folder above) is never
    reached, and no test depends on what the machine has above its own folder. A test about the
    home folder sets HOME itself.
    """
    base = tmp_path_factory.getbasetemp().resolve()
    old = os.environ.get("HOME")
    os.environ["HOME"] = str(base)
    try:
        yield base
    finally:
        if old is None:
            os.environ.pop("HOME", None)
        else:
            os.environ["HOME"] = old


def shared_file(path: Path) -> Path:
    """Return path, a file of ../shared (the real notices); skip the test naming it when it is missing.

    The repository may be checked out alone, without ../shared: its tests then skip, saying which
    file they need. Never in CI (CI=true), which has ../shared: there a missing file fails.
    """
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing; CI has ../shared")
        pytest.skip(f"needs {path} (the real notices of ../shared), which is not here")
    return path


def render_cli(args: list[str], cwd: Path | None = None):  # noqa: ANN201
    """Run `tbkl ARGS` in-process through click, as a user would from a shell."""
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, args, catch_exceptions=False)
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)


@pytest.fixture(scope="session")
def rendered_examples(tmp_path_factory) -> dict[Path, Path]:  # noqa: ANN001
    """Render every example notice once per test session; map source → .docx."""
    out = tmp_path_factory.mktemp("examples")
    result = render_cli(["render", str(NOTICES), "-o", str(out), "--force", "--quiet"])
    assert result.exit_code == 0, result.output
    return {src: out / src.relative_to(NOTICES).with_suffix(".docx") for src in EXAMPLES}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="session")
def libreoffice() -> str:
    """Return the LibreOffice binary; skip locally without it, fail in CI."""
    binary = soffice()
    if binary is None:
        if os.environ.get("TBKL_REQUIRE_LIBREOFFICE") or os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required in CI but not installed")
        pytest.skip("LibreOffice is not installed")
    return binary


def to_pdf(binary: str, docx: Path, out_dir: Path) -> Path:
    """Convert docx to PDF with real LibreOffice, in a private profile so runs do not collide."""
    profile = out_dir / "lo-profile"
    completed = subprocess.run(
        [binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf", "--outdir", str(out_dir), str(docx)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = out_dir / (docx.stem + ".pdf")
    assert completed.returncode == 0 and pdf.is_file(), completed.stderr + completed.stdout
    return pdf


def chromium_paths() -> tuple[str, str] | None:
    """Return Chromium and its driver (Debian's `chromium` and `chromium-driver`), or None."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


@pytest.fixture(scope="session")
def chromium() -> tuple[str, str]:
    """Return Chromium and chromedriver; skip locally without them, fail in CI."""
    found = chromium_paths()
    if found is None:
        if os.environ.get("TBKL_REQUIRE_CHROMIUM") or os.environ.get("CI"):
            pytest.fail("Chromium and chromedriver are required in CI but not installed")
        pytest.skip("Chromium (chromium, chromium-driver) is not installed")
    return found
