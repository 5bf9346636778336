"""What a new user hit in the first week: a half-configured sheet, no calendar at all, files
saved by Korean Excel, settings and files with mistakes — each said plainly, nothing synced
that was not asked for."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest

from cxbot.adapters.calendar_sources import MissingSource
from cxbot.domain.notices import notice
from cxbot.ports.errors import InputError
from cxbot.service.scheduled_jobs import job_functions

HANGUL = re.compile("[가-힣]")
SHEET_URL = "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOp/edit#gid=0"


def test_a_sheet_without_a_service_account_syncs_nothing_and_says_what_is_missing(
    run: Any,
) -> None:
    env = {"CXBOT_CALENDAR_SHEET": SHEET_URL, "GOOGLE_SERVICE_ACCOUNT_FILE": ""}
    result = run("calendar", "sync", env=env)
    assert result.exit_code != 0
    assert "GOOGLE_SERVICE_ACCOUNT_FILE" in result.output and "share the sheet" in result.output
    assert "Traceback" not in result.output
    assert run("calendar", "list", "--all", env=env).stdout.strip() == ""  # not the sample
    doctor = run("doctor", env=env)
    said = "✗ CXBOT_CALENDAR_SHEET 는 있지만 GOOGLE_SERVICE_ACCOUNT_FILE 이 없습니다"
    assert said in doctor.output


def test_a_service_account_without_a_sheet_says_which_setting_is_missing(
    run: Any, tmp_path: Path
) -> None:
    key = tmp_path / "key.json"
    key.write_text("{}", encoding="utf-8")
    env = {"GOOGLE_SERVICE_ACCOUNT_FILE": str(key), "CXBOT_CALENDAR_SHEET": ""}
    result = run("calendar", "sync", env=env)
    assert result.exit_code != 0 and "CXBOT_CALENDAR_SHEET is not" in result.output


def test_no_calendar_configured_syncs_no_sample(run: Any) -> None:
    result = run("calendar", "sync", env={"CXBOT_CALENDAR_SHEET": "", "CXBOT_CALENDAR_FILE": ""})
    assert result.exit_code != 0
    assert "no promotion calendar configured" in result.output
    assert "`cxbot demo`" in result.output
    assert run("calendar", "list", "--all").stdout.strip() == ""


class _Sync:
    def __init__(self, source: MissingSource) -> None:
        self.source = source

    def run(self, *, now: datetime) -> Any:
        self.source.fingerprint()


def test_the_scheduled_calendar_job_skips_without_a_calendar_and_fails_on_half_of_one() -> None:
    tick = datetime(2026, 12, 3, 9, tzinfo=UTC)

    def job(source: MissingSource) -> Any:
        unused: Any = None
        jobs = job_functions(
            status_sync=unused,
            calendar=cast(Any, _Sync(source)),
            reminders=unused,
            weekly=unused,
            briefs=unused,
        )
        return jobs["calendar-sync"](tick)

    skipped = job(MissingSource(notice("no_calendar"), configured=False))
    assert skipped == {"changes": 0, "skipped": str(notice("no_calendar"))}
    assert "no promotion calendar configured" in skipped["skipped"]
    half = MissingSource(notice("sheet_without_account"), configured=True)
    try:
        job(half)
    except InputError as error:
        assert "GOOGLE_SERVICE_ACCOUNT_FILE" in str(error)
    else:
        raise AssertionError("a half-configured calendar must fail the job, not skip it")


CALENDAR_ROWS = [
    "프로모션명,시작일,종료일,채널",
    "신년 빅세일,2027-01-14,2027-01-20,앱",
    "설 선물전,2027-01-25,2027-02-03,웹",
]


def test_a_calendar_saved_by_korean_excel_in_cp949_is_read(run: Any, tmp_path: Path) -> None:
    for encoding, name in (("cp949", "ansi.csv"), ("utf-8-sig", "bom.csv"), ("utf-16", "u16.csv")):
        path = tmp_path / name
        path.write_bytes("\r\n".join(CALENDAR_ROWS).encode(encoding))
        result = run("calendar", "sync", "--dry-run", env={"CXBOT_CALENDAR_FILE": str(path)})
        assert result.exit_code == 0, (encoding, result.output)
        assert "신년 빅세일" in result.output and "설 선물전" in result.output, encoding
    tabbed = tmp_path / "unicode-text.csv"  # Excel's "Unicode text": UTF-16, tab-separated
    tabbed.write_bytes("\r\n".join(r.replace(",", "\t") for r in CALENDAR_ROWS).encode("utf-16"))
    result = run("calendar", "sync", "--dry-run", env={"CXBOT_CALENDAR_FILE": str(tabbed)})
    assert result.exit_code == 0 and "신년 빅세일 (2027-01-14 ~ 2027-01-20)" in result.output


def test_a_binary_csv_or_a_non_zip_xlsx_gets_one_clear_line(run: Any, tmp_path: Path) -> None:
    binary = tmp_path / "calendar.csv"
    binary.write_bytes(b"PK\x03\x04\x00\x00\x08\x00" + bytes(range(256)))
    fake = tmp_path / "calendar.xlsx"
    fake.write_text("\n".join(CALENDAR_ROWS), encoding="utf-8")
    for path, words in ((binary, "not a text CSV"), (fake, "not an Excel workbook")):
        result = run("calendar", "sync", env={"CXBOT_CALENDAR_FILE": str(path)})
        assert result.exit_code != 0 and words in result.output
        assert "Traceback" not in result.output and str(path) in result.output


def test_a_time_zone_that_does_not_exist_names_the_setting(run: Any) -> None:
    result = run("status", env={"CXBOT_TIMEZONE": "Mars/Base"})
    assert result.exit_code != 0
    assert "CXBOT_TIMEZONE: 'Mars/Base' is not a time zone" in result.output


@pytest.mark.parametrize("entry", ["김지현", "jihyun.kim@", "@", "slack:U123", "s0614tzr7"])
def test_a_planner_that_is_neither_an_email_nor_a_user_group_names_the_setting(
    run: Any, entry: str
) -> None:
    result = run("status", env={"CXBOT_PLANNERS": f"jihyun.kim@example.com, {entry}"})
    assert result.exit_code != 0
    assert "CXBOT_PLANNERS" in result.output and repr(entry) in result.output


def test_an_impossible_company_holiday_names_the_file_and_line(run: Any, tmp_path: Path) -> None:
    company = tmp_path / "company.yaml"
    company.write_text("closures:\n  2027-02-12: 창립기념일\n  2027-02-30: 워크숍\n", "utf-8")
    result = run("status", env={"CXBOT_COMPANY_CALENDAR": str(company)})
    assert result.exit_code != 0
    assert f"{company}: line 3: '2027-02-30' is not a real date" in result.output


def test_a_template_saved_in_cp949_names_the_file_and_line(run: Any, tmp_path: Path) -> None:
    folder = tmp_path / "checklists"
    folder.mkdir()
    source = Path(__file__).parents[2] / "checklists" / "payment-method.yaml"
    text = source.read_text(encoding="utf-8")
    (folder / "payment-method.yaml").write_bytes(text.encode("cp949", errors="replace"))
    result = run("templates", "check", env={"CXBOT_CHECKLISTS_DIR": str(folder)})
    assert result.exit_code != 0
    assert "payment-method.yaml: line " in result.output and "CP949" in result.output
    assert "Traceback" not in result.output


def test_one_launch_has_one_d_label_on_every_surface(run: Any, tmp_path: Path) -> None:
    """Opening Saturday 2027-01-02 (Friday 1/1 is 신정): on Thursday 2026-12-03 the launch is
    at D-20 in business days, the day its D-20 items are due — in the plan, `status`, the
    weekly report and its Slack summary alike; items say how far they are in business days."""
    import time_machine

    with time_machine.travel("2026-12-03 10:00 +0900", tick=False):
        plan = run("demo", "--open-date", "2027-01-02")
        assert "2026-12-03 (목)  D-20" in plan.output  # the items due today carry D-20
        status = run("status")
        assert "오픈 2027-01-02 [D-20 · 영업일 기준]" in status.output
        assert "2026-12-03 (오늘 마감)" in status.output
        assert "2026-11-19 (10영업일 지연)" in status.output and "⚠ 지연" not in status.output
        assert "D-day 2026-12-03" not in status.output  # no second D-label per item
        report = run("report", "weekly", "-f", "md", "-o", str(tmp_path / "r"))
        assert report.exit_code == 0, report.output
        (markdown,) = (tmp_path / "r").glob("*.md")
        text = markdown.read_text(encoding="utf-8")
        assert "| 2027-01-02 | D-20 |" in text and "· D-20 (영업일 기준)" in text
        slack = run("report", "weekly", "--post", "--dry-run")
        assert "오픈 2027-01-02 (D-20)" in slack.output
        listing = run("calendar", "list", "--header")
        assert "준비 기간" in listing.stdout.splitlines()[0]
        assert "D-" not in listing.stdout  # a promotion's lead time is no D-label


def _create(run: Any, env: dict[str, str]) -> Any:
    owners = Path(__file__).parents[2] / "examples" / "owners.yaml"
    return run(
        "launch", "create", "-t", "payment-method", "-n", "간편결제", "-d", "2027-03-02",
        "--owners", str(owners), "--yes", env=env,
    )  # fmt: skip


def test_a_wrong_notion_token_or_no_parent_page_leaves_no_half_launch(
    run: Any, notion_env: Any
) -> None:
    emulator, env = notion_env
    for broken, words in (
        ({**env, "NOTION_TOKEN": "secret_expired"}, "NOTION_TOKEN"),
        ({**env, "NOTION_PARENT_PAGE_ID": ""}, "NOTION_PARENT_PAGE_ID"),
    ):
        failed = _create(run, broken)
        assert failed.exit_code == 1 and words in failed.output, failed.output
        assert "Traceback" not in failed.output and "secret_expired" not in failed.output
        assert run("launch", "list", env=broken).stdout == ""  # nothing recorded locally
        assert "간편결제" not in run("status", env=broken).output
    assert emulator.requests("POST", r"^/v1/pages$") == []
    created = _create(run, env)
    assert created.exit_code == 0 and "notion에 기록 17개" in created.output


def test_an_opening_day_on_a_weekend_a_holiday_or_in_the_past_needs_a_yes(run: Any) -> None:
    import time_machine

    owners = str(Path(__file__).parents[2] / "examples" / "owners.yaml")
    base = ["launch", "create", "-t", "payment-method", "-n", "간편결제", "--owners", owners]
    with time_machine.travel("2026-12-03 10:00 +0900", tick=False):
        for day, words in (
            ("2027-02-08", "휴일(설날 다음날)"),
            ("2027-01-09", "주말(토요일)"),
            ("2026-11-30", "이미 지난 날짜"),
        ):
            refused = run(*base, "-d", day)
            assert refused.exit_code == 2 and words in refused.output, refused.output
            assert "--yes" in refused.output
            assert run("launch", "list").stdout == ""  # nothing planned
            preview = run(*base, "-d", day, "--dry-run")
            assert preview.exit_code == 0 and words in preview.output
        created = run(*base, "-d", "2027-02-08", "--yes")
        assert created.exit_code == 0 and "휴일(설날 다음날)" in created.output
        assert run("launch", "list").stdout.count("\n") == 1
        plain = run(*base[:4], "-n", "평일 오픈", "-d", "2027-02-15")
        assert plain.exit_code == 0 and "오픈일" not in plain.stderr


def test_doctor_lists_every_finding_past_a_bad_file(run: Any, tmp_path: Path) -> None:
    broken = tmp_path / "reminders.yaml"
    broken.write_text("send_at: [\n", encoding="utf-8")
    company = tmp_path / "company.yaml"
    company.write_text("closures:\n  2027-02-30: 워크숍\n", encoding="utf-8")
    env = {
        "CXBOT_REMINDERS_FILE": str(broken),
        "CXBOT_COMPANY_CALENDAR": str(company),
        "CXBOT_OWNERS_FILE": str(tmp_path / "missing-owners.yaml"),
    }
    result = run("doctor", env=env)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith("✗") and "reminders.yaml: not valid YAML" in line for line in lines)
    assert any(line.startswith("✗") and "'2027-02-30' is not a real date" in line for line in lines)
    assert any(
        line.startswith("✗ 담당자 파일")
        and "missing-owners.yaml: 파일이 없습니다 (CXBOT_OWNERS_FILE)" in line
        for line in lines
    )
    # … and everything after them was still checked
    assert any(line.startswith("✓ 템플릿 partner-mall: 항목 21개") for line in lines)
    assert any("Slack: 설정되지 않음" in line for line in lines)


def test_doctor_names_a_reminders_file_that_does_not_exist(run: Any, tmp_path: Path) -> None:
    result = run("doctor", env={"CXBOT_REMINDERS_FILE": str(tmp_path / "nope.yaml")})
    assert result.exit_code == 1
    assert "✗ 알림 설정 파일" in result.output and "파일이 없습니다" in result.output
    assert "✓ 알림 설정 파일" not in result.output


def test_doctor_tells_an_unreachable_notion_from_a_wrong_token(run: Any, notion_env: Any) -> None:
    _emulator, env = notion_env
    down = run("doctor", env={**env, "NOTION_BASE_URL": "http://127.0.0.1:9"})
    assert down.exit_code == 1 and "Notion에 연결할 수 없습니다" in down.output
    assert "통합(integration) 시크릿을 만들어" not in down.output
    wrong = run("doctor", env={**env, "NOTION_TOKEN": "secret_wrong"})
    assert "거부됨 (401 unauthorized)" in wrong.output
    assert "Notion에 연결할 수 없습니다" not in wrong.output
    no_parent = run("doctor", env={**env, "NOTION_PARENT_PAGE_ID": ""})
    assert "✗ NOTION_PARENT_PAGE_ID 가 설정되지 않았습니다" in no_parent.output


def test_version(run: Any) -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.output.startswith("cxbot ")


def test_history_and_audit_of_something_unknown_are_errors_and_limit_is_the_newest(
    run: Any,
) -> None:
    owners = str(Path(__file__).parents[2] / "examples" / "owners.yaml")
    run("launch", "create", "-t", "payment-method", "-n", "간편결제", "-d", "2027-03-02",
        "--owners", owners, "--yes")  # fmt: skip
    key = run("launch", "list").stdout.split("\t")[0]
    item = f"{key}/" + run("launch", "show", key).stdout.split(f"{key}/")[1].split()[0]
    assert run("item", "set-status", item, "done").exit_code == 0
    newest = run("history", "--limit", "1").stdout.strip().splitlines()
    assert len(newest) == 1 and "status: not_started → done" in newest[0]
    unknown = run("history", "--launch", "no-such-launch")
    assert unknown.exit_code != 0 and "no launch 'no-such-launch'" in unknown.output
    report = run("audit", "report", "--project", "없는 프로젝트")
    assert report.exit_code != 0 and "no decisions for project '없는 프로젝트'" in report.output
    assert "정상" not in report.output


def test_report_weekly_dry_run_writes_nothing(run: Any, tmp_path: Path) -> None:
    run("demo")
    folder = tmp_path / "dry"
    for args in ((), ("--post",)):
        result = run("report", "weekly", "-o", str(folder), "--dry-run", *args)
        assert result.exit_code == 0 and "would write" in result.output
        assert not folder.exists()


def test_a_database_driver_that_is_not_installed_names_the_real_extra() -> None:
    from cxbot.adapters.store.sql_store import open_store

    try:
        open_store("postgresql+pg8000://cxbot@127.0.0.1:5432/cxbot")
    except InputError as error:
        assert "pip install 'cxbot[postgres]'" in str(error) and "pg8000" in str(error)
    else:
        raise AssertionError("a missing driver must be an InputError naming the extra")


def test_socket_mode_does_not_ask_for_the_signing_secret() -> None:
    from cxbot.adapters.slack.inbound import SlackInboundAdapter

    def no_client() -> Any:
        from slack_sdk import WebClient

        return WebClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/")

    inbound = SlackInboundAdapter(
        signing_secret=None, app_token="xapp-test", bot_token="xoxb-test", web_client=no_client
    )
    assert inbound.app(socket_mode=True) is not None  # no SLACK_SIGNING_SECRET needed
    try:
        inbound.app()
    except InputError as error:
        assert "SLACK_SIGNING_SECRET" in str(error)  # HTTP still checks every signature
    else:
        raise AssertionError("serving over HTTP without a signing secret must be refused")


BAD_TEMPLATE = """key: bad
name: 나쁜 템플릿
departments:
  cx: CX기획
