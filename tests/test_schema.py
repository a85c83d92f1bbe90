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
        "muc_in_hoa", "nguoi_soan", "so_ban", "phu_luc",
    }  # fmt: skip
    assert schema["properties"]["nguoi_ky"] == {"$ref": "#/$defs/NguoiKy", "description": "Người ký."}


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
