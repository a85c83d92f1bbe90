"""A workspace's history in real git: who saved what, only the saved file, one at a time, hand edits, push, restore."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, graph_holds_every_commit, render_cli
from tbkl_gen.commands.scaffold import init_workspace
from tbkl_gen.commands.text import ADDED, REMOVED
from tbkl_gen.errors import HistoryFailed
from tbkl_gen.service import history
from tbkl_gen.service.people import Person

AN = Person(login="an", name="Nguyễn Văn An", email="an@vanphong.example", roles=frozenset({"soan-thao"}))
BINH = Person(login="binh", name="Trần Thị Bình", email="binh@vanphong.example", roles=frozenset({"soan-thao"}))
EXAMPLE = ROOT / "notices" / "2026" / "lamdong-cong-van-chuyen-doi-so.yaml"

pytestmark = pytest.mark.usefixtures("git_installed")  # skipped without git, but never in CI


def git_out(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, check=True, text=True, encoding="utf-8").stdout


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "van-phong"
    init_workspace(root)
    (root / "notices" / "cv.yaml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "notices" / "khac.yaml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def save(root: Path, name: str, person: Person, old: str, new: str) -> history.Recorded:
    path = root / "notices" / name
    with history.saving(root, [path], person, f"Lưu {name}") as recorded:
        edit(path, old, new)
    return recorded


def test_a_save_is_a_commit_authored_by_the_person_with_the_accounts_name_and_email(workspace: Path) -> None:
    recorded = save(workspace, "cv.yaml", AN, "Rà soát", "Khẩn trương rà soát")
    assert recorded.commit is not None
    assert git_out(workspace, "log", "-1", "--format=%an|%ae|%cn|%ce|%s") == (
        "Nguyễn Văn An|an@vanphong.example|Nguyễn Văn An|an@vanphong.example|Lưu cv.yaml\n"
    )
    # the history began with the files the folder held, committed as the service, before the first save
    first = git_out(workspace, "log", "--reverse", "--format=%an|%s").splitlines()[0]
    assert first == f"{history.SERVER.name}|{history.START_MESSAGE}"
    assert git_out(workspace, "status", "--porcelain", "--", "notices/cv.yaml") == ""


def test_a_commit_holds_only_the_saved_file_while_another_is_changed_and_a_draft_lies_beside_it(workspace: Path) -> None:
    save(workspace, "cv.yaml", AN, "Rà soát", "Rà soát kỹ")  # the history exists
    edit(workspace / "notices" / "khac.yaml", "Chuẩn hóa", "Chuẩn hóa gấp")  # someone's work in progress
    (workspace / "notices" / "staged.yaml").write_text("so: 1\n", encoding="utf-8")
    subprocess.run(["git", "add", "notices/staged.yaml"], cwd=workspace, check=True)  # staged by hand, not by this save
    (workspace / "notices" / ".cv.yaml.nhap").write_text('{"data": {}}', encoding="utf-8")
    recorded = save(workspace, "cv.yaml", BINH, "Chuẩn hóa", "Chuẩn hoá")
    assert git_out(workspace, "show", "--name-only", "--format=", str(recorded.commit)).split() == ["notices/cv.yaml"]
    status = git_out(workspace, "status", "--porcelain", "--untracked-files=all")
    assert " M notices/khac.yaml" in status and "A  notices/staged.yaml" in status
    assert ".nhap" not in git_out(workspace, "log", "--all", "--name-only", "--format=")
    with pytest.raises(HistoryFailed, match="bản nháp"):
        history.commit(workspace, [workspace / "notices" / ".cv.yaml.nhap"], AN, "nháp")


def test_concurrent_saves_from_threads_are_serialised_each_its_own_commit(workspace: Path) -> None:
    history.ensure_repository(workspace)
    names = [f"tb-{n}.yaml" for n in range(8)]
    for name in names:
        (workspace / "notices" / name).write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    history.commit(workspace, [workspace / "notices" / n for n in names], AN, "Thêm")
    inside = [0]
    most = [0]
    errors: list[BaseException] = []
    start = threading.Barrier(len(names))

    def one(index: int, name: str) -> None:
        try:
            start.wait()
            person = AN if index % 2 else BINH
            path = workspace / "notices" / name
            with history.saving(workspace, [path], person, f"Lưu {name}"):
                inside[0] += 1
                most[0] = max(most[0], inside[0])
                edit(path, "Rà soát", f"Rà soát lần {index}")
                inside[0] -= 1
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(i, n)) for i, n in enumerate(names)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert most[0] == 1  # never two writers inside the history at once
    subjects = git_out(workspace, "log", f"-{len(names)}", "--format=%s").split("\n")[:-1]
    assert sorted(subjects) == sorted(f"Lưu {n}" for n in names)
    for name in names:
        changed = git_out(workspace, "log", "-1", "--format=", "--name-only", "--grep", f"Lưu {name}$").split()
        assert changed == [f"notices/{name}"]
    assert not (workspace / history.LOCK_NAME).exists()


def test_the_lock_file_holds_off_another_process_until_released(workspace: Path) -> None:
    history.ensure_repository(workspace)
    script = (
        "import sys, time; from pathlib import Path; from tbkl_gen.service import history\n"
        "with history.serialised(Path(sys.argv[1])):\n"
        "    print('held', flush=True); sys.stdin.readline()\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script, str(workspace)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
    ) as holder:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert (workspace / history.LOCK_NAME).exists()
        entered = threading.Event()

        def wait_for_it() -> None:
            with history.serialised(workspace):
                entered.set()

        waiter = threading.Thread(target=wait_for_it)
        waiter.start()
        assert not entered.wait(0.5)  # the other process holds it
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.stdin.close()
        waiter.join(timeout=30)
        assert entered.is_set()


def test_a_lock_left_by_a_dead_process_is_taken_over(workspace: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    import socket

    lock = workspace / history.LOCK_NAME
    lock.write_text(json.dumps({"pid": int(dead.stdout), "host": socket.gethostname(), "since": time.time()}), encoding="utf-8")
    if os.name == "nt":  # no process check on Windows: the age decides
        old = time.time() - history.LOCK_STALE_SECONDS - 5
        os.utime(lock, (old, old))
    with history.serialised(workspace):
        assert json.loads(lock.read_text(encoding="utf-8"))["pid"] == os.getpid()
    assert not lock.exists()


@pytest.mark.parametrize("kind", ["damaged", "link"])
def test_an_old_lock_that_does_not_read_as_one_is_taken_over_by_its_age_and_never_followed(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """A lock left half written by a process that died, or a link put there, is judged by its own age, not read through."""
    monkeypatch.setattr(history, "LOCK_WAIT_SECONDS", 2)
    lock = workspace / history.LOCK_NAME
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not a lock", encoding="utf-8")
    if kind == "link":
        if os.name == "nt":
            pytest.skip("a link's own time cannot be set on Windows")
        lock.symlink_to(elsewhere)
    else:
        lock.write_bytes(b'{"pid": 12')
    old = time.time() - history.LOCK_STALE_SECONDS - 5
    os.utime(lock, (old, old), follow_symlinks=False)
    with history.serialised(workspace):
        assert not lock.is_symlink() and json.loads(lock.read_text(encoding="utf-8"))["pid"] == os.getpid()
    assert not lock.exists() and elsewhere.read_text(encoding="utf-8") == "not a lock"


def test_a_version_larger_than_a_source_may_be_is_refused_by_its_size_not_read(workspace: Path) -> None:
    """A file made huge on the server's disk and committed as a hand edit: its version is named too large, never read whole."""
    from tbkl_gen.source.read import MAX_SOURCE_BYTES

    save(workspace, "cv.yaml", AN, "Rà soát", "Rà soát kỹ")
    path = workspace / "notices" / "cv.yaml"
    path.write_bytes(b"# " + b"x" * MAX_SOURCE_BYTES + b"\n")
    history.adopt_hand_edits(workspace, [path])
    huge, earlier = history.log(workspace, path)[:2]
    for read in (
        lambda: history.content_at(workspace, huge),
        lambda: history.changes(workspace, path, [huge, earlier]),
        lambda: history.restore(workspace, path, huge.commit, AN),
    ):
        with pytest.raises(HistoryFailed, match="tệp quá lớn"):
            read()
    assert history.content_at(workspace, earlier) is not None


