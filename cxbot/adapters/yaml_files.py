"""Reading the YAML files users write: checklist templates, owners, company calendar.

Every error names the file, the entry and the field at fault.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationError

from cxbot.adapters.cron import cron_trigger
from cxbot.adapters.findings import bad, ok
from cxbot.domain.centres import Centre, CentresFile
from cxbot.domain.checklist import (
    ChecklistTemplate,
    TemplateItem,
    range_warnings,
    structure_problems,
)
from cxbot.domain.owners import OwnerDirectory, Person
from cxbot.domain.policy import ReminderPolicy
from cxbot.domain.reminders import ReminderSettings, Routing
from cxbot.domain.schedule import ScheduleFile
from cxbot.domain.template_extension import extend
from cxbot.ports.checklists import TemplateCheck
from cxbot.ports.common import Finding
from cxbot.ports.errors import CxbotError, InputError, NotFound
from cxbot.ports.jobs import Schedule


def read_yaml(path: Path) -> Any:
    """A YAML file as data; a missing file, bad bytes, bad YAML or an impossible date is an
    error naming the file and the line."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: a folder, not a YAML file") from None
    text = _utf8(path, data)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown place"
        problem = getattr(error, "problem", None) or str(error)
        raise InputError(f"{path}: not valid YAML at {where}: {problem}") from None
    except ValueError as error:  # YAML reads 2027-02-30 as a date, and no such day exists
        line, value = _impossible_date(text)
        raise InputError(
            f"{path}: line {line}: {value!r} is not a real date ({error}); write YYYY-MM-DD"
        ) from None


def _utf8(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        try:
            data.decode("cp949")
            hint = "it looks like CP949/EUC-KR (Korean Windows): save it as UTF-8"
        except UnicodeDecodeError:
            hint = "save it as UTF-8 text"
        raise InputError(
            f"{path}: line {line}: not UTF-8 text (byte 0x{data[error.start]:02x}) — {hint}"
        ) from None


def _impossible_date(text: str) -> tuple[int, str]:
    """Where the date that PyYAML could not build stands: (line, its text)."""
    constructor = yaml.constructor.SafeConstructor()
    pending = [yaml.compose(text)]
    while pending:
        node = pending.pop()
        if isinstance(node, yaml.MappingNode):
            pending.extend(n for pair in node.value for n in pair)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, yaml.ScalarNode) and node.tag.endswith(":timestamp"):
            try:
                constructor.construct_yaml_timestamp(node)
            except ValueError:
                return node.start_mark.line + 1, str(node.value)
    return 0, "?"


def describe_validation(path: Path, raw: Any, error: ValidationError) -> str:
    """One line per problem: file, entry (with its key when it has one), field, message."""
    problems = error.errors()
    # A list whose entries are wrong is not also "too short": its bad entries were dropped.
    inner = [tuple(p["loc"]) for p in problems]
    problems = [
        p
        for p in problems
        if not (
            p["type"] == "too_short"
            and any(len(o) > len(p["loc"]) and o[: len(p["loc"])] == tuple(p["loc"]) for o in inner)
        )
    ]
    lines = [f"{path}: {len(problems)} problem(s)"]
    for problem in problems:
        loc = list(problem["loc"])
        where = _where(raw, loc)
        lines.append(f"  - {where}: {_message(problem)}")
    return "\n".join(lines)


def _where(raw: Any, loc: list[int | str]) -> str:
    parts: list[str] = []
    node = raw
    for step in loc:
        if isinstance(step, int):
            label = f"[{step + 1}]"
            if isinstance(node, list) and step < len(node):
                node = node[step]
                if isinstance(node, dict) and "key" in node:
                    label = f"[{step + 1}] (key {node['key']!r})"
            parts.append(label)
        else:
            if isinstance(node, dict):
                node = node.get(step)
            parts.append(f".{step}" if parts else str(step))
    text = "".join(parts) or "top level"
    if loc and isinstance(loc[-1], str) and len(loc) > 1:
        return f"{text.rsplit('.', 1)[0]}, field {loc[-1]!r}"
    return text


def load_template(path: Path) -> ChecklistTemplate:
    raw = _template_raw(path, ())
    listed, named = raw.get("items"), raw.get("departments")
    items: list[Any] = listed if isinstance(listed, list) else []
    departments: dict[str, Any] = named if isinstance(named, dict) else {}
    structure = [
        f"  - {_where(raw, ['items', index, field])}: {message}"
        for index, field, message in structure_problems(items, departments)
    ]
    try:
        template = ChecklistTemplate.model_validate(raw)
    except ValidationError as error:
        fields = [e for e in error.errors() if e["loc"]]  # the model-level one is `structure`
        lines = [f"  - {_where(raw, list(e['loc']))}: {_message(e)}" for e in fields]
        every = lines + structure
        raise InputError("\n".join([f"{path}: {len(every)} problem(s)", *every])) from None
    return template


