"""The Slack app as `cxbot slack serve` runs it: the real root over the Notion and Slack
emulators, the slack-bolt app on loopback HTTP, the emulator posting signed requests."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo

from pydantic import SecretStr

from bench.harness import reminders_with_cx
from cxbot.bootstrap import build
from cxbot.emulators.notion import NotionEmulator
from cxbot.emulators.slack import SlackEmulator
from cxbot.entrypoints.cli.serving import _slack_app
from cxbot.entrypoints.service import process_notion_events, serve_requests
from cxbot.ports.slack import HttpAnswer
from cxbot.settings import PROJECT_ROOT, Settings

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
APP_TOKEN = "xapp-1-A0000001-test"
SEOUL = ZoneInfo("Asia/Seoul")
OWNERS = PROJECT_ROOT / "examples" / "owners.yaml"
PEOPLE = [
    ("김지현", "jihyun.kim@example.com"),  # the CX planner
    ("박준호", "junho.park@example.com"),  # sales owner
    ("이소라", "sora.lee@example.com"),  # a member of sales
    ("이서연", "seoyeon.lee@example.com"),  # ux owner
    ("외부인", "outsider@example.com"),  # owns nothing
]
CENTRE_MANAGER = ("최민수", "minsu.choi@bpo.example.com")
T = TypeVar("T")


def eventually(check: Callable[[], T | Literal[False] | None], *, timeout: float = 15.0) -> T:
    """The lazy listeners run after the answer: wait for what they do (a truthy result)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
        except (AssertionError, LookupError, KeyError):
            if time.monotonic() > deadline:
                raise
        else:
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"still {result!r} after {timeout}s")
        time.sleep(0.05)


def slack_app_rig(
    tmp_path: Path,
    notion: NotionEmulator,
    clock: Callable[[], datetime],
    *,
    slack_rate_limit: bool = False,
    centre: bool = False,
    transport: str = "http",
    planners: str = "jihyun.kim@example.com",  # 김지현, the CX planner
) -> Iterator[Any]:
    """`centre`: a contact centre briefed in its own channel, managed by 최민수.
    `transport`: Slack's requests over HTTP (`cxbot slack serve`) or Socket Mode (`cxbot
    slack socket`), through the same app and listeners. `planners`: CXBOT_PLANNERS (user
    groups named there are read from the emulator when first needed: add them after)."""
    slack = SlackEmulator(
        tokens={"xoxb-app"}, app_tokens={APP_TOKEN}, rate_limit=slack_rate_limit
    ).start()
    slack.app.signing_secret = SECRET
    cx = slack.add_channel("cx-ops")
    users = {email: slack.add_user(name, email) for name, email in PEOPLE}
    centre_channel = None
    if centre:
        centre_channel = slack.add_channel("cc-bpo-seoul")
        users[CENTRE_MANAGER[1]] = slack.add_user(*CENTRE_MANAGER)
    parent = notion.workspace.add_page("CX 운영")
    for name, email in PEOPLE:
        notion.workspace.add_person(name, email)
    reminders_file = reminders_with_cx(tmp_path, cx)
    settings = Settings(
        cxbot_database_url=f"sqlite:///{tmp_path / 'cxbot.db'}",
        cxbot_reminders_file=reminders_file,
        cxbot_outbox=tmp_path / "outbox.jsonl",
        cxbot_audit_anchor=tmp_path / "audit-anchor.json",
        cxbot_owners_file=OWNERS,
        cxbot_planners=planners,
        cxbot_actor="cli:tester",
        notion_token=SecretStr("secret_test"),
        notion_base_url=notion.base_url,
        notion_parent_page_id=parent,
        slack_bot_token=SecretStr("xoxb-app"),
        slack_base_url=slack.api_url,
        slack_signing_secret=SecretStr(SECRET),
        slack_app_token=SecretStr(APP_TOKEN),
        cxbot_centres_file=_centres_file(tmp_path, centre_channel),
    )
    launch = _launch_created_quickly(settings, notion, parent, clock)
    cases = build(settings, clock=clock)
    app = _slack_app(cases, socket_mode=transport == "socket")
    socket_handler = None
    if transport == "socket":
        socket_handler = cases.slack_inbound.socket_handler(app)
        socket_handler.connect()
        slack.app.transport = "socket"
        assert slack.socket_mode.connected(), "the app did not connect over Socket Mode"
    stop, ready = threading.Event(), threading.Event()
    port: list[int] = []

    def answer(body: bytes, headers: dict[str, str]) -> Any:
        return cases.slack_inbound.dispatch(app, body, headers)

    announced: list[str] = []
    webhooks = cases.notion_webhooks(announce=announced.append)

    def notion_answer(body: bytes, headers: dict[str, str]) -> Any:
        answer = webhooks.receive(body, headers)
        return HttpAnswer(answer.status, json.dumps(answer.body).encode())

    def on_ready(bound: int) -> None:
        port.append(bound)
        ready.set()

    server = threading.Thread(
        target=serve_requests,
        args=(
            {"/slack/events": answer, "/notion/webhook": notion_answer},
            lambda: (True, {"notion_behind": cases.outbox.behind()}),
        ),
        # A slow client is cut off after 2 s here (10 s in service): what the test of it waits.
        kwargs={
            "host": "127.0.0.1",
            "port": 0,
            "stop": stop,
            "on_ready": on_ready,
            "read_timeout": 2.0,
        },
        daemon=True,
    )
    server.start()
    threading.Thread(
        target=process_notion_events, args=(webhooks, stop), kwargs={"retry": 0.2}, daemon=True
    ).start()
    assert ready.wait(10)
    slack.app.request_url = f"http://127.0.0.1:{port[0]}/slack/events"
    rig = SimpleNamespace(
        transport=transport,
        socket_handler=socket_handler,
        slack=slack,
        notion=notion,
        cases=cases,
        users=users,
        cx=cx,
        centre_channel=centre_channel,
        launch=launch,
        url=slack.app.request_url,
        health_url=f"http://127.0.0.1:{port[0]}/healthz",
        notion_url=f"http://127.0.0.1:{port[0]}/notion/webhook",
        webhooks=webhooks,
        announced=announced,
        stop=stop,
    )
    try:
        yield rig
    finally:
        stop.set()
        server.join(5)
        if socket_handler is not None:
            # slack-sdk's close() joins its interval threads (seconds): nothing waits on it.
            threading.Thread(target=socket_handler.close, daemon=True).start()
        cases.close()
        slack.stop()


