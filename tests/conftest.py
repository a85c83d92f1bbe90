"""Shared fixtures: the repository, the examples, rendering through the real CLI, LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

# Every property test draws the same examples on every run and keeps no database between runs: a
# failure is found again by running again, and CI never fails on a draw no one can reproduce.
settings.register_profile("tbkl", derandomize=True, database=None)
settings.load_profile("tbkl")

# The tool's cache (compiled templates, what a start compiles) lives in a fresh folder of this run,
# made before the tool is imported, never in the user's ~/.cache: a test run leaves nothing in the
# home folder, and no earlier run's cache decides what this one does. Tests of the cache set their own.
_CACHE = tempfile.mkdtemp(prefix="tbkl-tests-cache-")
os.environ["TBKL_CACHE_DIR"] = _CACHE


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_CACHE, ignore_errors=True)


from tbkl_gen.cli import main
from tbkl_gen.samples import FIRST_CONCLUSION, GAP, NOTICE_BODY, SECOND_CONCLUSION

ROOT = Path(__file__).resolve().parents[1]
NOTICES = ROOT / "notices"
SHARED = ROOT.parent / "shared"
EXAMPLES = sorted(NOTICES.rglob("*.yaml"))


# --- nothing skips in CI --------------------------------------------------------------------------
# A test skips locally when what it needs is not installed (LibreOffice, Chromium, git, ../shared, a
# package of the test extra); CI has all of it, so a skip there is a test that did not run: it fails,
# saying why it would have skipped. The fixtures that find those things fail in CI themselves; this
# catches every other skip (pytest.importorskip, skipif), the module-level ones too.


def _in_ci() -> bool:
    return bool(os.environ.get("CI"))


def _skipped_in_ci(report: pytest.CollectReport | pytest.TestReport) -> None:
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = f"skipped in CI, where nothing may skip: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.skipped and _in_ci():
        _skipped_in_ci(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.skipped and _in_ci() and not hasattr(report, "wasxfail"):
        _skipped_in_ci(report)


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


def serve_process(root: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    """Start the real `tbkl serve ROOT --port 0 --no-browser ARGS`; return the process and the first line it wrote (its address)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tbkl_gen", "serve", str(root), "--port", "0", "--no-browser", *args],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        text=True,
        encoding="utf-8",
    )
    return process, process.stderr.readline()


def stop_process(process: subprocess.Popen[str], reader: threading.Thread | None = None) -> None:
    """Stop a server started by serve_process: terminate it, kill it if it does not stop within 10 s.

    reader, a thread reading the server's stderr, has read to its end before the pipe is closed.
    """
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if reader is not None:
        reader.join(timeout=10)
    process.stderr.close()


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


