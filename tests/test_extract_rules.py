"""Rule files: valid, every misconduct rule matches its own example, and the prefilter lets it through."""

from __future__ import annotations

import json

import pytest

from flows.extract.resources import RuleFileError, misconduct_rules, outcome_rules, read_jsonl
from flows.extract.triggers import trigger_regex

RULES = misconduct_rules()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r["id"])
def test_rule_matches_its_example_and_passes_the_prefilter(nlp, rule):
    assert rule.get("example"), f"{rule['id']} needs an example"
    doc = nlp(rule["example"])
    assert rule["id"] in {s.id_ for s in doc.spans["misconduct"]}
    groups = {m.lastgroup for m in trigger_regex().finditer(rule["example"])}
    assert "misconduct" in groups


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("two officers were dismissed for gross misconduct", "dismissed"),
        ("the constable pleaded guilty to assault", "convicted"),
        ("he was charged with misconduct in public office", "charged"),
        ("the inquest jury concluded he was unlawfully killed", "inquest_conclusion"),
        ("the force apologised to the family", "apology"),
        ("the IOPC found no case to answer", "no_case_to_answer"),
        ("the officer was placed on restricted duties", "suspended"),
    ],
)
def test_outcome_rules(text, code):
    from flows.extract.outcomes import find_outcome

    assert find_outcome(text)[0] == code


def test_behaviour_dismissed_as_banter_is_not_an_outcome():
    from flows.extract.outcomes import find_outcome

    assert (
        find_outcome("Most of this behaviour was dismissed, the report goes on, as banter.")[0]
        is None
    )


def test_outcome_rules_load():
    assert len(outcome_rules()) >= 10


def test_malformed_rule_file_gives_a_clear_error(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "x"}) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"bad.jsonl:1: missing"):
        read_jsonl(bad, ("id", "pattern"))
    bad.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"bad.jsonl:1: invalid JSON"):
        read_jsonl(bad, ("id",))
