"""Time and peak memory of the command line on every hostile Word file of tests/hostile_docx.py.

Each case is written into a temporary folder, then given to `tbkl check --docx FILE` and to
`tbkl render NOTICE --template FILE`, each run in a child process of its own; the table shows the
exit code, the wall time and the child's peak resident memory (ru_maxrss from os.wait4, POSIX
only) and the reason printed. Two baselines come first: the same commands on a real Word original
and on a built-in template, which pass the limits. A script that prints figures, not a test.

    python benchmarks/hostile.py [--repeats N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import hostile_docx as hostile  # noqa: E402
from factories import notice_yaml  # noqa: E402

REAL = ROOT.parent / "shared" / "real" / "lamdong-so-khcn.docx"
TEMPLATE = ROOT / "templates" / "ubnd-tinh.docx"


def measure(args: list[str], cwd: Path, repeats: int) -> tuple[int, float, float | None, str]:
    """Return the exit code, the median wall time, the largest peak memory and the first error line."""
    runs = [hostile.run_measured(args, cwd) for _ in range(repeats)]
    peaks = [run.peak_mib for run in runs if run.peak_mib is not None]
    message = next((line for line in runs[-1].stderr.splitlines() if line and not line.startswith("Đã tạo")), "")
    if "Traceback" in runs[-1].stderr:
        message = "TRACEBACK: " + runs[-1].stderr.strip().splitlines()[-1]
    return runs[-1].returncode, statistics.median(run.seconds for run in runs), max(peaks) if peaks else None, message


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per command; the median time is shown (default 3)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tbkl-hostile-") as temporary:
        folder = Path(temporary)
        corpus = folder / "corpus"
        corpus.mkdir()
        notice = folder / "a.yaml"
        notice.write_text(notice_yaml(), encoding="utf-8")
        files = [("(baseline) real original, 33 KB", REAL), ("(baseline) built-in template", TEMPLATE)]
        files = [(name, path) for name, path in files if path.exists()]
        files += [(case.name, case.write(corpus)) for case in hostile.CASES if case.available]
        print("| case | file | check --docx: exit, time, peak | render --template: exit, time, peak | message (check --docx) |")
        print("|---|---:|---|---|---|")
        for name, path in files:
            size = f"{path.stat().st_size / 1024:,.0f} KB" if path.is_file() else "—"
            check = measure(["check", "--docx", str(path)], folder, options.repeats)
            out = folder / "out"
            render = measure(["render", str(notice), "-o", str(out), "--template", str(path), "--force"], folder, options.repeats)
            message = check[3].replace(f"{path.as_posix()}: ", "", 1) if check[3] else "(rule report)"
            print(f"| {name} | {size} | {_cell(check)} | {_cell(render)} | {message} |")
    print()
    print(f"Python {sys.version.split()[0]} on {sys.platform}; {options.repeats} runs per command, median time, largest peak.")


def _cell(outcome: tuple[int, float, float | None, str]) -> str:
    code, seconds, peak, _ = outcome
    memory = f"{peak:.0f} MiB" if peak is not None else "n/a"
    return f"{code}, {seconds:.2f} s, {memory}"


if __name__ == "__main__":
    main()
