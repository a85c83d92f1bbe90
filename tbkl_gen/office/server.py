"""Run LibreOffice for one batch or one drafting session: private profile, time limit, clean stop.

`Office` converts .docx files to PDF. With a Python that can speak UNO (see `locate`), one
LibreOffice is started on first use and stays warm: each later conversion is a request to it
(tens of milliseconds for a one-page notice), which is what a drafting page needs between
previews. Without one, a whole batch still costs one start: `soffice --convert-to pdf` is given
every file at once. Either way each `Office` has its own LibreOffice profile, so two runs at once
do not collide, a conversion that takes longer than the time limit is stopped and named, and
closing the `Office` leaves no LibreOffice process behind (its process group is killed if it does
not leave when asked).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tbkl_gen.errors import LibreOfficeMissing, NotReadable, OfficeFailed, OutputFailed, OutputLocked, WordFileRefused
from tbkl_gen.office.locate import find_uno_python, require_soffice
from tbkl_gen.office.pdf import MAX_PDF_BYTES
from tbkl_gen.files import copy_file, read_regular, write_file
from tbkl_gen.wordfile import MAX_FILE_BYTES, read_regular_file

DEFAULT_TIMEOUT = 120.0
"""Seconds one file may take before LibreOffice is stopped (a first start included); the
environment variable TIMEOUT_VARIABLE sets another (see `configured_timeout`)."""
TIMEOUT_VARIABLE = "TBKL_OFFICE_TIMEOUT"
_STOP_SECONDS = 10.0
_WORKER = Path(__file__).with_name("uno_worker.py")
# `--convert-to` filter options in LibreOffice's JSON form (7.4+): 2 selects PDF/A-2b.
_PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},"UseTaggedPDF":{"type":"boolean","value":"true"}}'


@dataclass(frozen=True)
class Conversion:
    """One .docx to PDF: written when error is None, else why not (Vietnamese)."""

    source: Path
    target: Path
    error: str | None = None


def _new_session() -> dict[str, Any]:
    """Return Popen arguments that put a child in a process group of its own, to stop it whole."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def _kill_tree(process: subprocess.Popen[bytes]) -> None:
    """Stop process and every process it started (soffice starts soffice.bin under it)."""
    if sys.platform == "win32":
        if process.poll() is None:
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True)
    else:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    try:
        process.wait(timeout=_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()


def configured_timeout() -> float:
    """Return the seconds a conversion may take: $TBKL_OFFICE_TIMEOUT, else DEFAULT_TIMEOUT."""
    written = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    if not written:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(written.replace(",", "."))
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 24 * 3600:
        raise OfficeFailed(f"biến môi trường {TIMEOUT_VARIABLE} phải là số giây lớn hơn 0 (tối đa 86400), không phải “{written}”")
    return seconds


def _child_env() -> dict[str, str]:
    """Return our environment without what would point another Python at our packages."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}


class Office:
    """A LibreOffice of our own; use as a context manager so that it is always stopped."""

    def __init__(
        self,
        *,
        timeout: float | None = None,
        warm: bool = True,
        what: str = "xuất PDF",
        placed: Callable[[], None] | None = None,
    ) -> None:
        self.soffice = require_soffice(what)
        self._placed = placed
        """Called after each PDF is written into place (the tests pause there)."""
        self.timeout = configured_timeout() if timeout is None else timeout
        self.uno_python = find_uno_python(self.soffice) if warm else None
        self._root = Path(tempfile.mkdtemp(prefix="tbkl-office-"))
        self._office: subprocess.Popen[bytes] | None = None
        self._worker: subprocess.Popen[bytes] | None = None
        self._replies: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._count = 0
        self.starts = 0
        """How many times LibreOffice was started (benchmarks and tests read it)."""

    @property
    def warm(self) -> bool:
        return self.uno_python is not None

    def __enter__(self) -> Office:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def profile(self) -> Path:
        return self._root / "profile"

    def _office_args(self) -> list[str]:
        return [
            str(self.soffice),
            f"-env:UserInstallation={self.profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            "--nolockcheck",
        ]

    # --- warm: one LibreOffice, requests through UNO ----------------------------------------

    def _start(self) -> None:
        pipe = f"tbkl-{os.getpid()}-{secrets.token_hex(6)}"
        self.starts += 1
        self._office = subprocess.Popen(
            [*self._office_args(), f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **_new_session(),
        )
        log = open(self._root / "worker.log", "ab")  # noqa: SIM115 - the child keeps it
        try:
            self._worker = subprocess.Popen(
                [str(self.uno_python), str(_WORKER), pipe],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                env=_child_env(),
                **_new_session(),
            )
        finally:
            log.close()
        self._replies = queue.Queue()
        threading.Thread(target=self._read_replies, args=(self._worker, self._replies), daemon=True).start()
        reply = self._reply(self.timeout)
        if not (reply and reply.get("ready")):
            detail = self._worker_log()
            self._stop(kill=True)
            if reply and reply.get("timeout"):
                raise OfficeFailed(f"LibreOffice ({self.soffice}) chưa khởi động xong sau {self.timeout:g} giây nên đã bị dừng")
            raise OfficeFailed(f"không khởi động được LibreOffice ({self.soffice})" + (f": {detail}" if detail else ""))

    @staticmethod
    def _read_replies(worker: subprocess.Popen[bytes], replies: queue.Queue[dict[str, Any] | None]) -> None:
        try:
            for line in worker.stdout or ():
                try:
                    replies.put(json.loads(line))
                except ValueError:
                    continue
        except (OSError, ValueError):  # the pipe was closed under it (a signal stopped the Office): the end all the same
            pass
        replies.put(None)

    def _reply(self, timeout: float) -> dict[str, Any] | None:
        try:
            return self._replies.get(timeout=timeout)
        except queue.Empty:
            return {"timeout": True}

    def _worker_log(self) -> str:
        try:
            lines = (self._root / "worker.log").read_text(encoding="utf-8", errors="replace").strip().splitlines()
        except OSError:
            return ""
        return lines[-1] if lines else ""

    def _convert_warm(self, source: Path, target: Path, pdfa: bool) -> Conversion:
        if self._worker is None or self._worker.poll() is not None:
            self._stop(kill=True)
            self._start()
        self._count += 1
        produced = self._root / f"{self._count}.pdf"
        request = {"convert": str(source.resolve()), "to": str(produced), "pdfa": pdfa}
        worker = self._worker
        try:
            if worker is None or worker.stdin is None:  # _start raises rather than leave none
                raise OSError("no worker")
            worker.stdin.write((json.dumps(request) + "\n").encode("utf-8"))
            worker.stdin.flush()
        except OSError:
            self._stop(kill=True)
            return Conversion(source, target, "LibreOffice đã dừng giữa chừng")
        reply = self._reply(self.timeout)
        if reply is None:
            self._stop(kill=True)
            return Conversion(source, target, "LibreOffice đã dừng giữa chừng")
        if reply.get("timeout"):
            self._stop(kill=True)  # the next file gets a fresh LibreOffice
            return Conversion(source, target, _timeout_message(self.timeout))
        if not reply.get("ok"):  # LibreOffice's own words are English: the same message as the cold route
            return Conversion(source, target, "LibreOffice không mở được tệp này")
        return self._place(source, produced, target)

    # --- cold: one `soffice --convert-to` for the whole batch -------------------------------

    def _convert_cold(self, pairs: list[tuple[Path, Path]], pdfa: bool) -> list[Conversion]:
        work = self._root / f"batch-{self._count}"
        self._count += 1
        inbox, outbox = work / "in", work / "out"
        inbox.mkdir(parents=True)
        outbox.mkdir()
        for index, (source, _) in enumerate(pairs):
            copy_file(source, inbox / f"{index}.docx", MAX_FILE_BYTES)  # unique names: one --outdir for all
        results: dict[int, Conversion] = {}
        pending = list(range(len(pairs)))
        while pending:
            self.starts += 1
            process = subprocess.Popen(
                [*self._office_args(), "--convert-to", _PDFA_FILTER if pdfa else "pdf", "--outdir", str(outbox)]
                + [str(inbox / f"{index}.docx") for index in pending],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                **_new_session(),
            )
            hung = self._watch(process, [outbox / f"{index}.pdf" for index in pending])
            rest = []
            for position, index in enumerate(pending):
                source, target = pairs[index]
                produced = outbox / f"{index}.pdf"
                if hung is not None and position > hung:
                    rest.append(index)
                elif hung is not None and position == hung:
                    results[index] = Conversion(source, target, _timeout_message(self.timeout))
                elif produced.is_file():
                    results[index] = self._place(source, produced, target)
                else:
                    results[index] = Conversion(source, target, "LibreOffice không mở được tệp này")
            pending = rest
        return [results[index] for index in range(len(pairs))]

    def _watch(self, process: subprocess.Popen[bytes], outputs: list[Path]) -> int | None:
        """Wait for process; return the position of the file it hung on, or None if it finished."""
        done = 0
        last_progress = time.monotonic()
        while process.poll() is None:
            while done < len(outputs) and outputs[done].is_file():
                done += 1
                last_progress = time.monotonic()
            if time.monotonic() - last_progress > self.timeout:
                _kill_tree(process)
                return min(done, len(outputs) - 1)
            time.sleep(0.05)
        _kill_tree(process)  # a helper process may outlive soffice's own exit
        return None

    # --- one document to another format (an old .doc to .docx for the importer) ------------------

    def convert_document(self, data: bytes, suffix: str, to: str) -> Path:
        """Write data under a plain name with suffix, convert it with `soffice --convert-to to`, and
        return the file produced (inside this Office's folder, gone when it closes).

        Raise OfficeFailed when LibreOffice cannot start, takes longer than the time limit (then its
        whole process group is stopped: soffice starts soffice.bin and helpers under it), or
        produces nothing.
        """
        self._count += 1
        work = self._root / f"document-{self._count}"
        work.mkdir()
        source = work / f"input{suffix}"  # a plain name: some names (leading dashes) confuse soffice's command line
        with open(source, "xb") as handle:
            handle.write(data)
        self.starts += 1
        try:
            process = subprocess.Popen(
                [*self._office_args(), "--convert-to", to, "--outdir", str(work), str(source)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env={**_child_env(), "HOME": str(self._root)},
                **_new_session(),
            )
        except OSError as exc:
            raise OfficeFailed(f"không chạy được LibreOffice ({self.soffice}): {exc.strerror or exc}") from None
        try:
            process.wait(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            _kill_tree(process)
            raise OfficeFailed(f"LibreOffice chưa chuyển xong sau {self.timeout:g} giây nên đã bị dừng") from None
        _kill_tree(process)  # a helper process may outlive soffice's own exit
        produced = source.with_suffix(f".{to.split(':', 1)[0]}")
        if not produced.is_file():
            raise OfficeFailed("LibreOffice không chuyển được tệp (tệp hỏng hoặc không phải văn bản Word)")
        return produced

    # --- both ----------------------------------------------------------------------------------

    def _place(self, source: Path, produced: Path, target: Path) -> Conversion:
        try:
            write_file(target, read_regular(produced, MAX_PDF_BYTES, follow_links=False))
        except (OutputLocked, OutputFailed) as exc:
            return Conversion(source, target, str(exc).split(": ", 1)[-1])
        except NotReadable as exc:
            return Conversion(source, target, f"LibreOffice không ghi được PDF ({exc.reason})")
        finally:
            produced.unlink(missing_ok=True)
        if self._placed is not None:
            self._placed()
        return Conversion(source, target)

    def convert(self, pairs: list[tuple[Path, Path]], *, pdfa: bool = False) -> list[Conversion]:
        """Convert each (source .docx, target .pdf); every target is replaced whole or not at all."""
        if not pairs:
            return []
        if not self.warm:
            return self._convert_cold(pairs, pdfa)
        return [self._convert_warm(source, target, pdfa) for source, target in pairs]

    def _stop(self, *, kill: bool = False) -> None:
        worker, office = self._worker, self._office
        self._worker = self._office = None
        if worker is not None:
            try:
                if worker.stdin is not None:
                    worker.stdin.close()  # the worker asks LibreOffice to quit, then leaves
            except OSError:
                pass
        if office is not None:
            if not kill:
                try:
                    office.wait(timeout=_STOP_SECONDS)
                except subprocess.TimeoutExpired:
                    pass
            _kill_tree(office)
        if worker is not None:
            if not kill:
                try:
                    worker.wait(timeout=_STOP_SECONDS)
                except subprocess.TimeoutExpired:
                    pass
            _kill_tree(worker)
            if worker.stdout is not None:
                worker.stdout.close()

    def close(self) -> None:
        """Stop LibreOffice and remove the profile; safe to call twice."""
        self._stop()
        shutil.rmtree(self._root, ignore_errors=True)


def _timeout_message(seconds: float) -> str:
    return f"LibreOffice chưa xuất xong sau {seconds:g} giây nên đã bị dừng (tệp có thể hỏng hoặc quá lớn)"


def doc_as_docx(path: Path, stack: contextlib.ExitStack[Any]) -> Path:
    """Convert an old Word .doc at path into a .docx with LibreOffice; return the .docx, which lives
    until stack closes (with the LibreOffice profile it was made in). `tbkl import` and
    `tbkl check --docx` read a .doc through it.

    The .doc is read once, within the size limit of every Word file (tbkl_gen.wordfile), before
    LibreOffice is even looked for: a 2 GB file is refused by its size, unread and uncopied.
    Raise WordFileRefused (the reason in Vietnamese) when LibreOffice is missing or fails.
    """
    data = read_regular_file(path, MAX_FILE_BYTES)
    try:
        office = stack.enter_context(Office(warm=False, what="đọc tệp .doc"))
        return office.convert_document(data, ".doc", "docx")
    except LibreOfficeMissing:
        raise WordFileRefused(
            path, "cần LibreOffice (soffice) để đọc tệp .doc; hãy cài LibreOffice hoặc lưu tệp thành .docx trong Word"
        ) from None
    except OfficeFailed as exc:
        raise WordFileRefused(path, str(exc)) from None
