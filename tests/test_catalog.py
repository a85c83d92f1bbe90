"""The page's catalog of documents: filters and pages on the server, fresh after any change on disk, its file trusted for speed only."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

pytest.importorskip("starlette")

from starlette.testclient import TestClient  # noqa: E402

from conftest import ROOT  # noqa: E402
from tbkl_gen.commands.scaffold import init_workspace  # noqa: E402
from tbkl_gen.files import write_file  # noqa: E402
from tbkl_gen.page import catalog  # noqa: E402
from tbkl_gen.page.server import create_app  # noqa: E402
from tbkl_gen.source.names import CATALOG_FILE  # noqa: E402

TOKEN = "t0ken-for-tests"
HEADERS = {"X-Tbkl-Token": TOKEN}
EXAMPLES = ROOT / "notices" / "2026"
LETTER = EXAMPLES / "lamdong-cong-van-chuyen-doi-so.yaml"
INVITATION = EXAMPLES / "lamdong-giay-moi-so-khcn.yaml"
NOTICE = EXAMPLES / "lamdong-so-khcn.yaml"


def summary_of(path: Path) -> str:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return str(data["trich_yeu"])


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "van-phong"
    init_workspace(root)
    for year in ("2025", "2026"):
        (root / "notices" / year).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(LETTER, root / "notices" / "2026" / "cong-van.yaml")
    shutil.copyfile(INVITATION, root / "notices" / "2026" / "giay-moi.yaml")
    text = NOTICE.read_text(encoding="utf-8")
    (root / "notices" / "2025" / "thong-bao.yaml").write_text(text.replace("2026", "2025"), encoding="utf-8")
    return root


def listed(root: Path, query: str = "") -> dict:
    with TestClient(create_app(root, TOKEN, hosts={"testserver"}), base_url="http://testserver") as client:
        response = client.get(f"/api/workspace{query}", headers=HEADERS)
    assert response.status_code == 200, response.text
    return response.json()


def paths(answer: dict) -> list[str]:
    return [row["path"] for row in answer["thong_bao"]]


def test_the_list_is_filtered_by_year_kind_state_and_words_and_paged_on_the_server(workspace: Path) -> None:
    everything = listed(workspace)
    assert paths(everything) == ["notices/2026/cong-van.yaml", "notices/2026/giay-moi.yaml", "notices/2025/thong-bao.yaml"]
    assert everything["tong"] == everything["khop"] == 3
    assert everything["dem"]["nam"] == {"2026": 2, "2025": 1} and everything["dem"]["trang_thai"] == {"dang-soan": 3}
    assert everything["dem"]["loai"] == {"cong_van": 1, "giay_moi": 1, "thong_bao": 1}
    assert paths(listed(workspace, "?nam=2025")) == ["notices/2025/thong-bao.yaml"]
    assert paths(listed(workspace, "?loai=giay_moi")) == ["notices/2026/giay-moi.yaml"]
    assert paths(listed(workspace, "?trang_thai=da-duyet")) == []
    # words of the summary, without accents or case, as a drafter types them
    words = " ".join(catalog.folded(summary_of(LETTER)).split()[-2:]).upper()
    assert paths(listed(workspace, f"?q={words}")) == ["notices/2026/cong-van.yaml"]
    second = listed(workspace, "?so_dong=1&trang=2")
    assert paths(second) == ["notices/2026/giay-moi.yaml"] and second["khop"] == 3 and second["trang"] == 2
    with TestClient(create_app(workspace, TOKEN, hosts={"testserver"}), base_url="http://testserver") as client:
        for query in ("?nam=hai", "?so_dong=0", "?so_dong=501", "?trang_thai=khong-co", "?trang=-1"):
            refused = client.get(f"/api/workspace{query}", headers=HEADERS)
            assert refused.status_code == 400 and refused.json()["loi"], query


def test_a_hand_edit_a_new_a_removed_and_a_renamed_file_show_at_the_next_request(workspace: Path) -> None:
    app = create_app(workspace, TOKEN, hosts={"testserver"})
    with TestClient(app, base_url="http://testserver") as client:

        def rows() -> dict[str, dict]:
            return {row["path"]: row for row in client.get("/api/workspace", headers=HEADERS).json()["thong_bao"]}

        assert rows()["notices/2026/cong-van.yaml"]["trich_yeu"] == summary_of(LETTER)
        letter = workspace / "notices" / "2026" / "cong-van.yaml"
        # a hand edit of the same size, its time put back: the file's inode tells it apart
        text = letter.read_text(encoding="utf-8")
        before = letter.stat()
        edited = text.replace(summary_of(LETTER), summary_of(LETTER)[::-1], 1)
        assert len(edited.encode()) == len(text.encode())
        write_file(letter, edited.encode("utf-8"))
        os.utime(letter, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert rows()["notices/2026/cong-van.yaml"]["trich_yeu"] == summary_of(LETTER)[::-1]
        # an edit in place (same inode), a new file, a removal and a rename
        inode = letter.stat().st_ino
        with letter.open("r+b") as handle:  # as an editor that writes in place
            handle.write(edited.replace(summary_of(LETTER)[::-1], "Sửa tại chỗ", 1).encode("utf-8"))
            handle.truncate()
        assert letter.stat().st_ino == inode
        shutil.copyfile(INVITATION, workspace / "notices" / "2025" / "moi.yaml")
        (workspace / "notices" / "2026" / "giay-moi.yaml").unlink()
        (workspace / "notices" / "2025" / "thong-bao.yaml").rename(workspace / "notices" / "2025" / "tb-doi-ten.yaml")
        now = rows()
        assert sorted(now) == ["notices/2025/moi.yaml", "notices/2025/tb-doi-ten.yaml", "notices/2026/cong-van.yaml"]
        assert now["notices/2026/cong-van.yaml"]["trich_yeu"] == "Sửa tại chỗ"
        # a broken source is listed, not read; mended, it is read again
        (workspace / "notices" / "2025" / "moi.yaml").write_bytes(b"\xff\xfe not utf-8")
        assert rows()["notices/2025/moi.yaml"]["doc_duoc"] is False
        shutil.copyfile(INVITATION, workspace / "notices" / "2025" / "moi.yaml")
        assert rows()["notices/2025/moi.yaml"]["doc_duoc"] is True


def test_a_restarted_page_reads_the_catalog_file_not_every_source(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tbkl_gen.page import server

    first = listed(workspace)  # builds the catalog and writes its file (every source was read)
    file = workspace / CATALOG_FILE
    assert file.is_file() and oct(file.stat().st_mode & 0o777) == oct(0o600)
    read: list[str] = []
    real = server.Page.entry_of

    def counted(self: server.Page, path: Path, relative: str) -> catalog.Entry:
        read.append(relative)
        return real(self, path, relative)

    monkeypatch.setattr(server.Page, "entry_of", counted)
    assert listed(workspace) == first and read == []
    (workspace / "notices" / "2026" / "cong-van.yaml").write_text(LETTER.read_text(encoding="utf-8") + "# sửa\n", encoding="utf-8")
    listed(workspace)
    assert read == ["notices/2026/cong-van.yaml"]
    # the catalog is never part of the history
    from tbkl_gen.service import history

    history.ensure_repository(workspace)
    assert CATALOG_FILE in (workspace / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert CATALOG_FILE not in history.git(workspace, "ls-files").stdout.decode()


def counting_reads(monkeypatch: pytest.MonkeyPatch, before: Callable[[str], None] | None = None) -> list[str]:
    """Count the sources the page reads into its catalog (`Page.entry_of`), in the order read; before runs ahead of each."""
    from tbkl_gen.page import server

    read: list[str] = []
    real = server.Page.entry_of

    def counted(self: server.Page, path: Path, relative: str) -> catalog.Entry:
        if before is not None:
            before(relative)
        read.append(relative)
        return real(self, path, relative)

    monkeypatch.setattr(server.Page, "entry_of", counted)
    return read


ALL = ["notices/2025/thong-bao.yaml", "notices/2026/cong-van.yaml", "notices/2026/giay-moi.yaml"]


def test_the_start_builds_the_catalog_in_the_background_and_the_first_request_reads_no_source(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = listed(workspace)  # as a page answers that builds its catalog inside the first request
    (workspace / CATALOG_FILE).unlink()
    read = counting_reads(monkeypatch)
    app = create_app(workspace, TOKEN, hosts={"testserver"}, warm=True)  # as `tbkl serve` makes it
    assert app.warming is not None and app.warming.done.wait(60)
    assert sorted(read) == ALL  # every source read once, by the start, before any request
    file = workspace / CATALOG_FILE
    assert file.is_file() and oct(file.stat().st_mode & 0o777) == oct(0o600)
    assert [p.name for p in file.parent.iterdir()] == [file.name]  # written fresh and renamed: no file of its writing left
    [page] = app.warming.pages
    suggested, counts = page.suggested, page.counts  # what the list derives from every entry, derived by the start too
    assert suggested is not None and counts is not None
    read.clear()
    with TestClient(app, base_url="http://testserver") as client:
        answer = client.get("/api/workspace", headers=HEADERS)
    assert answer.status_code == 200 and answer.json() == expected
    assert read == [] and page.suggested is suggested and page.counts is counts


class Watched:
    """The catalog's lock, telling how many threads wait for it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.state = threading.Condition()
        self.waiting = 0

    def __enter__(self) -> Watched:
        if not self.lock.acquire(blocking=False):
            with self.state:
                self.waiting += 1
                self.state.notify_all()
            self.lock.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


