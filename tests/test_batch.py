"""Batch rendering: incremental, all or nothing, safe against Ctrl-C, kills and locked files."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import NOTICES, ROOT, SIGNER, fill_in, render_cli
from tbkl_gen.commands.batch import MANIFEST_NAME

SEED = (NOTICES / "2021" / "tbkl-thong-tin-doi-ngoai.yaml").read_text(encoding="utf-8")


def make_notices(folder: Path, count: int, tag: str = "") -> list[Path]:
    """Write count distinct notices (the seed with a numbered summary) into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"tb-{index:03d}.yaml"
        text = SEED.replace("giai đoạn 2017-2021\nnoi_dung:", f"giai đoạn 2017-2021 (bản {index}{tag})\nnoi_dung:")
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def summary_line(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("Đã tạo"))


def run(args: list[str], cwd: Path | None = None):  # noqa: ANN201
    return render_cli(args, cwd)


def test_second_run_renders_nothing_and_says_so(tmp_path: Path) -> None:
    make_notices(tmp_path / "src", 3)
    first = run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out")])
    assert summary_line(first.output).startswith("Đã tạo 3, không đổi 0, lỗi 0")
    second = run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out")])
    assert second.exit_code == 0
    assert summary_line(second.output).startswith("Đã tạo 0, không đổi 3, lỗi 0")


def test_only_the_edited_notice_is_rendered_again(tmp_path: Path) -> None:
    sources = make_notices(tmp_path / "src", 3)
    run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out")])
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").glob("*.docx")}
    time.sleep(0.01)
    sources[1].write_text(sources[1].read_text(encoding="utf-8").replace("Võ Văn Viên", "Võ Văn Việt"), encoding="utf-8")
    result = run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out")])
    assert summary_line(result.output).startswith("Đã tạo 1, không đổi 2, lỗi 0")
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").glob("*.docx")}
    assert [name for name in sorted(before) if before[name] != after[name]] == ["tb-001.docx"]


def test_force_renders_everything(tmp_path: Path) -> None:
    make_notices(tmp_path / "src", 2)
    run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out")])
    result = run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out"), "--force"])
    assert summary_line(result.output).startswith("Đã tạo 2, không đổi 0")


@pytest.mark.parametrize("damage", ["{not json", "", '{"entries": 7}', '{"entries": {"tb-000.docx": "x"}}'])
def test_a_corrupt_manifest_means_render_everything(tmp_path: Path, damage: str) -> None:
    make_notices(tmp_path / "src", 2)
    run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out")])
    (tmp_path / "out" / MANIFEST_NAME).write_text(damage, encoding="utf-8")
    result = run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert summary_line(result.output).startswith("Đã tạo 2, không đổi 0")


def test_a_deleted_output_is_rendered_again(tmp_path: Path) -> None:
    make_notices(tmp_path / "src", 2)
    run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out")])
    (tmp_path / "out" / "tb-000.docx").unlink()
    result = run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out")])
    assert summary_line(result.output).startswith("Đã tạo 1, không đổi 1")


def test_a_changed_default_or_template_renders_the_workspace_again(tmp_path: Path) -> None:
    run(["init", str(tmp_path / "ws"), "--nguoi-ky", SIGNER])
    for title in ("Kết luận A", "Kết luận B"):
        run(["new", title], cwd=tmp_path / "ws")
    for made in (tmp_path / "ws" / "notices").rglob("*.yaml"):
        fill_in(made)
    assert summary_line(run(["render"], cwd=tmp_path / "ws").output).startswith("Đã tạo 2")
    assert summary_line(run(["render"], cwd=tmp_path / "ws").output).startswith("Đã tạo 0, không đổi 2")
    config = tmp_path / "ws" / "tbkl.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(SIGNER, "Lê Trí Hà"), encoding="utf-8")
    assert summary_line(run(["render"], cwd=tmp_path / "ws").output).startswith("Đã tạo 2, không đổi 0")
    run(["templates", "--copy", "ubnd-tinh", "--as", "rieng"], cwd=tmp_path / "ws")
    config.write_text(config.read_text(encoding="utf-8").replace('mau: "ubnd-tinh"', 'mau: "rieng"'), encoding="utf-8")
    assert summary_line(run(["render"], cwd=tmp_path / "ws").output).startswith("Đã tạo 2, không đổi 0")
    template = tmp_path / "ws" / "templates" / "rieng.docx"
    with zipfile.ZipFile(template, "a") as package:
        package.writestr("customXml/note.xml", "<note/>")
    assert summary_line(run(["render"], cwd=tmp_path / "ws").output).startswith("Đã tạo 2, không đổi 0")


