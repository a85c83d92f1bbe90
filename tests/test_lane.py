"""The lane to `tbkl render` and `tbkl check` without click, and the process's end without teardown.

The lane (`tbkl_gen.lane`) recognises only plain shapes of the two commands; these tests hold what
it recognises to the click commands' own declarations (every argv it accepts is parsed by click
into the very same parameters), run the real CLI both ways on a matrix of argvs (the lane and the
quick end against click with the interpreter's teardown, `TBKL_LANE=0 TBKL_TEARDOWN=1`) and compare
every byte of stdout, stderr, the files written and the exit code, and check that every other shape
goes to click. `__main__._leave` leaves without the interpreter's teardown only when nothing is left
for it to do; its refusals are run in a child interpreter each.
"""

from __future__ import annotations

import gc
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest

from tbkl_gen import lane
from tbkl_gen.cli import main

ROOT = Path(__file__).resolve().parents[1]
NOTICE = ROOT / "notices" / "2021" / "tbkl-thong-tin-doi-ngoai.yaml"
OTHER = sorted(p for p in (ROOT / "notices").rglob("*.yaml") if p != NOTICE)[0]


# --- one truth: what the lane accepts, click parses alike ----------------------------------------


def _options(command: click.Command) -> dict[str, click.Option]:
    return {name: p for p in command.params if isinstance(p, click.Option) for name in (*p.opts, *p.secondary_opts)}


@pytest.mark.parametrize("name", sorted(lane.LANES))
def test_the_lane_knows_every_parameter_and_option_as_click_declares_it(name: str) -> None:
    command = main.commands[name]
    own = lane.LANES[name]
    assert {p.name for p in command.params} == {*own.defaults, "paths"}
    (argument,) = [p for p in command.params if isinstance(p, click.Argument)]
    assert argument.name == "paths" and argument.nargs == -1 and isinstance(argument.type, click.Path)
    options = _options(command)
    for spelling, (parameter, takes_value, accepted) in own.options.items():
        option = options[spelling]
        assert option.name == parameter, spelling
        assert option.is_flag is not takes_value and not option.multiple and option.nargs == 1, spelling
        assert not option.envvar and not option.prompt and option.callback is None, spelling
        if accepted is not None:
            assert isinstance(option.type, click.Choice) and set(accepted) <= set(option.type.choices), spelling
        elif takes_value:  # the lane makes a Path of the value: as click's Path(path_type=Path) with no checks
            assert isinstance(option.type, click.Path) and option.type.exists is False, spelling
            assert option.type.type is Path and not option.type.resolve_path, spelling  # click.Path keeps path_type as .type
    # every spelling of an option the lane knows (a short and a long one) is known to it
    for parameter in {p for p, _, _ in own.options.values()}:
        (option,) = [p for p in command.params if p.name == parameter]
        assert {s for s, (p, _, _) in own.options.items() if p == parameter} == set(option.opts) | set(option.secondary_opts)


