"""Every notice cxbot can tell has Korean words that fill in the same values."""

from __future__ import annotations

import string

import yaml

from cxbot.adapters.rendering import say
from cxbot.domain.notices import ENGLISH, notice
from cxbot.settings import PROJECT_ROOT


def _names(words: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(words) if name}


def test_every_notice_has_korean_words_with_the_same_values() -> None:
    labels = yaml.safe_load((PROJECT_ROOT / "templates/ko/labels.yaml").read_text("utf-8"))
    korean = labels["notices"]
    assert sorted(set(ENGLISH) - set(korean)) == []
    assert sorted(set(korean) - set(ENGLISH)) == []  # no words for a notice that is gone
    for code, english in ENGLISH.items():
        assert _names(str(korean[code])) == _names(english), code


def test_a_notice_inside_a_notice_is_told_in_the_same_words() -> None:
    labels = yaml.safe_load((PROJECT_ROOT / "templates/ko/labels.yaml").read_text("utf-8"))
    said = notice("file_ok", label=notice("owners_file"), path="jobs/owners.yaml")
    assert say(labels, said) == "담당자 파일: jobs/owners.yaml"
    assert str(said) == "owners file: jobs/owners.yaml"
