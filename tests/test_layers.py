"""The layers hold at import level: a test anyone can run, an AST walk of every module.

domain: the standard library and pydantic only. ports: the standard library and the
domain. service: no adapters, entrypoints, settings, SDKs or APScheduler. adapters: any
SDK, but of cxbot only ports, domain and other adapters (never a service). entrypoints:
no adapters, settings or SDK clients; they reach the root only through the lazy factory.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cxbot"
STDLIB = set(sys.stdlib_module_names) | {"__future__"}
SDKS = {
    "notion_client",
    "slack_sdk",
    "slack_bolt",
    "gspread",
    "google",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "httpx",
    "holidays",
    "jinja2",
    "yaml",
    "openpyxl",
    "requests",
}
ANY = {"*"}
RULES: dict[str, tuple[set[str], set[str]]] = {
    # layer: (allowed third-party top-level packages, forbidden cxbot subpackages)
    "domain": (
        {"pydantic"},
        {"ports", "service", "adapters", "entrypoints", "bootstrap", "settings", "emulators"},
    ),
    "ports": (set(), {"service", "adapters", "entrypoints", "bootstrap", "settings", "emulators"}),
    "service": ({"pydantic"}, {"adapters", "entrypoints", "bootstrap", "settings", "emulators"}),
    # adapters: any SDK they wrap, but only ports and domain of cxbot (and each other)
    "adapters": (ANY, {"service", "entrypoints", "bootstrap", "settings", "emulators"}),
    "entrypoints": (
        {"click", "rich", "apscheduler", "procrastinate", "pydantic"},
        {"adapters", "settings", "emulators"},
    ),
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _violations(layer: str) -> list[str]:
    allowed, forbidden = RULES[layer]
    problems = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for line, module in _imports(path):
            top = module.split(".")[0]
            where = f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
            if top == "cxbot":
                parts = module.split(".")
                if len(parts) > 1 and parts[1] in forbidden:
                    if layer == "entrypoints" and module == "cxbot.bootstrap":
                        continue  # the lazy factory in cli/app.py
                    problems.append(where)
            elif top in STDLIB or allowed is ANY:
                continue
            elif top not in allowed or top in SDKS:
                problems.append(where)
    return problems


@pytest.mark.parametrize("layer", sorted(RULES))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    assert _violations(layer) == []


def test_the_walk_finds_a_forbidden_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check itself can fail: a service module importing an SDK is reported."""
    fake = tmp_path / "cxbot"
    (fake / "service").mkdir(parents=True)
    (fake / "service" / "bad.py").write_text(
        "from slack_sdk import WebClient\nfrom cxbot.adapters.store import sql_store\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    assert len(_violations("service")) == 2


def test_the_walk_finds_an_adapter_reaching_into_a_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "cxbot"
    (fake / "adapters").mkdir(parents=True)
    (fake / "adapters" / "bad.py").write_text(
        "from slack_sdk import WebClient\nfrom cxbot.service.delivery import ExactlyOnce\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    assert _violations("adapters") == ["cxbot/adapters/bad.py:2 imports cxbot.service.delivery"]


def test_only_the_cli_factory_imports_the_root() -> None:
    users = [
        path.relative_to(PACKAGE).as_posix()
        for path in (PACKAGE / "entrypoints").rglob("*.py")
        if any(module == "cxbot.bootstrap" for _, module in _imports(path))
    ]
    assert users == ["entrypoints/cli/app.py"]
