"""A minimal Language Server Protocol client over stdio, for tests: `tbkl lsp` and yaml-language-server.

JSON-RPC framed by hand (Content-Length headers). A reader thread puts every message of the
server in a queue, so waiting for a notification (diagnostics are pushed when the server is
ready) has a timeout instead of blocking forever; requests of the server are answered
(`workspace/configuration` with the settings given, anything else with null).
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any

TIMEOUT = 120.0
"""Seconds to wait for one answer: generous, for a loaded machine; never reached when all is well."""


class Client:
    def __init__(self, command: list[str], root: Path, settings: dict[str, Any] | None = None) -> None:
        self.process = subprocess.Popen(command, cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.settings = settings or {}
        self.next_id = 0
        self.notifications: list[dict[str, Any]] = []
        self.seen: dict[str, int] = {}
        """Per document, the number of diagnostics publications before its last open or change."""
        self.incoming: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        capabilities = {
            "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": True}},
            "textDocument": {
                "completion": {"completionItem": {"snippetSupport": True, "documentationFormat": ["markdown", "plaintext"]}},
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "publishDiagnostics": {},
                "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix"]}}},
            },
        }
        self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "capabilities": capabilities,
            },
        )
        self.notify("initialized", {})
        if settings:
            self.notify("workspace/didChangeConfiguration", {"settings": settings})

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                header = stream.readline()
                if not header:
                    self.incoming.put(None)
                    return
                if header in (b"\r\n", b"\n"):
                    break
                name, _, value = header.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if length is None:
                continue
            self.incoming.put(json.loads(stream.read(length)))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def _next(self) -> dict[str, Any]:
        message = self.incoming.get(timeout=TIMEOUT)
        assert message is not None, "the server closed its output"
        if "method" in message and "id" in message:  # a request of the server
            result: Any = None
            if message["method"] == "workspace/configuration":
                result = [self._setting(item.get("section")) for item in message["params"]["items"]]
            self.send({"id": message["id"], "result": result})
        elif "method" in message:
            self.notifications.append(message)
        return message

    def _setting(self, section: str | None) -> Any:
        value: Any = self.settings
        for part in (section or "").split(".") if section else []:
            value = value.get(part) if isinstance(value, dict) else None
        return value

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self.next_id += 1
        wanted = self.next_id
        self.send({"id": wanted, "method": method, "params": params})
        while True:
            message = self._next()
            if message.get("id") == wanted and "method" not in message:
                assert "error" not in message, message
                return message.get("result")

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self.send({"method": method, "params": params})

    def open(self, path: Path, text: str | None = None, version: int = 1) -> str:
        uri = path.resolve().as_uri()
        content = text if text is not None else path.read_text("utf-8")
        self.seen[uri] = self.publications(uri)
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": version, "text": content}})
        return uri

    def change(self, uri: str, text: str, version: int) -> None:
        self.seen[uri] = self.publications(uri)
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]})

    def diagnostics(self, uri: str) -> list[dict[str, Any]]:
        """Return the diagnostics published for uri after its last open or change."""
        return self.wait_diagnostics(uri, self.seen.get(uri, 0))

    def published(self, uri: str) -> list[dict[str, Any]] | None:
        found = [n["params"] for n in self.notifications if n["method"] == "textDocument/publishDiagnostics" and n["params"]["uri"] == uri]
        return list(found[-1]["diagnostics"]) if found else None

    def wait_diagnostics(self, uri: str, seen: int = 0) -> list[dict[str, Any]]:
        """Return the diagnostics published for uri after the first `seen` publications of it."""
        while True:
            found = [n for n in self.notifications if n["method"] == "textDocument/publishDiagnostics" and n["params"]["uri"] == uri]
            if len(found) > seen:
                return list(found[-1]["params"]["diagnostics"])
            self._next()

    def publications(self, uri: str) -> int:
        return sum(1 for n in self.notifications if n["method"] == "textDocument/publishDiagnostics" and n["params"]["uri"] == uri)

    def close(self) -> None:
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
            self.process.wait(timeout=30)
        except Exception:  # noqa: BLE001 - the process is ended below either way
            pass
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            for stream in (self.process.stdin, self.process.stdout):
                if stream is not None:
                    stream.close()
            self.reader.join(timeout=10)
