"""`cxbot doctor`'s Notion section: what is set up, and exactly what to fix."""

from __future__ import annotations

from typing import Any, cast

from cxbot.adapters.findings import as_findings
from cxbot.adapters.notion.api import NotionApi
from cxbot.adapters.notion.board import NotionChecklistBoard
from cxbot.adapters.notion.decisions import DECISIONS
from cxbot.adapters.notion.promotions import PROMOTIONS
from cxbot.adapters.notion.schema import CHECKLIST
from cxbot.ports.common import Cursors, Finding
from cxbot.ports.errors import CxbotError

OK, BAD, INFO = "✓", "✗", "·"


def _short(error: Exception) -> str:
    return f"{type(error).__name__}: {error}".splitlines()[0][:300]


def _token_problem(error: Exception) -> str:
    """Why `users/me` failed, and what to do: a refused token is not an unreachable Notion."""
    import httpx
    from notion_client import APIResponseError

    if isinstance(error, APIResponseError):
        if error.status == 401:
            return (
                "Notion token: refused (401 unauthorized) — create an internal integration "
                "secret and set NOTION_TOKEN"
            )
        return f"Notion answered {error.status} ({error.code}) to the token check: {error}"
    if isinstance(error, httpx.TransportError | CxbotError | TimeoutError | OSError):
        return (
            f"Notion unreachable ({_short(error)}): check the network, a proxy, or "
            "NOTION_BASE_URL — the token was not checked"
        )
    return f"Notion token check failed: {_short(error)}"


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
        return as_findings("notion", self._lines())

    def _lines(self) -> list[str]:
        lines: list[str] = []
        board = self.board
        try:
            me = cast(dict[str, Any], board.client.users.me())
            lines.append(f"{OK} Notion token: valid (bot {me.get('name')!r})")
        except Exception as error:
            lines.append(f"{BAD} {_token_problem(error)}")
            return lines
        if self.parent_page_id:
            try:
                board.client.pages.retrieve(self.parent_page_id)
                lines.append(f"{OK} parent page {self.parent_page_id}: reachable")
            except Exception as error:
                lines.append(
                    f"{BAD} parent page {self.parent_page_id}: {_short(error)} — "
                    "share it with the integration ('…' → Connections)"
                )
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
                lines.append(
                    f"{BAD} NOTION_PARENT_PAGE_ID is not set: cxbot needs a page shared with "
                    f"the integration to create its {', '.join(unset)} database(s) under"
                )
        try:
            emails = [u for u in board.users().values() if (u.get("person") or {}).get("email")]
            if emails:
                lines.append(f"{OK} users: {len(board.users())} visible, with email addresses")
            else:
                lines.append(
                    f"{BAD} users: no email addresses visible — give the integration the "
                    "'Read user information including email addresses' capability"
                )
        except CxbotError as error:
            lines.append(f"{BAD} users: {error}")
        try:
            problems = board.check()
            source = self.checklist_data_source_id or self.cursors.get_cursor(CHECKLIST.cursor)
            if source is None:
                lines.append(
                    f"{INFO} checklist data source: not created yet (the first "
                    "`cxbot launch create` creates it)"
                )
            elif problems:
                lines.append(
                    f"{BAD} checklist data source {source}: "
                    + "; ".join(problems)
                    + " (the next `cxbot launch create` adds missing properties)"
                )
            else:
                lines.append(f"{OK} checklist data source {source}: schema as expected")
        except CxbotError as error:
            lines.append(f"{BAD} checklist data source: {error}")
        others = [
            (PROMOTIONS, self.promotions_data_source_id, "cxbot calendar sync"),
            (DECISIONS, self.decisions_data_source_id, "cxbot decision add"),
        ]
        for spec, configured, first_use in others:
            try:
                source, problems = self.api.check(spec, configured)
            except CxbotError as error:
                lines.append(f"{BAD} {spec.label} data source: {error}")
                continue
            if source is None:
                lines.append(
                    f"{INFO} {spec.label} data source: not created yet (the first "
                    f"`{first_use}` creates it)"
                )
            elif problems:
                lines.append(f"{BAD} {spec.label} data source {source}: " + "; ".join(problems))
            else:
                lines.append(f"{OK} {spec.label} data source {source}: schema as expected")
        return lines
