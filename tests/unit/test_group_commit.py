"""Group commit: every caller gets its own result, a burst shares few transactions."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from cxbot.service.group_commit import GroupCommit


def test_a_burst_is_written_in_few_batches_and_each_caller_gets_its_result() -> None:
    batches: list[list[int]] = []

    def write(items: Sequence[int]) -> list[int]:
        time.sleep(0.01)  # a commit takes a while: others arrive meanwhile
        batches.append(list(items))
        return [n * 2 for n in items]

    commit: GroupCommit[int, int] = GroupCommit(write)
    with ThreadPoolExecutor(32) as pool:
        results = list(pool.map(commit.submit, range(200)))
    assert results == [n * 2 for n in range(200)]
    assert sorted(n for batch in batches for n in batch) == list(range(200))
    assert len(batches) < 100  # shared: far fewer transactions than callers


def test_a_failed_batch_fails_its_callers_and_the_next_batch_still_runs() -> None:
    calls = threading.Lock()
    failed_once: list[bool] = []

    def write(items: Sequence[str]) -> list[str]:
        with calls:
            if not failed_once:
                failed_once.append(True)
                raise RuntimeError("database is locked")
        return list(items)

    commit: GroupCommit[str, str] = GroupCommit(write)
    with pytest.raises(RuntimeError, match="locked"):
        commit.submit("a")
    assert commit.submit("b") == "b"
