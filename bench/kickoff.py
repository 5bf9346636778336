"""20 planners kick off a launch each from Slack, on a 40-item template, at once: the
"런칭 시작" shortcut, step 1, step 2 (two items removed, one added), against the Slack and
Notion emulators with both services' rate limits on.

Measured: how fast Slack gets its answers (it waits 3 s at most), how long until every
checklist is in Notion against the 3 requests/s floor, that each launch is announced once,
and that running every submission again writes nothing twice.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.harness import NOTION_RATE, bench_settings, reminders_with_cx, serve_in_background
from bench.harness import table as print_table
from cxbot.bootstrap import build
from cxbot.emulators.notion import NotionEmulator
from cxbot.emulators.slack import SlackEmulator
from cxbot.entrypoints.cli.serving import _slack_app
from cxbot.ports.kickoff import SHORTCUT
from cxbot.settings import PROJECT_ROOT

LAUNCHES, EXTRA_ITEMS = 20, 19  # partner-mall's 21 items + 19 = a 40-item template
SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2027, 1, 4, 9, 30, tzinfo=SEOUL)  # a Monday
SECRET = "bench-signing-secret"
SKIPPED = ("cs-phone-number", "ars-setup")


def run() -> dict[str, Any]:
    notion = NotionEmulator(tokens={"secret_bench"}, rate=NOTION_RATE, burst=6.0).start()
    slack = SlackEmulator(tokens={"xoxb-bench"}, rate_limit=True).start()
    slack.app.signing_secret = SECRET
    with tempfile.TemporaryDirectory() as folder:
        try:
            return _run(notion, slack, Path(folder))
        finally:
            slack.stop()
            notion.stop()


def _run(notion: NotionEmulator, slack: SlackEmulator, folder: Path) -> dict[str, Any]:
    planners = [(f"기획자{n:02d}", f"planner{n:02d}@example.com") for n in range(LAUNCHES)]
    users = [slack.add_user(name, email) for name, email in planners]
    for name, email in _owners_file_people():  # the departments' owners are in Slack too
        slack.add_user(name, email)
    channels = [slack.add_channel(f"launch-{n:02d}") for n in range(LAUNCHES)]
    cx = slack.add_channel("cx-ops")
    parent = notion.workspace.add_page("CX 운영")
    settings = bench_settings(
        folder, notion, parent, slack=slack, signing_secret=SECRET,
        cxbot_reminders_file=reminders_with_cx(folder, cx),
        cxbot_checklists_dir=_templates(folder),
        cxbot_owners_file=PROJECT_ROOT / "examples" / "owners.yaml",
        cxbot_planners=",".join(email for _name, email in planners),
    )  # fmt: skip
    cases = build(settings, clock=lambda: NOW)
    app = _slack_app(cases)
    stop = threading.Event()
    routes = {"/slack/events": lambda b, h: cases.slack_inbound.dispatch(app, b, h)}
    slack.app.request_url = serve_in_background(routes, stop) + "/slack/events"

    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda n: _kick_off(slack, users[n], channels[n], n),
                                range(LAUNCHES)))  # fmt: skip
    acks = sorted(seconds for answer in answers for seconds in answer["acks"])
    items = _wait_for_notion(cases, LAUNCHES)
    in_notion = time.perf_counter() - started
    _wait_for(lambda: sum(_announcements(slack, channels).values()) >= LAUNCHES, 60.0)
    announced = _announcements(slack, channels)
    pages = len(notion.requests("POST", r"^/v1/pages$"))

    again = time.perf_counter()  # every kick-off once more: nothing twice
    for n, answer in enumerate(answers):
        refused = cases.kickoff().start(user_id=answer["user"], view=answer["view"])
        assert refused is None  # a second submission of the modal: the name is taken
        launch = next(x for x in cases.launches.all() if x.name == f"대형몰 {n:02d} 입점")
        result = cases.launches.create(
            template="big-mall", name=launch.name, open_date=launch.open_date,
            owners=str(PROJECT_ROOT / "examples" / "owners.yaml"), tailoring=launch.tailoring,
        )  # fmt: skip
        cases.kickoff().announce(result, channels[n])
    rerun = time.perf_counter() - again
    pages_after = len(notion.requests("POST", r"^/v1/pages$"))
    stop.set()
    total = sum(len(cases.launches.items(x.key)) for x in cases.launches.all())
    figures = {
        "launches": LAUNCHES,
        "items_per_launch": 40 - len(SKIPPED) + 1,
        "items": total,
        "modal_answers": len(acks),
        "ack_p50_s": round(statistics.median(acks), 4),
        "ack_p99_s": round(acks[max(0, int(len(acks) * 0.99) - 1)], 4),
        "ack_max_s": round(acks[-1], 4),
        "non_200": sum(a["non_200"] for a in answers),
        "seconds_until_all_in_notion": round(in_notion, 1),
        "floor_seconds_at_3_per_s": round(items / NOTION_RATE, 1),
        "ratio_to_floor": round(in_notion / (items / NOTION_RATE), 3),
        "notion_page_writes": pages,
        "notion_429": notion.rate_limited,
        "announcements": sum(announced.values()),
        "launches_announced_twice": sum(1 for n in announced.values() if n > 1),
        "rerun_seconds": round(rerun, 2),
        "duplicate_pages_after_rerun": pages_after - pages,
        "announcements_after_rerun": sum(_announcements(slack, channels).values()),
        "slack_429": slack.rate_limited,
        "slack_429_by_method": dict(
            Counter(r.path.rpartition("/")[2] for r in slack.requests() if r.status == 429)
        ),
    }
    print_table(list(figures.items()))
    cases.close()
    return figures


def _owners_file_people() -> list[tuple[str, str]]:
    import yaml

    data = yaml.safe_load((PROJECT_ROOT / "examples" / "owners.yaml").read_text("utf-8"))
    return [(o["name"], o["email"]) for o in data["departments"].values() if o.get("email")]


def _templates(folder: Path) -> Path:
    """partner-mall and a 40-item template built on it."""
    checklists = folder / "checklists"
    checklists.mkdir()
    shutil.copy(PROJECT_ROOT / "checklists" / "partner-mall.yaml", checklists)
    lines = ["key: big-mall", "name: 대형 제휴몰 입점", "extends: partner-mall", "add:"]
    for n in range(EXTRA_ITEMS):
        lines += [
            f"  - key: extra-{n:02d}",
            f"    title: 대형 제휴몰 추가 점검 {n:02d}",
            "    department: cx",
            f"    due: D-{(n % 20) + 1}",
            f"    scenario: 추가 점검 {n:02d}이 끝났는지 확인한다.",
        ]
    (checklists / "big-mall.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return checklists


def _kick_off(slack: SlackEmulator, user: str, channel: str, n: int) -> dict[str, Any]:
    app, acks, non_200 = slack.app, [], 0
    app.global_shortcut(user, callback_id=SHORTCUT)
    view_id = _wait(lambda: app.open_view(user))[0]
    first = app.submit(user, view_id, {
        "k_template": {"v": {"type": "static_select", "selected_option": {"value": "big-mall"}}},
        "k_name": {"v": f"대형몰 {n:02d} 입점"},
        "k_date": {"v": {"type": "datepicker", "selected_date": "2027-03-02"}},
        "k_channel": {"v": {"type": "conversations_select", "selected_conversation": channel}},
    })  # fmt: skip
    _view_id, items_view = app.open_view(user)
    values: dict[str, Any] = {}
    for block in items_view["blocks"]:
        if block.get("type") != "input":
            continue
        if block["block_id"].startswith("k_dept:"):
            kept = [o for o in block["element"]["initial_options"] if o["value"] not in SKIPPED]
            values[block["block_id"]] = {
                "v": {"type": "multi_static_select", "selected_options": kept}
            }
        if block["block_id"].startswith("k_owner:") and "initial_user" not in block["element"]:
            # a department the owners file leaves without an owner: the planner takes it
            values[block["block_id"]] = {"v": {"type": "users_select", "selected_user": user}}
    values.update(
        k_add_title={"v": f"대형몰 {n:02d} 전용 안내"},
        k_add_department={"v": {"type": "static_select", "selected_option": {"value": "cx"}}},
        k_add_due={"v": "D-2"},
    )
    submitted_view = {**items_view, "state": {"values": _state(values)}}
    second = app.submit(user, view_id, values)
    for answer in (first, second):
        acks.append(answer.seconds)
        non_200 += answer.status != 200
    return {"acks": acks, "non_200": non_200, "user": user, "view": submitted_view}


def _state(values: dict[str, Any]) -> dict[str, Any]:
    return {
        block: {k: v if isinstance(v, dict) else {"type": "plain_text_input", "value": v}
                for k, v in fields.items()}
        for block, fields in values.items()
    }  # fmt: skip


def _wait(check: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except LookupError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _wait_for(check: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check() and time.monotonic() < deadline:
        time.sleep(0.2)


def _wait_for_notion(cases: Any, launches: int, timeout: float = 1800.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = cases.launches.all()
        items = [i for x in found for i in cases.launches.items(x.key)]
        if len(found) == launches and items and all(i.remote_id for i in items):
            return len(items)
        time.sleep(0.5)
    raise TimeoutError("the checklists did not reach Notion in time")


def _announcements(slack: SlackEmulator, channels: list[str]) -> dict[str, int]:
    return {
        channel: sum(
            1
            for m in slack.channels[channel].messages
            if str(
                (m.get("metadata") or {}).get("event_payload", {}).get("message_key", "")
            ).startswith("announce:")
        )
        for channel in channels
    }
