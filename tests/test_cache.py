"""What a start compiles, served from the user's cache (tbkl_gen.cache): the same thing, or nothing.

A class made while the cache serves must be the class `dataclasses` makes without it, down to
its methods' code, and a pattern the pattern `re` makes (equal: flags, program, text; and the
same matches); a cache file that is missing, broken, another user's, writable by others or a
link is not read, and an interpreter outside the versions it knows gets nothing installed. The
real CLI's use (first start compiles, later ones are served) is in tests/test_start.py.
"""

from __future__ import annotations

import dataclasses
import marshal
import os
import re
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tbkl_gen import cache

SOURCE = """
import dataclasses


@dataclasses.dataclass(frozen=True, kw_only=True)
class Frozen:
    a: int
    b: tuple[str, ...] = ()
    c: list[int] = dataclasses.field(default_factory=list, compare=False)


@dataclasses.dataclass(order=True)
class Plain:
    x: int = 0
    y: str = "y"
"""

# Patterns of every shape a start compiles: groups named and not, flags, bytes, a large class of
# characters (PyYAML's, the slowest of a start), a look-behind.
PATTERNS: list[tuple[str | bytes, int]] = [
    (r"(?P<word>[a-z]+)-(\d+)", 0),
    (r"^ĐIỀU\s+(?P<so>\d+)\.?$", re.IGNORECASE | re.MULTILINE),
    (rb"^<\?xml[^>]*?\sencoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']", 0),
    ("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", 0),
    (r"(?<![\w/])x{2,}(?:/x{2,})*", re.ASCII),
]
TEXTS: list[str | bytes] = ["a-1", "đIỀU 12.", "Điều 7\nđiều 8", b'<?xml version="1.0" encoding="UTF-8"?>', "\x07", "số xx/xx", "abc"]

METHODS = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__", "__lt__", "__le__", "__gt__", "__ge__")


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("TBKL_CACHE_DIR", str(tmp_path / "cache"))
    cache.stop_serving()
    yield tmp_path / "cache"
    cache.stop_serving()


def _classes(module_name: str = "tbkl_gen._cache_probe") -> types.ModuleType:
    """Make the classes of SOURCE in a new module of that name, as an import would."""
    module = types.ModuleType(module_name)
    sys.modules[module_name] = module
    try:
        exec(compile(SOURCE, f"<{module_name}>", "exec"), vars(module))
    finally:
        del sys.modules[module_name]
    return module


def _codes(module: types.ModuleType) -> dict[str, Any]:
    return {
        f"{cls}.{name}": getattr(getattr(module, cls), name).__code__
        for cls in ("Frozen", "Plain")
        for name in METHODS
        if isinstance(vars(getattr(module, cls)).get(name), types.FunctionType)
    }


def _new_process() -> None:
    """Forget what this process compiled and read, as a new start does; then serve again."""
    cache.stop_serving()
    re.purge()
    cache.serve()


def _save() -> None:
    pending = cache.to_save()
    assert pending
    for path, data in pending:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _methods() -> tuple[int, int]:
    return cache.counted()["methods"]


def _behaves(module: types.ModuleType) -> None:
    frozen = module.Frozen(a=1, b=("x",))
    assert frozen == module.Frozen(a=1, b=("x",), c=[5]) and hash(frozen) == hash(module.Frozen(a=1, b=("x",)))
    assert repr(frozen) == "Frozen(a=1, b=('x',), c=[])"
    with pytest.raises(dataclasses.FrozenInstanceError):
        frozen.a = 2  # type: ignore[misc]
    assert dataclasses.replace(frozen, a=3).a == 3 and [f.name for f in dataclasses.fields(frozen)] == ["a", "b", "c"]
    with pytest.raises(TypeError):
        module.Frozen(1)
    assert module.Plain(1) < module.Plain(2) and module.Plain().y == "y"


@pytest.mark.skipif(not cache.serving(), reason="an interpreter the cache does not serve (the fall-back is tested below)")
def test_a_served_class_is_the_class_dataclasses_makes(own_cache: Path) -> None:
    normal = _classes()  # before serving: dataclasses' own methods
    cache.serve()
    first = _classes()
    assert _methods() == (0, len(_codes(normal)))
    _save()
    _new_process()
    served = _classes()
    assert _methods() == (len(_codes(normal)), 0)
    assert cache.to_save() == []  # nothing new: the file is not written again
    for module in (first, served):
        assert _codes(module) == _codes(normal)  # code objects compare by their bytecode, constants and names
        _behaves(module)
    _behaves(normal)


