"""Records people can use (issue 14): when, where, who, which agency, and one case as one incident.

Short articles written for these tests in the style of news reports and case summaries; each runs
through the real extraction and linking (and redaction where names are at stake).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from flows.core.model import Mention
from flows.curate.redact import MARKER, protected_by_article, redact, redaction_decisions
from flows.extract import extract_articles, link_mentions
from flows.extract.agencies import article_agencies, find_agencies, is_fragment
from flows.extract.enrich import _date_told_later, same_case, sentence_date, surname
from flows.extract.people import find_people
from flows.extract.places import force_place, locale_country, resolve
from flows.extract.sentences import split_sentences
from tests.extract_helpers import make_article

THURSDAY = dt.date(2022, 3, 10)


def linked(nlp, *articles):
    return link_mentions(extract_articles(list(articles), nlp))


def dated(text: str, published: dt.date | None = THURSDAY, name: str = "x.txt"):
    return make_article(
        text, name, published_date=published, date_source="metadata" if published else "unknown"
    )


# ---------------------------------------------------------------- 1. dates


@pytest.mark.parametrize(
    ("sentence", "start", "precision", "words"),
    [
        # a finding's or a release's date is never the incident's
        (
            "He punched a man in March 2022, the IOPC found on Tuesday.",
            "2022-03-01",
            "month",
            "in March 2022",
        ),
        (
            "He was tased on April 28, footage released on Thursday shows.",
            "2021-04-28",
            "day",
            "on April 28",
        ),
        # relative dates against the publication date (Thursday 10 March 2022)
        ("Officers shot him on Tuesday night.", "2022-03-08", "day", "on Tuesday"),
        ("Police shot a man early Saturday.", "2022-03-05", "day", "early Saturday"),
        ("Deputies were called Saturday night.", "2022-03-05", "day", "Saturday night"),
        ("Police shot a man last night.", "2022-03-09", "day", "last night"),
        (
            "He was arrested by officers earlier this month.",
            "2022-03-01",
            "month",
            "earlier this month",
        ),
    ],
)
def test_sentence_dates(sentence, start, precision, words):
    res, text = sentence_date(sentence, THURSDAY, True)
    assert (res.start.isoformat(), res.precision, text) == (start, precision, words)


def test_hearing_and_inquest_dates_are_not_the_incident_date():
    got = sentence_date(
        "An inquest heard on Monday that he was restrained in 2019.", THURSDAY, True
    )
    assert got is not None and got[0].precision == "year" and got[0].start.year == 2019


def test_relative_dates_need_a_publication_date():
    assert sentence_date("Police shot a man last night.", THURSDAY, False) is None


def test_single_case_takes_its_date_from_the_article_context(nlp):
    text = (
        "In June 2019, a man was arrested in Leeds and taken to a police station.\n\n"
        "A custody sergeant punched the man twice while he was handcuffed, the IOPC found.\n\n"
        "The sergeant was later dismissed for gross misconduct."
    )
    inc, _ = linked(nlp, dated(text, None))
    assert len(inc) == 1
    row = inc.iloc[0]
    assert row["date_precision"] == "month" and row["date_text"] == "In June 2019"
    assert pd.Timestamp(row["date_start"]).date() == dt.date(2019, 6, 1)


def test_a_story_opening_with_its_outcome_takes_the_date_told_later_of_its_people():
    """An undated mention with nothing dated before it takes the incident date of the first later
    sentence naming one of its people; a dated sentence about anyone else gives nothing."""
    text = (
        "Coroner finds Broome man's death in police lockup was preventable\n"
        "In 2021 the force recorded 14 deaths in custody across the state.\n"
        "Raymond Kell, 44, was found dead in a cell on the morning of June 8, 2019.\n"
    )
    spans = split_sentences(text)
    m = Mention("a", 0, spans[0][1], text[: spans[0][1]], "r", subjects=["Raymond Kell"])
    refs = [dt.date(2022, 5, 17)] * len(spans)
    _date_told_later(text, spans, m, 0, refs, True)
    assert (m.date_start, m.date_precision, m.date_text) == (
        dt.date(2019, 6, 8),
        "day",
        "June 8, 2019",
    )
    nobody = Mention("a", 0, spans[0][1], text[: spans[0][1]], "r", subjects=["Ann Lowe"])
    _date_told_later(text, spans, nobody, 0, refs, True)
    assert nobody.date_precision == "unknown"


def test_a_long_story_dates_its_incident_from_a_sentence_naming_its_people(nlp):
    """A long article (one sentence a paragraph, as online tabloids write) tells when the act
    happened in a sentence naming the man it happened to, before the act's own sentence; no
    other paragraph's date is taken."""
    filler = [
        f"Campaigners said the case raised questions number {n} for the force." for n in range(20)
    ]
    text = "\n\n".join(
        [
            "Family of man who died after police restraint demand answers",
            "The family of a man who died after being restrained by police say he called for help.",
            "Kevin Marlow, 30, had called 999 from his flat on the evening of March 8, saying he "
            "could not breathe.",
            "The footage shows three Leeds officers holding Marlow face down on the floor, one "
            "kneeling on his back for six minutes.",
            *filler,
            "In 2022 the force was criticised over another case.",
        ]
    )
    inc, _ = linked(nlp, dated(text, dt.date(2025, 6, 20)))
    row = inc[inc["subjects"].map(lambda s: "Kevin Marlow" in s)].iloc[0]
    assert row["date_text"] == "March 8", row["date_text"]
    assert pd.Timestamp(row["date_start"]).date() == dt.date(2025, 3, 8)


