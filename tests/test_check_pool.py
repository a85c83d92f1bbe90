"""`tbkl check` of many notices in a pool of processes says exactly what one process says, in the same order."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, render_cli
from tbkl_gen.commands import check
from tbkl_gen.commands.scaffold import init_workspace

EXAMPLES = sorted((ROOT / "notices" / "2026").glob("*.yaml"))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """Notices in two folders: the examples twice (each number used twice), one broken, one draft, a mistake in tbkl.yaml."""
    root = tmp_path / "van-phong"
    init_workspace(root)
    for folder in ("2025", "2026"):
        (root / "notices" / folder).mkdir(parents=True, exist_ok=True)
        for example in EXAMPLES:
            shutil.copyfile(example, root / "notices" / folder / example.name)
    (root / "notices" / "2026" / "hong.yaml").write_text("trich_yeu: [\nso: 3\n", encoding="utf-8")
    (root / "notices" / "2025" / "nhap.yaml").write_text("loai: cong_van\ntrich_yeu: Dự thảo\n", encoding="utf-8")
    config = root / "tbkl.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "khoa_la: 1\n", encoding="utf-8")
    return root


def test_a_pool_of_processes_reports_what_one_process_does_in_its_order(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one = render_cli(["check", "notices"], cwd=workspace)
    monkeypatch.setattr(check, "POOL_THRESHOLD", 2)
    monkeypatch.setattr(check, "POOL_CHUNK", 3)
    monkeypatch.setattr(check.os, "cpu_count", lambda: 2)
    pooled = render_cli(["check", "notices"], cwd=workspace)
    assert pooled.exit_code == one.exit_code == 1
    assert pooled.output == one.output
    assert "đã dùng ở" in one.output and "khoa_la" in one.output and "hong.yaml" in one.output
    json_one = render_cli(["check", "notices", "--format", "json"], cwd=workspace).output
    monkeypatch.setattr(check, "POOL_THRESHOLD", 10**9)
    assert render_cli(["check", "notices", "--format", "json"], cwd=workspace).output == json_one