@pytest.mark.skipif(not cache.serving(), reason="an interpreter the cache does not serve")
def test_dataclasses_compiles_every_method_through_exec_with_a_text() -> None:
    """What the cache relies on in `dataclasses`, on the Python running the tests: each generated
    method goes through the name `exec` of its module, given the text, the class module's globals
    and a namespace."""
    calls: list[tuple[type, type, type]] = []

    def recording(source: Any, globals: Any = None, locals: Any = None, /) -> None:  # noqa: A002
        calls.append((type(source), type(globals), type(locals)))
        exec(source, globals, locals)

    vars(dataclasses)["exec"] = recording
    try:
        _classes()
    finally:
        del vars(dataclasses)["exec"]
    assert calls and set(calls) == {(str, dict, dict)}


def test_the_classes_of_other_modules_are_left_to_dataclasses(own_cache: Path) -> None:
    cache.serve()
    module = _classes("elsewhere._cache_probe")
    assert _methods() == (0, 0) and cache.to_save() == []
    _behaves(module)


def test_an_interpreter_it_does_not_know_gets_nothing_installed(own_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "SERVED_VERSIONS", ((3, 0), (3, 9)))
    cache.serve()
    assert "exec" not in vars(dataclasses)
    assert cache._compiler().compile is not cache._patterns.compile
    module = _classes()
    re.purge()
    assert re.compile(PATTERNS[0][0]).match("a-1")
    assert cache.counted() == {"methods": (0, 0), "patterns": (0, 0)} and cache.to_save() == []
    _behaves(module)


def _cache_file(own_cache: Path) -> Path:
    cache.serve()
    _classes()
    _save()
    paths = cache.files()
    assert paths is not None and paths[0].is_file()
    return paths[0]


@pytest.mark.skipif(not cache.serving(), reason="an interpreter the cache does not serve")
@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda path: path.write_bytes(path.read_bytes()[:-100]), id="cut short"),
        pytest.param(lambda path: path.write_bytes(b"\x00garbage"), id="not marshal"),
        pytest.param(lambda path: path.write_bytes(marshal.dumps(["a list"])), id="not a table"),
        pytest.param(lambda path: path.write_bytes(marshal.dumps({"text": "no code"})), id="not code"),
        pytest.param(
            lambda path: path.write_bytes(marshal.dumps(dict.fromkeys(marshal.loads(path.read_bytes()), b"\x00"))), id="code broken"
        ),
        pytest.param(lambda path: path.unlink(), id="missing"),
    ],
)
def test_a_file_that_does_not_read_back_is_compiled_again(own_cache: Path, spoil: Any) -> None:
    spoil(_cache_file(own_cache))
    _new_process()
    module = _classes()
    assert _methods() == (0, len(_codes(module)))
    _behaves(module)


@pytest.mark.skipif(sys.platform == "win32" or not cache.serving(), reason="owners and modes: POSIX")
def test_a_file_others_may_write_is_not_read(own_cache: Path) -> None:
    path = _cache_file(own_cache)
    path.chmod(0o666)
    _new_process()
    module = _classes()
    assert _methods() == (0, len(_codes(module)))


@pytest.mark.skipif(sys.platform == "win32" or not cache.serving(), reason="owners and modes: POSIX")
def test_a_folder_others_may_write_is_not_used(own_cache: Path) -> None:
    path = _cache_file(own_cache)
    path.parent.chmod(0o777)
    try:
        _new_process()
        assert cache.files() is None
        _classes()
        assert cache.to_save() == []  # nor written
        assert _methods()[0] == 0
    finally:
        path.parent.chmod(0o755)


