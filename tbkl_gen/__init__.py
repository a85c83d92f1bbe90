"""tbkl-gen: Vietnamese conclusion notices (Thông báo kết luận) from YAML to ND30-correct Word files.

`pipeline.run` takes one notice from its text to its problems and its .docx: `source` (YAML →
data with places → the `notice`), `validate` (the decree's checks, from `nd30`), `word` (layout,
sandboxed template, reproducible zip). `audit` holds any .docx to the decree, `importer` reads one
back into a source, `office` drives LibreOffice, `commands` runs them over many files and `cli`
is the thin command line. See docs/architecture.md.
"""

__version__ = "0.1.0"