def load_added_items(path: Path) -> tuple[TemplateItem, ...]:
    """Items of a launch's own (`launch create --add FILE`): a list of items written as in
    a template (or a mapping with `items:`), every problem named."""
    raw = read_yaml(path)
    listed = raw.get("items") if isinstance(raw, dict) else raw
    if not isinstance(listed, list) or not listed:
        raise InputError(f"{path}: a list of items (key, title, department, due, scenario)")
    items: list[TemplateItem] = []
    problems: list[str] = []
    for index, entry in enumerate(listed):
        try:
            items.append(TemplateItem.model_validate(entry))
        except ValidationError as error:
            for e in error.errors():
                where = _where({"items": listed}, ["items", index, *e["loc"]])
                problems.append(f"  - line {_line(path, (index,))}: {where}: {_message(e)}")
    if problems:
        raise InputError("\n".join([f"{path}: {len(problems)} problem(s)", *problems]))
    return tuple(items)


MAX_EXTENDS = 5


def _template_raw(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    """A template file as raw data; one that `extends` another comes out merged over its
    base (which may extend a third), every problem named with its line."""
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise InputError(f"{path}: a template is a mapping with key, name, departments, items")
    raw.setdefault("key", path.stem)
    if "extends" not in raw:
        return raw
    name = raw["extends"]
    here = _line(path, ("extends",))
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"{path}: line {here}: extends: names a template, e.g. partner-mall")
    if len(seen) >= MAX_EXTENDS or path.resolve() in {p.resolve() for p in seen}:
        chain = " → ".join(p.stem for p in (*seen, path))
        raise InputError(f"{path}: line {here}: templates extend each other in a loop ({chain})")
    try:
        base_path = find_template(path.parent, name.strip())
    except NotFound as missing:
        raise InputError(f"{path}: line {here}: extends {name!r}: {missing}") from None
    merged, problems = extend(_template_raw(base_path, (*seen, path)), raw)
    if problems:
        lines = [
            f"  - line {_line(path, p.where)}: {_path_text(p.where)}: {p.message}" for p in problems
        ]
        raise InputError("\n".join([f"{path}: {len(lines)} problem(s)", *lines]))
    return merged


def _path_text(where: tuple[str | int, ...]) -> str:
    text = ""
    for step in where:
        text += f"[{step + 1}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def _line(path: Path, where: tuple[str | int, ...]) -> int:
    """The line of a key or list entry in a YAML file (that of its parent when it is
    not there): what a person looks for in their editor."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8-sig"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return 1
    line = node.start_mark.line + 1 if node is not None else 1
    for step in where:
        found = None
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if k.value == step), None)
            key_node = next((k for k, v in node.value if k.value == step), None)
            if key_node is not None:
                line = key_node.start_mark.line + 1
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value)
        ):
            found = node.value[step]
            line = found.start_mark.line + 1
        if found is None:
            break
        node = found
    return line


def _message(problem: Any) -> str:
    return str(problem["msg"]).removeprefix("Value error, ")


def find_template(folder: Path, name: str) -> Path:
    """A template by its key (file stem) or by path."""
    candidate = Path(name)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return candidate
    for suffix in (".yaml", ".yml"):
        path = folder / f"{name}{suffix}"
        if path.exists():
            return path
    known = ", ".join(sorted(p.stem for p in folder.glob("*.y*ml"))) or "none"
    raise NotFound(f"no template {name!r} in {folder}/ (known: {known})")


class _PersonFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    email: EmailStr | None = None
    slack_id: str | None = Field(default=None, pattern=r"^[UW][A-Z0-9]{2,}$")


class _DepartmentFile(_PersonFile):
    members: list[EmailStr] = Field(
        default_factory=list,
        description="others who may tick the department's items from Slack (emails)",
    )


class _OwnersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    planner: _PersonFile | None = None
    departments: dict[str, _DepartmentFile] = Field(default_factory=dict)


def load_owners(path: Path | None) -> OwnerDirectory:
    if path is None:
        return OwnerDirectory()
    raw = read_yaml(path) or {}
    try:
        parsed = _OwnersFile.model_validate(raw)
    except ValidationError as error:
        raise InputError(describe_validation(path, raw, error)) from None

    def person(entry: _PersonFile) -> Person:
        return Person(name=entry.name, email=entry.email, slack_id=entry.slack_id)

    return OwnerDirectory(
        owners={key: person(entry) for key, entry in parsed.departments.items()},
        planner=person(parsed.planner) if parsed.planner else None,
        members={
            key: tuple(str(email) for email in entry.members)
            for key, entry in parsed.departments.items()
            if entry.members
        },
    )


class _CompanyCalendarFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    closures: dict[date, str] = Field(default_factory=dict)
    extra_workdays: list[date] = Field(default_factory=list)


def load_company_calendar(path: Path | None) -> tuple[dict[date, str], list[date]]:
    """Company closures (date → reason) and extra working days from a YAML file."""
    if path is None:
        return {}, []
    raw = read_yaml(path) or {}
    try:
        parsed = _CompanyCalendarFile.model_validate(raw)
    except ValidationError as error:
        raise InputError(describe_validation(path, raw, error)) from None
    return parsed.closures, parsed.extra_workdays


class _QuietHours(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: time = time(20, 0)
    end: time = time(8, 0)


class _Channels(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cx: str = ""
    departments: dict[str, str] = Field(default_factory=dict)


class _RemindersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    send_at: time = time(9, 30)
    late_after_minutes: int = Field(default=30, ge=0)
    quiet_hours: _QuietHours = Field(default_factory=_QuietHours)
    policy: ReminderPolicy = Field(default_factory=ReminderPolicy)
    channels: _Channels = Field(default_factory=_Channels)


def load_reminder_settings(path: Path | None) -> ReminderSettings:
    """The reminder job's settings; defaults when there is no file."""
    raw = (read_yaml(path) or {}) if path is not None and path.exists() else {}
    try:
        parsed = _RemindersFile.model_validate(raw)
    except ValidationError as error:
        raise InputError(describe_validation(path or Path("reminders"), raw, error)) from None
    return ReminderSettings(
        policy=parsed.policy,
        routing=Routing(
            department_channels={k: v for k, v in parsed.channels.departments.items() if v},
            cx_channel=parsed.channels.cx or None,
        ),
        send_at=parsed.send_at,
        quiet_start=parsed.quiet_hours.start,
        quiet_end=parsed.quiet_hours.end,
        late_after=timedelta(minutes=parsed.late_after_minutes),
    )


