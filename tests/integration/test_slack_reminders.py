"""Reminders through the real slack-sdk WebClient against the Slack emulator: exactly once."""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from datetime import datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pytest

from cxbot.adapters.store.sql_store import SqlStore, open_store
from cxbot.domain.reminders import Routing
from cxbot.emulators.http import Fault
from cxbot.emulators.slack import SlackEmulator
from cxbot.ports.errors import RemoteError
from tests.reminder_rig import SLACK_PEOPLE, reminders, seed_launch, worker

SEOUL = ZoneInfo("Asia/Seoul")
THURSDAY = datetime(2027, 2, 11, 9, 30, tzinfo=SEOUL)  # after Seollal; items are overdue


class SlackClock:
    """The emulator's clock (message timestamps) follows the test's `now`."""

    def __init__(self) -> None:
        self.now = THURSDAY

    def __call__(self) -> float:
        return self.now.timestamp()


@pytest.fixture
def slack_clock() -> SlackClock:
    return SlackClock()


@pytest.fixture
def slack(slack_clock: SlackClock) -> Any:
    emulator = SlackEmulator(tokens={"xoxb-test"}, rate_limit=False, clock=slack_clock).start()
    for name, email in SLACK_PEOPLE:
        emulator.add_user(name, email)
    yield emulator
    emulator.stop()


@pytest.fixture
def rig(slack: SlackEmulator, sqlite_store: SqlStore, slack_clock: SlackClock) -> Any:
    cx = slack.add_channel("cx-ops")
    sales = slack.add_channel("sales")
    routing = Routing(department_channels={"sales": sales}, cx_channel=cx)
    seed_launch(sqlite_store, THURSDAY)

    class Rig:
        store = sqlite_store
        emulator = slack
        channels: ClassVar[dict[str, str]] = {"cx": cx, "sales": sales}

        @staticmethod
        def run(now: datetime = THURSDAY, ledger: Any = None, timeout: int = 5, **kw: Any) -> Any:
            slack_clock.now = now
            use_case = reminders(
                sqlite_store,
                slack.api_url,
                routing,
                clock=lambda: now,
                ledger=ledger,
                timeout=timeout,
            )
            return use_case.run(now=now, **kw)

        @staticmethod
        def use_case(now: datetime) -> Any:
            slack_clock.now = now
            return reminders(sqlite_store, slack.api_url, routing, clock=lambda: now)

    return Rig


def _keys(emulator: SlackEmulator) -> list[str]:
    return [m["metadata"]["event_payload"]["message_key"] for m in emulator.posted()]


def test_one_digest_per_recipient_with_escalations_and_unknown_owners(rig: Any) -> None:
    report = rig.run()
    assert report.skipped is None and report.sent == len(report.outcomes) > 0
    posted = rig.emulator.posted()
    assert len(posted) == len(report.outcomes)
    by_recipient = Counter(o.recipient for o in report.outcomes)
    assert all(count == 1 for count in by_recipient.values())  # one message per recipient
    # The owner who is not in Slack is reported in the CX channel, not dropped (in Korean).
    cx_messages = rig.emulator.posted(rig.channels["cx"])
    missing = "담당자를 Slack에서 찾지 못했습니다: haeun.jung@example.com"
    assert any(missing in str(m["blocks"]) for m in cx_messages)
    assert not any("owner not found" in str(m["blocks"]) for m in cx_messages)
    # Overdue sales items were escalated to the sales channel.
    sales = rig.emulator.posted(rig.channels["sales"])
    assert len(sales) == 1 and "영업일 지연" in str(sales[0]["blocks"])
    # Owners got DMs, found by email and cached: a second lookup costs nothing.
    assert rig.store.slack_directory.cached_user("junho.park@example.com").dm_channel


def test_rerunning_posts_nothing_twice(rig: Any) -> None:
    first = rig.run()
    second = rig.run(now=THURSDAY + timedelta(hours=2))
    assert second.outcomes == () and second.already_sent == first.planned
    assert len(rig.emulator.posted()) == first.sent


def test_accept_then_drop_is_settled_from_history(rig: Any) -> None:
    rig.emulator.inject(Fault("drop_after_commit", "POST", r"chat\.postMessage", times=1))
    report = rig.run()
    assert all(o.state == "sent" for o in report.outcomes)
    keys = _keys(rig.emulator)
    assert len(keys) == len(set(keys)) == len(report.outcomes)
    assert rig.run(now=THURSDAY + timedelta(minutes=10)).outcomes == ()
    assert len(rig.emulator.posted()) == len(keys)


