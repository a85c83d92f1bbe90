"""Cold start of an installed `tbkl`, side by side with pandoc's whole process on the same notice.

    python benchmarks/bench_start.py                          # this checkout, 21 rounds
    python benchmarks/bench_start.py --baseline /tmp/base     # and another checkout, in the same rounds
    python benchmarks/bench_start.py --rounds 41 --json /tmp/start.json
    nice python benchmarks/bench_start.py --wait-idle 10 --baseline /tmp/base   # on a shared machine

Each tree is installed as a user installs it: a fresh virtual environment, `pip install` of the
checkout (not editable, .pyc compiled by pip), the project's dependencies taken from the
environment running this script (a .pth line, so nothing is downloaded). One notice is generated
by `bench_batch.generate` (fixed seed) with its Markdown equivalent (`bench_batch.to_markdown`).
Then, in every round, one right after the other:

* `pandoc a.md -o a.docx` (baseline: pandoc's whole process; without pandoc it is skipped and
  said, or installed first with --get-pandoc: `apt-get install -y pandoc`, as bench_batch.py does);
* for each tree: `tbkl render a.yaml -o NEW_FOLDER` (cold: a new output folder, no manifest) and
  `tbkl check a.yaml`, through the installed console script; and `tbkl --help`;
* for this tree also `tbkl check a.yaml` with a new, empty cache folder ($TBKL_CACHE_DIR) every
  time: a user's very first command, or a CI job that starts from nothing, which compiles what
  later starts read from the cache (tbkl_gen/cache.py) and writes it there.

Each tree's own cache folder is filled by one warm-up run of each command before the rounds, as
a user's first commands fill it.

Wall time and CPU time (user + system of the child, from getrusage) of every run; medians over
the rounds, and the median of the per-round ratios to pandoc, of wall and of CPU time (a ratio
taken from runs seconds apart shares the machine's drift), and of this tree to each baseline. `--wait-idle SECONDS` waits before
each round for other processes to leave the CPUs (as bench_batch.py does). The CPU share used by other processes during the rounds is printed: this
machine is shared, and a figure is only as good as that share is small.

Targets (issue 22): cold render ≤ pandoc's process (ratio ≤ 1), cold check ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bench_batch  # noqa: E402  (the notice generator and its Markdown twin)

TARGET_CHECK_S = 0.100
TARGET_RENDER_VS_PANDOC = 1.0


def install(tree: Path, folder: Path) -> Path:
    """Install the checkout at tree into a new virtual environment in folder; return its `tbkl` script."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    # the dependencies of the environment running this script, without its own (editable) tbkl_gen
    (purelib / "zz-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    with tempfile.TemporaryDirectory() as build:  # pip builds in a copy: the checkout stays as it is
        copy = Path(build) / "src"
        shutil.copytree(tree, copy, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", "build"))
        subprocess.run(
            [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(copy)],
            check=True,
        )
    script = folder / ("Scripts/tbkl.exe" if os.name == "nt" else "bin/tbkl")
    if not script.exists():
        raise SystemExit(f"{tree}: pip did not install the tbkl script")
    return script


def _children_cpu() -> float:
    """Return the CPU seconds (user + system) of the finished children: getrusage's microseconds where there is one, else os.times' ticks."""
    try:
        import resource
    except ImportError:  # Windows
        times = os.times()
        return times.children_user + times.children_system
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Return the wall and CPU seconds of one run of argv (which must succeed)."""
    before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - started
    after = _children_cpu()
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr.decode(errors='replace')}")
    return wall, after - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, action="append", default=[], help="another checkout to run in the same rounds")
    parser.add_argument("--rounds", type=int, default=21, help="side-by-side rounds (default 21)")
    parser.add_argument("--json", type=Path, help="write the raw figures here")
    parser.add_argument("--get-pandoc", action="store_true", help="install pandoc with apt-get when it is missing (as root)")
    parser.add_argument("--keep", type=Path, help="install into this folder and keep it (to look at an installed tool)")
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each round wait up to SECONDS for other processes to use < 10%% of the CPUs",
    )
    options = parser.parse_args()
    bench_batch.IDLE["wait"] = options.wait_idle
    pandoc = bench_batch.find_pandoc(options.get_pandoc)
    if options.keep:
        options.keep.mkdir(parents=True)  # a new folder: a tool is never installed over another
    with contextlib.nullcontext(str(options.keep)) if options.keep else tempfile.TemporaryDirectory(prefix="tbkl-start-") as folder:
        work = Path(folder)
        ((notice, data),) = bench_batch.generate(work / "notice", 1)
        markdown = work / "a.md"
        markdown.write_text(bench_batch.to_markdown(data), encoding="utf-8")
        trees = {"this tree": ROOT, **{f"baseline {b.name}": b.resolve() for b in options.baseline}}
        print(f"installing {len(trees)} tree(s) into fresh virtual environments …", flush=True)
        tools = {name: install(tree, work / f"venv-{index}") for index, (name, tree) in enumerate(trees.items())}
        env = {**os.environ, "NO_COLOR": "1"}
        env.pop("PYTHONPATH", None)
        env.pop("PYTHONPROFILEIMPORTTIME", None)
        commands: dict[str, list[str]] = {}
        envs: dict[str, dict[str, str]] = {}
        if pandoc:
            commands["pandoc a.md -o a.docx"] = [pandoc, str(markdown), "-o", str(work / "a.docx")]
        else:
            print(f"pandoc is not on PATH ({' '.join(bench_batch.PANDOC_INSTALL)}, or --get-pandoc): the render is not compared with it")
        for index, (name, tool) in enumerate(tools.items()):
            own = {**env, "TBKL_CACHE_DIR": str(work / f"cache-{index}")}  # each tree's own template cache
            for label, argv in {
                f"{name}: tbkl render a.yaml -o DIR": [str(tool), "render", str(notice), "-o", "{out}"],
                f"{name}: tbkl check a.yaml": [str(tool), "check", str(notice)],
                f"{name}: tbkl --help": [str(tool), "--help"],
            }.items():
                commands[label], envs[label] = argv, own
            if index == 0:
                label = f"{name}: tbkl check a.yaml, empty cache"
                commands[label], envs[label] = [str(tool), "check", str(notice)], {**env, "TBKL_CACHE_DIR": "{out}"}
        for label, argv in commands.items():  # warm: the template cache, the disk cache of every file
            warm = str(work / "warm")
            run([a.replace("{out}", warm) for a in argv], work, {k: v.replace("{out}", warm) for k, v in envs.get(label, env).items()})
        figures: dict[str, list[tuple[float, float]]] = {label: [] for label in commands}
        busy_before, own_cpu, started = bench_batch.machine_busy_seconds(), 0.0, time.perf_counter()
        load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
        for round_ in range(options.rounds):
            bench_batch.wait_idle()
            for number, (label, argv) in enumerate(commands.items()):
                out = work / f"out-{round_}-{number}"  # a new folder for every run: no manifest, nothing to skip (or no cache)
                wall, cpu = run(
                    [a.replace("{out}", str(out)) for a in argv],
                    work,
                    {k: v.replace("{out}", str(out)) for k, v in envs.get(label, env).items()},
                )
                if "{out}" in argv and not (out / notice.with_suffix(".docx").name).is_file():
                    raise SystemExit(f"{label}: no .docx written into {out}")
                figures[label].append((wall, cpu))
                own_cpu += cpu
        elapsed = time.perf_counter() - started
        busy_after = bench_batch.machine_busy_seconds()
        load_after = os.getloadavg() if hasattr(os, "getloadavg") else None
    foreign = None
    if busy_before is not None and busy_after is not None:
        foreign = max(0.0, busy_after - busy_before - own_cpu) / (elapsed * (os.cpu_count() or 1))
    report: dict[str, object] = {
        "rounds": options.rounds,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "pandoc": subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.splitlines()[0] if pandoc else None,
        "foreign_cpu_share": foreign,
        "wait_idle_timeouts": bench_batch.IDLE["timeouts"],
        "loadavg_before_after": [load_before, load_after],
        "runs": {label: [{"wall": w, "cpu": c} for w, c in rows] for label, rows in figures.items()},
    }
    print(
        f"\n{options.rounds} rounds, {os.cpu_count()} CPUs, Python {report['python']}; {report['pandoc'] or 'no pandoc'}; "
        f"other processes used {100 * foreign:.0f} % of the CPUs during the rounds"
        if foreign is not None
        else "",
        f"(load average {load_before[0]:.1f} before, {load_after[0]:.1f} after)" if load_before and load_after else "",
    )
    print(f"{'command':44} | {'wall median':>11} | {'wall min':>8} | {'CPU median':>10} | vs pandoc, wall (median of per-round ratios)")
    base = figures.get("pandoc a.md -o a.docx")
    summary: dict[str, dict[str, float]] = {}
    for label, rows in figures.items():
        walls = [w for w, _ in rows]
        row = {"wall_median_ms": statistics.median(walls) * 1000, "wall_min_ms": min(walls) * 1000}
        row["cpu_median_ms"] = statistics.median(c for _, c in rows) * 1000
        versus = ""
        if base is not None and label != "pandoc a.md -o a.docx":
            ratios = [w / b for (w, _), (b, _) in zip(rows, base, strict=True)]
            row["ratio_to_pandoc"] = statistics.median(ratios)
            cpu_ratios = [c / b for (_, c), (_, b) in zip(rows, base, strict=True) if b > 0]
            row["cpu_ratio_to_pandoc"] = statistics.median(cpu_ratios) if cpu_ratios else float("nan")
            versus = (
                f"{row['ratio_to_pandoc']:.2f}× pandoc's time (rounds {min(ratios):.2f}–{max(ratios):.2f}); "
                f"CPU {row['cpu_ratio_to_pandoc']:.2f}×"
            )
        summary[label] = row
        print(f"{label:44} | {row['wall_median_ms']:8.0f} ms | {row['wall_min_ms']:5.0f} ms | {row['cpu_median_ms']:7.0f} ms | {versus}")
    mine = summary["this tree: tbkl render a.yaml -o DIR"]
    checked = summary["this tree: tbkl check a.yaml"]
    print("\ntargets (this tree):")
    if "ratio_to_pandoc" in mine:
        met = mine["ratio_to_pandoc"] <= TARGET_RENDER_VS_PANDOC
        print(
            f"  cold render ≤ pandoc's process: {mine['ratio_to_pandoc']:.2f}× pandoc's wall time: {'PASS' if met else 'FAIL'} "
            f"(CPU: {mine['cpu_ratio_to_pandoc']:.2f}× pandoc's)"
        )
    met = checked["wall_median_ms"] <= TARGET_CHECK_S * 1000
    print(
        f"  cold check ≤ {TARGET_CHECK_S * 1000:.0f} ms: median {checked['wall_median_ms']:.0f} ms: {'PASS' if met else 'FAIL'} "
        f"(CPU median {checked['cpu_median_ms']:.0f} ms)"
    )
    if bench_batch.IDLE["timeouts"]:
        print(f"  the machine was not idle before {bench_batch.IDLE['timeouts']} of {options.rounds} rounds (--wait-idle timed out)")
    # this tree against each baseline, round by round (runs seconds apart share the machine's drift: on a
    # shared machine the medians of two trees may fall in different phases, the per-round ratios do not)
    for label, rows in figures.items():
        if not label.startswith("baseline "):
            continue
        command = label.split(": ", 1)[1]
        mine_rows = figures.get(f"this tree: {command}")
        if mine_rows is None:
            continue
        cpu = [m / b for (_, m), (_, b) in zip(mine_rows, rows, strict=True) if b > 0]
        wall = [m / b for (m, _), (b, _) in zip(mine_rows, rows, strict=True)]
        summary[label]["this_tree_cpu_ratio"] = statistics.median(cpu)
        summary[label]["this_tree_wall_ratio"] = statistics.median(wall)
        print(
            f"  this tree ÷ {label.split(':', 1)[0]}, {command}: CPU {statistics.median(cpu):.2f}× "
            f"(rounds {min(cpu):.2f}–{max(cpu):.2f}), wall {statistics.median(wall):.2f}×"
        )
    report["summary"] = summary
    if options.json:
        options.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