def test_stale_outputs_are_reported_and_pruned_on_request(tmp_path: Path) -> None:
    sources = make_notices(tmp_path / "src", 2)
    run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out")])
    sources[0].unlink()
    result = run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out")])
    assert f"{(tmp_path / 'out' / 'tb-000.docx').as_posix()}: tệp không còn nguồn (dùng --prune để xóa)" in result.output
    assert (tmp_path / "out" / "tb-000.docx").exists()
    result = run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out"), "--prune"])
    assert "đã xóa 1" in summary_line(result.output)
    assert not (tmp_path / "out" / "tb-000.docx").exists()


def test_batch_writes_nothing_when_one_notice_is_invalid(tmp_path: Path) -> None:
    sources = make_notices(tmp_path / "src", 3)
    sources[2].write_text(SEED.replace("  ho_ten: Võ Văn Viên\n", ""), encoding="utf-8")
    result = run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "tb-002.yaml:" in result.output and "nguoi_ky.ho_ten: thiếu họ tên người ký" in result.output
    assert not (tmp_path / "out").exists()  # not even the folder, nor its lock file


def test_keep_going_writes_the_valid_ones_and_still_fails(tmp_path: Path) -> None:
    sources = make_notices(tmp_path / "src", 3)
    sources[2].write_text(SEED.replace("  ho_ten: Võ Văn Viên\n", ""), encoding="utf-8")
    result = run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out"), "--keep-going"])
    assert result.exit_code == 1
    assert sorted(p.name for p in (tmp_path / "out").glob("*.docx")) == ["tb-000.docx", "tb-001.docx"]
    assert summary_line(result.output).startswith("Đã tạo 2, không đổi 0, lỗi 1")


def test_sub_folders_are_mirrored_and_vietnamese_names_work(tmp_path: Path) -> None:
    folder = tmp_path / "thông báo" / "năm 2021"
    folder.mkdir(parents=True)
    (folder / "kết luận số 1.yaml").write_text(SEED, encoding="utf-8")
    result = run(["render", str(tmp_path / "thông báo"), "-o", str(tmp_path / "đầu ra")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "đầu ra" / "năm 2021" / "kết luận số 1.docx").is_file()


def test_a_source_named_in_capitals_is_rendered_and_checked_as_text_reads_it(tmp_path: Path) -> None:
    # A.YAML was skipped by render and check (a case-sensitive suffix) while text accepted it
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "A.YAML").write_text(SEED, encoding="utf-8")
    (tmp_path / "src" / ".an.yml").write_text("not: a notice", encoding="utf-8")  # hidden: still skipped
    rendered = run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out")])
    assert rendered.exit_code == 0, rendered.output
    assert summary_line(rendered.output).startswith("Đã tạo 1, không đổi 0, lỗi 0")
    assert (tmp_path / "out" / "A.docx").is_file()
    checked = run(["check", str(tmp_path / "src")])
    assert checked.exit_code == 0 and "Đã kiểm tra 1 tệp" in checked.output, checked.output


def _immutable(path: Path) -> bool:
    return shutil.which("chattr") is not None and subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0


def test_a_locked_output_is_named_and_the_rest_of_the_batch_goes_on(tmp_path: Path) -> None:
    sources = make_notices(tmp_path / "src", 3)
    run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out")])
    locked = tmp_path / "out" / "tb-001.docx"
    if not _immutable(locked):
        pytest.skip("cannot make a file that refuses replacement here (needs chattr as root)")
    try:
        for source in sources:
            source.write_text(source.read_text(encoding="utf-8").replace("Võ Văn Viên", "Võ Văn Việt"), encoding="utf-8")
        result = run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out")])
    finally:
        subprocess.run(["chattr", "-i", str(locked)], check=False)
    assert result.exit_code == 1
    expected = f"{locked.as_posix()}: không ghi được tệp (có thể tệp đang mở trong Word); hãy đóng tệp rồi chạy lại"
    assert expected in result.output
    assert summary_line(result.output).startswith("Đã tạo 2, không đổi 0, lỗi 1")
    assert not list((tmp_path / "out").glob(".tbkl-*.tmp"))


def _batch_process(src: Path, out: Path, *extra: str, quiet_pipes: bool = False) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    pipe = subprocess.DEVNULL if quiet_pipes else subprocess.PIPE
    return subprocess.Popen(
        [sys.executable, "-m", "tbkl_gen", "render", str(src), "-o", str(out), "--force", *extra],
        env=env,
        stdout=pipe,
        stderr=pipe,
        text=True,
    )


