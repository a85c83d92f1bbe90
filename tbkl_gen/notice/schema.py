"""The JSON Schema of sources, generated from the declarations that validate them: one per kind, joined.

The properties are those of every kind; `loai` names the kind, and for each kind the keys of the
others are refused (`if`/`then`), so an editor offers a Công văn's keys in a Công văn.
"""

from __future__ import annotations

from typing import Any

from tbkl_gen.notice import fields as declaration
from tbkl_gen.notice import model as plain
from tbkl_gen.notice.kind import Kind
from tbkl_gen.notice.kinds import DEFAULT, KINDS
from tbkl_gen.notice.validation import model_for

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"


def notice_schema() -> dict[str, Any]:
    """Return the JSON Schema of a source file of any kind (schema version 1)."""
    schema = _kind_schema(DEFAULT)
    schema["$schema"] = SCHEMA_URI
    schema["title"] = f"Thông báo kết luận, công văn, giấy mời (tbkl-gen, phiên bản {plain.SCHEMA_VERSION})"
    properties = schema["properties"]
    kinds = list(KINDS.values())
    own: dict[str, dict[str, Any]] = {DEFAULT.key: dict(properties)}
    for kind in kinds:
        if kind is DEFAULT:
            continue
        other = _kind_schema(kind)
        schema.setdefault("$defs", {}).update(other.get("$defs", {}))
        own[kind.key] = other["properties"]
        for name, value in other["properties"].items():
            properties.setdefault(name, value)
    properties["loai"] = {**properties["loai"], "enum": [kind.key for kind in kinds]}
    rules = []
    for kind in kinds:
        chosen: dict[str, Any] = {"properties": {"loai": {"const": kind.key}}, "required": ["loai"]}
        if kind is DEFAULT:
            chosen = {"anyOf": [{"not": {"required": ["loai"]}}, chosen]}
        mine = own[kind.key]
        # a key the kinds share but describe in their own words (a letter's summary) says so in its kind
        then: dict[str, Any] = {
            name: {"description": value["description"]}
            for name, value in mine.items()
            if value.get("description") != properties[name].get("description")
        }
        then.update({name: False for name in sorted(set(properties) - set(mine))})
        if then:
            rules.append({"if": chosen, "then": {"properties": then}})
    if rules:
        schema["allOf"] = rules
    return schema


def _kind_schema(kind: Kind) -> dict[str, Any]:
    schema = model_for(kind.model).model_json_schema(mode="validation")
    properties = schema["properties"]
    for key in declaration.declared(kind.model):
        if key.source_only:
            # read before validation (office defaults), so described here rather than by the model
            properties[key.name] = {"description": key.spec.doc, **_written(key.type)}
        elif key.spec.json_schema is not None:
            properties[key.name] = {"description": key.spec.doc, **key.spec.json_schema}
        elif key.spec.digits_as_text:
            properties[key.name] = {**properties[key.name], "anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}
    # A list of lines may be written as one line (`kinh_gui: Sở Tài chính`, `ten: VĂN PHÒNG`): the
    # schema says so, or an editor would mark as wrong what the tool reads.
    for cls in declaration.classes_under(kind.model):
        node = properties if cls is kind.model else schema.get("$defs", {}).get(cls.__name__, {}).get("properties", {})
        for key in declaration.declared(cls):
            if key.spec.lines and not key.source_only and key.name in node:
                listed = {k: v for k, v in node[key.name].items() if k not in ("description", "title")}
                node[key.name] = {
                    "description": key.spec.doc,
                    "title": node[key.name].get("title", key.name),
                    "anyOf": [{"type": "string"}, listed],
                }
    # Office defaults may supply any key, so a source in a workspace may omit "required" ones.
    schema.pop("required", None)
    schema.pop("title", None)
    schema.pop("description", None)
    return schema


def _written(tp: Any) -> dict[str, Any]:
    item = declaration.item_of(tp)
    if item is str:
        return {"type": "array", "items": {"type": "string"}}
    raise TypeError(f"no schema for the source-only type {tp!r}")
