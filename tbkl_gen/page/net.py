"""The page's defences on the wire: connection limits, time limits, body limits and a quiet log.

The page may serve a whole office's network, where anyone can open connections without the
token. uvicorn's h11 protocol times out only idle keep-alive connections after a response: a
connection that never finishes its request headers (or its body) would be held forever, and a
few hundred of them would use up the server's file descriptors. `GuardedH11Protocol` adds:

- a deadline for the request headers (`HEADER_TIMEOUT`), armed when a connection opens and again
  after each response; a connection that has not sent a whole request head by then is closed;
- a deadline for the request body (`BODY_TIMEOUT`) and a bound on its size (`MAX_BODY_BYTES`); a
  request answered before its body was read (refused without the token) has its connection closed;
- a bound on open connections (`MAX_CONNECTIONS`): when the page is full, the connection that has
  waited longest for its headers is closed to make room, so a drafter's request (which sends its
  headers at once) is still answered while slow connections hold the others.

`RateLimit` is a logging filter: at most `LOG_BURST` similar records per `LOG_INTERVAL` pass, then
one line says that the next ones are left out, and the first one after says how many were; no
record carries a traceback into the log.

Every limit is a constant here, in one place.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import HANDLED_SIGNALS

from tbkl_gen.wordfile import MAX_FILE_BYTES

# --- the limits ---------------------------------------------------------------------------------

# Seconds a connection may take to send a whole request head (the first line and the headers).
HEADER_TIMEOUT = 10.0
# Seconds a request may take to send its body once its headers are in (a 20 MB upload included).
BODY_TIMEOUT = 120.0
# Seconds an idle connection is kept open after a response, waiting for the next request.
KEEP_ALIVE_TIMEOUT = 5
# Open connections at most; beyond, the one waiting longest for its headers makes room.
MAX_CONNECTIONS = 256
# Requests handled at the same time at most (the page answers 503 beyond).
MAX_CONCURRENT_REQUESTS = 64
# Connections waiting in the operating system's queue before the server accepts them.
BACKLOG = 128
# File descriptors left for the server's own files (notices, LibreOffice, the log) under the system's limit.
RESERVED_FILES = 64
# Bytes of a request head at most (the first line and every header together).
MAX_HEADER_BYTES = 16 * 1024
# Bytes of a request body at most: the largest Word file the page imports, with room for its framing.
MAX_BODY_BYTES = MAX_FILE_BYTES + 1024 * 1024
# Seconds the server waits for running requests when it is stopped (Ctrl-C, SIGTERM).
SHUTDOWN_TIMEOUT = 3
# Similar log records let through per interval (seconds), before the rest are counted only.
LOG_BURST = 5
LOG_INTERVAL = 60.0

# The loggers whose records the page rate-limits: uvicorn's, asyncio's (accept errors) and its own.
LOGGER_NAMES = ("uvicorn", "uvicorn.error", "uvicorn.access", "asyncio", "tbkl_gen.page")


def connection_limits() -> tuple[int, int]:
    """Return how many connections to keep open and to let wait in the queue, within the file descriptors.

    asyncio accepts up to a whole backlog of connections at once before the page can close any,
    so the open connections, the backlog and the server's own files must fit under the system's
    limit together (Linux often allows 1,024 per process; macOS 256).
    """
    try:
        import resource
    except ImportError:  # Windows: no such limit on sockets
        return MAX_CONNECTIONS, BACKLOG
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return MAX_CONNECTIONS, BACKLOG
    spare = max(16, soft - RESERVED_FILES)
    backlog = max(8, min(BACKLOG, spare // 4))
    return max(8, min(MAX_CONNECTIONS, (spare - backlog) // 2)), backlog


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with deadlines for the request head and body, and a bound on connections."""

    limit = MAX_CONNECTIONS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline: Any = None  # asyncio.TimerHandle of the header or body deadline
        self.waiting_since: float | None = None  # when it began waiting for a request head
        self.body_bytes = 0

    # --- connection -------------------------------------------------------------------------

    def connection_made(self, transport: Any) -> None:  # noqa: ANN401 - asyncio's Transport
        super().connection_made(transport)
        if len(self.connections) > self.limit and not self._make_room():
            self.logger.warning("Trang đang đầy (%d kết nối); kết nối mới bị đóng", len(self.connections) - 1)
            self.transport.close()
            return
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_deadline()
        self.waiting_since = None
        super().connection_lost(exc)

    def _make_room(self) -> bool:
        """Close the connection that has waited longest for its headers; False when none waits."""
        waiting = [c for c in self.connections if isinstance(c, GuardedH11Protocol) and c is not self and c.waiting_since is not None]
        if not waiting:
            return False
        oldest = min(waiting, key=lambda c: c.waiting_since or 0.0)
        oldest._close("evicted")
        return True

    # --- deadlines --------------------------------------------------------------------------

    def _await_head(self) -> None:
        self._cancel_deadline()
        self.waiting_since = time.monotonic()
        self.body_bytes = 0
        self.deadline = self.loop.call_later(HEADER_TIMEOUT, self._close, "header")

    def _await_body(self) -> None:
        self._cancel_deadline()
        self.waiting_since = None
        self.deadline = self.loop.call_later(BODY_TIMEOUT, self._close, "body")

    def _cancel_deadline(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def _close(self, why: str) -> None:
        self.deadline = None
        self.waiting_since = None
        if self.transport.is_closing():
            return
        if why == "header":
            self.logger.info("Đóng kết nối không gửi xong phần đầu yêu cầu sau %s giây", HEADER_TIMEOUT)
        elif why == "body":
            self.logger.info("Đóng kết nối không gửi xong nội dung yêu cầu sau %s giây", BODY_TIMEOUT)
        self.transport.close()

    # --- data -------------------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is not h11.IDLE:  # past the head (bounded by h11): count the body
            self.body_bytes += len(data)
        if self.body_bytes > MAX_BODY_BYTES:
            self.logger.info("Đóng kết nối gửi nội dung quá %d byte", MAX_BODY_BYTES)
            self._cancel_deadline()
            self.transport.close()
            return
        super().data_received(data)
        self._follow_state()

    def on_response_complete(self) -> None:
        if self.conn.their_state is h11.SEND_BODY and not self.transport.is_closing():
            # Answered before its body was read (refused, too large): nothing more is wanted
            # from this connection, and keeping it would let a client hold it with a slow body.
            self._cancel_deadline()
            self.transport.close()
        super().on_response_complete()
        if not self.transport.is_closing():
            self._follow_state()

    def _follow_state(self) -> None:
        """Arm the deadline that fits where the request stands."""
        if self.transport.is_closing():
            self._cancel_deadline()
            return
        state = self.conn.their_state
        if state is h11.IDLE:
            if self.waiting_since is None:
                self._await_head()
        elif state is h11.SEND_BODY:
            if self.waiting_since is not None or self.deadline is None:
                self._await_body()
        else:  # the request is in: the keep-alive timer (or the response) takes over
            self._cancel_deadline()
            self.waiting_since = None


class RateLimit(logging.Filter):
    """Let at most `burst` similar records through per `interval` seconds, without tracebacks.

    Records are similar when they come from the same logger with the same message template. The
    first record held back is replaced by one line saying so; the first one let through after
    the interval says how many were left out.
    """

    def __init__(self, burst: int = LOG_BURST, interval: float = LOG_INTERVAL, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.burst = burst
        self.interval = interval
        self.clock = clock
        self.windows: dict[tuple[str, str], list[float | int]] = {}  # key → [start, passed, held back]

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, str(record.msg)[:200])
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.msg = f"{record.getMessage()} ({type(error).__name__}: {error})"
            record.args = None
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        now = self.clock()
        window = self.windows.get(key)
        if window is None or now - window[0] >= self.interval:
            held = max(0, int(window[2]) - 1) if window is not None else 0  # the first held back was the summary
            self.windows[key] = [now, 1, 0]
            if held:
                record.msg = f"{record.getMessage()} (đã bỏ qua {held} dòng giống thế này trong {self.interval:g} giây trước)"
                record.args = None
            if len(self.windows) > 1000:  # keys of long-gone messages
                for old in [k for k, w in self.windows.items() if now - w[0] >= self.interval]:
                    del self.windows[old]
            return True
        window[1] = int(window[1]) + 1
        if window[1] <= self.burst:
            return True
        window[2] = int(window[2]) + 1
        if window[2] == 1:
            record.msg = f"{record.getMessage()} (các dòng giống thế này được bỏ qua đến hết {self.interval:g} giây)"
            record.args = None
            return True
        return False


def quiet_logs(filter_: logging.Filter | None = None) -> logging.Filter:
    """Attach one rate limit to every logger of the page's server, and return it."""
    limit = filter_ or RateLimit()
    for name in LOGGER_NAMES:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RateLimit) for f in logger.filters):
            logger.addFilter(limit)
    return limit