def test_ctrl_c_stops_cleanly_with_exit_130_and_no_temporary_files(tmp_path: Path) -> None:
    make_notices(tmp_path / "src", 400)
    process = _batch_process(tmp_path / "src", tmp_path / "out", "--jobs", "1")
    deadline = time.monotonic() + 60
    # interrupt while the batch is busy: once its first output is staged beside its target
    while not list((tmp_path / "out").glob(".tbkl-*.tmp")) if (tmp_path / "out").exists() else True:
        assert time.monotonic() < deadline, "the batch never started writing"
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Đã dừng theo yêu cầu (Ctrl-C)." in err
    assert "Traceback" not in err
    assert not list((tmp_path / "out").rglob(".tbkl-*.tmp"))


def _wait_for_orphaned_workers(out: Path) -> None:
    """Wait until no worker of a killed batch is left (they leave on their own within a moment)."""
    proc = Path("/proc")
    if not proc.is_dir():
        time.sleep(1)
        return
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        alive = []
        for entry in proc.iterdir():
            try:
                if entry.name.isdigit() and str(out).encode() in (entry / "cmdline").read_bytes():
                    alive.append(entry.name)
            except OSError:
                continue
        if not alive:
            return
        time.sleep(0.05)
    raise AssertionError(f"workers of a killed batch are still running: {alive}")


def _count_renewed(out: Path, new: dict[str, bytes]) -> int:
    """Count the outputs that already hold the new render (each read is whole: files are replaced)."""
    return sum(1 for path in out.glob("*.docx") if path.read_bytes() == new.get(path.name))


def _wait_for_progress(process: subprocess.Popen, out: Path, new: dict[str, bytes], target: int) -> None:
    """Return once `target` outputs hold the new render or the batch has ended on its own."""
    while process.poll() is None and _count_renewed(out, new) < target:
        time.sleep(0.01)


def _opens(path: Path) -> bool:
    import docx

    try:
        docx.Document(str(path))
    except Exception:  # noqa: BLE001 - any failure to open is what this test looks for
        return False
    return True


def test_sigkill_mid_batch_leaves_every_output_old_or_new_and_whole(tmp_path: Path) -> None:
    sources = make_notices(tmp_path / "src", 150)
    out = tmp_path / "out"
    first = _batch_process(tmp_path / "src", out, "--jobs", "2")
    first.communicate(timeout=120)
    old = {p.name: p.read_bytes() for p in out.glob("*.docx")}
    new = {}
    make_notices(tmp_path / "src", len(sources), tag=" mới")
    reference = tmp_path / "reference"
    done = _batch_process(tmp_path / "src", reference, "--jobs", "1")
    done.communicate(timeout=120)
    new = {p.name: p.read_bytes() for p in reference.glob("*.docx")}
    assert len(old) == len(new) == len(sources)
    rng = random.Random(20)
    renewed = 0
    for attempt in range(20):
        before = _count_renewed(out, new)
        process = _batch_process(tmp_path / "src", out, "--jobs", str(1 + attempt % 2), quiet_pipes=True)
        # Kill at a point chosen by progress, not by the clock: once this run has replaced a few more
        # files (or has finished), so the outcome does not depend on how loaded the machine is.
        _wait_for_progress(process, out, new, before + rng.randint(1, 12))
        process.kill()
        process.wait(timeout=60)
        for path in out.glob("*.docx"):
            data = path.read_bytes()
            assert data in (old[path.name], new[path.name]), f"attempt {attempt}: {path.name} is neither old nor new"
            renewed += data == new[path.name]
        assert sorted(p.name for p in out.glob("*.docx")) == sorted(old)
    assert renewed > 0  # some killed runs got as far as replacing files (none was refused by a stale lock)
    assert all(_opens(out / name) for name in rng.sample(sorted(old), 10))
    _wait_for_orphaned_workers(out)
    finish = run(["render", str(tmp_path / "src"), "-o", str(out)])
    assert finish.exit_code == 0
    assert not list(out.glob(".tbkl-*.tmp"))
    assert {p.name: p.read_bytes() for p in out.glob("*.docx")} == new


def test_an_output_folder_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    make_notices(tmp_path / "src", 1)
    (tmp_path / "out").write_text("x", encoding="utf-8")
    result = run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert (
        f"{(tmp_path / 'out' / 'tb-000.docx').as_posix()}: không ghi được tệp (một tệp trùng tên đang chiếm chỗ thư mục)" in result.output
    )


