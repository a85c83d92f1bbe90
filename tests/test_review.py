"""The review of a notice (service.review): states, who may take each step, records in git, comments on blocks."""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path

import pytest

from tbkl_gen.commands.scaffold import init_workspace
from tbkl_gen.errors import ReviewRefused
from tbkl_gen.service import history, review
from tbkl_gen.service.people import Person

DRAFTER = Person("lan", "Nguyễn Thị Lan", "lan@vp.example", frozenset({"soan-thao"}))
CHIEF = Person("hung", "Trần Văn Hùng", "hung@vp.example", frozenset({"duyet"}))
DEPUTY = Person("mai", "Lê Thị Mai", "mai@vp.example", frozenset({"duyet"}))
CLERK = Person("thu", "Phạm Thu", "thu@vp.example", frozenset({"van-thu"}))
PEOPLE = [DRAFTER, CHIEF, DEPUTY, CLERK]

NOTICE = """\
phien_ban: 1
so:
ngay: 2026
ngay_hop: 2026-03-12
trich_yeu: Kết luận của đồng chí Chủ tịch tại cuộc họp về chuyển đổi số
noi_dung:
  - Ngày 12/3/2026, đồng chí Chủ tịch chủ trì cuộc họp.
  - khoan: Sở Khoa học và Công nghệ chủ trì, phối hợp các sở.
  - khoan: Sở Tài chính bố trí kinh phí thực hiện trong năm 2026.
  - Văn phòng thông báo để các cơ quan biết, thực hiện.
noi_nhan_them:
  - Như thành phần dự họp
"""
REL = "notices/2026/chuyen-doi-so.yaml"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, check=True, text=True).stdout.strip()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "van-phong"
    init_workspace(folder)
    (folder / "notices" / "2026").mkdir(parents=True)
    (folder / REL).write_text(NOTICE, encoding="utf-8")
    history.commit(folder, [folder / REL], DRAFTER, "Soạn thông báo")
    return folder


def source(root: Path) -> Path:
    return root / REL


def save(root: Path, text: str, person: Person = DRAFTER) -> str:
    """Save the notice as the page does once saves are commits: write, commit, then tell the review."""
    source(root).write_text(text, encoding="utf-8")
    sha = history.commit(root, [source(root)], person, "Sửa thông báo")
    assert sha is not None
    review.after_save(root, source(root), person, sha)
    return sha


def on_disk(root: Path) -> dict:
    """The review record as the workspace keeps it: the JSON file, the same as committed in git."""
    file = root / ".duyet" / (REL + ".json")
    text = file.read_text(encoding="utf-8")
    assert git(root, "show", f"HEAD:.duyet/{REL}.json") == text.strip()
    return json.loads(text)


# --- steps by the right role, refused to the wrong one ---------------------------------------------


def test_draft_submit_ask_changes_submit_approve_issue_by_the_right_people(root: Path) -> None:
    assert review.status(root, source(root)).state == "dang-soan"
    review.submit(root, source(root), DRAFTER)
    assert on_disk(root)["trang_thai"] == "cho-duyet"
    review.ask_changes(root, source(root), CHIEF, note="Bổ sung thời hạn")
    assert on_disk(root)["trang_thai"] == "can-sua"
    save(root, NOTICE.replace("trong năm 2026", "trước ngày 30/6/2026"))
    review.submit(root, source(root), DRAFTER)
    review.approve(root, source(root), CHIEF)
    assert on_disk(root)["trang_thai"] == "da-duyet"
    review.mark_issued(root, source(root), CLERK, number="15", date="20/03/2026")
    record = on_disk(root)
    assert record["trang_thai"] == "da-phat-hanh"
    assert record["phat_hanh"]["so"] == "15"
    assert [e["viec"] for e in record["nhat_ky"]] == ["gui-duyet", "yeu-cau-sua", "gui-duyet", "duyet", "phat-hanh"]
    assert [e["dang_nhap"] for e in record["nhat_ky"]] == ["lan", "hung", "lan", "hung", "thu"]
    # each step is a commit by the person who took it
    authors = git(root, "log", "--format=%an <%ae>", "--", f".duyet/{REL}.json").splitlines()
    assert authors == [
        "Phạm Thu <thu@vp.example>",
        "Trần Văn Hùng <hung@vp.example>",
        "Nguyễn Thị Lan <lan@vp.example>",
        "Trần Văn Hùng <hung@vp.example>",
        "Nguyễn Thị Lan <lan@vp.example>",
    ]


