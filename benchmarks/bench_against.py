"""Compare this checkout with another one (a baseline commit), side by side in one run.

Each round runs the baseline and then this tree, on the same generated notices, so that the speed
drift of a shared machine falls on both alike; the median of the per-round ratios is reported.

    git worktree add /tmp/base <commit>
    python benchmarks/bench_against.py --baseline /tmp/base

Measured: a cold `tbkl render` of one notice (interpreter start included), and `tbkl render
--force` of N generated notices with --jobs 1 and with the default jobs. CPU time (user + sys of
the child processes) is printed beside wall time, as it suffers less from other processes.
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

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEED = Path("notices") / "2021" / "tbkl-thong-tin-doi-ngoai.yaml"


def _run(tree: Path, args: list[str], cache: Path) -> tuple[float, float]:
    """Return wall and CPU seconds of `python -m tbkl_gen ARGS` run from tree."""
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONPYCACHEPREFIX": str(cache), "TBKL_CACHE_DIR": str(cache / "tbkl")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed tool has its .pyc files
    before = os.times()
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-m", "tbkl_gen", *args], cwd=tree, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = os.times()
    if completed.returncode != 0:
        raise SystemExit(f"{tree}: tbkl {' '.join(args)} failed:\n{completed.stderr}")
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def _notices(folder: Path, count: int) -> Path:
    """Write count copies of the seed notice, each with its own number, into folder/notices."""
    target = folder / "notices"
    target.mkdir(parents=True)
    text = (ROOT / SEED).read_text(encoding="utf-8")
    for index in range(count):
        (target / f"tb-{index:04d}.yaml").write_text(text.replace("so:", f"so: '{index + 1}'  #", 1), encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="a checkout of the baseline commit")
    parser.add_argument("--count", type=int, default=300, help="notices in the batch (default 300)")
    parser.add_argument("--rounds", type=int, default=5, help="side-by-side rounds (default 5)")
    options = parser.parse_args()
    trees = {"baseline": options.baseline.resolve(), "this tree": ROOT}
    with tempfile.TemporaryDirectory(prefix="tbkl-against-") as folder:
        work = Path(folder)
        notices = _notices(work, options.count)
        caches = {name: work / f"cache-{index}" for index, name in enumerate(trees)}
        for name, tree in trees.items():  # warm each tree's bytecode and template caches once
            _run(tree, ["render", str(tree / SEED), "-o", str(work / "warm"), "--force", "--quiet"], caches[name])
        measures = {
            "cold single notice": lambda tree, out: ["render", str(tree / SEED), "-o", str(out), "--force", "--quiet"],
            f"{options.count} notices, --jobs 1": lambda tree, out: [
                "render",
                str(notices),
                "-o",
                str(out),
                "--force",
                "--quiet",
                "--jobs",
                "1",
            ],
            f"{options.count} notices, default jobs": lambda tree, out: ["render", str(notices), "-o", str(out), "--force", "--quiet"],
        }
        print(f"baseline: {trees['baseline']}\nthis tree: {ROOT}\n{os.cpu_count()} CPUs, Python {sys.version.split()[0]}\n")
        print(f"{'measure':32} | {'baseline wall / CPU':>22} | {'this tree wall / CPU':>22} | ratio of CPU (this ÷ baseline), per round")
        for label, command in measures.items():
            figures: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
            ratios = []
            for round_ in range(options.rounds):
                for name, tree in trees.items():
                    out = work / f"out-{round_}-{len(figures[name])}-{name.replace(' ', '')}"
                    figures[name].append(_run(tree, command(tree, out), caches[name]))
                    shutil.rmtree(out, ignore_errors=True)
                ratios.append(figures["this tree"][-1][1] / max(figures["baseline"][-1][1], 1e-9))
            shown = {
                name: f"{statistics.median(w for w, _ in rows) * 1000:7.0f} / {statistics.median(c for _, c in rows) * 1000:6.0f} ms"
                for name, rows in figures.items()
            }
            print(
                f"{label:32} | {shown['baseline']:>22} | {shown['this tree']:>22} | "
                f"median {statistics.median(ratios):.2f} ({', '.join(f'{r:.2f}' for r in ratios)})"
            )


if __name__ == "__main__":
    main()