def test_a_byline_is_nobody_in_the_story():
    assert find_people("By Ryan Kowalchuk") == []
    assert find_people("By JANE DOE and John Roe, Crime Correspondent") == []
    assert [p[2] for p in find_people("By the time Ryan Kowalchuk arrived, he was dead.")] == [
        "Ryan Kowalchuk"
    ]


def test_first_reported_is_the_earliest_publication_date(nlp):
    early = dated(
        "Kwame Adjei, 31, died after being restrained by Essex Police officers in Basildon.",
        dt.date(2023, 4, 3),
        "a.txt",
    )
    later = dated(
        "Three Essex Police officers face a gross misconduct hearing over the death of Kwame Adjei.",
        dt.date(2023, 9, 14),
        "b.txt",
    )
    inc, _ = linked(nlp, later, early)
    row = inc[inc["subjects"].map(lambda s: "Kwame Adjei" in s)].iloc[0]
    assert row["source_count"] == 2
    assert pd.Timestamp(row["first_reported"]).date() == dt.date(2023, 4, 3)


def test_every_incident_of_a_dated_article_has_first_reported(nlp):
    inc, _ = linked(nlp, dated("A Met officer punched a handcuffed man in Hackney, a court heard."))
    assert len(inc) >= 1 and inc["first_reported"].notna().all()


# ---------------------------------------------------------------- 2. places


def test_city_region_and_country_from_the_gazetteers():
    mpls = resolve("Minneapolis")
    assert (mpls.kind, mpls.country, mpls.region) == ("city", "US", "US-MN")
    assert (resolve("Scotland").country, resolve("Scotland").region) == ("GB", "GB-SCT")
    assert resolve("Minnesota").region == "US-MN"
    assert resolve("Queensland").country == "AU"
    assert resolve("UK").country == "GB"
    # same-named cities: the state or country named elsewhere chooses
    assert resolve("Paris", countries=["US"]).country == "US"
    assert resolve("Paris").country == "FR"


def test_abbreviated_and_camel_case_town_names():
    assert (resolve("St. Paul").country, resolve("St. Paul").region) == ("US", "US-MN")
    assert resolve("West St. Paul").region == "US-MN"  # 'St.' inside a name is 'Saint' too
    assert resolve("SoHo") is None  # a neighbourhood, not the town of Soho


def test_uk_forces_imply_gb_and_their_nation():
    assert force_place("Police Scotland") == ("GB", "GB-SCT")
    assert force_place("South Wales Police") == ("GB", "GB-WLS")
    assert force_place("Greater Manchester Police") == ("GB", "GB-ENG")
    assert force_place("Minneapolis Police Department") == (None, None)


def test_locale_words_only_when_nothing_else_says():
    assert locale_country("Deputies responded to a 911 call about 8 p.m.") == "US"
    assert locale_country("Officers were called on 999 and the IOPC investigated.") == "GB"
    assert locale_country("Officers were called.") is None


