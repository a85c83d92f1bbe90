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
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == {
        "phien_ban", "mau", "co_quan", "so", "ky_hieu", "dia_danh", "ngay", "ngay_hop", "do_khan",
        "trich_yeu", "kinh_gui", "noi_dung", "noi_nhan", "noi_nhan_them", "luu", "nguoi_ky",
        "muc_in_hoa", "nguoi_soan", "so_ban", "phu_luc", "loai",
        # an invitation's own keys, refused in the other kinds
        "mo_dau", "cuoc_hop", "thanh_phan", "noi_dung_hop", "phan_cong", "danh_so",
    }  # fmt: skip
    assert schema["properties"]["nguoi_ky"] == {"$ref": "#/$defs/NguoiKy", "description": "Người ký."}
    assert schema["properties"]["loai"]["enum"] == ["thong_bao", "cong_van", "giay_moi"]


def test_schema_refuses_an_invitations_keys_in_a_notice_and_a_letter() -> None:
    schema = json.loads(render_cli(["schema"]).output)
    refused = {}
    for rule in schema["allOf"]:
        chosen = rule["if"].get("anyOf", [rule["if"]])[-1]["properties"]["loai"]["const"]
        refused[chosen] = {name for name, allowed in rule["then"]["properties"].items() if allowed is False}
    assert {"mo_dau", "thanh_phan", "danh_so"} <= refused["thong_bao"] and not {"ngay_hop", "cuoc_hop"} & refused["thong_bao"]
    assert {"mo_dau", "thanh_phan", "ngay_hop"} <= refused["cong_van"] and "trich_yeu" not in refused["cong_van"]
    assert "ngay_hop" in refused["giay_moi"] and "mo_dau" not in refused["giay_moi"]
    # a source without `loai` is a notice
    default = next(rule["if"] for rule in schema["allOf"] if "anyOf" in rule["if"])
    assert default == {"anyOf": [{"not": {"required": ["loai"]}}, {"properties": {"loai": {"const": "thong_bao"}}, "required": ["loai"]}]}


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
    one_or_many = [{"type": "string"}, {"items": {"type": "string"}, "type": "array"}]
    assert schema["properties"]["kinh_gui"]["anyOf"] == one_or_many
    assert schema["$defs"]["NguoiKy"]["properties"]["quyen_han"]["anyOf"] == one_or_many
    assert schema["$defs"]["CoQuan"]["properties"]["ten"]["anyOf"] == [{"type": "string"}, {**one_or_many[1], "minItems": 1}]
