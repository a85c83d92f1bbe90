"""Benchmark the drafting service at an office's scale (issue 22): figures against their targets.

Run from the repository root on a workspace made by make_office.py (it is copied first, unless
--in-place: saves, reviews and issues commit into it):

    python benchmarks/make_office.py /tmp/office20k --sources 20000 --commits 50000
    nice python benchmarks/bench_office.py /tmp/office20k [--only list,preview,history,...] [--json FILE]

What it measures (the page in process, through Starlette's TestClient, as the single-user page
of `tbkl serve` answers: same routes and code as a workspace under /w/<name>/ with accounts; the
command line as installed, in a subprocess):

- list: GET /api/workspace, the page's list of documents: the first page of rows and the counts,
  unfiltered and filtered by year, kind, state and words of the summary; the first request after
  start (the catalog read from its file, or built) and then the median of 5 of each;
- preview: POST /api/check (the preview and the checks the page asks for at each pause in the
  typing) of a numbered notice late in `tbkl check`'s order, whose number is compared with every
  notice's before it: the first request after a restart (the catalog read from its file), then
  the median of 5;
- history: GET /api/history and `tbkl history --diff` of the notice with the most versions;
- start: what `tbkl serve` does in the background when it starts (the commit graph written, the
  catalog built: `server.Warming`), on a repository without a commit graph and a workspace without
  the catalog's file: a history request at once (while both run), the time until the graph is
  written, a history request after it, a list request at once (it waits for what remains of the
  build), the time until the catalog is built, a list request after; then a restart (the catalog's
  file read in the background);
- issue: a draft approved then issued through POST /api/issue (number, render, PDF/A, register
  row, commit, tag), the median of 3 after a first one (LibreOffice warm if the service keeps it);
- check: `tbkl check notices` of the whole workspace, wall time;
- render: `tbkl render notices` after a full render: with nothing changed, then after one edit;
- memory: a day's use in one process (500 previews, 50 saves, 10 issues): the resident set size
  after each hundred previews.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TOKEN = "bench-office-token"
HEADERS = {"X-Tbkl-Token": TOKEN}
TARGETS = {  # seconds, bytes: issue 22, "At an office's scale"
    "list": 0.300,
    "history": 1.0,
    "issue": 3.0,
    "check": 30.0,
    "render_one": 1.0,
    "memory": 300 * 1024 * 1024,
}
TBKL = [sys.executable, "-m", "tbkl_gen"]


def rss() -> int:
    """Return this process's resident set size in bytes (Linux /proc; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def children_cpu() -> float:
    """Return the CPU seconds (user + system) of this process's finished children: the command line's own work, whatever the load."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


# The command line's bytecode: an installed tool has a .pyc for every module, while this sandbox
# sets PYTHONDONTWRITEBYTECODE=1 and the checkout has none, so every start would compile tbkl_gen
# again (0.1-0.3 s of CPU). The children get a private cache instead (set by main, written by the
# first run of each command and read by the next), and nothing is written into the checkout.
BYTECODE: dict[str, str | None] = {"prefix": None}


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    if BYTECODE["prefix"]:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = BYTECODE["prefix"]
    return env


def run_cli(command: list[str], cwd: Path) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Run a command; return its wall time, its CPU time (with its workers') and its result."""
    cpu = children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, env=cli_env())
    return time.perf_counter() - started, children_cpu() - cpu, done


def median_of(times: int, function: Callable[[], Any]) -> float:
    return statistics.median(timed(function)[0] for _ in range(times))


