"""The change history is a hash chain: editing, deleting or inserting entries is detected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from cxbot.adapters.store.sql_store import SqlStore, open_store
from cxbot.domain.audit import verify_chain
from cxbot.domain.changes import Change, ChangeSource

AT = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def _changes(n: int) -> list[Change]:
    return [
        Change(
            entity="decision",
            entity_id=f"D-{i}",
            field="status",
            old="proposed",
            new="decided",
            actor="김지현",
            source=ChangeSource.CLI,
            at=AT + timedelta(minutes=i),
            note=f"회의 {i}",
        )
        for i in range(n)
    ]


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Any) -> Any:
    url = (
        f"sqlite:///{tmp_path / 'audit.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("pg_url")
    )
    opened = open_store(url)
    opened.launches.apply(changes=_changes(6))
    yield opened
    opened.close()


def _sql(store: SqlStore, statement: str, **params: Any) -> None:
    with store.engine.begin() as conn:
        conn.execute(text(statement), params)


def test_an_untouched_history_verifies(store: SqlStore) -> None:
    report = verify_chain(store.history.chain())
    assert report.ok and report.checked == 6
    store.launches.apply(changes=_changes(2))  # appending later continues the chain
    assert verify_chain(store.history.chain()).checked == 8


def test_an_edited_entry_is_found(store: SqlStore) -> None:
    _sql(store, "UPDATE changes SET new = 'reverted' WHERE id = 3")
    report = verify_chain(store.history.chain())
    assert report.first_bad_id == 3 and "changed after it was recorded" in (report.problem or "")


def test_a_deleted_entry_is_found(store: SqlStore) -> None:
    _sql(store, "DELETE FROM changes WHERE id = 4")
    report = verify_chain(store.history.chain())
    assert report.first_bad_id == 5 and "removed before it" in (report.problem or "")


def test_an_inserted_entry_is_found(store: SqlStore) -> None:
    _sql(
        store,
        "INSERT INTO changes (id, entity, entity_id, field, old, new, actor, source, at, "
        "note, prev_hash, hash) SELECT 100, entity, entity_id, field, old, 'x', actor, "
        "source, at, note, prev_hash, hash FROM changes WHERE id = 2",
    )
    report = verify_chain(store.history.chain())
    assert report.first_bad_id == 100


def test_a_rewritten_tail_with_recomputed_hashes_still_breaks_at_the_edit(store: SqlStore) -> None:
    # Someone edits entry 2 and recomputes its hash naively from its own content only.
    _sql(
        store, "UPDATE changes SET actor = '다른 사람', hash = 'f' || substr(hash, 2) WHERE id = 2"
    )
    assert verify_chain(store.history.chain()).first_bad_id == 2


def test_concurrent_appends_keep_one_chain(tmp_path: Any) -> None:
    import threading

    url = f"sqlite:///{tmp_path / 'race.db'}"
    stores = [open_store(url) for _ in range(3)]
    barrier = threading.Barrier(3)

    def append(store: SqlStore) -> None:
        barrier.wait()
        for change in _changes(5):
            store.launches.apply(changes=[change])

    threads = [threading.Thread(target=append, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report = verify_chain(stores[0].history.chain())
    assert report.ok and report.checked == 15
    for store in stores:
        store.close()
