"""`cxbot doctor`: every file the user wrote checked on its own, then every adapter's check,
told in the locale's words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from cxbot.adapters.findings import bad, ok
from cxbot.adapters.rendering import Renderer, say
from cxbot.adapters.yaml_files import (
    load_centres,
    load_company_calendar,
    load_owners,
    load_reminder_settings,
    load_schedules,
)
from cxbot.bootstrap.root import build, read_settings
from cxbot.domain.notices import notice
from cxbot.ports.common import Finding
from cxbot.ports.errors import CxbotError, InputError
from cxbot.service.doctor import Diagnosis
from cxbot.settings import Settings


def diagnose(
    settings: Settings | None = None, *, clock: Callable[[], datetime] | None = None
) -> Diagnosis:
    """`cxbot doctor`: every file the user wrote checked on its own, then every adapter's
    check — a bad file is a finding, never the end of the check-up — in the locale's words."""
    try:
        settings = settings or read_settings()
    except InputError as error:
        return Diagnosis(findings=[bad("settings", "as_written", text=str(error))])
    try:
        labels = Renderer(settings.cxbot_templates_dir, settings.cxbot_locale).labels
    except (CxbotError, OSError):  # templates that cannot be read: their finding says why
        labels = {}
    return Diagnosis(findings=_findings(settings, clock), words=lambda said: say(labels, said))


def _findings(settings: Settings, clock: Callable[[], datetime] | None) -> list[Finding]:
    findings, set_aside = _file_findings(settings)
    try:  # the rest is checked without the files found bad
        cases = build(settings.model_copy(update=set_aside), clock=clock)
    except CxbotError as error:
        reported = {f.detail for f in findings}
        if str(error) not in reported:
            findings.append(bad("start-up", "as_written", text=str(error)))
        return findings
    try:
        return findings + cases.doctor.run()
    finally:
        cases.close()


def _file_findings(settings: Settings) -> tuple[list[Finding], dict[str, Any]]:
    """The YAML files of the settings, each read on its own: what is wrong with each, and
    the settings to set aside (back to their defaults) so the rest can still be checked."""
    found: list[Finding] = []
    set_aside: dict[str, Any] = {}
    loaders: list[tuple[str, str, Callable[[Path], object]]] = [
        ("cxbot_reminders_file", "reminders_file", load_reminder_settings),
        ("cxbot_company_calendar", "company_calendar", load_company_calendar),
        ("cxbot_schedule_file", "job_schedule", load_schedules),
        ("cxbot_owners_file", "owners_file", load_owners),
        ("cxbot_centres_file", "centres_file", load_centres),
    ]
    for setting, label, load in loaders:
        path: Path | None = getattr(settings, setting)
        if path is None:
            continue
        what = notice(label)
        problem = None
        if not path.exists():
            problem = notice("no_such_file", label=what, path=str(path), setting=setting.upper())
        else:
            try:
                load(path)
            except CxbotError as error:
                problem = notice("as_written", text=str(error))
        if problem is None:
            found.append(ok(label, "file_ok", label=what, path=str(path)))
            continue
        found.append(Finding(name=label, state="bad", said=problem))
        set_aside[setting] = Settings.model_fields[setting].get_default(call_default_factory=True)
    return found, set_aside
