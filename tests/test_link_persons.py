"""Linking one incident told by several writers (flows/link/persons.py), issue 15.

The articles are written for these tests in the style of US news reports and database
descriptions of deaths after police contact; they go through the real extraction."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.core.model import Mention
from flows.curate.stable_ids import assign_incident_ids
from flows.extract import extract_articles, link_mentions
from flows.link.persons import (
    Profile,
    _min_gap,
    first_names_agree,
    given_names,
    name_parts,
    same_death,
    same_person,
)
from tests.extract_helpers import make_article

FULL = (
    "Officers shot and killed Marcus Delaney, 34, outside a grocery store in Duluth on Sunday "
    "night after he ran at them with a knife, police said."
)
SURNAME_ONLY = (
    "Officers fired at Delaney after he ran at them with a knife outside a Duluth grocery store "
    "on Sunday night. Delaney died at the scene, police said."
)
MIDDLE_INITIAL = (
    "Marcus J. Delaney was shot and killed by Duluth police outside a grocery store on Sunday "
    "night after he ran at officers with a knife."
)
OTHER_SAME_DAY = (
    "Officers shot and killed Ryan Okafor, 29, in Duluth on Sunday after a traffic stop, "
    "police said."
)
UNNAMED = (
    "A man armed with a knife was fatally shot by Duluth police officers on Sunday, the "
    "department said in a statement."
)
SUNDAY = dt.date(2023, 5, 7)


def _article(text: str, name: str, published: dt.date):
    return make_article(text, name, published_date=published, date_source="metadata")


@pytest.fixture(scope="module")
def extracted(nlp):
    arts = {
        "full": _article(FULL, "full.txt", SUNDAY + dt.timedelta(days=1)),
        "surname": _article(SURNAME_ONLY, "surname.txt", SUNDAY + dt.timedelta(days=2)),
        "other": _article(OTHER_SAME_DAY, "other.txt", SUNDAY + dt.timedelta(days=1)),
        "unnamed": _article(UNNAMED, "unnamed.txt", SUNDAY + dt.timedelta(days=1)),
        "initial": _article(MIDDLE_INITIAL, "initial.txt", SUNDAY + dt.timedelta(days=3)),
    }
    found = extract_articles(list(arts.values()), nlp)
    return {k: x for k, x in zip(arts, found, strict=True)}


def _incident_of(evidence, extraction) -> set[str]:
    return set(evidence.loc[evidence["article_id"] == extraction.article_id, "incident_key"])


def test_every_fixture_yields_an_incident(extracted):
    assert all(x.mentions for x in extracted.values())


def test_the_same_death_told_in_other_words_by_two_outlets_is_one_incident(extracted):
    incidents, evidence = link_mentions([extracted["full"], extracted["surname"]])
    assert len(incidents) == 1
    assert incidents.loc[0, "source_count"] == 2
    assert "Marcus Delaney" in list(incidents.loc[0, "subjects"])
    incidents, _ = link_mentions([extracted["full"], extracted["initial"]])
    assert len(incidents) == 1


def test_two_deaths_by_the_same_force_on_the_same_day_stay_apart(extracted):
    names = ("full", "surname", "other", "unnamed")
    _, evidence = link_mentions([extracted[k] for k in names])
    full, other = (
        _incident_of(evidence, extracted["full"]),
        _incident_of(evidence, extracted["other"]),
    )
    assert full and other and not full & other
    # the unnamed report could be either death: it is joined to neither
    unnamed = _incident_of(evidence, extracted["unnamed"])
    assert not unnamed & full and not unnamed & other
    # the surname-only report still joins the full name
    assert _incident_of(evidence, extracted["surname"]) == full


def test_an_unnamed_report_joins_the_one_death_it_can_be(extracted):
    _, evidence = link_mentions([extracted["full"], extracted["unnamed"]])
    assert _incident_of(evidence, extracted["full"]) == _incident_of(evidence, extracted["unnamed"])


def test_an_article_added_later_joins_the_published_incident_and_keeps_its_id(extracted):
    inc1, ev1 = link_mentions([extracted["full"], extracted["other"]])
    inc1, ev1 = assign_incident_ids(inc1, ev1, None, set())
    previous = SimpleNamespace(tables={"incidents": inc1, "evidence": ev1})
    inc2, ev2 = link_mentions([extracted["full"], extracted["other"], extracted["surname"]])
    inc2, ev2 = assign_incident_ids(inc2, ev2, previous, set())
    assert set(inc2["incident_id"]) == set(inc1["incident_id"])  # no new incident
    first = ev1.loc[ev1["article_id"] == extracted["full"].article_id, "incident_id"].iloc[0]
    later = ev2.loc[ev2["article_id"] == extracted["surname"].article_id, "incident_id"]
    assert set(later) == {first}


def _mention(subjects, **kw) -> Mention:
    base = {"categories": ["death_following_police_contact"], "reported": SUNDAY}
    return Mention("a", 0, 10, "quote", "rule", subjects=subjects, **{**base, **kw})


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (["Marcus Delaney"], ["Delaney"], True),
        (["Marcus Delaney"], ["Mr Delaney"], True),
        (["Marcus Delaney"], ["Tina Delaney"], False),  # two people of one family
        (["Marcus J. Delaney Jr."], ["Marcus Delaney"], True),
        (["Justin Kulhanek-Derks"], ["Derks"], True),  # a hyphenated surname shortened
        (["Marcus Delaney"], ["Ryan Okafor"], False),
        (["Child Q"], ["Q"], False),  # a letter is no surname
        (["Terrence Lamont Beasley"], ["Terry Beasley"], True),  # a nickname
        (["DeShawn Marquis Whitlock"], ["Marquis Whitlock"], True),  # called by a middle name
        (["Roberto Antonio Quiñones"], ["Roberto Quiñones"], True),  # accented letters
        (["Roberto Antonio Quiñones"], ["Robert Quinones"], True),  # ... or none
        (["Terrence Beasley"], ["Marquis Beasley"], False),
        (["John A. Smith"], ["Andrew Smith"], False),  # a middle initial is no given name
    ],
)
def test_names_of_one_person(a, b, same):
    assert same_person(Profile.of([_mention(a)]), Profile.of([_mention(b)])) is same


def test_a_surname_alone_needs_near_dates_and_the_same_kind_of_act():
    a = Profile.of([_mention(["Marcus Delaney"])])
    late = Profile.of([_mention(["Delaney"], reported=SUNDAY + dt.timedelta(days=40))])
    other_kind = Profile.of([_mention(["Delaney"], categories=["dishonesty"])])
    assert not same_person(a, late)
    assert not same_person(a, other_kind)
    # a full name a year on (an anniversary report) still links
    anniversary = Profile.of(
        [_mention(["Marcus Delaney"], reported=SUNDAY + dt.timedelta(days=365))]
    )
    assert same_person(a, anniversary)


def test_contradicting_places_or_days_keep_one_name_apart():
    a = Profile.of([_mention(["Marcus Delaney"], country="US", region="US-MN")])
    assert not same_person(a, Profile.of([_mention(["Delaney"], country="GB")]))
    assert not same_person(a, Profile.of([_mention(["Delaney"], region="US-TX", country="US")]))
    dated = Profile.of([_mention(["Delaney"], date_start=SUNDAY, date_precision="day")])
    weeks = Profile.of(
        [
            _mention(
                ["Marcus Delaney"], date_start=SUNDAY + dt.timedelta(days=30), date_precision="day"
            )
        ]
    )
    assert not same_person(dated, weeks)


def test_an_officer_surname_is_no_link():
    a = Profile.of([_mention(["Marcus Delaney"])])
    b = Profile.of([_mention(["Delaney"], officers=["Officer Sam Delaney"])])
    assert not same_person(a, b)


def test_a_place_alone_never_links_deaths_that_name_two_people():
    a = Profile.of([_mention(["Marcus Delaney"], location="Duluth")])
    b = Profile.of([_mention(["Ryan Okafor"], location="Duluth")])
    assert not same_person(a, b) and not same_death(a, b)
    protest = Profile.of([_mention([], location="Duluth", categories=["excessive_force"])])
    assert not same_death(Profile.of([_mention([], location="Duluth")]), protest)


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        ("chris", "christopher", True),
        ("j", "john", True),
        ("jon", "john", True),
        ("john", "mary", False),
        # nicknames, from the `nicknames` package's table, and their spellings
        ("terry", "terrence", True),
        ("nate", "nathaniel", True),
        ("bob", "robert", True),
        ("bill", "william", True),
        ("james", "john", False),
        ("dan", "don", False),
    ],
)
def test_first_names(a, b, agree):
    assert first_names_agree(a, b) is agree


def test_given_names():
    assert given_names("DeShawn Marquis Whitlock") == ["deshawn", "marquis"]
    assert given_names("Mr John Paul Smith Jr.") == ["john", "paul"]
    assert given_names("John A. Smith") == ["john"]
    assert given_names("Smith") == []


def test_name_parts():
    assert name_parts("Mr Kwame Osei") == ("kwame", "osei")
    assert name_parts("Osei's") == (None, "osei")
    assert name_parts("James Arthur Cobb Jr.") == ("james", "cobb")


def test_a_merge_keeps_the_oldest_id_and_points_the_retired_one_to_it(extracted):
    import pandas as pd

    from flows.publish.diff import merged_into

    # an earlier release held the two tellings apart (before the linking rule joined them)
    apart = [link_mentions([extracted[k]]) for k in ("surname", "full")]
    inc1 = pd.concat([a[0] for a in apart], ignore_index=True)
    ev1 = pd.concat([a[1] for a in apart], ignore_index=True)
    inc1, ev1 = assign_incident_ids(inc1, ev1, None, set())
    old_of = {
        k: ev1.loc[ev1["article_id"] == extracted[k].article_id, "incident_id"].iloc[0]
        for k in ("full", "surname")
    }
    previous = SimpleNamespace(tables={"incidents": inc1, "evidence": ev1})
    inc2, ev2 = link_mentions([extracted["full"], extracted["surname"]])
    inc2, ev2 = assign_incident_ids(inc2, ev2, previous, set())
    # the full-name report was published a day earlier: its incident is the older one
    assert list(inc2["incident_id"]) == [old_of["full"]]
    retired = set(inc1["incident_id"]) - set(inc2["incident_id"])
    assert merged_into(ev1, ev2, retired) == {old_of["surname"]: old_of["full"]}


# ---------------------------------------------- tellings that name police only as 'they'


PAIRS = {
    "they_deployed_a_taser": (
        "Sheriff's deputies used a Taser on Leon Pruitt, 52, while arresting him at his apartment "
        "on Sunday. Pruitt died at the scene.",
        # no police word in the act's sentence: the parse's doer 'They' is the deputies
        "Deputies forced their way into the apartment and found Pruitt in the kitchen. They "
        "deployed at least one Taser while trying to handcuff him. He died.",
    ),
    "officers_opened_fire_after_a_passive_clause": (
        "Police shot and killed Wade Pell, 31, behind a garage in Hibbing on Sunday after he "
        "refused to drop a handgun.",
        # 'but officers opened fire' has its own subject: the passive of 'was sent' is not its own
        "Two officers found Pell behind a garage holding a handgun. He would not put it down, "
        "police said. A police dog was sent to bite his arm, but officers opened fire after "
        "fearing that Pell would shoot at them.",
    ),
    "stunned_with_a_taser": (
        "Jomo Okon, 27, died two days after a Brookside police officer used a Taser on him "
        "outside a bar.",
        "When a Brookside police officer stunned Okon with a Taser, Okon fell and struck his head "
        "on the curb. Okon died of his injuries two days later.",
    ),
}


@pytest.mark.parametrize("case", sorted(PAIRS))
def test_a_telling_whose_act_names_police_only_by_pronoun_or_taser_links(nlp, case):
    first, second = PAIRS[case]
    found = extract_articles(
        [
            _article(first, f"{case}-a.txt", SUNDAY + dt.timedelta(days=1)),
            _article(second, f"{case}-b.txt", SUNDAY + dt.timedelta(days=2)),
        ],
        nlp,
    )
    assert all(x.mentions for x in found)
    incidents, _ = link_mentions(found)
    assert len(incidents) == 1


@pytest.mark.parametrize(
    ("town", "one"),
    [
        ("Crystal", True),  # the scene named by one writer is the town whose police the other names
        ("Robbinsdale", False),  # another town and its police that day: two deaths
    ],
)
def test_a_town_and_its_police_department_are_one_place(town, one):
    """As two writers told one Minnesota death: one names the scene (New Hope) and the Crystal
    police; the other names Crystal as the place and the New Hope police."""
    named = Profile.of(
        [
            _mention(
                ["Ronan Kelby"], location="New Hope", police_forces=["Crystal Police Department"]
            )
        ]
    )
    agency = "New Hope Police Department" if one else f"{town} Police Department"
    unnamed = Profile.of([_mention([], location=town, police_forces=[agency])])
    assert same_death(named, unnamed) is one


@given(
    st.lists(st.dates(), max_size=12),
    st.lists(st.dates(), max_size=12),
)
def test_min_gap_is_the_fewest_days_between_any_two_dates(a, b):
    """The sorted merge gives what comparing every pair gives (it replaced that: a group
    absorbing many tellings made the pairwise comparison quadratic in the corpus)."""
    expected = min((abs((x - y).days) for x in a for y in b), default=None)
    assert _min_gap(a, b) == expected
    assert _min_gap(set(a), set(b)) == expected


# ---------------------------------------------- a probe of deaths told by two writers

PROBES = Path(__file__).parent / "gold" / "invented"


@pytest.mark.parametrize(
    ("probe", "pairs_told", "tellings", "bound"),
    [
        # link.v1: 20 deaths told twice (a newsroom narrative and a terse database description,
        # by an independent writer, 2026-12-03: nicknames, middle names, a suburb for its county,
        # a telling without the name or the town) among 12 other deaths in the same states,
        # agencies, days and surnames. First run, before any change: 10 of the 20 pairs one
        # incident, no false merge; after nicknames and middle names (`given_names`, the
        # `nicknames` package) and accented letters in names: 13; accents folded ('Quiñones' /
        # 'Quinones'): 15; after probe v10's readings of the parse ('the other fired' after 'One
        # officer'): 16.
        ("link.v1.jsonl", 20, 52, 16),
        # link.v2: 16 deaths told twice in Ohio, Arizona and North Carolina among 8 other deaths
        # (a later writer, 2026-12-03). First run: 11 of 16, no false merge. A relative sharing
        # the surname ('Her mother, Gwendolyn Lowery, said') is no fuller form of the victim's
        # name, a town nobody harmed ('in Mesa') is no person, 'the other fired' after 'One
        # officer', a police vehicle as the 'by' doer: 14; after probe v10's readings of the
        # parse: 15.
        ("link.v2.jsonl", 16, 40, 15),
    ],
)
def test_link_probe_pairs_link_and_distinct_deaths_stay_apart(
    nlp, probe, pairs_told, tellings, bound
):
    """Deaths told by two writers link; different deaths never merge. Each telling is read as
    published on the day of the death. Bound at the level reached; a false merge is never
    allowed."""
    rows = [json.loads(line) for line in (PROBES / probe).read_text(encoding="utf-8").splitlines()]
    articles = [
        _article(r["text"], f"{r['id']}.txt", dt.date.fromisoformat(r["date"])) for r in rows
    ]
    _, evidence = link_mentions(extract_articles(articles, nlp))
    incidents_of: dict[str, set[str]] = {}
    for key, article in zip(evidence["incident_key"], evidence["article_id"], strict=True):
        incidents_of.setdefault(article, set()).add(key)
    told = [incidents_of.get(a.article_id, set()) for a in articles]
    cases: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        cases.setdefault(r["case"], []).append(i)
    pairs = [ix for ix in cases.values() if len(ix) == 2]
    assert len(pairs) == pairs_told and len(rows) == tellings
    linked = sum(bool(told[i] & told[j]) for i, j in pairs)
    false_merges = [
        (rows[i]["id"], rows[j]["id"])
        for i in range(len(rows))
        for j in range(i + 1, len(rows))
        if rows[i]["case"] != rows[j]["case"] and told[i] & told[j]
    ]
    assert false_merges == []
    assert linked >= bound