def load_centres(path: Path | None) -> tuple[Centre, ...]:
    """The contact centres cxbot briefs (jobs/centres.yaml); none without the file."""
    if path is None or not path.exists():
        return ()
    raw = read_yaml(path) or {}
    try:
        return CentresFile.model_validate(raw).centres
    except ValidationError as error:
        raise InputError(describe_validation(path, raw, error)) from None


def load_schedules(path: Path) -> dict[str, Schedule]:
    """The jobs and their schedules from jobs/schedule.yaml, validated."""
    raw = read_yaml(path) or {}
    try:
        parsed = ScheduleFile.model_validate(raw)
        tz = ZoneInfo(parsed.timezone)
    except ValidationError as error:
        raise InputError(describe_validation(path, raw, error)) from None
    except (KeyError, ValueError):
        raise InputError(f"{path}: unknown timezone {raw.get('timezone')!r}") from None
    return {
        name: Schedule(name, spec, cron_trigger(spec.cron, tz), tz)
        for name, spec in parsed.jobs.items()
    }


class YamlTemplates:
    """The TemplateCatalog over `checklists/*.yaml` and owners files. The folder's
    templates are read once and again only when a file in it changes (added, removed,
    edited: its size or modification time): every step of a Slack kick-off asks for them
    within Slack's three seconds, and parsing and checking YAML is most of that work."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._seen: tuple[tuple[str, int, int], ...] = ()
        self._loaded: dict[Path, ChecklistTemplate | CxbotError] = {}

    def find(self, name: str) -> ChecklistTemplate:
        return self._load(find_template(self.folder, name))

    def _load(self, path: Path) -> ChecklistTemplate:
        """`load_template`, remembered while no file of the folder changes (a template may
        extend any other one there)."""
        if path.parent.resolve() != self.folder.resolve():
            return load_template(path)
        state = self._state()
        with self._lock:
            if state != self._seen:
                self._seen, self._loaded = state, {}
            known = self._loaded.get(path)
        if known is None:
            try:
                known = load_template(path)
            except CxbotError as error:
                known = error
            with self._lock:
                if state == self._seen:
                    self._loaded[path] = known
        if isinstance(known, CxbotError):
            raise known
        return known

    def _state(self) -> tuple[tuple[str, int, int], ...]:
        found = []
        for path in sorted(self.folder.glob("*.y*ml")):
            try:
                stat = path.stat()
            except OSError:
                continue
            found.append((path.name, stat.st_mtime_ns, stat.st_size))
        return tuple(found)

    def check_all(self, paths: Sequence[str] = ()) -> list[TemplateCheck]:
        files = [Path(p) for p in paths] or sorted(self.folder.glob("*.y*ml"))
        checked = []
        for path in files:
            try:
                template = self._load(path)
                checked.append(
                    TemplateCheck(
                        path=str(path),
                        template=template,
                        error=None,
                        warnings=tuple(range_warnings(template)),
                    )
                )
            except CxbotError as error:
                checked.append(TemplateCheck(path=str(path), template=None, error=str(error)))
        return checked

    def owners(self, path: str | None) -> OwnerDirectory:
        return load_owners(Path(path) if path else None)

    def added_items(self, path: str) -> tuple[TemplateItem, ...]:
        return load_added_items(Path(path))

    def check(self) -> list[Finding]:
        checked = self.check_all()
        if not checked:
            return [bad("templates", "no_templates", folder=str(self.folder))]
        return [
            ok(
                f"template {Path(c.path).name}",
                "template_ok",
                key=c.template.key,
                count=len(c.template.items),
            )
            if c.template is not None
            else bad(
                f"template {Path(c.path).name}",
                "template_bad",
                file=Path(c.path).name,
                error=str(c.error),
            )
            for c in checked
        ]
