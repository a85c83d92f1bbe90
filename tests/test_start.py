"""What a cold start imports: the command's own machinery and nothing more.

A cold `tbkl check` (pre-commit hooks, editors) and `tbkl --help` are fast because they do not
import the Word machinery, jinja or the declaration of every kind; these tests run the real CLI
in a fresh interpreter and fail when an import at the top of a module brings them back (a
timing test would only be noise on a shared machine: this one counts modules).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTICE = ROOT / "notices" / "2021" / "tbkl-thong-tin-doi-ngoai.yaml"

# Run the CLI as `tbkl ARGS` would, then list every module it imported: those the interpreter held
# before (its site, and whatever a .pth file of the environment imports: CI's Python imports
# tempfile at start) are not the command's doing; and count the dataclasses' methods and the
# patterns the command was served from the user's cache or compiled (tbkl_gen.cache).
_PROBE = """
import json, sys
before = set(sys.modules)
from tbkl_gen.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit as exc:
    code = exc.code
else:
    code = 0
modules = sorted(set(sys.modules) - before)
from tbkl_gen.cache import counted
print(json.dumps({"code": code, "modules": modules, **counted()}))
"""

WORD_MACHINERY = ("jinja2", "docxtpl", "docx", "lxml", "pydantic", "markupsafe")


def _probe(tmp_path: Path, *args: str) -> dict[str, Any]:
    env = {**os.environ, "TBKL_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"}
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], cwd=tmp_path, env=env, capture_output=True, text=True, encoding="utf-8", check=False
    )
    assert completed.stdout, completed.stderr
    report: dict[str, Any] = json.loads(completed.stdout.splitlines()[-1])
    return report


def _modules_after(tmp_path: Path, *args: str, first: tuple[str, ...] | None = None) -> tuple[int, set[str]]:
    """Run the command twice, as a user does: the first run of a user (`first`, or the same command)
    fills the cache of compiled methods; what the second imports is what every later start imports."""
    _probe(tmp_path, *(first or args))
    report = _probe(tmp_path, *args)
    return report["code"], set(report["modules"])


def _top(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in names)


def test_check_imports_no_word_machinery(tmp_path: Path) -> None:
    code, modules = _modules_after(tmp_path, "check", str(NOTICE))
    assert code in (0, None)
    assert "tbkl_gen.pipeline" in modules  # the notice was checked through the pipeline
    assert _top(modules, (*WORD_MACHINERY, "secrets", "hmac", "tempfile", "socket")) == []
    # nor the render side of the tool: templates, the batch with its manifest, LibreOffice
    assert [m for m in modules if m.startswith(("tbkl_gen.word.render", "tbkl_gen.word.layout", "tbkl_gen.commands.batch"))] == []
    assert [m for m in modules if m.startswith(("tbkl_gen.office", "tbkl_gen.audit", "tbkl_gen.importer", "tbkl_gen.page"))] == []


def test_a_first_check_compiles_once_and_a_second_is_served_all(tmp_path: Path) -> None:
    """The dataclasses' methods and the patterns are compiled by a user's first start and kept in the
    user's cache (written through files.stage, which needs no tempfile); every later start is served them all."""
    first = _probe(tmp_path, "check", str(NOTICE))
    assert first["code"] in (0, None)
    methods, patterns = first["methods"][1], first["patterns"][1]
    assert first["methods"][0] == first["patterns"][0] == 0 and methods > 100 and patterns > 20
    assert _top(set(first["modules"]), (*WORD_MACHINERY, "tempfile", "secrets")) == []
    assert len(list((tmp_path / "cache" / "khoi-dong").iterdir())) == 2
    second = _probe(tmp_path, "check", str(NOTICE))
    assert (second["methods"], second["patterns"]) == ([methods, 0], [patterns, 0])
    render = _probe(tmp_path, "render", str(NOTICE), "-o", str(tmp_path / "out"), "-q")
    assert render["methods"][0] > 100 and render["methods"][1] > 0  # the classes a check has too; the layout's and the batch's, once
    again = _probe(tmp_path, "render", str(NOTICE), "-o", str(tmp_path / "out-2"), "-q")
    assert again["methods"][1] == again["patterns"][1] == 0
    last = _probe(tmp_path, "check", str(NOTICE))  # the render's were added, the check's kept
    assert last["methods"][1] == last["patterns"][1] == 0


