"""Text that comes in from people and other systems (a Slack modal, a thread, a Notion
page), made safe to store and echo: control and bidi-override characters removed, and a
length limit that holds whatever the client was told.

Removed: C0/C1 controls but newline and tab (NUL, ESC, DEL…), the bidi embeddings,
overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the left/right marks that can
make text read backwards (a filename `…fdp.exe` shown as `…exe.pdf`), and the byte order
mark. Kept: every letter, emoji (with its zero-width joiners) and line breaks.
"""

from __future__ import annotations

import unicodedata

BIDI_CONTROLS = frozenset(
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
)
LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\u2029": "\n"}

REASON_LIMIT = 2000
"""A blocked reason (the modal's max_length says the same)."""
TITLE_LIMIT = 200
"""An item's or a decision's title (the store's column)."""
TEXT_LIMIT = 10_000
"""Longer free text: a scenario, what was decided, its context."""


def clean_text(text: str, *, limit: int) -> str:
    """`text` without control or bidi characters, cut to `limit` characters (an ellipsis
    marks a cut)."""
    for old, new in LINE_BREAKS.items():
        text = text.replace(old, new)
    kept = "".join(
        ch
        for ch in text
        if ch in "\n\t"
        or not (unicodedata.category(ch) == "Cc" or ch in BIDI_CONTROLS or ch == "\ufeff")
    )
    return kept if len(kept) <= limit else kept[: limit - 1] + "…"


def too_long(text: str, *, limit: int) -> bool:
    """Whether `text`, once cleaned of control characters, is over `limit`."""
    return len(clean_text(text, limit=len(text) + 1)) > limit
