"""Convert Word files to PDF in a LibreOffice that stays running: the UNO side of `office.server`.

Run by a Python that can `import uno` (LibreOffice's own on Windows and in the official Linux
builds, Debian's python3-uno elsewhere), never imported by tbkl itself: it must not import
tbkl_gen. It connects to a LibreOffice started by tbkl with `--accept=pipe,name=…`, then answers
one JSON request a line on standard input with one JSON line on standard output:

    {"convert": "/abs/in.docx", "to": "/abs/out.pdf", "pdfa": false}  →  {"ok": true}
                                                                       or {"ok": false, "error": "…"}

End of input (tbkl closed the pipe or died) terminates LibreOffice and exits.
"""

import json
import sys
import time
from typing import Any

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

CONNECT_SECONDS = 60
# LibreOffice's values for FilterData "SelectPdfVersion": 0 is plain PDF, 2 is PDF/A-2b.
PDF_PLAIN, PDF_A2B = 0, 2


def _prop(name: str, value: Any) -> Any:
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _connect(pipe: str) -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            context = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        except NoConnectException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _convert(desktop: Any, source: str, target: str, pdfa: bool) -> None:
    # A Word file is data: never run its macros (MacroExecutionMode NEVER_EXECUTE) nor update its
    # links (UpdateDocMode NO_UPDATE).
    load = (_prop("Hidden", True), _prop("ReadOnly", True), _prop("MacroExecutionMode", 0), _prop("UpdateDocMode", 0))
    document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, load)
    if document is None:
        raise RuntimeError("LibreOffice could not open the file")
    try:
        options = (_prop("SelectPdfVersion", PDF_A2B if pdfa else PDF_PLAIN), _prop("UseTaggedPDF", bool(pdfa)))
        filter_data = uno.Any("[]com.sun.star.beans.PropertyValue", options)
        store = (_prop("FilterName", "writer_pdf_Export"), _prop("FilterData", filter_data))
        uno.invoke(document, "storeToURL", (uno.systemPathToFileUrl(target), store))
    finally:
        document.close(True)


def main() -> None:
    desktop = _connect(sys.argv[1])
    print(json.dumps({"ok": True, "ready": True}), flush=True)
    try:
        for line in sys.stdin:
            request = json.loads(line)
            try:
                _convert(desktop, request["convert"], request["to"], request.get("pdfa", False))
                reply: dict[str, object] = {"ok": True}
            except Exception as error:  # reported to tbkl, which names the file
                reply = {"ok": False, "error": "%s: %s" % (type(error).__name__, getattr(error, "Message", "") or error)}
            print(json.dumps(reply), flush=True)
    finally:
        try:
            desktop.terminate()
        except Exception:  # LibreOffice already gone: nothing to stop
            pass


if __name__ == "__main__":
    main()
