"""`tbkl` and `python -m tbkl_gen`: the command line's start.

Python's cycle collector runs every few hundred new objects, and an import makes thousands that
live as long as the process (modules, classes, functions): at a cold start it kept traversing
them, ~8 ms of a `tbkl check` (benchmarks/README.md, "Fifth pass, cold start"). So it is paused while click
and the command line are imported, those objects are then frozen (kept out of every later
collection: they are never garbage), and it runs again for the command itself.

A plain `tbkl render FILE… -o DIR` or `tbkl check FILE…` goes to its command without click
(`tbkl_gen.lane`); everything else goes through click, as before.
"""

import gc
import sys


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
    if plain is None:
        command_line()
    else:
        lane.run(*plain)


if __name__ == "__main__":
    main()
