"""tbkl-gen: Vietnamese conclusion notices (Thông báo kết luận) from YAML to ND30-correct Word files.

The pipeline, one module a step: `load` (YAML → plain data with places), `shape` (plain data →
`notice.Notice` under the rules of `model`, or Vietnamese messages), `validate` (notice → problems), `layout` (notice → numbered paragraphs), `render` (layout +
Word template → document parts), `write` (parts → reproducible .docx, written atomically).
`batch` runs the pipeline over many notices; `cli` is the thin command-line entry.
"""

__version__ = "0.1.0"
