"""Agents' guidance for a launch and its items, from the launch's checklist template."""

from __future__ import annotations

from collections.abc import Sequence

from cxbot.domain.checklist import ChecklistItem, ChecklistTemplate, Launch, split_item_key
from cxbot.domain.guidance import Guidance
from cxbot.ports.checklists import TemplateCatalog
from cxbot.ports.errors import InputError, NotFound


class TemplateGuidance:
    """Read once per template and brief: a template's `brief:` edited later reaches the
    next brief, and a correction of one already sent."""

    def __init__(self, templates: TemplateCatalog, launches: Sequence[Launch]) -> None:
        self.templates = templates
        self.template_of = {launch.key: launch.template_key for launch in launches}
        self.cache: dict[str, ChecklistTemplate | None] = {}

    def of_launch(self, launch: Launch) -> Guidance | None:
        template = self._template(launch.template_key)
        return template.brief if template is not None else None

    def of_item(self, item: ChecklistItem) -> Guidance | None:
        launch, wanted = split_item_key(item.key)
        template = self._template(self.template_of.get(launch))
        if template is None:
            return None
        found = next((i for i in template.items if i.key == wanted), None)
        return found.brief if found is not None else None

    def _template(self, key: str | None) -> ChecklistTemplate | None:
        if key is None:
            return None
        if key not in self.cache:
            try:
                self.cache[key] = self.templates.find(key)
            except (InputError, NotFound):
                self.cache[key] = None  # a template removed since: no guidance, no crash
        return self.cache[key]
