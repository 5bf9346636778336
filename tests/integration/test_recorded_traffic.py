"""The Notion emulator against real recorded Notion traffic (VCR cassettes), when given.

Point `CXBOT_RECORDED_NOTION` at a folder of cassettes (e.g. `tests/cassettes` of the
notion-sdk-py repository); without it the test is skipped. Every recorded request the
emulator implements is replayed (ids mapped from the recording to the emulator's), and the
emulator's answer must have the recorded status class and every field the real answer has,
at every depth. Requests for endpoints it does not implement must still be answered in
Notion's error shape, never with a dropped connection.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from cxbot.emulators.notion import NotionEmulator

FOLDER = os.environ.get("CXBOT_RECORDED_NOTION", "")
IMPLEMENTED = (
    ("GET", r"/v1/users(/me|/[^/]+)?"),
    ("POST", r"/v1/search"),
    ("POST", r"/v1/databases"),
    ("GET", r"/v1/databases/[^/]+"),
    ("PATCH", r"/v1/databases/[^/]+"),
    ("POST", r"/v1/data_sources"),
    ("GET", r"/v1/data_sources/[^/]+"),
    ("PATCH", r"/v1/data_sources/[^/]+"),
    ("POST", r"/v1/data_sources/[^/]+/query"),
    ("POST", r"/v1/pages"),
    ("GET", r"/v1/pages/[^/]+"),
    ("PATCH", r"/v1/pages/[^/]+"),
    ("DELETE", r"/v1/blocks/[^/]+"),
)
_ID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}")


def _cassettes() -> list[Path]:
    if not FOLDER or not Path(FOLDER).is_dir():
        return []
    return sorted(Path(FOLDER).glob("*.yaml"))


def _plain(raw: str) -> str:
    return raw.replace("-", "").lower()


def _missing(real: Any, ours: Any, where: str) -> list[str]:
    """Fields the real answer has that ours lacks, at every depth."""
    out: list[str] = []
    if isinstance(real, dict) and isinstance(ours, dict):
        for key, value in real.items():
            if key not in ours:
                out.append(f"{where}.{key}")
            elif key != "properties" or where.count(".") < 2:
                out.extend(_missing(value, ours[key], f"{where}.{key}"))
    elif isinstance(real, list) and isinstance(ours, list) and real and ours:
        for index, item in enumerate(real):  # compare like with like: a bot with a bot
            kind = (item.get("object"), item.get("type")) if isinstance(item, dict) else None
            twin = next(
                (
                    o
                    for o in ours
                    if isinstance(o, dict) and (o.get("object"), o.get("type")) == kind
                ),
                None,
            )
            if twin is not None:
                out.extend(_missing(item, twin, f"{where}[{index}]"))
    return out


def _learn(real: Any, ours: Any, ids: dict[str, str]) -> None:
    """Maps the recording's ids to the emulator's, walking both answers together."""
    if isinstance(real, dict) and isinstance(ours, dict):
        for key, value in real.items():
            if key == "id" and isinstance(value, str) and isinstance(ours.get(key), str):
                if _ID.fullmatch(value):
                    ids.setdefault(_plain(value), ours[key])
            elif key in ours:
                _learn(value, ours[key], ids)
    elif isinstance(real, list) and isinstance(ours, list):
        for a, b in zip(real, ours, strict=False):
            _learn(a, b, ids)


def _mapped(text: str, ids: dict[str, str]) -> str:
    return _ID.sub(lambda m: ids.get(_plain(m[0]), m[0]), text)


@pytest.mark.skipif(not _cassettes(), reason="CXBOT_RECORDED_NOTION is not set to cassettes")
@pytest.mark.parametrize("cassette", _cassettes(), ids=lambda p: p.stem)
def test_the_emulator_answers_recorded_requests_like_notion(cassette: Path) -> None:
    recording = yaml.safe_load(cassette.read_text())
    with NotionEmulator(tokens={"secret_replay"}, rate_limit=False) as notion:
        ids: dict[str, str] = {}
        differences: list[str] = []
        for number, interaction in enumerate(recording["interactions"]):
            request, response = interaction["request"], interaction["response"]
            uri = request["uri"]
            if not uri.startswith("https://api.notion.com/"):
                continue
            path = uri.removeprefix("https://api.notion.com").split("?")[0]
            body_text = request.get("body") or ""
            for raw in _ID.findall(path + body_text):  # a parent the recording did not create
                if _plain(raw) not in ids and request["method"] == "POST" and "parent" in body_text:
                    ids[_plain(raw)] = notion.workspace.add_page("shared page", page_id=raw)
            if request["method"] == "DELETE" and _plain(path.rsplit("/", 1)[-1]) not in ids:
                continue  # a block the recording made through an endpoint not emulated
            real_status = response["status"]["code"]
            token = "a-revoked-token" if real_status == 401 else "secret_replay"
            query = uri.partition("?")[2]
            answer = httpx.request(
                request["method"],
                notion.base_url + _mapped(path, ids) + (f"?{query}" if query else ""),
                content=_mapped(body_text, ids).encode() if body_text else None,
                headers={
                    "Authorization": f"Bearer {token}",
                    "Notion-Version": (request["headers"].get("notion-version") or ["2025-09-03"])[
                        0
                    ],
                    "Content-Type": "application/json",
                },
                timeout=10,
            )
            ours = answer.json()  # never a dropped connection or a non-JSON answer
            implemented = any(
                request["method"] == m and re.fullmatch(p, path) for m, p in IMPLEMENTED
            )
            if not implemented:
                assert ours.get("object") == "error" and "request_id" in ours, (number, ours)
                continue
            real = json.loads(response["body"]["string"] or "{}")
            if real_status // 100 != answer.status_code // 100:
                differences.append(
                    f"#{number} {request['method']} {path}: {real_status} "
                    f"recorded, {answer.status_code} {ours.get('message')}"
                )
                continue
            _learn(real, ours, ids)
            differences += [f"#{number} {request['method']} {path}: no {field}"
                            for field in _missing(real, ours, "")]  # fmt: skip
        assert differences == []
