"""The shipped schemas in a real editor's YAML server: yaml-language-server (what VS Code's YAML
extension runs), configured with the `.vscode/settings.json` that `tbkl init` writes.

Every valid example notice is flagged with nothing (strings where the tool takes one line for a
list, partial overrides of the workspace's defaults, YAML 1.1 as the tool reads it); broken ones
are flagged at their line in Vietnamese; completion inserts no `null` and offers each key once;
hover shows the field's label. Needs node and npm (yaml-language-server is installed with npm
into a temporary folder, or found through TBKL_YAML_LANGUAGE_SERVER or on PATH): skipped without
them, never in CI, where `.ci/run` installs them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, SIGNER, render_cli
from factories import Raw, notice_yaml
from lsp_client import Client
from test_appendix import NOTICE_WITH_APPENDICES

ENGLISH = re.compile(r"Incorrect type|Missing property|not allowed|String |Value is|Array |Matches|Expected|pattern|minimum|maximum")


def _server_command(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    given = os.environ.get("TBKL_YAML_LANGUAGE_SERVER")
    if given:
        return [given, "--stdio"]
    found = shutil.which("yaml-language-server")
    if found:
        return [found, "--stdio"]
    if shutil.which("node") is None or shutil.which("npm") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node and npm are needed in CI for yaml-language-server (.ci/run installs them)")
        pytest.skip("node/npm not installed: yaml-language-server cannot be installed")
    folder = tmp_path_factory.mktemp("yaml-language-server")
    completed = subprocess.run(
        ["npm", "install", "--silent", "--no-audit", "--no-fund", "yaml-language-server@1"], cwd=folder, capture_output=True, text=True
    )
    if completed.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail(f"npm install yaml-language-server failed: {completed.stderr[-2000:]}")
        pytest.skip(f"npm install yaml-language-server failed (offline?): {completed.stderr[-300:]}")
    return [str(folder / "node_modules" / ".bin" / "yaml-language-server"), "--stdio"]


@pytest.fixture(scope="module")
def server_command(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return _server_command(tmp_path_factory)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("vp")
    assert render_cli(["init", "vp", "--nguoi-ky", SIGNER], cwd=root).exit_code == 0
    return root / "vp"


def editor_settings(folder: Path) -> dict[str, Any]:
    """Return `.vscode/settings.json`'s `yaml.*` settings as the YAML extension sends them to its server."""
    flat = json.loads((folder / ".vscode" / "settings.json").read_text("utf-8"))
    settings: dict[str, Any] = {}
    for name, value in flat.items():
        if name.startswith("yaml."):
            settings.setdefault("yaml", {})[name.removeprefix("yaml.")] = value
    # the extension resolves relative schema paths against the workspace folder
    settings["yaml"]["schemas"] = {(folder / path).resolve().as_uri(): globs for path, globs in settings["yaml"]["schemas"].items()}
    return settings


@pytest.fixture(scope="module")
def editor(server_command: list[str], workspace: Path) -> Any:
    client = Client(server_command, workspace, editor_settings(workspace))
    # the settings reach the server after it starts: a first document validated means they are in
    warm = workspace / "notices" / "warm-up.yaml"
    warm.parent.mkdir(parents=True, exist_ok=True)
    uri = client.open(warm, "do_khan: GẤP\n")
    for version in range(2, 60):
        if client.diagnostics(uri):  # the schema's own complaint: the association is in place
            break
        client.change(uri, "do_khan: GẤP\n" + "\n" * version, version)
    else:
        pytest.fail("yaml-language-server never applied the workspace's schema settings")
    yield client
    client.close()


