"""`cxbot doctor`'s Notion section: what is set up, and exactly what to fix."""

from __future__ import annotations

from typing import Any, cast

from cxbot.adapters.findings import bad, info, ok, short
from cxbot.adapters.notion.api import NotionApi
from cxbot.adapters.notion.board import NotionChecklistBoard
from cxbot.adapters.notion.decisions import DECISIONS
from cxbot.adapters.notion.promotions import PROMOTIONS
from cxbot.adapters.notion.schema import CHECKLIST
from cxbot.domain.notices import notice
from cxbot.ports.common import Cursors, Finding
from cxbot.ports.errors import CxbotError

NAME = "notion"


def _token_problem(error: Exception) -> Finding:
    """Why `users/me` failed, and what to do: a refused token is not an unreachable Notion."""
    import httpx
    from notion_client import APIResponseError

    if isinstance(error, APIResponseError):
        if error.status == 401:
            return bad(NAME, "notion_token_refused")
        return bad(
            NAME, "notion_answered", status=error.status, code=str(error.code), error=str(error)
        )
    if isinstance(error, httpx.TransportError | CxbotError | TimeoutError | OSError):
        return bad(NAME, "notion_unreachable", error=short(error))
    return bad(NAME, "notion_token_failed", error=short(error))


class NotionCheck:
    """Token, parent page, users' emails and the three data sources' schemas."""

    def __init__(
        self,
        board: NotionChecklistBoard,
        api: NotionApi,
        *,
        parent_page_id: str | None,
        checklist_data_source_id: str | None,
        promotions_data_source_id: str | None,
        decisions_data_source_id: str | None,
        cursors: Cursors,
    ) -> None:
        self.board, self.api, self.cursors = board, api, cursors
        self.parent_page_id = parent_page_id
        self.checklist_data_source_id = checklist_data_source_id
        self.promotions_data_source_id = promotions_data_source_id
        self.decisions_data_source_id = decisions_data_source_id

    def check(self) -> list[Finding]:
        lines: list[Finding] = []
        board = self.board
        try:
            me = cast(dict[str, Any], board.client.users.me())
            lines.append(ok(NAME, "notion_token_ok", bot=str(me.get("name"))))
        except Exception as error:
            lines.append(_token_problem(error))
            return lines
        if self.parent_page_id:
            try:
                board.client.pages.retrieve(self.parent_page_id)
                lines.append(ok(NAME, "parent_ok", page=self.parent_page_id))
            except Exception as error:
                lines.append(bad(NAME, "parent_bad", page=self.parent_page_id, error=short(error)))
        else:
            unset = [
                name
                for name, configured in (
                    ("checklist", self.checklist_data_source_id),
                    ("promotions", self.promotions_data_source_id),
                    ("decisions", self.decisions_data_source_id),
                )
                if not configured
            ]
            if unset:
                lines.append(bad(NAME, "no_parent", databases=", ".join(unset)))
        try:
            emails = [u for u in board.users().values() if (u.get("person") or {}).get("email")]
            if emails:
                lines.append(ok(NAME, "users_ok", count=len(board.users())))
            else:
                lines.append(bad(NAME, "users_no_email"))
        except CxbotError as error:
            lines.append(bad(NAME, "users_bad", error=str(error)))
        try:
            problems = board.check()
            source = self.checklist_data_source_id or self.cursors.get_cursor(CHECKLIST.cursor)
            database = notice("checklist_db")
            if source is None:
                lines.append(
                    info(
                        NAME, "source_not_created", database=database, command="cxbot launch create"
                    )
                )
            elif problems:
                lines.append(
                    bad(
                        NAME,
                        "checklist_problems",
                        database=database,
                        source=source,
                        problems="; ".join(problems),
                    )
                )
            else:
                lines.append(ok(NAME, "source_ok", database=database, source=source))
        except CxbotError as error:
            lines.append(bad(NAME, "source_bad", database=notice("checklist_db"), error=str(error)))
        others = [
            (PROMOTIONS, self.promotions_data_source_id, "cxbot calendar sync", "promotions_db"),
            (DECISIONS, self.decisions_data_source_id, "cxbot decision add", "decisions_db"),
        ]
        for spec, configured, first_use, label in others:
            database = notice(label)
            try:
                source, problems = self.api.check(spec, configured)
            except CxbotError as error:
                lines.append(bad(NAME, "source_bad", database=database, error=str(error)))
                continue
            if source is None:
                lines.append(info(NAME, "source_not_created", database=database, command=first_use))
            elif problems:
                lines.append(
                    bad(
                        NAME,
                        "source_problems",
                        database=database,
                        source=source,
                        problems="; ".join(problems),
                    )
                )
            else:
                lines.append(ok(NAME, "source_ok", database=database, source=source))
        return lines
