"""Templates that extend another: the merged checklist, and every problem named with the
file and the line it stands on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cxbot.adapters.yaml_files import load_template
from cxbot.ports.errors import InputError
from cxbot.settings import PROJECT_ROOT

CHECKLISTS = PROJECT_ROOT / "checklists"


def test_the_open_market_template_is_the_partner_mall_one_edited_to_the_project() -> None:
    base = load_template(CHECKLISTS / "partner-mall.yaml")
    child = load_template(CHECKLISTS / "open-market.yaml")
    keys = [item.key for item in child.items]
    assert "partner-admin-accounts" not in keys and "agent-channel" not in keys
    assert keys[-2:] == ["seller-center-inquiries", "seller-rating-watch"]
    assert len(keys) == len(base.items) - 3 + 2
    phone = next(i for i in child.items if i.key == "cs-phone-number")
    assert (phone.department, phone.due) == ("seller", "D-15")
    assert phone.scenario == next(i for i in base.items if i.key == "cs-phone-number").scenario
    assert child.departments["seller"] == "셀러운영" and child.departments["cx"] == "CX기획"
    assert child.brief == base.brief  # not overridden: the base's guidance holds
    assert child.name != base.name and child.key == "open-market"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


BASE = """key: base
name: 기본
departments: {cx: CX기획}
items:
  - {key: a, title: A, department: cx, due: D-5, scenario: 확인}
  - {key: b, title: B, department: cx, due: D-3, scenario: 확인}
