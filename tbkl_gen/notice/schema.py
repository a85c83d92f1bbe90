"""The JSON Schema of notice sources, generated from the same model that validates them."""

from __future__ import annotations

from typing import Any

from tbkl_gen.notice.validation import Notice

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"


def notice_schema() -> dict[str, Any]:
    """Return the JSON Schema of a notice source file (schema version 1)."""
    schema = Notice.model_json_schema(mode="validation")
    schema["$schema"] = SCHEMA_URI
    schema["title"] = "Thông báo kết luận (tbkl-gen, phiên bản 1)"
    properties = schema["properties"]
    properties["noi_nhan_them"] = {
        "description": "Nơi nhận thêm vào trước danh sách nơi nhận mặc định của tbkl.yaml.",
        "type": "array",
        "items": {"type": "string"},
    }
    properties["ngay"] = {
        "description": properties["ngay"].get("description", ""),
        "anyOf": [
            {"type": "string", "pattern": r"^\d{4}(-\d{1,2}(-\d{1,2})?)?$"},
            {"type": "integer"},
            {"$ref": "#/$defs/NgayThang"},
        ],
    }
    properties["so"] = {**properties["so"], "anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}
    properties["ngay_hop"] = {**properties["ngay_hop"], "anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}
    # Office defaults may supply any key, so a notice in a workspace may omit "required" ones.
    schema.pop("required", None)
    return schema