@pytest.mark.parametrize(
    ("who", "step"),
    [
        (CHIEF, "submit"),
        (CLERK, "submit"),
        (DRAFTER, "approve"),
        (CLERK, "approve"),
        (DRAFTER, "ask_changes"),
        (CLERK, "ask_changes"),
        (DRAFTER, "comment"),
        (CLERK, "comment"),
    ],
)
def test_a_step_is_refused_to_a_role_that_does_not_allow_it(root: Path, who: Person, step: str) -> None:
    if step != "submit":
        review.submit(root, source(root), DRAFTER)
    before = (root / ".duyet" / (REL + ".json")).read_bytes() if step != "submit" else None
    calls = {
        "submit": lambda: review.submit(root, source(root), who),
        "approve": lambda: review.approve(root, source(root), who),
        "ask_changes": lambda: review.ask_changes(root, source(root), who),
        "comment": lambda: review.add_comment(root, source(root), who, block="noi_dung[2]", text="Sửa"),
    }
    with pytest.raises(ReviewRefused) as refused:
        calls[step]()
    assert refused.value.status == 403
    assert "không có quyền" in refused.value.message
    if before is None:
        assert not (root / ".duyet").exists()
    else:
        assert (root / ".duyet" / (REL + ".json")).read_bytes() == before


def test_issuing_is_the_clerks_and_only_of_an_approved_notice(root: Path) -> None:
    review.submit(root, source(root), DRAFTER)
    with pytest.raises(ReviewRefused) as early:
        review.mark_issued(root, source(root), CLERK, number="1", date="01/01/2026")
    assert early.value.status == 409
    assert "chờ duyệt" in early.value.message
    review.approve(root, source(root), CHIEF)
    for wrong in (DRAFTER, CHIEF):
        with pytest.raises(ReviewRefused) as refused:
            review.mark_issued(root, source(root), wrong, number="1", date="01/01/2026")
        assert refused.value.status == 403


def test_a_step_the_state_does_not_allow_is_refused(root: Path) -> None:
    with pytest.raises(ReviewRefused) as not_submitted:
        review.approve(root, source(root), CHIEF)
    assert not_submitted.value.status == 409
    assert "đang soạn" in not_submitted.value.message
    review.submit(root, source(root), DRAFTER)
    review.approve(root, source(root), CHIEF)
    with pytest.raises(ReviewRefused) as approved:
        review.submit(root, source(root), DRAFTER)
    assert "đã duyệt" in approved.value.message


# --- the approved version ------------------------------------------------------------------------------


def test_the_approval_records_who_when_and_the_saved_sources_commit(root: Path) -> None:
    sha = save(root, NOTICE.replace("phối hợp các sở", "phối hợp các sở, ngành"))
    review.submit(root, source(root), DRAFTER)
    review.approve(root, source(root), CHIEF)
    record = on_disk(root)["ban_da_duyet"]
    assert record["dang_nhap"] == "hung"
    assert record["ho_ten"] == "Trần Văn Hùng"
    assert record["commit"] == sha == git(root, "rev-list", "-1", "HEAD", "--", REL)
    assert git(root, "show", f"{record['commit']}:{REL}") == source(root).read_text(encoding="utf-8").strip()
    assert git(root, "rev-parse", f"{sha}:{REL}") == record["blob"]
    assert record["luc"].endswith("+00:00")
    given = review.approval(root, source(root))
    assert given is not None and given.current and given.commit == sha and given.by.login == "hung"


def test_a_source_not_yet_in_the_history_is_committed_by_the_submitter(root: Path) -> None:
    source(root).write_text(NOTICE.replace("chủ trì cuộc họp", "chủ trì cuộc họp trực tuyến"), encoding="utf-8")
    record = review.submit(root, source(root), DRAFTER)
    assert record.submitted_commit == git(root, "rev-list", "-1", "HEAD", "--", REL)
    assert git(root, "log", "-1", "--format=%an", "--", REL) == "Nguyễn Thị Lan"
    assert "trực tuyến" in git(root, "show", f"{record.submitted_commit}:{REL}")


def test_approving_a_version_other_than_the_one_read_is_refused(root: Path) -> None:
    review.submit(root, source(root), DRAFTER)
    read = review.status(root, source(root)).commit
    save(root, NOTICE.replace("Sở Tài chính", "Sở Tài chính và Kho bạc"))
    with pytest.raises(ReviewRefused) as refused:
        review.approve(root, source(root), CHIEF, seen=read)
    assert refused.value.status == 409
    assert review.approval(root, source(root)) is None


