"""The official Notion SDK client: paced, retrying 429s after Retry-After, on the newest
Notion-Version by default (a workspace not ready for it pins an older one)."""

from __future__ import annotations

import logging

import httpx
from notion_client import Client
from notion_client.client import ClientOptions, RetryOptions

from cxbot.adapters.notion.pacing import Pacer

NOTION_VERSION = "2026-12-01"
SUPPORTED_VERSIONS = ("2026-12-01", "2026-03-11", "2025-09-03")
"""What cxbot speaks, newest first (NOTION_API_VERSION picks one; each works the same:
cxbot asks lists for the properties it reads and never sends `archived`)."""


def notion_client(
    *,
    token: str,
    base_url: str,
    timeout_seconds: float,
    pacer: Pacer,
    version: str = NOTION_VERSION,
) -> Client:
    http = httpx.Client(event_hooks={"request": [pacer.hook]})
    options = ClientOptions(
        auth=token,
        base_url=base_url.rstrip("/"),
        timeout_ms=int(timeout_seconds * 1000),
        notion_version=version,
        retry=RetryOptions(max_retries=6, initial_retry_delay_ms=500, max_retry_delay_ms=30_000),
        log_level=logging.ERROR,
    )
    return Client(options, client=http)
