"""Benchmark PDF export and previews against LibreOffice started once per file.

Run from the repository root:

    python benchmarks/bench_pdf.py                  # 50 notices, 2 side-by-side rounds, 20 previews
    python benchmarks/bench_pdf.py --count 20 --rounds 1 --previews 10 --json /tmp/pdf.json

It prints, in one run on one machine:

* per-notice PDF time for --count notices, side by side in each round (same files, seconds apart):
  (ours, as `tbkl render --pdf` does it) `commands.pdf.convert_on` with `office_count(files)`
  LibreOffices driven over UNO (one per CPU for a large batch, each taking the next file), their
  starts and shutdowns included; (ours, warm) one `Office` — one LibreOffice driven over UNO — converting the whole batch, its
  start and shutdown included; (ours, one start) the route without UNO, one `soffice --convert-to`
  given every file; (baseline) one `soffice --headless --convert-to pdf` process per file, as a
  user would script it, all sharing one already initialised profile (so the baseline does not pay
  for profile creation); the ratio baseline / ours per round and the median;
* `tbkl render --force --pdf` end to end on the same notices, next to `tbkl render --force`;
* warm single-notice preview latency: one `Office` kept open, a one-page notice converted and drawn
  as PNG (`preview_docx`) --previews times after a first one; median and worst, and the PDF part.

The notices come from benchmarks/bench_batch.py's generator (fixed seed). Needs LibreOffice with a
UNO Python (python3-uno) and poppler-utils.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_batch import SEED, generate  # noqa: E402

from tbkl_gen.commands.pdf import convert_on, office_count, preview_docx  # noqa: E402
from tbkl_gen.office.locate import require_soffice  # noqa: E402
from tbkl_gen.office.pdf import page_count  # noqa: E402
from tbkl_gen.office.server import Office  # noqa: E402

TARGET_RATIO = 10.0  # issue 22: the PDF batch at least 10x faster than one soffice per file


def say(text: str = "") -> None:
    print(text, flush=True)


def tbkl(*args: str) -> list[str]:
    return [sys.executable, "-m", "tbkl_gen", *args]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def per_file_baseline(soffice: Path, docx_files: list[Path], out: Path, profile: Path) -> float:
    """Convert each file with its own `soffice --convert-to pdf` process; return the wall time."""
    started = time.perf_counter()
    for docx in docx_files:
        subprocess.run(
            [
                str(soffice),
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                str(docx),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
            timeout=300,
        )
    return time.perf_counter() - started


def ours(docx_files: list[Path], out: Path, *, warm: bool) -> tuple[float, int]:
    """Convert the batch with one Office; return the wall time (start and stop included) and starts."""
    started = time.perf_counter()
    with Office(warm=warm) as office:
        conversions = office.convert([(docx, out / f"{docx.stem}.pdf") for docx in docx_files])
        starts = office.starts
    seconds = time.perf_counter() - started
    failed = [c for c in conversions if c.error]
    if failed:
        raise SystemExit(f"conversion failed: {failed[0]}")
    return seconds, starts


def ours_pool(docx_files: list[Path], out: Path) -> tuple[float, int, int]:
    """Convert the batch as `tbkl render --pdf` does; return the wall time, the LibreOffices and their starts."""
    count = office_count(len(docx_files))
    started = time.perf_counter()
    offices = [Office() for _ in range(count)]
    try:
        conversions = convert_on(offices, [(docx, out / f"{docx.stem}.pdf") for docx in docx_files])
        starts = sum(office.starts for office in offices)
    finally:
        for office in offices:
            office.close()
    seconds = time.perf_counter() - started
    failed = [c for c in conversions if c.error]
    if failed:
        raise SystemExit(f"conversion failed: {failed[0]}")
    return seconds, count, starts


def one_page_notice(folder: Path) -> Path:
    """Write a short notice (the seed's opening paragraph and its closing) that fits on one page."""
    import yaml

    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data["noi_dung"] = [data["noi_dung"][0], data["noi_dung"][-1]]
    path = folder / "mot-trang.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--previews", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    soffice = require_soffice("đo tốc độ")
    results: dict = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "system": platform.platform()}}
    version = subprocess.run([str(soffice), "--version"], capture_output=True, text=True).stdout.strip()
    results["machine"]["libreoffice"] = version
    say(f"LibreOffice: {version}; {os.cpu_count()} CPUs; load average {os.getloadavg() if hasattr(os, 'getloadavg') else '?'}")

    with tempfile.TemporaryDirectory(prefix="tbkl-bench-pdf-") as tmp:
        work = Path(tmp)
        generate(work / "notices", args.count)
        subprocess.run(tbkl("render", str(work / "notices"), "-o", str(work / "docx"), "--quiet"), env=env(), check=True)
        docx_files = sorted((work / "docx").glob("*.docx"))
        profile = work / "baseline-profile"
        per_file_baseline(soffice, docx_files[:1], work / "warmup", profile)  # the baseline's profile, made once

        say(f"\nPDF of {len(docx_files)} notices, side by side (per notice):")
        rounds = []
        for number in range(1, args.rounds + 1):
            base = per_file_baseline(soffice, docx_files, work / f"base-{number}", profile)
            pool, offices, pool_starts = ours_pool(docx_files, work / f"pool-{number}")
            warm, warm_starts = ours(docx_files, work / f"warm-{number}", warm=True)
            cold, cold_starts = ours(docx_files, work / f"cold-{number}", warm=False)
            row = {
                "baseline_ms": 1000 * base / len(docx_files),
                "pool_ms": 1000 * pool / len(docx_files),
                "offices": offices,
                "warm_ms": 1000 * warm / len(docx_files),
                "one_start_ms": 1000 * cold / len(docx_files),
                "starts": {"pool": pool_starts, "warm": warm_starts, "one_start": cold_starts, "baseline": len(docx_files)},
            }
            row["ratio_pool"] = row["baseline_ms"] / row["pool_ms"]
            row["ratio_warm"] = row["baseline_ms"] / row["warm_ms"]
            row["ratio_one_start"] = row["baseline_ms"] / row["one_start_ms"]
            rounds.append(row)
            say(
                f"  round {number}: baseline {row['baseline_ms']:.0f} ms ({len(docx_files)} starts), "
                f"ours as render --pdf {row['pool_ms']:.0f} ms ({offices} LibreOffices) = {row['ratio_pool']:.1f}x, "
                f"ours warm {row['warm_ms']:.0f} ms ({warm_starts} start) = {row['ratio_warm']:.1f}x, "
                f"ours one --convert-to {row['one_start_ms']:.0f} ms ({cold_starts} start) = {row['ratio_one_start']:.1f}x"
            )
        results["pdf_rounds"] = rounds
        median_ratio = statistics.median(r["ratio_pool"] for r in rounds)
        results["pdf_ratio_median"] = median_ratio
        results["pdf_ratio_median_one_office"] = statistics.median(r["ratio_warm"] for r in rounds)
        pages = [page_count((work / "warm-1" / f"{d.stem}.pdf").read_bytes()) for d in docx_files]
        say(
            f"  median ratio (as render --pdf) {median_ratio:.1f}x (one LibreOffice: {results['pdf_ratio_median_one_office']:.1f}x), target >= {TARGET_RATIO:.0f}x: {'met' if median_ratio >= TARGET_RATIO else 'NOT met'}"
        )
        say(f"  pages per notice: {min(pages)}-{max(pages)}, {sum(pages)} in all")

        say("\nEnd to end, tbkl render --force (wall):")
        for label, extra in (("docx only", []), ("with --pdf", ["--pdf"])):
            started = time.perf_counter()
            subprocess.run(
                tbkl("render", str(work / "notices"), "-o", str(work / "e2e"), "--force", "--quiet", *extra),
                env=env(),
                check=True,
                stderr=subprocess.DEVNULL,
            )
            seconds = time.perf_counter() - started
            results[f"e2e_{label}"] = seconds
            say(f"  {label}: {seconds:.2f} s ({1000 * seconds / len(docx_files):.0f} ms a notice)")

        say(f"\nWarm preview of a one-page notice ({args.previews} after a first one):")
        short = one_page_notice(work)
        subprocess.run(tbkl("render", str(short), "-o", str(work / "short"), "--quiet"), env=env(), check=True)
        docx = work / "short" / "mot-trang.docx"
        latencies, pdf_only = [], []
        with Office() as office:
            started = time.perf_counter()
            first = preview_docx(office, docx, work / "png")
            first_s = time.perf_counter() - started
            for index in range(args.previews):
                started = time.perf_counter()
                pages_drawn = preview_docx(office, docx, work / "png")
                latencies.append(time.perf_counter() - started)
                started = time.perf_counter()
                office.convert([(docx, work / f"p{index}.pdf")])
                pdf_only.append(time.perf_counter() - started)
        assert len(first) == len(pages_drawn) == 1, "the short notice should be one page"
        results["preview"] = {
            "first_s": first_s,
            "median_s": statistics.median(latencies),
            "worst_s": max(latencies),
            "pdf_median_s": statistics.median(pdf_only),
            "pdf_worst_s": max(pdf_only),
        }
        p = results["preview"]
        say(f"  first (LibreOffice start included): {first_s * 1000:.0f} ms")
        say(f"  later previews (PDF + PNG at 110 dpi): median {p['median_s'] * 1000:.0f} ms, worst {p['worst_s'] * 1000:.0f} ms")
        say(f"  of which the PDF: median {p['pdf_median_s'] * 1000:.0f} ms, worst {p['pdf_worst_s'] * 1000:.0f} ms")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    if shutil.which("pdftocairo") is None:
        raise SystemExit("pdftocairo (poppler-utils) is needed")
    main()