def test_a_rank_needs_a_name_to_be_british():
    assert locale_country("PC Hughes and DC Ward arrested him.") == "GB"
    assert locale_country("A DC resident filmed officers in Washington, DC.") is None


def test_regions_tied_go_to_the_place_named_first():
    from flows.extract.places import pick_place

    first, second = resolve("Joplin", countries=["US"]), resolve("Tulsa", countries=["US"])
    city, country, region = pick_place([first, second])
    assert (city.name, country, region) == ("Joplin", "US", "US-MO")
    city, _, region = pick_place([second, first])
    assert (city.name, region) == ("Tulsa", "US-OK")


def test_incident_place_country_and_region(nlp):
    text = (
        "Minneapolis police officers shot and killed Darnell Okafor, 27, outside a store in "
        "Minneapolis early Sunday, police said."
    )
    inc, _ = linked(nlp, dated(text))
    row = inc.iloc[0]
    assert "Minneapolis" in row["location"]
    assert (row["country"], row["region"]) == ("US", "US-MN")
    assert row["police_forces"] == ["Minneapolis Police Department"]


@pytest.mark.parametrize(
    ("text", "town"),
    [
        # a town of some size its syntax shows, with no state or country named anywhere
        (
            "Officers chased a stolen truck until it crashed in Joplin. An officer shot and "
            "killed the driver when he got out holding a rifle.",
            "Joplin",
        ),
        (
            "The car left the road about a mile east of Ardmore. Officers shot and killed the "
            "driver after he fired at them.",
            "Ardmore",
        ),
        (
            "Officers were called to an Ankeny apartment after a neighbour heard screaming. An "
            "officer shot and killed a man who came at him with a knife.",
            "Ankeny",
        ),
        # a town's public building or service names its town
        (
            "Deputies were guarding the Decatur Courthouse when a man ran at them. A deputy shot "
            "and killed him when he drew a handgun.",
            "Decatur",
        ),
        (
            "An officer and Kokomo Fire crews answered a call about smoke. The officer shot and "
            "killed a man who attacked him with a hammer.",
            "Kokomo",
        ),
        (
            "Officers of the Nashville Metropolitan Police Department fired pepper balls at "
            "marchers and beat a man with batons, a lawsuit says.",
            "Nashville",
        ),
        # a product, a business and the officers' home town are not the scene
        (
            "A Tulsa police officer stopped a white Pontiac outside a McDonald's in Sapulpa. "
            "The officer shot and killed the driver after he reached for a gun.",
            "Sapulpa",
        ),
    ],
)
def test_a_town_shown_by_its_syntax_is_the_location(nlp, text, town):
    inc, _ = linked(nlp, dated(text))
    assert len(inc) >= 1
    assert any(town in (loc or "") for loc in inc["location"]), list(inc["location"])


def test_a_uk_force_makes_its_towns_british(nlp):
    text = (
        "On 2 May 2018 West Midlands Police officers found a man unconscious in a car parked "
        "near Meriden. Officers failed to call an ambulance and the man later died."
    )
    inc, _ = linked(nlp, dated(text, None))
    assert set(inc["country"]) == {"GB"}


def test_uk_force_gives_gb_when_no_place_is_named(nlp):
    inc, _ = linked(
        nlp, dated("Two Police Scotland officers assaulted a man in custody, a court heard.")
    )
    assert (inc.iloc[0]["country"], inc.iloc[0]["region"]) == ("GB", "GB-SCT")


# ---------------------------------------------------------------- 3. people and redaction

SENIOR_CONSTABLE = (
    "A teenage boy was punched by a police officer during an arrest in Sydney, footage shows.\n\n"
    "Senior Constable Brooke Harland, 32, punched the 16-year-old boy in the face after he was "
    "handcuffed, the court heard."
)
TWO_CONSTABLES = (
    "Two officers have been charged over the arrest of a 15-year-old girl in Brisbane.\n\n"
    "Constables Amy Taylor and April Jones dragged the girl from a car and threw her to the "
    "ground, Queensland Police said."
)
SPOKESMAN = (
    "A police officer has been charged with sexually assaulting a woman in custody.\n\n"
    "The woman, 24, was sexually assaulted in a cell at Parramatta police station in May, the "
    "court heard. A spokesman for New South Wales Police said the officer had been suspended."
)
OFFICER_ACCUSED = (
    "A police sergeant has been charged with raping a child.\n\n"
    "Sergeant Paul Hughes, 45, of Lancashire Constabulary, is accused of raping a 12-year-old "
    "girl in Blackpool in 2019, Preston Crown Court heard."
)