"""


def test_every_problem_of_an_extension_is_named_with_its_line(tmp_path: Path) -> None:
    _write(tmp_path, "base", BASE)
    child = _write(
        tmp_path,
        "child",
        "key: child\n"  # line 1
        "extends: base\n"
        "drop:\n"
        "  - a\n"
        "  - nope\n"  # line 5
        "change:\n"
        "  b: {colour: red}\n"  # line 7
        "  zzz: {due: D-1}\n"  # line 8
        "add:\n"
        "  - {key: b, title: again, department: cx, due: D-1, scenario: x}\n"  # line 10
        "owner: 김지현\n",  # line 11
    )
    with pytest.raises(InputError) as raised:
        load_template(child)
    text = str(raised.value)
    assert text.startswith(f"{child}: 5 problem(s)")
    assert "line 5: drop[2]: 'nope' is not an item of 'base' (its items: a, b)" in text
    assert "line 7: change.b.colour: 'colour' cannot be changed" in text
    assert "line 8: change.zzz: 'zzz' is not an item of 'base'" in text
    assert "line 10: add[1].key: 'b' is already an item of 'base'" in text
    assert "line 11: owner: 'owner' is not a template field" in text


def test_an_added_item_is_validated_like_any_other(tmp_path: Path) -> None:
    _write(tmp_path, "base", BASE)
    child = _write(
        tmp_path,
        "child",
        "extends: base\nadd:\n  - {key: c, title: C, department: legal, due: D-99x, scenario: x}\n",
    )
    with pytest.raises(InputError) as raised:
        load_template(child)
    text = str(raised.value)
    assert "items[3] (key 'c'), field 'due'" in text
    assert "'legal' is not one of the template's departments" in text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("extends: nowhere\n", "line 1: extends 'nowhere'"),
        ("extends: base\nitems: []\n", "use drop:, change: and add:"),
    ],
)
def test_what_an_extension_cannot_be(tmp_path: Path, text: str, message: str) -> None:
    _write(tmp_path, "base", BASE)
    with pytest.raises(InputError, match=message):
        load_template(_write(tmp_path, "child", text))


def test_templates_that_extend_each_other_in_a_loop_are_refused(tmp_path: Path) -> None:
    _write(tmp_path, "one", "extends: two\n")
    two = _write(tmp_path, "two", "extends: one\n")
    with pytest.raises(InputError, match="in a loop \\(two → one → two\\)"):
        load_template(two)


def test_a_launch_tailors_its_template_by_the_same_rules() -> None:
    from cxbot.domain.checklist import Tailoring, TemplateItem
    from cxbot.domain.template_extension import tailor

    base = load_template(CHECKLISTS / "partner-mall.yaml")
    own = TemplateItem(key="own", title="우리 항목", department="cx", due="D-2", scenario="x")
    tailored = tailor(base, Tailoring(skip=("agent-channel",), add=(own,)))
    keys = [i.key for i in tailored.items]
    assert "agent-channel" not in keys and keys[-1] == "own" and len(keys) == len(base.items)
    assert tailor(base, Tailoring()) is base
    with pytest.raises(ValueError, match="--skip: 'nope' is not an item"):
        tailor(base, Tailoring(skip=("nope",)))
    with pytest.raises(ValueError, match="--add: 'ars-setup' is already an item"):
        tailor(base, Tailoring(add=(own.model_copy(update={"key": "ars-setup"}),)))


def test_a_launchs_overrides_move_its_items_and_every_change_keeps_the_rest() -> None:
    from cxbot.domain.checklist import Tailoring, TemplateItem
    from cxbot.domain.template_extension import tailor

    base = load_template(CHECKLISTS / "partner-mall.yaml")
    own = TemplateItem(key="own", title="우리 항목", department="cx", due="D-2", scenario="x")
    tailoring = (
        Tailoring()
        .adding(own)
        .overriding("bpo-contract", due="d-25")
        .overriding("own", due="D+1")
        .overriding("bpo-contract", owner=("정하은", "haeun.jung@example.com"))
        .skipping("agent-channel")
    )
    kept = tailoring.override_of("bpo-contract")
    assert kept is not None and (kept.due, kept.owner_email) == ("D-25", "haeun.jung@example.com")
    due = {i.key: i.due for i in tailor(base, tailoring).items}
    assert due["bpo-contract"] == "D-25" and due["own"] == "D+1" and "agent-channel" not in due
    assert tailoring.restoring("agent-channel").overrides == tailoring.overrides
    with pytest.raises(ValueError, match="is not a D-offset"):
        tailoring.overriding("own", due="next week")


def test_a_template_that_extends_another_plans_the_same_as_its_expanded_form(
    tmp_path: Path,
) -> None:
    """open-market written out in full (no `extends`) plans exactly the launch open-market
    itself plans: the same items, due the same days, in the same departments."""
    from datetime import date

    import yaml

    from cxbot.adapters.holidays_kr import korean_calendar
    from cxbot.domain.checklist import Launch
    from cxbot.domain.owners import OwnerDirectory
    from cxbot.domain.planning import plan_launch

    extended = load_template(CHECKLISTS / "open-market.yaml")
    written = yaml.safe_dump(
        extended.model_dump(mode="json", exclude_none=True), allow_unicode=True
    )
    assert "extends" not in written
    expanded = load_template(_write(tmp_path, "open-market-expanded", written))
    calendar = korean_calendar(range(2026, 2029))
    launch = Launch(
        key="l", name="오픈마켓 입점", template_key="open-market", open_date=date(2027, 2, 15)
    )

    def planned(template: Any) -> list[tuple[str, ...]]:
        plan = plan_launch(
            template=template, launch=launch, owners=OwnerDirectory(), calendar=calendar
        )
        return [(i.key, i.title, i.department, i.due.isoformat(), i.label, i.scenario)
                for i in plan.items]  # fmt: skip

    assert planned(extended) == planned(expanded)
    assert len(planned(extended)) == len(extended.items) == 20


def test_the_catalog_reads_a_template_again_when_any_file_of_its_folder_changes(
    tmp_path: Path,
) -> None:
    """Read once for every kick-off step, yet an edit — to the template, or to the base it
    extends — or a broken file is seen at once."""
    import os

    from cxbot.adapters.yaml_files import YamlTemplates

    _write(tmp_path, "base", BASE)
    _write(tmp_path, "child", "extends: base\nkey: child\nname: 자식\ndrop: [b]\n")
    catalog = YamlTemplates(tmp_path)
    first = catalog.find("child")
    assert catalog.find("child") is first  # remembered
    assert [i.due for i in first.items] == ["D-5"]

    def touch(path: Path) -> None:  # a new modification time even on a coarse clock
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))

    edited = _write(tmp_path, "base", BASE.replace("due: D-5", "due: D-7"))
    touch(edited)
    assert [i.due for i in catalog.find("child").items] == ["D-7"]  # the base's edit
    broken = _write(tmp_path, "base", BASE.replace("department: cx, due: D-5", "due: D-5"))
    touch(broken)
    with pytest.raises(InputError, match="department"):
        catalog.find("base")
    assert [c.template is None for c in catalog.check_all()] == [True, True]
