"""Repair what Word or LibreOffice changes in a template's package when an office re-saves it.

An office copies a built-in template, changes a font or the logo and saves it. Besides the tags
(template_tags.repair_tags), the editor rewrites the package in two ways that would silently
spoil every notice:

- LibreOffice gives each style a new id made from its name ("TB Đường kẻ" becomes "TBngk"), so the
  paragraphs tbkl writes itself (the lines under the issuing body and the subject, the urgency
  box, footnotes) would name a style the template no longer has: no line, no box, plain notes.
  The styles keep their names, so each id tbkl writes is given back to the style of that name.
- LibreOffice leaves out the footnotes part of a document that has no footnote yet, so a notice
  with footnotes would lose them. The part is added back, with its relationship and content type.

Only the parts that change are returned; a template as tbkl builds it has nothing to repair.
"""

from __future__ import annotations

import re
from tbkl_gen.nd30.patterns import lazy

# The styles that tbkl's own markup names by id (tbkl_gen.word.wordml, the closing block), by
# the name each carries in the built-in templates (compared without case, as Word does).
STYLE_IDS_BY_NAME = {
    "tb đường kẻ": "TBDuongKe",
    "tb độ khẩn": "TBKhan",
    "tb khoảng cách": "TBKhoangCach",
    "tb kính gửi": "TBKinhGui",
    "tb kính gửi mục": "TBKinhGuiMuc",
    "footnote text": "FootnoteText",
    "footnote reference": "FootnoteReference",
}

_STYLE = lazy(r'<w:style\b[^>]*?\bw:styleId="([^"]*)"[^>]*>\s*<w:name\s+w:val="([^"]*)"')
_STYLE_ID = lazy(r'(\bw:styleId=")([^"]*)(")')
_STYLE_REFERENCE = lazy(r'(<w:(?:pStyle|rStyle|tblStyle|basedOn|next|link|numStyleLink|styleLink)\s+w:val=")([^"]*)(")')

FOOTNOTES = "word/footnotes.xml"
_RELATIONSHIPS = "word/_rels/document.xml.rels"
_CONTENT_TYPES = "[Content_Types].xml"
_FOOTNOTES_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_FOOTNOTES_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
# The separators Word expects in every footnotes part, as the built-in templates have them.
EMPTY_FOOTNOTES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:separator/></w:r></w:p></w:footnote>"
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:continuationSeparator/></w:r></w:p></w:footnote></w:footnotes>"
)


def repaired_package(parts: dict[str, bytes]) -> dict[str, bytes]:
    """Return the parts of a template that the repair replaces or adds, by name."""
    changed: dict[str, bytes] = {}
    renames = style_renames(parts.get("word/styles.xml", b"").decode("utf-8", "replace"))
    if renames:
        for name, blob in parts.items():
            if name.startswith("word/") and name.endswith(".xml"):
                xml = blob.decode("utf-8")
                renamed = _renamed(xml, renames, name == "word/styles.xml")
                if renamed != xml:
                    changed[name] = renamed.encode("utf-8")
    changed.update(_footnotes_added(parts))
    return changed


def style_renames(styles_xml: str) -> dict[str, str]:
    """Return {id in the template: id tbkl writes} for the styles tbkl names whose id was changed."""
    ids = {match.group(1) for match in _STYLE.finditer(styles_xml)}
    renames: dict[str, str] = {}
    for match in _STYLE.finditer(styles_xml):
        wanted = STYLE_IDS_BY_NAME.get(match.group(2).casefold())
        if wanted is not None and match.group(1) != wanted and wanted not in ids and wanted not in renames.values():
            renames[match.group(1)] = wanted
    return renames


def _renamed(xml: str, renames: dict[str, str], is_styles: bool) -> str:
    """Return xml with each renamed style id replaced where a style is defined or referred to."""

    def rename(match: re.Match[str]) -> str:
        return match.group(1) + renames.get(match.group(2), match.group(2)) + match.group(3)

    xml = _STYLE_REFERENCE.sub(rename, xml)
    return _STYLE_ID.sub(rename, xml) if is_styles else xml


def _footnotes_added(parts: dict[str, bytes]) -> dict[str, bytes]:
    """Return the footnotes part, relationship and content type when the template has none."""
    relationships = parts.get(_RELATIONSHIPS)
    types = parts.get(_CONTENT_TYPES)
    if FOOTNOTES in parts or relationships is None or types is None or _FOOTNOTES_TYPE.encode() in relationships:
        return {}
    ids = set(re.findall(rb'\bId="([^"]*)"', relationships))
    new_id = next(f"rIdTbkl{n}" for n in range(1, len(ids) + 2) if f"rIdTbkl{n}".encode() not in ids)
    relationship = f'<Relationship Id="{new_id}" Type="{_FOOTNOTES_TYPE}" Target="footnotes.xml"/>'.encode()
    override = f'<Override PartName="/{FOOTNOTES}" ContentType="{_FOOTNOTES_CONTENT_TYPE}"/>'.encode()
    if b"</Relationships>" not in relationships or b"</Types>" not in types:
        return {}
    return {
        FOOTNOTES: EMPTY_FOOTNOTES.encode("utf-8"),
        _RELATIONSHIPS: relationships.replace(b"</Relationships>", relationship + b"</Relationships>", 1),
        _CONTENT_TYPES: types.replace(b"</Types>", override + b"</Types>", 1),
    }
