"""Benchmark the office's service with several people at once: 10 drafters typing and saving, one clerk issuing.

Prints figures; not a test. Run from the repository root:

    python benchmarks/bench_office_users.py [--users 10] [--seconds 60] [--issues 3] [--json FILE]

What it does, against the real `tbkl serve` over HTTP (a subprocess, accounts mode, loopback):

1. makes a service root with one workspace (`tbkl init`, a real signer), a bare git repository as
   its remote (every save is a commit, pushed), one notice per drafter (copies of the longest
   example, notices/2026/laocai-cum-cong-nghiep.yaml, five printed pages) and `--issues` notices
   for the clerk, submitted and approved through the page beforehand;
2. makes the accounts (`tbkl users add … --password-stdin`, the real command): `--users` drafters,
   a reviewer, a clerk; each simulated person is its own process with its own session, logged in
   through `/dang-nhap` and sending the page's CSRF token;
3. alone first: one drafter's preview (`/api/check`, what the page sends after a 120 ms pause in
   typing) 30 times, the baseline;
4. then for `--seconds`: every drafter edits a word of its own notice and asks for the preview at
   typing pace (a pause of 0.3 to 1.5 s between previews, as a person typing and stopping), and
   saves every 8 previews (`/api/save`: a commit and a push); meanwhile the clerk issues its
   notices one after another (`/api/issue`: number, .docx, PDF/A through LibreOffice, register
   row, commit, tag, push);
5. prints the preview latency (median, p95, worst) against the issue's 200 ms target, the save
   and issue times, and checks on disk that every save is a commit by its drafter and every issue
   a tagged commit by the clerk, all of it on the remote.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "notices" / "2026" / "laocai-cum-cong-nghiep.yaml"
ISSUE_EXAMPLE = ROOT / "notices" / "2026" / "lamdong-so-khcn.yaml"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
PASSWORD = "mat-khau-thu-nghiem"
WORKSPACE = "van-phong"
TARGET_MS = 200.0
SAVE_EVERY = 8  # previews between two saves of a drafter


class Session:
    """One person's browser: a keep-alive connection, the session cookie, the CSRF token."""

    def __init__(self, port: int, login: str) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.cookie = ""
        status, headers, _ = self.raw(
            "POST",
            "/dang-nhap",
            urlencode({"ten_dang_nhap": login, "mat_khau": PASSWORD, "tiep": "/"}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://127.0.0.1:{port}"},
        )
        assert status == 303, (login, status)
        self.cookie = headers["Set-Cookie"].split(";", 1)[0]
        _, _, page = self.raw("GET", f"/w/{WORKSPACE}/")
        found = re.search(rb'name="tbkl-token" content="([^"]+)"', page)
        assert found, page[:300]
        self.csrf = found.group(1).decode()

    def raw(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None):  # noqa: ANN201
        sent = {"Host": f"127.0.0.1:{self.port}", **({"Cookie": self.cookie} if self.cookie else {}), **(headers or {})}
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=sent)
                response = self.connection.getresponse()
                return response.status, response.headers, response.read()
            except (http.client.RemoteDisconnected, ConnectionError):
                self.connection.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def get(self, route: str, **params: str) -> dict:
        status, _, data = self.raw("GET", f"/w/{WORKSPACE}{route}" + (f"?{urlencode(params)}" if params else ""))
        assert status == 200, (route, status, data[:300])
        return json.loads(data)

    def post(self, path: str, body: dict) -> tuple[int, dict]:
        status, _, data = self.raw(
            "POST",
            f"/w/{WORKSPACE}{path}",
            json.dumps(body).encode("utf-8"),
            {"Content-Type": "application/json", "X-Tbkl-Token": self.csrf},
        )
        return status, json.loads(data)


