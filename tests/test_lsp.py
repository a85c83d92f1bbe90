"""`tbkl lsp` as an editor meets it: a real Language Server Protocol client over stdio.

The client here frames JSON-RPC by hand (Content-Length headers) and talks to `python -m
tbkl_gen lsp` in a subprocess, as VS Code or Neovim would. Broken sources like the held-out
ones (a missing place, a forbidden signer stack, `so: abc`, a typed label "1.", `ho_ten: NO`, a
mistyped key) must get the same problems on the same lines and columns as `tbkl check`, in
Vietnamese with the field's label; fixable ones get code actions; completion offers the keys the
declaration allows where the cursor is (each once) and hover describes a key.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import render_cli
from factories import DROP, Raw, notice_yaml
from lsp_client import Client

from tbkl_gen import errors
from tbkl_gen.notice import model
from tbkl_gen.notice.fields import declared


@pytest.fixture
def client(tmp_path: Path) -> Any:
    started = Client([sys.executable, "-m", "tbkl_gen", "lsp"], tmp_path)
    yield started
    started.close()


def check_lines(folder: Path, name: str, checked: list[str] | None = None) -> list[tuple[int, int, str, int, int]]:
    """Return `tbkl check --format json [checked or name]`'s problems of the file name: (line, column, message, end line, end column)."""
    result = render_cli(["check", "--format", "json", *(checked if checked is not None else [name])], cwd=folder)
    report = json.loads(result.output)
    return [(p["line"], p["column"], p["message"], p["end_line"], p["end_column"]) for p in report["van_de"] if p["file"] == name]


