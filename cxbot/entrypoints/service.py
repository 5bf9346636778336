"""`cxbot run`: the bot as a long-running service on APScheduler, with a health endpoint."""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import threading
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

from cxbot.ports.slack import HttpAnswer
from cxbot.service.jobs import JobRunner
from cxbot.service.notion_webhooks import NotionWebhooks

log = logging.getLogger(__name__)


def serve(
    runner: JobRunner,
    *,
    timezone: Any,
    health_port: int | None = None,
    health_host: str = "127.0.0.1",
    stop: threading.Event | None = None,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Catches up, then runs every job on its schedule until SIGTERM/SIGINT (or `stop`)."""
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stop.set())
    runner.started_at = runner.clock()
    for result in runner.catch_up():
        log.info("caught up %s %s: %s", result.job, result.tick.isoformat(), result.outcome)
    scheduler = BackgroundScheduler(
        timezone=timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    for name, schedule in runner.schedules.items():
        if schedule.spec.enabled:
            scheduler.add_job(runner.due, schedule.trigger, args=[name], id=name, name=name)
    health = _health_server(runner, health_host, health_port) if health_port is not None else None
    scheduler.start()
    log.info(
        "cxbot is running: %s",
        ", ".join(
            f"{job.id} next {job.next_run_time:%Y-%m-%d %H:%M %Z}" for job in scheduler.get_jobs()
        ),
    )
    if on_ready is not None:
        on_ready()
    stop.wait()
    log.info("stopping: letting the running job finish")
    scheduler.shutdown(wait=True)
    if health is not None:
        health.shutdown()
    log.info("stopped")


def _health_server(runner: JobRunner, host: str, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            if self.path not in ("/healthz", "/health"):
                self.send_error(404)
                return
            ok, lines = runner.health()
            body = json.dumps({"ok": ok, "checks": lines}, ensure_ascii=False).encode()
            self.send_response(200 if ok else 503)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    log.info("health endpoint on http://%s:%d/healthz", host, server.server_address[1])
    return server


MAX_BODY = 1 << 20
"""Slack's requests are a few kilobytes; anything over a megabyte is refused unread."""
READ_TIMEOUT = 10.0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    """Connections waiting to be accepted: the default 5 drops a burst's connections (a
    client's SYN is retried after a second, or the connection is reset)."""


class _RequestHandler(BaseHTTPRequestHandler):
    """POST to each route → its handler; GET /healthz → health. A subclass per server
    sets `routes` and `health`."""

    timeout = READ_TIMEOUT
    routes: Mapping[str, Callable[[bytes, dict[str, str]], HttpAnswer]] = {}
    health: Callable[[], tuple[bool, dict[str, Any]]]

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path not in ("/healthz", "/health"):
            self._send(HttpAnswer(404, b'{"error": "not found"}'))
            return
        ok, detail = type(self).health()
        body = json.dumps({"ok": ok, **detail}, ensure_ascii=False).encode()
        self._send(HttpAnswer(200 if ok else 503, body))

    def do_POST(self) -> None:
        handler = self.routes.get(self.path)
        if handler is None:
            self._send(HttpAnswer(404, b'{"error": "not found"}'))
            return
        body = self._body()
        if body is None:
            return
        try:
            answer = handler(body, dict(self.headers.items()))
        except Exception:
            log.exception("a request to %s failed", self.path)
            answer = HttpAnswer(500, b'{"error": "internal error"}')
        self._send(answer)

    def _body(self) -> bytes | None:
        """The request body, read whole within the limits; None when answered already."""
        try:
            length = int(self.headers.get("Content-Length") or "")
        except ValueError:
            self._send(HttpAnswer(411, b'{"error": "Content-Length required"}'))
            return None
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True
            self._send(HttpAnswer(413, b'{"error": "request body too large"}'))
            return None
        try:
            body = self.rfile.read(length)
        except TimeoutError:
            self.close_connection = True
            return None
        if len(body) != length:
            self._send(HttpAnswer(400, b'{"error": "incomplete body"}'))
            return None
        return body

    def _send(self, answer: HttpAnswer) -> None:
        self.send_response(answer.status)
        headers = {"content-type": "application/json; charset=utf-8"}
        headers.update((k.lower(), v) for k, v in answer.headers.items())
        headers.pop("content-length", None)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        with contextlib.suppress(OSError):  # Slack may have hung up already
            self.wfile.write(answer.body)


def serve_requests(
    routes: Mapping[str, Callable[[bytes, dict[str, str]], HttpAnswer]],
    health: Callable[[], tuple[bool, dict[str, Any]]],
    *,
    host: str,
    port: int,
    stop: threading.Event | None = None,
    on_ready: Callable[[int], None] | None = None,
    read_timeout: float = READ_TIMEOUT,
) -> None:
    """POST to each route (/slack/events, /notion/webhook) → its handler; GET /healthz →
    health; until SIGTERM or `stop`. A client that sends its body slower than
    `read_timeout` seconds is cut off."""
    handler = type(
        "Handler",
        (_RequestHandler,),
        {"routes": routes, "health": staticmethod(health), "timeout": read_timeout},
    )
    server = _Server((host, port), handler)
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stop.set())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    bound = int(server.server_address[1])
    log.info("serving %s and /healthz on http://%s:%d", ", ".join(routes), host, bound)
    if on_ready is not None:
        on_ready(bound)
    stop.wait()
    server.shutdown()
    server.server_close()


def process_notion_events(
    webhooks: NotionWebhooks,
    stop: threading.Event,
    *,
    idle: float = 5.0,
    retry: float = 5.0,
    quiet: float = 0.3,
    gather: float = 2.0,
) -> None:
    """Handles the Notion events `/notion/webhook` recorded, in the background, until
    `stop`: woken by new events, it lets a burst finish arriving (until `quiet` seconds
    pass without one, `gather` at most) so that a page edited many times is read once; at
    the Notion client's own pace; what a crash left recorded is handled first; a failing
    page is tried again after `retry` seconds."""
    while not stop.is_set():
        deadline = time.monotonic() + gather
        while time.monotonic() < deadline:
            webhooks.recorded.clear()
            if not webhooks.recorded.wait(quiet):
                break
        try:
            report = webhooks.process_pending()
        except Exception:
            log.exception("Notion events could not be handled; trying again in %.0fs", retry)
            stop.wait(retry)
            continue
        if report.more:
            continue
        if report.failed and not report.handled:
            stop.wait(retry)
            continue
        webhooks.recorded.wait(idle)