def server_config(app: Any) -> uvicorn.Config:  # noqa: ANN401 - an ASGI app
    """Return uvicorn's settings for the page: every limit of this module, and a quiet log."""
    GuardedH11Protocol.limit, backlog = connection_limits()
    config = uvicorn.Config(
        app,
        log_level="warning",
        lifespan="off",
        http=GuardedH11Protocol,
        # Not limit_concurrency: uvicorn counts open connections there too, so slow connections
        # would turn every drafter's request away; the page's Shield counts requests instead.
        backlog=backlog,
        timeout_keep_alive=KEEP_ALIVE_TIMEOUT,
        timeout_graceful_shutdown=SHUTDOWN_TIMEOUT,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        # X-Forwarded-* are read by the page itself (page/auth.py), only from the proxies
        # `tbkl serve --trusted-proxy` names; uvicorn's own reading trusts 127.0.0.1 by default.
        proxy_headers=False,
    )
    quiet_logs()  # after Config, which sets uvicorn's loggers up
    return config


class StoppableServer(uvicorn.Server):
    """uvicorn's server, which stops on Ctrl-C or SIGTERM and lets its caller clean up before exiting.

    uvicorn raises the signal it caught again once it has stopped, which would end the process
    before the page's LibreOffice is closed; here the signal is remembered in `stopped_by`.
    """

    stopped_by: int | None = None

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        original = {sig: signal.signal(sig, self.handle_exit) for sig in HANDLED_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)
            if self._captured_signals:
                self.stopped_by = self._captured_signals[0]


async def in_thread(function: Callable[..., Any], *args: Any) -> Any:  # noqa: ANN401
    """Run function(*args) in a daemon thread and await its result.

    Not asyncio.to_thread: its pool's threads are joined when the server stops, so one request
    stuck in the operating system would keep `tbkl serve` from ever ending. A daemon thread is
    left behind instead; the process ends without waiting for it.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()

    def settle(outcome: Any, failed: bool) -> None:  # noqa: ANN401, FBT001
        if future.cancelled():
            return
        if failed:
            future.set_exception(outcome)
        else:
            future.set_result(outcome)

    context = contextvars.copy_context()  # the request's person (page.access) goes along

    def run() -> None:
        try:
            outcome, failed = context.run(function, *args), False
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting request
            outcome, failed = exc, True
        try:
            loop.call_soon_threadsafe(settle, outcome, failed)
        except RuntimeError:  # the loop has closed: the server stopped meanwhile
            pass

    threading.Thread(target=run, daemon=True, name="tbkl-page-request").start()
    return await future
