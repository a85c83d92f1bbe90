"""Benchmark the page's preview refresh on a long notice: 50 edits on a generated 60-item notice.

Prints figures; not a test. Run from the repository root:

    python benchmarks/bench_preview.py [--edits 50] [--items 60]

Each edit changes one word of one item, then sends what the page sends after a pause in typing
(`POST /api/check`: the source text as opened and the form's data) through Starlette's test
client, in process, and times the answer (merge, check, layout, preview HTML). The workspace
is an office's: its signer written in tbkl.yaml, one template of its own in templates/. Side by
side, the same requests answered as the page answered them before each change: with tbkl.yaml
and every template read and checked again and the parsed source deep-copied at every request
(no cache), and then also with the merged source written by ruamel's round-trip emitter (as
saving writes it).
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from starlette.testclient import TestClient  # noqa: E402

from tbkl_gen.commands.scaffold import copy_template, init_workspace  # noqa: E402
from tbkl_gen.page import engine, server  # noqa: E402
from tbkl_gen.service import yamlsave  # noqa: E402
from tbkl_gen.pipeline import problems_of_workspace  # noqa: E402
from tbkl_gen.source.workspace import find_workspace  # noqa: E402

TOKEN = "bench"
ITEM = "Giao Sở {n} chủ trì, phối hợp với các sở, ngành và Ủy ban nhân dân các xã rà soát nội dung thứ {n}, báo cáo kết quả trước ngày 30/6/2026."


def long_notice(items: int) -> str:
    lines = [
        "phien_ban: 1",
        "so:",
        "ngay: 2026-06-20",
        "ngay_hop: 2026-06-19",
        "trich_yeu: Kết luận của đồng chí Chủ tịch tại cuộc họp về tiến độ các dự án đầu tư công",
        "noi_dung:",
        "  - Ngày 19 tháng 6 năm 2026, đồng chí Chủ tịch chủ trì cuộc họp về tiến độ các dự án đầu tư công.",
        "  - Sau khi nghe báo cáo và ý kiến của các thành phần dự họp, đồng chí Chủ tịch kết luận như sau.",
    ]
    for index in range(items):
        if index % 10 == 0:
            lines.append(f"  - muc: Nhóm nhiệm vụ thứ {index // 10 + 1}")
        lines.append(f"  - khoan: {ITEM.format(n=index + 1)}")
        if index % 3 == 0:
            lines.append("    noi_dung:")
            lines.append(f"      - diem: Hoàn thành trước ngày 15/{index % 12 + 1}/2026.  # hạn")
    lines += [
        "  - Văn phòng thông báo để các cơ quan, đơn vị liên quan biết, thực hiện.",
        "noi_nhan_them:",
        "  - Như thành phần dự họp",
        "",
    ]
    return "\n".join(lines)


def run(client: TestClient, opened: dict, edits: int) -> list[float]:
    times = []
    for edit in range(edits + 1):
        data = copy.deepcopy(opened["data"])
        block = data["noi_dung"][2 + edit % 60]
        key = next(iter(block)) if isinstance(block, dict) else None
        if key is not None:
            block[key] = f"{block[key]} sửa {edit}"
        started = time.perf_counter()
        response = client.post(
            "/api/check",
            content=json.dumps({"path": opened["path"], "base": opened["text"], "data": data}),
            headers={"X-Tbkl-Token": TOKEN, "Content-Type": "application/json"},
        )
        elapsed = time.perf_counter() - started
        assert response.status_code == 200 and response.json()["preview"], response.text[:300]
        if edit:  # the first request warms the caches
            times.append(elapsed * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--items", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tbkl-bench-") as folder:
        root = Path(folder) / "van-phong"
        init_workspace(root, signer="Trần Thị Bình")
        copy_template("ubnd-tinh", root / "templates", "rieng")
        (root / "notices" / "2026").mkdir(parents=True)
        (root / "notices" / "2026" / "dai.yaml").write_text(long_notice(args.items), encoding="utf-8")
        with TestClient(server.create_app(root, TOKEN, hosts={"testserver"}), base_url="http://testserver") as client:
            opened = client.get("/api/notice", params={"path": "notices/2026/dai.yaml"}, headers={"X-Tbkl-Token": TOKEN}).json()
            now = run(client, opened, args.edits)
            kept = engine.workspace_of, engine._problems_of_workspace, yamlsave._bare
            engine.workspace_of, engine._problems_of_workspace = find_workspace, problems_of_workspace  # type: ignore[assignment]
            yamlsave._bare = copy.deepcopy  # type: ignore[assignment]
            try:
                uncached = run(client, opened, args.edits)
                fast = server.checked_text
                server.checked_text = lambda text, data: yamlsave.updated(text, data)  # type: ignore[assignment]
                try:
                    before = run(client, opened, args.edits)
                finally:
                    server.checked_text = fast
            finally:
                engine.workspace_of, engine._problems_of_workspace, yamlsave._bare = kept
    print(f"preview refresh, {args.edits} edits on a {args.items}-item notice (POST /api/check, in process):")
    print(f"  now:      median {statistics.median(now):6.1f} ms, worst {max(now):6.1f} ms")
    print(
        f"  no cache: median {statistics.median(uncached):6.1f} ms, worst {max(uncached):6.1f} ms (tbkl.yaml, templates read and the source deep-copied every time)"
    )
    print(f"  before:   median {statistics.median(before):6.1f} ms, worst {max(before):6.1f} ms (and the merged text written by ruamel)")


if __name__ == "__main__":
    main()