def convert(binary: str, files: list[Path], target: str, out: Path, profile: Path | None = None, timeout: float = 180) -> list[Path]:
    """Convert files with real LibreOffice in one call (one start for all of them) to target ("pdf", "doc", "odt" or
    "ext:Filter"), into out; return the results. The profile is a private one (out/lo-profile unless given), so runs do not collide."""
    profile = profile or out / "lo-profile"
    completed = subprocess.run(
        [binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target, "--outdir", str(out), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    results = [out / f"{file.stem}.{target.split(':')[0]}" for file in files]
    assert completed.returncode == 0 and all(r.is_file() for r in results), completed.stderr + completed.stdout
    return results


def to_pdf(binary: str, docx: Path, out_dir: Path) -> Path:
    """Convert docx to PDF with real LibreOffice, in a private profile so runs do not collide."""
    [pdf] = convert(binary, [docx], "pdf", out_dir)
    return pdf


@pytest.fixture(scope="session")
def git_installed() -> str:
    """Return git; skip locally without it, fail in CI (.ci/run installs it)."""
    found = shutil.which("git")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("git is required in CI but not installed")
        pytest.skip("git is not installed")
    return found


def graph_commits(root: Path) -> set[str]:
    """Return the commits the repository's commit graph holds (every layer of its chain), read from the files as git
    documents them (gitformat-commit-graph: a header, a table of chunks, the OID Fanout and OID Lookup chunks)."""
    folder = root / ".git" / "objects" / "info"
    layers = [folder / "commit-graph"] if (folder / "commit-graph").is_file() else []
    chain = folder / "commit-graphs" / "commit-graph-chain"
    if chain.is_file():
        layers += [chain.parent / f"graph-{line}.graph" for line in chain.read_text(encoding="ascii").split()]
    found: set[str] = set()
    for layer in layers:
        data = layer.read_bytes()
        assert data[:4] == b"CGPH" and data[5] == 1, layer  # SHA-1
        chunks = {data[8 + 12 * i : 12 + 12 * i]: int.from_bytes(data[12 + 12 * i : 20 + 12 * i], "big") for i in range(data[6])}
        count = int.from_bytes(data[chunks[b"OIDF"] + 255 * 4 : chunks[b"OIDF"] + 256 * 4], "big")
        found |= {data[chunks[b"OIDL"] + 20 * i : chunks[b"OIDL"] + 20 * (i + 1)].hex() for i in range(count)}
    return found


def graph_holds_every_commit(root: Path) -> bool:
    """Whether the repository's commit graph holds every commit its refs reach."""
    reached = subprocess.run(["git", "rev-list", "--all"], cwd=root, capture_output=True, check=True, text=True).stdout.split()
    return set(reached) <= graph_commits(root)


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


# --- the drafting page in real Chromium (tests/browser.py has the helpers) ----------------------
# Module-scoped: one Chromium a test module. Only test files that import selenium ask for these.


@pytest.fixture(scope="module")
def browser(chromium: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The drafting page's Chromium (1600×1000, downloads kept in `browser.downloads`)."""
    from browser import chrome

    downloads = tmp_path_factory.mktemp("downloads")
    with chrome(chromium, window=(1600, 1000), downloads=downloads) as driver:
        driver.downloads = downloads
        yield driver


@pytest.fixture(scope="module")
def laptop(chromium: tuple[str, str]) -> Iterator[object]:
    """A Chromium whose page is an office laptop's 1366×768."""
    from browser import LAPTOP, chrome

    with chrome(chromium, viewport=LAPTOP) as driver:
        yield driver


@pytest.fixture
def served(tmp_path: Path) -> Iterator[object]:
    """`tbkl serve` over a fresh workspace whose signer is named."""
    from browser import serving

    from tbkl_gen.commands.scaffold import init_workspace

    root = tmp_path / "van-phong"
    init_workspace(root, signer=SIGNER)
    with serving(root) as server:
        yield server


# --- a workspace and a notice as an office fills them in ------------------------------------
# `tbkl init` leaves the signer's name blank and `tbkl new` writes samples ("…" gaps, stand-in
# conclusions); both are errors until a person writes the real thing. Tests that render what the
# scaffold wrote fill it in first, as a drafter would.

SIGNER = "Trần Thị Bình"
"""The real signer an office writes once in tbkl.yaml (`tbkl init --nguoi-ky`)."""

_FILLED_SAMPLES = {  # the samples as tbkl_gen.samples declares them → what a drafter writes over them
    NOTICE_BODY[0]: (
        "Ngày 12/3/2026, đồng chí Trần Văn Sơn, Phó Chủ tịch UBND tỉnh chủ trì cuộc họp về tiến độ giải ngân vốn đầu tư công."
        " Tham dự cuộc họp có đại diện các sở, ngành liên quan."
    ),
    f"Sau khi nghe {GAP} báo cáo": "Sau khi nghe Sở Tài chính báo cáo",
    f"đồng chí {GAP} kết luận": "đồng chí Phó Chủ tịch kết luận",
    FIRST_CONCLUSION: "Các sở, ngành khẩn trương hoàn thiện hồ sơ các dự án.",
    SECOND_CONCLUSION: "Sở Tài chính tổng hợp kết quả giải ngân hằng tháng.",
    f"Việc giao cho {GAP}": "Việc giao cho Sở Xây dựng: kiểm tra hiện trường.",
}


def filled(text: str) -> str:
    """Return text with real words over the samples of `tbkl new` (every "…" gap too)."""
    for sample, real in _FILLED_SAMPLES.items():
        text = text.replace(sample, real)
    return text.replace(GAP, "Sở Xây dựng")


def fill_in(path: Path) -> Path:
    """Write real text over the samples `tbkl new` left in the source at path."""
    path.write_text(filled(path.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def name_signer(workspace: Path, name: str = SIGNER) -> None:
    """Write the office's signer into the blank `ho_ten:` that `tbkl init` left in tbkl.yaml."""
    config = workspace / "tbkl.yaml"
    text = config.read_text(encoding="utf-8")
    assert "\n    ho_ten:  # " in text, text
    config.write_text(text.replace("\n    ho_ten:  # ", f'\n    ho_ten: "{name}"  # ', 1), encoding="utf-8")


def problems_but_samples(path: Path, cwd: Path) -> list[str]:
    """Return `tbkl check`'s errors in the source at path other than the samples a person has still to fill in."""
    import json

    result = render_cli(["check", "--format", "json", str(path)], cwd=cwd)
    found = json.loads(result.output)["van_de"]
    assert any(problem["code"] == "sample" for problem in found), "no sample left: check it whole instead"
    return [
        f"{problem['field']}: {problem['message']}" for problem in found if problem["code"] != "sample" and problem["severity"] == "loi"
    ]