def redacted(nlp, text):
    extractions = extract_articles([dated(text)], nlp)
    incidents, evidence = link_mentions(extractions)
    decisions = redaction_decisions(incidents, evidence, protected_by_article(extractions))
    return redact(incidents, evidence, decisions)


def _published(incidents, evidence) -> str:
    parts = list(evidence["quote"])
    for col in ("subjects", "officers"):
        parts += [v for vs in incidents[col] for v in vs]
    return "\n".join(parts)


def test_senior_constable_near_a_child_is_named_as_an_officer(nlp):
    incidents, evidence = redacted(nlp, SENIOR_CONSTABLE)
    text = _published(incidents, evidence)
    assert "Senior Constable Brooke Harland" in text and MARKER not in text
    assert any("Brooke Harland" in o for o in incidents["officers"])
    assert not any("Harland" in s for ss in incidents["subjects"] for s in ss)


def test_constables_listed_together_are_both_officers(nlp):
    incidents, evidence = redacted(nlp, TWO_CONSTABLES)
    text = _published(incidents, evidence)
    assert "Constables Amy Taylor and April Jones" in text and MARKER not in text
    assert not any(s for ss in incidents["subjects"] for s in ss if "Taylor" in s or "Jones" in s)


def test_organisation_beside_a_sexual_offence_word_is_never_redacted(nlp):
    incidents, evidence = redacted(nlp, SPOKESMAN)
    text = _published(incidents, evidence)
    assert "A spokesman for New South Wales Police" in text
    forces = {f for fs in incidents["police_forces"] for f in fs}
    assert "New South Wales Police" in forces and "South Wales Police" not in forces
    assert set(incidents["country"]) == {"AU"}


def test_officer_accused_of_raping_a_child_is_an_officer_not_a_person_harmed(nlp):
    incidents, evidence = redacted(nlp, OFFICER_ACCUSED)
    assert any("Paul Hughes" in o for o in incidents["officers"])
    assert not any("Hughes" in s for ss in incidents["subjects"] for s in ss)
    assert "Sergeant Paul Hughes" in _published(incidents, evidence)


def test_victim_named_by_surname_across_sentences_is_the_subject(nlp):
    text = (
        "About 9 p.m., Garfield police were called to a home where a man, Tobias Wendler, was "
        "reported to be armed.\n"
        "Officers said Wendler refused to drop a knife.\n"
        "An officer shot and killed him, police said."
    )
    inc, _ = linked(nlp, dated(text))
    assert len(inc) == 1
    assert any(surname(s) == "Wendler" for s in inc.iloc[0]["subjects"])


def test_surname_of_a_full_name():
    assert surname("Ensoa Strickland Jr.") == "Strickland"
    assert surname("Kevin Lee Catlett") == "Catlett"


# ---------------------------------------------------------------- 4. agencies


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        (
            "About 7 p.m., Johnson City police were responding to a call.",
            "Johnson City Police Department",
        ),
        ("Polk County sheriff's deputies arrived at a home.", "Polk County Sheriff's Office"),
        ("the Minneapolis Police Department said", "Minneapolis Police Department"),
        ("Lake County Sheriff's Department deputies fired.", "Lake County Sheriff's Department"),
        ("Minnesota State Patrol troopers stopped the car.", "Minnesota State Patrol"),
        ("A spokesman for New South Wales Police said", "New South Wales Police"),
        # the agency's own words: a metro department, a division of police, a city's sheriff
        (
            "officers with the Tulsa Metro Police Department responded",
            "Tulsa Metro Police Department",
        ),
        (
            "the Las Vegas Metropolitan Police Department said",
            "Las Vegas Metropolitan Police Department",
        ),
        ("A Columbus Division of Police officer fired.", "Columbus Division of Police"),
        ("a Jacksonville Sheriff's Office patrol car", "Jacksonville Sheriff's Office"),
    ],
)
def test_canonical_agencies(text, agency):
    assert agency in [a[2] for a in find_agencies(text)]