def _centres_file(tmp_path: Path, channel: str | None) -> Path:
    """No centre (the file is empty), or one briefed in `channel`, managed by 최민수."""
    path = tmp_path / "centres.yaml"
    if channel is None:
        path.write_text("centres: []\n", encoding="utf-8")
        return path
    name, email = CENTRE_MANAGER
    path.write_text(
        "centres:\n"
        "  - key: bpo-seoul\n"
        "    name: 서울 고객센터\n"
        f"    slack_channel: {channel}\n"
        f"    managers: [{{name: {name}, email: {email}}}]\n"
        "    opens: '09:00'\n"
        "    business_days: 3\n",
        encoding="utf-8",
    )
    return path


def _launch_created_quickly(
    settings: Settings, notion: NotionEmulator, parent: str, clock: Callable[[], datetime]
) -> Any:
    """The launch's pages without the 3-requests-a-second pacing (setup, not the test)."""
    from bench.harness import setup_cases
    from cxbot.adapters.yaml_files import YamlTemplates

    templates = YamlTemplates(settings.cxbot_checklists_dir)
    url = settings.cxbot_database_url
    with setup_cases(url, notion.base_url, "secret_test", parent, clock()) as context:
        return context.create(
            template=templates.find("partner-mall"),
            name="11번가 입점",
            open_date=date(2027, 1, 13),
            owners=templates.owners(str(OWNERS)),
        )


def reminders_posted(rig: Any, now: datetime) -> None:
    """Runs the morning reminders so digests with buttons sit in people's DMs."""
    report = rig.cases.reminders.run(now=now.astimezone(SEOUL))
    assert report.sent, report


def digest_with(rig: Any, email: str, item_key: str) -> tuple[str, str]:
    """(channel, ts) of the digest in `email`'s DM that has buttons for `item_key`."""
    user = rig.users[email]
    for channel in rig.slack.channels.values():
        if not channel.is_im or user not in channel.members:
            continue
        for message in channel.messages:
            if any(b.get("block_id") == f"act:{item_key}" for b in message.get("blocks") or []):
                return channel.id, message["ts"]
    raise LookupError(f"no digest for {email} with {item_key}")


def channel_digest_with(rig: Any, item_key: str) -> tuple[str, str]:
    """(channel, ts) of a channel message (not a DM) with buttons for `item_key`."""
    for channel in rig.slack.channels.values():
        if channel.is_im:
            continue
        for message in channel.messages:
            if any(b.get("block_id") == f"act:{item_key}" for b in message.get("blocks") or []):
                return channel.id, message["ts"]
    raise LookupError(f"no channel message with {item_key}")


def found_block(rig: Any, channel: str, ts: str, block_id: str) -> dict[str, Any]:
    """The block of a message, which must be there (LookupError otherwise)."""
    got = block(rig, channel, ts, block_id)
    if got is None:
        raise LookupError(block_id)
    return got


def block(rig: Any, channel: str, ts: str, block_id: str) -> dict[str, Any] | None:
    for message in rig.slack.channels[channel].messages:
        if message["ts"] == ts:
            return next((b for b in message["blocks"] if b.get("block_id") == block_id), None)
    raise LookupError(ts)


def page_status(rig: Any, item_key: str) -> str:
    """The item's status as its Notion page shows it."""
    item = rig.cases.launches.store.get_item(item_key)
    page = rig.notion.workspace.pages[item.remote_id]
    value = page.properties["상태"]
    return str(value["name"])
