"""The pipeline's stages, CPU time a notice, in-process: this checkout and another one side by side.

Each round runs, in a fresh interpreter for each tree (the baseline first), every stage of the
pipeline over the same notices of `bench_batch.py`'s generator, and keeps each stage's best of a
few passes (CPU time, `time.process_time`, so that what other processes do counts less); the
table gives the median over the rounds of each tree's best.

    python benchmarks/bench_stages.py --baseline /path/to/main-checkout --count 300 --rounds 2

No file is written but the generated notices (in a temporary folder); the template is the
default built-in one, filled as a batch fills it (`word.fill.render_builtin`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
STAGES = ("read", "shape", "validate", "lay_out", "fill", "package")

_CHILD = r"""
import json, sys, time
from pathlib import Path
from tbkl_gen.source.read import read_source
from tbkl_gen.source.load import build_notice
from tbkl_gen.validate import validate
from tbkl_gen.word.layout import lay_out
from tbkl_gen.word.fill import render_builtin, find_template
from tbkl_gen.word.write import package
from tbkl_gen.notice.kinds import kind_of

import tbkl_gen
assert Path(tbkl_gen.__file__).parent.parent == Path.cwd(), tbkl_gen.__file__
paths = sorted(Path(sys.argv[1]).glob("*.yaml"))
passes = int(sys.argv[2])
template = find_template(None).resolve()
names = ("read", "shape", "validate", "lay_out", "fill", "package")
best = dict.fromkeys(names, float("inf"))
clock = time.process_time
for _ in range(passes):
    spent = dict.fromkeys(names, 0.0)
    for path in paths:
        t0 = clock()
        source, _problems = read_source(path)
        t1 = clock()
        loaded = build_notice(source)
        t2 = clock()
        kind = kind_of(loaded.notice)
        validate(loaded.notice, loaded.source, kind=kind)
        t3 = clock()
        layout = lay_out(loaded.notice, kind)
        t4 = clock()
        parts = render_builtin(template, layout)
        t5 = clock()
        package(parts)
        t6 = clock()
        for name, span in zip(names, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5)):
            spent[name] += span
    for name in names:
        best[name] = min(best[name], spent[name] / len(paths) * 1000)
print(json.dumps(best))
"""


def _stages(tree: Path, notices: Path, passes: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run(  # from the tree's folder: `-c` puts the current folder first on the path
        [sys.executable, "-c", _CHILD, str(notices), str(passes)], cwd=tree, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{tree}: the stages failed:\n{done.stderr}")
    return dict(json.loads(done.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="a checkout of the baseline commit")
    parser.add_argument("--count", type=int, default=300, help="generated notices (default 300)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds, each tree once a round (default 2)")
    parser.add_argument("--passes", type=int, default=7, help="passes over the notices in each run; each stage's best is kept (default 7)")
    options = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from bench_batch import generate

    trees = {"baseline": options.baseline.resolve(), "this tree": ROOT}
    with tempfile.TemporaryDirectory(prefix="tbkl-stages-") as folder:
        notices = Path(folder) / "notices"
        generate(notices, options.count)
        found: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
        for _ in range(options.rounds):
            for name, tree in trees.items():
                found[name].append(_stages(tree, notices, options.passes))
    load = " ".join(f"{value:.1f}" for value in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"baseline: {trees['baseline']}\nthis tree: {ROOT}\n{options.count} notices, {options.rounds} rounds, load average now {load}\n")
    print(f"{'stage':10} | {'baseline':>9} | {'this tree':>9} | CPU ms a notice (median of the rounds' bests)")
    totals = dict.fromkeys(trees, 0.0)
    for stage in STAGES:
        row = {name: statistics.median(run[stage] for run in runs) for name, runs in found.items()}
        for name in trees:
            totals[name] += row[name]
        print(f"{stage:10} | {row['baseline']:9.3f} | {row['this tree']:9.3f} |")
    print(f"{'sum':10} | {totals['baseline']:9.3f} | {totals['this tree']:9.3f} | {totals['this tree'] / totals['baseline'] - 1:+.0%}")


if __name__ == "__main__":
    main()