def test_a_sheriffs_office_is_american_whatever_its_county_is_called():
    """'Lee' is also a place in England: a county sheriff's office is still in the US."""
    (hit,) = find_agencies("Lee County Sheriff's Office deputies arrested him.")
    assert hit[2] == "Lee County Sheriff's Office" and hit[3] == "US"
    (metro,) = find_agencies("officers with the Louisville Metro Police Department")
    assert metro[2:5] == ("Louisville Metro Police Department", "US", "US-KY")


def test_streets_are_not_people_nor_towns(nlp):
    """A street named after a town ('Fayetteville and Hargett streets') is no town, and a street's
    name ('Blanding Boulevard') is no person harmed."""
    corner = (
        "Raleigh police fire tear gas at protesters at Fayetteville and Hargett streets after an "
        "officer shoves a woman to the ground."
    )
    (x,) = extract_articles([make_article(corner)], nlp)
    assert x.mentions
    assert all(m.subjects == [] for m in x.mentions), [m.subjects for m in x.mentions]
    assert all(m.location == "Raleigh" for m in x.mentions), [m.location for m in x.mentions]
    crossing = (
        "A woman was killed when a sheriff's patrol car struck her on Blanding Boulevard in "
        "Jacksonville, Florida, shortly after 9 p.m."
    )
    (y,) = extract_articles([make_article(crossing)], nlp)
    assert y.mentions
    assert all("Boulevard" not in " ".join(m.subjects) for m in y.mentions)


def test_the_place_of_the_act_before_the_place_of_the_hospital(nlp):
    """A town the recogniser read as a person ('in Lehigh Acres') is where the act was; the town
    of the hospital a later sentence names is not the incident's location."""
    text = (
        "Darnell Price, 47, was tased twice by Lee County Sheriff's Office deputies during an "
        "arrest at a closed gas station in Lehigh Acres. He stopped breathing in the patrol car "
        "and died at a hospital in Fort Myers."
    )
    incidents, _ = linked(nlp, make_article(text, "price.txt"))
    assert incidents["location"].tolist() == ["Lehigh Acres"]
    assert incidents["region"].tolist() == ["US-FL"]


def test_a_custody_suite_of_a_town_gives_the_town(nlp):
    text = (
        "We investigated the actions of Durham Constabulary officers following the death of a "
        "man who became unwell in a cell at Darlington custody suite in May 2022. Our "
        "investigation found that checks on him were not carried out as required. A custody "
        "sergeant was found to have a case to answer for gross misconduct."
    )
    (x,) = extract_articles([make_article(text, "iopc.txt")], nlp)
    assert x.mentions
    assert {m.location for m in x.mentions} == {"Darlington"}, [m.location for m in x.mentions]


def test_fragments_are_never_agencies():
    assert find_agencies("He lived in Hennepin County. Police said he was armed.") == []
    assert find_agencies("On Sunday Police said") == []
    assert is_fragment("County. Police")
    assert not is_fragment("Merseyside Police")


def test_police_station_is_a_place_not_an_agency():
    assert article_agencies("He was held at Parramatta police station overnight.") == []


def test_uk_gazetteer_stays_canonical():
    assert article_agencies("Officers from the Metropolitan Police Service attended.") == [
        "Metropolitan Police Service"
    ]


# ---------------------------------------------------------------- 5. one case, one incident


def test_a_one_case_description_is_one_incident(nlp):
    text = (
        "Deputies stopped a car on County Road 12 around 11 p.m. and the driver, Marcus Delaney, "
        "ran into the woods.\n"
        "A deputy chased Delaney and used a Taser on him.\n"
        "Deputies then shot and killed Delaney after he reportedly reached for a gun.\n"
        "The officers were placed on leave and the sheriff said the shooting was under review."
    )
    inc, ev = linked(nlp, dated(text))
    assert len(inc) == 1
    assert len(ev) >= 2


def test_an_article_about_two_cases_keeps_two_incidents(nlp):
    text = (
        "Campaigners cited two cases.\n\n"
        "In 2019, officers in Leeds restrained Omar Haddad, 30, until he lost consciousness.\n\n"
        "In 2021, a Met officer punched Jane Whitcombe, 44, at a protest in London."
    )
    inc, _ = linked(nlp, dated(text))
    assert len(inc) == 2


