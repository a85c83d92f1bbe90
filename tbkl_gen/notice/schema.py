"""The JSON Schema of notice sources and of `tbkl.yaml`, generated from the declaration.

For editors (VS Code's YAML extension, yaml-language-server, any JSON Schema client): it accepts
what the tool accepts and speaks Vietnamese. Each key's title is its label, its description the
declaration's, its example the declaration's; each rule a client can check carries its message in
Vietnamese (`errorMessage`, `patternErrorMessage`, which yaml-language-server shows instead of its
English words), so rules whose message a client cannot take (a minimum length, a range) are
written as patterns or enums that can. One line stands for a list where the tool accepts it
(`ten: VĂN PHÒNG`); no key is required where the workspace's `mac_dinh` may supply it, so a notice
that overrides one key of `nguoi_ky` is valid; a body item is "a block named by one of these keys,
else text", so a mistyped block key is underlined with the keys allowed. No `default: null`: a
client's completion inserts defaults.

The deeper checks (the decree's signer stacks, typed labels, a missing place once the defaults are
merged) need the tool: `tbkl lsp` and `tbkl check`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tbkl_gen.nd30.words import FULL_DATE_PATTERN
from tbkl_gen.notice import fields as declaration
from tbkl_gen.notice import model as plain
from tbkl_gen.notice.kinds import DEFAULT, KINDS

KIND_KEY = "loai"

SCHEMA_URI = "http://json-schema.org/draft-07/schema#"
"""Draft 7: what yaml-language-server and VS Code implement fully (if/then/else, propertyNames)."""

_TYPE_WORDS = {
    "string": "một dòng chữ",
    "integer": "một số nguyên",
    "boolean": "true hoặc false",
    "array": "một danh sách (mỗi mục một dòng “- …”)",
    "object": "các khóa con (mỗi khóa một dòng, thụt vào)",
    "null": "để trống",
}

# A rule yaml-language-server states in English (minLength, minimum, maximum) is written in a form
# it states with our message: text that is not blank, a small range as its values.
_NOT_BLANK = r"\S"
_SMALL_RANGE = 31


def notice_schema() -> dict[str, Any]:
    """Return the JSON Schema of a source file (schema version 1), one branch per kind.

    `loai:` chooses the branch (`if`/`then`/`else`, the default kind when it is absent or unknown,
    where `loai` itself is then flagged): each kind's branch holds its own keys and only those, so
    an editor flags no valid source of any kind and flags a key of another kind by the kind it
    belongs to. The branches are definitions named by their models (`Notice`, `CongVan`, …).
    """
    kinds = list(KINDS.values())
    schema = _Schema(*(kind.model for kind in kinds))
    owners: dict[str, list[str]] = {}
    for kind in kinds:
        for key in declaration.declared(kind.model):
            owners.setdefault(key.name, []).append(kind.key)
    for kind in kinds:
        mapping = schema.mapping(kind.model, f"{kind.name}: {kind.description}" if kind.description else kind.name)
        mapping["title"] = kind.name
        loai = mapping["properties"][KIND_KEY]
        loai.pop("type", None)
        loai.pop("default", None)
        loai["enum"] = list(KINDS)
        loai["errorMessage"] = f"{loai['title']}: cần một trong " + ", ".join(KINDS)
        foreign = [name for name in owners if kind.key not in owners[name]]
        mapping["propertyNames"] = _names_of(kind.name, list(mapping["properties"]), {name: owners[name] for name in foreign}, KINDS)
        schema.definitions[kind.model.__name__] = mapping
    chain: dict[str, Any] = {"$ref": f"#/$defs/{DEFAULT.model.__name__}"}
    for kind in reversed(kinds):
        if kind is not DEFAULT:
            chosen = {"type": "object", "properties": {KIND_KEY: {"const": kind.key}}, "required": [KIND_KEY]}
            chain = {"if": chosen, "then": {"$ref": f"#/$defs/{kind.model.__name__}"}, "else": chain}
    return {
        "$schema": SCHEMA_URI,
        "title": f"Văn bản (tbkl-gen, phiên bản {plain.SCHEMA_VERSION})",
        "description": "Tệp nguồn YAML của một văn bản theo Nghị định 30/2020/NĐ-CP ("
        + ", ".join(f"loai: {kind.key} — {kind.name}" for kind in kinds)
        + f"; không ghi loai là {DEFAULT.name}); kiểm tra đầy đủ: tbkl check.",
        **chain,
        "$defs": schema.definitions,
    }


def _names_of(kind: str, names: list[str], foreign: dict[str, list[str]], kinds: Any) -> dict[str, Any]:
    """Return the rule on a kind's key names: its own keys, and a key of another kind named as such."""
    chain: dict[str, Any] = {
        "enum": names,
        "errorMessage": "khóa không hợp lệ ở đây; các khóa được dùng: " + ", ".join(names),
    }
    for name, keys in reversed(foreign.items()):
        others = " hoặc ".join(f"{kinds[key].name} (loai: {key})" for key in keys)
        said = f"{name}: khóa của {others}, không dùng trong {kind}; bỏ khóa này, hoặc ghi đúng loai của văn bản"
        chain = {"if": {"const": name}, "then": {"enum": [], "errorMessage": said}, "else": chain}
    return {**chain, "doNotSuggest": True}


