"""What every command shares: dates, errors shown as messages, the app, progress."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, TypeVar

import click
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
from rich.progress import Progress as ProgressBar

from cxbot.bootstrap import App
from cxbot.service.errors import CxbotError, InputError
from cxbot.service.ports import Progress, no_progress
from cxbot.settings import PROJECT_ROOT, Settings

F = TypeVar("F", bound=Callable[..., Any])
err = Console(stderr=True, soft_wrap=True)
DEMO_NAME = "데모 제휴몰 입점"
DEMO_OWNERS = PROJECT_ROOT / "examples" / "owners.yaml"
DEMO_CALENDAR = PROJECT_ROOT / "examples" / "promotions-demo.csv.j2"


def iso_date(_ctx: Any, _param: Any, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD") from None


def reports_errors(func: F) -> F:
    """Shows a CxbotError as one clear message and exit code 1, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CxbotError as error:
            err.print(f"[bold red]error:[/] {error}", highlight=False, markup=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@contextmanager
def opened(ctx: click.Context, *, embedded: bool = False) -> Iterator[App]:
    """The application, built from settings; `embedded` ignores any Notion credentials."""
    try:
        settings: Settings = ctx.obj["settings"]()
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors()
        )
        raise InputError(f"settings (environment or .env): {problems}") from None
    if embedded:
        settings = settings.model_copy(update={"notion_token": None})
    app: App = ctx.obj["factory"](settings)
    if not app.settings.notion_enabled and not ctx.obj.get("quiet_mode"):
        err.print(
            "[dim]embedded default: no NOTION_TOKEN, so checklists live in the local store "
            f"({app.settings.cxbot_database_url})[/]",
            highlight=False,
        )
    try:
        yield app
    finally:
        app.close()


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Progress]:
    if not enabled:
        yield no_progress
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with ProgressBar(*columns, console=err, transient=True) as bar:
        task = bar.add_task("Notion", total=None)

        def report(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total, description=f"Notion: {what[:30]}")

        yield report