def test_same_case_decides_from_the_fields():
    from flows.core.model import Mention

    def m(start, subjects=(), country=None, day=None):
        return Mention(
            "a",
            start,
            start + 10,
            "x",
            "r",
            subjects=list(subjects),
            country=country,
            date_start=day,
            date_end=day,
            date_precision="day" if day else "unknown",
        )

    assert same_case([m(0, ["Ann Lee"]), m(20, [], "US"), m(40, ["Ann Lee"], "US")])
    assert not same_case([m(0, ["Ann Lee"]), m(20, ["Bob Stone"])])
    assert not same_case([m(0, [], "US"), m(20, [], "GB")])
    assert not same_case([m(0, day=dt.date(2015, 1, 1)), m(20, day=dt.date(2021, 1, 1))])
    assert not same_case([m(0, ["Ann Lee"]), m(0, ["Bob Stone"])])  # one list sentence


# ---------------------------------------------------------------- the page


def test_page_year_uses_first_reported_when_the_date_is_unknown():
    from flows.site.page import country_name, incident_year

    assert (
        incident_year({"date_start": pd.NaT, "first_reported": pd.Timestamp("2021-05-02")})
        == "2021"
    )
    assert (
        incident_year({"date_start": pd.Timestamp("2019-01-01"), "first_reported": pd.NaT})
        == "2019"
    )
    assert incident_year({"date_start": pd.NaT, "first_reported": pd.NaT}) == ""
    assert country_name("GB") == "United Kingdom" and country_name("ZZ") == "ZZ"


def test_page_filters_by_country():
    from flows.site.page import filter_options

    records = [
        {"c": ["excessive_force"], "f": [], "y": "2020", "k": "US"},
        {"c": ["excessive_force"], "f": [], "y": "", "k": ""},
    ]
    options = filter_options(records)
    assert options["countries"] == [("US", "United States (1)"), ("unknown", "unknown (1)")]
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "flows" / "site"
    assert 'id="country"' in (root / "templates" / "release.html").read_text(encoding="utf-8")
    assert "country.value" in (root / "static" / "page.js").read_text(encoding="utf-8")


# ---------------------------------------------------------------- case summaries (issue 14, part 2)

STOP_SUMMARY = (
    "On 4 October 2019, a man was stopped by Kent Police officers in Maidstone. Officers attempted "
    "to detain him and force was used to take him to the ground.\n"
    "One officer sprayed incapacitant spray into the man's face at close range, after which he was "
    "arrested.\n"
    "The man was arrested on suspicion of a burglary committed in April 2019.\n"
    "He complained to Kent Police in December 2019 and the force referred the matter to us.\n"
    "Our investigation was completed in June 2020 and we found that the officer who used the "
    "spray had a case to answer for misconduct.\n"
    "The officer attended a misconduct meeting in September 2020 and received a written warning."
)


@pytest.mark.parametrize(
    "sentence",
    [
        # the later steps of a case are never its date
        "Our investigation was completed in November 2017 and concluded that the officer may "
        "have a case to answer.",
        "In May 2019 an inquest into the man's death recorded the cause of death as suicide.",
        "The two officers appeared before a gross misconduct panel in July 2018.",
        "Another officer was found to have a case to answer for misconduct in November 2018.",
    ],
)
def test_steps_of_a_case_are_not_its_date(sentence):
    assert sentence_date(sentence, None, False) is None


def test_a_finding_after_a_comma_leaves_the_incident_date():
    res, words = sentence_date(
        "In March 2018 officers restrained a man, the panel found.", None, False
    )
    assert (res.start, res.precision, words) == (dt.date(2018, 3, 1), "month", "In March 2018")


def test_a_case_summary_is_one_incident_dated_by_its_opening(nlp):
    inc, ev = linked(nlp, dated(STOP_SUMMARY, None))
    assert len(inc) == 1 and len(ev) >= 2
    row = inc.iloc[0]
    # not April 2019 (an earlier offence he was arrested for), nor a later step of the case
    assert pd.Timestamp(row["date_start"]).date() == dt.date(2019, 10, 4)
    assert row["date_precision"] == "day"


