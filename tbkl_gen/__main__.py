"""`tbkl` and `python -m tbkl_gen`: the command line's start.

Python's cycle collector runs every few hundred new objects, and an import makes thousands that
live as long as the process (modules, classes, functions): at a cold start it kept traversing
them, ~8 ms of a `tbkl check` (benchmarks/README.md, "Fifth pass, cold start"). So it is paused while click
and the command line are imported, those objects are then frozen (kept out of every later
collection: they are never garbage), and it runs again for the command itself.
"""

import gc


def main() -> None:
    """Start `tbkl` (the console script's entry point)."""
    gc.disable()
    try:
        from tbkl_gen.cli import main as command_line
    finally:
        gc.freeze()
        gc.enable()
    command_line()


if __name__ == "__main__":
    main()
