"""WordprocessingML snippets for what a template cannot hold as literal text.

The runs of a body paragraph (emphasis and footnote references), the footnotes, and the lines
whose length depends on the notice (under the issuing body and under the summary) are produced
here as XML strings, with every piece of drafter text escaped. Styles come from the template, so
an office that restyles "TB Đường kẻ" or "TB Nội dung" in Word changes what we produce too.
"""

from __future__ import annotations

from collections.abc import Iterable

from tbkl_gen.word.layout import Footnote, Span

TWIPS_PER_MM = 1440 / 25.4
ADDRESSEE_SPACE_AFTER = 120
"""The space after the "Kính gửi" block, in twips: what the built-in style TB Kính gửi has after its line."""


def escape(text: str) -> str:
    """Escape text for an XML element (what xml.sax.saxutils.escape does, without its imports)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def runs(spans: Iterable[Span]) -> str:
    """Return the runs of spans: bold and italic as direct formatting, footnotes as references."""
    out = []
    for span in spans:
        if span.footnote is not None:
            out.append(f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="{span.footnote}"/></w:r>')
            continue
        props = ("<w:b/><w:bCs/>" if span.bold else "") + ("<w:i/><w:iCs/>" if span.italic else "")
        props_xml = f"<w:rPr>{props}</w:rPr>" if props else ""
        out.append(f'<w:r>{props_xml}<w:t xml:space="preserve">{escape(span.text)}</w:t></w:r>')
    return "".join(out)


def broken_lines(lines: Iterable[str], size_pt: int | None = None) -> str:
    """Return runs of lines joined by line breaks: one paragraph, broken where the drafter chose;
    size_pt, when given, sets the runs' size over the paragraph's style."""
    props = f'<w:rPr><w:sz w:val="{size_pt * 2}"/><w:szCs w:val="{size_pt * 2}"/></w:rPr>' if size_pt else ""
    return "<w:r><w:br/></w:r>".join(f'<w:r>{props}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>' for line in lines)


def footnote(note: Footnote) -> str:
    """Return one w:footnote element for the footnotes part."""
    return (
        f'<w:footnote w:id="{note.id}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
        '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> </w:t></w:r>{runs(note.spans)}</w:p></w:footnote>'
    )


def centred_line(style: str, length_mm: float, width_twips: int) -> str:
    """Return an empty paragraph whose bottom border draws a centred line of length_mm."""
    indent = max(0, round((width_twips - length_mm * TWIPS_PER_MM) / 2))
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/><w:ind w:left="{indent}" w:right="{indent}"/></w:pPr></w:p>'


def boxed(style: str, text: str, width_mm: float, column_twips: int) -> str:
    """Return a paragraph framed by its borders, width_mm wide, centred in its column."""
    indent = max(0, round((column_twips - width_mm * TWIPS_PER_MM) / 2))
    return (
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/><w:ind w:left="{indent}" w:right="{indent}"/></w:pPr>'
        f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
    )


def addressees(lines: tuple[str, ...], indents_mm: tuple[float, float, float], styles: tuple[str, str], after_twips: int) -> str:
    """Return the "Kính gửi" paragraphs: one centred line, or the head and the list under its colon.

    lines are printed lines (`Layout.kinh_gui_dong`), indents_mm the head's and the list's left
    indents and the dash's width (`Layout.kinh_gui_indents_in`), styles the head's and the items',
    after_twips the space after the block.
    """
    if not lines:
        return ""
    head_style, item_style = styles
    if len(lines) == 1:
        # Centred also where a template made before ô 9a lacks the style: the decree centres it.
        return (
            f'<w:p><w:pPr><w:pStyle w:val="{head_style}"/><w:jc w:val="center"/></w:pPr>'
            f'<w:r><w:t xml:space="preserve">{escape(lines[0])}</w:t></w:r></w:p>'
        )
    head, items, dash = (round(value * TWIPS_PER_MM) for value in indents_mm)
    out = [
        f'<w:p><w:pPr><w:pStyle w:val="{head_style}"/><w:keepNext/><w:spacing w:after="0"/>'
        f'<w:ind w:left="{head}" w:firstLine="0"/><w:jc w:val="left"/></w:pPr>'
        f'<w:r><w:t xml:space="preserve">{escape(lines[0])}</w:t></w:r></w:p>'
    ]
    for index, line in enumerate(lines[1:], start=1):
        # The list keeps together, and the space after the block is the head's, as after one line.
        keep = "<w:keepNext/>" if index < len(lines) - 1 else f'<w:spacing w:after="{after_twips}"/>'
        out.append(
            f'<w:p><w:pPr><w:pStyle w:val="{item_style}"/>{keep}<w:ind w:left="{items + dash}" w:hanging="{dash}"/></w:pPr>'
            f'<w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>'
        )
    return "".join(out)