def test_a_summary_over_several_years_keeps_the_year_of_its_story(nlp):
    text = (
        "On 9 February 2017 a man was detained by Norfolk Constabulary officers after a fight "
        "outside a pub in Norwich.\n"
        "The man complained to us in January 2019 about how he was treated.\n"
        "Officers restrained him on the floor of the custody suite on 10 February and an officer "
        "kicked him while he was held down."
    )
    inc, _ = linked(nlp, dated(text, None))
    days = {pd.Timestamp(d).date() for d in inc["date_start"] if not pd.isna(d)}
    assert days and all(d.year == 2017 for d in days)  # never 2019, the complaint's year


def test_a_later_paragraph_takes_the_month_of_the_story_opening(nlp):
    text = (
        "On 14 August 2018, a man was arrested for criminal damage in Leeds and taken to a police "
        "station.\n"
        "Two days later he was moved to another cell. Officers then strip-searched him in the "
        "corridor, in view of other detainees.\n"
        "Our investigation is now complete."
    )
    inc, _ = linked(nlp, dated(text, None))
    assert len(inc) >= 1
    for row in inc.to_dict("records"):
        assert pd.Timestamp(row["date_start"]).date().replace(day=1) == dt.date(2018, 8, 1)
        assert row["date_precision"] in ("day", "month")


def test_agencies_named_together_work_on_one_case(nlp):
    text = (
        "At 8.30am on 12 March 2018, a woman called Cleveland Police to report threats from her "
        "ex-partner, who lived in Cheshire. Cleveland Police emailed Cheshire Constabulary asking "
        "it to record the crime.\n"
        "Cleveland Police officers failed to record the crime and took no action on the threats.\n"
        "At 2.56pm on 13 March 2018 the man died in Cheshire Constabulary custody after officers "
        "restrained him in a cell.\n"
        "We found no indication that any officer had behaved in a manner that would justify "
        "disciplinary proceedings."
    )
    inc, _ = linked(nlp, dated(text, None))
    assert len(inc) == 1
    assert set(inc.iloc[0]["police_forces"]) == {"Cleveland Police", "Cheshire Constabulary"}


def test_two_arrests_on_different_days_in_one_summary_are_two_incidents(nlp):
    text = (
        "On 3 March 2018, Essex Police officers arrested a man in Colchester and one officer "
        "punched him in the face while he was handcuffed.\n"
        "On 20 September 2018, Essex Police officers arrested a second man in Chelmsford and "
        "an officer punched him repeatedly in the custody suite.\n"
        "We investigated both complaints together and found the officers had a case to answer."
    )
    inc, _ = linked(nlp, dated(text, None))
    assert len(inc) == 2
    days = sorted(pd.Timestamp(d).date() for d in inc["date_start"])
    assert days == [dt.date(2018, 3, 3), dt.date(2018, 9, 20)]


def test_a_death_and_the_failures_before_it_are_one_case():
    from flows.core.model import Mention

    def m(start, cats, forces):
        return Mention("a", start, start + 10, "x", "r", categories=cats, police_forces=forces)

    death = m(40, ["death_following_police_contact"], ["Kent Police"])
    failure = m(0, ["investigative_failure"], ["Kent Police"])
    assert same_case([failure, death])
    # agencies never named together: two cases
    other = m(80, ["death_following_police_contact"], ["Essex Police"])
    assert not same_case([failure, other])
    assert same_case([failure, other], together=[{"Kent Police", "Essex Police"}])
    # two different acts in a long article: not one case's account
    acts = [
        m(0, ["excessive_force"], ["Kent Police"]),
        m(20, ["dishonesty"], ["Kent Police"]),
        m(40, ["excessive_force"], ["Kent Police"]),
    ]
    assert same_case(acts) and not same_case(acts, long=True)


# ---------------------------------------------------------------- agencies of one-case accounts


def _forces(inc) -> set[str]:
    return {f for fs in inc["police_forces"] for f in fs}


def test_polk_county_deputies_give_the_canonical_sheriffs_office(nlp):
    text = (
        "Polk County Sheriff's deputies were called to a home about 9 p.m. where a man was "
        "reported to be armed. Deputies shot and killed Ronald Pruitt, 41, after he pointed a "
        "shotgun at them."
    )
    inc, _ = linked(nlp, dated(text))
    assert _forces(inc) == {"Polk County Sheriff's Office"}


