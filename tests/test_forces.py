"""Police force gazetteer: every UK force by canonical name and aliases; general patterns elsewhere."""

from __future__ import annotations

import json

import pytest

from flows.extract.forces import canonical_force, find_forces
from flows.extract.resources import force_gazetteer

# Measured on iopc_recommendations_dev (290 force labels): 0.938 (the misses name no force).
IOPC_RECALL_FLOOR = 0.9

GAZETTEER = force_gazetteer()


def test_gazetteer_covers_every_uk_force():
    kinds = [f["kind"] for f in GAZETTEER]
    assert kinds.count("england_wales") == 43
    names = {f["canonical"] for f in GAZETTEER}
    for name in (
        "Police Scotland",
        "Police Service of Northern Ireland",
        "British Transport Police",
        "Civil Nuclear Constabulary",
        "Ministry of Defence Police",
        "City of London Police",
        "Metropolitan Police Service",
    ):
        assert name in names
    aliases = [
        a.lower() for f in GAZETTEER for a in (f["canonical"], *f["aliases"], *f["context_aliases"])
    ]
    assert len(aliases) == len(set(aliases)), "an alias points at two forces"


@pytest.mark.parametrize("force", GAZETTEER, ids=lambda f: f["canonical"])
def test_every_force_recognised_by_name_and_aliases(force):
    for alias in (force["canonical"], *force["aliases"], *force["context_aliases"]):
        text = f"Officers from {alias} were accused of misconduct after the arrest."
        assert [f[2] for f in find_forces(text, police_context=True)] == [force["canonical"]], alias
        assert canonical_force(alias) == force["canonical"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the Metropolitan police said", ["Metropolitan Police Service"]),
        ("a Met Police officer", ["Metropolitan Police Service"]),
        ("Scotland Yard confirmed", ["Metropolitan Police Service"]),
        ("Greater Manchester Police (GMP) said", ["Greater Manchester Police"] * 2),
        ("Minneapolis Police Department officers", ["Minneapolis Police Department"]),
        ("the Louisville Metro Police Department", ["Louisville Metro Police Department"]),
        ("an NYPD detective", ["NYPD"]),
        (
            "the Los Angeles County Sheriff's Department",
            ["Los Angeles County Sheriff's Department"],
        ),
    ],
)
def test_force_names_in_text(text, expected):
    assert [f[2] for f in find_forces(text, police_context=True)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "The Independent Office for Police Conduct (IOPC) said",
        "the College of Policing published guidance",
        "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services",
        "The police said the road was closed.",
        "Black police officers said",
    ],
)
def test_watchdogs_and_generic_police_are_not_forces(text):
    assert find_forces(text, police_context=True) == []


def test_ambiguous_aliases_need_police_context():
    weather = "The Met Office warned of snow, and the Met said roads would be icy."
    assert find_forces(weather, police_context=False) == []
    assert find_forces("The Met Office issued a warning.", police_context=True) == []
    assert [f[2] for f in find_forces("The Met apologised.", police_context=True)] == [
        "Metropolitan Police Service"
    ]


def test_iopc_force_recall(devdata):
    path = devdata / "iopc_recommendations_dev.jsonl"
    if not path.exists():
        pytest.skip("iopc_recommendations_dev.jsonl absent from devdata")
    total = hit = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        found = {f[2] for f in find_forces(row["text"], police_context=True)}
        for label in row["forces"]:
            total += 1
            hit += (canonical_force(label) or label) in found
    assert total > 200
    assert hit / total >= IOPC_RECALL_FLOOR