items:
  - {key: a, title: 하나, department: cx, due: D-3, scenario: 확인}
  - {key: a, title: 둘, department: salez, due: D-3, scenario: 확인}
  - {key: c, title: 셋, department: cx, due: D-200, scenario: 확인, colour: red}
"""


def test_templates_check_reports_every_problem_of_a_file_at_once(run: Any, tmp_path: Path) -> None:
    folder = tmp_path / "checklists"
    folder.mkdir()
    (folder / "bad.yaml").write_text(BAD_TEMPLATE, encoding="utf-8")
    result = run("templates", "check", env={"CXBOT_CHECKLISTS_DIR": str(folder)})
    assert result.exit_code == 1
    out = result.output
    assert "4 problem(s)" in out
    assert "'a' is used twice (first by item 1)" in out  # a duplicate key …
    assert "'salez' is not one of the template's departments (cx)" in out  # … a department …
    assert "'D-200' is outside D-120 … D+60" in out and "'colour'" in out  # … and fields
    assert "Value error" not in out and "ChecklistTemplate" not in out


def test_an_offset_past_the_documented_range_is_a_warning(run: Any, tmp_path: Path) -> None:
    folder = tmp_path / "checklists"
    folder.mkdir()
    text = BAD_TEMPLATE.replace("department: salez", "department: cx").replace(
        "key: a, title: 둘", "key: b, title: 둘"
    )
    text = text.replace("D-200", "D-45").replace(", colour: red", "")
    (folder / "wide.yaml").write_text(text, encoding="utf-8")
    result = run("templates", "check", env={"CXBOT_CHECKLISTS_DIR": str(folder)})
    assert result.exit_code == 0, result.output
    assert "warning: items[3] (key 'c'), field 'due': D-45 is outside D-30 … D+14" in result.output


def test_an_owners_file_department_the_template_lacks_is_named(run: Any, tmp_path: Path) -> None:
    owners = tmp_path / "owners.yaml"
    owners.write_text(
        "departments:\n  cx: {name: 김지현, email: a@example.com}\n"
        "  salez: {name: 박준호, email: b@example.com}\n",
        encoding="utf-8",
    )
    result = run("launch", "create", "-t", "partner-mall", "-n", "x", "-d", "2027-03-02",
                 "--owners", str(owners), "--dry-run")  # fmt: skip
    assert result.exit_code == 0
    assert "부서 'salez'는 이 템플릿에 없습니다 (오타인가요?)" in result.output
    assert "no owner for" not in result.output  # the Korean locale speaks Korean
    assert "부서 'sales'(영업/제휴)의 담당자가 없습니다" in result.output


def test_a_fresh_health_explains_that_cxbot_run_is_not_running(run: Any) -> None:
    result = run("health")
    assert result.exit_code == 1
    assert "`cxbot run`" in result.output and "is not running" in result.output
    assert "✗" not in result.output  # one explanation, not five crosses


def test_doctor_names_a_bad_centres_file_and_a_mail_centre_without_a_mail_server(
    run: Any, tmp_path: Path
) -> None:
    bad = tmp_path / "centres.yaml"
    bad.write_text(
        "centres:\n  - key: bpo\n    name: 센터\n    managers: [{name: 최민수, email: nope}]\n",
        encoding="utf-8",
    )
    result = run("doctor", env={"CXBOT_CENTRES_FILE": str(bad)})
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"✗ {bad}: 1 problem(s)" in result.output
    assert "centres[1] (key 'bpo').managers[1], field 'email': 'nope' is not an e-mail" in (
        result.output
    )
    mail = tmp_path / "mail-centres.yaml"
    mail.write_text(
        "centres:\n  - key: bpo\n    name: 센터\n    managers: [{name: 최, email: a@b.example}]\n",
        encoding="utf-8",
    )
    result = run("doctor", env={"CXBOT_CENTRES_FILE": str(mail), "CXBOT_SMTP_HOST": ""})
    assert "✗ 고객센터 bpo은(는) 메일로 브리핑을 받는데 CXBOT_SMTP_HOST 가" in result.output
    refused = run(
        "doctor",
        env={
            "CXBOT_CENTRES_FILE": str(mail),
            "CXBOT_SMTP_HOST": "127.0.0.1",
            "CXBOT_SMTP_PORT": "9",
        },
    )
    assert "✗ 127.0.0.1:9에 연결할 수 없습니다" in refused.output
    assert "CXBOT_SMTP_HOST" in refused.output


def test_doctor_speaks_the_locale(run: Any) -> None:
    """Every line `cxbot doctor` prints is in the configured locale's words."""
    korean = run("doctor")
    lines = korean.output.splitlines()
    assert lines and all(HANGUL.search(line) for line in lines), korean.output
    assert any(line.startswith("· Slack: 설정되지 않음") for line in lines)
    english = run("doctor", env={"CXBOT_LOCALE": "en"})
    lines = english.output.splitlines()
    assert lines and not any(HANGUL.search(line) for line in lines), english.output
    assert any(line.startswith("· Slack: not configured") for line in lines)