def test_every_agency_of_a_one_case_account_took_part(nlp):
    text = (
        "A Marlow County deputy and a Cedar Rapids officer were sent to find a suicidal man "
        "around 2 a.m. A struggle followed and Dwayne Keller grabbed a handgun. "
        "The officers shot and killed Keller."
    )
    inc, _ = linked(nlp, dated(text))
    assert len(inc) == 1
    assert _forces(inc) == {"Marlow County Sheriff's Office", "Cedar Rapids Police Department"}


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("Marlow County Deputy Carl Ames fired twice.", "Marlow County Sheriff's Office"),
        ("An off-duty DeKalb officer was working security.", "DeKalb Police Department"),
    ],
)
def test_capitalised_deputy_and_inner_capital_places(text, agency):
    assert agency in [a[2] for a in find_agencies(text)]


def test_police_in_one_named_city_are_that_citys_department(nlp):
    text = (
        "Derrick Lamb allegedly shot two people in midtown Tulsa and was shot and killed by "
        "police. Police said Lamb fired at a man outside a pizza restaurant around 7 p.m."
    )
    inc, _ = linked(nlp, dated(text))
    assert _forces(inc) == {"Tulsa Police Department"}


@pytest.mark.parametrize(
    "text",
    [
        # a county, a park, a street: no city's police
        "Police found that Rhonda Gale had a warrant in Galveston County. An officer shot and "
        "killed her after she drove at him.",
        "Police were called to Silver Springs Park about an armed man. Officers shot and "
        "killed Tyrone Beale.",
        # deputies are not the city's police
        "Deputies and police officers chased Carl Ovitz through downtown Tulsa. Officers shot "
        "and killed Ovitz.",
    ],
)
def test_no_city_police_without_a_city_or_with_other_agencies(nlp, text):
    inc, _ = linked(nlp, dated(text))
    assert not any(f.endswith("Police Department") for f in _forces(inc))


def test_a_uk_force_alias_in_an_american_text_is_the_citys_department(nlp):
    text = (
        "Norfolk Police arrived near Granby Blvd. and Hampton Avenue for a crash around 7 p.m. "
        "When police arrived, Tanya Reed pulled out a gun and shot her husband. Officers shot "
        "and killed her."
    )
    inc, _ = linked(nlp, dated(text))
    assert _forces(inc) == {"Norfolk Police Department"}
    # in British usage the same words are the gazetteer's force
    uk = "Norfolk Police officers restrained a man in a cell in Norwich, the IOPC said."
    assert article_agencies(uk) == ["Norfolk Constabulary"]


def test_saint_towns_officers():
    found = [a[2] for a in find_agencies("St. Paul officers fired at the car.")]
    assert found == ["St. Paul Police Department"]


@pytest.mark.parametrize(
    "text",
    [
        "In March 2022 an officer punched a handcuffed man in a cell at Leeds police station.\n"
        "The IOPC found on Tuesday that the West Yorkshire Police officer had committed gross "
        "misconduct.",
        "A West Yorkshire Police officer punched a handcuffed man in a cell in March 2022.\n"
        "The IOPC found on Tuesday that the officer had committed gross misconduct, and he was "
        "dismissed on Wednesday.",
    ],
)
def test_the_finding_in_the_next_sentence_does_not_date_the_incident(nlp, text):
    inc, ev = linked(nlp, dated(text, dt.date(2023, 5, 11)))
    assert len(inc) == 1 and len(ev) == 2
    row = inc.iloc[0]
    assert pd.Timestamp(row["date_start"]).date() == dt.date(2022, 3, 1)
    assert row["date_precision"] == "month"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a county's sheriff named without the word 'County' is that county's office
        (
            "A former Broward Sheriff's Office deputy was found guilty.",
            ["Broward County Sheriff's Office"],
        ),
        # the tail of a UK force's name is no agency of its own
        ("Three South Wales Police officers are under investigation.", []),
        # a UK force's words inside a US agency's name leave the US agency whole
        (
            "The Indianapolis Metropolitan Police Department said the officer was on leave.",
            ["Indianapolis Metropolitan Police Department"],
        ),
    ],
)
def test_agencies_are_whole_names_never_fragments(text, names):
    assert [a[2] for a in find_agencies(text)] == names
