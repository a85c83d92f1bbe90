"""The JSON Schema of notice sources, generated from the declaration that validates them."""

from __future__ import annotations

from typing import Any

from tbkl_gen.notice import fields as declaration
from tbkl_gen.notice import model as plain
from tbkl_gen.notice.validation import Notice

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"


def notice_schema() -> dict[str, Any]:
    """Return the JSON Schema of a notice source file (schema version 1)."""
    schema = Notice.model_json_schema(mode="validation")
    schema["$schema"] = SCHEMA_URI
    schema["title"] = f"Thông báo kết luận (tbkl-gen, phiên bản {plain.SCHEMA_VERSION})"
    properties = schema["properties"]
    for key in declaration.declared(plain.Notice):
        if key.source_only:
            # read before validation (office defaults), so described here rather than by the model
            properties[key.name] = {"description": key.spec.doc, **_written(key.type)}
        elif key.spec.json_schema is not None:
            properties[key.name] = {"description": key.spec.doc, **key.spec.json_schema}
        elif key.spec.digits_as_text:
            properties[key.name] = {**properties[key.name], "anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}
    # Office defaults may supply any key, so a notice in a workspace may omit "required" ones.
    schema.pop("required", None)
    return schema


def _written(tp: Any) -> dict[str, Any]:
    item = declaration.item_of(tp)
    if item is str:
        return {"type": "array", "items": {"type": "string"}}
    raise TypeError(f"no schema for the source-only type {tp!r}")
