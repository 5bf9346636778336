"""Rows people add to, or trash from, a launch's checklist on the board: a row added by
hand becomes an item of the launch (recorded as added there, by whoever added it); a
page trashed there takes its item out of the launch the way `item exclude` does, and a
page restored from the trash brings it back on that page."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace

from cxbot.domain.changes import ChangeSource
from cxbot.domain.checklist import ItemStatus, Launch, TemplateItem
from cxbot.domain.dday import launch_day_label
from cxbot.ports.checklists import HandAddedRow
from cxbot.ports.errors import CxbotError
from cxbot.service.launches import Launches

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class BoardRows:
    launches: Launches

    def adopt(self, row: HandAddedRow) -> str:
        """Makes a hand-added row an item of its launch; what happened, in a few words."""
        launch = self._launch_named(row.launch_name)
        if launch is None:
            return f"page {row.remote_id} ({row.title!r}): choose its launch in the 런칭 column"
        template = self.launches.templates.find(launch.template_key)
        department = next(
            (k for k, name in template.departments.items() if name == row.department_name),
            None,
        )
        if not row.title or department is None or row.due is None:
            return (
                f"page {row.remote_id} ({row.title!r}) in {launch.name}: give it a title, a "
                "부서 and a 마감일 and cxbot adds it to the launch"
            )
        label = launch_day_label(row.due, launch.open_date, calendar=self.launches.calendar)
        item = TemplateItem(
            key="notion-" + hashlib.sha256(row.remote_id.encode()).hexdigest()[:8],
            title=row.title, department=department, due=label,
            scenario=row.scenario or row.title, exact_day=True,
        )  # fmt: skip
        status = _status(row.status)
        try:
            self.launches.adopt(
                key=launch.key, item=item, page=row.remote_id, status=status, by=row.added_by
            )
        except CxbotError as error:
            return f"page {row.remote_id} ({row.title!r}): {error}"
        log.info("adopted %s, added in Notion by %s, into %s", row.title, row.added_by, launch.key)
        return f"added {launch.key}/{item.key} ({row.title}), added in Notion by {row.added_by}"

    def trashed(self, item_key: str, by: str) -> str:
        """The item's page went to the board's trash: the item leaves the launch."""
        try:
            replace(self.launches, actor=by).exclude(
                item=item_key, reason=f"moved to the trash in Notion by {by}",
                via=ChangeSource.NOTION,
            )  # fmt: skip
        except CxbotError as error:
            return f"{item_key}: {error}"
        return f"excluded {item_key} (its page was trashed in Notion by {by})"

    def restored(self, item_key: str, page: str, by: str) -> str:
        """An excluded item's page came back from the trash: the item comes back on it."""
        try:
            replace(self.launches, actor=by).restore(
                item=item_key, page=page, via=ChangeSource.NOTION
            )
        except CxbotError as error:
            return f"{item_key}: {error}"
        return f"restored {item_key} (its page came back from the trash in Notion)"

    def _launch_named(self, name: str) -> Launch | None:
        found = [x for x in self.launches.all() if name in (x.name, _as_select(x.name))]
        return found[0] if len(found) == 1 else None


def _status(text: str) -> ItemStatus:
    try:
        return ItemStatus(text)
    except ValueError:
        return ItemStatus.NOT_STARTED


def _as_select(name: str) -> str:
    """A launch's name as the board's 런칭 select shows it (no commas, 100 characters)."""
    return name.replace(",", "·").strip()[:100]