def workspace_schema(keys: dict[str, tuple[str, str]], shapes: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Return the JSON Schema of `tbkl.yaml`: keys (name → Vietnamese label and description),
    `mac_dinh` holding any key of a notice (each a default, none required), shapes the schema of
    the keys that are not a line of text."""
    schema = _Schema(plain.Notice)
    root = schema.mapping(plain.Notice, "")
    properties: dict[str, Any] = {}
    for name, (label, doc) in keys.items():
        if name == "mac_dinh":
            properties[name] = {**root, "type": ["object", "null"], "title": label, "description": doc, "markdownDescription": doc}
        elif shapes and name in shapes:
            properties[name] = {"title": label, "description": doc, **shapes[name]}
        else:
            properties[name] = {
                "title": label,
                "description": doc,
                "type": ["string", "null"],
                "errorMessage": f"{name}: cần {_TYPE_WORDS['string']}",
            }
    return {
        "$schema": SCHEMA_URI,
        "title": f"tbkl.yaml (tbkl-gen, phiên bản {plain.SCHEMA_VERSION})",
        "description": "Cấu hình của thư mục làm việc: mẫu Word, thư mục ra và giá trị mặc định của mọi thông báo.",
        "type": ["object", "null"],
        "errorMessage": "tbkl.yaml: chỉ có các khóa " + ", ".join(keys),
        "properties": properties,
        "propertyNames": {
            "enum": list(keys),
            "doNotSuggest": True,
            "errorMessage": "khóa không hợp lệ trong tbkl.yaml; các khóa được dùng: " + ", ".join(keys),
        },
        "$defs": schema.definitions,
    }


class _Schema:
    """The schema of one declared document: its root mapping and the definitions of its classes."""

    def __init__(self, *roots: type) -> None:
        self.roots = roots
        self.definitions: dict[str, Any] = {}
        self.unions: dict[tuple[str, ...], str] = {}
        """The definition of each union of text and blocks, by its tags: the body's is "Block"."""
        self.blocks_of = {cls for root in roots for cls in _block_classes(root)}
        for root in roots:
            for cls in declaration.classes_under(root):
                if cls not in roots and cls.__name__ not in self.definitions:
                    self.definitions[cls.__name__] = self.mapping(cls, (cls.__doc__ or "").strip())

    def mapping(self, cls: type, description: str) -> dict[str, Any]:
        """Return the schema of a declared class's mapping: its keys, and only those."""
        keys = declaration.declared(cls)
        names = [key.name for key in keys]
        schema: dict[str, Any] = {"type": "object"}
        if description:
            schema["description"] = description
        schema["properties"] = {key.name: self.key(key) for key in keys}
        required = [key.name for key in keys if key.required and cls in self.blocks_of][:1]
        if required:
            schema["required"] = required  # a block's own key names it; the workspace never supplies it
        schema["propertyNames"] = {
            "enum": names,
            "doNotSuggest": True,
            "errorMessage": "khóa không hợp lệ ở đây; các khóa được dùng: " + ", ".join(names),
        }
        schema["errorMessage"] = f"cần {_TYPE_WORDS['object']}: " + ", ".join(names)
        return schema

    def key(self, key: declaration.Declared) -> dict[str, Any]:
        about = key.spec
        label = about.label or key.name
        schema: dict[str, Any] = {"title": label, "description": about.doc, "markdownDescription": _markdown(key)}
        value = _example_value(key)
        if value is not None:
            schema["examples"] = [value]
        if about.json_schema is not None:
            schema.update(_said(dict(about.json_schema), label, about.example))
            return schema
        schema.update(self.value(key.type, about, label))
        if not key.required and isinstance(key.default, (bool, int, str)) and not isinstance(key.default, tuple):
            schema["default"] = key.default
        return schema

    def value(self, tp: Any, about: declaration.Spec, label: str) -> dict[str, Any]:
        """Return what may be written for a value of type tp, with its Vietnamese message."""
        inner = declaration.optional_of(tp)
        nullable = inner is not None
        tp = inner if inner is not None else tp
        hint = f" (ví dụ: {about.example})" if about.example else ""
        choices = declaration.literal_of(tp)
        if choices is not None:
            return {
                "enum": [*choices, *([None] if nullable else [])],
                "errorMessage": f"{label}: cần một trong " + ", ".join(map(str, choices)),
            }
        item = declaration.item_of(tp)
        if item is not None:
            types = ["array", *(["string"] if about.lines else []), "null"]
            words = " hoặc ".join(_TYPE_WORDS[t] for t in types if t != "null")
            schema: dict[str, Any] = {"type": types, "errorMessage": f"{label}: cần {words}{hint}"}
            schema["items"] = self.union(item) if declaration.tagged_members(item) else self.value(item, declaration.Spec(""), label)
            if about.lines:
                schema["pattern"] = _NOT_BLANK
                schema["patternErrorMessage"] = f"{label}: không để trống{hint}"
            if about.min_length:
                schema["contains"] = {}
                schema["errorMessage"] = f"{label}: cần ít nhất {about.min_length} mục{hint}"
            return schema
        if declaration.is_declared(tp):
            return {"$ref": f"#/$defs/{tp.__name__}"}
        if tp is str:
            types = ["string", *(["integer"] if about.digits_as_text else []), *(["null"] if nullable else [])]
            schema = {"type": types if len(types) > 1 else "string", "errorMessage": f"{label}: cần {_TYPE_WORDS['string']}{hint}"}
            if about.min_length:
                schema["pattern"] = _NOT_BLANK
                schema["patternErrorMessage"] = f"{label}: không để trống{hint}"
            return schema
        if tp is int:
            if about.ge is not None and about.le is not None and about.le - about.ge <= _SMALL_RANGE:
                values: list[Any] = list(range(about.ge, about.le + 1))
                return {
                    "enum": [*values, *([None] if nullable else [])],
                    "errorMessage": f"{label}: cần một số từ {about.ge} đến {about.le}",
                }
            return {"type": ["integer", "null"] if nullable else "integer", "errorMessage": f"{label}: cần {_TYPE_WORDS['integer']}{hint}"}
        if tp is bool:
            return {"type": ["boolean", "null"] if nullable else "boolean", "errorMessage": f"{label}: cần {_TYPE_WORDS['boolean']}{hint}"}
        if tp is dt.date:
            return {
                "type": ["string", "null"] if nullable else "string",
                "pattern": f"^(?:{FULL_DATE_PATTERN})$",
                "errorMessage": f"{label}: cần một ngày dạng ngày/tháng/năm, ví dụ 22/12/2021",
                "patternErrorMessage": f"{label}: cần một ngày dạng ngày/tháng/năm, ví dụ 22/12/2021",
            }
        raise TypeError(f"no schema for the declared type {tp!r}")

    def union(self, item: Any) -> dict[str, Any]:
        """Return a reference to the definition of a union of text and blocks (made once)."""
        members: dict[str, type] = declaration.tagged_members(item) or {}
        tags = tuple(members)
        name = self.unions.get(tags)
        if name is None:
            name = self.unions[tags] = "Block" if not self.unions else "Block" + "".join(cls.__name__ for cls in members.values())
            self.definitions[name] = {}  # a block holds blocks: the reference exists before its schema
            self.definitions[name] = self.blocks(members)
        return {"$ref": f"#/$defs/{name}"}

    def blocks(self, members: dict[str, type]) -> dict[str, Any]:
        """Return the schema of an item that is a block named by one of its keys, else text."""
        tags = list(members)
        named = ", ".join(tags)
        chain: dict[str, Any] = {
            "propertyNames": {"enum": tags, "doNotSuggest": True, "errorMessage": f"cần bắt đầu bằng một trong các khóa {named}"},
            "errorMessage": f"cần bắt đầu bằng một trong các khóa {named}",
        }
        for tag in reversed(tags):
            chain = {"if": {"required": [tag]}, "then": {"$ref": f"#/$defs/{members[tag].__name__}"}, "else": chain}
        return {
            "description": "Một đoạn văn, hoặc một khối: " + ", ".join(f"{tag} ({_label_of(members[tag], tag)})" for tag in tags) + ".",
            "if": {"type": "object"},
            "then": chain,
            "else": {"type": ["string", "null"], "errorMessage": f"cần một dòng chữ, hoặc một khối bắt đầu bằng khóa {named}"},
            # described here too, so that an editor offers each block's key once on a new "- " line
            "properties": {
                tag: {
                    "title": _label_of(members[tag], tag),
                    "description": (members[tag].__doc__ or "").strip(),
                    # loose: the block's own schema (then) holds the value to its type
                    "type": ["string", "array", "integer", "boolean", "null"],
                }
                for tag in tags
            },
        }


def _block_classes(root: type) -> set[type]:
    found: set[type] = set()
    for cls in declaration.classes_under(root):
        for key in declaration.declared(cls):
            item = declaration.item_of(declaration.optional_of(key.type) or key.type)
            members = declaration.tagged_members(item) if item is not None else None
            if members:
                found.update(members.values())
    return found


def _label_of(cls: type, name: str) -> str:
    key = declaration.field_named(cls, name)
    return key.spec.label if key is not None and key.spec.label else name


def _markdown(key: declaration.Declared) -> str:
    text = key.spec.doc
    if key.spec.example:
        text += f"\n\nVí dụ: `{key.spec.example}`"
    return text


def _example_value(key: declaration.Declared) -> Any:
    """Return the value of the declared example line (`ho_ten: Trần Thị Bình`), typed as written."""
    name, colon, written = key.spec.example.partition(":")
    if not colon or name.strip() != key.name:
        return None
    text = written.strip()
    tp = declaration.optional_of(key.type) or key.type
    if tp is bool:
        return text == "true"
    if tp is int and text.isdigit():
        return int(text)
    return text


def _said(schema: dict[str, Any], label: str, example: str) -> dict[str, Any]:
    """Return a declared schema (`ngay`'s forms) with each typed form's message in Vietnamese."""
    hint = f" (ví dụ: {example})" if example else ""
    out: dict[str, Any] = {}
    for name, value in schema.items():
        if name in ("anyOf", "oneOf"):
            out[name] = [_said(dict(branch), label, example) for branch in value]
        else:
            out[name] = value
    if "type" in out:
        out.setdefault("errorMessage", f"{label}: viết không đúng dạng{hint}")
    if "pattern" in out:
        out.setdefault("patternErrorMessage", f"{label}: viết không đúng dạng{hint}")
    return out
