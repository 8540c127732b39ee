"""Date expressions resolved against reference dates; reference dates inferred from article text."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.extract.dates import (
    consistent_dates,
    date_role,
    find_dates,
    infer_reference_date,
    resolve,
    stated_years,
    year_reference,
)

D = dt.date
REF = D(2022, 7, 6)


@pytest.mark.parametrize(
    ("sentence", "reference", "metadata", "expected"),
    [
        (
            "On 28 June, the force apologised.",
            REF,
            False,
            (D(2022, 6, 28), D(2022, 6, 28), "day", "On 28 June"),
        ),
        (
            "On 28 December, officers were called.",
            REF,
            False,
            (D(2021, 12, 28), D(2021, 12, 28), "day", "On 28 December"),
        ),
        (
            "In March 2021, an officer murdered her.",
            REF,
            False,
            (D(2021, 3, 1), D(2021, 3, 31), "month", "In March 2021"),
        ),
        (
            "It happened last year.",
            REF,
            True,
            (D(2021, 1, 1), D(2021, 12, 31), "year", "last year"),
        ),
        (
            "Earlier this year, he was sacked.",
            REF,
            True,
            (D(2022, 1, 1), D(2022, 12, 31), "year", "Earlier this year"),
        ),
        (
            "On Tuesday 1 February the panel met.",
            REF,
            False,
            (D(2022, 2, 1), D(2022, 2, 1), "day", "On Tuesday 1 February"),
        ),
        (
            "The raid took place in 2015.",
            REF,
            False,
            (D(2015, 1, 1), D(2015, 12, 31), "year", "in 2015"),
        ),
        (
            "He was shot on May 31st, 2020.",
            None,
            False,
            (D(2020, 5, 31), D(2020, 5, 31), "day", "on May 31st, 2020"),
        ),
        (
            "She died on 3 August 2022.",
            None,
            False,
            (D(2022, 8, 3), D(2022, 8, 3), "day", "on 3 August 2022"),
        ),
        (
            "It was reported in May.",
            D(2023, 9, 1),
            False,
            (D(2023, 5, 1), D(2023, 5, 31), "month", "in May"),
        ),
        (
            "Police said yesterday the man had died.",
            D(2024, 1, 10),
            True,
            (D(2024, 1, 9), D(2024, 1, 9), "day", "yesterday"),
        ),
        (
            "last month the officer resigned",
            D(2024, 1, 10),
            True,
            (D(2023, 12, 1), D(2023, 12, 31), "month", "last month"),
        ),
        # a month of a year told relative to the publication
        (
            "He was called to the house in January last year.",
            D(2024, 10, 9),
            True,
            (D(2023, 1, 1), D(2023, 1, 31), "month", "in January last year"),
        ),
        (
            "The officer kicked him on 3 May last year.",
            D(2024, 10, 9),
            True,
            (D(2023, 5, 3), D(2023, 5, 3), "day", "on 3 May last year"),
        ),
        (
            "It happened in March of this year.",
            D(2024, 10, 9),
            True,
            (D(2024, 3, 1), D(2024, 3, 31), "month", "in March of this year"),
        ),
    ],
)
def test_date_expressions(sentence, reference, metadata, expected):
    (expr,) = find_dates(sentence)
    res = resolve(expr, reference, from_metadata=metadata)
    assert (res.start, res.end, res.precision, expr.text) == expected


@pytest.mark.parametrize(
    ("sentence", "reference"),
    [
        (
            "Police said yesterday the man had died.",
            D(2024, 1, 10),
        ),  # needs a real publication date
        ("On 28 June, officers were called.", None),  # no year anywhere
        ("It happened last year.", REF),  # an inferred reference date is not reliable enough
        ("Earlier this year, the deputy was fired.", REF),
        ("The trooper resigned last month.", REF),
        # a financial year or a season lies in two years: no single precision says so
        ("Orders were issued on three occasions in 2015/16.", REF),
    ],
)
def test_unresolvable_dates_stay_empty(sentence, reference):
    (expr,) = find_dates(sentence)
    assert resolve(expr, reference, from_metadata=False) is None


def test_may_the_verb_is_not_a_date():
    assert find_dates("Officers may face charges, the march was peaceful.") == []


@pytest.mark.parametrize(
    ("sentence", "role"),
    [
        ("1,823 people have died in police custody since 1990.", "bound"),
        ("From 2019 to 2022, officers intimidated demonstrators.", "bound"),
        (
            "On Tuesday 1 February, the IOPC watchdog released a report revealing that officers shared messages.",
            "report",
        ),
        (
            "On 5 July, the public inquiry into the death concluded that he was lawfully killed.",
            "report",
        ),
        ("In 2022, racist messages shared by officers came to light.", "report"),
        ("LONDON, March 14 (Newswire) - An officer was jailed.", "report"),
        ("In March 2021, a serving officer murdered her.", "incident"),
        ("He was dismissed after a gross misconduct hearing in January.", "report"),
        ("The constable was jailed on 4 May for the assault.", "report"),
        ("The officer punched him on 3 August 2022.", "incident"),
        (
            "On 28 June, the inspectorate placed the force in special measures after a string of failings.",
            "report",
        ),
        (
            "The messages were uncovered by an investigation, dubbed Operation Kestrel, that began in 2019.",
            "report",
        ),
        ("A probe into the deputies' conduct was launched in March 2020.", "report"),
        ("The sheriff's deputies opened fire on 12 May 2021.", "incident"),
        ("In 2019 the sergeant started harassing a junior colleague.", "incident"),
        ("Her brother complained to the force in June 2019.", "report"),
        ("The family made a formal complaint on 2 May 2018.", "report"),
        # a report subject before the date and its verb after it
        ("A jury on Wednesday convicted the deputy of battery.", "report"),
        ("Prosecutors on Friday charged two officers with manslaughter.", "report"),
        ("Officers on Friday shot a man outside a bar.", "incident"),
    ],
)
def test_date_roles(sentence, role):
    expr = find_dates(sentence)[0]
    assert date_role(sentence, expr) == role


def test_dates_that_cannot_be_one_event_are_inconsistent():
    texts = "Allegations were handled by Avon and Somerset Police in 2016, and by Dorset Police in 2020."
    periods = [resolve(e, None) for e in find_dates(texts)]
    assert len(periods) == 2 and not consistent_dates(periods)
    nested = [resolve(e, None) for e in find_dates("In March 2020, on 14 March 2020, he was shot.")]
    assert consistent_dates(nested)


def test_reference_date_from_weekday_fit():
    text = "Officers were sacked in 2021. On Tuesday 1 February the report was released."
    ref, how = infer_reference_date(text)
    assert ref == D(2022, 2, 1)
    assert "latest explicit year 2021" in how and "fits 2022" in how


def test_reference_date_from_latest_year_and_dates():
    text = "In 2021 the inquests ended. On 28 June 2022 the force was placed in special measures. On 5 July the inquiry ended."
    ref, how = infer_reference_date(text)
    assert ref == D(2022, 7, 5)
    assert "latest explicit year 2022" in how


def test_reference_date_year_only_and_none():
    assert infer_reference_date("The review, published in 2019, found failings.")[0] == D(
        2019, 1, 1
    )
    assert infer_reference_date("No dates here at all.") == (None, None)


def test_a_span_of_years_is_one_expression_and_no_date():
    # one expression (not the year 2017 and a stray '18'), which no precision can state: a
    # 'year' from 2017-01-01 to 2018-12-31 broke the release's row rule
    (expr,) = find_dates("Over several months in 2017/18 the force dealt with the family.")
    assert (expr.year, expr.year_end) == (2017, 2018)
    assert resolve(expr, None) is None


def test_a_year_less_date_continues_the_year_last_stated_for_the_incident():
    text = (
        "On 3 June 2016 a woman was held in a cell. We referred the case in March 2018. "
        "She was released on 5 June."
    )
    years = stated_years(text)
    assert years == [(0, 2016)]  # the referral's year is a later timeline
    fallback = D(2018, 12, 31)
    (expr,) = find_dates("She was released on 5 June.")
    ref = year_reference(years, text.index("She was"), fallback)
    assert resolve(expr, ref).start == D(2016, 6, 5)
    assert year_reference(years, 0, fallback) == fallback


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # US news: the weekday alone right after the event word
        ("A 52-year-old man died Sunday after deputies restrained him.", "Sunday"),
        ("Ortiz was shot Tuesday by a state trooper.", "Tuesday"),
        ("Police said Monday that the man was armed.", None),  # a statement's day
        ("Friday Harbor officers stopped a van.", None),  # a place, not a date
    ],
)
def test_a_bare_weekday_after_an_event_word_is_its_date(sentence, expected):
    found = [e for e in find_dates(sentence) if e.weekday is not None]
    assert (found[0].text if found else None) == expected
    if found:
        res = resolve(found[0], D(2024, 3, 14), from_metadata=True)
        assert (
            res is not None and res.precision == "day" and res.start.weekday() == found[0].weekday
        )


def test_a_month_and_a_possessive_year_stay_apart():
    """'last year's figures' is no date of the month before it."""
    assert [d.text for d in find_dates("In January, last year's figures were published.")] == [
        "In January",
        "last year",
    ]


def test_a_span_of_years_gives_a_valid_incident():
    """'in 2015/16' once became a 'year' spanning two years, which the release's row rule refuses:
    a whole build failed validation on one such article. Through extraction and linking, every
    incident's date agrees with its precision."""
    from flows.extract import extract_articles, link_mentions, load_nlp
    from schemas.rowrules import date_precision_agrees
    from tests.extract_helpers import make_article

    text = (
        "Officers punched a handcuffed man in the cells at Colchester police station in 2015/16, "
        "the IOPC found."
    )
    (ext,) = extract_articles([make_article(text)], load_nlp())
    incidents, _ = link_mentions([ext])
    assert len(incidents) == 1
    assert date_precision_agrees(incidents).all()
    assert incidents["date_precision"].tolist() == ["unknown"]