BROKEN = {
    "missing-place": {"dia_danh": DROP},
    "signer-stack": {"nguoi_ky__quyen_han": ["TM. ỦY BAN NHÂN DÂN", "TL. CHỦ TỊCH"]},
    "number-abc": {"so": "abc"},
    "typed-label": {"noi_dung__2": {"khoan": "1. Các Sở, ngành tiếp tục tuyên truyền về công tác đối ngoại."}},
    "name-no": {"nguoi_ky__ho_ten": Raw("NO")},
    "mistyped-key": {"trich_yue": "Kết luận", "trich_yeu": DROP},
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_the_server_says_what_check_says_on_the_same_lines(tmp_path: Path, client: Client, name: str) -> None:
    source = tmp_path / f"{name}.yaml"
    source.write_text(notice_yaml(**BROKEN[name]), encoding="utf-8")
    expected = check_lines(tmp_path, source.name)
    assert expected, f"{name}: tbkl check finds nothing"
    diagnostics = client.diagnostics(client.open(source))
    got = [(d["range"]["start"]["line"] + 1, d["range"]["start"]["character"] + 1) for d in diagnostics]
    assert got == [(line, column) for line, column, *_ in expected]
    for diagnostic, (line, column, message, end_line, end_column) in zip(diagnostics, expected, strict=True):
        assert message in diagnostic["message"]
        assert diagnostic["source"] == "tbkl"
        end = diagnostic["range"]["end"]
        assert (end["line"] + 1, end["character"] + 1) == (end_line, end_column)  # the JSON's end is the editor's
        assert (end_line, end_column) > (line, column)


def test_messages_name_the_field_by_its_label(tmp_path: Path, client: Client) -> None:
    source = tmp_path / "a.yaml"
    source.write_text(notice_yaml(nguoi_ky__ho_ten=Raw("NO")), encoding="utf-8")
    (diagnostic,) = client.diagnostics(client.open(source))
    assert diagnostic["message"].startswith("họ tên người ký (nguoi_ky.ho_ten): ")
    assert diagnostic["range"]["start"] == {"line": 24, "character": 10}
    assert diagnostic["range"]["end"] == {"line": 24, "character": 12}


def test_the_unsaved_text_is_checked_as_one_types(tmp_path: Path, client: Client) -> None:
    source = tmp_path / "a.yaml"
    source.write_text(notice_yaml(), encoding="utf-8")
    uri = client.open(source)
    assert client.diagnostics(uri) == []
    broken = notice_yaml(so="abc")
    client.change(uri, broken, 2)
    (diagnostic,) = client.diagnostics(uri)
    assert diagnostic["range"]["start"]["line"] == 6
    assert source.read_text("utf-8") == notice_yaml()  # nothing written


def test_the_workspace_defaults_and_tbkl_yaml_are_checked(tmp_path: Path, client: Client) -> None:
    assert render_cli(["init", "vp"], cwd=tmp_path).exit_code == 0
    folder = tmp_path / "vp"
    config = folder / "tbkl.yaml"
    text = config.read_text("utf-8").replace("  dia_danh:", "  dia_dahn:")
    config.write_text(text, encoding="utf-8")
    assert render_cli(["new", "Kết luận thử", "--ten", "a"], cwd=folder).exit_code == 0
    notice = folder / "notices"
    (source,) = notice.rglob("a.yaml")
    # a notice that relies on the defaults: nothing of its own is missing (only tbkl new's samples to fill in)
    assert [d for d in client.diagnostics(client.open(source)) if d["severity"] == 1 and d.get("code") != "sample"] == []
    # what tbkl check prints of tbkl.yaml with the notice is published under tbkl.yaml, open or not
    on_disk = client.wait_diagnostics(config.resolve().as_uri())
    assert [(d["range"]["start"]["line"] + 1, d["range"]["start"]["character"] + 1) for d in on_disk] == [
        (line, column) for line, column, *_ in check_lines(folder, "tbkl.yaml", [])
    ]
    config_diagnostics = client.diagnostics(client.open(config))
    mistyped = [d for d in config_diagnostics if "dia_dahn" in d["message"]]
    assert len(mistyped) == 1 and "“dia_danh”" in mistyped[0]["message"]
    line = next(number for number, row in enumerate(text.splitlines()) if "dia_dahn" in row)
    assert mistyped[0]["range"]["start"]["line"] == line
    assert not any("“X”" in d["message"] for d in config_diagnostics)


def test_code_actions_carry_the_problems_fixes(tmp_path: Path, client: Client) -> None:
    source = tmp_path / "a.yaml"
    source.write_text(notice_yaml(noi_dung__2={"khoan": "1. Các Sở, ngành tiếp tục tuyên truyền."}), encoding="utf-8")
    uri = client.open(source)
    (diagnostic,) = client.diagnostics(uri)
    assert diagnostic["range"]["start"]["line"] == 13
    actions = client.request(
        "textDocument/codeAction", {"textDocument": {"uri": uri}, "range": diagnostic["range"], "context": {"diagnostics": [diagnostic]}}
    )
    if not hasattr(errors, "Fix"):
        assert actions in ([], None)  # problems carry no fix yet: nothing is offered
        return
    (action,) = actions
    assert action["kind"] == "quickfix"
    (edit,) = action["edit"]["changes"][uri]
    lines = source.read_text("utf-8").splitlines()
    start, end = edit["range"]["start"], edit["range"]["end"]
    assert start["line"] == end["line"] == 13
    fixed = lines[13][: start["character"]] + edit["newText"] + lines[13][end["character"] :]
    assert fixed == "  - khoan: Các Sở, ngành tiếp tục tuyên truyền."


def labels(result: Any) -> list[str]:
    return [item["label"] for item in (result["items"] if isinstance(result, dict) else result)]


def test_completion_offers_the_declared_keys_once_where_the_cursor_is(tmp_path: Path, client: Client) -> None:
    source = tmp_path / "a.yaml"
    text = "phien_ban: 1\nco_quan:\n  viet_tat: UBND\n  \nnguoi_ky:\n  ho_ten: A\n  \nnoi_dung:\n  - \n  - khoan: X\n    \n\n"
    uri = client.open(source, text)

    def at(line: int, character: int) -> list[str]:
        return labels(
            client.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
        )

    def keys_of(cls: type, *written: str) -> list[str]:  # from the declaration: fields added there flow in
        return sorted(key.name for key in declared(cls) if key.name not in written)

    assert sorted(at(3, 2)) == keys_of(model.CoQuan, "viet_tat")
    assert sorted(at(6, 2)) == keys_of(model.NguoiKy, "ho_ten")
    blocks = at(8, 4)
    assert sorted(blocks) == sorted(model.BLOCK_KEYS)  # each once: no muc/Muc
    assert sorted(at(10, 4)) == keys_of(model.Khoan, "khoan")
    top = at(11, 0)
    assert "trich_yeu" in top and "dia_danh" in top and "co_quan" not in top and "phien_ban" not in top
    assert len(top) == len(set(top))


def test_completion_offers_signer_prefixes_and_the_workspace_recipients(tmp_path: Path, client: Client) -> None:
    assert render_cli(["init", "vp"], cwd=tmp_path).exit_code == 0
    folder = tmp_path / "vp"
    source = folder / "notices" / "a.yaml"
    text = "nguoi_ky:\n  quyen_han:\n    - \nnoi_nhan:\n  - \n"
    uri = client.open(source, text)
    prefixes = labels(client.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": 2, "character": 6}}))
    assert [p.strip() for p in prefixes] == ["TM.", "KT.", "TL.", "TUQ.", "Q."]
    recipients = labels(client.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": 4, "character": 4}}))
    assert "Các sở, ban, ngành" in recipients
    # one signer line written on the key's own line, as the tool accepts it
    one_line = client.open(folder / "notices" / "b.yaml", "nguoi_ky:\n  quyen_han: \n  chuc_vu: \n")
    offered = labels(
        client.request("textDocument/completion", {"textDocument": {"uri": one_line}, "position": {"line": 1, "character": 13}})
    )
    assert [p.strip() for p in offered] == ["TM.", "KT.", "TL.", "TUQ.", "Q."]
    title = labels(client.request("textDocument/completion", {"textDocument": {"uri": one_line}, "position": {"line": 2, "character": 11}}))
    assert [p.strip() for p in title] == ["Q."]  # an acting head's title carries it itself


def test_hover_describes_a_key_in_vietnamese(tmp_path: Path, client: Client) -> None:
    source = tmp_path / "a.yaml"
    source.write_text(notice_yaml(), encoding="utf-8")
    uri = client.open(source)
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 23, "character": 5}})
    value = hover["contents"]["value"]
    assert value.startswith("**chức vụ người ký** (`chuc_vu`)")
    assert "Điều 13" in value and "####" not in value
    assert client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 12, "character": 8}}) is None