@pytest.mark.skipif(sys.platform == "win32" or not cache.serving(), reason="links: POSIX")
def test_a_link_at_the_file_is_not_followed(own_cache: Path, tmp_path: Path) -> None:
    path = _cache_file(own_cache)
    elsewhere = tmp_path / "elsewhere.marshal"
    path.rename(elsewhere)
    path.symlink_to(elsewhere)
    _new_process()
    _classes()
    assert _methods()[0] == 0


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() != 0 or not cache.serving(), reason="giving a file away needs root")
def test_a_file_of_another_user_is_not_read(own_cache: Path) -> None:
    path = _cache_file(own_cache)
    os.chown(path, 12345, 12345)
    _new_process()
    _classes()
    assert _methods()[0] == 0


def _matches(pattern: re.Pattern[Any]) -> list[Any]:
    found = []
    for text in TEXTS:
        if type(text) is type(pattern.pattern):
            match = pattern.search(text)  # type: ignore[arg-type]
            found.append(None if match is None else (match.span(), match.groups(), match.groupdict()))
    return [pattern.flags, pattern.groups, dict(pattern.groupindex), found]


@pytest.mark.skipif(not cache.serving(), reason="an interpreter the cache does not serve")
def test_a_served_pattern_is_the_pattern_re_makes(own_cache: Path) -> None:
    re.purge()
    normal = [re.compile(text, flags) for text, flags in PATTERNS]
    cache.serve()
    re.purge()
    first = [re.compile(text, flags) for text, flags in PATTERNS]
    assert cache.counted()["patterns"] == (0, len(PATTERNS))
    _save()
    _new_process()
    served = [re.compile(text, flags) for text, flags in PATTERNS]
    assert cache.counted()["patterns"] == (len(PATTERNS), 0)
    assert cache.to_save() == []
    for made in (first, served):
        assert made == normal  # same flags, program and text
        assert [_matches(pattern) for pattern in made] == [_matches(pattern) for pattern in normal]


@pytest.mark.skipif(not cache.serving(), reason="an interpreter the cache does not serve")
def test_re_compiles_through_its_compiler_with_a_text_and_flags() -> None:
    """What the cache relies on in `re`, on the Python running the tests: a pattern not in re's own
    cache is compiled by `compile(text, flags)` of its compiler module, which makes its program with
    the module's `_code`; the engine makes an equal pattern from that program (`_arguments`)."""
    compiler = cache._compiler()
    calls: list[str] = []
    programs: list[Any] = []
    original, original_code = compiler.compile, compiler._code

    def compiling(pattern: Any, flags: int = 0) -> Any:
        calls.append(f"compile {type(pattern).__name__} {type(flags).__name__}")
        return original(pattern, flags)

    def coding(parsed: Any, flags: int) -> Any:
        calls.append("_code")
        programs.append(original_code(parsed, flags))
        return programs[-1]

    compiler.compile, compiler._code = compiling, coding
    try:
        re.purge()
        made = re.compile("(?P<a>x)y+", re.IGNORECASE)
    finally:
        compiler.compile, compiler._code = original, original_code
    assert calls == ["compile str int", "_code"]
    assert cache._arguments(made, programs[0]) is not None
    assert cache._arguments(made, [*programs[0][:-1], 0]) is None  # another program: not kept


def test_patterns_whose_program_depends_on_the_locale_are_left_to_re(own_cache: Path) -> None:
    cache.serve()
    re.purge()
    assert re.compile(rb"\w+", re.LOCALE).match(b"abc")
    assert cache.counted()["patterns"] == (0, 0) and cache.to_save() == []


@pytest.mark.skipif(not cache.serving(), reason="an interpreter the cache does not serve")
def test_a_program_the_engine_refuses_is_compiled_again(own_cache: Path) -> None:
    cache.serve()
    re.purge()
    for text, flags in PATTERNS:
        re.compile(text, flags)
    _save()
    paths = cache.files()
    assert paths is not None
    kept = marshal.loads(paths[1].read_bytes())
    spoiled = {key: (arguments[0], [9999] * len(arguments[1]), *arguments[2:]) for key, arguments in kept.items()}
    paths[1].write_bytes(marshal.dumps(spoiled))
    _new_process()
    made = [re.compile(text, flags) for text, flags in PATTERNS]
    assert cache.counted()["patterns"] == (0, len(PATTERNS))
    re.purge()
    cache.stop_serving()
    assert made == [re.compile(text, flags) for text, flags in PATTERNS]
