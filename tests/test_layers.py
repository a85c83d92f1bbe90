"""The layers of tbkl_gen hold: no import cycle, and each layer imports only the layers below it.

The layers are declared once, in pyproject.toml (`[tool.importlinter]`, checked by `lint-imports`);
this test reads them from there and checks them again with `ast`, imports inside functions
included, so that a hidden cycle (an import moved into a function to dodge it) fails too.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tbkl_gen"


@cache
def contracts() -> list[dict]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["tool"]["importlinter"]["contracts"]


def layers() -> list[set[str]]:
    """Return the layers, top first, each as the set of its top-level names (`source`, `word`)."""
    (contract,) = [c for c in contracts() if c["type"] == "layers"]
    return [{name.strip() for name in layer.split("|")} for layer in contract["layers"]]


@cache
def modules() -> dict[str, Path]:
    """Return every module of tbkl_gen by its dotted name."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imported(node: ast.Import | ast.ImportFrom, name: str) -> list[str]:
    """Return the names an import statement in module `name` brings in, absolute."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = name.split(".")
        if modules()[name].name != "__init__.py":
            package.pop()
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, base]) if base else ".".join(package)
    return [f"{base}.{alias.name}" for alias in node.names] + [base]


@cache
def imports() -> dict[str, set[str]]:
    """Return, for each module, every name it imports anywhere in it (functions included)."""
    found: dict[str, set[str]] = {}
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        found[name] = {
            imported for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom)) for imported in _imported(node, name)
        }
    return found


def _module_of(imported: str) -> str | None:
    """Return the module of tbkl_gen an imported name lives in (`a.b.Name` → `a.b`), or None."""
    while imported:
        if imported in modules():
            return imported
        imported = imported.rpartition(".")[0]
    return None


@cache
def graph() -> dict[str, set[str]]:
    """Return the import graph between the modules of tbkl_gen."""
    return {name: {m for m in map(_module_of, names) if m is not None and m != name} for name, names in imports().items()}


def _top(module: str) -> str | None:
    """Return the top-level name of a module (`tbkl_gen.source.read` → `source`); None for the package."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _layer(top: str) -> int:
    return next(index for index, layer in enumerate(layers()) if top in layer)


def test_the_module_graph_has_no_cycle() -> None:
    edges = graph()
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        stack.append(module)
        for imported in sorted(edges[module]):
            if state.get(imported) == "open":
                return [*stack[stack.index(imported) :], imported]
            if imported not in state:
                cycle = visit(imported)
                if cycle:
                    return cycle
        state[module] = "done"
        stack.pop()
        return None

    for module in sorted(edges):
        if module not in state:
            cycle = visit(module)
            assert cycle is None, "import cycle: " + " → ".join(cycle)


def test_every_module_belongs_to_a_layer() -> None:
    declared = set().union(*layers())
    tops = {_top(m) for m in modules()} - {None}
    assert tops <= declared, f"not in any layer of pyproject.toml: {sorted(tops - declared)}"


def test_each_layer_imports_only_the_layers_below_it() -> None:
    wrong = []
    for module, imported in graph().items():
        for target in imported:
            here, there = _top(module), _top(target)
            if there is None or here == there:  # the package's __version__; a package's own modules
                continue
            if here is None or _layer(there) <= _layer(here):
                wrong.append(f"{module} → {target}")
    assert wrong == []


def test_the_root_package_imports_nothing_of_its_own() -> None:
    assert graph()["tbkl_gen"] == set()


def _reachable(start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for imported in graph()[todo.pop()]:
            if imported not in seen:
                seen.add(imported)
                todo.append(imported)
    return seen


def test_validate_is_pure_and_never_pulls_in_yaml() -> None:
    reached = _reachable("tbkl_gen.validate")
    assert {m for m in reached if m.startswith("tbkl_gen.source.")} == {"tbkl_gen.source.places", "tbkl_gen.source.dates"}
    third_party = {name.split(".")[0] for module in reached for name in imports()[module]} - {"tbkl_gen"}
    assert not third_party & {"yaml", "pydantic", "jinja2", "docxtpl", "docx", "lxml"}


def test_word_and_audit_know_nothing_of_sources() -> None:
    for start in ("word", "audit"):
        reached = set().union(*(_reachable(m) for m in modules() if _top(m) == start))
        assert not {m for m in reached if _top(m) in ("source", "validate", "pipeline", "commands", "cli")}, start


def test_the_import_linter_contracts_are_kept() -> None:
    if shutil.which("lint-imports") is None:
        if os.environ.get("CI"):
            pytest.fail("import-linter is in the test extra: pip install '.[test]'")
        pytest.skip("import-linter is not installed (pip install '.[test]')")
    completed = subprocess.run(
        [shutil.which("lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=120
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-2000:]


# Exceptions that stay beside their code, and why: jinja's parser can only raise its own classes;
# Unsure only hands a notice over to pydantic, never reaching anyone.
_ERRORS_ELSEWHERE = {"tbkl_gen.word.render.TemplateRefused", "tbkl_gen.notice.fields.Unsure"}


def test_every_public_error_class_is_in_errors_py() -> None:
    elsewhere = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        if module == "tbkl_gen.errors":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef) or node.name.startswith("_"):
                continue
            bases = {ast.unparse(base).rsplit(".", 1)[-1] for base in node.bases}
            if any(base.endswith(("Error", "Exception", "Refused", "Failed", "Missing", "Invalid")) for base in bases):
                if f"{module}.{node.name}" not in _ERRORS_ELSEWHERE:
                    elsewhere.append(f"{module}.{node.name}")
    assert elsewhere == []