def diagnostics_of(editor: Client, path: Path, text: str) -> list[dict[str, Any]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return editor.diagnostics(editor.open(path, text))


def test_the_settings_read_yaml_1_1_and_associate_both_schemas(workspace: Path) -> None:
    settings = json.loads((workspace / ".vscode" / "settings.json").read_text("utf-8"))
    assert settings["yaml.yamlVersion"] == "1.1"
    assert settings["yaml.schemas"] == {
        "./notice.schema.json": ["notices/**/*.yaml", "notices/**/*.yml"],
        "./tbkl.schema.json": ["tbkl.yaml"],
    }
    assert json.loads((workspace / ".vscode" / "extensions.json").read_text("utf-8")) == {"recommendations": ["redhat.vscode-yaml"]}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_example_notice_is_flagged_with_nothing(editor: Client, workspace: Path, example: Path) -> None:
    target = workspace / "notices" / example.parent.name / example.name
    assert diagnostics_of(editor, target, example.read_text("utf-8")) == []


VALID = {
    "one-line-name": {"co_quan__ten": "VĂN PHÒNG"},
    "one-line-authority": {"nguoi_ky__quyen_han": "TL. CHỦ TỊCH"},
    "partial-signer": {"nguoi_ky": {"ho_ten": "Trần Văn B"}},
    "number-as-digits": {"so": Raw("28")},
    "draft-date": {"ngay": "2026-04"},
    "urgency": {"do_khan": "KHẨN"},
    "appendices-and-tables": NOTICE_WITH_APPENDICES,  # merged cells, widths, a header of two rows
}


@pytest.mark.parametrize("name", sorted(VALID))
def test_what_the_tool_accepts_is_flagged_with_nothing(editor: Client, workspace: Path, name: str) -> None:
    text = notice_yaml(**VALID[name])
    assert diagnostics_of(editor, workspace / "notices" / "2026" / f"valid-{name}.yaml", text) == []


def test_a_notice_that_only_overrides_the_defaults_is_valid(editor: Client, workspace: Path) -> None:
    text = "trich_yeu: Kết luận của đồng chí A tại buổi làm việc\nnoi_dung:\n  - Nội dung.\nnguoi_ky:\n  ho_ten: Trần Văn B\n"
    assert diagnostics_of(editor, workspace / "notices" / "2026" / "partial.yaml", text) == []


BROKEN = {
    "name-no": ({"nguoi_ky__ho_ten": Raw("NO")}, 25, "họ tên người ký"),
    "block-key": ({"noi_dung__2": {"khoan_": "Các Sở"}}, 14, "cần bắt đầu bằng một trong các khóa muc, khoan, diem, gach, cong"),
    "top-key": ({"trich_yue": "Kết luận"}, 26, "khóa không hợp lệ"),
    "signer-key": ({"nguoi_ky__chuc_vuu": "PHÓ"}, 26, "khóa không hợp lệ ở đây; các khóa được dùng: quyen_han, chuc_vu, ho_ten"),
    "date-text": ({"ngay": "hôm qua"}, 9, "ngày ban hành"),
    "urgency": ({"do_khan": "GẤP"}, 26, "mức độ khẩn: cần một trong KHẨN"),
    "number-abc": ({"so": "abc"}, 7, "số văn bản: chỉ gồm chữ số"),
    "cell-key": (
        {"noi_dung__2": {"bang": [["A", {"o": "B", "gop_cott": 2}]]}},
        18,
        "khóa không hợp lệ ở đây; các khóa được dùng: o, gop_cot",
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_notices_are_flagged_at_their_line_in_vietnamese(editor: Client, workspace: Path, name: str) -> None:
    overrides, line, words = BROKEN[name]
    diagnostics = diagnostics_of(editor, workspace / "notices" / "2026" / f"broken-{name}.yaml", notice_yaml(**overrides))
    assert diagnostics, name
    assert [d for d in diagnostics if d["range"]["start"]["line"] + 1 == line and words in d["message"]], diagnostics
    for diagnostic in diagnostics:
        assert not ENGLISH.search(diagnostic["message"]), diagnostic["message"]


def test_tbkl_yaml_is_checked_by_its_own_schema(editor: Client, workspace: Path) -> None:
    config = workspace / "tbkl.yaml"
    text = config.read_text("utf-8")
    assert editor.diagnostics(editor.open(config, text)) == []
    broken = text.replace("  dia_danh:", "  dia_dahn:")
    line = next(number for number, row in enumerate(broken.splitlines()) if "dia_dahn" in row)
    editor.change(config.resolve().as_uri(), broken, 2)
    diagnostics = editor.diagnostics(config.resolve().as_uri())
    assert [d["range"]["start"]["line"] for d in diagnostics] == [line]
    assert "khóa không hợp lệ" in diagnostics[0]["message"]
    # the signer's name left blank (as tbkl init leaves it without --nguoi-ky) is flagged at its line
    blank = text.replace(f'ho_ten: "{SIGNER}"', "ho_ten:")
    line = next(number for number, row in enumerate(blank.splitlines()) if row.strip() == "ho_ten:")
    editor.change(config.resolve().as_uri(), blank, 3)
    diagnostics = editor.diagnostics(config.resolve().as_uri())
    assert [(d["range"]["start"]["line"], d["message"].split(":")[0]) for d in diagnostics] == [(line, "họ tên người ký")]


def test_completion_inserts_no_null_and_offers_each_key_once(editor: Client, workspace: Path) -> None:
    path = workspace / "notices" / "2026" / "completion.yaml"
    text = "trich_yeu: A\n\nnoi_dung:\n  - \n"
    uri = editor.open(path, text)
    top = editor.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 0}})
    items = top["items"] if isinstance(top, dict) else top
    labels = [item["label"] for item in items]
    assert "do_khan" in labels and "dia_danh" in labels
    assert len(labels) == len(set(labels))
    for item in items:
        inserted = (item.get("textEdit") or {}).get("newText") or item.get("insertText") or ""
        assert "null" not in inserted, item
    body = editor.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": 3, "character": 4}})
    body_labels = [item["label"] for item in (body["items"] if isinstance(body, dict) else body)]
    lowered = [label.lower() for label in body_labels]
    assert len(lowered) == len(set(lowered)), body_labels  # no muc and Muc
    assert "muc" in lowered and "khoan" in lowered


