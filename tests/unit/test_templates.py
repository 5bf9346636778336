"""Checklist templates: the shipped ones are valid; broken ones are reported precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxbot.adapters.yaml_files import find_template, load_owners, load_template
from cxbot.ports.errors import InputError, NotFound
from cxbot.settings import PROJECT_ROOT

CHECKLISTS = PROJECT_ROOT / "checklists"


@pytest.mark.parametrize("name", ["partner-mall", "payment-method"])
def test_shipped_templates_are_valid_and_complete(name: str) -> None:
    template = load_template(find_template(CHECKLISTS, name))
    assert len(template.items) >= 15
    assert all(item.scenario.strip() for item in template.items)
    assert {item.department for item in template.items} <= set(template.departments)
    labels = {item.due for item in template.items}
    assert "D-day" in labels and any(label.startswith("D+") for label in labels)


def test_partner_mall_template_covers_the_practitioners_list() -> None:
    template = load_template(CHECKLISTS / "partner-mall.yaml")
    keys = {item.key for item in template.items}
    for needed in (
        "inquiry-forecast",
        "agent-staffing",
        "cs-phone-number",
        "partner-admin-accounts",
        "agent-channel",
        "cs-policy-exceptions",
        "consultation-manual",
        "kms-registration",
        "agent-training",
        "product-page-cs-numbers",
        "open-day-monitoring",
        "urgent-voc-channel",
        "review-d7",
        "review-d14",
    ):
        assert needed in keys


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_field_is_named_with_file_item_and_field(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
name: 테스트
departments: {cx: CX기획}
items:
  - {key: first, title: 첫 항목, department: cx, due: D-3, scenario: 확인}
  - {key: second, title: 둘째, department: cx, due: D-3주, scenario: 확인}
""",
    )
    with pytest.raises(InputError) as caught:
        load_template(path)
    message = str(caught.value)
    assert str(path) in message
    assert "items[2] (key 'second'), field 'due'" in message
    assert "D-3주" in message


def test_every_problem_is_listed_not_just_the_first(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
name: 테스트
departments: {cx: CX기획}
items:
  - {key: Bad Key, title: 항목, department: cx, due: D-3, scenario: 확인}
  - {key: ok, title: 항목, department: cx, due: D-3, scenario: 확인, colour: red}
  - {key: ok2, department: cx, due: D-3, scenario: 확인}
""",
    )
    with pytest.raises(InputError) as caught:
        load_template(path)
    message = str(caught.value)
    assert "3 problem(s)" in message
    assert "items[1] (key 'Bad Key'), field 'key'" in message
    assert "items[2] (key 'ok'), field 'colour'" in message
    assert "items[3] (key 'ok2'), field 'title'" in message


def test_unknown_department_and_duplicate_keys(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
name: 테스트
departments: {cx: CX기획}
items:
  - {key: a, title: 항목, department: sales, due: D-3, scenario: 확인}
""",
    )
    unknown = r"items\[1\] \(key 'a'\), field 'department': 'sales' is not one of"
    with pytest.raises(InputError, match=unknown):
        load_template(path)
    path = _write(
        tmp_path,
        """
name: 테스트
departments: {cx: CX기획}
items:
  - {key: a, title: 항목, department: cx, due: D-3, scenario: 확인}
  - {key: a, title: 항목, department: cx, due: D-2, scenario: 확인}
""",
    )
    with pytest.raises(InputError, match="'a' is used twice"):
        load_template(path)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "name: x\nitems:\n  - key: [unclosed\n")
    with pytest.raises(InputError, match=r"broken\.yaml: not valid YAML at line \d+"):
        load_template(path)


def test_unknown_template_lists_the_known_ones() -> None:
    with pytest.raises(NotFound, match="partner-mall"):
        find_template(CHECKLISTS, "no-such-template")


def test_owners_file_problems_are_named(tmp_path: Path) -> None:
    path = tmp_path / "owners.yaml"
    path.write_text("departments:\n  cx: {name: 김, email: not-an-email}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"departments\.cx, field 'email'"):
        load_owners(path)
    path.write_text(
        "departments:\n  cx: {name: 김, email: kim@example.com, slack_id: U123ABC}\n",
        encoding="utf-8",
    )
    owners = load_owners(path)
    person = owners.owner_of("cx")
    assert person is not None and person.email == "kim@example.com"


def test_the_cli_lists_every_item_status() -> None:
    from cxbot.domain.checklist import ItemStatus
    from cxbot.entrypoints.cli.launches import ITEM_STATUSES

    assert tuple(s.value for s in ItemStatus) == ITEM_STATUSES


def test_a_templates_folder_without_a_newer_label_group_takes_the_built_in_one(
    tmp_path: Path,
) -> None:
    from cxbot.adapters.rendering import Renderer

    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "labels.yaml").write_text("weekdays: [M, T, W, T, F, S, S]\n")
    labels = Renderer(tmp_path, "en").labels
    assert labels["weekdays"][0] == "M"  # the folder's own
    assert labels["chart"]["today"] == "today"  # the built-in English group it left out
    assert Renderer(tmp_path, "ko").labels["chart"]["today"] == "오늘"
