"""Jinja2 rendering of user-facing text from `templates/<locale>/`."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup


def display_width(text: str) -> int:
    """Terminal columns: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cell(value: Any, width: int) -> str:
    """`value` cut or padded to exactly `width` terminal columns."""
    text = "" if value is None else str(value)
    out: list[str] = []
    used = 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width:
            if out:
                while out and used > width - 1:
                    used -= display_width(out.pop())
                out.append("…")
                used += 1
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * max(0, width - used)


LINK_SCHEMES = ("http://", "https://", "mailto:", "slack://")


def linkable(value: Any) -> bool:
    """A link a report may make clickable: http(s), mailto and slack only (never
    javascript:, data: or anything else a stored value could smuggle in)."""
    return str(value).strip().lower().startswith(LINK_SCHEMES)


def markdown_cell(value: Any) -> str:
    """Text safe inside a Markdown table cell: pipes escaped, lines joined."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def slack_escape(text: Any) -> str:
    """Text as Slack's formatting rules need it: `&`, `<` and `>` as entities, so that no
    `<!here>`, `<@U…>`, `<#C…>` or `<url|label>` in a title, a name or a reason is read as
    a mention or a link (Slack decodes exactly these three)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_value(value: Any) -> Markup:
    """Every `{{ … }}` of a Slack template: a macro's output (already Slack text) as it is,
    anything else escaped."""
    return value if isinstance(value, Markup) else Markup(slack_escape(value))


class Renderer:
    """One jinja2 environment for every template, with the locale's labels as helpers:
    weekday(day), status(item status), decision_status(status), days(due, today),
    local(moment) in the configured timezone."""

    def __init__(self, folder: Path, locale: str, tz: ZoneInfo | None = None) -> None:
        self.locale = locale
        # A template not yet written for the locale falls back to Korean, the default.
        loader = FileSystemLoader([str(folder / locale), str(folder / "ko"), str(folder)])
        options: dict[str, Any] = {
            "loader": loader,
            "undefined": StrictUndefined,
            "trim_blocks": True,
            "lstrip_blocks": True,
            "keep_trailing_newline": True,
        }
        self.env = Environment(
            # Templates are named *.html.j2: escape those (and plain .html) — a decision
            # titled <script>…</script> must reach an auditor's browser as text.
            autoescape=select_autoescape(["html", "htm", "html.j2", "htm.j2"], default=False),
            **options,
        )
        # Slack's messages (templates/<locale>/slack/): every value escaped the way Slack
        # needs, the template's own markup (links, mentions, bold) kept — the one place
        # every Slack composer gets its text from.
        self.slack_env = Environment(autoescape=True, finalize=_slack_value, **options)
        labels = _labels(folder, locale)
        self.labels = labels
        zone = tz or ZoneInfo("Asia/Seoul")
        for env in (self.env, self.slack_env):
            self._helpers(env, labels, zone)

    def _helpers(self, env: Environment, labels: dict[str, Any], zone: ZoneInfo) -> None:
        env.filters["cell"] = cell
        env.filters["md"] = markdown_cell
        env.tests["linkable"] = linkable
        env.globals.update(
            weekday=lambda day: labels["weekdays"][day.weekday()],
            status=lambda value: labels["item_status"][getattr(value, "value", value)],
            decision_status=lambda value: labels["decision_status"][getattr(value, "value", value)],
            left=lambda days: _left(labels, days),
            labels=labels,
            local=lambda moment: moment.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            say=lambda said: say(labels, said),
        )

    def render(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)

    def slack(self, name: str) -> Any:
        """The macros of a Slack template (`slack/digest.j2`), every value they show
        escaped for Slack."""
        return self.slack_env.get_template(name).module

    def macros(self, name: str) -> Any:
        return self.env.get_template(name).module


def say(labels: dict[str, Any], said: Any) -> str:
    """A notice in the locale's words (labels.yaml `notices:`), its values filled in — a
    notice inside a notice in the same words; English when the locale has none."""
    words = (labels.get("notices") or {}).get(getattr(said, "code", None))
    if words is None:
        return str(said)
    values = {
        name: say(labels, value) if hasattr(value, "code") else value
        for name, value in getattr(said, "values", ())
    }
    try:
        return str(words).format(**values)
    except (KeyError, IndexError, ValueError):
        return str(said)  # a locale's words that name a value the notice lacks


def _left(labels: dict[str, Any], days: int) -> str:
    """An item's distance from today: "3영업일 남음", "오늘 마감", "2영업일 지연"."""
    words = labels["distance"]
    if days == 0:
        return str(words["today"])
    return str(words["left" if days > 0 else "late"]).format(n=abs(days))


BUILT_IN = Path(__file__).resolve().parents[2] / "templates"


def _labels(folder: Path, locale: str) -> dict[str, Any]:
    """The locale's labels; a group a templates folder leaves out (a newer feature's, say)
    comes from the built-in labels of that locale, or the Korean ones."""
    merged: dict[str, Any] = {}
    for path in (
        BUILT_IN / "ko" / "labels.yaml",
        BUILT_IN / locale / "labels.yaml",
        folder / "ko" / "labels.yaml",
        folder / locale / "labels.yaml",
    ):
        if path.exists():
            merged.update(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    return merged
