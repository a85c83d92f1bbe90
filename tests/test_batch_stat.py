"""`tbkl render` trusts a source's size, time and inode only when the manifest saw them settle; a change is always seen."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SIGNER, render_cli
from tbkl_gen.commands import batch
from tbkl_gen.commands.batch import MANIFEST_NAME
from tbkl_gen.commands.scaffold import init_workspace

LETTER = ROOT / "notices" / "2026" / "lamdong-cong-van-chuyen-doi-so.yaml"
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX links")


def made(output: str) -> tuple[int, int]:
    import re

    found = re.search(r"Đã tạo (\d+), không đổi (\d+)", output)
    assert found is not None, output
    return int(found.group(1)), int(found.group(2))


def age(paths: list[Path], seconds: int) -> None:
    """Put the files' times seconds back, as if the last run were that long ago."""
    for path in paths:
        info = path.stat()
        os.utime(path, ns=(info.st_atime_ns - seconds * 10**9, info.st_mtime_ns - seconds * 10**9))


def test_an_unchanged_source_is_not_read_and_any_change_is_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "vp"
    init_workspace(root, signer=SIGNER)
    (root / "notices" / "2026").mkdir(parents=True, exist_ok=True)
    sources = [root / "notices" / "2026" / f"cv-{i}.yaml" for i in range(3)]
    for index, source in enumerate(sources):
        source.write_text(LETTER.read_text(encoding="utf-8").replace('so: "123"', f'so: "{123 + index}"'), encoding="utf-8")
    age(sources, 60)  # written a minute before the first run
    first = render_cli(["render", "-o", "out"], cwd=root).output
    assert made(first) == (3, 0), first
    manifest = root / "out" / MANIFEST_NAME
    entries = json.loads(manifest.read_text(encoding="utf-8"))["entries"]
    assert all(len(entry["tep"]) == 3 for entry in entries.values())
    read: list[Path] = []
    real = batch.read_regular

    def counted(path: Path, *args: object, **kwargs: object) -> bytes | None:
        read.append(path)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "read_regular", counted)
    # settled (older than the manifest, as recorded): not read at all
    assert made(render_cli(["render", "-o", "out"], cwd=root).output) == (0, 3)
    assert not set(sources) & set(read)
    # written again within the manifest's tick, the same bytes: read, not trusted, and unchanged
    sources[2].write_bytes(sources[2].read_bytes())
    assert made(render_cli(["render", "-o", "out"], cwd=root).output) == (0, 3)
    assert sources[2] in read
    # an edit of the same size in place (same inode): a new time, seen
    text = sources[0].read_text(encoding="utf-8")
    edited = text.replace('so: "123"', 'so: "321"')
    before = sources[0].stat()
    with sources[0].open("r+b") as handle:
        handle.write(edited.encode("utf-8"))
    assert sources[0].stat().st_ino == before.st_ino and len(edited) == len(text)
    assert made(render_cli(["render", "-o", "out"], cwd=root).output) == (1, 2)
    # a file replaced by another of the same size with the old time: another inode, seen
    info = sources[1].stat()
    replaced = sources[1].with_suffix(".tmp")
    replaced.write_text(sources[1].read_text(encoding="utf-8").replace('so: "124"', 'so: "421"'), encoding="utf-8")
    os.utime(replaced, ns=(info.st_atime_ns, info.st_mtime_ns))
    replaced.replace(sources[1])
    assert sources[1].stat().st_mtime_ns == info.st_mtime_ns and sources[1].stat().st_size == info.st_size
    assert made(render_cli(["render", "-o", "out"], cwd=root).output) == (1, 2)
    # touched, its bytes the same: not rendered again, its new time remembered
    now = time.time() - 30
    os.utime(sources[2], (now, now))
    assert made(render_cli(["render", "-o", "out"], cwd=root).output) == (0, 3)
    entries = json.loads(manifest.read_text(encoding="utf-8"))["entries"]
    assert [e["tep"][1] for k, e in entries.items() if k.endswith("cv-2.docx")] == [sources[2].stat().st_mtime_ns]


@POSIX
def test_one_walk_of_the_output_folder_finds_the_outputs_and_clears_what_a_killed_run_left(tmp_path: Path) -> None:
    from tbkl_gen.files import stage
    from tbkl_gen.word.write import remove_stale_temporaries

    out = tmp_path / "out"
    (out / "2026" / "sub").mkdir(parents=True)
    (out / "a.docx").write_bytes(b"PK")
    (out / "2026" / "sub" / "b.docx").write_bytes(b"PK")
    (out / "2026" / "folder.docx").mkdir()  # not a file
    left = [stage(out / "2026" / "sub" / "c.docx", b"half"), stage(out / "d.docx", b"half")]
    (out / "2026" / ".old.tbkl-tmp").write_bytes(b"half")  # a version before the short names
    (out / "notes.tmp").write_bytes(b"the user's")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "e.docx").write_bytes(b"PK")
    (elsewhere / ".tbkl-abcdefgh.tmp").write_bytes(b"not in the output folder")
    (out / "linked").symlink_to(elsewhere)  # not entered
    found: set[str] = set()
    assert remove_stale_temporaries(out, found) == 3
    assert not any(path.exists() for path in left)
    assert found == {"a.docx", "2026/sub/b.docx", "notes.tmp"}
    assert (elsewhere / ".tbkl-abcdefgh.tmp").exists()


@POSIX
def test_an_output_deleted_or_swapped_for_a_folder_is_made_again_and_one_behind_a_linked_folder_is_looked_for(tmp_path: Path) -> None:
    root = tmp_path / "vp"
    init_workspace(root, signer=SIGNER)
    (root / "notices" / "2026").mkdir(parents=True, exist_ok=True)
    for index in range(3):
        text = LETTER.read_text(encoding="utf-8").replace('so: "123"', f'so: "{123 + index}"')
        (root / "notices" / "2026" / f"cv-{index}.yaml").write_text(text, encoding="utf-8")
    assert made(render_cli(["render", "-o", "out"], cwd=root).output) == (3, 0)
    # the outputs' folder moved and linked back: the walk does not enter it, each output is looked for
    (root / "out" / "2026").rename(tmp_path / "moved")
    (root / "out" / "2026").symlink_to(tmp_path / "moved")
    assert made(render_cli(["render", "-o", "out"], cwd=root).output) == (0, 3)
    (root / "out" / "2026").unlink()
    (tmp_path / "moved").rename(root / "out" / "2026")
    (root / "out" / "2026" / "cv-0.docx").unlink()
    (root / "out" / "2026" / "cv-1.docx").unlink()
    (root / "out" / "2026" / "cv-1.docx").mkdir()
    result = render_cli(["render", "-o", "out"], cwd=root)
    assert made(result.output) == (1, 1), result.output  # cv-0 made again; cv-1 cannot replace a folder
    assert "out/2026/cv-1.docx: không ghi được tệp (một thư mục trùng tên đang chiếm chỗ tệp)" in result.output
    assert (root / "out" / "2026" / "cv-0.docx").is_file()