def median_cpu(times: int, function: Callable[[], Any]) -> tuple[float, float]:
    """Return the median wall time and CPU time (this process's and its finished children's, git's: nothing else runs)."""
    walls, cpus = [], []
    for _ in range(times):
        cpu = time.process_time() + children_cpu()
        walls.append(timed(function)[0])
        cpus.append(time.process_time() + children_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def verdict(name: str, value: float) -> str:
    target = TARGETS[name]
    if name == "memory":
        return f"{value / 2**20:.0f} MB (target ≤ {target / 2**20:.0f} MB: {'pass' if value <= target else 'FAIL'}, {value / target:.2f}×)"
    return f"{value * 1000:.0f} ms (target ≤ {target * 1000:.0f} ms: {'pass' if value <= target else 'FAIL'}, {value / target:.2f}×)"


class Bench:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.figures: dict[str, Any] = {}
        self.used: set[str] = set()  # drafts issued or edited by an earlier step
        self.open()

    def open(self, *, warm: bool = False) -> None:
        """Start the page in process; warm: as `tbkl serve` starts it (its background work begun)."""
        from starlette.testclient import TestClient

        from tbkl_gen.page.server import create_app

        self.app = (
            create_app(self.root, TOKEN, hosts={"testserver"}, warm=True) if warm else create_app(self.root, TOKEN, hosts={"testserver"})
        )
        self.client = TestClient(self.app, base_url="http://testserver")
        self.client.__enter__()

    def close(self) -> None:
        from tbkl_gen.page import engine

        self.client.__exit__(None, None, None)
        engine.close_office()  # the page's LibreOffice, as `tbkl serve` stops it on its way out

    def get(self, route: str) -> Any:  # noqa: ANN401
        response = self.client.get(route, headers=HEADERS)
        if response.status_code != 200:
            raise SystemExit(f"GET {route}: {response.status_code} {response.text[:300]}")
        return response.json()

    def post(self, route: str, body: dict[str, Any], *, ok: bool = True) -> Any:  # noqa: ANN401
        response = self.client.post(route, content=json.dumps(body), headers={**HEADERS, "Content-Type": "application/json"})
        if ok and response.status_code != 200:
            raise SystemExit(f"POST {route}: {response.status_code} {response.text[:300]}")
        return response.json()

    def say(self, name: str, value: Any, text: str) -> None:  # noqa: ANN401
        self.figures[name] = value
        print(f"{name:28} {text}", flush=True)

    # --- the page's list --------------------------------------------------------------------

    def list_(self) -> None:
        from tbkl_gen.source.names import CATALOG_FILE

        (self.root / CATALOG_FILE).unlink(missing_ok=True)
        first, answer = timed(lambda: self.get("/api/workspace"))
        self.say("list_build", first, f"{first * 1000:.0f} ms (first request ever: every source read into the catalog)")
        self.close()
        self.open()  # a restarted server: the catalog read from its file
        first, answer = timed(lambda: self.get("/api/workspace"))
        self.say("list_restart", first, f"{first * 1000:.0f} ms (first request after a restart: the catalog's file read)")
        rows = answer.get("thong_bao", [])
        total = answer.get("tong", len(rows))
        print(f"{'':28} {total} documents, {len(rows)} rows sent, {len(json.dumps(answer)) / 1024:.0f} KiB", flush=True)
        queries = {
            "list": "",
            "list_year": "?nam=2024",
            "list_kind": "?loai=cong_van",
            "list_state": "?trang_thai=dang-soan",
            "list_search": "?q=" + "chuyển đổi số",
            "list_all_filters": "?nam=2025&loai=thong_bao&q=" + "kết luận",
        }
        worst = 0.0
        for name, query in queries.items():
            took, cpu = median_cpu(5, lambda query=query: self.get("/api/workspace" + query))
            worst = max(worst, took)
            self.say(name, took, verdict("list", took) + f"  {query or '(no filter)'}; CPU {cpu * 1000:.0f} ms")
            self.figures[f"{name}_cpu"] = cpu
        self.say("list_worst", worst, verdict("list", worst))

    # --- history ------------------------------------------------------------------------------

    def most_edited(self) -> str:
        done = subprocess.run(
            ["git", "-C", str(self.root), "log", "--format=", "--name-only", "-n", "3000"], capture_output=True, check=True, text=True
        )
        counts: dict[str, int] = {}
        for line in done.stdout.splitlines():
            if line.startswith("notices/"):
                counts[line] = counts.get(line, 0) + 1
        return max(counts, key=lambda k: (counts[k], k))

    def drop_graph(self) -> None:
        for graph in (self.root / ".git" / "objects" / "info").glob("commit-graph*"):  # as make_office.py left it: none
            shutil.rmtree(graph) if graph.is_dir() else graph.unlink()

    def history(self) -> None:
        from tbkl_gen.service import history

        path = self.most_edited()
        self.drop_graph()
        kept = history.keep_graph
        history.keep_graph = lambda root, wait=False: None  # type: ignore[assignment]  # the first request measured without the graph
        try:
            took, answer = timed(lambda: self.get(f"/api/history?path={path}"))
        finally:
            history.keep_graph = kept  # type: ignore[assignment]
        versions = answer["phien_ban"]
        self.say(
            "history_no_graph", took, verdict("history", took) + f"  GET /api/history, no commit graph ({len(versions)} versions of {path})"
        )
        took, _ = timed(lambda: history.keep_graph(self.root, wait=True))
        self.say("history_graph_write", took, f"{took:.1f} s  the service's commit graph written (in the background, once)")
        history._logs.clear()
        took, cpu = median_cpu(3, lambda: (history._logs.clear(), self.get(f"/api/history?path={path}")))
        self.say("history_page", took, verdict("history", took) + f"  GET /api/history; CPU {cpu * 1000:.0f} ms with git's")
        if len(versions) >= 2:
            query = f"/api/history/compare?path={path}&cu={versions[-1]['commit']}&moi={versions[0]['commit']}"
            took, cpu = median_cpu(3, lambda: (history._logs.clear(), self.get(query)))
            self.say(
                "history_compare", took, verdict("history", took) + f"  (word diff, oldest to newest); CPU {cpu * 1000:.0f} ms with git's"
            )
        runs = [run_cli([*TBKL, "history", "--diff", path], self.root) for _ in range(3)]
        took, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        self.say("history_cli", took, verdict("history", took) + f"  tbkl history --diff (CPU {cpu:.2f} s)")
        self.figures["history_cli_cpu"] = cpu

    # --- the service's start --------------------------------------------------------------------

    def start(self) -> None:
        from tbkl_gen.service import history
        from tbkl_gen.source.names import CATALOG_FILE

        path = self.most_edited()
        self.close()
        self.drop_graph()
        (self.root / CATALOG_FILE).unlink(missing_ok=True)
        history._logs.clear()
        started = time.perf_counter()
        self.open(warm=True)  # the first start ever: no commit graph, no catalog's file
        took, answer = timed(lambda: self.get(f"/api/history?path={path}"))
        self.say(
            "start_history_at_once",
            took,
            verdict("history", took) + f"  GET /api/history at once after the first start ({len(answer['phien_ban'])} versions)",
        )
        history.graph_settled(self.root)
        graph = time.perf_counter() - started
        self.say("start_graph_written", graph, f"{graph:.1f} s  after the start, the commit graph written (in the background)")
        history._logs.clear()
        took, cpu = median_cpu(3, lambda: (history._logs.clear(), self.get(f"/api/history?path={path}")))
        self.say(
            "start_history_after_graph", took, verdict("history", took) + f"  GET /api/history once it is written; CPU {cpu * 1000:.0f} ms"
        )
        took, _ = timed(lambda: self.get("/api/workspace"))
        at = time.perf_counter() - started
        self.say(
            "start_list_first",
            took,
            f"{took:.1f} s  first GET /api/workspace (waits for what remains of the catalog's build), answered {at:.1f} s after the start",
        )
        self.app.warming.done.wait()
        took, cpu = median_cpu(5, lambda: self.get("/api/workspace"))
        self.say(
            "start_list_after_build",
            took,
            verdict("list", took) + f"  GET /api/workspace once the catalog is built; CPU {cpu * 1000:.0f} ms",
        )
        self.close()
        started = time.perf_counter()
        self.open(warm=True)  # a restart: the catalog's file and the graph exist
        self.app.warming.done.wait()
        ready = time.perf_counter() - started
        self.say("restart_catalog_ready", ready, f"{ready:.2f} s  after a restart, the catalog read from its file (in the background)")
        took, _ = timed(lambda: self.get("/api/workspace"))
        self.say("restart_list_first", took, verdict("list", took) + "  first GET /api/workspace after it")
        took, _ = timed(lambda: self.get(f"/api/history?path={path}"))
        self.say("restart_history_first", took, verdict("history", took) + "  first GET /api/history after a restart")

    # --- issuing --------------------------------------------------------------------------------

    def preview(self) -> None:
        numbered = [
            path
            for path in sorted((self.root / "notices").rglob("*.yaml"), key=lambda p: p.relative_to(self.root).parts, reverse=True)[:200]
            if "\nso: null\n" not in (text := path.read_text(encoding="utf-8")) and "\nso: " in text
        ]
        path = numbered[0].relative_to(self.root).as_posix()
        opened = self.get(f"/api/notice?path={path}")
        body = {"path": path, "base": opened["text"], "data": opened["data"]}
        self.post("/api/check", body)  # the catalog up to the disk (built on a first request ever)
        self.close()
        self.open()  # a restarted server: the catalog read from its file
        first, answer = timed(lambda: self.post("/api/check", body))
        self.say("preview_numbered_first", first, f"{first * 1000:.0f} ms  POST /api/check of numbered {path}, first after a restart")
        took, cpu = median_cpu(5, lambda: self.post("/api/check", body))
        self.say(
            "preview_numbered",
            took,
            f"{took * 1000:.0f} ms  the same, warm, median of 5 (CPU {cpu * 1000:.0f} ms); errors {answer['errors']}",
        )

    def drafts(self, count: int) -> list[str]:
        found = []
        for path in sorted((self.root / "notices").glob("*/cong-van-*.yaml"), key=lambda p: p.name, reverse=True):
            if "\nso: null\n" in path.read_text(encoding="utf-8") and path.relative_to(self.root).as_posix() not in self.used:
                found.append(path.relative_to(self.root).as_posix())
            if len(found) == count:
                break
        return found

    def approve(self, relative: str) -> None:
        from tbkl_gen.service import review
        from tbkl_gen.service.people import LOCAL

        path = self.root / relative
        review.submit(self.root, path, LOCAL)
        review.approve(self.root, path, LOCAL)

    def issue_one(self, relative: str) -> float:
        self.used.add(relative)
        self.approve(relative)
        took, _ = timed(lambda: self.post("/api/issue", {"path": relative, "ngay": "07/12/2026"}))
        return took

    def issue(self) -> None:
        paths = self.drafts(4)
        first = self.issue_one(paths[0])
        self.say("issue_first", first, f"{first * 1000:.0f} ms (first: LibreOffice started)")
        took = statistics.median(self.issue_one(p) for p in paths[1:])
        self.say("issue", took, verdict("issue", took))

    # --- the command line -------------------------------------------------------------------------

    def check(self) -> None:
        took, cpu, done = run_cli([*TBKL, "check", "notices"], self.root)
        last = (done.stdout.strip().splitlines() or [""])[-1]
        self.say("check", took, verdict("check", took) + f"  (CPU {cpu:.1f} s, {os.cpu_count()} processes; {last})")
        self.figures["check_cpu"] = cpu

    def render(self) -> None:
        out = Path(tempfile.mkdtemp(prefix="bench-office-out-"))
        try:
            command = [*TBKL, "render", "notices", "-o", str(out), "-q"]
            took, cpu, _ = run_cli(command, self.root)
            self.say("render_full", took, f"{took:.1f} s (every notice, once; CPU {cpu:.1f} s)")
            time.sleep(2.5)  # the sources settle before the manifest (the racy rule): as on any day after the first
            runs = [run_cli(command, self.root) for _ in range(3)]
            took, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
            self.say("render_noop", took, verdict("render_one", took) + f"  (nothing changed; CPU {cpu:.2f} s)")
            self.figures["render_noop_cpu"] = cpu
            source = self.root / self.drafts(1)[0]
            text = source.read_text(encoding="utf-8")
            runs = []
            for round_ in range(3):
                source.write_text(text.replace("\nluu:", f"\n# sửa {round_}\nluu:", 1), encoding="utf-8")
                runs.append(run_cli(command, self.root))
            source.write_text(text, encoding="utf-8")
            took, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
            self.say("render_one", took, verdict("render_one", took) + f"  (one notice edited; CPU {cpu:.2f} s)")
            self.figures["render_one_cpu"] = cpu
        finally:
            shutil.rmtree(out, ignore_errors=True)

    # --- a day's use ------------------------------------------------------------------------------

    def memory(self) -> None:
        path = self.drafts(1)[0]
        self.used.add(path)
        opened = self.get(f"/api/notice?path={path}")
        base, data, version = opened["text"], opened["data"], opened["version"]
        marks = {"start": rss()}
        saves = issues = 0
        targets = self.drafts(10)
        for preview in range(1, 501):
            edited = json.loads(json.dumps(data))
            edited["trich_yeu"] = f"{data.get('trich_yeu', '')} {preview}"
            self.post("/api/check", {"path": path, "base": base, "data": edited})
            if preview % 10 == 0 and saves < 50:
                answer = self.post("/api/save", {"path": path, "base": base, "data": edited, "version": version})
                base, version, saves = answer["text"], answer["version"], saves + 1
            if preview % 50 == 0 and issues < 10:
                self.issue_one(targets[issues])
                issues += 1
            if preview % 100 == 0:
                marks[str(preview)] = rss()
                print(f"{'':28} after {preview} previews: {marks[str(preview)] / 2**20:.0f} MB", flush=True)
        peak = max(marks.values())
        growth = marks["500"] - marks["200"]
        self.say("memory", peak, verdict("memory", peak) + f"  ({saves} saves, {issues} issues)")
        self.say("memory_growth", growth, f"{growth / 2**20:+.1f} MB between the 200th and the 500th preview")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--only", default="list,preview,history,start,check,render,issue,memory")
    parser.add_argument("--in-place", action="store_true", help="measure the workspace itself (it is changed: commits, issues)")
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--no-bytecode-cache", action="store_true", help="run the command line with the environment as it is (see BYTECODE)"
    )
    args = parser.parse_args(argv)
    source: Path = args.workspace.resolve()
    root = source
    scratch = None
    if not args.in_place:
        scratch = Path(tempfile.mkdtemp(prefix="bench-office-", dir=source.parent))
        root = scratch / source.name
        started = time.perf_counter()
        shutil.copytree(source, root, symlinks=True)
        print(f"copied {source} to {root} in {time.perf_counter() - started:.1f} s", flush=True)
    bytecode = Path(tempfile.mkdtemp(prefix="bench-office-pyc-"))
    if not args.no_bytecode_cache:
        BYTECODE["prefix"] = str(bytecode)
        subprocess.run([*TBKL, "--help"], capture_output=True, check=False, env=cli_env())  # the command line's own modules
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    sources = sum(1 for _ in (root / "notices").rglob("*.yaml"))
    commits = subprocess.run(["git", "-C", str(root), "rev-list", "--count", "HEAD"], capture_output=True, text=True).stdout.strip()
    print(f"{root}: {sources} sources, {commits} commits; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {os.cpu_count()} CPUs")
    bench = Bench(root)
    try:
        for step in args.only.split(","):
            {
                "list": bench.list_,
                "preview": bench.preview,
                "history": bench.history,
                "start": bench.start,
                "issue": bench.issue,
                "check": bench.check,
                "render": bench.render,
            }.get(step, bench.memory)()
    finally:
        bench.close()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(bytecode, ignore_errors=True)
    bench.figures |= {"sources": sources, "commits": commits, "load": load}
    if args.json:
        args.json.write_text(json.dumps(bench.figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