def test_a_folder_in_place_of_an_output_is_a_clear_error(tmp_path: Path) -> None:
    make_notices(tmp_path / "src", 1)
    (tmp_path / "out" / "tb-000.docx").mkdir(parents=True)
    result = run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert (
        f"{(tmp_path / 'out' / 'tb-000.docx').as_posix()}: không ghi được tệp (một thư mục trùng tên đang chiếm chỗ tệp)" in result.output
    )


def test_a_new_notice_may_not_reuse_the_number_of_one_already_rendered(tmp_path: Path) -> None:
    numbered = SEED.replace("so:\n", 'so: "28"\n').replace("ngay: 2021\n", "ngay: 2021-12-24\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.yaml").write_text(numbered, encoding="utf-8")
    assert run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out")]).exit_code == 0
    (tmp_path / "src" / "b.yaml").write_text(numbered.replace("Võ Văn Viên", "Võ Văn Việt"), encoding="utf-8")
    result = run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    first = (tmp_path / "src" / "a.yaml").as_posix()
    assert f"b.yaml:9:5: so: số 28/TB-UBND năm 2021 đã dùng ở {first}:9" in result.output.replace("\\", "/")
    assert not (tmp_path / "out" / "b.docx").exists()


def test_a_run_with_nothing_to_do_imports_neither_pydantic_nor_the_renderer(tmp_path: Path) -> None:
    make_notices(tmp_path / "src", 3)
    run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out")])
    code = (
        "import sys; from tbkl_gen.cli import main\n"
        "try:\n    main([" + repr("render") + ", sys.argv[1], '-o', sys.argv[2]])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pydantic', 'docxtpl', 'jinja2', 'yaml') if m in sys.modules))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "src"), str(tmp_path / "out")],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )
    assert completed.stdout.strip() == "[]", completed.stderr
    assert "Đã tạo 0, không đổi 3, lỗi 0" in completed.stderr


def test_staged_files_are_flushed_together_and_a_failure_is_named(tmp_path: Path) -> None:
    from tbkl_gen.files import stage
    from tbkl_gen.word.write import Flusher

    targets = [tmp_path / f"tb-{index}.docx" for index in range(3)]
    staged = [stage(target, b"PK", sync=False) for target in targets]
    staged[1].unlink()  # a temporary file that vanished before its flush
    flusher = Flusher()
    for temp, target in zip(staged, targets, strict=True):
        flusher.add(temp, target)
    failures = flusher.failures()
    assert list(failures) == [staged[1]]
    assert str(failures[staged[1]]) == f"{targets[1].as_posix()}: không ghi được tệp (tệp hoặc thư mục bị xóa trong lúc ghi)"
    assert sorted(tmp_path.iterdir()) == sorted(staged[i] for i in (0, 2))


@pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX links")
def test_a_staged_file_swapped_for_a_link_is_not_flushed_and_is_named(tmp_path: Path) -> None:
    from tbkl_gen.files import stage
    from tbkl_gen.word.write import Flusher

    targets = [tmp_path / f"tb-{index}.docx" for index in range(10)]  # more than a group of the threads
    staged = [stage(target, b"PK", sync=False) for target in targets]
    (tmp_path / "elsewhere").write_bytes(b"not ours")
    staged[4].unlink()
    staged[4].symlink_to(tmp_path / "elsewhere")  # swapped after it was written: never flushed as ours
    flusher = Flusher()
    for temp, target in zip(staged, targets, strict=True):
        flusher.add(temp, target)
    failures = flusher.failures()
    assert list(failures) == [staged[4]]
    assert str(failures[staged[4]]).startswith(f"{targets[4].as_posix()}: không ghi được tệp (")


def test_a_second_run_into_a_folder_in_use_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    from tbkl_gen.word.write import folder_lock

    make_notices(tmp_path / "src", 2)
    out = tmp_path / "out"
    out.mkdir()
    command = [sys.executable, "-m", "tbkl_gen", "render", str(tmp_path / "src"), "-o", str(out)]
    with folder_lock(out):  # this process holds the folder, as a running batch would
        busy = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", cwd=ROOT, check=False)
        assert busy.returncode == 1
        assert busy.stderr.strip() == (
            f"{out.as_posix()}: một lần chạy “tbkl render” khác đang ghi vào thư mục này; chờ lần chạy đó xong rồi chạy lại"
        )
        assert sorted(p.name for p in out.iterdir()) == [".tbkl-lock"]
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.glob("*.docx")) == ["tb-000.docx", "tb-001.docx"]