FIXABLE = {
    "typed-label": BROKEN["typed-label"],
    "name-no": BROKEN["name-no"],
    "mistyped-key": BROKEN["mistyped-key"],
    "number-012": {"so": Raw("012")},
}


def apply_edits(text: str, edits: list[dict[str, Any]]) -> str:
    """Apply an LSP client's text edits (non-overlapping, any order) to text."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: dict[str, int]) -> int:
        return starts[min(position["line"], len(lines))] + position["character"]

    for edit in sorted(edits, key=lambda e: offset(e["range"]["start"]), reverse=True):
        text = text[: offset(edit["range"]["start"])] + edit["newText"] + text[offset(edit["range"]["end"]) :]
    return text


@pytest.mark.parametrize("name", sorted(FIXABLE))
def test_each_fixable_problem_has_a_code_action_that_removes_it(tmp_path: Path, client: Client, name: str) -> None:
    carried = hasattr(errors, "Fix")  # problems carry their fix (errors.Fix); before that, nothing is offered
    source = tmp_path / f"{name}.yaml"
    text = notice_yaml(**FIXABLE[name])
    uri = client.open(source, text)
    diagnostics = client.diagnostics(uri)
    assert diagnostics
    fixed = 0
    for version, diagnostic in enumerate(diagnostics, start=2):
        actions = client.request(
            "textDocument/codeAction",
            {"textDocument": {"uri": uri}, "range": diagnostic["range"], "context": {"diagnostics": [diagnostic]}},
        )
        mine = [a for a in actions or [] if a["diagnostics"][0]["message"] == diagnostic["message"]]
        assert carried or not actions
        if not mine:
            continue
        (action,) = mine
        new = apply_edits(text, action["edit"]["changes"][uri])
        assert new != text
        client.change(uri, new, version)
        after = client.diagnostics(uri)
        assert diagnostic["message"] not in [d["message"] for d in after], action["title"]
        client.change(uri, text, version + 100)
        client.diagnostics(uri)
        fixed += 1
    assert fixed >= 1 or not carried, f"{name}: no code action"
