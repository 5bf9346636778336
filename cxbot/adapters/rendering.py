"""Jinja2 rendering of user-facing text from `templates/<locale>/`."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape


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


def markdown_cell(value: Any) -> str:
    """Text safe inside a Markdown table cell: pipes escaped, lines joined."""
    return str(value).replace("|", "\\|").replace("\n", " ")


class Renderer:
    def __init__(self, folder: Path, locale: str) -> None:
        self.env = Environment(
            # A template not yet written for the locale falls back to Korean, the default.
            loader=FileSystemLoader([str(folder / locale), str(folder / "ko"), str(folder)]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            autoescape=select_autoescape(["html", "htm"], default=False),
        )
        self.env.filters["cell"] = cell
        self.env.filters["md"] = markdown_cell

    def render(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)
