"""The template contract is declared once (`tbkl_gen.word.contract`) and everything reads it.

The names a template may use, the attributes the sandbox lets it read, the values one document
renders with, the e-office sidecar's fields of the same values and the listing of
docs/template-contract.md all come from `VARIABLES`; each kind's own keys reach a template as
`rieng` from the kind's declaration; every key of the shared parts prints somewhere.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import render_cli
from docx_text import document_lines
from test_template_security import hostile

from tbkl_gen.commands.pdf import sidecar_fields
from tbkl_gen.notice.kinds import KINDS
from tbkl_gen.word import contract
from tbkl_gen.word.render import CONTRACT, builtin_templates_dir

ROOT = Path(__file__).resolve().parents[1]
INVITATION = ROOT / "notices" / "2026" / "lamdong-giay-moi-so-khcn.yaml"


def test_the_listing_of_the_contract_in_the_docs_is_generated_from_the_declaration() -> None:
    doc = (ROOT / "docs" / "template-contract.md").read_text(encoding="utf-8")
    assert doc == contract.with_listing(doc), "docs/template-contract.md is stale: run python -m tbkl_gen.word.contract"
    listed = re.findall(r"^\| `([a-z_]+)` \|", doc, re.MULTILINE)
    assert listed == [variable.name for variable in contract.VARIABLES]
    assert set(listed) == CONTRACT


def test_every_key_of_the_shared_parts_is_printed_by_a_variable_or_said_why_not() -> None:
    unprinted = {key: names for key, names in contract.printed_keys().items() if not names and key not in contract.NOT_PRINTED}
    assert unprinted == {}
    assert all(not contract.printed_keys()[key] for key in contract.NOT_PRINTED)


def test_each_kind_s_own_keys_beyond_its_summary_and_body_reach_a_template_as_rieng() -> None:
    attributes = {attribute.name for attribute in contract.variable("rieng").attributes()}
    for kind in KINDS.values():
        own = {key.name for key in kind.own_keys()} - {"trich_yeu", "noi_dung"}
        assert own <= attributes <= contract.attribute_names(), kind.key
        assert own <= set(contract.own_keys())
    assert "thanh_phan" in contract.variable("rieng").doc() or "thành phần mời" in contract.listing()


def test_the_built_in_templates_use_every_variable_but_the_kind_s_key_the_bare_addressees_and_the_own_fields() -> None:
    for template in sorted(builtin_templates_dir().glob("*.docx")):
        with zipfile.ZipFile(template) as package:
            xml = package.read("word/document.xml").decode("utf-8") + package.read("docProps/core.xml").decode("utf-8")
        used = {name for name in CONTRACT if re.search(rf"[{{%][^}}%]*\b{name}\b", xml)}
        assert CONTRACT - used == {"loai", "kinh_gui", "rieng"}, template.name


def test_the_sidecar_carries_the_contract_s_values_with_its_words() -> None:
    fields = sidecar_fields()
    for name in ("kinh_gui", "noi_nhan", "luu", "nguoi_ky", "loai"):
        schema, description = fields[name]
        doc = contract.variable(name).doc()
        assert description == doc[:1].upper() + doc[1:] + "."
    assert set(fields["nguoi_ky"][0]["properties"]) == {"quyen_han", "chuc_vu", "ho_ten"}
    assert all(f"“{kind.name}”" in fields["loai_van_ban"][1] for kind in KINDS.values())


def test_a_template_may_place_an_invitation_s_own_fields_itself_and_a_notice_sees_them_empty(tmp_path: Path) -> None:
    template = hostile(
        tmp_path / "rieng.docx",
        "{{ dia_danh_ngay }}{% if rieng.thanh_phan %}[{% for muc in rieng.thanh_phan %}{{ muc }};{% endfor %}"
        "{{ rieng.cuoc_hop.dia_diem }}]{% endif %}",
        replace="{{ dia_danh_ngay }}",
    )
    rendered = render_cli(["render", str(INVITATION), "-o", str(tmp_path / "out"), "--template", str(template)])
    assert rendered.exit_code == 0, rendered.output
    lines = document_lines(tmp_path / "out" / f"{INVITATION.stem}.docx")
    marked = [line for line in lines if "[" in line]
    assert len(marked) == 1 and marked[0].endswith("]") and "Phòng họp" in marked[0], marked
    notice = ROOT / "notices" / "2026" / "lamdong-so-khcn.yaml"
    rendered = render_cli(["render", str(notice), "-o", str(tmp_path / "out"), "--template", str(template)])
    assert rendered.exit_code == 0, rendered.output
    assert not [line for line in document_lines(tmp_path / "out" / f"{notice.stem}.docx") if line.endswith("]")]


@pytest.mark.parametrize("name", ["rieng.khong_co", "rieng.__class__"])
def test_rieng_offers_only_the_kinds_declared_keys(tmp_path: Path, name: str) -> None:
    template = hostile(tmp_path / "rieng.docx", "{{ " + name + " }}")
    result = render_cli(["render", str(INVITATION), "-o", str(tmp_path / "out"), "--template", str(template)])
    assert result.exit_code == 1 and "không có trong hợp đồng mẫu" in result.output, result.output
