"""The pydantic model of a notice source, generated from the declaration in `model`.

Well-formed sources skip pydantic altogether (`model.from_data`); this module is imported only to
explain a mistake (its refusals become Vietnamese messages in `source.shape`) or to write the
JSON Schema. One pydantic model is made per declared class, with the class's docstring, and the
fields' types, defaults, rules and descriptions; `to_notice` turns a validated model back into the
plain notice object.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, create_model

from tbkl_gen.notice import fields as declaration
from tbkl_gen.notice import model as plain

_CONFIG = ConfigDict(extra="forbid", strict=True, frozen=True)


def _as_list(value: Any) -> Any:
    """Accept one line written as a string where a list of lines is expected."""
    return [value] if isinstance(value, str) else value


def _tag_of(members: dict[str, type]) -> Any:
    numbers_as_text = "o" in members  # a table cell: `- [1, Kiểm tra]` is read as the text "1" (source.explain)

    def tag(value: Any) -> str | None:
        if isinstance(value, str):
            return "doan"
        if numbers_as_text and isinstance(value, int | float) and not isinstance(value, bool):
            return "doan"
        if isinstance(value, dict):
            present = [key for key in members if key in value]
            return present[0] if len(present) == 1 else None
        if isinstance(value, BaseModel):
            return next((key for key in members if hasattr(value, key)), None)
        return None

    return tag


class _Models:
    """The pydantic models of a document's declared classes, made once."""

    def __init__(self, root: type) -> None:
        self.by_class: dict[type, type[BaseModel]] = {}
        self.unions: dict[Any, str] = {}
        """The name each union of blocks goes by while the models holding it are made."""
        self.union_types: dict[str, Any] = {}
        names: dict[str, Any] = {}
        # Fields name the models they hold (a block holds blocks), resolved once all exist.
        for cls in declaration.classes_under(root):
            fields: dict[str, Any] = {
                key.name: (self._annotation(key.type, key.spec), self._field(key))
                for key in declaration.declared(cls)
                if not key.source_only
            }
            self.by_class[cls] = create_model(cls.__name__, __config__=_CONFIG, __doc__=cls.__doc__, __module__=__name__, **fields)
        names.update((cls.__name__, model) for cls, model in self.by_class.items())
        names.update(self.union_types)
        for model in self.by_class.values():
            model.model_rebuild(_types_namespace=names)
        _PLAIN.update((model, cls) for cls, model in self.by_class.items())

    def _field(self, key: declaration.Declared) -> Any:
        about = key.spec
        rules: dict[str, Any] = {"description": about.doc}
        for name in ("min_length", "ge", "le"):
            if getattr(about, name) is not None:
                rules[name] = getattr(about, name)
        if key.required:
            return Field(**rules)
        if isinstance(key.default, tuple):
            return Field(default_factory=list, **rules)
        return Field(default=key.default, **rules)

    def _annotation(self, tp: Any, about: declaration.Spec) -> Any:
        inner = declaration.optional_of(tp)
        if inner is not None:
            annotation: Any = Union[self._plain(inner, about), None]
        else:
            annotation = self._plain(tp, about)
        if about.parse is not None:
            annotation = Annotated[annotation, BeforeValidator(about.parse)]
        return annotation

    def _plain(self, tp: Any, about: declaration.Spec) -> Any:
        item = declaration.item_of(tp)
        if item is not None:
            annotation: Any = list[self._item(item)]  # type: ignore[misc]
            return Annotated[annotation, BeforeValidator(_as_list)] if about.lines else annotation
        if declaration.is_declared(tp):
            return tp.__name__
        if tp in (str, int, bool, dt.date) or declaration.literal_of(tp) is not None:
            return tp
        raise TypeError(f"no pydantic type for the declared type {tp!r}")

    def _item(self, item: Any) -> Any:
        members = declaration.tagged_members(item)
        if members is None:
            return self._plain(item, declaration.Spec(""))
        name = self.unions.get(item)
        if name is None:
            name = self.unions[item] = f"_Union{len(self.unions)}"
            tagged = [Annotated[str, Tag("doan")], *(Annotated[member.__name__, Tag(tag)] for tag, member in members.items())]
            self.union_types[name] = Annotated[Union[tuple(tagged)], Discriminator(_tag_of(members))]
        return name


_PLAIN: dict[type[BaseModel], type] = {}
_MODELS: dict[type, _Models] = {}


def model_for(document: type) -> type[BaseModel]:
    """Return the pydantic model of a declared document (`model.Notice`), made on first use."""
    models = _MODELS.get(document)
    if models is None:
        models = _MODELS[document] = _Models(document)
    return models.by_class[document]


Notice = model_for(plain.Notice)
"""The pydantic model of a whole notice source."""


def to_notice(value: Any) -> Any:
    """Return the plain document object (`model.Notice`) for a validated model, recursively."""
    if isinstance(value, BaseModel):
        plain_class = _PLAIN[type(value)]
        return plain_class(**{name: to_notice(getattr(value, name)) for name in type(value).model_fields})
    if isinstance(value, list):
        return tuple(to_notice(item) for item in value)
    return value
