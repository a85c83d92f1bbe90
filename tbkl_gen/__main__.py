"""`tbkl` and `python -m tbkl_gen`: the command line's start and its end.

Python's cycle collector runs every few hundred new objects, and an import makes thousands that
live as long as the process (modules, classes, functions): at a cold start it kept traversing
them, ~8 ms of a `tbkl check` (benchmarks/README.md, "Fifth pass, cold start"). So it is paused while click
and the command line are imported, those objects are then frozen (kept out of every later
collection: they are never garbage), and it runs again for the command itself.

A plain `tbkl render FILE… -o DIR` or `tbkl check FILE…` goes to its command without click
(`tbkl_gen.lane`); everything else goes through click, as before.

Once the command is done, the process leaves with `os._exit` instead of the interpreter's
teardown (which frees every module and object one by one, ~5 ms of a cold render), but only when
that teardown has nothing else to do (`_leave`): no thread but this one, nothing of
multiprocessing, concurrent.futures, subprocess or asyncio imported, the `atexit` handlers run
first as the interpreter runs them, the standard streams the interpreter's own and flushed
without error. Otherwise (and with `TBKL_TEARDOWN=1`) the interpreter leaves as it always did.
"""

import gc
import os
import sys

# Modules whose presence means that something may still run or wait at the interpreter's exit
# (workers, child processes, an event loop): the interpreter's own exit is kept then.
_WAITS_AT_EXIT = ("multiprocessing", "concurrent.futures", "subprocess", "asyncio")


def main() -> None:
    """Start `tbkl` (the console script's entry point)."""
    gc.disable()
    try:
        from tbkl_gen import lane

        plain = lane.recognise(sys.argv[1:])
        if plain is None:
            from tbkl_gen.cli import main as command_line
    finally:
        gc.freeze()
        gc.enable()
    try:
        if plain is None:
            command_line()
        else:
            lane.run(*plain)
    except SystemExit as exc:
        _leave(exc.code)
        raise


def _leave(code: object) -> None:
    """Leave the process now with code when the interpreter's teardown would only free memory; else return."""
    if code is None:
        code = 0
    if type(code) is not int or not 0 <= code <= 255 or sys.flags.inspect or os.environ.get("TBKL_TEARDOWN") == "1":
        return
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return
    if any(name in sys.modules for name in _WAITS_AT_EXIT):
        return
    if sys.stdout is not sys.__stdout__ or sys.stderr is not sys.__stderr__:
        return  # replaced (click's answer to a closed pipe): the interpreter's exit knows what to do with them
    import atexit

    atexit._run_exitfuncs()  # what the interpreter runs first at its exit (logging's shutdown, weakref finalizers), once
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except BaseException:  # a full disk, a closed pipe (or Ctrl-C just then): the interpreter's exit answers, as always
        return
    os._exit(code)


if __name__ == "__main__":
    main()
