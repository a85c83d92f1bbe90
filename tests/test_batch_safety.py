"""Batch safety against hostile inputs: a hand-edited manifest, odd files, signals, long names, links."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import unicodedata
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, render_cli
from test_batch import SEED, make_notices, summary_line
from tbkl_gen.commands.batch import MANIFEST_NAME
from tbkl_gen.word.write import LOCK_NAME, folder_lock

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX links, pipes and signals")


def run(args: list[str], cwd: Path | None = None):  # noqa: ANN201
    return render_cli(args, cwd)


def temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith((".tmp", ".tbkl-tmp"))]


# --- the manifest is data from others ------------------------------------------------------------


def _manifest(out: Path) -> dict:
    return json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))


def _write_manifest(out: Path, data: dict) -> None:
    (out / MANIFEST_NAME).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_prune_never_deletes_outside_the_output_folder(tmp_path: Path) -> None:
    make_notices(tmp_path / "src", 1)
    out = tmp_path / "out"
    run(["render", str(tmp_path / "src"), "-o", str(out)])
    victim = tmp_path / "elsewhere" / "x.docx"
    victim.parent.mkdir()
    victim.write_bytes(b"keep")
    data = _manifest(out)
    entry = data["entries"]["tb-000.docx"]
    for key in ("../elsewhere/x.docx", victim.as_posix(), "C:/x.docx", "..\\elsewhere\\x.docx", "tbkl.yaml"):
        data["entries"][key] = entry
    _write_manifest(out, data)
    result = run(["render", str(tmp_path / "src"), "-o", str(out), "--prune"])
    assert result.exit_code == 0, result.output
    assert victim.read_bytes() == b"keep"
    manifest = (out / MANIFEST_NAME).as_posix()
    for key in ("../elsewhere/x.docx", victim.as_posix(), "C:/x.docx", "..\\elsewhere\\x.docx", "tbkl.yaml"):
        assert (
            f"{manifest}: cảnh báo: bỏ qua mục “{key}”: không phải tệp .docx trong thư mục đầu ra (không đọc, không xóa)" in result.output
        )
    assert summary_line(result.output).startswith("Đã tạo 0, không đổi 1, lỗi 0 (")
    assert sorted(_manifest(out)["entries"]) == ["tb-000.docx"]  # written anew: the warning is said once
    again = run(["render", str(tmp_path / "src"), "-o", str(out), "--prune"])
    assert "bỏ qua mục" not in again.output


@POSIX
def test_prune_does_not_follow_a_linked_sub_folder_out(tmp_path: Path) -> None:
    make_notices(tmp_path / "src" / "sub", 1)
    out = tmp_path / "out"
    run(["render", str(tmp_path / "src"), "-o", str(out)])
    (tmp_path / "src" / "sub" / "tb-000.yaml").unlink()
    make_notices(tmp_path / "src", 1)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "tb-000.docx").write_bytes(b"keep")
    for child in (out / "sub").iterdir():
        child.unlink()
    (out / "sub").rmdir()
    (out / "sub").symlink_to(elsewhere)
    result = run(["render", str(tmp_path / "src"), "-o", str(out), "--prune"])
    assert (elsewhere / "tb-000.docx").read_bytes() == b"keep"
    expected = (
        f"{(out / MANIFEST_NAME).as_posix()}: cảnh báo: bỏ qua mục “sub/tb-000.docx”: tệp nằm ngoài thư mục đầu ra (không đọc, không xóa)"
    )
    assert expected in result.output


def test_prune_removes_the_sub_folder_it_emptied(tmp_path: Path) -> None:
    make_notices(tmp_path / "src" / "2021" / "q1", 1)
    make_notices(tmp_path / "src", 1)
    out = tmp_path / "out"
    run(["render", str(tmp_path / "src"), "-o", str(out)])
    (tmp_path / "src" / "2021" / "q1" / "tb-000.yaml").unlink()
    result = run(["render", str(tmp_path / "src"), "-o", str(out), "--prune"])
    assert "đã xóa 1" in summary_line(result.output)
    assert not (out / "2021").exists()
    assert sorted(p.name for p in out.iterdir()) == sorted([MANIFEST_NAME, LOCK_NAME, "tb-000.docx"])


@pytest.mark.parametrize(
    ("entries", "detail"),
    [
        ('{"tb-000.docx": 7}', "mục “tb-000.docx” không phải một bảng"),
        ('{"tb-000.docx": {"nguon": 7}}', "mục “tb-000.docx”: “nguon” không phải chuỗi"),
        ('{"tb-000.docx": {"mau_tep": ["x"]}}', "mục “tb-000.docx”: “mau_tep” không phải chuỗi"),
        ('{"tb-000.docx": {"so": {"khoa": [[1]], "dong": 1, "cot": 1}}}', "mục “tb-000.docx”: “so” sai dạng"),
        ('{"tb-000.docx": {"so": {"khoa": [], "dong": "x"}}}', "mục “tb-000.docx”: “so” sai dạng"),
        ("[]", "không phải JSON có bảng “entries”"),
    ],
)
def test_manifest_values_of_the_wrong_type_mean_render_everything(tmp_path: Path, entries: str, detail: str) -> None:
    make_notices(tmp_path / "src", 2)
    out = tmp_path / "out"
    run(["render", str(tmp_path / "src"), "-o", str(out)])
    text = entries if entries == "[]" else f'{{"tbkl": "1", "entries": {entries}}}'
    (out / MANIFEST_NAME).write_text(text, encoding="utf-8")
    result = run(["render", str(tmp_path / "src"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{(out / MANIFEST_NAME).as_posix()}: cảnh báo: tệp ghi nhớ bị hỏng ({detail}); in lại tất cả" in result.output
    assert summary_line(result.output).startswith("Đã tạo 2, không đổi 0, lỗi 0")


@POSIX
@pytest.mark.parametrize("template", ["/dev/zero", "fifo.docx", "folder.docx"])
def test_a_template_in_the_manifest_that_is_not_a_regular_file_is_never_read(tmp_path: Path, template: str) -> None:
    make_notices(tmp_path / "src", 1)
    out = tmp_path / "out"
    run(["render", str(tmp_path / "src"), "-o", str(out)])
    if template == "fifo.docx":
        os.mkfifo(out / template)
    elif template == "folder.docx":
        (out / template).mkdir()
    data = _manifest(out)
    data["entries"]["tb-000.docx"]["mau_tep"] = template
    _write_manifest(out, data)
    result = run(["render", str(tmp_path / "src"), "-o", str(out)])  # hangs forever if it reads it
    assert result.exit_code == 0, result.output
    expected = (
        f"{(out / MANIFEST_NAME).as_posix()}: cảnh báo: mẫu “{template}” ghi trong tệp ghi nhớ không phải tệp .docx thường;"
        " không đọc, in lại các thông báo dùng nó"
    )
    assert expected in result.output
    assert summary_line(result.output).startswith("Đã tạo 1, không đổi 0")


@POSIX
def test_a_manifest_that_is_a_pipe_is_not_read(tmp_path: Path) -> None:
    make_notices(tmp_path / "src", 1)
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / MANIFEST_NAME)
    result = run(["render", str(tmp_path / "src"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    expected = (
        f"{(out / MANIFEST_NAME).as_posix()}: cảnh báo: tệp ghi nhớ bị hỏng (không phải tệp thường hoặc không đọc được); in lại tất cả"
    )
    assert expected in result.output
    assert (out / MANIFEST_NAME).is_file()  # replaced by a real manifest


# --- two sources, one output ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("a.yaml", "a.yml"),
        ("Kết luận.yaml", "kết luận.yaml"),
        (unicodedata.normalize("NFC", "kết luận.yaml"), unicodedata.normalize("NFD", "kết luận.yaml")),
    ],
)
def test_two_sources_for_one_output_are_refused_before_anything_is_written(tmp_path: Path, first: str, second: str) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / first).write_text(SEED, encoding="utf-8")
    try:
        (src / second).write_text(SEED, encoding="utf-8")
    except OSError:
        pytest.skip("this file system takes the two names for one file")
    if len(list(src.iterdir())) < 2:
        pytest.skip("this file system takes the two names for one file")
    result = run(["render", str(src), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    names = sorted([first, second])
    shown = [src / name for name in names]
    output = (tmp_path / "out" / Path(names[0]).with_suffix(".docx")).as_posix()
    assert result.output.strip() == (
        f"{output}: các tệp “{shown[0].as_posix()}” và “{shown[1].as_posix()}” cùng ghi ra tệp này"
        " (tên chỉ khác phần đuôi, chữ hoa/thường hoặc cách mã hóa dấu); hãy đổi tên cho khác nhau"
    )
    assert not (tmp_path / "out").exists()


def test_a_source_named_twice_is_rendered_once(tmp_path: Path) -> None:
    make_notices(tmp_path / "src", 1)
    result = run(["render", str(tmp_path / "src"), str(tmp_path / "src" / "tb-000.yaml"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert summary_line(result.output).startswith("Đã tạo 1, không đổi 0, lỗi 0")


# --- the lock ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["thư mục", "liên kết", "ống dẫn"])
def test_a_lock_that_is_not_a_regular_file_stops_the_run(tmp_path: Path, kind: str) -> None:
    make_notices(tmp_path / "src", 1)
    out = tmp_path / "out"
    out.mkdir()
    lock = out / LOCK_NAME
    if kind == "thư mục":
        lock.mkdir()
    elif kind == "liên kết":
        if sys.platform == "win32":
            pytest.skip("links need privileges on Windows")
        (tmp_path / "elsewhere").write_bytes(b"")
        lock.symlink_to(tmp_path / "elsewhere")
    else:
        if not hasattr(os, "mkfifo"):
            pytest.skip("no pipes here")
        os.mkfifo(lock)
    result = run(["render", str(tmp_path / "src"), "-o", str(out)])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"{lock.as_posix()}: tệp khóa của tbkl phải là tệp thường, nhưng đây là {kind}; hãy xóa nó rồi chạy lại"
    )
    assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]


# --- long names ----------------------------------------------------------------------------------


def _name_of_bytes(total: int, suffix: str) -> str:
    """Return a Vietnamese file name of exactly total UTF-8 bytes, suffix included."""
    stem = ""
    letters = "thông báo kết luận "
    index = 0
    while len((stem + suffix).encode("utf-8")) < total:
        letter = letters[index % len(letters)]
        if len((stem + letter + suffix).encode("utf-8")) > total:
            letter = "a"
        stem += letter
        index += 1
    assert len((stem + suffix).encode("utf-8")) == total
    return stem + suffix


def test_an_output_name_of_250_bytes_is_written(tmp_path: Path) -> None:
    name = _name_of_bytes(250, ".yaml")
    src = tmp_path / "src"
    src.mkdir()
    try:
        (src / name).write_text(SEED, encoding="utf-8")
    except OSError:
        pytest.skip("this file system refuses a 250-byte name")
    out = tmp_path / "out"
    result = run(["render", str(src), "-o", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    output = out / name.replace(".yaml", ".docx")
    assert len(output.name.encode("utf-8")) == 250
    assert zipfile.ZipFile(output).testzip() is None
    assert not temporaries(out)


def test_stale_temporaries_of_the_short_form_are_removed(tmp_path: Path) -> None:
    from tbkl_gen.files import stage
    from tbkl_gen.word.write import remove_stale_temporaries

    target = tmp_path / "out" / "sub" / _name_of_bytes(250, ".docx")
    temp = stage(target, b"half")
    assert len(temp.name) < 30
    (tmp_path / "out" / "notes.tmp").write_bytes(b"the user's")
    assert remove_stale_temporaries(tmp_path / "out") == 1
    assert not temp.exists()
    assert (tmp_path / "out" / "notes.tmp").exists()


# --- links in the notices folder -----------------------------------------------------------------


@POSIX
def test_links_that_loop_or_lead_out_are_named_and_skipped(tmp_path: Path) -> None:
    make_notices(tmp_path / "src", 1)
    secret = tmp_path / "secret.yaml"
    secret.write_text(SEED, encoding="utf-8")
    (tmp_path / "src" / "vong.yaml").symlink_to("vong.yaml")
    (tmp_path / "src" / "ra-ngoai.yaml").symlink_to(secret)
    (tmp_path / "src" / "thu-muc").symlink_to(tmp_path)
    (tmp_path / "src" / "tb-lien-ket.yaml").symlink_to("tb-000.yaml")  # inside: read as usual
    result = run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    src = (tmp_path / "src").resolve().as_posix()
    lines = [line for line in result.output.splitlines() if "liên kết" in line]
    assert lines == [
        f"{(tmp_path / 'src' / 'thu-muc').as_posix()}: cảnh báo: liên kết trỏ ra ngoài thư mục “{src}”; bỏ qua, không đọc",
        f"{(tmp_path / 'src' / 'ra-ngoai.yaml').as_posix()}: cảnh báo: liên kết trỏ ra ngoài thư mục “{src}”; bỏ qua, không đọc",
        f"{(tmp_path / 'src' / 'vong.yaml').as_posix()}: cảnh báo: liên kết vòng (trỏ về chính nó); bỏ qua",
    ]
    assert sorted(p.name for p in (tmp_path / "out").glob("*.docx")) == ["tb-000.docx", "tb-lien-ket.docx"]


# --- direction controls --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "place"),
    [
        ("  ho_ten: Võ Văn Viên\n", "  ho_ten: Võ Văn \u202eViên\n", "nguoi_ky.ho_ten"),
        ("  ho_ten: Võ Văn Viên\n", "  ho_ten: Võ Văn Viên\u200f\n", "nguoi_ky.ho_ten"),
        ("so:\n", 'so: "1\u20662"\n', "so"),
    ],
)
def test_direction_controls_in_names_and_number_are_errors(tmp_path: Path, old: str, new: str, place: str) -> None:
    src = tmp_path / "src"
    src.mkdir()
    assert old in SEED
    (src / "a.yaml").write_text(SEED.replace(old, new), encoding="utf-8")
    result = run(["render", str(src), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    char = next(c for c in new if unicodedata.category(c) == "Cf")
    line = next(i for i, text in enumerate(SEED.replace(old, new).splitlines(), 1) if char in text)
    expected = f": {place}: có ký tự điều khiển hướng chữ U+{ord(char):04X} (vô hình); chữ sẽ in đảo ngược hoặc sai thứ tự (xóa ký tự này rồi gõ lại)"
    assert any(f"a.yaml:{line}:" in text and text.endswith(expected) for text in result.output.splitlines()), result.output
    assert not (tmp_path / "out").exists()


def test_direction_controls_elsewhere_stay_a_warning(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.yaml").write_text(SEED.replace("giai đoạn 2017-2021\nnoi_dung:", "giai đoạn \u202e2017-2021\nnoi_dung:"), encoding="utf-8")
    result = run(["render", str(src), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "trich_yeu: có ký tự vô hình (khoảng trắng không ngắt, ký tự định dạng)" in result.output


# --- signals -------------------------------------------------------------------------------------


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def _workers_of(out: Path) -> list[str]:
    proc = Path("/proc")
    alive = []
    for entry in proc.iterdir() if proc.is_dir() else []:
        try:
            if entry.name.isdigit() and str(out).encode() in (entry / "cmdline").read_bytes():
                alive.append(entry.name)
        except OSError:
            continue
    return alive


@pytest.fixture(scope="module")
def old_and_new(tmp_path_factory) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:  # noqa: ANN001
    """Render 40 notices, then change them all: the bytes of every output before and after."""
    base = tmp_path_factory.mktemp("signals")
    make_notices(base / "src", 40)
    assert run(["render", str(base / "src"), "-o", str(base / "old")]).exit_code == 0
    make_notices(base / "src", 40, tag=" mới")
    assert run(["render", str(base / "src"), "-o", str(base / "new")]).exit_code == 0
    old = {p.name: p.read_bytes() for p in (base / "old").glob("*.docx")}
    new = {p.name: p.read_bytes() for p in (base / "new").glob("*.docx")}
    return base, old, new


@POSIX
@pytest.mark.parametrize("group", [False, True], ids=["to-the-batch", "to-its-process-group"])
@pytest.mark.parametrize("jobs", ["2", "1"])
@pytest.mark.parametrize("step", ["load", "stage", "rename"])
@pytest.mark.parametrize(
    ("signum", "code", "message"),
    [(signal.SIGINT, 130, "Đã dừng theo yêu cầu (Ctrl-C)."), (signal.SIGTERM, 143, "Đã dừng theo yêu cầu (SIGTERM).")],
)
def test_a_signal_stops_the_batch_cleanly(
    tmp_path: Path, old_and_new, jobs: str, step: str, signum: int, code: int, message: str, group: bool
) -> None:  # noqa: ANN001
    """A signal at any step: the exit code, no worker, no temporary file, whole outputs, a true manifest.

    Sent to the whole process group (as a terminal's Ctrl-C, or a service manager's stop), it
    also reaches the workers, which may die in the middle of writing a file.
    """
    import shutil

    base, old, new = old_and_new
    out = tmp_path / "out"
    shutil.copytree(base / "old", out)
    marker = tmp_path / "paused"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TBKL_TEST_PAUSE_AT": f"{step}:{marker}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "tbkl_gen", "render", str(base / "src"), "-o", str(out), "--jobs", jobs],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        start_new_session=group,
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the batch never reached the step"
        time.sleep(0.01)
    if group:
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == code, err
    assert err.strip().splitlines()[-1] == message
    assert "Traceback" not in err
    assert not _workers_of(out)
    assert not temporaries(out)
    with folder_lock(out):  # released: this would raise FolderBusy
        pass
    outputs = {p.name: p.read_bytes() for p in out.glob("*.docx")}
    assert sorted(outputs) == sorted(old)
    assert all(data in (old[name], new[name]) for name, data in outputs.items())
    renamed = {name for name, data in outputs.items() if data == new[name] != old[name]}
    if step == "rename":
        assert renamed  # stopped after the first rename, and that one is kept
    else:
        assert not renamed
    # the manifest records a source's new hash only for an output that holds the new bytes
    sources = {p.with_suffix(".docx").name: _digest(p.read_bytes()) for p in (base / "src").glob("*.yaml")}
    for key, entry in _manifest(out)["entries"].items():
        if entry.get("nguon") == sources[key]:
            assert outputs[key] == new[key], key
    finish = run(["render", str(base / "src"), "-o", str(out)])
    assert finish.exit_code == 0, finish.output
    assert summary_line(finish.output).startswith(f"Đã tạo {len(new) - len(renamed)}, không đổi {len(renamed)}, lỗi 0")
    assert {p.name: p.read_bytes() for p in out.glob("*.docx")} == new


@POSIX
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_source_that_is_a_pipe_is_refused_by_name_and_never_read(tmp_path: Path, jobs: str) -> None:
    make_notices(tmp_path / "src", 20)
    os.mkfifo(tmp_path / "src" / "ong.yaml")
    result = run(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out"), "--jobs", jobs])  # hangs if it reads it
    assert result.exit_code == 1
    pipe = (tmp_path / "src" / "ong.yaml").as_posix()
    assert f"{pipe}: không phải tệp văn bản thường (là thiết bị, ống dẫn hay ổ cắm)" in result.output
    assert not (tmp_path / "out").exists()


@POSIX
def test_check_names_links_that_loop_or_lead_out_too(tmp_path: Path) -> None:
    make_notices(tmp_path / "src", 1)
    (tmp_path / "src" / "vong.yaml").symlink_to("vong.yaml")
    result = run(["check", str(tmp_path / "src")])
    assert f"{(tmp_path / 'src' / 'vong.yaml').as_posix()}: cảnh báo: liên kết vòng (trỏ về chính nó); bỏ qua" in result.output
    assert "Traceback" not in result.output
