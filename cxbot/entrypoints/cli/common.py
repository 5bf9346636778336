"""What every command shares: dates, errors shown as messages, the use cases, progress."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape

from cxbot.ports.common import Progress, no_progress
from cxbot.ports.errors import CxbotError

if TYPE_CHECKING:
    from cxbot.service.usecases import CxBot

F = TypeVar("F", bound=Callable[..., Any])
err = Console(stderr=True, soft_wrap=True)


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
def opened(ctx: click.Context, *, embedded: bool = False, echo: bool = False) -> Iterator[CxBot]:
    """The use cases, built once for this command by the composition root.

    `embedded` ignores any Notion credentials; `echo` shows what the embedded default's
    outbox sends.
    """
    factory = ctx.obj["factory"]
    cases: CxBot = factory(embedded=embedded, echo=click.echo if echo else None)
    if not cases.mode.notion and not ctx.obj.get("quiet_mode"):
        said = str(cases.render.labels["cli"]["embedded"]).format(store=cases.mode.store)
        err.print(f"[dim]{escape(said)}[/]", highlight=False)
    try:
        yield cases
    finally:
        cases.close()


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Progress]:
    if not enabled:
        yield no_progress
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as ProgressBar

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


def header_option(func: F) -> F:
    """`--header/--no-header`: column names over a listing; by default on a terminal only,
    so that `cut -f1` and other scripts read rows alone."""
    return click.option(
        "--header/--no-header",
        default=None,
        help="Print the column names first (default: only on a terminal).",
    )(func)


def echo_table(headers: list[str], rows: list[list[str]], header: bool | None) -> None:
    """Tab-separated rows, with the column names first when asked or on a terminal."""
    show = sys.stdout.isatty() if header is None else header
    if show and rows:
        click.echo("\t".join(headers))
    for row in rows:
        click.echo("\t".join(row))
