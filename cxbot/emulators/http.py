"""The HTTP plumbing shared by the emulators: routing, rate limits, faults, a request log."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger(__name__)


@dataclass
class Response:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    raw_size: int
    raw: bytes = b""


@dataclass
class Recorded:
    method: str
    path: str
    body: Any
    status: int | None  # None: the connection was dropped without a response
    at: float
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    query: dict[str, list[str]] = field(default_factory=dict)
    response_bytes: int = 0  # the answer's body as sent (0 when dropped)


@dataclass
class Fault:
    """One injected misbehaviour, applied to the next `times` matching requests.

    kind: "status" answers with `status` (the emulator shapes the error body);
    "rate_limit" answers 429 with Retry-After `retry_after`; "slow" waits `delay`
    seconds before handling normally; "drop_after_commit" handles the request (the
    write happens) and then closes the connection without answering.
    """

    kind: str
    method: str = "*"
    path: str = ".*"
    times: int = 1
    status: int = 500
    retry_after: int = 1
    delay: float = 0.0

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method)) and re.search(self.path, path) is not None


class TokenBucket:
    """An average `rate` per second with bursts up to `burst` requests."""

    def __init__(
        self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens, self.stamp = burst, clock()
        self.lock = threading.Lock()

    def take(self) -> float:
        """0 when the request may pass, else the seconds until it would."""
        with self.lock:
            now = self.clock()
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            if self.tokens >= 1:
                self.tokens -= 1
                return 0.0
            return (1 - self.tokens) / self.rate


class _DropConnection(Exception):
    pass


class EmulatorServer:
    """Serves `handle()` on 127.0.0.1 at a free port, in a background thread."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []
        self.log: list[Recorded] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # to be provided by each emulator -------------------------------------
    def handle(self, request: Request) -> Response:
        raise NotImplementedError

    def fault_response(self, fault: Fault) -> Response:
        raise NotImplementedError

    def internal_error(self, request: Request) -> Response:
        """What the service answers when it fails inside: a 500 in its own error shape."""
        return Response(500, {"error": "internal error"})

    # lifecycle --------------------------------------------------------------
    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the emulator is not running; call start()")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                emulator._serve(self)

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # faults and the log -----------------------------------------------------
    def inject(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def requests(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        """Logged requests, optionally only those of a method and a path pattern."""
        with self._lock:
            entries = list(self.log)
        return [
            entry
            for entry in entries
            if (method is None or entry.method == method)
            and (path is None or re.search(path, entry.path))
        ]

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.matches(method, path):
                    fault.times -= 1
                    return fault
        return None

    # serving ----------------------------------------------------------------
    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        split = urlsplit(handler.path)
        try:
            length = int(handler.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        raw = handler.rfile.read(length) if length > 0 else b""
        method, path = handler.command, split.path
        headers = {k.lower(): v for k, v in handler.headers.items()}
        query = parse_qs(split.query)
        fault = self._take_fault(method, path)
        drop = False
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay)
            fault = None
        if fault is not None and fault.kind == "drop_after_commit":
            drop, fault = True, None
        if fault is not None:
            response = self.fault_response(fault)
        else:
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = _INVALID_JSON
            request = Request(
                method=method,
                path=path,
                query=query,
                headers=headers,
                body=body,
                raw_size=len(raw),
                raw=raw,
            )
            try:
                response = self.handle(request)
            except Exception:  # a bug in the emulator must look like the service failing
                log.exception("emulator: %s %s failed inside; answering 500", method, path)
                response = self.internal_error(request)
        payload = json.dumps(response.body, ensure_ascii=False).encode()
        with self._lock:
            self.log.append(
                Recorded(
                    method,
                    path,
                    _loggable(raw),
                    None if drop else response.status,
                    time.time(),
                    headers=headers,
                    query=query,
                    response_bytes=0 if drop else len(payload),
                )
            )
        if drop:
            handler.close_connection = True
            with contextlib.suppress(OSError):
                handler.connection.shutdown(socket.SHUT_RDWR)
            return
        handler.send_response(response.status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(payload)))
        for name, value in response.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(payload)


class _InvalidJson:
    pass


_INVALID_JSON = _InvalidJson()


def is_invalid_json(body: Any) -> bool:
    return body is _INVALID_JSON


def _loggable(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")