def test_an_unsaved_change_on_disk_is_not_approved(root: Path) -> None:
    review.submit(root, source(root), DRAFTER)
    source(root).write_text(NOTICE + "luu: VT\n", encoding="utf-8")
    with pytest.raises(ReviewRefused) as refused:
        review.approve(root, source(root), CHIEF)
    assert refused.value.status == 409
    assert "chưa lưu vào lịch sử" in refused.value.message


def test_a_submit_of_a_file_changed_since_the_drafter_opened_it_is_refused(root: Path) -> None:
    import hashlib

    opened = hashlib.sha256(source(root).read_bytes()).hexdigest()
    source(root).write_text(NOTICE + "luu: VT\n", encoding="utf-8")
    with pytest.raises(ReviewRefused) as refused:
        review.submit(root, source(root), DRAFTER, version=opened)
    assert refused.value.status == 409
    assert review.status(root, source(root)).state == "dang-soan"


# --- an edit after approval ------------------------------------------------------------------------------


def test_an_edit_saved_after_approval_sends_the_notice_back_to_review(root: Path) -> None:
    review.submit(root, source(root), DRAFTER, reviewers=["hung"], people=PEOPLE)
    review.approve(root, source(root), CHIEF)
    assert review.waiting_for(root, CHIEF) == []
    sha = save(root, NOTICE.replace("Sở Tài chính", "Sở Tài chính và Kho bạc"))
    record = on_disk(root)
    assert record["trang_thai"] == "cho-duyet"
    assert record["ban_da_duyet"] is None
    assert record["nhat_ky"][-1]["viec"] == "sua-sau-duyet"
    assert record["nhat_ky"][-1]["commit"] == sha
    assert [w["dang_nhap"] for w in record["nguoi_duyet"]] == ["hung"]  # back to the same reviewer
    assert review.approval(root, source(root)) is None
    assert [s.record.path for s in review.waiting_for(root, CHIEF)] == [REL]
    with pytest.raises(ReviewRefused):
        review.mark_issued(root, source(root), CLERK, number="1", date="01/01/2026")
    review.approve(root, source(root), CHIEF)
    assert on_disk(root)["ban_da_duyet"]["commit"] == sha


def test_an_edit_by_hand_on_the_servers_disk_is_seen_as_well(root: Path) -> None:
    review.submit(root, source(root), DRAFTER)
    review.approve(root, source(root), CHIEF)
    source(root).write_text(NOTICE.replace("2026", "2027"), encoding="utf-8")
    status = review.status(root, source(root))
    assert status.state == "cho-duyet" and status.changed_since_approval
    given = review.approval(root, source(root))
    assert given is not None and not given.current
    with pytest.raises(ReviewRefused) as refused:
        review.mark_issued(root, source(root), CLERK, number="1", date="01/01/2026")
    assert "sửa sau khi duyệt" in refused.value.message
    source(root).write_text(NOTICE, encoding="utf-8")  # put back: the approval holds again
    assert review.approval(root, source(root)).current  # type: ignore[union-attr]


def test_saving_without_a_change_keeps_the_approval(root: Path) -> None:
    review.submit(root, source(root), DRAFTER)
    review.approve(root, source(root), CHIEF)
    assert review.after_save(root, source(root), DRAFTER, None) is None
    assert on_disk(root)["trang_thai"] == "da-duyet"


# --- reviewers ---------------------------------------------------------------------------------------------


def test_two_named_reviewers_each_approve_the_same_version(root: Path) -> None:
    review.submit(root, source(root), DRAFTER, reviewers=["hung", "mai"], people=PEOPLE)
    assert [s.record.path for s in review.waiting_for(root, CHIEF)] == [REL]
    assert [s.record.path for s in review.waiting_for(root, DEPUTY)] == [REL]
    review.approve(root, source(root), DEPUTY)
    assert on_disk(root)["trang_thai"] == "cho-duyet"
    assert review.waiting_for(root, DEPUTY) == []
    assert len(review.waiting_for(root, CHIEF)) == 1
    with pytest.raises(ReviewRefused):
        review.approve(root, source(root), DEPUTY)  # once is enough
    review.approve(root, source(root), CHIEF)
    record = on_disk(root)
    assert record["trang_thai"] == "da-duyet"
    assert {a["dang_nhap"] for a in record["da_duyet_vong_nay"]} == {"hung", "mai"}


