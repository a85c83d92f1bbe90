"""`tbkl render` on an office's workspace with nothing changed and after one edit, two checkouts side by side.

    python benchmarks/make_office.py /tmp/office20k --sources 20000 --commits 50000
    git worktree add /tmp/base <commit>
    python benchmarks/bench_render_again.py /tmp/office20k --baseline /tmp/base [--rounds 7]

The workspace is copied first (into a temporary folder beside it) and rendered once. Then, round
by round, the baseline checkout and this one each run `tbkl render notices -o out -q` in the copy
with nothing changed, then each after a comment line is added to one source (so each run renders
that one notice again). Both run from their own tree (`PYTHONPATH`), in this interpreter, with a
private bytecode cache each, warmed by a first run (an installed tool has its .pyc files). Printed:
the median wall and CPU time (user + system, from the child's rusage) of each, every round's figure,
and the load average. Runs taken seconds apart share the machine's drift; that is the point.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--baseline", type=Path, required=True, help="a checkout of the commit to compare with")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    trees = {"baseline": args.baseline.resolve(), "this tree": REPO}
    scratch = Path(tempfile.mkdtemp(prefix="bench-render-again-", dir=args.workspace.resolve().parent))
    try:
        root = scratch / "workspace"
        shutil.copytree(args.workspace, root, symlinks=True)
        caches = {name: scratch / f"pyc-{index}" for index, name in enumerate(trees)}

        def run(name: str) -> tuple[float, float]:
            env = dict(os.environ, PYTHONPATH=str(trees[name]), PYTHONPYCACHEPREFIX=str(caches[name]))
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "tbkl_gen", "render", "notices", "-o", "out", "-q"],
                cwd=root,
                env=env,
                capture_output=True,
                text=True,
            )
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if done.returncode:
                raise SystemExit(f"{name}: tbkl render failed:\n{done.stderr}")
            return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime

        print(f"rendering {root} once …", flush=True)
        source = min((root / "notices").rglob("*.yaml"))
        text = source.read_text(encoding="utf-8")
        for name in trees:  # the first renders everything; each renders the edited one: both warm their bytecode
            source.write_text(f"# {name}\n{text}", encoding="utf-8")
            run(name)
        source.write_text(text, encoding="utf-8")
        run(name)
        time.sleep(2.5)  # the sources settle before the manifest (the racy rule), as on any later day
        figures: dict[tuple[str, str], list[tuple[float, float]]] = {(n, k): [] for n in trees for k in ("nothing changed", "one edit")}
        for round_ in range(args.rounds):
            for name in trees:
                figures[(name, "nothing changed")].append(run(name))
            for name in trees:
                source.write_text(f"# sửa {round_} {name}\n{text}", encoding="utf-8")
                figures[(name, "one edit")].append(run(name))
        load = os.getloadavg()
        print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; {args.rounds} rounds; median wall, median CPU (every round)")
        for (name, kind), runs in figures.items():
            walls, cpus = [w for w, _ in runs], [c for _, c in runs]
            print(
                f"  {name:10} {kind:16} wall {statistics.median(walls):.2f} s ({', '.join(f'{w:.2f}' for w in walls)})"
                f"  CPU {statistics.median(cpus):.2f} s ({', '.join(f'{c:.2f}' for c in cpus)})"
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
