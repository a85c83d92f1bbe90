"""Measure `tbkl import` on a folder of Word notices (the speed target of the import issue).

Generates `--count` notices with `bench_batch.generate` (same shapes and seed), renders them with
`tbkl render`, then times `tbkl import DIR -o OUT` in a subprocess, cold (a fresh output folder
each run), median of `--repeats`. Prints the figures; it is a script, not a test.

    python benchmarks/bench_import.py                 # 100 notices, 3 runs
    python benchmarks/bench_import.py --count 300 --repeats 1
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_batch import generate  # noqa: E402


def _tbkl(*args: str) -> list[str]:
    return [sys.executable, "-m", "tbkl_gen", *args]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args(argv)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with tempfile.TemporaryDirectory(prefix="tbkl-bench-import-") as folder:
        work = Path(folder)
        generate(work / "notices", options.count)
        subprocess.run(_tbkl("render", str(work / "notices"), "-o", str(work / "docx"), "--quiet"), check=True, env=env, cwd=ROOT)
        files = sorted((work / "docx").rglob("*.docx"))
        walls = []
        for _ in range(options.repeats):
            out = work / "imported"
            shutil.rmtree(out, ignore_errors=True)
            started = time.perf_counter()
            done = subprocess.run(
                _tbkl("import", str(work / "docx"), "-o", str(out), "--report", str(work / "r.txt")),
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            walls.append(time.perf_counter() - started)
            if done.returncode not in (0, 1):
                print(done.stderr, file=sys.stderr)
                return 1
        imported = len(list((work / "imported").rglob("*.yaml")))
        wall = statistics.median(walls)
        print(
            f"tbkl import: {len(files)} .docx → {imported} sources in {wall:.2f} s (median of {len(walls)}), {1000 * wall / len(files):.1f} ms per notice"
        )
        print((work / "r.txt").read_text(encoding="utf-8").rstrip().rsplit("\n", 1)[-1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
