"""Allegation status of evidence sentences and merged incidents, on texts in several styles."""

from __future__ import annotations

import pytest

from flows.extract import extract_articles, link_mentions
from flows.extract.outcomes import allegation_status, find_outcome
from tests.extract_helpers import make_article


def _status(text: str) -> str:
    _, _, implied, _ = find_outcome(text)
    return allegation_status(text, implied)


@pytest.mark.parametrize(
    "text, expected",
    [
        # official bodies reporting a finding
        (
            "The IOPC criticised West Yorkshire Police's handling of the 999 call made by the teenager.",
            "established",
        ),
        (
            "An independent review revealed the force's repeated failure to record domestic abuse reports.",
            "established",
        ),
        # media or footage revealing something is neither a finding nor an allegation
        (
            "Footage emerged revealing that Avon and Somerset officers lied about the arrest of a cyclist.",
            "unknown",
        ),
        # a victim's own account is an allegation
        (
            "A woman said she was pinned to the ground by two Kent Police officers outside a nightclub.",
            "alleged",
        ),
        (
            "The constable told the tribunal that a sergeant had groped her at a Christmas party.",
            "alleged",
        ),
        # a review that defended the police: examined and not established
        (
            "A report by the inspectorate defended Merseyside Police's use of force at the march.",
            "alleged",
        ),
        # the force's apology or a conviction
        ("Cleveland Police apologised to the family for the delay.", "established"),
        (
            "PC John Smith, of Durham Constabulary, was jailed for assaulting a prisoner.",
            "established",
        ),
        # an opinion piece stating it in its own voice
        (
            "Police violence at the protest was a disgrace, as officers beat demonstrators.",
            "unknown",
        ),
    ],
)
def test_sentence_status(text, expected):
    assert _status(text) == expected


def test_broadcaster_victim_account_makes_the_incident_alleged():
    text = (
        "A former special constable with Sussex Police says she was sexually assaulted by a senior "
        "police officer at a training centre in 2019.\n\n"
        "She told the programme that she was moved to another station after reporting it."
    )
    incidents, _ = link_mentions(extract_articles([make_article(text)]))
    assert len(incidents) == 1
    assert incidents.iloc[0]["allegation_status"] == "alleged"


def test_local_paper_inquiry_finding_is_established():
    text = (
        "An inquiry revealed Northumbria Police's failure to investigate the disappearance of "
        "pensioner Margaret Hall, who was missing for four days."
    )
    incidents, _ = link_mentions(extract_articles([make_article(text)]))
    assert len(incidents) == 1
    assert incidents.iloc[0]["allegation_status"] == "established"


def test_back_reference_sentences_join_the_incident_in_the_paragraph():
    text = (
        "A Lancashire Police constable was sacked for gross misconduct after punching a handcuffed "
        "man in a cell in Preston.\n"
        "The officer had denied the assault at a hearing last month. "
        "He was also found to have lied in his statement.\n\n"
        "He said the force was proud of its officers."
    )
    incidents, evidence = link_mentions(extract_articles([make_article(text)]))
    assert len(incidents) == 1
    quotes = " ".join(evidence["quote"])
    assert "The officer had denied" in quotes and "found to have lied" in quotes
    assert "proud of its officers" not in quotes  # another paragraph


def test_back_reference_never_bridges_two_incidents():
    text = (
        "Two Essex Police officers were dismissed after sharing racist messages about a colleague. "
        "They were also found to have bullied a trainee. "
        "A Suffolk Police sergeant was separately jailed for stalking his former partner."
    )
    incidents, _ = link_mentions(extract_articles([make_article(text)]))
    assert len(incidents) == 2


def _incidents(text: str):
    return link_mentions(extract_articles([make_article(text)]))[0]


def test_passive_killing_after_police_encounter_is_a_death_after_contact():
    text = (
        "Deputies with the Marion County Sheriff's Office attempted to detain Luis Ortega after a "
        "traffic stop on Highway 9. Ortega ran into a field behind a petrol station. "
        "He was shot and killed after he turned towards them holding a knife."
    )
    incidents = _incidents(text)
    assert len(incidents) == 1
    assert "death_following_police_contact" in incidents.iloc[0]["categories"]


@pytest.mark.parametrize(
    "text",
    [
        # police responding to a shooting by someone else (local-paper crime report)
        "Police responded to reports of a shooting in Hulme on Saturday night. "
        "A 24-year-old man was shot dead outside a takeaway.",
        # the killer named as someone else
        "Officers from Thames Valley Police were called to a house in Reading. "
        "The woman was shot and killed by her former partner, who was later arrested.",
        # police found the body
        "Officers arrived at the flat in Leeds shortly after midnight. "
        "They found a man who had been shot dead.",
    ],
)
def test_passive_killing_by_someone_else_is_not_police(text):
    assert _incidents(text).empty
