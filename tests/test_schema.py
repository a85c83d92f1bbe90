"""`tbkl schema` is generated from the model, and the committed copy is up to date."""

from __future__ import annotations

import json

from conftest import ROOT, render_cli


def test_schema_command_prints_the_committed_schema() -> None:
    result = render_cli(["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output) == json.loads((ROOT / "notice.schema.json").read_text(encoding="utf-8"))


def test_schema_has_a_branch_per_kind_chosen_by_loai_with_the_notice_as_default() -> None:
    schema = json.loads(render_cli(["schema"]).output)
    branches = []
    node = schema
    while "if" in node:
        branches.append((node["if"]["properties"]["loai"]["const"], node["then"]["$ref"]))
        node = node["else"]
    assert branches == [("cong_van", "#/$defs/CongVan"), ("giay_moi", "#/$defs/GiayMoi")]
    assert node == {"$ref": "#/$defs/Notice"}  # no loai, loai: thong_bao, or an unknown one (flagged by loai's enum)


def _kind(schema: dict, name: str) -> dict:
    return schema["$defs"][name]


def test_each_kind_knows_its_keys_and_forbids_others() -> None:
    schema = json.loads(render_cli(["schema"]).output)
    notice = _kind(schema, "Notice")
    # other keys are refused by name, in Vietnamese (an editor shows errorMessage), and not offered twice
    own = notice["propertyNames"]
    while "if" in own:  # a key of another kind first, with its own message
        assert own["then"]["errorMessage"].startswith(own["if"]["const"] + ": khóa của ")
        assert "không dùng trong Thông báo" in own["then"]["errorMessage"]
        own = own["else"]
    assert own["enum"] == list(notice["properties"])
    assert own["errorMessage"].startswith("khóa không hợp lệ ở đây; các khóa được dùng: loai, phien_ban, mau")
    assert notice["propertyNames"]["doNotSuggest"] is True
    assert set(notice["properties"]) == {
        "phien_ban", "mau", "co_quan", "so", "ky_hieu", "dia_danh", "ngay", "ngay_hop", "do_khan",
        "trich_yeu", "kinh_gui", "noi_dung", "noi_nhan", "noi_nhan_them", "luu", "nguoi_ky",
        "muc_in_hoa", "nguoi_soan", "so_ban", "phu_luc", "loai", "cuoc_hop",
    }  # fmt: skip
    invitation = set(_kind(schema, "GiayMoi")["properties"])
    assert {"mo_dau", "danh_so", "thanh_phan", "noi_dung_hop", "phan_cong", "cuoc_hop"} <= invitation and "ngay_hop" not in invitation
    letter = set(_kind(schema, "CongVan")["properties"])
    assert not letter & {"mo_dau", "ngay_hop", "cuoc_hop"} and {"kinh_gui", "trich_yeu", "noi_dung"} <= letter
    assert _kind(schema, "CongVan")["properties"]["loai"]["enum"] == ["thong_bao", "cong_van", "giay_moi"]
    signer = notice["properties"]["nguoi_ky"]
    assert signer["$ref"] == "#/$defs/NguoiKy" and signer["title"] == "khối người ký" and signer["description"] == "Người ký."
    # a workspace's mac_dinh may supply every key, so a notice may override one key of a mapping
    assert "required" not in notice and "required" not in schema["$defs"]["NguoiKy"]
    assert schema["$defs"]["Khoan"]["required"] == ["khoan"]


def test_schema_has_no_null_defaults_and_takes_one_line_for_a_list() -> None:
    schema = json.loads(render_cli(["schema"]).output)
    text = json.dumps(schema, ensure_ascii=False)
    assert '"default": null' not in text
    assert schema["$defs"]["CoQuan"]["properties"]["ten"]["type"] == ["array", "string", "null"]
    assert schema["$defs"]["NguoiKy"]["properties"]["quyen_han"]["type"] == ["array", "string", "null"]
    assert _kind(schema, "Notice")["properties"]["trich_yeu"]["examples"] == ["Kết luận của đồng chí …"]


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
    for node in (schema["$defs"]["Notice"]["properties"]["kinh_gui"], schema["$defs"]["NguoiKy"]["properties"]["quyen_han"]):
        assert node["type"] == ["array", "string", "null"] and node["items"]["type"] == "string"
    assert schema["$defs"]["CoQuan"]["properties"]["ten"]["contains"] == {}  # at least one line, said in Vietnamese
