"""`tbkl schema` is generated from the model, and the committed copy is up to date."""

from __future__ import annotations

import json

from conftest import ROOT, render_cli


def test_schema_command_prints_the_committed_schema() -> None:
    result = render_cli(["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output) == json.loads((ROOT / "notice.schema.json").read_text(encoding="utf-8"))


def test_schema_knows_every_top_level_key_and_forbids_others() -> None:
    schema = json.loads(render_cli(["schema"]).output)
    # other keys are refused by name, in Vietnamese (an editor shows errorMessage), and not offered twice
    assert schema["propertyNames"]["enum"] == list(schema["properties"])
    assert schema["propertyNames"]["errorMessage"].startswith("khóa không hợp lệ ở đây; các khóa được dùng: loai, phien_ban, mau")
    assert schema["propertyNames"]["doNotSuggest"] is True
    assert set(schema["properties"]) == {
        "phien_ban", "mau", "co_quan", "so", "ky_hieu", "dia_danh", "ngay", "ngay_hop", "do_khan",
        "trich_yeu", "kinh_gui", "noi_dung", "noi_nhan", "noi_nhan_them", "luu", "nguoi_ky",
        "muc_in_hoa", "nguoi_soan", "so_ban", "phu_luc", "loai", "cuoc_hop",
        # an invitation's own keys (loai: giay_moi), so that an editor flags no valid invitation
        "mo_dau", "danh_so", "thanh_phan", "noi_dung_hop", "phan_cong",
    }  # fmt: skip
    signer = schema["properties"]["nguoi_ky"]
    assert signer["$ref"] == "#/$defs/NguoiKy" and signer["title"] == "khối người ký" and signer["description"] == "Người ký."
    # a workspace's mac_dinh may supply every key, so a notice may override one key of a mapping
    assert "required" not in schema and "required" not in schema["$defs"]["NguoiKy"]
    assert schema["$defs"]["Khoan"]["required"] == ["khoan"]


def test_schema_has_no_null_defaults_and_takes_one_line_for_a_list() -> None:
    schema = json.loads(render_cli(["schema"]).output)
    text = json.dumps(schema, ensure_ascii=False)
    assert '"default": null' not in text
    assert schema["$defs"]["CoQuan"]["properties"]["ten"]["type"] == ["array", "string", "null"]
    assert schema["$defs"]["NguoiKy"]["properties"]["quyen_han"]["type"] == ["array", "string", "null"]
    assert schema["properties"]["trich_yeu"]["examples"] == ["Kết luận của đồng chí …"]


def test_workspace_schema_command_prints_the_committed_schema() -> None:
    result = render_cli(["schema", "--workspace"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema == json.loads((ROOT / "tbkl.schema.json").read_text(encoding="utf-8"))
    assert list(schema["properties"]) == ["mau", "thu_muc_ra", "mac_dinh", "day_so"]
    assert schema["properties"]["day_so"]["items"]["required"] == ["ten"]
    assert set(schema["properties"]["mac_dinh"]["properties"]) >= {"co_quan", "dia_danh", "nguoi_ky", "noi_nhan"}


def test_reading_a_file_does_not_import_pydantic() -> None:
    import os
    import subprocess
    import sys

    from conftest import NOTICES, ROOT

    code = f"import sys; from tbkl_gen.source.read import read_source; from pathlib import Path; read_source(Path({str(NOTICES / '2021' / 'tbkl-thong-tin-doi-ngoai.yaml')!r})); print('pydantic' in sys.modules)"
    completed = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
    assert completed.stdout.strip() == "False", completed.stderr


def test_a_list_of_lines_may_be_written_as_one_line_in_the_schema_as_in_the_tool() -> None:
    # `kinh_gui: Sở Tài chính` and `ten: VĂN PHÒNG` are read as lists of one; an editor using the
    # schema must not mark them as wrong.
    schema = json.loads(render_cli(["schema"]).output)
    for node in (schema["properties"]["kinh_gui"], schema["$defs"]["NguoiKy"]["properties"]["quyen_han"]):
        assert node["type"] == ["array", "string", "null"] and node["items"]["type"] == "string"
    assert schema["$defs"]["CoQuan"]["properties"]["ten"]["contains"] == {}  # at least one line, said in Vietnamese