def test_history_that_cannot_be_read_is_never_taken_for_not_posted(rig: Any) -> None:
    """Post accepted, answer lost, and the history check fails too: the outcome stays
    unknown — nothing is posted again — until the history can be read."""
    rig.emulator.inject(Fault("drop_after_commit", "POST", r"chat\.postMessage", times=1))
    history = rig.emulator.inject(
        Fault("status", "POST", r"conversations\.history", times=1000, status=500)
    )
    first = rig.run()
    assert [o.state for o in first.outcomes].count("unknown") == 1
    for minutes in (10, 20, 30):  # later runs, the history still unreadable
        again = rig.run(now=THURSDAY + timedelta(minutes=minutes))
        assert again.outcomes == () and again.released == ()
    keys = _keys(rig.emulator)
    assert len(keys) == len(set(keys))  # never posted twice
    history.times = 0  # Slack's history answers again
    settled = rig.run(now=THURSDAY + timedelta(minutes=40))
    assert len(settled.recovered) == 1 and settled.outcomes == ()
    assert rig.store.ledger.unsettled() == []
    assert len(_keys(rig.emulator)) == len(set(_keys(rig.emulator))) == first.sent + 1


class CrashingLedger:
    """The store, except that recording one state raises (the process dies there)."""

    def __init__(self, store: SqlStore, state: str) -> None:
        self.store, self.state, self.crashed = store, state, False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store.ledger, name)

    def mark(self, message_key: str, state: str, **kw: Any) -> None:
        if state == self.state and not self.crashed:
            self.crashed = True
            raise KeyboardInterrupt("the process died here")
        self.store.ledger.mark(message_key, state, **kw)


def test_a_crash_between_post_and_record_is_recovered_without_reposting(rig: Any) -> None:
    with pytest.raises(KeyboardInterrupt):
        rig.run(ledger=CrashingLedger(rig.store, "sent"))
    assert len(rig.emulator.posted()) == 1  # posted, but not recorded
    (stuck,) = rig.store.ledger.unsettled()
    assert stuck.state == "posting"
    soon = rig.run(now=THURSDAY + timedelta(minutes=1))  # within the lease: left alone
    assert stuck.message_key not in soon.recovered
    later = rig.run(now=THURSDAY + timedelta(minutes=10))
    assert later.recovered == (stuck.message_key,)  # found in Slack by its metadata
    keys = _keys(rig.emulator)
    assert len(keys) == len(set(keys))  # nothing posted twice
    assert rig.store.ledger.unsettled() == []


def test_a_crash_before_posting_is_released_and_sent_once(rig: Any) -> None:
    with pytest.raises(KeyboardInterrupt):
        rig.run(ledger=CrashingLedger(rig.store, "posting"))
    assert rig.emulator.posted() == []
    later = rig.run(now=THURSDAY + timedelta(minutes=10))
    assert len(later.released) == 1
    keys = _keys(rig.emulator)
    assert len(keys) == len(set(keys)) == later.sent


def test_a_server_error_leaves_the_outcome_unknown_then_resends_once(rig: Any) -> None:
    rig.emulator.inject(Fault("status", "POST", r"chat\.postMessage", times=1, status=503))
    first = rig.run()
    unknown = [o for o in first.outcomes if o.state == "unknown"]
    assert len(unknown) == 1
    second = rig.run(now=THURSDAY + timedelta(minutes=1))
    assert unknown[0].message_key in second.released
    keys = _keys(rig.emulator)
    assert len(keys) == len(set(keys)) == len(first.outcomes)


def test_a_missed_run_is_caught_up_the_same_day_marked_late_not_the_next(rig: Any) -> None:
    afternoon = THURSDAY.replace(hour=14)
    report = rig.run(now=afternoon)
    assert report.sent and all(o.late for o in report.outcomes)
    assert all("늦게 보내는 알림" in str(m["blocks"]) for m in rig.emulator.posted())
    friday = rig.run(now=THURSDAY + timedelta(days=1))
    assert all("2027-02-12" in o.message_key for o in friday.outcomes)
    assert all(not o.late for o in friday.outcomes)


@pytest.mark.parametrize(
    ("moment", "reason"),
    [
        (THURSDAY.replace(hour=9, minute=0), "from 09:30"),
        (THURSDAY.replace(hour=21), "quiet hours"),
        (THURSDAY + timedelta(days=2), "not a business day"),
        (THURSDAY - timedelta(days=3), "not a business day"),
    ],
)
def test_no_reminders_outside_the_window(rig: Any, moment: datetime, reason: str) -> None:
    report = rig.run(now=moment)
    assert report.skipped and reason in str(report.skipped)
    assert rig.emulator.posted() == []


