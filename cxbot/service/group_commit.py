"""Group commit: many callers, each waiting until its own item is durably written, with
one transaction for everything that arrived meanwhile (a burst of webhook requests costs a
handful of commits, not one each).

No thread of its own: the first caller to find nobody writing becomes the writer and
writes batches until the queue is empty; the others wait for their result.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class GroupCommit(Generic[T, R]):
    def __init__(self, write: Callable[[Sequence[T]], Sequence[R]], *, batch: int = 500) -> None:
        """`write` stores a batch in one transaction and returns one result per item."""
        self._write, self._batch = write, batch
        self._queue: list[tuple[T, Future[R]]] = []
        self._lock = threading.Lock()
        self._writing = False

    def submit(self, item: T) -> R:
        """Waits until `item` is written (or its batch failed: the error is raised)."""
        done: Future[R] = Future()
        with self._lock:
            self._queue.append((item, done))
            lead = not self._writing
            self._writing = True
        if lead:
            self._drain()
        return done.result()

    def _drain(self) -> None:
        while True:
            with self._lock:
                taken, self._queue = self._queue[: self._batch], self._queue[self._batch :]
                if not taken:
                    self._writing = False
                    return
            try:
                results = self._write([item for item, _ in taken])
            except BaseException as error:
                for _, done in taken:
                    done.set_exception(error)
                continue
            for (_, done), result in zip(taken, results, strict=True):
                done.set_result(result)