def test_hover_shows_the_label_and_description(editor: Client, workspace: Path) -> None:
    path = workspace / "notices" / "2026" / "hover.yaml"
    uri = editor.open(path, notice_yaml())
    hover = editor.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 10, "character": 3}})
    value = hover["contents"]["value"] if isinstance(hover["contents"], dict) else str(hover["contents"])
    assert "trích yếu" in value and "Trich Yeu" not in value


def test_the_task_reads_tbkl_checks_lines_as_errors_and_warnings(workspace: Path, tmp_path: Path) -> None:
    """The problem matchers of `.vscode/tasks.json` (JavaScript regular expressions, the same in Python
    here) read every line `tbkl check` prints for a problem, each with its file, line and column."""
    tasks = json.loads((workspace / ".vscode" / "tasks.json").read_text("utf-8"))
    (task,) = tasks["tasks"]
    assert task["command"] == "tbkl check"
    matchers = {m["severity"]: re.compile(m["pattern"]["regexp"]) for m in task["problemMatcher"]}
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "a.yaml").write_text(notice_yaml(so="abc", noi_dung__2={"khoan": "1. Các Sở."}), encoding="utf-8")
    result = render_cli(["check", "a.yaml"], cwd=folder)
    report = json.loads(render_cli(["check", "--format", "json", "a.yaml"], cwd=folder).output)["van_de"]
    lines = [line for line in result.output.splitlines() if line.startswith("a.yaml:")]
    assert len(lines) == len(report) >= 2
    for line, problem in zip(lines, report, strict=True):
        found = [(severity, m) for severity, pattern in matchers.items() if (m := pattern.match(line))]
        assert len(found) == 1, line
        severity, match = found[0]
        assert severity == ("error" if problem["severity"] == "loi" else "warning")
        assert (match.group(1), int(match.group(2)), int(match.group(3))) == ("a.yaml", problem["line"], problem["column"])
        assert problem["message"] in match.group(4)


# --- one schema, a branch per kind (`loai:`) ---------------------------------------------------------

LETTER = (
    "loai: cong_van\n"  # 1
    "so: '123'\n"  # 2
    "ky_hieu: UBND-KGVX\n"  # 3
    "ngay: 2026-04-20\n"  # 4
    "trich_yeu: triển khai phần mềm chuyên ngành\n"  # 5
    "kinh_gui: Các sở, ban, ngành thuộc tỉnh\n"  # 6
    "noi_dung:\n"  # 7
    "  - Ủy ban nhân dân tỉnh đề nghị các sở thực hiện.\n"  # 8
    "  - khoan: Rà soát danh mục phần mềm.\n"  # 9
    "noi_nhan: [Như trên]\n"  # 10
)
INVITATION = (
    "loai: giay_moi\n"  # 1
    "so: '42'\n"  # 2
    "ngay: 2026-04-13\n"  # 3
    "trich_yeu:\n"  # 4: an invitation may print no summary
    "mo_dau: 'Thực hiện Chương trình công tác, Ủy ban nhân dân tỉnh tổ chức cuộc họp như sau:'\n"  # 5
    "cuoc_hop:\n"  # 6
    "  chu_tri: Đồng chí Chủ tịch UBND tỉnh\n"  # 7
    "  thoi_gian: 2026-04-16 14:00\n"  # 8
    "  dia_diem: Hội trường\n"  # 9
    "thanh_phan: Giám đốc Sở Tài chính\n"  # 10
    "noi_dung_hop: [Nghe báo cáo chuyển đổi số]\n"  # 11
    "danh_so: false\n"  # 12
    "noi_nhan: [Như thành phần mời]\n"  # 13
)
LINKED = "trich_yeu: Kết luận của đồng chí Chủ tịch\ncuoc_hop: giay-moi.yaml\nnoi_dung: [Đồng chí Chủ tịch kết luận.]\n"