def edited(data: dict, index: int, who: str = "") -> dict:
    """Return the data with words of the first paragraph changed, as one edit in the editor, never the same text twice
    (the page's caches would answer a text seen before without work)."""
    copy = json.loads(json.dumps(data))
    copy["noi_dung"][0] = copy["noi_dung"][0].replace("Ngày 19", f"Ngày {1 + index % 28}", 1) + f" Lần sửa {who}{index}."
    return copy


def drafter(port: int, login: str, path: str, seconds: float, seed: int, out: multiprocessing.Queue) -> None:
    """One drafter: previews at typing pace, a save every 8 previews, for seconds."""
    rng = random.Random(seed)
    session = Session(port, login)
    notice = session.get("/api/notice", path=path)
    base, version, data = notice["text"], notice["version"], notice["data"]
    previews: list[float] = []
    saves: list[float] = []
    failures: list[str] = []
    ends = time.monotonic() + seconds
    index = 0
    while time.monotonic() < ends:
        index += 1
        data = edited(notice["data"], index, login)
        started = time.perf_counter()
        status, answer = session.post("/api/check", {"path": path, "base": base, "data": data})
        previews.append(time.perf_counter() - started)
        if status != 200:
            failures.append(f"preview {status}: {answer.get('loi')}")
        if index % SAVE_EVERY == 0:
            started = time.perf_counter()
            status, answer = session.post("/api/save", {"path": path, "base": base, "version": version, "data": data})
            saves.append(time.perf_counter() - started)
            if status != 200:
                failures.append(f"save {status}: {answer.get('loi')}")
            else:
                base, version = answer["text"], answer["version"]
        time.sleep(rng.uniform(0.3, 1.5))
    out.put({"login": login, "previews": previews, "saves": saves, "failures": failures})


def clerk(port: int, paths: list[str], delay: float, out: multiprocessing.Queue) -> None:
    """The clerk: issues each notice in turn (the register's next number, today)."""
    session = Session(port, "vanthu")
    time.sleep(delay)
    issues: list[float] = []
    failures: list[str] = []
    for path in paths:
        started = time.perf_counter()
        status, answer = session.post("/api/issue", {"path": path, "ngay": time.strftime("%d/%m/%Y")})
        issues.append(time.perf_counter() - started)
        if status != 200:
            failures.append(f"issue {status}: {answer.get('loi')}")
        time.sleep(2.0)
    out.put({"login": "vanthu", "issues": issues, "failures": failures})


def tbkl(*args: str, stdin: str | None = None, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tbkl_gen", *args], input=stdin, capture_output=True, text=True, encoding="utf-8", env=ENV, cwd=cwd
    )
    if done.returncode != 0:
        raise SystemExit(f"tbkl {' '.join(args)}: {done.stderr}")
    return done.stdout


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout.strip()


def make_office(folder: Path, users: int, issues: int) -> tuple[Path, Path, list[str], list[str]]:
    from conftest import SIGNER  # type: ignore[import-not-found]

    service = folder / "tinh"
    root = service / WORKSPACE
    tbkl("init", str(root), "--nguoi-ky", SIGNER)
    notices = root / "notices" / "2026"
    notices.mkdir(parents=True, exist_ok=True)
    mine = []
    for number in range(1, users + 1):
        name = f"cv{number:02d}.yaml"
        shutil.copyfile(EXAMPLE, notices / name)
        mine.append(f"notices/2026/{name}")
    to_issue = []
    for number in range(1, issues + 1):
        name = f"phat-hanh-{number}.yaml"
        text = ISSUE_EXAMPLE.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^so:.*$", "so:", text)
        (notices / name).write_text(text, encoding="utf-8")
        to_issue.append(f"notices/2026/{name}")
    remote = folder / "kho-chung.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    tbkl("history", str(notices / "cv01.yaml"))  # makes the repository, its first commit as the service
    git(root, "remote", "add", "origin", str(remote))
    tbkl("history", str(notices / "cv01.yaml"), "--push")
    for number in range(1, users + 1):
        tbkl("users", "add", f"cv{number:02d}", "--role", "soan-thao", "--ten", f"Chuyên viên {number:02d}",
             "--email", f"cv{number:02d}@vp.example.vn", "--password-stdin", "--root", str(service), stdin=PASSWORD + "\n")  # fmt: skip
    tbkl(
        "users",
        "add",
        "lanhdao",
        "--role",
        "duyet",
        "--ten",
        "Lãnh đạo Duyệt",
        "--password-stdin",
        "--root",
        str(service),
        stdin=PASSWORD + "\n",
    )
    tbkl("users", "add", "vanthu", "--role", "van-thu", "--ten", "Văn thư", "--email", "vanthu@vp.example.vn",
         "--password-stdin", "--root", str(service), stdin=PASSWORD + "\n")  # fmt: skip
    return service, remote, mine, to_issue


