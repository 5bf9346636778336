"""Errors a user can act on. Each message names the thing at fault."""

from __future__ import annotations


class CxbotError(Exception):
    """Base for errors shown to the user as a message, not a traceback."""


class InputError(CxbotError, ValueError):
    """A file or argument the user gave is wrong; the message says where."""


class ConflictError(CxbotError, RuntimeError):
    """What was asked contradicts what is already recorded."""


class NotConfigured(InputError):
    """Nothing is set up for this part (no promotion calendar): a scheduled job skips it."""


class NotFound(CxbotError, LookupError):
    """A launch, item or template that does not exist."""


class RemoteError(CxbotError, RuntimeError):
    """An outside service refused or failed; the message says what to do."""
