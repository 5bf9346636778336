"""The reminder ledger's contract on the fake, SQLite and PostgreSQL: a key is claimed once."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

from cxbot.adapters.store.sql_store import open_store
from cxbot.ports.reminders import ReminderEntry
from cxbot.ports.slack import SlackUser

NOW = datetime(2027, 1, 4, 0, 30, tzinfo=UTC)
DAY = date(2027, 1, 4)


def _entries(n: int, recipient: str = "person:kim@example.com") -> list[ReminderEntry]:
    return [
        ReminderEntry(
            reminder_key=f"L/item-{i}|before|2027-01-04|{recipient}",
            recipient_key=recipient,
            kind="before",
            business_date=DAY,
            launch_key="L",
            item_key=f"L/item-{i}",
        )
        for i in range(n)
    ]


def test_a_key_is_claimed_once(any_store: Any) -> None:
    entries = _entries(3)
    assert any_store.ledger.claim("m1", entries, NOW) == {e.reminder_key for e in entries}
    assert any_store.ledger.claim("m2", entries[1:] + _entries(5)[3:], NOW) == {
        e.reminder_key for e in _entries(5)[3:]
    }
    assert any_store.ledger.recorded([e.reminder_key for e in _entries(6)]) == {
        e.reminder_key for e in _entries(5)
    }


def test_outcomes_and_unsettled_messages(any_store: Any) -> None:
    any_store.ledger.claim("m1", _entries(2), NOW)
    any_store.ledger.claim("m2", _entries(4)[2:], NOW)
    any_store.ledger.mark("m1", "posting", now=NOW, channel="D123")
    unsettled = {m.message_key: m for m in any_store.ledger.unsettled()}
    assert set(unsettled) == {"m1", "m2"}
    assert unsettled["m1"].state == "posting" and unsettled["m1"].channel == "D123"
    assert len(unsettled["m1"].reminder_keys) == 2
    any_store.ledger.mark("m1", "sent", now=NOW + timedelta(seconds=1), ts="1700000000.000100")
    any_store.ledger.release("m2")
    assert [m.message_key for m in any_store.ledger.unsettled()] == []
    states = any_store.ledger.reminder_states(DAY)
    assert sorted(states.values()) == ["sent", "sent"]
    # released keys can be claimed
    assert any_store.ledger.claim("m3", _entries(4)[2:], NOW) != set()


def test_the_ledger_says_where_a_sent_message_went(any_store: Any) -> None:
    ledger = any_store.ledger
    ledger.claim("announce:L", _entries(1, "channel:C1"), NOW)
    assert ledger.posted("announce:L") is None  # claimed, not posted
    ledger.mark("announce:L", "posting", now=NOW, channel="C1")
    assert ledger.posted("announce:L") is None
    ledger.mark("announce:L", "sent", now=NOW, ts="1700000000.000200")
    assert ledger.posted("announce:L") == ("C1", "1700000000.000200")
    assert ledger.posted("announce:other") is None


def test_slack_user_cache(any_store: Any) -> None:
    assert any_store.slack_directory.cached_user("kim@example.com") is None
    any_store.slack_directory.cache_user(
        SlackUser(email="Kim@Example.com", user_id="U1", dm_channel=None, checked_at=NOW)
    )
    any_store.slack_directory.cache_user(
        SlackUser(email="kim@example.com", user_id="U1", dm_channel="D1", checked_at=NOW)
    )
    cached = any_store.slack_directory.cached_user("KIM@example.com")
    assert cached is not None and (cached.user_id, cached.dm_channel) == ("U1", "D1")
    assert cached.checked_at == NOW


def _race(url: str) -> list[set[str]]:
    stores = [open_store(url) for _ in range(4)]
    barrier = threading.Barrier(len(stores))
    results: list[set[str]] = [set() for _ in stores]

    def claim(index: int) -> None:
        barrier.wait()
        results[index] = stores[index].ledger.claim(f"m{index}", _entries(30), NOW)

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(len(stores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in stores:
        store.close()
    return results


def test_concurrent_claims_on_postgres_never_overlap(pg_url: str) -> None:
    results = _race(pg_url)
    claimed = [key for result in results for key in result]
    assert len(claimed) == len(set(claimed)) == 30


def test_concurrent_claims_on_sqlite_never_overlap(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'race.db'}"
    open_store(url).close()
    results = _race(url)
    claimed = [key for result in results for key in result]
    assert len(claimed) == len(set(claimed)) == 30
