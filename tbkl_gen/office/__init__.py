"""LibreOffice, for PDF and page previews: found, started with a private profile, kept warm, stopped.

`locate` finds soffice and a Python that can speak UNO to it, and checks the fonts; `server` runs
one LibreOffice for a whole batch (warm through UNO when it can, else one `--convert-to` start)
with a time limit per file and a clean shutdown; `pdf` reads page counts and draws pages as PNG.
`uno_worker` is not imported: it is the script the UNO-capable Python runs.
"""
