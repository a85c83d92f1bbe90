"""Checks on the Word templates an office keeps in its workspace (`tbkl check`).

An office edits its template in Word, or receives one from another office. What goes wrong: a tag
that the sandbox refuses (a name or attribute outside the template contract, a forbidden
statement such as include), a tag left unclosed, an if or for without its end. Each is named by
the tag's text and where it sits (part, table cell, paragraph), as the user sees it in Word.
What the editor rewrote without the office knowing (a tag split across runs by typing inside it
or by spell-checking, `&quot;`, smart quotes, renamed style ids) is repaired when the template
is prepared, so it is not a problem to report.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from tbkl_gen.errors import Place, Problem, Severity, TemplateBroken


def check_workspace_templates(folder: Path) -> Iterator[Problem]:
    """Yield problems of each template in a workspace's templates/ folder."""
    if not folder.is_dir():
        return
    for template in sorted(folder.glob("*.docx")):
        if template.name.startswith("~$"):  # Word's lock file while the template is open
            continue
        yield from check_template(template)


def check_template(path: Path) -> Iterator[Problem]:
    """Yield the problems of one Word template: unsafe package, refused or unclosed tags, unbalanced blocks."""
    from tbkl_gen.word.render import CONTRACT, PreparedTemplate, read_template_package, template_problems

    try:
        _, parts = read_template_package(path)
    except TemplateBroken as exc:
        yield Problem(Place(path), exc.detail, code="template")
        return
    errors = 0
    for tag, reason in template_problems(parts):
        errors += 1
        shown = f"thẻ “{tag.shown}”: " if tag.text else ""
        hint = "các biến có: " + ", ".join(sorted(CONTRACT)) if "hợp đồng mẫu" in reason else ""
        yield Problem(Place(path, field=tag.where), shown + reason, Severity.ERROR, hint, "template")
    if errors:
        return
    try:  # what only compiling a whole part shows, such as an elif after the else
        PreparedTemplate(path)
    except TemplateBroken as exc:
        yield Problem(Place(path), exc.detail, code="template")