def approve_all(port: int, paths: list[str]) -> None:
    """Submit (as a drafter) and approve (as the reviewer) the clerk's notices, through the page."""
    author, reviewer = Session(port, "cv01"), Session(port, "lanhdao")
    for path in paths:
        notice = author.get("/api/notice", path=path)
        status, answer = author.post(
            "/api/save", {"path": path, "base": notice["text"], "version": notice["version"], "data": notice["data"]}
        )
        assert status == 200, answer
        status, answer = author.post("/api/review/submit", {"path": path, "nguoi_duyet": ["lanhdao"], "version": answer["version"]})
        assert status == 200, answer
        seen = reviewer.get("/api/review", path=path)["phien_ban"]
        status, answer = reviewer.post("/api/review/approve", {"path": path, "phien_ban": seen})
        assert status == 200, answer


def start(service: Path) -> tuple[subprocess.Popen, int]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tbkl_gen", "serve", str(service), "--port", "0", "--no-browser"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env=ENV,
        text=True,
        encoding="utf-8",
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not found:
        process.kill()
        raise SystemExit(f"tbkl serve did not start: {line}")
    return process, int(found.group(1))


def cpu_ticks() -> tuple[int, int]:
    """Return the machine's busy and total CPU ticks (/proc/stat), or zeros where there is none."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def process_ticks(pid: int) -> int:
    """Return a process's user + system CPU ticks (/proc/PID/stat), or 0."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0
    return int(fields[11]) + int(fields[12])


def figures(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "n": len(values),
        "median_ms": statistics.median(values) * 1000,
        "p95_ms": ordered[max(0, round(0.95 * len(ordered)) - 1)] * 1000,
        "worst_ms": ordered[-1] * 1000,
    }


