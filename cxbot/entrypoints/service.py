"""`cxbot run`: the bot as a long-running service on APScheduler, with a health endpoint."""

from __future__ import annotations

import json
import logging
import signal
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

from cxbot.service.jobs import JobRunner

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


def serve_slack_events(
    handler: Callable[[bytes, dict[str, str]], tuple[int, dict[str, Any]]], *, host: str, port: int
) -> None:
    """POST /slack/events → the signed-request handler, until Ctrl-C or SIGTERM."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            if self.path != "/slack/events":
                self.send_error(404)
                return
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, answer = handler(body, dict(self.headers.items()))
            payload = json.dumps(answer, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer((host, port), Handler)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    log.info("Slack events on http://%s:%d/slack/events", host, server.server_address[1])
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