def test_a_file_edited_by_hand_on_the_server_is_committed_as_such_before_the_next_save(workspace: Path) -> None:
    save(workspace, "cv.yaml", AN, "Rà soát", "Rà soát kỹ")
    edit(workspace / "notices" / "cv.yaml", "Lâm Đồng", "Đà Lạt")  # someone with a shell on the server
    recorded = save(workspace, "cv.yaml", BINH, "Chuẩn hóa", "Chuẩn hoá")
    assert recorded.hand_edit is not None
    lines = git_out(workspace, "log", "-2", "--format=%H|%an|%s").splitlines()
    assert lines[0].split("|")[1:] == [BINH.name, "Lưu cv.yaml"]
    sha, author, message = lines[1].split("|")
    assert sha == recorded.hand_edit and author == history.SERVER.name
    assert "trực tiếp trên máy chủ" in message and "notices/cv.yaml" in message
    # each commit holds its own change: the hand edit the place, the person's the word
    versions = history.log(workspace, workspace / "notices" / "cv.yaml")
    hand = history.compare(workspace, workspace / "notices" / "cv.yaml", versions[2], versions[1])
    mine = history.compare(workspace, workspace / "notices" / "cv.yaml", versions[1], versions[0])
    assert [p for h in hand for line in h.lines for p in line if p[0] != "="] == [(REMOVED, "Lâm Đồng"), (ADDED, "Đà Lạt")]
    assert [p for h in mine for line in h.lines for p in line if p[0] != "="] == [(REMOVED, "hóa"), (ADDED, "hoá")]


