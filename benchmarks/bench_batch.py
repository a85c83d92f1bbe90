"""Benchmark `tbkl render` on many notices against a naive docxtpl loop and pandoc.

Run from the repository root:

    python benchmarks/bench_batch.py                 # 1,000 notices, everything
    python benchmarks/bench_batch.py --count 200 --keep /tmp/tbkl-bench --json result.json

It prints, in one run on one machine:

* the per-notice wall time of the real CLI (`python -m tbkl_gen render DIR -o OUT --force`), for
  `--jobs 1` and `--jobs 2`/default, each the median of `--repeats` runs into a fresh output folder;
* baseline (a): an in-process loop `DocxTemplate(path)`, `render(context, make_environment())`,
  `save(BytesIO)` per notice with the contexts the tool builds, prepared before timing;
* baseline (b): `pandoc in.md -o out.docx` per notice on an equivalent Markdown file (if pandoc is
  on PATH; otherwise it says why it was not measured);
* a no-op re-run over the unchanged notices; a cold single-notice render with its interpreter start
  and import costs (`python -X importtime`); peak memory; the `--jobs 2` speed-up;
* where the time goes: a per-stage breakdown in-process and a cProfile of a 200-notice batch.

Needs only the project's dependencies; pandoc and psutil are optional. The CLI is run from this
checkout (PYTHONPATH is set to the repository root), so no install is needed.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import hashlib
import io
import json
import os
import platform
import pstats
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SEED = REPO / "notices" / "2021" / "tbkl-thong-tin-doi-ngoai.yaml"

TARGETS = {
    "vs_naive": 10.0,  # at least 10x faster per notice than baseline (a) (issue 22; 8x before)
    "vs_pandoc": 60.0,  # at least 60x faster per notice than baseline (b) (issue 22; 15x before)
    "noop_s": 0.3,  # no-op re-run over the unchanged notices, wall
    "single_s": 0.25,  # cold single-notice render, wall
    "rss_mb": 150.0,  # peak RSS of the full run
}

# --------------------------------------------------------------------------------------------
# Generating distinct notices from the seed
# --------------------------------------------------------------------------------------------

PROVINCES = [
    ("TỈNH QUẢNG NAM", "Quảng Nam"),
    ("TỈNH LÂM ĐỒNG", "Lâm Đồng"),
    ("TỈNH LÀO CAI", "Lào Cai"),
    ("TỈNH NGHỆ AN", "Nghệ An"),
    ("TỈNH GIA LAI", "Gia Lai"),
    ("TỈNH ĐỒNG THÁP", "Đồng Tháp"),
    ("THÀNH PHỐ ĐÀ NẴNG", "Đà Nẵng"),
    ("THÀNH PHỐ HÀ NỘI", "Hà Nội"),
    ("TỈNH THANH HÓA", "Thanh Hóa"),
    ("TỈNH KHÁNH HÒA", "Khánh Hòa"),
]
LEADERS = [
    "Hồ Quang Bửu", "Nguyễn Ngọc Phúc", "Trần Văn Minh", "Lê Thị Thu Hà", "Phạm Đức Thắng",
    "Đỗ Thanh Bình", "Bùi Thị Lan", "Hoàng Minh Tuấn", "Ngô Quang Huy", "Đặng Thị Mai",
]  # fmt: skip
SIGNERS = ["Võ Văn Viên", "Trịnh Ngọc Duệ", "Nguyễn Văn Hùng", "Lê Minh Khoa", "Phan Thị Hồng", "Trương Công Danh"]
POSITIONS = [
    "Chủ tịch UBND tỉnh",
    "Phó Chủ tịch UBND tỉnh",
    "Phó Chủ tịch Thường trực UBND tỉnh",
    "Tỉnh ủy viên, Phó Chủ tịch UBND tỉnh",
]
MEETINGS = [
    "Hội nghị tổng kết 05 năm", "Hội nghị sơ kết 6 tháng", "buổi làm việc với các sở, ngành về",
    "cuộc họp nghe báo cáo tình hình", "buổi kiểm tra thực địa về", "Hội nghị triển khai nhiệm vụ",
]  # fmt: skip
TOPICS = [
    "nâng cao chất lượng hoạt động thông tin đối ngoại", "chuyển đổi số và phát triển chính quyền số",
    "giải ngân vốn đầu tư công", "phòng, chống thiên tai và tìm kiếm cứu nạn",
    "quy hoạch chung xây dựng xã", "phát triển cụm công nghiệp", "cải cách hành chính",
    "xây dựng nông thôn mới", "quản lý, bảo vệ và phát triển rừng", "bảo đảm an toàn thực phẩm",
    "phát triển du lịch cộng đồng", "bảo đảm an toàn, an ninh mạng", "phát triển khoa học và công nghệ",
    "chăm sóc sức khỏe Nhân dân", "giáo dục nghề nghiệp và việc làm", "bảo vệ môi trường lưu vực sông",
    "phát triển nhà ở xã hội", "quản lý đất đai và khoáng sản", "thu ngân sách nhà nước",
    "phòng cháy, chữa cháy và cứu nạn, cứu hộ",
]  # fmt: skip
AGENCIES = [
    "Sở Thông tin và Truyền thông", "Sở Khoa học và Công nghệ", "Sở Tài chính", "Sở Nội vụ",
    "Sở Xây dựng", "Sở Công Thương", "Sở Nông nghiệp và Môi trường", "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Y tế", "Sở Giáo dục và Đào tạo", "Công an tỉnh", "Văn phòng UBND tỉnh",
]  # fmt: skip
VERBS = [
    "khẩn trương rà soát, tổng hợp", "nghiên cứu, tham mưu UBND tỉnh về", "tổ chức triển khai thực hiện",
    "xây dựng kế hoạch chi tiết về", "đánh giá kết quả thực hiện", "hướng dẫn, đôn đốc các địa phương về",
    "chủ động bố trí nguồn lực cho", "tăng cường kiểm tra, giám sát",
]  # fmt: skip
OBJECTS = [
    "các nhiệm vụ, giải pháp trọng tâm về {topic}", "{topic} trên địa bàn tỉnh", "danh mục dự án ưu tiên về {topic}",
    "nguồn kinh phí thực hiện nhiệm vụ {topic}", "cơ chế phối hợp giữa các cơ quan trong {topic}",
    "các khó khăn, vướng mắc trong {topic}",
]  # fmt: skip
QUALITIES = [
    "đúng tiến độ, chất lượng và hiệu quả", "công khai, minh bạch, đúng quy định của pháp luật",
    "tiết kiệm, tránh lãng phí", "thống nhất, đồng bộ từ tỉnh đến cơ sở", "phù hợp với điều kiện thực tiễn của địa phương",
]  # fmt: skip
RECIPIENTS = [
    "CT, các PCT UBND tỉnh", "Các sở, ban, ngành", "UBND các xã, phường", "CVP, các PCVP UBND tỉnh",
    "Báo và Đài Phát thanh - Truyền hình tỉnh", "Cổng Thông tin điện tử tỉnh", "Thường trực Tỉnh ủy",
    "Thường trực HĐND tỉnh", "Ủy ban MTTQ Việt Nam tỉnh", "Các phòng thuộc VP UBND tỉnh",
]  # fmt: skip
UNITS = ["KGVX", "KTTH", "NC", "TH", "KTN", "HCTC"]


class _Gen:
    """Deterministic sentences and paragraphs of varied length."""

    def __init__(self, rng: random.Random, topic: str) -> None:
        self.rng = rng
        self.topic = topic

    def date_text(self) -> str:
        r = self.rng
        return f"{r.randint(1, 28)}/{r.randint(1, 12)}/{r.choice([2022, 2023, 2024, 2025, 2026])}"

    def sentence(self) -> str:
        r = self.rng
        kind = r.randrange(5)
        obj = r.choice(OBJECTS).format(topic=r.choice([self.topic, *r.sample(TOPICS, 1)]))
        if kind == 0:
            a, b = r.sample(AGENCIES, 2)
            deadline = f"; báo cáo UBND tỉnh trước ngày {self.date_text()}" if r.random() < 0.5 else ""
            return f"{a} chủ trì, phối hợp với {b} và các đơn vị liên quan {r.choice(VERBS)} {obj}{deadline}."
        if kind == 1:
            return f"Đề nghị các cơ quan, đơn vị {r.choice(VERBS)} {obj}, bảo đảm {r.choice(QUALITIES)}."
        if kind == 2:
            return "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, kịp thời báo cáo UBND tỉnh xem xét, chỉ đạo."
        if kind == 3:
            share = r.randint(40, 98)
            return (
                f"Đến nay, kết quả {self.topic} đạt {share}% kế hoạch năm; tuy nhiên, tiến độ ở một số đơn vị còn chậm, "
                f"chưa đáp ứng yêu cầu, cần được {r.choice(VERBS)} {obj}."
            )
        return f"{r.choice(AGENCIES)} có trách nhiệm {r.choice(VERBS)} {obj}, bảo đảm {r.choice(QUALITIES)}."

    def paragraph(self, low: int = 1, high: int = 5) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))


def make_notice(index: int, rng: random.Random, today: dt.date) -> dict:
    """Return the data of one notice: the seed's shape with varied text, lengths and structure."""
    ten, dia_danh = rng.choice(PROVINCES)
    topic = rng.choice(TOPICS)
    gen = _Gen(rng, topic)
    leader, position = rng.choice(LEADERS), rng.choice(POSITIONS)
    meeting_kind = rng.choice(MEETINGS)
    latest = min(today, dt.date(2025, 6, 1))
    meeting = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange((latest - dt.date(2019, 1, 1)).days - 20))
    data: dict = {"phien_ban": 1}
    office = rng.random() < 0.2
    if office:
        data["co_quan"] = {"chu_quan": f"UBND {ten}", "ten": ["VĂN PHÒNG"], "viet_tat": "VPUBND"}
    else:
        data["co_quan"] = {"ten": ["ỦY BAN NHÂN DÂN", ten], "viet_tat": "UBND"}
    roll = rng.random()
    if roll < 0.6:  # issued: full date and a number, unique across the set
        data["so"] = str(index + 1)
        data["dia_danh"] = dia_danh
        data["ngay"] = meeting + dt.timedelta(days=rng.randint(0, 15))
    elif roll < 0.85:  # draft, month known
        data["so"] = None
        data["dia_danh"] = dia_danh
        data["ngay"] = f"{meeting.year}-{meeting.month:02d}"
    else:  # draft, year only
        data["so"] = None
        data["dia_danh"] = dia_danh
        data["ngay"] = meeting.year
    data["ngay_hop"] = meeting
    if rng.random() < 0.05:
        data["do_khan"] = "KHẨN"
    where = f"{meeting_kind} {topic}"
    summary = f"Kết luận của đồng chí {leader}, {position} tại {where}"
    if rng.random() < 0.5:
        summary += f" trên địa bàn tỉnh giai đoạn {meeting.year - 4}-{meeting.year}"
    if rng.random() < 0.3:
        summary += f" (phiên thứ {index % 40 + 1})"
    data["trich_yeu"] = summary
    intro = (
        f"Ngày {meeting.day}/{meeting.month}/{meeting.year}, đồng chí {leader}, {position} chủ trì {where}. "
        f"Tham dự có đại diện lãnh đạo {', '.join(rng.sample(AGENCIES, rng.randint(2, 6)))} và các đơn vị liên quan."
    )
    if rng.random() < 0.15:
        intro += " Hội nghị được tổ chức theo hình thức **trực tiếp kết hợp trực tuyến**^[Tại điểm cầu tỉnh và các điểm cầu cấp xã.]."
    blocks: list = [intro]
    lead = f"Sau khi nghe {rng.choice(AGENCIES)} báo cáo và ý kiến của các đại biểu dự họp"
    if rng.random() < 0.6:
        lead = gen.paragraph(0, 3) + " " + lead if rng.random() < 0.5 else lead
    blocks.append(f"{lead.strip()}, đồng chí {leader}, {position} kết luận:")
    for _ in range(rng.randint(2, 12)):
        shape = rng.random()
        if shape < 0.55:
            blocks.append({"khoan": gen.paragraph(1, 6)})
        elif shape < 0.8:  # a titled khoan with points, some with dashes under them
            points = []
            for _ in range(rng.randint(2, 5)):
                point: dict = {"diem": gen.paragraph(1, 3)}
                if rng.random() < 0.25:
                    point["noi_dung"] = [{"gach": gen.paragraph(1, 2)} for _ in range(rng.randint(2, 4))]
                points.append(point)
            blocks.append({"khoan": f"Về {rng.choice(TOPICS)}", "tieu_de": True, "noi_dung": points})
        else:  # a khoan followed by dash items
            blocks.append(
                {
                    "khoan": gen.paragraph(1, 2),
                    "noi_dung": [{"gach": gen.paragraph(1, 2)} for _ in range(rng.randint(2, 5))],
                }
            )
    blocks.append(
        f"Trên đây là kết luận của đồng chí {leader}, {position} tại {where}. "
        "Đề nghị các cơ quan, đơn vị, địa phương khẩn trương phối hợp triển khai thực hiện đạt kết quả./."
    )
    data["noi_dung"] = blocks
    data["noi_nhan"] = rng.sample(RECIPIENTS, rng.randint(3, 7))
    data["luu"] = f"VT, {rng.choice(UNITS)}"
    if office:
        signer = rng.choice([(["KT. CHÁNH VĂN PHÒNG"], "PHÓ CHÁNH VĂN PHÒNG"), ([], "CHÁNH VĂN PHÒNG")])
    else:
        signer = rng.choice(
            [
                (["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG"], "PHÓ CHÁNH VĂN PHÒNG"),
                (["TL. CHỦ TỊCH"], "CHÁNH VĂN PHÒNG"),
                (["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], "PHÓ CHỦ TỊCH"),
                (["KT. CHỦ TỊCH"], "PHÓ CHỦ TỊCH"),
            ]
        )
    data["nguoi_ky"] = {"quyen_han": signer[0], "chuc_vu": signer[1], "ho_ten": rng.choice(SIGNERS)}
    return data


def generate(folder: Path, count: int, seed: int = 20211222) -> list[tuple[Path, dict]]:
    """Write count distinct notices as YAML under folder; return (path, data) for each."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when present: same YAML, faster
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    today = dt.date.today()
    seen: set[str] = set()
    made: list[tuple[Path, dict]] = []
    header = f"# Generated by benchmarks/bench_batch.py from the shape of {SEED.relative_to(REPO).as_posix()}\n"
    index = 0
    while len(made) < count:
        data = make_notice(index, rng, today)
        index += 1
        text = header + yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100)
        digest = hashlib.sha256(text.split("\n", 1)[1].encode()).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        path = folder / f"tb-{len(made) + 1:04d}.yaml"
        path.write_text(text, encoding="utf-8")
        made.append((path, data))
    return made


def to_markdown(data: dict) -> str:
    """Return a Markdown file equivalent to a notice, for pandoc."""
    co = data["co_quan"]
    out = []
    if co.get("chu_quan"):
        out += [co["chu_quan"], ""]
    out += ["**" + " ".join(co["ten"]) + "**", ""]
    out += [f"Số: {data.get('so') or '      '}/TB-{co['viet_tat']}", ""]
    day = data["ngay"]
    if isinstance(day, dt.date):
        when = f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    else:
        when = f"ngày      tháng      năm {str(day)[:4]}"
    out += [f"*{data['dia_danh']}, {when}*", ""]
    if data.get("do_khan"):
        out += [f"**{data['do_khan']}**", ""]
    out += ["# THÔNG BÁO", "", f"**{data['trich_yeu']}**", ""]
    number = 0
    for block in data["noi_dung"]:
        if isinstance(block, str):
            out += [block, ""]
            continue
        number += 1
        text = f"**{block['khoan']}**" if block.get("tieu_de") else block["khoan"]
        out += [f"{number}. {text}", ""]
        for letter, child in zip("abcdefghiklmn", block.get("noi_dung", []), strict=False):
            if "diem" in child:
                out += [f"    {letter}) {child['diem']}", ""]
                for dash in child.get("noi_dung", []):
                    out += [f"        - {dash['gach']}", ""]
            elif "gach" in child:
                out += [f"    - {child['gach']}", ""]
    out += ["**Nơi nhận:**", ""]
    out += [f"- {item};" for item in data["noi_nhan"]] + [f"- Lưu: {data['luu']}.", ""]
    signer = data["nguoi_ky"]
    out += [f"**{line}**  " for line in signer["quyen_han"]]
    out += [f"**{signer['chuc_vu']}**", "", f"**{signer['ho_ten']}**", ""]
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# Running the CLI: a fresh wrapper process per run, for wall time and peak memory
# --------------------------------------------------------------------------------------------

# Runs the command, times it, and reports getrusage(RUSAGE_CHILDREN).ru_maxrss (the largest single
# descendant that was waited for) and, with psutil and sampling on, the peak of the summed RSS and
# PSS of the whole process tree (main process + pool workers), sampled every 20 ms.
WRAPPER = r"""
import json, os, resource, subprocess, sys, threading, time
spec = json.loads(sys.argv[1])
def busy():
    try:
        with open("/proc/stat") as stat:
            v = [int(x) for x in stat.readline().split()[1:9]]
        return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / os.sysconf("SC_CLK_TCK")
    except Exception:
        return None
peak = {"rss": 0, "pss": 0, "procs": 0}
done = threading.Event()
def sample(pid):
    import psutil
    try:
        root = psutil.Process(pid)
    except psutil.Error:
        return
    while not done.is_set():
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            break
        rss = pss = 0
        for p in procs:
            try:
                info = p.memory_full_info()
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
            except psutil.Error:
                pass
        if rss > peak["rss"]:
            peak["rss"] = rss
        if pss > peak["pss"]:
            peak["pss"] = pss
        peak["procs"] = max(peak["procs"], len(procs))
        done.wait(0.02)
busy_before = busy()
started = time.perf_counter()
child = subprocess.Popen(spec["argv"], cwd=spec["cwd"], env=spec["env"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
thread = None
if spec.get("sample"):
    try:
        import psutil  # noqa: F401
        thread = threading.Thread(target=sample, args=(child.pid,), daemon=True)
        thread.start()
    except ImportError:
        pass
out, err = child.communicate()
wall = time.perf_counter() - started
busy_after = busy()
done.set()
if thread is not None:
    thread.join()
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "wall": wall, "rc": child.returncode, "maxrss_kb": usage.ru_maxrss,
    "tree_rss_kb": peak["rss"] // 1024 if thread else None,
    "tree_pss_kb": peak["pss"] // 1024 if thread else None,
    "tree_procs": peak["procs"] if thread else None,
    "user": usage.ru_utime, "sys": usage.ru_stime,
    "busy_s": None if busy_before is None or busy_after is None else busy_after - busy_before,
    "stdout": out.decode("utf-8", "replace")[-4000:], "stderr": err.decode("utf-8", "replace")[-4000:],
}))
"""


# Where the CLI subprocesses keep their bytecode (set by main). A pip-installed tool has .pyc files
# for every module; a checkout run with PYTHONDONTWRITEBYTECODE=1 recompiles tbkl_gen at every start.
# By default the children get a private PYTHONPYCACHEPREFIX (warmed by a first run), so the figures
# are those of an installed tool and nothing is written into the checkout.
BYTECODE = {"prefix": None}
GET_PANDOC = {"get": False}  # --get-pandoc: install pandoc (PANDOC_INSTALL) when it is missing


def child_env(*, as_is: bool = False) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env["NO_COLOR"] = "1"
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    if BYTECODE["prefix"] and not as_is:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = BYTECODE["prefix"]
    return env


def run_measured(argv: list[str], cwd: Path, *, sample: bool = False, as_is: bool = False) -> dict:
    wait_idle()
    spec = {"argv": argv, "cwd": str(cwd), "env": child_env(as_is=as_is), "sample": sample}
    done = subprocess.run([sys.executable, "-c", WRAPPER, json.dumps(spec)], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    if result.get("busy_s") is not None:
        # CPU time the whole machine spent beyond this run's own: other processes (or steal)
        foreign = max(0.0, result["busy_s"] - result["user"] - result["sys"])
        result["foreign_share"] = foreign / (result["wall"] * (os.cpu_count() or 1))
        NOISE.append(result["foreign_share"])
    return result


# --------------------------------------------------------------------------------------------
# Noise: CPU used by other processes while we measure
# --------------------------------------------------------------------------------------------

NOISE: list[float] = []  # per measured run: share of the machine's CPU used by others
IDLE = {"wait": 0.0, "threshold": 0.10, "timeouts": 0}


def machine_busy_seconds() -> float | None:
    """Return the CPU seconds all CPUs have been busy since boot (user+nice+system+irq+steal)."""
    try:
        with open("/proc/stat") as stat:
            v = [int(x) for x in stat.readline().split()[1:9]]
        return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def foreign_share(window: float = 1.0) -> float | None:
    """Return the share of all CPUs busy over window seconds while this script sleeps."""
    before = machine_busy_seconds()
    if before is None:
        return None
    time.sleep(window)
    return (machine_busy_seconds() - before) / (window * (os.cpu_count() or 1))


def wait_idle() -> None:
    """With --wait-idle, wait until other processes use under 10% of the CPUs (or time out)."""
    if IDLE["wait"] <= 0:
        return
    deadline = time.monotonic() + IDLE["wait"]
    while time.monotonic() < deadline:
        share = foreign_share(1.0)
        if share is None or share < IDLE["threshold"]:
            return
    IDLE["timeouts"] += 1


@contextlib.contextmanager
def measured_noise(label: str):
    """Record the share of CPU used by other processes during an in-process measurement."""
    wait_idle()
    before = machine_busy_seconds()
    own_before = time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    yield
    wall = time.perf_counter() - started
    after = machine_busy_seconds()
    if before is None or after is None or wall <= 0:
        return
    later = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = time.process_time() - own_before + (later.ru_utime + later.ru_stime) - (children.ru_utime + children.ru_stime)
    share = max(0.0, (after - before) - own) / (wall * (os.cpu_count() or 1))
    NOISE.append(share)
    if share > IDLE["threshold"]:
        say(f"    (other processes used {share:.0%} of the CPUs during {label})")


def tbkl(*args: str) -> list[str]:
    return [sys.executable, "-m", "tbkl_gen", *args]


def summary_counts(stderr: str) -> tuple[int, int, int] | None:
    """Return (made, unchanged, failed) from the CLI's summary line."""
    match = re.search(r"Đã tạo (\d+), không đổi (\d+), lỗi (\d+)(?:.*?\((\d+),(\d+) giây\))?", stderr)
    return tuple(int(g) for g in match.groups()[:3]) if match else None


def internal_seconds(stderr: str) -> float | None:
    match = re.search(r"\((\d+),(\d+) giây\)", stderr)
    return float(f"{match.group(1)}.{match.group(2)}") if match else None


def expect(result: dict, made: int, unchanged: int, what: str) -> None:
    counts = summary_counts(result["stderr"])
    if result["rc"] != 0 or counts != (made, unchanged, 0):
        raise SystemExit(f"{what}: unexpected result rc={result['rc']} counts={counts}\n{result['stderr'][-2000:]}")


# --------------------------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------------------------


def say(text: str = "") -> None:
    print(text, flush=True)


def check_sample(paths: list[Path], work: Path, size: int) -> tuple[int, str]:
    sample = random.Random(7).sample(paths, min(size, len(paths)))
    done = subprocess.run(
        tbkl("check", "--strict", *map(str, sample)),
        cwd=work,
        env=child_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    return len(sample), (done.stdout + done.stderr).strip() if done.returncode else ""


def bench_cli_full(notices: Path, work: Path, count: int, repeats: int, job_settings: list[tuple[str, list[str]]], results: dict) -> None:
    out = work / "out"
    for label, flags in job_settings:
        walls, rss, internal, noise = [], [], [], []
        for _ in range(repeats):
            shutil.rmtree(out, ignore_errors=True)
            r = run_measured(tbkl("render", str(notices), "-o", str(out), "--force", *flags), work)
            expect(r, count, 0, f"render {label}")
            walls.append(r["wall"])
            rss.append(r["maxrss_kb"])
            internal.append(internal_seconds(r["stderr"]))
            noise.append(r.get("foreign_share") or 0.0)
        # one more run with the process tree sampled (psutil), for the summed memory of the pool
        shutil.rmtree(out, ignore_errors=True)
        sampled = run_measured(tbkl("render", str(notices), "-o", str(out), "--force", *flags), work, sample=True)
        expect(sampled, count, 0, f"render {label} (sampled)")
        wall = statistics.median(walls)
        results["cli"][label] = {
            "walls": walls,
            "wall": wall,
            "per_notice_ms": wall / count * 1000,
            "internal_s": statistics.median(x for x in internal if x is not None) if any(internal) else None,
            "maxrss_mb": max(rss) / 1024,
            "tree_rss_mb": sampled["tree_rss_kb"] / 1024 if sampled["tree_rss_kb"] else None,
            "tree_pss_mb": sampled["tree_pss_kb"] / 1024 if sampled["tree_pss_kb"] else None,
            "tree_procs": sampled["tree_procs"],
            "cpu_s": sampled["user"] + sampled["sys"],
            "others_cpu_share": noise,
        }
        c = results["cli"][label]
        tree = (
            f", tree RSS sum {c['tree_rss_mb']:.0f} MB / PSS sum {c['tree_pss_mb']:.0f} MB over {c['tree_procs']} procs"
            if c["tree_rss_mb"]
            else ""
        )
        say(
            f"  tbkl render --force {' '.join(flags) or '(default jobs)'}: median {wall:.2f} s "
            f"({', '.join(f'{w:.2f}' for w in walls)}) = {c['per_notice_ms']:.2f} ms/notice; "
            f"tool's own timer {c['internal_s']} s; max single-process RSS {c['maxrss_mb']:.0f} MB{tree}; "
            f"CPU {c['cpu_s']:.1f} s; other processes used up to {max(noise):.0%} of the CPUs"
        )


def bench_noop(notices: Path, work: Path, count: int, repeats: int, results: dict) -> None:
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    expect(run_measured(tbkl("render", str(notices), "-o", str(out), "--force"), work), count, 0, "render before no-op")
    walls, internal, noise = [], [], []
    for _ in range(repeats):
        r = run_measured(tbkl("render", str(notices), "-o", str(out)), work)
        noise.append(r.get("foreign_share") or 0.0)
        expect(r, 0, count, "no-op render")
        walls.append(r["wall"])
        internal.append(internal_seconds(r["stderr"]))
    results["noop"] = {"walls": walls, "wall": statistics.median(walls), "internal_s": statistics.median(internal)}
    say(
        f"  no-op re-run over {count} unchanged notices: median {results['noop']['wall']:.3f} s wall ({', '.join(f'{w:.3f}' for w in walls)}); tool's own timer {results['noop']['internal_s']} s; others used up to {max(noise):.0%} of the CPUs"
    )


def parse_importtime(stderr: str) -> list[tuple[str, int, int, int]]:
    """Return (module, depth, self us, cumulative us) for each line of -X importtime output."""
    rows = []
    for line in stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)", line)
        if match:
            rows.append((match.group(4), len(match.group(3)) // 2, int(match.group(1)), int(match.group(2))))
    return rows


def bench_single(one: Path, work: Path, repeats: int, results: dict) -> None:
    env = child_env()

    def wall_of(argv: list[str]) -> float:
        wait_idle()
        started = time.perf_counter()
        subprocess.run(argv, cwd=work, env=env, capture_output=True, check=True)
        return time.perf_counter() - started

    def render_argv(extra: list[str] = []) -> list[str]:  # noqa: B006
        target = Path(tempfile.mkdtemp(dir=work, prefix="one-"))
        return [sys.executable, *extra, "-m", "tbkl_gen", "render", str(one), "-o", str(target)]

    wall_of(render_argv())  # warm the disk cache and the bytecode cache
    bare = statistics.median(wall_of([sys.executable, "-c", "pass"]) for _ in range(repeats))
    walls = []
    rss = []
    internal = []
    for _ in range(repeats):
        r = run_measured(render_argv(), work)
        expect(r, 1, 0, "single render")
        walls.append(r["wall"])
        rss.append(r["maxrss_kb"])
        internal.append(internal_seconds(r["stderr"]))
    as_is = []
    if BYTECODE["prefix"] and os.environ.get("PYTHONDONTWRITEBYTECODE"):
        for _ in range(repeats):  # as this environment runs it: tbkl_gen recompiled at every start
            r = run_measured(render_argv(), work, as_is=True)
            expect(r, 1, 0, "single render (no bytecode cache)")
            as_is.append(r["wall"])
    # import time: the render minus the imports a bare interpreter does anyway
    bare_imports = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "pass"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    startup = {name for name, *_ in parse_importtime(bare_imports.stderr)}
    profiles = []
    for _ in range(3):  # keep the run with the median total
        wait_idle()
        timed = subprocess.run(render_argv(["-X", "importtime"]), cwd=work, env=env, capture_output=True, text=True, check=True)
        own = [row for row in parse_importtime(timed.stderr) if row[0] not in startup]
        profiles.append((sum(row[2] for row in own) / 1e6, own))
    import_total, own = sorted(profiles, key=lambda item: item[0])[1]
    top = sorted(own, key=lambda row: row[3], reverse=True)[:10]
    by_package: dict[str, int] = {}
    for name, _depth, self_us, _cum in own:
        by_package[name.split(".")[0]] = by_package.get(name.split(".")[0], 0) + self_us
    packages = sorted(by_package.items(), key=lambda item: item[1], reverse=True)[:10]
    # the same imports without the importtime instrumentation: import them all, minus a bare start
    roots = [name for name, depth, *_ in own if depth == 0 and not name.endswith("__main__")]
    # (-X importtime lists a module tried and not found too: `files.sha256_hex` tries `_sha2`, then `_sha256`)
    script = f"import importlib\nfor n in {roots!r}:\n    try:\n        importlib.import_module(n)\n    except ImportError:\n        pass\n"
    imports_only = statistics.median(wall_of([sys.executable, "-c", script]) for _ in range(repeats)) - bare
    tbkl_modules = sorted({name for name, *_ in own if name.startswith("tbkl_gen")})
    wall = statistics.median(walls)
    results["single"] = {
        "walls": walls,
        "wall": wall,
        "bare_interpreter": bare,
        "imports_importtime": import_total,
        "imports_plain": imports_only,
        "work": wall - bare - imports_only,
        "internal_s": statistics.median(internal),
        "wall_without_bytecode_cache": statistics.median(as_is) if as_is else None,
        "maxrss_mb": max(rss) / 1024,
        "top_cumulative": [(name, depth, cum / 1000) for name, depth, _s, cum in top],
        "by_package_ms": [(name, us / 1000) for name, us in packages],
        "tbkl_modules": tbkl_modules,
        "module_count": len(own),
    }
    s = results["single"]
    say(
        f"  cold single-notice render: median {wall * 1000:.0f} ms wall ({', '.join(f'{w * 1000:.0f}' for w in walls)}), peak RSS {s['maxrss_mb']:.0f} MB"
    )
    say(f"    bare interpreter start (python -c pass): {bare * 1000:.0f} ms")
    say(
        f"    imports of the render path: {imports_only * 1000:.0f} ms plain; {import_total * 1000:.0f} ms per -X importtime ({len(own)} modules beyond a bare start)"
    )
    say(
        f"    the rest (reading, checking, rendering, writing, exit): {s['work'] * 1000:.0f} ms; the tool's own timer (render_batch, including its lazy imports): {s['internal_s'] * 1000:.0f} ms"
    )
    if as_is:
        say(
            f"    as this environment runs it (PYTHONDONTWRITEBYTECODE=1, tbkl_gen recompiled each start): median {s['wall_without_bytecode_cache'] * 1000:.0f} ms ({', '.join(f'{w * 1000:.0f}' for w in as_is)})"
        )
    say("    top 10 imports by cumulative time (-X importtime):")
    for name, depth, ms in s["top_cumulative"]:
        say(f"      {ms:7.1f} ms  {'  ' * depth}{name}")
    say("    self import time by top-level package: " + ", ".join(f"{n} {ms:.0f} ms" for n, ms in s["by_package_ms"]))
    say("    tbkl_gen modules imported: " + ", ".join(m.removeprefix("tbkl_gen.") for m in tbkl_modules))


def load_contexts(paths: list[Path]):
    """Return (template path, contexts) built the way the tool builds them, before any timing."""
    from tbkl_gen.word.layout import lay_out
    from tbkl_gen.source.load import load_notice
    from tbkl_gen.word.render import find_template, prepared

    template = find_template(None).resolve()
    contexts = []
    for path in paths:
        loaded = load_notice(path)
        if loaded.notice is None:
            raise SystemExit(f"{path}: did not load: {loaded.problems}")
        contexts.append(prepared(template).context(lay_out(loaded.notice)))
    return template, contexts


def naive_loop(template: Path, contexts: list[dict]) -> tuple[float, list[int]]:
    """Time baseline (a): DocxTemplate(path), render(context), save() per notice; return seconds and sizes."""
    from docxtpl import DocxTemplate

    from tbkl_gen.word.render import make_environment

    sizes = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        started = time.perf_counter()
        for context in contexts:
            doc = DocxTemplate(template)
            doc.render(context, make_environment())
            buffer = io.BytesIO()
            doc.save(buffer)
            sizes.append(buffer.tell())
        return time.perf_counter() - started, sizes


def bench_naive(paths: list[Path], results: dict) -> None:
    template, contexts = load_contexts(paths)
    with measured_noise("baseline (a)"):
        total, sizes = naive_loop(template, contexts)
    results["naive"] = {
        "n": len(contexts),
        "total": total,
        "per_notice_ms": total / len(contexts) * 1000,
        "template": template.name,
    }
    say(
        f"  baseline (a) naive DocxTemplate loop over {len(contexts)} notices: {total:.2f} s = {results['naive']['per_notice_ms']:.1f} ms/notice (template {template.name}, mean output {statistics.mean(sizes) / 1024:.0f} KiB)"
    )


PANDOC_INSTALL = ["apt-get", "install", "-y", "pandoc"]
"""How the side-by-side runs get pandoc (Debian's package; pandoc 2.17 on Debian 12)."""


def find_pandoc(get: bool = False) -> str | None:
    """Return pandoc's path; when it is missing and get is true, install it first (PANDOC_INSTALL, as root)."""
    found = shutil.which("pandoc")
    if found is None and get:
        say(f"  pandoc is missing: {' '.join(PANDOC_INSTALL)}")
        subprocess.run(PANDOC_INSTALL, check=False, stdout=subprocess.DEVNULL)
        found = shutil.which("pandoc")
    return found


def pandoc_files(items: list[tuple[Path, dict]], work: Path) -> list[Path]:
    """Write the Markdown twin of each notice for baseline (b); return the files."""
    folder = work / "markdown"
    folder.mkdir(exist_ok=True)
    files = []
    for path, data in items:
        md = folder / f"{path.stem}.md"
        md.write_text(to_markdown(data), encoding="utf-8")
        files.append(md)
    return files


def pandoc_loop(pandoc: str, files: list[Path]) -> list[float]:
    """Run `pandoc in.md -o out.docx` once per file; return each run's wall seconds."""
    walls = []
    for md in files:
        started = time.perf_counter()
        subprocess.run([pandoc, str(md), "-o", str(md.with_suffix(".docx"))], check=True)
        walls.append(time.perf_counter() - started)
    return walls


def bench_paired(
    paths: list[Path], notices: Path, work: Path, count: int, rounds: int, results: dict, pandoc_items: list[tuple[Path, dict]]
) -> None:
    """Baseline (a), `tbkl render` (default jobs) and baseline (b) one right after the other, `rounds` times.

    The VM's speed drifts by up to a third within minutes; a ratio taken from runs made seconds
    apart is steadier than one taken from runs minutes apart. Baseline (b), pandoc once per
    notice over pandoc_items, runs in each round only when pandoc is installed.
    """
    template, contexts = load_contexts(paths)
    pandoc = find_pandoc() if pandoc_items else None
    files = pandoc_files(pandoc_items, work) if pandoc else []
    out = work / "out"
    pairs = []
    for _ in range(rounds):
        wait_idle()
        naive_s, _ = naive_loop(template, contexts)
        shutil.rmtree(out, ignore_errors=True)
        r = run_measured(tbkl("render", str(notices), "-o", str(out), "--force"), work)
        expect(r, count, 0, "render (paired)")
        naive_ms, ours_ms = naive_s / len(contexts) * 1000, r["wall"] / count * 1000
        row = {"naive_ms": naive_ms, "tbkl_ms": ours_ms, "ratio": naive_ms / ours_ms}
        line = f"  round {len(pairs) + 1}: naive {naive_ms:.1f} ms, tbkl render (default jobs) {ours_ms:.2f} ms a notice: {naive_ms / ours_ms:.1f}×"
        if pandoc:
            row["pandoc_ms"] = statistics.mean(pandoc_loop(pandoc, files)) * 1000
            row["ratio_pandoc"] = row["pandoc_ms"] / ours_ms
            line += f"; pandoc {row['pandoc_ms']:.0f} ms a notice ({len(files)} notices): {row['ratio_pandoc']:.0f}×"
        pairs.append(row)
        say(line)
    results["paired"] = {"rounds": pairs, "median_ratio": statistics.median(p["ratio"] for p in pairs)}
    say(f"  median of the {rounds} ratios: {results['paired']['median_ratio']:.1f}×")
    if pandoc:
        results["paired"]["median_ratio_pandoc"] = statistics.median(p["ratio_pandoc"] for p in pairs)
        say(f"  against pandoc, median of the {rounds} ratios: {results['paired']['median_ratio_pandoc']:.0f}×")


def bench_pandoc(items: list[tuple[Path, dict]], work: Path, results: dict) -> None:
    pandoc = find_pandoc(GET_PANDOC["get"])
    if pandoc is None:
        results["pandoc"] = {"skipped": f"pandoc is not on PATH (install it with `{' '.join(PANDOC_INSTALL)}`, or run with --get-pandoc)"}
        say(f"  baseline (b) NOT measured: {results['pandoc']['skipped']}")
        return
    version = subprocess.run([pandoc, "--version"], capture_output=True, text=True, check=True).stdout.splitlines()[0]
    files = pandoc_files(items, work)
    subprocess.run([pandoc, str(files[0]), "-o", str(files[0].parent / "warm.docx")], check=True)
    with measured_noise("baseline (b)"):
        walls = pandoc_loop(pandoc, files)
    results["pandoc"] = {
        "n": len(files),
        "version": version,
        "median_ms": statistics.median(walls) * 1000,
        "mean_ms": statistics.mean(walls) * 1000,
    }
    p = results["pandoc"]
    say(
        f"  baseline (b) {version}, once per notice over {len(files)} notices: median {p['median_ms']:.0f} ms, mean {p['mean_ms']:.0f} ms per notice"
    )


def bench_stages(paths: list[Path], work: Path, results: dict) -> None:
    """Time each step of the pipeline in-process, without a profiler."""
    from tbkl_gen.word.layout import lay_out
    from tbkl_gen.source.load import load_notice
    from tbkl_gen.word.render import PreparedTemplate, find_template, prepared
    from tbkl_gen.validate import validate
    from tbkl_gen.files import commit, stage, sync_file
    from tbkl_gen.word.write import package

    template = find_template(None).resolve()
    started = time.perf_counter()
    PreparedTemplate(template)
    prepare = time.perf_counter() - started
    ready = prepared(template)
    out = work / "stages"
    totals = dict.fromkeys(
        [
            "load (YAML + model)",
            "validate",
            "lay_out",
            "render_parts (jinja)",
            "package (zip)",
            "stage (write, no flush)",
            "fsync",
            "rename",
        ],
        0.0,
    )
    names = list(totals)
    noise = measured_noise("the stage breakdown")
    noise.__enter__()
    for path in paths:
        t0 = time.perf_counter()
        loaded = load_notice(path)
        t1 = time.perf_counter()
        validate(loaded.notice, loaded.source)
        t2 = time.perf_counter()
        layout = lay_out(loaded.notice)
        t3 = time.perf_counter()
        parts = ready.render_parts(layout)
        t4 = time.perf_counter()
        data = package(parts)
        t5 = time.perf_counter()
        # as the batch writes: staged by the worker, flushed in the parent's threads while the
        # workers go on (so the fsync is waited for here only, not in the batch), renamed at the end
        target = out / f"{path.stem}.docx"
        temp = stage(target, data, inside=out, sync=False)
        t6 = time.perf_counter()
        sync_file(temp)
        t7 = time.perf_counter()
        commit(temp, target)
        t8 = time.perf_counter()
        for name, span in zip(names, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5, t7 - t6, t8 - t7), strict=True):
            totals[name] += span
    noise.__exit__(None, None, None)
    per = {name: seconds / len(paths) * 1000 for name, seconds in totals.items()}
    results["stages"] = {
        "n": len(paths),
        "prepare_template_ms": prepare * 1000,
        "per_notice_ms": per,
        "sum_ms": sum(per.values()),
    }
    say(f"  in-process per-notice stages over {len(paths)} notices (template prepared once: {prepare * 1000:.0f} ms):")
    for name, ms in per.items():
        say(f"    {ms:6.2f} ms  {name}")
    say(f"    {sum(per.values()):6.2f} ms  total")


def bench_profile(notices: Path, work: Path, top: int, results: dict) -> None:
    from tbkl_gen.commands.batch import Settings, plan, render_batch

    out = work / "profiled"
    jobs = plan([notices], out)
    profiler = cProfile.Profile()
    profiler.enable()
    result = render_batch(jobs, Settings(out, force=True, jobs=1))
    profiler.disable()
    if result.failed:
        say(f"  profile: {len(result.failed)} notices failed")
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    total = stats.total_tt
    rows = []
    for (filename, line, function), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():
        short = re.sub(
            r"^.*?(site-packages|lib/python3\.\d+|tbkl_gen)/",
            lambda m: "" if m.group(1) != "tbkl_gen" else "tbkl_gen/",
            filename,
        )
        rows.append((f"{short}:{line}({function})", calls, tottime, cumtime))
    by_tottime = sorted(rows, key=lambda r: r[2], reverse=True)[:top]
    by_cumtime = [r for r in sorted(rows, key=lambda r: r[3], reverse=True) if "tbkl_gen/" in r[0]][:top]
    results["profile"] = {
        "n": len(jobs),
        "total_s": total,
        "tottime": [(name, calls, t) for name, calls, t, _ in by_tottime],
        "cumtime_tbkl": [(name, calls, c) for name, calls, _, c in by_cumtime],
    }
    say(f"  cProfile of render_batch over {len(jobs)} notices, --jobs 1, in-process ({total:.2f} s under the profiler):")
    say("    top functions by own time:")
    for name, calls, t in results["profile"]["tottime"]:
        say(f"      {t:6.3f} s {100 * t / total:5.1f}%  {calls:>8}  {name}")
    say("    tbkl_gen functions by cumulative time:")
    for name, calls, c in results["profile"]["cumtime_tbkl"]:
        say(f"      {c:6.3f} s {100 * c / total:5.1f}%  {calls:>8}  {name}")


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def machine() -> dict:
    info = {"nproc": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    with contextlib.suppress(OSError):
        cpu = Path("/proc/cpuinfo").read_text()
        match = re.search(r"^model name\s*:\s*(.+)$", cpu, re.MULTILINE)
        info["cpu"] = match.group(1).strip() if match else "?"
    with contextlib.suppress(OSError):
        mem = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        info["ram_gib"] = round(int(mem.group(1)) / 1024 / 1024, 1)
    info["tbkl_gen"] = source_fingerprint()
    with contextlib.suppress(Exception):
        import docxtpl
        import jinja2

        info["docxtpl"] = docxtpl.__version__
        info["jinja2"] = jinja2.__version__
    return info


def source_fingerprint() -> str:
    """Return which tbkl_gen was measured: the commit, the files changed since, a hash of the sources."""
    digest = hashlib.sha256()
    for path in sorted((REPO / "tbkl_gen").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    text = f"sources sha256 {digest.hexdigest()[:12]}"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "tbkl_gen"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        if head.returncode == 0:
            changed = [line[3:] for line in dirty.stdout.splitlines()]
            text = f"commit {head.stdout.strip()}" + (f" + uncommitted {', '.join(changed)}" if changed else "") + f"; {text}"
    return text


def table(results: dict, count: int, default_label: str) -> list[tuple[str, str, str, str, str]]:
    rows = []
    naive = results.get("naive")
    pandoc = results.get("pandoc", {})
    for label in ("--jobs 1", default_label):
        cli = results["cli"].get(label)
        if cli is None:
            continue
        per = cli["per_notice_ms"]
        # The targets are for `tbkl render` as a user runs it (default --jobs); one process is shown for information.
        verdict = (lambda ok: "PASS" if ok else "FAIL") if label == default_label else (lambda ok: "info")
        if naive:
            ratio = naive["per_notice_ms"] / per
            rows.append(
                (
                    f"per notice vs (a) naive docxtpl, {label}",
                    f"{per:.2f} ms vs {naive['per_notice_ms']:.1f} ms",
                    f"≥ {TARGETS['vs_naive']:.0f}×",
                    f"{ratio:.1f}×",
                    verdict(ratio >= TARGETS["vs_naive"]),
                )
            )
        if "mean_ms" in pandoc:
            ratio = pandoc["mean_ms"] / per
            rows.append(
                (
                    f"per notice vs (b) pandoc, {label}",
                    f"{per:.2f} ms vs {pandoc['mean_ms']:.0f} ms",
                    f"≥ {TARGETS['vs_pandoc']:.0f}×",
                    f"{ratio:.1f}×",
                    verdict(ratio >= TARGETS["vs_pandoc"]),
                )
            )
        elif "skipped" in pandoc:
            rows.append((f"per notice vs (b) pandoc, {label}", "not measured", f"≥ {TARGETS['vs_pandoc']:.0f}×", "—", "n/a"))
    if "paired" in results:
        ratio = results["paired"]["median_ratio"]
        rounds = results["paired"]["rounds"]
        rows.append(
            (
                f"side by side vs (a), {default_label}, median of {len(rounds)} rounds",
                f"{statistics.median(r['tbkl_ms'] for r in rounds):.2f} ms vs {statistics.median(r['naive_ms'] for r in rounds):.1f} ms",
                f"≥ {TARGETS['vs_naive']:.0f}×",
                f"{ratio:.1f}× ({min(r['ratio'] for r in rounds):.1f}–{max(r['ratio'] for r in rounds):.1f})",
                "PASS" if ratio >= TARGETS["vs_naive"] else "FAIL",
            )
        )
        if "median_ratio_pandoc" in results["paired"]:
            ratio = results["paired"]["median_ratio_pandoc"]
            rows.append(
                (
                    f"side by side vs (b) pandoc, {default_label}, median of {len(rounds)} rounds",
                    f"{statistics.median(r['tbkl_ms'] for r in rounds):.2f} ms vs {statistics.median(r['pandoc_ms'] for r in rounds):.0f} ms",
                    f"≥ {TARGETS['vs_pandoc']:.0f}×",
                    f"{ratio:.0f}× ({min(r['ratio_pandoc'] for r in rounds):.0f}–{max(r['ratio_pandoc'] for r in rounds):.0f})",
                    "PASS" if ratio >= TARGETS["vs_pandoc"] else "FAIL",
                )
            )
    if "noop" in results:
        wall = results["noop"]["wall"]
        rows.append(
            (
                f"no-op re-run, {count} notices (wall)",
                f"{wall:.3f} s",
                f"≤ {TARGETS['noop_s']} s",
                f"{wall / TARGETS['noop_s']:.2f} of limit",
                "PASS" if wall <= TARGETS["noop_s"] else "FAIL",
            )
        )
    if "single" in results:
        wall = results["single"]["wall"]
        rows.append(
            (
                "cold single notice (wall)",
                f"{wall * 1000:.0f} ms",
                f"≤ {TARGETS['single_s'] * 1000:.0f} ms",
                f"{wall / TARGETS['single_s']:.2f} of limit",
                "PASS" if wall <= TARGETS["single_s"] else "FAIL",
            )
        )
    for label in ("--jobs 1", default_label):
        cli = results["cli"].get(label)
        if cli is None:
            continue
        rss = cli["maxrss_mb"]
        rows.append(
            (
                f"peak RSS, one process (ru_maxrss), {label}",
                f"{rss:.0f} MB",
                f"≤ {TARGETS['rss_mb']:.0f} MB",
                f"{rss / TARGETS['rss_mb']:.2f} of limit",
                "PASS" if rss <= TARGETS["rss_mb"] else "FAIL",
            )
        )
        if cli.get("tree_pss_mb") and (cli.get("tree_procs") or 0) > 1:
            pss = cli["tree_pss_mb"]
            rows.append(
                (
                    f"peak PSS, whole process tree (psutil), {label}",
                    f"{pss:.0f} MB (RSS sum {cli['tree_rss_mb']:.0f} MB)",
                    f"≤ {TARGETS['rss_mb']:.0f} MB",
                    f"{pss / TARGETS['rss_mb']:.2f} of limit",
                    "PASS" if pss <= TARGETS["rss_mb"] else "FAIL",
                )
            )
    stages = results.get("stages")
    if naive and stages:
        per = stages["per_notice_ms"]
        render_only = per.get("render_parts (jinja)", 0) + per.get("package (zip)", 0)
        rows.append(
            (
                "(info) in-process render only (jinja + zip) vs (a)",
                f"{render_only:.2f} ms vs {naive['per_notice_ms']:.1f} ms",
                f"≥ {TARGETS['vs_naive']:.0f}×",
                f"{naive['per_notice_ms'] / render_only:.1f}×",
                "info",
            )
        )
        rows.append(
            (
                "(info) in-process YAML→.docx, 1 process, vs (a)",
                f"{stages['sum_ms']:.2f} ms vs {naive['per_notice_ms']:.1f} ms",
                f"≥ {TARGETS['vs_naive']:.0f}×",
                f"{naive['per_notice_ms'] / stages['sum_ms']:.1f}×",
                "info",
            )
        )
    single = results.get("single", {})
    if single.get("wall_without_bytecode_cache"):
        wall = single["wall_without_bytecode_cache"]
        rows.append(
            (
                "(info) cold single notice, no bytecode cache",
                f"{wall * 1000:.0f} ms",
                f"≤ {TARGETS['single_s'] * 1000:.0f} ms",
                f"{wall / TARGETS['single_s']:.2f} of limit",
                "info",
            )
        )
    one, many = results["cli"].get("--jobs 1"), results["cli"].get("--jobs 2")
    if one and many:
        rows.append(
            (
                "speed-up --jobs 2 over --jobs 1",
                f"{one['wall']:.2f} s → {many['wall']:.2f} s",
                "(report)",
                f"{one['wall'] / many['wall']:.2f}×",
                "—",
            )
        )
    return rows


def print_table(rows: list[tuple[str, ...]]) -> str:
    head = ("metric", "measured", "target", "ratio", "result")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(5)]
    lines = [" | ".join(c.ljust(w) for c, w in zip(head, widths, strict=True)), "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="notices to generate (default 1000)")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it (notices/, out/, markdown/ …)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per CLI measurement; the median is reported")
    parser.add_argument("--naive", type=int, default=200, help="notices for baseline (a) (default 200)")
    parser.add_argument("--paired", type=int, default=5, help="side-by-side rounds of baseline (a) and tbkl render (default 5; 0 skips)")
    parser.add_argument("--pandoc", type=int, default=50, help="notices for baseline (b) (default 50; 0 skips)")
    parser.add_argument("--get-pandoc", action="store_true", help="install pandoc with apt-get when it is missing (as root)")
    parser.add_argument("--profile", type=int, default=200, help="notices for the cProfile and stage breakdown (0 skips)")
    parser.add_argument("--top", type=int, default=15, help="functions listed from the profile")
    parser.add_argument("--check-sample", type=int, default=50, help="generated notices verified with `tbkl check --strict`")
    parser.add_argument("--json", type=Path, help="also write the raw figures to this JSON file")
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each measurement wait up to SECONDS for other processes to use < 10%% of the CPUs",
    )
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="run the CLI with the environment as it is (by default the CLI gets a private, warmed bytecode cache)",
    )
    args = parser.parse_args(argv)
    GET_PANDOC["get"] = args.get_pandoc

    info = machine()
    say(
        f"machine: {info.get('cpu', '?')}, {info['nproc']} CPUs, {info.get('ram_gib', '?')} GiB RAM, Python {info['python']}, {info['platform']}"
    )
    say(f"tbkl_gen measured: {info['tbkl_gen']}")
    say(
        f"docxtpl {info.get('docxtpl', '?')}, jinja2 {info.get('jinja2', '?')}; psutil: {'yes' if _has('psutil') else 'no'}; pandoc: {shutil.which('pandoc') or 'no'}"
    )
    work = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="tbkl-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    notices = work / "notices"
    shutil.rmtree(notices, ignore_errors=True)
    results: dict = {"machine": info, "count": args.count, "cli": {}, "load": []}
    IDLE["wait"] = args.wait_idle
    idle_now = foreign_share(1.0)
    if idle_now is not None:
        say(f"CPU used by other processes right now: {idle_now:.0%}")
    if not args.no_bytecode_cache:
        BYTECODE["prefix"] = str(work / "pycache")
    results["bytecode"] = (
        "private warmed PYTHONPYCACHEPREFIX"
        if BYTECODE["prefix"]
        else f"as the environment is (PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')})"
    )
    say(f"CLI bytecode: {results['bytecode']}")

    def section(title: str) -> None:
        share = foreign_share(0.5)
        results["load"].append((title, share))
        if share is None:
            say(f"\n{title}")
            return
        busy = "  <- other processes are busy; figures may be inflated" if share > IDLE["threshold"] else ""
        say(f"\n{title}   [CPU used by others: {share:.0%}]{busy}")

    try:
        started = time.perf_counter()
        items = generate(notices, args.count)
        paths = [p for p, _ in items]
        khoan = [sum(1 for b in d["noi_dung"] if isinstance(b, dict)) for _, d in items]
        size = [p.stat().st_size for p in paths]
        say(
            f"\ngenerated {len(items)} distinct notices in {time.perf_counter() - started:.1f} s under {notices} "
            f"(khoản {min(khoan)}–{max(khoan)}, {min(size) / 1024:.1f}–{max(size) / 1024:.1f} KiB YAML)"
        )
        checked, failure = check_sample(paths, work, args.check_sample)
        if failure:
            say(f"`tbkl check --strict` failed on the sample of {checked}:\n{failure}")
            return 2
        say(f"`tbkl check --strict` passes on a random sample of {checked}")
        warm = subprocess.run(
            tbkl("render", str(SEED), "-o", str(work / "warm")),
            cwd=work,
            env=child_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if warm.returncode:
            say(f"warm-up render failed:\n{warm.stderr}")
            return 2

        cores = os.cpu_count() or 1
        default_label = "--jobs 2" if cores == 2 else f"default jobs ({cores})"
        settings = [("--jobs 1", ["--jobs", "1"]), ("--jobs 2", ["--jobs", "2"])]
        if cores != 2:
            settings.append((default_label, []))
        section(f"[1] full render of {args.count} notices through the CLI, cold (fresh output folder, --force), median of {args.repeats}")
        if cores == 2:
            say("  (--jobs 2 is also the default, os.cpu_count(), on this machine)")
        bench_cli_full(notices, work, args.count, args.repeats, settings, results)

        section("[2] baselines")
        subset = paths[: args.naive]
        bench_naive(subset, results)
        if args.pandoc:
            bench_pandoc(items[: args.pandoc], work, results)
        else:
            results["pandoc"] = {"skipped": "--pandoc 0"}

        if args.paired:
            section(
                f"[2b] side by side: baseline (a) over {len(subset)} notices, then tbkl render (default jobs) over {args.count}, {args.paired} rounds"
            )
            bench_paired(subset, notices, work, args.count, args.paired, results, items[: args.pandoc] if args.pandoc else [])

        section(f"[3] no-op re-run (no --force), median of {args.repeats}")
        bench_noop(notices, work, args.count, args.repeats, results)

        section(f"[4] cold single notice: {SEED.relative_to(REPO).as_posix()}, median of 5")
        bench_single(SEED, work, 5, results)

        if args.profile:
            section("[5] where the time goes")
            folder = work / f"subset{args.profile}"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            for path in paths[: args.profile]:
                shutil.copy(path, folder / path.name)
            try:
                bench_stages(sorted(folder.glob("*.yaml")), work, results)
            except Exception as exc:  # noqa: BLE001 - the internals move; the headline figures must still print
                say(f"  stage breakdown skipped: {exc!r}")
            try:
                bench_profile(folder, work, args.top, results)
            except Exception as exc:  # noqa: BLE001
                say(f"  profile skipped: {exc!r}")

        section("done")
        rows = table(results, args.count, default_label)
        results["table"] = rows
        say("\nSUMMARY (ratio: speed-up for the ≥ targets, measured ÷ limit for the ≤ targets)")
        say(print_table(rows))
        if NOISE:
            results["others_cpu_share"] = {
                "median": statistics.median(NOISE),
                "max": max(NOISE),
                "timeouts": IDLE["timeouts"],
            }
            say(
                f"noise: other processes used a median {statistics.median(NOISE):.0%} (max {max(NOISE):.0%}) of the CPUs during the measurements"
                + (f"; --wait-idle timed out {IDLE['timeouts']} times" if IDLE["timeouts"] else "")
            )
        if not _has("psutil"):
            say("note: psutil is not installed, so the pool's workers were not summed; ru_maxrss is the largest single process.")
        if args.json:
            args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
            say(f"raw figures written to {args.json}")
    finally:
        if args.keep:
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


if __name__ == "__main__":
    sys.exit(main())
