"""Text pasted on the drafting page becomes blocks by the importer's label rules (importer.clipboard, /api/paste)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tbkl_gen.importer.clipboard import MAX_PASTE_CHARS, paste_blocks


def test_two_numbered_paragraphs_from_word_are_two_items_with_their_emphasis() -> None:
    html = (
        "<html><head><style>p {margin:0}</style><title>x</title></head><body><!--StartFragment-->"
        "<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><![if !supportLists]><span style='mso-list:Ignore'>1."
        "<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp;&nbsp; </span></span><![endif]><b>Sở Tài\nchính</b> chủ trì;<o:p></o:p></p>"
        "<p class=MsoListParagraph><span style='mso-list:Ignore'>2.&nbsp;&nbsp;</span>Sở Xây dựng <i>phối hợp</i>.</p>"
        "<!--EndFragment--></body></html>"
    )
    assert paste_blocks(html, "ignored when there is HTML") == (
        [{"khoan": "**Sở Tài chính** chủ trì;"}, {"khoan": "Sở Xây dựng *phối hợp*."}],
        [],
    )


def test_plain_text_from_an_email_is_cleaned_and_nested_by_its_labels() -> None:
    text = "1.\tSở Tài chính\r\n2. Sở Xa\u0302y dựng:\n a)\u00a0rà soát\u200b  biên chế\n- gạch * sao\n\nVăn phòng thông báo để biết, thực hiện."
    blocks, corrections = paste_blocks(None, text)
    assert blocks == [
        {"khoan": "Sở Tài chính"},
        {"khoan": "Sở Xây dựng:", "noi_dung": [{"diem": "rà soát biên chế", "noi_dung": [{"gach": "gạch \\* sao"}]}]},
        "Văn phòng thông báo để biết, thực hiện.",
    ]
    assert corrections == []


def test_html_lists_get_the_labels_a_reader_sees_and_styles_count_as_emphasis() -> None:
    html = (
        "<ol><li><span style='font-weight: 700'>Một</span> việc</li><li>Hai</li></ol>"
        "<ol type=a><li>điểm <em>nghiêng</em></li></ol><ul><li>gạch</li></ul>"
        "<script>alert(1)</script><p style='display:none'>ẩn</p><div>Hết<br>Dòng sau</div>"
    )
    blocks, _ = paste_blocks(html, None)
    assert blocks == [
        {"khoan": "**Một** việc"},
        {"khoan": "Hai", "noi_dung": [{"diem": "điểm *nghiêng*", "noi_dung": [{"gach": "gạch"}, "Hết"]}]},
        "Dòng sau",  # the last plain paragraph closes the body, as in an imported notice
    ]
    assert "alert" not in json.dumps(blocks) and "ẩn" not in json.dumps(blocks, ensure_ascii=False)


def test_a_skipped_item_number_is_corrected_and_told() -> None:
    blocks, corrections = paste_blocks(None, "1. Một\n3. Ba")
    assert blocks == [{"khoan": "Một"}, {"khoan": "Ba"}]
    assert corrections == ["khoản «3.» in lại thành «2.»"]


def test_nothing_comes_of_an_empty_or_oversized_paste() -> None:
    assert paste_blocks("", " \n\t ") == ([], [])
    blocks, corrections = paste_blocks(None, "x" * (MAX_PASTE_CHARS + 1))
    assert blocks == [] and corrections


@pytest.fixture
def client(tmp_path: Path) -> Iterator[object]:
    """The page's server (the page extra); only the tests of /api/paste and /api/inline skip without it."""
    pytest.importorskip("starlette")
    from starlette.testclient import TestClient

    from tbkl_gen.commands.scaffold import init_workspace
    from tbkl_gen.page.server import create_app

    init_workspace(tmp_path / "vp")
    with TestClient(create_app(tmp_path / "vp", "tok", hosts={"testserver"}), base_url="http://testserver") as test_client:
        yield test_client


def post(client, route: str, body: dict):  # noqa: ANN001, ANN201
    return client.post(route, content=json.dumps(body), headers={"X-Tbkl-Token": "tok", "Content-Type": "application/json"})


def test_the_page_pastes_through_the_server_and_reads_markup_with_the_one_grammar(client) -> None:  # noqa: ANN001
    answer = post(client, "/api/paste", {"html": "<p>1. <b>Một</b> việc</p><p>2. Hai</p>", "text": "1. Một việc\n2. Hai"})
    assert answer.status_code == 200
    assert answer.json() == {
        "blocks": [{"khoan": "**Một** việc"}, {"khoan": "Hai"}],
        "spans": {
            "**Một** việc": [{"t": "Một", "b": True, "i": False}, {"t": " việc", "b": False, "i": False}],
            "Hai": [{"t": "Hai", "b": False, "i": False}],
        },
        "sua": [],
    }
    answer = post(client, "/api/inline", {"texts": ["a **b *c* d**^[ghi *chú*] \\*", ""]})
    assert answer.json() == {
        "spans": [
            [
                {"t": "a ", "b": False, "i": False},
                {"t": "b ", "b": True, "i": False},
                {"t": "c", "b": True, "i": True},
                {"t": " d", "b": True, "i": False},
                {"n": [{"t": "ghi ", "b": False, "i": False}, {"t": "chú", "b": False, "i": True}]},
                {"t": " *", "b": False, "i": False},
            ],
            [],
        ]
    }
    assert post(client, "/api/inline", {"texts": "not a list"}).status_code == 400
    assert post(client, "/api/inline", {"texts": [1]}).status_code == 400
    assert client.post("/api/paste", content="{}").status_code == 403  # the token header, as every change