def test_the_log_follows_a_rename_and_each_version_opens(workspace: Path) -> None:
    save(workspace, "cv.yaml", AN, "Rà soát", "Rà soát kỹ")
    history.ensure_repository(workspace)
    subprocess.run(["git", "mv", "notices/cv.yaml", "notices/cong-van.yaml"], cwd=workspace, check=True)
    subprocess.run(["git", "-c", "user.name=IT", "-c", "user.email=it@x", "commit", "-qm", "đổi tên"], cwd=workspace, check=True)
    moved = workspace / "notices" / "cong-van.yaml"
    save(workspace, "cong-van.yaml", BINH, "Chuẩn hóa", "Chuẩn hoá")
    versions = history.log(workspace, moved)
    assert [v.author for v in versions] == [BINH.name, "IT", AN.name, history.SERVER.name]
    assert versions[-1].path == "notices/cv.yaml" and versions[0].path == "notices/cong-van.yaml"
    first = history.content_at(workspace, versions[-1])
    assert first == EXAMPLE.read_text(encoding="utf-8")
    assert len(versions[0].shown_when) == len("07/12/2026 14:05") and versions[0].shown_when[2] == "/"


def test_the_log_is_what_git_log_follow_gives_through_two_renames_a_removal_and_the_commit_graph(workspace: Path) -> None:
    """The log is read without --follow (so the commit graph's filters apply): the same versions, names and states."""
    save(workspace, "cv.yaml", AN, "Rà soát", "Rà soát kỹ")
    it = ["-c", "user.name=IT", "-c", "user.email=it@x", "commit", "-qm"]
    subprocess.run(["git", "mv", "notices/cv.yaml", "notices/cong-van.yaml"], cwd=workspace, check=True)
    subprocess.run(["git", *it, "đổi tên"], cwd=workspace, check=True)
    save(workspace, "cong-van.yaml", BINH, "Chuẩn hóa", "Chuẩn hoá")
    (workspace / "notices" / "2026").mkdir()
    subprocess.run(["git", "mv", "notices/cong-van.yaml", "notices/2026/cv-moi.yaml"], cwd=workspace, check=True)
    subprocess.run(["git", *it, "đổi tên lần hai"], cwd=workspace, check=True)
    save(workspace, "khac.yaml", AN, "Rà soát", "Rà soát lại")  # another file's commits are not its
    subprocess.run(["git", "rm", "-q", "notices/2026/cv-moi.yaml"], cwd=workspace, check=True)
    subprocess.run(["git", *it, "xóa"], cwd=workspace, check=True)
    (workspace / "notices" / "2026").mkdir(exist_ok=True)  # git rm took the emptied folder
    # made anew, like no other file (--follow would take a near copy of another notice for its past; the log does not)
    (workspace / "notices" / "2026" / "cv-moi.yaml").write_text("trich_yeu: Văn bản khác hẳn\nso: 5\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=workspace, check=True)
    subprocess.run(["git", *it, "tạo lại"], cwd=workspace, check=True)
    path = workspace / "notices" / "2026" / "cv-moi.yaml"
    followed = git_out(workspace, "log", "--follow", "--format=%H", "--", "notices/2026/cv-moi.yaml").split()
    for graph in (False, True):
        if graph:
            history.keep_graph(workspace, wait=True)
            assert list((workspace / ".git" / "objects" / "info").glob("commit-graph*"))
        history._logs.clear()
        versions = history.log(workspace, path)
        assert [v.commit for v in versions] == followed
        assert [v.removed for v in versions] == [False, True, False, False, False, False, False]
        assert [v.path for v in versions][2:] == [
            "notices/2026/cv-moi.yaml",
            "notices/cong-van.yaml",
            "notices/cong-van.yaml",
            "notices/cv.yaml",
            "notices/cv.yaml",
        ]
        assert [v.author for v in versions] == ["IT", "IT", "IT", BINH.name, "IT", AN.name, history.SERVER.name]
    assert history.log(workspace, path, limit=2) == versions[:2]
    texts = history.contents_at(workspace, versions)
    assert texts == [history.content_at(workspace, v) for v in versions] and texts[1] is None
    paired = history.changes(workspace, path, versions)
    assert [hunks for _, hunks in paired] == [
        history.compare(workspace, path, versions[i + 1] if i + 1 < len(versions) else None, v) for i, v in enumerate(versions)
    ]


def test_the_service_keeps_the_commit_graph_current_from_its_start_and_after_each_of_its_commits(workspace: Path) -> None:
    """`tbkl serve` writes the graph when it starts and after each of its commits; a commit from outside is served all the same."""
    path = workspace / "notices" / "cv.yaml"
    save(workspace, "cv.yaml", AN, "Rà soát", "Rà soát kỹ")
    assert not graph_holds_every_commit(workspace)  # no graph until the service starts
    history.keep_graph_current(workspace)  # as the service's start does
    assert history.graph_settled(workspace, timeout=60)
    assert graph_holds_every_commit(workspace)
    for round_ in range(2):
        save(workspace, "cv.yaml", BINH, "Chuẩn hóa" if round_ == 0 else "Chuẩn hoá", "Chuẩn hoá" if round_ == 0 else "Chuẩn hóa")
        assert history.graph_settled(workspace, timeout=60)
        assert graph_holds_every_commit(workspace), f"the service's commit {round_ + 1} is not in the graph"
    # the IT person commits from outside (a pull would do the same): the graph lacks it, the log has it all the same
    edit(path, "Rà soát kỹ", "Rà soát kỹ càng")
    subprocess.run(["git", "-c", "user.name=IT", "-c", "user.email=it@x", "commit", "-qam", "sửa ngoài"], cwd=workspace, check=True)
    assert not graph_holds_every_commit(workspace)
    history._logs.clear()
    assert [v.commit for v in history.log(workspace, path)] == git_out(workspace, "log", "--format=%H", "--", "notices/cv.yaml").split()
    save(workspace, "khac.yaml", AN, "Rà soát", "Rà soát lại")  # the service's next commit brings the graph up to date
    assert history.graph_settled(workspace, timeout=60)
    assert graph_holds_every_commit(workspace)
    history._logs.clear()
    assert [v.commit for v in history.log(workspace, path)] == git_out(workspace, "log", "--format=%H", "--", "notices/cv.yaml").split()


def test_writes_of_the_graph_asked_for_while_one_runs_are_made_once_after_it(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One writing thread: asks that arrive while a write runs give one more write (it may miss their commits), not one each."""
    save(workspace, "cv.yaml", AN, "Rà soát", "Rà soát kỹ")
    writing, release = threading.Event(), threading.Event()
    written: list[str] = []
    real = history.git

    def watched(root: Path, *args: str, **kwargs: Any) -> Any:  # noqa: ANN401
        if args[:2] == ("commit-graph", "write"):
            written.append(git_out(root, "rev-parse", "HEAD").strip())
            writing.set()
            assert release.wait(60)
        return real(root, *args, **kwargs)

    monkeypatch.setattr(history, "git", watched)
    history.keep_graph(workspace)
    assert writing.wait(60)
    for _ in range(3):  # a commit made while the first write runs, and asks for a write
        history.keep_graph(workspace)
    save(workspace, "khac.yaml", BINH, "Rà soát", "Rà soát lại")
    history.keep_graph(workspace)
    release.set()
    assert history.graph_settled(workspace, timeout=60)
    head = git_out(workspace, "rev-parse", "HEAD").strip()
    assert len(written) == 2 and written[-1] == head
    assert graph_holds_every_commit(workspace)


def test_a_new_notice_like_another_has_its_own_history_not_the_others(workspace: Path) -> None:
    save(workspace, "cv.yaml", AN, "Rà soát", "Rà soát kỹ")
    like = workspace / "notices" / "thang-sau.yaml"  # next month's, written from this one: nearly the same text
    like.write_text((workspace / "notices" / "cv.yaml").read_text(encoding="utf-8").replace("Rà soát kỹ", "Rà soát lại"), encoding="utf-8")
    assert history.commit(workspace, [like], BINH, "Tạo thang-sau.yaml") is not None
    versions = history.log(workspace, like)
    assert [(v.author, v.message, v.path) for v in versions] == [(BINH.name, "Tạo thang-sau.yaml", "notices/thang-sau.yaml")]
    assert history.content_at(workspace, versions[0]) == like.read_text(encoding="utf-8")


def test_the_word_diff_names_fields_by_their_labels_not_their_keys(workspace: Path) -> None:
    save(workspace, "cv.yaml", AN, "ho_ten: Nguyễn Ngọc Phúc", "ho_ten: Nguyễn Văn Phúc")
    versions = history.log(workspace, workspace / "notices" / "cv.yaml")
    hunks = history.compare(workspace, workspace / "notices" / "cv.yaml", versions[1], versions[0])
    assert len(hunks) == 1
    line = hunks[0].lines[0]
    assert line[0] == ("=", "Họ tên người ký: Nguyễn")
    assert (REMOVED, "Ngọc") in line and (ADDED, "Văn") in line
    assert "ho_ten" not in str(hunks)


def test_restore_brings_back_an_earlier_version_as_a_new_commit_by_the_person(workspace: Path) -> None:
    path = workspace / "notices" / "cv.yaml"
    save(workspace, "cv.yaml", AN, "Rà soát", "Rà soát kỹ")
    save(workspace, "cv.yaml", AN, "Chuẩn hóa", "Chuẩn hoá")
    versions = history.log(workspace, path)
    wanted = versions[-1]  # as the folder held it at first
    recorded = history.restore(workspace, path, wanted.commit[:10], BINH)
    assert recorded.commit is not None
    assert path.read_bytes() == EXAMPLE.read_bytes()
    after = history.log(workspace, path)
    assert len(after) == len(versions) + 1 and after[0].author == BINH.name
    assert after[0].message.startswith(history.RESTORE_MESSAGE.partition("{short}")[0] + wanted.short)
    assert history.compare(workspace, path, wanted, after[0]) == []
    with pytest.raises(HistoryFailed, match="không có phiên bản"):
        history.restore(workspace, path, "0" * 40, BINH)
    with pytest.raises(HistoryFailed, match="không hợp lệ"):
        history.restore(workspace, path, "HEAD~1", BINH)


def bare_remote(tmp_path: Path, workspace: Path) -> Path:
    remote = tmp_path / "kho-chung.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    history.ensure_repository(workspace)
    subprocess.run(["git", "remote", "add", "origin", str(remote)], cwd=workspace, check=True)
    return remote


def test_a_push_sends_the_commits_to_a_bare_remote(tmp_path: Path, workspace: Path) -> None:
    assert history.push(workspace) is None  # no remote configured: nothing to do
    remote = bare_remote(tmp_path, workspace)
    save(workspace, "cv.yaml", AN, "Rà soát", "Rà soát kỹ")
    pushed = history.push(workspace)
    assert pushed is not None and pushed.ok and pushed.waiting == 0
    assert git_out(remote, "log", "-1", "--format=%an|%s", "main") == f"{AN.name}|Lưu cv.yaml\n"


def test_a_failed_push_is_said_in_vietnamese_keeps_the_commit_and_sends_it_at_the_next_push(tmp_path: Path, workspace: Path) -> None:
    remote = bare_remote(tmp_path, workspace)
    save(workspace, "cv.yaml", AN, "Rà soát", "Rà soát kỹ")
    assert history.push(workspace) == history.Pushed("origin", True, "đã gửi lên kho chung “origin”")
    aside = tmp_path / "cat-di.git"
    remote.rename(aside)  # the office's server is gone
    recorded = save(workspace, "cv.yaml", BINH, "Chuẩn hóa", "Chuẩn hoá")
    failed = history.push(workspace)
    assert failed is not None and not failed.ok and failed.waiting == 1
    assert failed.message.startswith("chưa gửi được lên kho chung “origin”")
    assert "sẽ được gửi lại ở lần lưu sau" in failed.message
    assert git_out(workspace, "log", "-1", "--format=%H") == f"{recorded.commit}\n"  # kept here
    aside.rename(remote)  # back
    again = history.push(workspace)
    assert again is not None and again.ok and again.waiting == 0
    assert git_out(remote, "log", "-1", "--format=%H", "main") == f"{recorded.commit}\n"


def test_a_new_file_committed_where_the_history_begins_is_its_authors_not_the_services(workspace: Path) -> None:
    new = workspace / "notices" / "moi.yaml"
    new.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    history.commit(workspace, [new], AN, "Tạo notices/moi.yaml")
    assert git_out(workspace, "log", "--format=%an|%s", "--", "notices/moi.yaml") == f"{AN.name}|Tạo notices/moi.yaml\n"
    assert "notices/cv.yaml" in git_out(workspace, "show", "--name-only", "--format=", "HEAD~1")


def test_tbkl_history_lists_the_versions_and_their_word_diffs_in_vietnamese(tmp_path: Path, workspace: Path) -> None:
    save(workspace, "cv.yaml", AN, "Chuẩn hóa", "Chuẩn hoá")
    edit(workspace / "notices" / "cv.yaml", "Lâm Đồng", "Đà Lạt")
    listed = render_cli(["history", "notices/cv.yaml"], cwd=workspace)
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert lines[0] == "Lịch sử của notices/cv.yaml: 2 phiên bản, mới nhất trước"
    assert lines[1] == "  (tệp trên đĩa có thay đổi chưa ghi vào lịch sử)"
    assert f"  {AN.name} <{AN.email}>  Lưu cv.yaml" in lines[2] and lines[2][10:12] != "" and lines[2][12] == "/"
    assert history.START_MESSAGE in lines[3]
    diffed = render_cli(["history", "notices/cv.yaml", "--diff"], cwd=workspace)
    assert "    Nội dung khoản (3): Chuẩn [-hóa-] {+hoá+} dữ liệu," in diffed.stdout
    remote = bare_remote(tmp_path, workspace)
    remote.rename(tmp_path / "mat.git")
    failed = render_cli(["history", "notices/cv.yaml", "--push"], cwd=workspace)
    assert failed.exit_code == 1
    assert "Chưa gửi được lên kho chung “origin”" in failed.stderr and "Traceback" not in failed.stderr
    (tmp_path / "mat.git").rename(remote)
    assert "2 phiên bản chưa gửi" in render_cli(["history", "notices/cv.yaml"], cwd=workspace).stdout
    sent = render_cli(["history", "notices/cv.yaml", "--push"], cwd=workspace)
    assert sent.exit_code == 0 and "Đã gửi lên kho chung “origin”" in sent.stdout
    missing = render_cli(["history", "notices/khong-co.yaml"], cwd=workspace)
    assert missing.exit_code == 1 and "không tìm thấy" in missing.stderr


def test_tbkl_history_begins_the_history_of_a_workspace_without_one(workspace: Path) -> None:
    listed = render_cli(["history", "notices/cv.yaml"], cwd=workspace)
    assert listed.exit_code == 0, listed.output
    assert "Đã bắt đầu ghi lịch sử của thư mục làm việc" in listed.stderr
    assert "Lịch sử của notices/cv.yaml: 1 phiên bản" in listed.stdout
    assert git_out(workspace, "log", "--format=%an", "--", "notices/cv.yaml") == f"{history.SERVER.name}\n"
    assert (workspace / ".gitignore").read_text(encoding="utf-8").count("*.nhap") == 1  # tbkl init's own, kept


def test_pushes_from_concurrent_saves_leave_the_remote_with_every_commit(tmp_path: Path, workspace: Path) -> None:
    remote = bare_remote(tmp_path, workspace)
    names = [f"tb-{n}.yaml" for n in range(6)]
    for name in names:
        (workspace / "notices" / name).write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    history.commit(workspace, [workspace / "notices" / n for n in names], AN, "Thêm")
    start = threading.Barrier(len(names))
    answers: list[history.Pushed | None] = []

    def one(name: str) -> None:
        start.wait()
        save(workspace, name, BINH, "Rà soát", "Rà soát lại")
        answers.append(history.push(workspace, wait=False))

    threads = [threading.Thread(target=one, args=(n,)) for n in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(answer is not None and answer.ok for answer in answers)
    assert git_out(remote, "rev-parse", "main") == git_out(workspace, "rev-parse", "HEAD")
    assert history.waiting(workspace, "origin") == 0


def test_the_single_user_pages_person_is_recorded_under_the_name_git_is_configured_with(workspace: Path) -> None:
    from tbkl_gen.service.people import LOCAL

    save(workspace, "cv.yaml", LOCAL, "Rà soát", "Rà soát kỹ")
    assert git_out(workspace, "log", "-1", "--format=%an|%ae") == f"{LOCAL.name}|{LOCAL.email}\n"
    subprocess.run(["git", "config", "user.name", "Chị Lan"], cwd=workspace, check=True)
    subprocess.run(["git", "config", "user.email", "lan@vanphong.example"], cwd=workspace, check=True)
    save(workspace, "cv.yaml", LOCAL, "Chuẩn hóa", "Chuẩn hoá")
    assert git_out(workspace, "log", "-1", "--format=%an|%ae|%cn") == "Chị Lan|lan@vanphong.example|Chị Lan\n"


def _contend(root: str, rounds: int, start: Any, done: Any, overlaps: Any) -> None:
    """One process of the race below: each round, wait for the stale lock to be laid, then enter the history once."""
    import errno as errno_

    from tbkl_gen.service import history as history_

    inside = Path(root) / "inside"
    for _ in range(rounds):
        start.wait()
        with history_.serialised(Path(root)):
            try:
                os.close(os.open(inside, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except OSError as exc:
                if exc.errno != errno_.EEXIST:
                    raise
                with overlaps.get_lock():
                    overlaps.value += 1
            else:
                for _ in range(2000):  # a little work inside, so that another holder would be caught here
                    Path(root).stat()
                inside.unlink()
        done.wait()


def test_waiters_that_all_judge_a_lock_stale_never_hold_it_together(tmp_path: Path) -> None:
    """Several processes waiting on a lock left by a dead process (or damaged): one at a time takes it over, round after round."""
    import multiprocessing
    import socket

    context = multiprocessing.get_context("spawn")
    processes, rounds = 4, 40
    start, done = context.Barrier(processes + 1), context.Barrier(processes + 1)
    overlaps = context.Value("i", 0)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    lock = tmp_path / history.LOCK_NAME
    workers = [context.Process(target=_contend, args=(str(tmp_path), rounds, start, done, overlaps)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    try:
        for index in range(rounds):
            if index % 2 or os.name == "nt":  # damaged, and old: judged by its age
                lock.write_bytes(b'{"pid": 12')
                old = time.time() - 3600
                os.utime(lock, (old, old))
            else:  # its process is gone
                lock.write_text(json.dumps({"pid": int(dead.stdout), "host": socket.gethostname(), "since": time.time()}), encoding="utf-8")
            start.wait(timeout=120)
            done.wait(timeout=120)
    finally:
        for worker in workers:
            worker.join(timeout=60)
    assert [worker.exitcode for worker in workers] == [0] * processes
    assert overlaps.value == 0
    assert not lock.exists() and [p.name for p in tmp_path.iterdir()] == []


def test_a_lock_refreshed_by_its_holder_is_not_taken_over_for_its_age(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The holder of a long operation refreshes the lock file's time before each git command: waiters judge it by that time."""
    import socket

    from tbkl_gen.errors import HistoryBusy

    history.ensure_repository(workspace)
    lock = workspace / history.LOCK_NAME
    with history.serialised(workspace):
        old = time.time() - history.LOCK_STALE_SECONDS - 60
        os.utime(lock, (old, old))
        history.git(workspace, "status", "--porcelain")
        assert time.time() - lock.stat().st_mtime < history.LOCK_STALE_SECONDS
    monkeypatch.setattr(history, "LOCK_WAIT_SECONDS", 0.3)
    taken = time.time() - history.LOCK_STALE_SECONDS - 60  # taken long ago by a live process, its file refreshed just now
    lock.write_text(json.dumps({"host": socket.gethostname(), "pid": os.getpid(), "since": taken, "mark": "x"}), encoding="utf-8")
    with pytest.raises(HistoryBusy, match="đang bận"), history.serialised(workspace):
        pass
    assert json.loads(lock.read_text(encoding="utf-8"))["mark"] == "x"
