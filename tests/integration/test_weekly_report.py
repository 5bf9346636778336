"""The weekly report over the wire: built by the real root from the store, its chart
uploaded with Slack's external upload flow to the Slack emulator, once a week."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from pydantic import SecretStr
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bench.harness import reminders_with_cx
from cxbot.bootstrap import build
from cxbot.domain.checklist import ItemStatus
from cxbot.emulators.http import Fault
from cxbot.emulators.slack import SlackEmulator
from cxbot.ports.errors import RemoteError
from cxbot.settings import PROJECT_ROOT, Settings
from tests.conftest import ManualClock

SEOUL = ZoneInfo("Asia/Seoul")
OWNERS = PROJECT_ROOT / "examples" / "owners.yaml"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, after checking it is one (signature, IHDR and its CRC)."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    body = data[16 : 16 + length]
    (crc,) = struct.unpack(">I", data[16 + length : 20 + length])
    assert zlib.crc32(kind + body) == crc, "corrupt PNG header"
    assert data.endswith(b"IEND\xaeB`\x82"), "truncated PNG"
    width, height = struct.unpack(">II", body[:8])
    return width, height


class World:
    def __init__(self, tmp_path: Path, slack: SlackEmulator, cx: str, clock: ManualClock) -> None:
        self.tmp_path, self.slack, self.cx, self.clock = tmp_path, slack, cx, clock
        reminders = reminders_with_cx(tmp_path, cx)
        self.settings = Settings(
            cxbot_database_url=f"sqlite:///{tmp_path / 'cxbot.db'}",
            cxbot_reminders_file=reminders,
            cxbot_outbox=tmp_path / "outbox.jsonl",
            cxbot_audit_anchor=tmp_path / "audit-anchor.json",
            cxbot_actor="cli:tester",
            slack_bot_token=SecretStr("xoxb-report"),
            slack_base_url=slack.api_url,
        )
        self.cases = build(self.settings, clock=clock)

    def restart(self) -> None:
        """A new process on the same database."""
        self.cases.close()
        self.cases = build(self.settings, clock=self.clock)

    def shares(self) -> list[dict[str, Any]]:
        return [m for m in self.slack.posted(self.cx) if m.get("files")]


@pytest.fixture
def world(tmp_path: Path, clock: ManualClock) -> Iterator[World]:
    slack = SlackEmulator(
        tokens={"xoxb-report"}, rate_limit=False, clock=lambda: clock.now.timestamp()
    ).start()
    cx = slack.add_channel("cx-ops")
    for name, email in [("김지현", "jihyun.kim@example.com"), ("박준호", "junho.park@example.com")]:
        slack.add_user(name, email)
    clock.now = datetime(2027, 1, 4, 0, 30, tzinfo=UTC)  # Monday 2027-01-04, 09:30 in Seoul
    w = World(tmp_path, slack, cx, clock)
    result = w.cases.launches.create(
        template="partner-mall", name="11번가 입점", open_date=date(2027, 2, 15), owners=str(OWNERS)
    )
    items = list(result.items)
    clock.now = datetime(2027, 1, 12, 2, 0, tzinfo=UTC)  # a week later: two ticked
    for item in items[:2]:
        w.cases.launches.set_item_status(key=item.key, status=ItemStatus.DONE)
    yield w
    w.cases.close()
    slack.stop()


def test_the_report_posts_a_summary_and_a_valid_chart_through_slacks_upload_flow(
    world: World,
) -> None:
    world.clock.now = datetime(2027, 1, 18, 0, 0, tzinfo=UTC)  # Monday 09:00 in Seoul
    tick = world.clock.now.astimezone(SEOUL)
    summary = world.cases.weekly.run(tick=tick)
    assert summary == {"week": "2027-W02", "launches": 1, "state": "sent"}
    (share,) = world.shares()
    (file,) = share["files"]
    assert file["name"] == "weekly-report-2027-W02.png" and file["mimetype"] == "image/png"
    assert "주간 런칭 리포트 2027-W02" in share["text"] and "11번가 입점" in share["text"]
    assert "완료 10% (2/21)" in share["text"]
    content = world.slack.file_content(file["id"])
    assert content is not None and len(content) == file["size"]
    width, height = png_size(content)
    assert 1200 <= width <= 1600 and 300 <= height <= 2400
    assert file["alt_txt"].startswith("Burn-up and department charts, 2027-W02.")
    calls = [r.path for r in world.slack.requests() if "files." in r.path or "upload" in r.path]
    assert calls[0].endswith("files.getUploadURLExternal")
    assert calls[1].startswith("/upload/v1/")
    assert calls[2].endswith("files.completeUploadExternal")


def test_the_weekly_job_posts_once_a_week_across_runs_and_restarts(world: World) -> None:
    monday = datetime(2027, 1, 18, 0, 0, tzinfo=UTC)
    world.clock.now = monday
    assert world.cases.jobs.execute("weekly-report", monday).outcome == "ok"
    assert world.cases.weekly.run(tick=monday)["state"] == "already sent"
    world.restart()
    world.clock.now = monday + timedelta(hours=3)
    assert world.cases.weekly.run(tick=monday)["state"] == "already sent"
    assert len(world.shares()) == 1
    # The next Monday is another week: posted once more.
    next_monday = monday + timedelta(weeks=1)
    world.clock.now = next_monday
    assert world.cases.weekly.run(tick=next_monday)["state"] == "sent"
    assert [m["files"][0]["name"] for m in world.shares()] == [
        "weekly-report-2027-W02.png",
        "weekly-report-2027-W03.png",
    ]


def test_a_lost_answer_is_settled_from_the_channel_not_posted_twice(world: World) -> None:
    monday = datetime(2027, 1, 18, 0, 0, tzinfo=UTC)
    world.clock.now = monday
    world.slack.inject(Fault("drop_after_commit", path="files.completeUploadExternal"))
    first = world.cases.weekly.run(tick=monday)
    assert first["state"] == "sent"  # the share is found by its file's name
    assert len(world.shares()) == 1
    world.restart()
    assert world.cases.weekly.run(tick=monday)["state"] == "already sent"
    assert len(world.shares()) == 1


def test_a_crash_before_completing_posts_it_on_the_next_run(world: World) -> None:
    monday = datetime(2027, 1, 18, 0, 0, tzinfo=UTC)
    world.clock.now = monday
    world.slack.inject(Fault("status", path="files.completeUploadExternal", status=503))
    first = world.cases.weekly.run(tick=monday)
    assert first["state"] == "unknown" and world.shares() == []
    # Later (past the lease), another run finds nothing in the channel and posts it.
    world.restart()
    world.clock.now = monday + timedelta(minutes=10)
    assert world.cases.weekly.run(tick=monday)["state"] == "sent"
    assert len(world.shares()) == 1


def test_a_refused_upload_is_retried_next_time(world: World) -> None:
    monday = datetime(2027, 1, 18, 0, 0, tzinfo=UTC)
    world.clock.now = monday
    world.slack.scopes = world.slack.scopes.replace(",files:write", "")  # an old install
    with pytest.raises(RemoteError, match="files:write: add it to the manifest and reinstall"):
        world.cases.weekly.run(tick=monday)
    assert world.shares() == []
    world.slack.scopes += ",files:write"  # reinstalled from the manifest
    assert world.cases.weekly.run(tick=monday)["state"] == "sent"  # at once: not claimed


# the emulator's upload flow and its limits, through slack_sdk --------------------------------
@pytest.fixture
def client(world: World) -> WebClient:
    return WebClient(token="xoxb-report", base_url=world.slack.api_url)


def test_files_upload_v2_of_the_sdk_works_against_the_emulator(
    world: World, client: WebClient
) -> None:
    answer = client.files_upload_v2(
        channel=world.cx,
        content="hello",
        filename="note.txt",
        title="메모",
        initial_comment="첨부",
    )
    assert answer["file"]["title"] == "메모"
    (share,) = world.shares()
    assert share["text"] == "첨부" and share["files"][0]["name"] == "note.txt"


def test_the_upload_flow_refuses_what_slack_refuses(world: World, client: WebClient) -> None:
    def error(call: Any) -> str:
        with pytest.raises(SlackApiError) as raised:
            call()
        return str(raised.value.response["error"])

    assert error(lambda: client.files_getUploadURLExternal(filename="a.png", length=0)) == (
        "missing_argument"
    )
    assert (
        error(lambda: client.files_getUploadURLExternal(filename="a.png", length=2 * 1024**3))
        == "file_upload_size_restricted"
    )
    assert (
        error(lambda: client.files_getUploadURLExternal(filename="a", length=3, alt_txt="x" * 1001))
        == "alt_txt_too_large"
    )
    ticket = client.files_getUploadURLExternal(filename="a.png", length=3)
    # bytes never sent: not completable
    assert (
        error(lambda: client.files_completeUploadExternal(files=[{"id": ticket["file_id"]}]))
        == "file_not_found"
    )
    short = httpx.post(ticket["upload_url"], content=b"ab")
    assert short.status_code == 400 and "3" in short.text
    assert httpx.post(ticket["upload_url"], content=b"abc").status_code == 200
    done = client.files_completeUploadExternal(
        files=[{"id": ticket["file_id"], "title": "t"}], channel_id=world.cx
    )
    assert done["files"] == [{"id": ticket["file_id"], "title": "t"}]
    assert (
        error(lambda: client.files_completeUploadExternal(files=[{"id": ticket["file_id"]}]))
        == "file_already_completed"
    )
    assert error(lambda: client.files_completeUploadExternal(files=[])) == "invalid_arguments"
    assert (
        error(lambda: client.files_completeUploadExternal(files=[{"id": "F404"}]))
        == "file_not_found"
    )
    private = world.slack.add_channel("private", bot_member=False)
    second = client.files_getUploadURLExternal(filename="b.png", length=1)
    httpx.post(second["upload_url"], content=b"b")
    assert (
        error(
            lambda: client.files_completeUploadExternal(
                files=[{"id": second["file_id"]}], channel_id=private
            )
        )
        == "not_in_channel"
    )
    world.slack.scopes = world.slack.scopes.replace(",files:write", "")
    with pytest.raises(SlackApiError) as raised:
        client.files_getUploadURLExternal(filename="c.png", length=1)
    assert raised.value.response["error"] == "missing_scope"
    assert raised.value.response["needed"] == "files:write"


def test_without_a_cx_channel_the_report_waits_and_claims_nothing(world: World) -> None:
    configured = world.settings
    world.settings = configured.model_copy(
        update={"cxbot_reminders_file": PROJECT_ROOT / "jobs" / "reminders.yaml"}  # cx: ""
    )
    world.restart()
    monday = datetime(2027, 1, 18, 0, 0, tzinfo=UTC)
    world.clock.now = monday
    report = world.cases.weekly.picture(today=monday.date())
    outcome = world.cases.weekly.post(report, now=monday)
    assert outcome.state == "waiting" and "channels.cx" in (outcome.why or "")
    world.settings = configured
    world.restart()
    assert world.cases.weekly.run(tick=monday)["state"] == "sent"
    assert len(world.shares()) == 1
