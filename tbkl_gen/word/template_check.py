"""Checks on the Word templates an office keeps in its workspace (`tbkl check`).

An office edits its template in Word. Two things go wrong: a variable that the template contract
does not offer (a typo, or a name from another tool), and a jinja tag that Word has split across
several runs (typing inside a tag, spell-checking, a change of formatting mid-tag). docxtpl joins
split tags again, but a tag split across paragraphs or carrying formatting in the middle renders
wrongly, so we warn and say which paragraph to retype.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from tbkl_gen.errors import Place, Problem, Severity

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARTS = re.compile(r"^word/(document|header\d*|footer\d*)\.xml$")
_TAG = re.compile(r"\{[{%#].*?[}%#]\}", re.DOTALL)
# Names a template may use besides the contract: loop variables of the built-in templates and
# jinja's own.
_LOCAL_NAMES = {"dong", "doan", "muc", "loop", "range", "true", "false", "none"}


def check_workspace_templates(folder: Path) -> Iterator[Problem]:
    """Yield problems of each template in a workspace's templates/ folder."""
    if not folder.is_dir():
        return
    for template in sorted(folder.glob("*.docx")):
        if template.name.startswith("~$"):  # Word's lock file while the template is open
            continue
        yield from check_template(template)


def check_template(path: Path) -> Iterator[Problem]:
    """Yield the problems of one Word template: unreadable, split tags, unknown variables."""
    from lxml import etree

    try:
        with zipfile.ZipFile(path) as package:
            parts = {name: package.read(name) for name in package.namelist() if _PARTS.match(name)}
    except (OSError, zipfile.BadZipFile) as exc:
        yield Problem(Place(path), f"không mở được mẫu Word ({exc.__class__.__name__})", code="template")
        return
    for name, blob in sorted(parts.items()):
        try:
            root = etree.fromstring(blob)
        except etree.XMLSyntaxError:
            yield Problem(Place(path, field=name), "phần XML của mẫu bị hỏng", code="template")
            continue
        for number, paragraph in enumerate(root.iter(f"{W}p"), start=1):
            runs = ["".join(t.text or "" for t in run.iter(f"{W}t")) for run in paragraph.iter(f"{W}r")]
            text = "".join(runs)
            for match in _TAG.finditer(text):
                if not any(match.group() in run for run in runs):
                    yield Problem(
                        Place(path, field=f"{name}, đoạn {number}"),
                        f"thẻ “{match.group()}” bị Word tách thành nhiều đoạn định dạng",
                        Severity.WARNING,
                        "xóa thẻ rồi gõ lại liền một lần, không đổi định dạng giữa thẻ",
                        "split_tag",
                    )
    yield from _unknown_variables(path)


def _unknown_variables(path: Path) -> Iterator[Problem]:
    import jinja2
    from jinja2 import meta

    from tbkl_gen.errors import TemplateBroken
    from tbkl_gen.word.render import CONTRACT, PreparedTemplate, make_environment

    try:
        prepared = PreparedTemplate(path)
    except TemplateBroken as exc:
        yield Problem(Place(path), exc.detail, code="template")
        return
    environment = make_environment()
    for name in sorted(prepared.compiled):
        source = prepared.sources[name]
        try:
            names = meta.find_undeclared_variables(environment.parse(source))
        except jinja2.TemplateSyntaxError as exc:  # already compiled once; kept for safety
            yield Problem(Place(path, field=name), f"thẻ jinja sai cú pháp: {exc.message}", code="template")
            continue
        for unknown in sorted(names - set(CONTRACT) - _LOCAL_NAMES):
            yield Problem(
                Place(path, field=name),
                f"mẫu dùng biến “{unknown}” không có trong hợp đồng mẫu",
                Severity.WARNING,
                "các biến có: " + ", ".join(sorted(CONTRACT)),
                "unknown_variable",
            )
