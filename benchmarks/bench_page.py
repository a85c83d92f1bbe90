"""Benchmark the drafting page (`tbkl serve`): start, preview refresh, exact page, memory.

Prints figures; not a test. Run from the repository root:

    python benchmarks/bench_page.py [--edits 50] [--previews 100] [--exact 3] [--items N] [--no-browser] [--json FILE]

What it measures, on a copy of notices/2026/laocai-cum-cong-nghiep.yaml (the longest example,
five printed pages: longer than the issue's three-page target) in a fresh workspace, or with
`--items N` on bench_preview.py's generated N-item notice (60 for the issue's target) in a
workspace with its signer:

1. server start: spawning `tbkl serve --port 0 --no-browser` until the first API answer (median of 5);
2. preview refresh over HTTP: 50 edits (one word changed each time), the round trip of
   `/api/check` (the request the page sends after a pause in typing: check + layout + HTML);
   median and worst; beside it the baseline a drafter has without the page: `tbkl check FILE`
   run after each save (median of 10);
3. preview refresh in Chromium (when selenium and chromium are installed): 50 edits typed into
   the body; the page's own timing from request to preview drawn, plus the pause it waits;
4. exact page: `/api/exact` (render, LibreOffice to PDF, pdftoppm to PNG), median of 3 after a
   first run; beside it plain `soffice --convert-to pdf` of the same .docx;
5. memory: the server's resident set size after start and after 100 previews.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "notices" / "2026" / "laocai-cum-cong-nghiep.yaml"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


class Server:
    """`tbkl serve` in a subprocess, with a keep-alive connection to it."""

    def __init__(self, root: Path) -> None:
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tbkl_gen", "serve", str(root), "--port", "0", "--no-browser"],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            env=ENV,
            text=True,
            encoding="utf-8",
        )
        line = self.process.stderr.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=(\S+)", line)
        if not found:
            raise SystemExit(f"tbkl serve did not start: {line}{self.process.stderr.read()}")
        self.port, self.token = int(found.group(1)), found.group(2)
        self.url = f"http://127.0.0.1:{self.port}/?token={self.token}"
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        self.get("/api/workspace")
        self.ready = time.perf_counter() - self.started

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        headers = {"X-Tbkl-Token": self.token, "Host": f"127.0.0.1:{self.port}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, ConnectionError):  # the server closed an idle keep-alive
                self.connection.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def get(self, path: str) -> dict:
        status, data = self.request("GET", path)
        assert status == 200, data
        return json.loads(data)

    def post(self, path: str, body: dict) -> tuple[int, bytes]:
        return self.request("POST", path, body)

    def rss_mib(self) -> float | None:
        status = Path(f"/proc/{self.process.pid}/status")
        if status.is_file():
            found = re.search(r"VmRSS:\s+(\d+) kB", status.read_text())
            return int(found.group(1)) / 1024 if found else None
        try:
            import psutil  # type: ignore[import-not-found]
        except ImportError:
            return None
        return psutil.Process(self.process.pid).memory_info().rss / (1024 * 1024)

    def stop(self) -> None:
        self.connection.close()
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process.stderr.close()


def workspace(folder: Path, items: int = 0) -> tuple[Path, str]:
    from tbkl_gen.commands.scaffold import init_workspace

    root = folder / "van-phong"
    if items:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from bench_preview import long_notice

        init_workspace(root, signer="Trần Thị Bình")
        (root / "notices" / "2026").mkdir(parents=True)
        (root / "notices" / "2026" / "dai.yaml").write_text(long_notice(items), encoding="utf-8")
        return root, "notices/2026/dai.yaml"
    init_workspace(root)
    target = root / "notices" / "2026" / EXAMPLE.name
    target.parent.mkdir(parents=True)
    shutil.copyfile(EXAMPLE, target)
    return root, f"notices/2026/{EXAMPLE.name}"


def ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:.1f} ms, worst {max(values) * 1000:.1f} ms (n={len(values)})"


def edited(data: dict, index: int) -> dict:
    """Return the data with one word of the first paragraph changed, as one edit in the editor."""
    copy = json.loads(json.dumps(data))
    copy["noi_dung"][0] = copy["noi_dung"][0].replace("Ngày 19", f"Ngày {1 + index % 28}", 1)
    return copy


def bench_start(root: Path, runs: int = 5) -> list[float]:
    times = []
    for _ in range(runs):
        server = Server(root)
        times.append(server.ready)
        server.stop()
    return times


def bench_refresh(server: Server, path: str, edits: int) -> tuple[list[float], int]:
    notice = server.get(f"/api/notice?path={path}")
    times = []
    errors = 0
    for index in range(edits):
        body = {"path": path, "base": notice["text"], "data": edited(notice["data"], index)}
        started = time.perf_counter()
        status, data = server.post("/api/check", body)
        times.append(time.perf_counter() - started)
        assert status == 200, data
        errors = json.loads(data)["errors"]
    return times, errors


def bench_check_cli(root: Path, path: str, runs: int = 10) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "tbkl_gen", "check", path], cwd=root, env=ENV, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
    return times


def bench_browser(server: Server, path: str, edits: int) -> list[float] | str:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait
    except ImportError:
        return "selenium is not installed"
    if not browser or not driver_path:
        return "chromium or chromedriver is not installed"
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:  # an office laptop's screen
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride", {"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False}
        )
        driver.get(server.url)  # the token becomes the page's cookie
        driver.get(f"http://127.0.0.1:{server.port}/#{path}")
        WebDriverWait(driver, 60).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-checked"))
        field = driver.find_element(By.CSS_SELECTOR, '#outline .rich[data-field="noi_dung[1]"]')
        for index in range(edits):
            before = driver.execute_script("return window.tbklRefreshMs.length")
            field.send_keys("x" if index % 2 == 0 else "\b")
            WebDriverWait(driver, 30, poll_frequency=0.02).until(
                lambda d, n=before: d.execute_script("return window.tbklRefreshMs.length") > n
            )
        values = driver.execute_script("return window.tbklRefreshMs.slice(-arguments[0])", edits)
        return [v / 1000 for v in values]
    finally:
        driver.quit()


def bench_exact(server: Server, path: str, runs: int) -> tuple[list[float], int] | str:
    if not shutil.which("soffice") and not shutil.which("libreoffice"):
        return "LibreOffice is not installed"
    notice = server.get(f"/api/notice?path={path}")
    body = {"path": path, "base": notice["text"], "data": notice["data"]}
    server.post("/api/exact", body)  # first run: LibreOffice's own caches
    times = []
    pages = 0
    for _ in range(runs):
        started = time.perf_counter()
        status, data = server.post("/api/exact", body)
        times.append(time.perf_counter() - started)
        assert status == 200, data[:300]
        pages = len(json.loads(data)["pages"])
    return times, pages


def bench_soffice(server: Server, path: str, folder: Path, runs: int) -> list[float] | str:
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if not binary:
        return "LibreOffice is not installed"
    notice = server.get(f"/api/notice?path={path}")
    status, data = server.post("/api/docx", {"path": path, "base": notice["text"], "data": notice["data"]})
    assert status == 200
    docx = folder / "n.docx"
    docx.write_bytes(data)
    profile = (folder / "lo").as_uri()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [binary, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(docx)],
            capture_output=True,
            check=True,
        )
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--previews", type=int, default=100)
    parser.add_argument("--exact", type=int, default=3)
    parser.add_argument("--items", type=int, default=0, help="bench_preview.py's generated notice of N items instead of the example")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as folder:
        root, path = workspace(Path(folder), args.items)
        what = f"a {args.items}-item notice" if args.items else "a 5-page notice"
        start = bench_start(root)
        print(f"server start (spawn → first answer): {ms(start)}")
        figures["start_s"] = start
        server = Server(root)
        try:
            figures["rss_start_mib"] = server.rss_mib()
            refresh, errors = bench_refresh(server, path, args.edits)
            print(f"preview refresh over HTTP, {args.edits} edits of {what} ({errors} errors): {ms(refresh)}")
            figures["refresh_http_s"] = refresh
            baseline = bench_check_cli(root, path)
            print(f"  baseline, `tbkl check FILE` after each save: {ms(baseline)}")
            figures["baseline_check_cli_s"] = baseline
            if not args.no_browser:
                browser = bench_browser(server, path, args.edits)
                if isinstance(browser, str):
                    print(f"preview refresh in Chromium: not measured ({browser})")
                else:
                    print(
                        f"preview refresh in Chromium at 1366×768, {args.edits} edits of {what}, request → preview drawn: {ms(browser)}; the page waits 120 ms of pause first"
                    )
                    figures["refresh_browser_s"] = browser
            more, _ = bench_refresh(server, path, max(0, args.previews - args.edits))
            rss = server.rss_mib()
            figures["rss_after_previews_mib"] = rss
            start_rss = figures["rss_start_mib"]
            if rss is not None and start_rss is not None:
                print(f"server memory (RSS): {start_rss:.1f} MiB after start, {rss:.1f} MiB after {args.previews}+ previews")
            exact = bench_exact(server, path, args.exact)
            if isinstance(exact, str):
                print(f"exact page: not measured ({exact})")
            else:
                times, pages = exact
                print(f"exact page ({pages} pages, render + LibreOffice + PNG), after a first run: {ms(times)}")
                figures["exact_s"] = times
                figures["exact_pages"] = pages
                plain = bench_soffice(server, path, Path(folder), args.exact)
                if not isinstance(plain, str):
                    print(f"  baseline, `soffice --convert-to pdf` of the same .docx: {ms(plain)}")
                    figures["baseline_soffice_s"] = plain
        finally:
            server.stop()
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