def test_a_channel_the_bot_is_not_in_is_reported_and_the_rest_is_sent(
    rig: Any, slack: SlackEmulator
) -> None:
    slack.channels[rig.channels["sales"]].members.clear()
    report = rig.run()
    failed = [o for o in report.outcomes if o.state == "failed"]
    assert len(failed) == 1 and "not_in_channel" in (failed[0].note or "")
    assert report.sent == len(report.outcomes) - 1


def test_an_invalid_token_stops_with_what_to_do(rig: Any, sqlite_store: SqlStore) -> None:
    routing = Routing(cx_channel=rig.channels["cx"])
    with pytest.raises(RemoteError, match="SLACK_BOT_TOKEN") as caught:
        reminders(
            sqlite_store,
            rig.emulator.api_url,
            routing,
            token="xoxb-revoked",
            clock=lambda: THURSDAY,
        ).run(now=THURSDAY)
    assert "xoxb-revoked" not in str(caught.value)


def test_a_429_is_waited_out_not_reposted(rig: Any) -> None:
    rig.emulator.inject(Fault("rate_limit", "POST", r"chat\.postMessage", times=1, retry_after=1))
    report = rig.run()
    assert all(o.state == "sent" for o in report.outcomes)
    keys = _keys(rig.emulator)
    assert len(keys) == len(set(keys)) == len(report.outcomes)


def test_dry_run_shows_everything_and_sends_nothing(rig: Any) -> None:
    preview = rig.run(dry_run=True)
    assert preview.outcomes and all(o.state == "planned" for o in preview.outcomes)
    assert rig.emulator.posted() == [] and rig.store.ledger.unsettled() == []
    ahead = rig.run(now=THURSDAY, today=THURSDAY.date() + timedelta(days=1), dry_run=True)
    assert all("2027-02-12" in o.message_key for o in ahead.outcomes)


def test_two_processes_on_one_postgres_store_send_each_message_once(
    pg_url: str, slack: SlackEmulator
) -> None:
    cx, sales = slack.add_channel("cx-ops"), slack.add_channel("sales")
    store = open_store(pg_url)
    seed_launch(store, THURSDAY)
    store.close()
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [
        context.Process(
            target=worker, args=(pg_url, slack.api_url, cx, sales, THURSDAY.isoformat(), queue)
        )
        for _ in range(2)
    ]
    for process in workers:
        process.start()
    sent = [queue.get(timeout=60) for _ in workers]
    for process in workers:
        process.join(timeout=60)
    assert all(isinstance(result, list) for result in sent), sent
    keys = _keys(slack)
    assert len(keys) == len(set(keys)) > 0
    assert sorted(sent[0] + sent[1]) == sorted(keys)


def test_a_post_that_times_out_is_looked_up_not_reposted(rig: Any) -> None:
    rig.emulator.inject(Fault("slow", "POST", r"chat\.postMessage", times=1, delay=1.5))
    first = rig.run(timeout=1)
    (unknown,) = [o for o in first.outcomes if o.state == "unknown"]  # it landed after we looked
    time.sleep(0.8)  # the slow request completes on the server
    second = rig.run(now=THURSDAY + timedelta(minutes=1))
    assert second.recovered == (unknown.message_key,) and second.outcomes == ()
    keys = _keys(rig.emulator)
    assert len(keys) == len(set(keys)) == len(first.outcomes)


def test_a_digest_lost_in_a_crash_goes_out_the_same_day_and_health_says_so(rig: Any) -> None:
    with pytest.raises(KeyboardInterrupt):  # killed with the post in flight
        rig.run(ledger=CrashingLedger(rig.store, "posting"))
    (lost,) = rig.store.ledger.unsettled()
    restarted = rig.run(now=THURSDAY + timedelta(minutes=1))  # the catch-up at restart
    assert restarted.outcomes  # the other digests go out …
    assert lost.message_key not in _keys(rig.emulator)  # … not the one whose claim is in its lease
    at = {m: rig.use_case(THURSDAY + timedelta(minutes=m)) for m in (2, 6, 7, 11)}
    assert at[2].overdue_claims(THURSDAY + timedelta(minutes=2)) is None
    problem = at[6].overdue_claims(THURSDAY + timedelta(minutes=6))
    assert problem and "unsettled past their 5-minute lease" in problem  # health goes red
    followed = at[6].follow_up(now=THURSDAY + timedelta(minutes=6))
    assert followed is not None and len(followed.released) == 1 and followed.sent == 1
    assert at[7].overdue_claims(THURSDAY + timedelta(minutes=7)) is None
    assert at[11].follow_up(now=THURSDAY + timedelta(minutes=11)) is None  # all settled
    keys = _keys(rig.emulator)
    assert lost.message_key in keys and len(keys) == len(set(keys)) == restarted.sent + 1
