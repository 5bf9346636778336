"""What several features share: progress callbacks, publish results, checks, rendering."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from cxbot.domain.notices import Notice

Clock = Callable[[], datetime]
"""Now, aware, in the company's time zone. A use case asks it only for "now" when no
scheduler tick gave one (a job's `now` is its tick)."""

Progress = Callable[[int, int, str], None]
"""Called as progress(done, total, what) during long work."""


def no_progress(done: int, total: int, what: str) -> None:
    """A progress callback that reports nothing."""


class OutputFiles(Protocol):
    """Where reports are written: exactly where the user asked, never through a link."""

    def write(self, path: Path, data: bytes) -> Path:
        """Writes `data` to `path` (atomically; a link at `path` is replaced, not followed);
        inside cxbot's own `.cxbot/` folder the file is private (0600)."""
        ...

    def write_into(self, folder: Path, files: dict[str, bytes]) -> None:
        """Writes each file by its name relative to `folder`; a name that would leave the
        folder (`../x`, an absolute path) is refused."""
        ...


class SecretKeeper(Protocol):
    """One secret kept outside the store (its own 0600 file, or the environment)."""

    def get(self) -> str | None: ...

    def set(self, value: str) -> None: ...


class Cursors(Protocol):
    """Small named values a sync keeps between runs (cursors, remote ids)."""

    def get_cursor(self, name: str) -> str | None: ...

    def set_cursor(self, name: str, value: str) -> None: ...


@dataclass(frozen=True, kw_only=True)
class PublishResult:
    ids: dict[str, str]
    problems: list[str]
    requests: int = 0
    later: list[str] = field(default_factory=list)
    """Item keys the board could not take now (rate-limited, unavailable) but may later."""
    uncertain: int = 0
    """Writes whose answer was lost: one may have committed late, so look for duplicates."""


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One line of `cxbot doctor`: what was checked and what to do about it."""

    name: str
    state: str  # ok, bad, info
    said: Notice
    """What to tell: a notice, in the locale's words when shown (English in `detail`)."""

    @property
    def ok(self) -> bool:
        return self.state != "bad"

    @property
    def detail(self) -> str:
        return str(self.said)

    def __str__(self) -> str:
        return f"{MARKS[self.state]} {self.said}"


MARKS = {"ok": "✓", "bad": "✗", "info": "·"}


class Checkable(Protocol):
    """An adapter that can say whether it is set up right (for `cxbot doctor`)."""

    def check(self) -> list[Finding]: ...


class TextRenderer(Protocol):
    """User-facing text from the templates in `templates/` (Korean or English)."""

    locale: str
    labels: dict[str, Any]  # the locale's short labels (labels.yaml)

    def render(self, name: str, **context: Any) -> str: ...

    def macros(self, name: str) -> Any:
        """A template's macros, to render one line at a time (`m.problem(p)`)."""
        ...