VALID_OF_EACH_KIND = {
    "letter": LETTER,
    "letter-loai-last": LETTER.replace("loai: cong_van\n", "") + "loai: cong_van\n",
    "invitation": INVITATION,
    "invitation-body-only": "loai: giay_moi\nnoi_dung:\n  - Kính mời đồng chí dự họp.\n",
    "notice-named": "loai: thong_bao\n" + LINKED,
    "notice-linked": LINKED,
}


@pytest.mark.parametrize("name", sorted(VALID_OF_EACH_KIND))
def test_a_valid_source_of_each_kind_is_flagged_with_nothing(editor: Client, workspace: Path, name: str) -> None:
    assert diagnostics_of(editor, workspace / "notices" / "2026" / f"kind-{name}.yaml", VALID_OF_EACH_KIND[name]) == []


BROKEN_OF_EACH_KIND = {
    # a key of another kind, named with the kind it belongs to
    "notice-with-an-invitations-key": (
        notice_yaml(mo_dau="Thực hiện …"),
        26,
        "mo_dau: khóa của Giấy mời (loai: giay_moi), không dùng trong Thông báo",
    ),
    "letter-with-a-notices-key": (
        LETTER + "ngay_hop: 2026-04-16\n",
        11,
        "ngay_hop: khóa của Thông báo (loai: thong_bao), không dùng trong Công văn",
    ),
    "letter-with-a-meeting": (LETTER + "cuoc_hop: giay-moi.yaml\n", 11, "cuoc_hop: khóa của Thông báo (loai: thong_bao) hoặc Giấy mời"),
    "invitation-with-a-notices-key": (INVITATION + "ngay_hop: 2026-04-16\n", 14, "ngay_hop: khóa của Thông báo"),
    # each kind's own rules
    "letter-summary-blank": (
        LETTER.replace("trich_yeu: triển khai phần mềm chuyên ngành", "trich_yeu: ' '"),
        5,
        "trích yếu công văn: không để trống",
    ),
    "letter-typo": (LETTER.replace("kinh_gui:", "kinh_gi:"), 6, "khóa không hợp lệ ở đây; các khóa được dùng: loai,"),
    "invitation-numbered-text": (INVITATION.replace("danh_so: false", "danh_so: có"), 12, "đánh số các mục cuộc họp: cần true hoặc false"),
    "invitation-meeting-key": (INVITATION.replace("  dia_diem:", "  dia_dem:"), 9, "các khóa được dùng: chu_tri, thoi_gian, dia_diem"),
    "unknown-kind": (LETTER.replace("loai: cong_van", "loai: cong_vn"), 1, "loại văn bản: cần một trong thong_bao, cong_van, giay_moi"),
}


@pytest.mark.parametrize("name", sorted(BROKEN_OF_EACH_KIND))
def test_a_broken_source_of_each_kind_is_flagged_at_its_line_in_vietnamese(editor: Client, workspace: Path, name: str) -> None:
    text, line, words = BROKEN_OF_EACH_KIND[name]
    diagnostics = diagnostics_of(editor, workspace / "notices" / "2026" / f"kind-broken-{name}.yaml", text)
    assert [d for d in diagnostics if d["range"]["start"]["line"] + 1 == line and words in d["message"]], diagnostics
    for diagnostic in diagnostics:
        assert not ENGLISH.search(diagnostic["message"]), diagnostic["message"]


def test_completion_offers_the_keys_of_the_sources_kind(editor: Client, workspace: Path) -> None:
    def offered(text: str, name: str) -> list[str]:
        uri = editor.open(workspace / "notices" / "2026" / name, text)
        found = editor.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 0}})
        return [item["label"] for item in (found["items"] if isinstance(found, dict) else found)]

    invitation = offered("loai: giay_moi\n\n", "complete-invitation.yaml")
    letter = offered("loai: cong_van\n\n", "complete-letter.yaml")
    notice = offered("trich_yeu: A\n\n", "complete-notice.yaml")
    assert {"mo_dau", "thanh_phan", "cuoc_hop"} <= set(invitation) and "ngay_hop" not in invitation
    assert "mo_dau" not in letter and "cuoc_hop" not in letter and "kinh_gui" in letter
    assert "ngay_hop" in notice and "mo_dau" not in notice