def test_two_requests_during_the_starts_build_wait_for_it_and_no_source_is_read_twice(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = listed(workspace)
    (workspace / CATALOG_FILE).unlink()
    reading, release = threading.Event(), threading.Event()

    def held(relative: str) -> None:  # the start's build holds on at its first source until both requests wait
        reading.set()
        assert release.wait(60)

    read = counting_reads(monkeypatch, held)
    app = create_app(workspace, TOKEN, hosts={"testserver"})
    assert app.warming is not None
    [page] = app.warming.pages
    watched = page.catalog.lock = Watched()  # type: ignore[assignment]
    app.warming.start()  # what `tbkl serve` starts
    assert reading.wait(60)
    answers: list[dict] = []
    with TestClient(app, base_url="http://testserver") as client:

        def ask() -> None:
            response = client.get("/api/workspace", headers=HEADERS)
            assert response.status_code == 200, response.text
            answers.append(response.json())

        asking = [threading.Thread(target=ask) for _ in range(2)]
        for thread in asking:
            thread.start()
        with watched.state:
            assert watched.state.wait_for(lambda: watched.waiting == 2, timeout=60), "the requests did not come to wait for the build"
        release.set()
        for thread in asking:
            thread.join(60)
    assert app.warming.done.wait(60)
    assert answers == [expected, expected]
    assert sorted(read) == ALL  # one build, shared: each source read once


def test_the_real_tbkl_serve_writes_the_commit_graph_and_the_catalog_when_it_starts(workspace: Path, git_installed: str) -> None:
    """Before any request: the catalog's file and a commit graph holding every commit (history ready for the first drafter)."""
    import re
    import time
    import urllib.request

    from conftest import graph_holds_every_commit, serve_process, stop_process
    from tbkl_gen.service import history

    history.ensure_repository(workspace)
    assert not graph_holds_every_commit(workspace) and not (workspace / CATALOG_FILE).exists()
    process, first = serve_process(workspace)
    try:
        found = re.search(r"http://[^:/]+:(\d+)/\?token=(\S+)", first)
        assert found, first
        deadline = time.monotonic() + 60
        while not ((workspace / CATALOG_FILE).is_file() and graph_holds_every_commit(workspace)):
            assert process.poll() is None, "tbkl serve ended"
            assert time.monotonic() < deadline, "tbkl serve did not write its catalog and the commit graph within 60 s"
            time.sleep(0.05)
        request = urllib.request.Request(f"http://127.0.0.1:{found.group(1)}/api/workspace", headers={"X-Tbkl-Token": found.group(2)})
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.loads(response.read().decode("utf-8"))
    finally:
        stop_process(process)
    assert sorted(paths(answer)) == ALL and answer == listed(workspace)


def hostile(root: Path, data: object, *, mode: int = 0o600) -> None:
    file = root / CATALOG_FILE
    file.parent.mkdir(exist_ok=True)
    file.unlink(missing_ok=True)
    file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    file.chmod(mode)


def test_a_hostile_catalog_file_is_trusted_for_speed_only(workspace: Path) -> None:
    truth = listed(workspace)
    context = json.loads((workspace / CATALOG_FILE).read_text(encoding="utf-8"))["ngu_canh"]  # the page's own, under which entries are used
    (workspace / CATALOG_FILE).unlink()
    letter = workspace / "notices" / "2026" / "cong-van.yaml"
    info = letter.stat()
    stamp = [info.st_size, info.st_mtime_ns, info.st_ino]
    entry = {
        "path": "notices/2026/cong-van.yaml",
        "nam": 1999,
        "so": "1",
        "ngay": None,
        "trich_yeu": "giả mạo",
        "doc_duoc": True,
        "loai": "cong_van",
        "co_cuoc_hop": False,
        "cuoc_hop_tu": None,
        "noi_nhan": [],
        "nguoi_ky": None,
        "so_khoa": None,
    }
    forged = {"phien_ban": catalog.VERSION, "ngu_canh": context, "tep": {entry["path"]: {"stat": stamp, "muc": entry}}}
    hostile(workspace, forged)
    trusted = {row["path"]: row["trich_yeu"] for row in listed(workspace)["thong_bao"]}
    assert trusted[entry["path"]] == "giả mạo"  # the control: a well-formed file of the page's own, its stat the source's, is trusted
    wrong = [
        "not json {",
        [1, 2],
        {"phien_ban": catalog.VERSION, "ngu_canh": context, "tep": []},
        # entries read under other defaults: every source read again
        {**forged, "ngu_canh": json.dumps({})},
        # a stat that is not the file's: read from the source
        {"phien_ban": catalog.VERSION, "ngu_canh": context, "tep": {entry["path"]: {"stat": [1, 2, 3], "muc": entry}}},
        # a value of the wrong type: the entry is dropped
        {"phien_ban": catalog.VERSION, "ngu_canh": context, "tep": {entry["path"]: {"stat": stamp, "muc": {**entry, "nam": "1999"}}}},
        {
            "phien_ban": catalog.VERSION,
            "ngu_canh": context,
            "tep": {entry["path"]: {"stat": stamp, "muc": {**entry, "nguoi_ky": {"a": {"b": 1}}}}},
        },
        {"phien_ban": catalog.VERSION, "ngu_canh": context, "tep": {entry["path"]: {"stat": stamp, "muc": {**entry, "so_khoa": [1, 2]}}}},
        {
            "phien_ban": catalog.VERSION,
            "ngu_canh": context,
            "tep": {entry["path"]: {"stat": stamp, "muc": {**entry, "so_khoa": ["", "", "2026", "1", "CV", 1, 1, "so"]}}},
        },
        # a catalog of the earlier version (entries without the number): every source read again
        {
            "phien_ban": 1,
            "ngu_canh": context,
            "tep": {entry["path"]: {"stat": stamp, "muc": {k: v for k, v in entry.items() if k != "so_khoa"}}},
        },
        # an entry under another path than its own, and one for a file that is not on disk: never listed
        {
            "phien_ban": catalog.VERSION,
            "ngu_canh": context,
            "tep": {"notices/../../etc/passwd": {"stat": stamp, "muc": {**entry, "path": "x"}}},
        },
        {
            "phien_ban": catalog.VERSION,
            "ngu_canh": context,
            "tep": {"notices/bia.yaml": {"stat": stamp, "muc": {**entry, "path": "notices/bia.yaml"}}},
        },
    ]
    for data in wrong:
        hostile(workspace, data)
        assert listed(workspace) == truth, data
    # a file others may write to, or a link to one, is not read at all (the forged file above, which would be used)
    for mode in (0o666, 0o622):
        hostile(workspace, forged, mode=mode)
        assert listed(workspace) == truth
    target = workspace / "danh-muc-khac.json"
    target.write_text(json.dumps(forged), encoding="utf-8")
    (workspace / CATALOG_FILE).unlink()
    (workspace / CATALOG_FILE).symlink_to(target)
    assert listed(workspace) == truth
    assert json.loads(target.read_text(encoding="utf-8")) == forged  # written fresh in its place, never through the link
    assert not (workspace / CATALOG_FILE).is_symlink()


def test_a_number_used_before_is_told_from_the_catalog_without_reading_the_notices_before(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At an office's scale the preview of a numbered notice read every notice before it (half a
    # minute at 20,000 after a start, seconds per preview after): the catalog keeps each number.
    from tbkl_gen.page import engine
    from tbkl_gen.page.server import Page
    from tbkl_gen.source.names import find_sources
    from tbkl_gen.source.workspace import find_workspace

    text = NOTICE.read_text(encoding="utf-8")
    numbered = text.replace("\nso:\n", '\nso: "07"\n').replace('ngay: "2026-04"', "ngay: 2026-04-14")
    assert numbered != text
    folder = workspace / "notices" / "2026"
    (folder / "a-dau.yaml").write_text(numbered, encoding="utf-8")  # the number's first use
    (folder / "b-giua.yaml").write_text(numbered.replace('so: "07"', 'so: "8"'), encoding="utf-8")
    (folder / "c-nhap.yaml").write_text(text, encoding="utf-8")  # a draft: no number
    previewed = folder / "d-sau.yaml"
    previewed.write_text(numbered.replace("2026-04-14", "2026-04-16"), encoding="utf-8")
    (folder / "e-cuoi.yaml").write_text(numbered, encoding="utf-8")  # after it: not counted
    space = find_workspace(folder)
    typed = previewed.read_text(encoding="utf-8")

    # the truth: every notice before it run through the pipeline, in `tbkl check`'s order
    sources = [source for source, _ in find_sources([workspace / "notices"])]
    before = sources[: sources.index(previewed)]
    truth = engine.check_text(typed, previewed, space, lambda: (engine.known_number(p, space) for p in before)).problems
    told = [p.message for p in truth if p.code == "duplicate_number"]
    assert len(told) == 1 and "số 07/" in told[0] and "a-dau" in told[0], told

    def read_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("a notice before the previewed one was read again")

    page = Page(workspace, TOKEN)
    list(page.numbers_before(previewed, space))  # the catalog built: every source read once, the numbers with it
    monkeypatch.setattr(engine, "known_number", read_again)
    monkeypatch.setattr(engine, "number_of", read_again)
    assert engine.check_text(typed, previewed, space, lambda: page.numbers_before(previewed, space)).problems == truth
    # after a restart, from the catalog's file
    page.catalog.save(now=True)
    restarted = Page(workspace, TOKEN)
    assert engine.check_text(typed, previewed, space, lambda: restarted.numbers_before(previewed, space)).problems == truth
    # an edit is seen: the first notice's number changed, the number is no longer used before
    monkeypatch.undo()
    (folder / "a-dau.yaml").write_text(numbered.replace('so: "07"', 'so: "6"'), encoding="utf-8")
    edited = engine.check_text(typed, previewed, space, lambda: restarted.numbers_before(previewed, space)).problems
    assert not [p for p in edited if p.code == "duplicate_number"]


# --- the list in a real Chromium at 1366×768 --------------------------------------------------------


def test_the_list_filters_and_pages_in_the_browser_at_1366_by_768(chromium: tuple[str, str], tmp_path: Path) -> None:
    pytest.importorskip("selenium")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from browser import LAPTOP, Served, open_page, screenshot, start, wait

    root = tmp_path / "van-phong"
    init_workspace(root)
    letter, invitation = LETTER.read_text(encoding="utf-8"), INVITATION.read_text(encoding="utf-8")
    for year in (2024, 2025, 2026):
        folder = root / "notices" / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        for index in range(50):
            (folder / f"cong-van-{index:03d}.yaml").write_text(letter.replace("2026", str(year)), encoding="utf-8")
            (folder / f"giay-moi-{index:03d}.yaml").write_text(invitation.replace("2026", str(year)), encoding="utf-8")
    served = Served(root)
    driver = start(chromium, viewport=LAPTOP)
    try:
        open_page(driver, served)

        def info() -> str:
            return driver.find_element(By.ID, "page-info").text

        def rows() -> int:
            return len(driver.find_elements(By.CSS_SELECTOR, "#notices tr[data-path]"))

        wait(driver, lambda d: rows() == 100)
        assert info() == "Văn bản 1–100 trong 300 văn bản khớp (cả thư mục: 300)"
        years = Select(driver.find_element(By.ID, "filter-year"))
        assert [o.text for o in years.options] == ["Mọi năm", "Năm 2026 (100)", "Năm 2025 (100)", "Năm 2024 (100)"]
        kinds = Select(driver.find_element(By.ID, "filter-kind"))
        assert [o.text for o in kinds.options][0] == "Mọi loại văn bản" and len(kinds.options) == 3
        states = Select(driver.find_element(By.ID, "filter-state"))
        assert [o.text for o in states.options] == ["Mọi trạng thái", "Đang soạn (300)"]
        screenshot(driver, "danh-sach-1366x768")
        driver.find_element(By.ID, "page-next").click()
        wait(driver, lambda d: info().startswith("Văn bản 101–200"))
        years.select_by_value("2025")
        wait(driver, lambda d: info() == "" and rows() == 100 or "trong 100 văn bản" in info())
        kinds.select_by_value("giay_moi")
        wait(driver, lambda d: rows() == 50)
        assert all(
            "/2025/giay-moi-" in r.get_attribute("data-path") for r in driver.find_elements(By.CSS_SELECTOR, "#notices tr[data-path]")
        )
        assert not driver.find_element(By.ID, "pager").is_displayed()  # one page: no pager
        search = driver.find_element(By.ID, "search")
        search.send_keys("khong co chu nay")
        wait(driver, lambda d: "Không có văn bản nào khớp" in d.find_element(By.ID, "notices").text)
        screenshot(driver, "danh-sach-loc-1366x768")
    finally:
        driver.quit()
        served.stop()
