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
    # A list of lines may be written as one line (`kinh_gui: Sở Tài chính`, `ten: VĂN PHÒNG`): the
    # schema says so, or an editor would mark as wrong what the tool reads.
    for cls in declaration.classes_under(plain.Notice):
        node = properties if cls is plain.Notice else schema.get("$defs", {}).get(cls.__name__, {}).get("properties", {})
        for key in declaration.declared(cls):
            if key.spec.lines and not key.source_only and key.name in node:
                listed = {k: v for k, v in node[key.name].items() if k not in ("description", "title")}
                node[key.name] = {
                    "description": key.spec.doc,
                    "title": node[key.name].get("title", key.name),
                    "anyOf": [{"type": "string"}, listed],
                }
    # Office defaults may supply any key, so a notice in a workspace may omit "required" ones.
    schema.pop("required", None)
    return schema


def _written(tp: Any) -> dict[str, Any]:
    item = declaration.item_of(tp)
    if item is str:
        return {"type": "array", "items": {"type": "string"}}
    raise TypeError(f"no schema for the source-only type {tp!r}")