def shown(name: str, found: dict[str, float]) -> str:
    return f"{name}: median {found['median_ms']:.0f} ms, p95 {found['p95_ms']:.0f} ms, worst {found['worst_ms']:.0f} ms (n={found['n']})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--issues", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep", type=Path, help="make the office in this folder and keep it")
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))

    folder = options.keep or Path(tempfile.mkdtemp(prefix="tbkl-office-"))
    folder.mkdir(parents=True, exist_ok=True)
    service, remote, mine, to_issue = make_office(folder, options.users, options.issues)
    root = service / WORKSPACE
    process, port = start(service)
    try:
        approve_all(port, to_issue)
        alone = Session(port, "cv01")
        notice = alone.get("/api/notice", path=mine[0])
        baseline = []
        for index in range(30):
            started = time.perf_counter()
            status, _ = alone.post(
                "/api/check", {"path": mine[0], "base": notice["text"], "data": edited(notice["data"], index, "mot-minh")}
            )
            baseline.append(time.perf_counter() - started)
            assert status == 200
        commits_before = int(git(root, "rev-list", "--count", "HEAD"))

        queue: multiprocessing.Queue = multiprocessing.Queue()
        workers = [
            multiprocessing.Process(target=drafter, args=(port, f"cv{n:02d}", mine[n - 1], options.seconds, n, queue))
            for n in range(1, options.users + 1)
        ]
        workers.append(multiprocessing.Process(target=clerk, args=(port, to_issue, 5.0, queue)))
        began = time.perf_counter()
        busy_before, total_before = cpu_ticks()
        server_before = process_ticks(process.pid)
        for worker in workers:
            worker.start()
        results = [queue.get(timeout=options.seconds + 900) for _ in workers]
        for worker in workers:
            worker.join()
        wall = time.perf_counter() - began
        busy_after, total_after = cpu_ticks()
        server_cpu = (process_ticks(process.pid) - server_before) / (os.sysconf("SC_CLK_TCK") * wall)
        machine_busy = (busy_after - busy_before) / max(1, total_after - total_before)
        load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    finally:
        process.terminate()
        process.wait(timeout=30)

    previews = [t for r in results for t in r.get("previews", [])]
    saves = [t for r in results for t in r.get("saves", [])]
    issues = [t for r in results for t in r.get("issues", [])]
    failures = [f"{r['login']}: {f}" for r in results for f in r["failures"]]
    within = sum(1 for t in previews if t * 1000 <= TARGET_MS) / len(previews)

    # what the disk says: every save a commit by its drafter, every issue a tagged commit, all on the remote
    authors = git(
        root, "log", f"--max-count={int(git(root, 'rev-list', '--count', 'HEAD')) - commits_before}", "--format=%an|%s"
    ).splitlines()
    saved_commits = [a for a in authors if a.split("|", 1)[1].startswith("Lưu notices/2026/cv")]
    wrong_author = [a for a in saved_commits if not a.startswith(f"Chuyên viên {a.split('/cv')[1][:2]}|")]
    issued_commits = [a for a in authors if a.split("|", 1)[1].startswith("Phát hành")]
    tags = git(root, "tag", "--list", "phat-hanh/*").split()
    remote_tags = git(remote, "tag", "--list", "phat-hanh/*").split()
    same_head = git(remote, "rev-parse", "main") == git(root, "rev-parse", "HEAD")

    report = {
        "users": options.users,
        "seconds": options.seconds,
        "wall_s": wall,
        "cpus": os.cpu_count(),
        "preview_alone": figures(baseline),
        "preview_under_load": figures(previews),
        "preview_within_target": within,
        "previews_per_s": len(previews) / wall,
        "save": figures(saves) if saves else None,
        "issue": figures(issues) if issues else None,
        "saves": len(saves),
        "save_commits": len(saved_commits),
        "save_commits_wrong_author": len(wrong_author),
        "issue_commits": len(issued_commits),
        "tags": len(tags),
        "tags_on_remote": len(remote_tags),
        "remote_has_head": same_head,
        "failures": failures,
        "machine_busy": machine_busy,
        "server_cpu_cores": server_cpu,
        "load_average_1min": load,
    }
    print(f"{options.users} drafters + 1 clerk for {wall:.0f} s against tbkl serve (accounts, git remote), {os.cpu_count()} CPUs")
    print(
        f"machine: {machine_busy * 100:.0f} % of its CPUs busy during the run (load average {load}); "
        f"the server process used {server_cpu:.2f} cores (its own work, without LibreOffice and git)"
    )
    print(shown("preview alone (1 user)", report["preview_alone"]))
    print(shown(f"preview with {options.users} users + issuing", report["preview_under_load"]) + f", {report['previews_per_s']:.1f}/s")
    print(f"  within the {TARGET_MS:.0f} ms target: {within * 100:.1f} %")
    if saves:
        print(shown("save (commit + push)", report["save"]))
    if issues:
        print(shown("issue (number, .docx, PDF/A, register, commit, tag, push)", report["issue"]))
    print(
        f"on disk: {len(saved_commits)} save commits for {len(saves)} saves ({len(wrong_author)} with a wrong author), "
        f"{len(issued_commits)} issue commits, {len(tags)} tags ({len(remote_tags)} on the remote), remote up to date: {same_head}"
    )
    if failures:
        print("failures:", *failures[:20], sep="\n  ")
    if options.json:
        options.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    if not options.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