def test_two_reviewers_at_once_lose_neither_comment_nor_approval(root: Path) -> None:
    review.submit(root, source(root), DRAFTER, reviewers=["hung", "mai"], people=PEOPLE)
    start = threading.Barrier(2)
    failed: list[BaseException] = []

    def reviewer(person: Person, block: str) -> None:
        try:
            start.wait()
            for n in range(3):
                review.add_comment(root, source(root), person, block=block, text=f"Góp ý {n + 1} của {person.name}")
            review.approve(root, source(root), person)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            failed.append(exc)

    threads = [
        threading.Thread(target=reviewer, args=(CHIEF, "noi_dung[2]")),
        threading.Thread(target=reviewer, args=(DEPUTY, "noi_dung[3]")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failed
    record = on_disk(root)
    assert len(record["gop_y"]) == 6
    assert {c["dang_nhap"] for c in record["gop_y"]} == {"hung", "mai"}
    assert record["trang_thai"] == "da-duyet"
    assert git(root, "status", "--porcelain", "--", ".duyet", "notices") == ""


def test_a_reviewer_not_named_may_comment_but_not_decide(root: Path) -> None:
    review.submit(root, source(root), DRAFTER, reviewers=["hung"], people=PEOPLE)
    review.add_comment(root, source(root), DEPUTY, block="noi_dung[1]", text="Ghi rõ giờ họp")
    for step in (review.approve, review.ask_changes):
        with pytest.raises(ReviewRefused) as refused:
            step(root, source(root), DEPUTY)
        assert refused.value.status == 403
        assert "Trần Văn Hùng" in refused.value.message
    assert review.waiting_for(root, DEPUTY) == []


def test_only_reviewers_of_the_workspace_can_be_named(root: Path) -> None:
    with pytest.raises(ReviewRefused) as refused:
        review.submit(root, source(root), DRAFTER, reviewers=["thu"], people=PEOPLE)
    assert refused.value.status == 400
    assert not (root / ".duyet").exists()


# --- comments on blocks -------------------------------------------------------------------------------------


def test_a_comment_quotes_its_block_and_can_be_resolved(root: Path) -> None:
    review.submit(root, source(root), DRAFTER)
    comment = review.add_comment(root, source(root), CHIEF, block="noi_dung[3].khoan", text="Ghi rõ nguồn kinh phí")
    assert comment.block == "noi_dung[3]"
    assert comment.quote == "Sở Tài chính bố trí kinh phí thực hiện trong năm 2026."
    stored = on_disk(root)["gop_y"][0]
    assert stored["khoi"] == "noi_dung[3]" and stored["trich"] == comment.quote and stored["xong"] is None
    review.resolve_comment(root, source(root), DRAFTER, comment.id)
    assert on_disk(root)["gop_y"][0]["xong"]["dang_nhap"] == "lan"
    with pytest.raises(ReviewRefused) as refused:
        review.resolve_comment(root, source(root), CLERK, comment.id)
    assert refused.value.status == 403


def test_a_comment_on_a_block_survives_the_drafters_edit_of_another_block(root: Path) -> None:
    review.submit(root, source(root), DRAFTER)
    comment = review.add_comment(root, source(root), CHIEF, block="noi_dung[3]", text="Ghi rõ nguồn kinh phí")
    review.ask_changes(root, source(root), CHIEF)
    # the drafter adds a paragraph at the top and rewrites the first one, not the commented block
    edited = NOTICE.replace(
        "  - Ngày 12/3/2026, đồng chí Chủ tịch chủ trì cuộc họp.\n",
        "  - Căn cứ Chương trình công tác năm 2026.\n  - Sáng ngày 12/3/2026, đồng chí Chủ tịch UBND tỉnh chủ trì cuộc họp.\n",
    )
    save(root, edited)
    record = review.read(root, source(root))
    assert record.comments[0].text == "Ghi rõ nguồn kinh phí"  # the comment itself is kept as written
    data = review.saved_data(root, REL)
    [anchor] = review.anchors(record.comments, data)
    assert anchor.block == "noi_dung[4]" and not anchor.changed
    assert review.block_text(review.value_at(data, anchor.block)) == comment.quote
    # then the commented block itself is edited: the comment stays beside it, marked as changed
    save(root, edited.replace("bố trí kinh phí thực hiện", "bố trí đủ kinh phí thực hiện"))
    [anchor] = review.anchors(review.read(root, source(root)).comments, review.saved_data(root, REL))
    assert anchor.block == "noi_dung[4]" and anchor.changed
    # and a block removed leaves the comment without a place, never beside a wrong one
    data = review.saved_data(root, REL)
    data["noi_dung"] = data["noi_dung"][:2]  # type: ignore[index]
    [anchor] = review.anchors(record.comments, data)
    assert anchor.block is None


def test_a_comment_needs_a_block_that_exists_and_words(root: Path) -> None:
    review.submit(root, source(root), DRAFTER)
    for block, text in (("noi_dung[9]", "Sửa"), ("noi_dung[1]", "   "), ("../../etc", "Sửa")):
        with pytest.raises(ReviewRefused) as refused:
            review.add_comment(root, source(root), CHIEF, block=block, text=text)
        assert refused.value.status == 400


# --- records from outside -----------------------------------------------------------------------------------


def test_a_broken_record_is_named_not_a_traceback(root: Path) -> None:
    review.submit(root, source(root), DRAFTER)
    file = root / ".duyet" / (REL + ".json")
    file.write_text('{"phien_ban": 1, "van_ban": "notices/khac.yaml", "trang_thai": "da-duyet"}', encoding="utf-8")
    with pytest.raises(ReviewRefused) as refused:
        review.status(root, source(root))
    assert refused.value.status == 500
    assert f".duyet/{REL}.json" in refused.value.message
    assert "văn bản khác" in refused.value.message
    assert review.states(root) == {}


def test_a_record_cannot_be_asked_for_outside_the_workspace(root: Path) -> None:
    for path in (root.parent / "khac.yaml", root / ".duyet" / "x.yaml"):
        with pytest.raises(ReviewRefused) as refused:
            review.status(root, path)
        assert refused.value.status == 403


def test_the_list_of_states_sees_a_hand_edit_and_leaves_out_a_removed_notice(root: Path) -> None:
    other = root / "notices" / "2026" / "khac.yaml"
    other.write_text(NOTICE.replace("chuyển đổi số", "cải cách hành chính"), encoding="utf-8")
    review.submit(root, source(root), DRAFTER)
    review.approve(root, source(root), CHIEF)
    review.submit(root, other, DRAFTER)
    assert {path: s.state for path, s in review.states(root).items()} == {REL: "da-duyet", "notices/2026/khac.yaml": "cho-duyet"}
    source(root).write_text(NOTICE + "luu: VT\n", encoding="utf-8")  # by hand, on the server's disk
    other.unlink()
    assert {path: s.state for path, s in review.states(root).items()} == {REL: "cho-duyet"}
    assert [s.record.path for s in review.waiting_for(root, CHIEF)] == [REL]


def test_an_issue_that_writes_the_number_into_the_source_names_the_approved_commit(root: Path) -> None:
    review.submit(root, source(root), DRAFTER)
    approved = review.approve(root, source(root), CHIEF).approved
    assert approved is not None
    # the register checks the source against the approved commit, writes the number and date, then records the issue
    source(root).write_text(NOTICE.replace("so:\n", 'so: "15"\n'), encoding="utf-8")
    with pytest.raises(ReviewRefused):
        review.mark_issued(root, source(root), CLERK, number="15", date="20/03/2026")  # without the commit: the file differs
    with pytest.raises(ReviewRefused) as other:
        review.mark_issued(root, source(root), CLERK, number="15", date="20/03/2026", approved_commit="0" * 40)
    assert other.value.status == 409
    file = review.mark_issued(root, source(root), CLERK, number="15", date="20/03/2026", approved_commit=approved.commit, commit=False)
    history.commit(root, [source(root), file], CLERK, "Phát hành số 15")
    record = on_disk(root)
    assert record["trang_thai"] == "da-phat-hanh" and record["phat_hanh"]["commit"] == approved.commit
    assert review.status(root, source(root)).state == "da-phat-hanh"  # the number in the source does not reopen it
    assert review.after_save(root, source(root), DRAFTER, None) is None


def test_a_comment_on_a_paragraph_longer_than_its_quote_stays_unchanged_until_that_paragraph_is_edited(root: Path) -> None:
    long = "Giao Sở Xây dựng chủ trì, phối hợp với các sở, ngành và địa phương rà soát toàn bộ hồ sơ quy hoạch. " * 8
    text = NOTICE.replace("  - Văn phòng thông báo", f"  - {long.strip()}\n  - Văn phòng thông báo")
    save(root, text)
    review.submit(root, source(root), DRAFTER)
    comment = review.add_comment(root, source(root), CHIEF, block="noi_dung[4]", text="Rút gọn đoạn này")
    assert len(comment.quote) == review.MAX_QUOTE_CHARS < len(long)
    save(root, text.replace("chủ trì cuộc họp.", "chủ trì cuộc họp trực tuyến."))
    [anchor] = review.anchors(review.read(root, source(root)).comments, review.saved_data(root, REL))
    assert anchor.block == "noi_dung[4]" and not anchor.changed
    save(root, text.replace("rà soát toàn bộ hồ sơ quy hoạch. Giao", "rà soát hồ sơ. Giao", 1))
    [anchor] = review.anchors(review.read(root, source(root)).comments, review.saved_data(root, REL))
    assert anchor.block == "noi_dung[4]" and anchor.changed
