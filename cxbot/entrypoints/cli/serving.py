"""`cxbot serve`: one HTTP process for Slack's requests and Notion's webhooks; `cxbot slack
socket` for Slack over Socket Mode."""

from __future__ import annotations

import json
import logging
import threading
from typing import TYPE_CHECKING, Any

import click

from cxbot.entrypoints.cli.app import cli
from cxbot.entrypoints.cli.common import opened, reports_errors
from cxbot.ports.slack import HttpAnswer

if TYPE_CHECKING:
    from cxbot.service.usecases import CxBot

log = logging.getLogger(__name__)


def _serve_options(function: Any) -> Any:
    for option in reversed(
        [
            click.option("--port", default=3000, show_default=True, help="Port to listen on."),
            click.option(
                "--host",
                default="127.0.0.1",
                show_default=True,
                help="Address to listen on (0.0.0.0 behind a reverse proxy or in a container).",
            ),
            click.option(
                "--drain-every",
                default=30,
                show_default=True,
                help="Seconds between retries of item changes Notion has not got yet.",
            ),
            click.option(
                "--accept-notion-verification",
                is_flag=True,
                help="Take a new Notion verification token in place of the kept one "
                "(when you re-create the webhook subscription).",
            ),
        ]
    ):
        function = option(function)
    return function


@cli.command("serve")
@_serve_options
@click.pass_context
@reports_errors
def serve(
    ctx: click.Context, port: int, host: str, drain_every: int, accept_notion_verification: bool
) -> None:
    """Serves Slack's requests and Notion's webhooks over HTTP, with GET /healthz.

    \b
    POST /slack/events   item buttons (완료 / 진행 중 / 막힘), the App Home tab, the
                         decision shortcut and /cxbot-decision; needs SLACK_BOT_TOKEN
                         and SLACK_SIGNING_SECRET (401 for unsigned or stale requests)
    POST /notion/webhook Notion's integration webhooks: a tick in Notion is recorded
                         within about a minute (needs NOTION_TOKEN). The first request
                         is Notion's verification token: it is printed here once, to
                         paste into Notion; every later event must carry its signature.
    GET  /healthz        JSON: Notion changes waiting, last webhook received

    Item changes made from Slack that Notion has not got yet are retried every
    --drain-every seconds.

    \b
    Example:
      cxbot serve --host 0.0.0.0 --port 3000
    """
    _serve(ctx, port, host, drain_every, accept_notion_verification)


@cli.group()
def slack() -> None:
    """Serve Slack's requests: item buttons, App Home, decisions."""


@slack.command("serve")
@_serve_options
@click.pass_context
@reports_errors
def slack_serve(
    ctx: click.Context, port: int, host: str, drain_every: int, accept_notion_verification: bool
) -> None:
    """The same as `cxbot serve` (kept for existing set-ups).

    \b
    Example:
      cxbot slack serve --host 0.0.0.0 --port 3000
    """
    _serve(ctx, port, host, drain_every, accept_notion_verification)


def _serve(ctx: click.Context, port: int, host: str, drain_every: int, accept: bool) -> None:
    from cxbot.entrypoints.service import process_notion_events, serve_requests

    with opened(ctx) as cases:
        routes: dict[str, Any] = {}
        served = []
        if cases.mode.slack:
            app = _slack_app(cases)

            def slack_answer(body: bytes, headers: dict[str, str]) -> HttpAnswer:
                return cases.slack_inbound.dispatch(app, body, headers)

            routes["/slack/events"] = slack_answer
            served.append("/slack/events")
        webhooks = cases.notion_webhooks(announce=click.echo, accept_new_token=accept)
        if cases.mode.notion:

            def notion_answer(body: bytes, headers: dict[str, str]) -> HttpAnswer:
                answer = webhooks.receive(body, headers)
                return HttpAnswer(answer.status, json.dumps(answer.body).encode())

            routes["/notion/webhook"] = notion_answer
            served.append("/notion/webhook")
        if not routes:
            raise click.UsageError(
                "nothing to serve: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (Slack) "
                "and/or NOTION_TOKEN (Notion webhooks)"
            )

        def health() -> tuple[bool, dict[str, Any]]:
            status = webhooks.status()
            return True, {
                "notion_behind": cases.outbox.behind(),
                "notion_events_pending": status.pending,
                "last_notion_webhook": status.last_received.isoformat()
                if status.last_received
                else None,
            }

        stop = threading.Event()
        threading.Thread(target=_drain_until, args=(cases, stop, drain_every), daemon=True).start()
        if cases.mode.notion:
            threading.Thread(
                target=process_notion_events, args=(webhooks, stop), daemon=True
            ).start()
        click.echo(
            f"serving {', '.join(served)} and /healthz on http://{host}:{port}; Ctrl-C stops"
        )
        serve_requests(routes, health, host=host, port=port, stop=stop)


@slack.command("socket")
@click.pass_context
@reports_errors
def slack_socket(ctx: click.Context) -> None:
    """Receives the same requests over Socket Mode, for workspaces without a public URL.

    Needs an app-level token (xapp-…, scope connections:write) in SLACK_APP_TOKEN and
    Socket Mode switched on in the app's settings.

    \b
    Example:
      SLACK_APP_TOKEN=xapp-… cxbot slack socket
    """
    with opened(ctx) as cases:
        app, stop = _slack_app(cases, socket_mode=True), threading.Event()
        threading.Thread(target=_drain_until, args=(cases, stop, 30), daemon=True).start()
        click.echo("connecting to Slack over Socket Mode; Ctrl-C stops")
        try:
            cases.slack_inbound.serve_socket(app)
        finally:
            stop.set()


def _slack_app(cases: CxBot, *, socket_mode: bool = False) -> Any:
    from cxbot.domain.inbound_text import REASON_LIMIT
    from cxbot.entrypoints.slack_requests import register

    return register(
        cases.slack_inbound.app(socket_mode=socket_mode),
        actions=cases.item_actions(),
        capture=cases.capture,
        brief_buttons=cases.brief_buttons,
        commands=cases.slash_commands,
        kickoff=cases.kickoff,
        desk=cases.desk,
        reason_missing=cases.render.render("slack/reason_missing.txt.j2").strip(),
        reason_too_long=cases.render.render(
            "slack/reason_too_long.txt.j2", limit=REASON_LIMIT
        ).strip(),
    )


def _drain_until(cases: CxBot, stop: threading.Event, every: int) -> None:
    """Pushes item changes Notion has not got yet, every `every` seconds."""
    while not stop.wait(every):
        try:
            if cases.outbox.behind():
                cases.outbox.drain()
        except Exception:
            log.exception("the Notion outbox could not drain; trying again in %ds", every)