_SCOPE = """
import json, sys
from tbkl_gen import lane
with lane.command_scope():
    pass
from tbkl_gen.cache import counted
print(json.dumps(counted()))
"""


def test_the_errors_classes_are_served_as_every_other(tmp_path: Path) -> None:
    """Every command's scope serves the cache before it imports the errors, whose dataclasses (Place,
    Fix, Problem) are the first of tbkl's a command makes: a user's first command compiles their
    methods and keeps them, every later one is served them (they were compiled at every start)."""
    env = {**os.environ, "TBKL_CACHE_DIR": str(tmp_path / "cache")}
    counts = []
    for _ in range(2):
        completed = subprocess.run([sys.executable, "-c", _SCOPE], cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
        counts.append(json.loads(completed.stdout)["methods"])
    (first_served, first_compiled), (served, compiled) = counts
    assert first_served == 0 and first_compiled >= 3 * 4  # at least __init__, __repr__, __eq__ and __hash__ of each
    assert (served, compiled) == (first_compiled, 0)


def test_check_of_a_broken_notice_imports_no_word_machinery(tmp_path: Path) -> None:
    """The path that explains mistakes (pydantic) is the one exception, and only for a broken notice."""
    broken = tmp_path / "broken.yaml"
    broken.write_text(NOTICE.read_text(encoding="utf-8").replace("trich_yeu:", "trich_yeuu:", 1), encoding="utf-8")
    code, modules = _modules_after(tmp_path, "check", str(broken))
    assert code == 1
    assert _top(modules, ("jinja2", "docxtpl", "docx", "lxml")) == []


def test_help_imports_no_command(tmp_path: Path) -> None:
    """`tbkl --help` lists every command from cli.py alone: no kind, grammar or YAML is imported."""
    code, modules = _modules_after(tmp_path, "--help")
    assert code in (0, None)
    assert sorted(m for m in modules if m.startswith("tbkl_gen")) == ["tbkl_gen", "tbkl_gen.cli", "tbkl_gen.lane", "tbkl_gen.messages_vi"]
    assert _top(modules, (*WORD_MACHINERY, "yaml")) == []


@pytest.mark.parametrize("command", ["render", "check", "new", "init", "templates", "import", "serve", "schema", "preview", "text", "diff"])
def test_help_lists_every_command_in_vietnamese(command: str) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "tbkl_gen", "--help"], capture_output=True, text=True, encoding="utf-8", check=True, cwd=ROOT
    )
    lines = [line.split(None, 1) for line in completed.stdout.splitlines() if line.startswith("  ")]
    helps = {parts[0]: parts[1] if len(parts) > 1 else "" for parts in lines}
    assert command in helps
    assert helps[command].strip()  # the command's short help, in Vietnamese (not empty, not English)
    assert any(ch in helps[command] for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"), helps[command]


def test_render_with_a_built_in_template_imports_no_jinja(tmp_path: Path) -> None:
    """The built-in templates ship their prepared form, verified by digest and filled without jinja
    (word.fill): a render through one imports neither jinja nor docxtpl nor python-docx; and its
    writer makes its fresh files without tempfile (with shutil, bz2, lzma and random: files.create_fresh)."""
    first = ("render", str(NOTICE), "-o", str(tmp_path / "first"), "-q")
    code, modules = _modules_after(tmp_path, "render", str(NOTICE), "-o", str(tmp_path / "out"), "-q", first=first)
    assert code in (0, None)
    assert (tmp_path / "out" / NOTICE.with_suffix(".docx").name).is_file()
    assert (
        _top(modules, ("jinja2", "markupsafe", "docxtpl", "docx", "lxml", "pydantic", "secrets", "tempfile", "shutil")) == []
    )  # the filler escapes as jinja's autoescape (markupsafe's escape) without it: word.fill._escaped
    assert "tbkl_gen.word.render" not in modules


def test_render_with_another_template_goes_through_jinja(tmp_path: Path) -> None:
    """A copy of a built-in template elsewhere is a user's template: the sandbox renders it."""
    template = tmp_path / "cua-toi.docx"
    template.write_bytes((ROOT / "templates" / "ubnd-tinh.docx").read_bytes())
    first = ("render", str(NOTICE), "-o", str(tmp_path / "first"), "-q", "--template", str(template))
    code, modules = _modules_after(
        tmp_path, "render", str(NOTICE), "-o", str(tmp_path / "out"), "-q", "--template", str(template), first=first
    )
    assert code in (0, None)
    assert {"jinja2", "tbkl_gen.word.render"} <= modules


def test_check_in_a_workspace_imports_no_word_machinery(tmp_path: Path) -> None:
    """`tbkl init` writes `mau: ubnd-tinh` into tbkl.yaml: checking a notice there verifies the
    built-in template by its digest (word.fill), without jinja, the Word machinery, or secrets."""
    init = subprocess.run(
        [sys.executable, "-m", "tbkl_gen", "init", str(tmp_path / "vp"), "--nguoi-ky", "Nguyễn Văn A"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    assert init.returncode == 0
    assert "mau:" in (tmp_path / "vp" / "tbkl.yaml").read_text(encoding="utf-8")
    notice = tmp_path / "vp" / "notices" / NOTICE.name
    notice.parent.mkdir(parents=True, exist_ok=True)
    notice.write_bytes(NOTICE.read_bytes())
    code, modules = _modules_after(tmp_path / "vp", "check", str(notice))
    assert code in (0, None, 1)
    assert "tbkl_gen.word.fill" in modules  # the workspace's template was looked at
    assert _top(modules, (*WORD_MACHINERY, "secrets", "hmac", "tempfile", "socket")) == []
    assert [m for m in modules if m.startswith(("tbkl_gen.word.render", "tbkl_gen.word.layout", "tbkl_gen.commands.batch"))] == []


def test_every_package_is_installed() -> None:
    """pip installs the packages pyproject.toml lists: a sub-package missing there is missing from an installed tbkl."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10, as tests/test_layers.py reads it
        tomllib = pytest.importorskip("tomli")

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "tbkl_gen").rglob("__init__.py")}
    assert found - listed == set()


def test_the_console_script_pauses_the_collector_only_while_importing(monkeypatch: pytest.MonkeyPatch) -> None:
    """`tbkl` starts through `__main__.main`: the cycle collector is off while click and the CLI are
    imported, and on again (the imported objects frozen) for the command itself."""
    import gc
    import types

    import tbkl_gen.__main__ as start

    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["tbkl"] == "tbkl_gen.__main__:main"
    seen: list[tuple[str, bool]] = []

    class Imported(types.ModuleType):
        def __getattr__(self, name: str) -> Any:
            if name != "main":
                raise AttributeError(name)
            seen.append(("import", gc.isenabled()))
            return lambda: seen.append(("run", gc.isenabled()))

    monkeypatch.setitem(sys.modules, "tbkl_gen.cli", Imported("tbkl_gen.cli"))
    monkeypatch.setattr(sys, "argv", ["tbkl", "--help"])  # a shape the lane leaves to click
    frozen = gc.get_freeze_count()
    try:
        start.main()
        assert seen == [("import", False), ("run", True)] and gc.isenabled()
        assert gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()
        gc.enable()