def _accepted_argvs(name: str, files: list[str]) -> list[list[str]]:
    """Every combination of the lane's options, in each spelling and place, among the files."""
    own = lane.LANES[name]
    by_parameter: dict[str, list[list[str]]] = {}
    for spelling, (parameter, takes_value, accepted) in own.options.items():
        forms = by_parameter.setdefault(parameter, [])
        if not takes_value:
            forms.append([spelling])
            continue
        for value in accepted or ("out", "ra đây/ngoài"):
            forms.append([spelling, value])
            if spelling.startswith("--"):
                forms.append([f"{spelling}={value}"])
    argvs = []
    parameters = sorted(by_parameter)
    for count in range(len(parameters) + 1):
        for chosen in itertools.combinations(parameters, count):
            for words in itertools.product(*(by_parameter[p] for p in chosen)):
                flat = [w for form in words for w in form]
                half = [w for form in words[: len(words) // 2] for w in form]
                rest = [w for form in words[len(words) // 2 :] for w in form]
                argvs += [[*files, *flat], [*flat, *files], [*half, files[0], *rest, *files[1:]]]
    return argvs


@pytest.mark.parametrize("name", sorted(lane.LANES))
def test_every_argv_the_lane_accepts_click_parses_into_the_same_parameters(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TBKL_LANE", raising=False)
    for file in ("a.yaml", "b.yaml"):
        (tmp_path / file).write_text("x", encoding="utf-8")
    command = main.commands[name]
    argvs = _accepted_argvs(name, ["a.yaml", "b.yaml"]) + _accepted_argvs(name, ["a.yaml"])
    assert len(argvs) > 30
    for argv in argvs:
        recognised = lane.recognise([name, *argv])
        assert recognised is not None, argv
        with command.make_context(name, list(argv)) as context:
            assert recognised == (name, context.params), argv


CLICKS_OWN = [
    ["render", "khong-co.yaml", "-o", "out"],  # a missing file: click's message, exit 2
    ["render", "a.yaml", "-o"],
    ["render", "a.yaml", "-o", "--force"],  # click reads "--force" as the folder
    ["render", "a.yaml", "-o", ""],
    ["render", "a.yaml", "--output="],
    ["render", "--", "a.yaml", "-o", "out"],
    ["render", "a.yaml", "-o", "out", "--bogus"],
    ["render", "a.yaml", "-o", "out", "-o", "out2"],
    ["render", "a.yaml", "-o", "out", "-q", "--quiet"],
    ["render", "a.yaml", "-qo", "out"],
    ["render", "a.yaml", "-oout"],
    ["render", "a.yaml", "-o", "out", "-j", "1"],
    ["render", "a.yaml", "-o", "out", "--template", "ubnd-tinh"],
    ["render", "a.yaml", "-o", "out", "--force=1"],
    ["render", "a.yaml", "-o", "out", "--pdf"],
    ["render", "-", "-o", "out"],
    ["render", "", "-o", "out"],
    ["render", "-o", "out"],
    ["render"],
    ["render", "a.yaml", "-h"],
    ["render", "a.yaml", "--help"],
    ["check"],
    ["check", "a.yaml", "--format", "xml"],
    ["check", "a.yaml", "--format"],
    ["check", "a.yaml", "--format=", "text"],
    ["check", "a.yaml", "--docx", "a.yaml"],
    ["check", "a.yaml", "--fix"],
    ["check", "a.yaml", "--strict", "--strict"],
    ["check", "a.yaml", "-o", "out"],
    ["--version"],
    ["--help"],
    ["chek", "a.yaml"],
    ["Render", "a.yaml", "-o", "out"],
    [],
]


@pytest.mark.parametrize("argv", CLICKS_OWN, ids=lambda argv: " ".join(argv) or "(nothing)")
def test_every_other_shape_is_left_to_click(argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text("x", encoding="utf-8")
    assert lane.recognise(argv) is None


def test_shell_completion_and_the_switch_leave_everything_to_click(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text("x", encoding="utf-8")
    assert lane.recognise(["check", "a.yaml"]) is not None
    monkeypatch.setenv("_TBKL_COMPLETE", "bash_complete")
    assert lane.recognise(["check", "a.yaml"]) is None
    monkeypatch.delenv("_TBKL_COMPLETE")
    monkeypatch.setenv("TBKL_LANE", "0")
    assert lane.recognise(["check", "a.yaml"]) is None


def test_on_windows_a_word_click_would_expand_is_left_to_click(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """click expands ~, $VAR, %VAR% and glob patterns in Windows' argv (which no shell expanded): the lane does not."""
    monkeypatch.chdir(tmp_path)
    for name in ("a.yaml", "[a].yaml", "~a.yaml", "50%.yaml", "$a.yaml"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    monkeypatch.setattr(sys, "platform", "win32")
    assert lane.recognise(["check", "a.yaml"]) is not None
    for word in ("*.yaml", "[a].yaml", "~a.yaml", "50%.yaml", "$a.yaml"):
        assert lane.recognise(["check", word]) is None, word
        assert lane.recognise(["render", "a.yaml", "-o", word]) is None, word
    monkeypatch.setattr(sys, "platform", "linux")
    assert lane.recognise(["check", "[a].yaml"]) is not None


# --- the real CLI, both ways --------------------------------------------------------------------

# Run `tbkl ARGS` as the console script does (tbkl_gen.__main__), and say at the very end whether
# click was imported and what the start was served from the user's cache or compiled anew
# (tbkl_gen.cache.counted): from an atexit handler, which the quick end runs as the interpreter would.
_RUN = """
import atexit, json, os, sys
def said():
    counted = sys.modules["tbkl_gen.cache"].counted() if "tbkl_gen.cache" in sys.modules else None
    with open(os.environ["TBKL_TEST_REPORT"], "w", encoding="utf-8") as handle:
        handle.write(json.dumps({"click": "click" in sys.modules, "counted": counted}))
atexit.register(said)
sys.argv = ["tbkl", *sys.argv[1:]]
from tbkl_gen.__main__ import main
main()
"""

CLICK_AND_TEARDOWN = {"TBKL_LANE": "0", "TBKL_TEARDOWN": "1"}  # the second: see the quick end below


def _workspace(folder: Path) -> Path:
    """A folder with a valid notice, another, one with a warning, a broken one, and a folder of notices."""
    folder.mkdir()
    text = NOTICE.read_text(encoding="utf-8")
    (folder / "a.yaml").write_text(text, encoding="utf-8")
    (folder / "b.yaml").write_text(OTHER.read_text(encoding="utf-8"), encoding="utf-8")
    assert "\ndia_danh: Quảng Nam\n" in text
    (folder / "w.yaml").write_text(text.replace("\ndia_danh: Quảng Nam\n", "\ndia_danh: “Quảng Nam”\n"), encoding="utf-8")
    (folder / "broken.yaml").write_text(text.replace("trich_yeu:", "trich_yeuu:", 1), encoding="utf-8")
    shutil.copy(ROOT / "templates" / "ubnd-tinh.docx", folder / "mau.docx")  # a Word file among PATHS is audited
    (folder / "notices").mkdir()
    for name in ("a.yaml", "w.yaml"):
        shutil.copy(folder / name, folder / "notices" / name)
    return folder


def _run(folder: Path, argv: list[str], cache: Path, **env: str) -> dict[str, Any]:
    report = folder.parent / f"{folder.name}.report"
    environment = {k: v for k, v in os.environ.items() if k not in ("TBKL_LANE", "TBKL_TEARDOWN", "NO_COLOR")}
    environment.update(TBKL_CACHE_DIR=str(cache), TBKL_TEST_REPORT=str(report), PYTHONPATH=str(ROOT), **env)
    done = subprocess.run([sys.executable, "-c", _RUN, *argv], cwd=folder, env=environment, capture_output=True, check=False)
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix not in (".yaml",) and path.name != ".tbkl-lock":
            data = path.read_bytes()
            if path.name == ".tbkl-manifest.json":  # each copy of the sources has its own inode and time
                manifest = json.loads(data)
                for entry in manifest["entries"].values():
                    entry.pop("tep", None)
                data = json.dumps(manifest, sort_keys=True).encode()
            files[path.relative_to(folder).as_posix()] = data
    seconds = re.compile(rb"\(\d+,\d\d gi\xc3\xa2y\)")  # the render's own duration
    return {
        "code": done.returncode,
        "stdout": done.stdout,
        "stderr": seconds.sub(b"(N gi\xc3\xa2y)", done.stderr),
        "files": files,
        **(json.loads(report.read_text(encoding="utf-8")) if report.exists() else {"click": None, "counted": None}),
    }


LANES_OWN = [
    ["render", "a.yaml", "-o", "out"],
    ["render", "a.yaml", "-o", "out", "-q"],
    ["render", "--output=ra đây", "a.yaml", "b.yaml", "--force"],
    ["render", "notices", "--output", "out", "--strict", "--keep-going", "--prune"],
    ["render", "w.yaml", "-o", "out", "--strict"],
    ["render", "w.yaml", "-o", "out"],
    ["render", "broken.yaml", "a.yaml", "-o", "out"],
    ["render", "broken.yaml", "a.yaml", "-o", "out", "--keep-going", "--quiet"],
    ["render", "a.yaml"],
    ["check", "a.yaml"],
    ["check", "w.yaml", "b.yaml"],
    ["check", "w.yaml", "--strict"],
    ["check", "broken.yaml"],
    ["check", "broken.yaml", "--format", "json"],
    ["check", "--format=json", "notices"],
    ["check", "--format", "text", "broken.yaml", "a.yaml", "w.yaml"],
    ["check", "a.yaml", "mau.docx"],
    ["check", "mau.docx", "--format=json"],
]


# Problems are printed in colour unless NO_COLOR is set (and click strips the colours off a pipe):
# the argvs with problems to print run both with and without it.
_WITH_PROBLEMS = [a for a in LANES_OWN if {"w.yaml", "broken.yaml", "notices"} & set(a)]


@pytest.mark.parametrize(
    ("argv", "colour"),
    [(a, "NO_COLOR") for a in LANES_OWN] + [(a, "colours") for a in _WITH_PROBLEMS],
    ids=lambda v: " ".join(v) if isinstance(v, list) else v,
)
def test_the_lane_prints_writes_and_exits_as_click_does(argv: list[str], colour: str, tmp_path: Path) -> None:
    env = {"NO_COLOR": "1"} if colour == "NO_COLOR" else {}
    cache = tmp_path / "cache"
    by_lane = _run(_workspace(tmp_path / "lane"), argv, cache, **env)
    by_click = _run(_workspace(tmp_path / "click"), argv, cache, **env, **CLICK_AND_TEARDOWN)
    assert (by_lane["click"], by_click["click"]) == (False, True)  # each went its own way
    assert by_lane["code"] == by_click["code"], by_lane["stderr"].decode()
    assert by_lane["stdout"] == by_click["stdout"]
    assert by_lane["stderr"] == by_click["stderr"]
    assert by_lane["files"] == by_click["files"]
    assert b"\x1b" not in by_lane["stdout"] + by_lane["stderr"]  # no terminal: click strips the colours, the lane never adds them


@pytest.mark.parametrize(
    "argv", [a for a in CLICKS_OWN if a and a[0] in ("render", "check") and "--pdf" not in a], ids=lambda argv: " ".join(argv)
)
def test_every_other_shape_still_gets_clicks_answer(argv: list[str], tmp_path: Path) -> None:
    """The same shapes as above, run for real (but LibreOffice's): click answers (its Vietnamese usage errors, exit 2), whichever way."""
    cache = tmp_path / "cache"
    default = _run(_workspace(tmp_path / "lane"), argv, cache, NO_COLOR="1")
    by_click = _run(_workspace(tmp_path / "click"), argv, cache, NO_COLOR="1", **CLICK_AND_TEARDOWN)
    assert default["click"] is True
    for key in ("code", "stdout", "stderr", "files"):
        assert default[key] == by_click[key], key


def test_a_usage_error_is_still_clicks_in_vietnamese(tmp_path: Path) -> None:
    done = _run(_workspace(tmp_path / "w"), ["render", "khong-co.yaml", "-o", "out"], tmp_path / "cache", NO_COLOR="1")
    assert done["code"] == 2
    assert "Lỗi: Giá trị không hợp lệ cho PATHS: không tìm thấy “khong-co.yaml”" in done["stderr"].decode()


def test_the_lane_imports_neither_click_nor_the_stdlib_click_pulls_in(tmp_path: Path) -> None:
    folder = _workspace(tmp_path / "w")
    # the modules the command imported (not those the interpreter held before it: its site, and what a .pth
    # file of the environment imports, as an editable install's finder imports pathlib), stand-ins left out
    probe = "import sys, atexit\nbefore = set(sys.modules)\nsys.argv = ['tbkl', *sys.argv[1:]]\n"
    probe += "atexit.register(lambda: print(' '.join(n for n, m in sys.modules.items() if n not in before and type(m).__name__ != '_Deferred')))\n"
    # and who calls the built-in compile (importlib aside, which compiles a module that has no .pyc): a process's
    # first call makes the ~120 classes of the ast module (~2 ms of a cold start; typing.ForwardRef calls it)
    probe += "import builtins\ncompiling, callers = builtins.compile, []\n"
    probe += "def compile(*args, **kwargs):\n    caller = sys._getframe(1).f_globals.get('__name__', '?')\n"
    probe += "    callers.append(caller) if 'importlib' not in caller else None\n    return compiling(*args, **kwargs)\n"
    probe += "builtins.compile = compile\natexit.register(lambda: print(' '.join(callers) or '-'))\n"
    probe += "from tbkl_gen.__main__ import main\nmain()\n"
    env = {**os.environ, "TBKL_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    for argv in (["check", "a.yaml"], ["render", "a.yaml", "-o", "out"]):
        subprocess.run([sys.executable, "-c", probe, *argv], cwd=folder, env=env, capture_output=True, check=True)  # fills the cache
        argv = [w if w != "out" else "out-2" for w in argv]  # a new output folder: the notice is rendered again
        done = subprocess.run([sys.executable, "-c", probe, *argv], cwd=folder, env=env, capture_output=True, text=True, check=True)
        compiled, imported = done.stdout.splitlines()[-2:]  # atexit runs the last registered first
        assert compiled == "-", argv  # nothing: the dataclasses' methods and the patterns served, no string annotation made a ForwardRef
        modules = set(imported.split())
        assert "tbkl_gen.pipeline" in modules, argv
        assert not {m for m in modules if m.split(".")[0] in ("click", "difflib", "gettext", "uuid", "platform")}, argv
        # nor what only a workspace's register (csv) or a pool (threading) needs, outside a workspace
        assert not {m for m in modules if m.split(".")[0] in ("csv", "threading", "concurrent", "multiprocessing", "subprocess")}, argv
        assert "hashlib" not in modules and "_hashlib" not in modules, argv  # files.sha256_hex: no OpenSSL for one notice
        assert "signal" not in modules and "markupsafe" not in modules, argv  # the batch's handlers through _signal; word.fill escapes
        assert not {"inspect", "ast", "dis", "tokenize", "ipaddress", "urllib.parse"} & modules, (
            argv
        )  # stood in for, never asked (lane.DEFERRED)
        assert "tbkl_gen.cli" not in modules and "tbkl_gen.messages_vi" not in modules, argv


def test_a_first_command_by_the_lane_fills_the_cache_even_when_it_fails(tmp_path: Path) -> None:
    """The lane writes what a first start compiled (lane.keep_compiled, as click's call_on_close) before its quick end:
    the next start compiles no method anew, and no more patterns than a start through click, after a failed check too.
    (The lane compiles some of its patterns later than click, whose import compiles the stdlib's before the cache serves.)"""
    folder = _workspace(tmp_path / "w")
    for argv in (["check", "broken.yaml"], ["check", "a.yaml"], ["render", "a.yaml", "-o", "out"]):
        steady = {}
        for way, env in (("lane", {}), ("click", CLICK_AND_TEARDOWN)):
            cache = tmp_path / f"cache-{argv[0]}-{argv[1]}-{way}"
            first = _run(folder, [w if w != "out" else f"first-{way}" for w in argv], cache, NO_COLOR="1", **env)
            assert first["click"] is (way == "click") and first["code"] == (1 if "broken.yaml" in argv else 0), first
            assert first["counted"]["methods"][0] == 0 and first["counted"]["methods"][1] > 100  # compiled, then kept
            assert len(list((cache / "khoi-dong").iterdir())) == 2
            again = _run(folder, [w if w != "out" else f"out-{way}" for w in argv], cache, NO_COLOR="1", **env)
            steady[way] = again["counted"]
        assert steady["lane"]["methods"][1] == 0, steady  # every method served
        assert steady["lane"]["patterns"][1] == steady["click"]["patterns"][1], steady


def test_a_closed_pipe_ends_as_with_click(tmp_path: Path) -> None:
    """stdout a pipe nobody reads (`tbkl check … | true` once true has left): click's answer, exit 1, whichever way."""
    results = []
    for name, env in (("lane", {}), ("click", CLICK_AND_TEARDOWN)):
        folder = _workspace(tmp_path / name)
        read, write = os.pipe()
        os.close(read)
        environment = {k: v for k, v in os.environ.items() if k not in ("TBKL_LANE", "TBKL_TEARDOWN")}
        environment.update(TBKL_CACHE_DIR=str(tmp_path / "cache"), NO_COLOR="1", PYTHONPATH=str(ROOT), **env)
        try:
            done = subprocess.run(
                [sys.executable, "-m", "tbkl_gen", "check", "w.yaml"],
                cwd=folder,
                env=environment,
                stdout=write,
                stderr=subprocess.PIPE,
                check=False,
            )
        finally:
            os.close(write)
        results.append((done.returncode, done.stderr))
    assert results[0] == results[1]
    assert results[0][0] == 1


@pytest.mark.parametrize("command", ["check", "render"])
@pytest.mark.parametrize("stop", [KeyboardInterrupt, EOFError])
def test_ctrl_c_is_answered_as_click_answers_it(
    command: str, stop: type[BaseException], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C outside the render's own handling (or an end of input) is click's: a blank line, “Đã dừng.”, exit 1;
    what the command compiled is still kept."""
    folder = _workspace(tmp_path / "w")
    monkeypatch.chdir(folder)
    kept: list[str] = []
    monkeypatch.setattr(lane, "keep_compiled", lambda: kept.append("kept"))

    def interrupted(*_: Any, **__: Any) -> None:
        raise stop

    monkeypatch.setattr(lane, "_resolve_paths" if command == "render" else "check", interrupted)  # the render's first step
    argv = [command, "a.yaml", "-o", "out"] if command == "render" else [command, "a.yaml"]
    recognised = lane.recognise(argv)
    assert recognised is not None
    outcomes = []
    thresholds = gc.get_threshold()  # lane.run sets the collector's for its process: this one's is put back
    try:
        for run in (lambda: lane.run(*recognised), lambda: main.main(argv, prog_name="tbkl")):
            with pytest.raises(SystemExit) as leaving:
                run()
            outcomes.append((leaving.value.code, capfd.readouterr()))
    finally:
        gc.set_threshold(*thresholds)
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == 1 and outcomes[0][1].err == "\nĐã dừng.\n" and outcomes[0][1].out == ""
    assert kept == ["kept", "kept"]


# --- the quick end ------------------------------------------------------------------------------

_LEAVE = """
import atexit, os, sys, threading
from tbkl_gen import __main__ as start
atexit.register(lambda: print("atexit", flush=True))
case = sys.argv[1]
if case == "thread":
    go = threading.Event()
    worker = threading.Thread(target=go.wait)
    worker.start()
elif case == "pool":
    import multiprocessing  # noqa: F401
elif case == "replaced":
    sys.stdout = open(os.devnull, "w")
elif case == "flush":
    class Failing:
        def write(self, text): return len(text)
        def flush(self): raise OSError(28, "No space left on device")
    sys.stdout = sys.__stdout__ = Failing()
elif case == "string":
    start._leave("a message")
    print("not left", file=sys.stderr, flush=True)
    raise SystemExit(0)
print("leaving", end="", flush=False)
start._leave(3)
print(" not left", file=sys.stderr, flush=True)
if case == "thread":
    go.set()
"""


@pytest.mark.parametrize(
    ("case", "left"),
    [("quick", True), ("thread", False), ("pool", False), ("replaced", False), ("flush", False), ("string", False), ("teardown", False)],
)
def test_the_quick_end_only_when_the_teardown_has_nothing_to_do(case: str, left: bool) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TBKL_TEARDOWN"}
    env["PYTHONPATH"] = str(ROOT)
    if case == "teardown":
        env["TBKL_TEARDOWN"] = "1"
    done = subprocess.run([sys.executable, "-c", _LEAVE, case], env=env, capture_output=True, text=True, check=False)
    if left:
        assert (done.returncode, done.stdout, done.stderr) == (3, "leavingatexit\n", "")  # printed, flushed, atexit run once
    else:
        assert "not left" in done.stderr and done.stdout.count("atexit") <= 1, done
        assert done.returncode in (0, 120), done  # 120: the interpreter could not flush the failing stream, as always


# --- SHA-256 without OpenSSL for a short command -------------------------------------------------


def test_the_builtin_sha256_gives_hashlibs_digest_and_hands_over_after_a_megabyte(monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    from tbkl_gen import files

    assert files._builtin_sha256() is not None  # _sha2 (3.12+) or _sha256 (3.10, 3.11): CPython has one
    used: list[int] = []
    builtin = files._builtin_sha256()
    monkeypatch.setattr(files, "_builtin_sha256", lambda: lambda data: used.append(len(data)) or builtin(data))
    monkeypatch.setattr(files, "_hashed", 0)
    monkeypatch.delitem(sys.modules, "hashlib")  # as in a fresh `tbkl render`, which never imports it
    try:
        for size in (0, 1, 63, 64, 65, 5000, files.BUILTIN_HASHING_BYTES - 5193, 1, 10):  # up to the megabyte exactly, then over
            data = bytes(range(256)) * (size // 256) + bytes(size % 256)
            assert files.sha256_hex(data) == hashlib.sha256(data).hexdigest(), size
            sys.modules.pop("hashlib", None)
    finally:
        sys.modules["hashlib"] = hashlib
    assert used == [0, 1, 63, 64, 65, 5000, files.BUILTIN_HASHING_BYTES - 5193]  # then past the megabyte: hashlib's
    monkeypatch.setattr(files, "_hashed", 0)
    assert files.sha256_hex(b"abc") == hashlib.sha256(b"abc").hexdigest() and len(used) == 7  # hashlib imported: its own
    monkeypatch.setattr(files, "_builtin_sha256", lambda: None)  # a Python without either module
    monkeypatch.delitem(sys.modules, "hashlib")
    try:
        assert files.sha256_hex(b"abc") == hashlib.sha256(b"abc").hexdigest()
    finally:
        sys.modules["hashlib"] = hashlib


_DEFERRED = """
import sys
deferred = sys.argv[1] == "deferred"
if deferred:
    from tbkl_gen import lane
    lane.defer_unused()
    stand_in = sys.modules["inspect"]
import dataclasses
assert not deferred or (dataclasses.inspect is stand_in and "ast" not in sys.modules)

@dataclasses.dataclass(frozen=True)
class Plain:
    a: int
    b: str = "x"

import inspect
from inspect import signature
if deferred:
    assert sys.modules["inspect"] is inspect and inspect is not stand_in and "ast" in sys.modules
    assert stand_in.signature is inspect.signature is signature  # the stand-in lends the module's namespace
print(repr(Plain.__doc__), str(signature(Plain)), inspect.isclass(Plain))
"""


def test_a_deferred_module_is_imported_at_the_first_question_and_answers_it() -> None:
    """A dataclass without a docstring asks inspect for its signature: the stand-in imports inspect then,
    and the class gets the very docstring it gets without the stand-in."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    outputs = [
        subprocess.run([sys.executable, "-c", _DEFERRED, way], env=env, capture_output=True, text=True, check=True).stdout
        for way in ("deferred", "plain")
    ]
    assert outputs[0] == outputs[1]
    assert "(a: int, b: str = 'x')" in outputs[0] and outputs[0].endswith("True\n")


_DEFERRED_FUNCTION = """
import sys
deferred = sys.argv[1] == "deferred"
if deferred:
    from tbkl_gen import lane
    lane.defer_unused()
    stand_in = sys.modules["urllib.parse"]
from pathlib import Path, PureWindowsPath
assert not deferred or (sys.modules["urllib.parse"] is stand_in and type(sys.modules["ipaddress"]) is type(stand_in))
import urllib.parse
assert not deferred or urllib.parse is stand_in  # the package's attribute, as an import sets it
print(Path("/tmp/a b/ă.docx").as_uri(), PureWindowsPath("c:/a b").as_uri())
if deferred:  # the first call of the function lent to pathlib imported the module, which took the stand-in's place
    import urllib
    assert sys.modules["urllib.parse"] is urllib.parse is not stand_in and type(urllib.parse) is type(sys)
from urllib.parse import quote_from_bytes, urlsplit
print(urlsplit("http://[::1]:80/x?y#z"), quote_from_bytes(b"a b"), urllib.parse.quote("ă"), stand_in.quote is urllib.parse.quote if deferred else True)
"""


def test_pathlib_imports_urllib_parse_at_the_first_path_made_a_uri() -> None:
    """pathlib imports one function of urllib.parse at its import (for `as_uri`): the stand-in lends it a function
    that imports the module at its first call, and every answer is the module's own. (-S: no site, whose
    editable install's finder would import pathlib first.)"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    outputs = [
        subprocess.run([sys.executable, "-S", "-c", _DEFERRED_FUNCTION, way], env=env, capture_output=True, text=True, check=True).stdout
        for way in ("deferred", "plain")
    ]
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith("file:///tmp/a%20b/%C4%83.docx file:///c:/a%20b\n") and outputs[0].endswith("%C4%83 True\n")
