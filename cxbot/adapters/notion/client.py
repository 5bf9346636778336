"""The official Notion SDK client: paced, retrying 429s after Retry-After, 2025-09-03."""

from __future__ import annotations

import logging

import httpx
from notion_client import Client
from notion_client.client import ClientOptions, RetryOptions

from cxbot.adapters.notion.pacing import Pacer

NOTION_VERSION = "2025-09-03"


def notion_client(*, token: str, base_url: str, timeout_seconds: float, pacer: Pacer) -> Client:
    http = httpx.Client(event_hooks={"request": [pacer.hook]})
    options = ClientOptions(
        auth=token,
        base_url=base_url.rstrip("/"),
        timeout_ms=int(timeout_seconds * 1000),
        notion_version=NOTION_VERSION,
        retry=RetryOptions(max_retries=6, initial_retry_delay_ms=500, max_retry_delay_ms=30_000),
        log_level=logging.ERROR,
    )
    return Client(options, client=http)
