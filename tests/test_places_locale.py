"""Country from general evidence in the text (issue 14, 'places with a country').

A description that names no place still says where it happened through the words of one
country's institutions and its everyday English. Texts written for these tests.
"""

from __future__ import annotations

import pytest

from flows.extract import extract_articles, link_mentions
from flows.extract.places import locale_country
from tests.extract_helpers import make_article


@pytest.mark.parametrize(
    "text",
    [
        "Officer Dana Whitcombe fired twice after the man lunged at him.",
        "A caller dialled 9-1-1 when her brother smashed a window.",
        "The driver ran from a gas station as officers closed in.",
        "Two neighbors told reporters the man had been shouting for an hour.",
        "Troopers stopped the sedan on I-40 and the driver ran off.",
        "Police said the shooting began on July 14th outside a diner.",
        "His attorney said the officer never gave a warning.",
        "Officers found him in the 300 block of a quiet street.",
        "Two RPD officers followed the van into a parking lot.",
        "Federal agents pushed the crowd back from the courthouse steps.",
        "A crowd gathered outside the 12th precinct after midnight.",
        "Marchers stopped at the corner of Alder and Birch Streets.",
        "He had tried to burglarize a shed, according to a statement.",
        "The man was shot by Deputy Lena Harwick after a short chase.",
    ],
)
def test_american_english_says_us(text):
    assert locale_country(text) == "US"


@pytest.mark.parametrize(
    "text",
    [
        "The IPCC found the custody record had been altered.",
        "The chief constable apologised to the family.",
        "He was sentenced at the Crown Court last spring.",
    ],
)
def test_british_institutions_say_gb(text):
    assert locale_country(text) == "GB"


@pytest.mark.parametrize(
    "text",
    [
        # a title before a name is no rank of the police
        "Chief Medical Officer Priya Nandakumar urged people to stay at home.",
        "Officer A told the inquiry he had not seen the baton.",
        # times and cars written the same way on both sides of the Atlantic
        "At 5:40am officers in a patrol car stopped the van.",
        # professional training is no police department
        "The force ordered CPD training for every sergeant.",
        # a deputy's office is no sheriff's deputy; a shopping precinct no police precinct
        "The Deputy Prime Minister visited the station.",
        "Shoppers fled across the precinct as officers arrived.",
    ],
)
def test_words_shared_across_countries_say_nothing(text):
    assert locale_country(text) is None


def test_a_description_naming_no_place_gets_its_country(nlp):
    text = (
        "Officers were called to a parking lot where a man was waving a knife at shoppers. "
        "Officer Ray Tolliver shot and killed him when he ran at the officers."
    )
    inc, _ = link_mentions(extract_articles([make_article(text, "lot.txt")], nlp))
    assert list(inc["country"]) == ["US"]


def test_a_clause_opening_word_is_no_town_of_an_agency():
    from flows.extract.agencies import find_agencies

    assert find_agencies("As police moved in, the marchers sat down.") == []
    assert find_agencies("Once officers arrived the man ran.") == []
    assert [a[2] for a in find_agencies("Ames police said the man ran.")] == [
        "Ames Police Department"
    ]


def test_the_locale_lets_in_no_small_town_nothing_shows(nlp):
    # 'Salmon' of a street corner is also a small town of Idaho: the text's American words alone
    # do not make it the scene; a town the syntax shows ('Sayre police') still is
    corner = (
        "Federal agents fired pepper balls at marchers near 3rd and Salmon. One agent struck "
        "a medic with a baton."
    )
    town = (
        "Two Sayre police officers chased a man who had a felony warrant. An officer shot and "
        "killed him."
    )
    inc, _ = link_mentions(
        extract_articles([make_article(corner, "c.txt"), make_article(town, "t.txt")], nlp)
    )
    rows = sorted((r["location"] or "", r["country"]) for r in inc.fillna("").to_dict("records"))
    assert rows == [("", "US"), ("Sayre", "US")]


def test_words_of_direction_alone_are_no_region_abroad():
    from flows.extract.places import resolve

    for name in ("West", "North", "Far North", "Upper West"):
        assert resolve(name) is None
    assert resolve("West Virginia").country == "US"
    assert resolve("South Africa").country == "ZA"


def test_a_town_name_the_recogniser_cut_short_is_read_whole(nlp):
    """'Brooklyn' of 'Brooklyn Center police' is Brooklyn Center, Minnesota (not Brooklyn, New
    York): the capitalised words after the entity are tried first."""
    text = (
        "When Brooklyn Center police officer Dale Rook used a Taser on the man a second time, he "
        "fell and hit his head. He died of his injuries in hospital two days later."
    )
    (ext,) = extract_articles([make_article(text)], nlp)
    assert ext.mentions
    assert {(m.location, m.region) for m in ext.mentions} == {("Brooklyn Center", "US-MN")}


def test_a_long_story_lends_its_region_to_no_incident_told_in_passing(nlp):
    """A long story about a shooting in one state that recalls a death elsewhere says nothing of
    where that death was: the passing mention gets no region from the story's other sentences."""
    story = [
        "Two men were wounded in a shooting outside a bar in Baton Rouge, Louisiana on Friday.",
        "Detectives said the gunman fled on foot and was still being sought on Saturday.",
    ]
    story += [
        f"Witness number {n} told reporters the street had been busy when the shots rang out."
        for n in range(1, 30)  # a long article (more than 25 sentences)
    ]
    story.append(
        "Marchers later walked past the bar carrying placards about Dawit Mersha, who died after "
        "officers knelt on his neck last year."
    )
    (ext,) = extract_articles([make_article("\n\n".join(story))], nlp)
    passing = [m for m in ext.mentions if "Mersha" in m.quote]
    assert passing
    assert all(m.region is None for m in passing), [(m.region, m.quote) for m in passing]


def test_a_place_named_like_a_person_of_the_story_is_that_person():
    """'Wilson' is the man shot (and a town in North Carolina): not where it happened. The
    location falls back to the home town of the officer's department, and its region with it."""
    text = (
        "Wilson tried to flee a traffic stop by Cottage Grove police officer Brad Petersen. "
        "Petersen became entangled with the vehicle and was dragged, then shot Wilson."
    )
    (x,) = extract_articles([make_article(text, "wilson.txt")])
    assert x.mentions
    for m in x.mentions:
        assert "Wilson" in m.subjects
        assert m.location == "Cottage Grove"
        assert m.region == "US-MN"


@pytest.mark.parametrize(
    ("text", "country"),
    [
        # an agency named after a district that is a small town abroad (Peel, Isle of Man)
        (
            "Man shot dead by Peel police in Mississauga\n\nOntario's police watchdog is "
            "investigating after a man was fatally shot by Peel Regional Police officers in "
            "Mississauga on Sunday. Officers were called to a home near Dundas Street.",
            "CA",
        ),
        # a province's police cut to a city's name abroad (Natal, Brazil), under a dateline
        (
            "DURBAN - A man was found dead in a holding cell at a police station south of Durban. "
            "His family say he was beaten by officers during his arrest. KwaZulu-Natal police "
            "said they would co-operate.",
            "ZA",
        ),
    ],
)
def test_a_big_city_named_says_the_country_of_an_agency_home(nlp, text, country):
    (ext,) = extract_articles([make_article(text)], nlp)
    incidents, _ = link_mentions([ext])
    assert len(incidents) >= 1
    assert set(incidents["country"]) == {country}
