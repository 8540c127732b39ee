"""The pandera models reject bad rows, cross-table rules hold, and the Arrow and CSV forms round-trip."""

from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from publish_fixtures import DOCS, build_tables

from flows.publish.diff import json_value
from flows.publish.release import write_csv
from schemas.checks import ReleaseInvalid, assert_valid, validate_tables
from schemas.export import (
    FORMULA_PREFIXES,
    arrow_schema,
    columns,
    from_arrow,
    neutralise_formula,
    to_arrow,
    to_csv_frame,
)
from schemas.vocab import CATEGORIES, OUTCOMES

TEXTS = {d.article_id: d.text for d in DOCS}


@pytest.fixture
def tables():
    t = build_tables()
    assert validate_tables(t, TEXTS).ok
    return t


def failures(tables, texts=None):
    return [str(f) for f in validate_tables(tables, texts).failures]


def has(found, *parts):
    return any(all(p in f for p in parts) for f in found)


@pytest.mark.parametrize(
    ("table", "column", "value", "expected"),
    [
        ("incidents", "incident_id", "inc_XYZ", "incident_id: str_matches"),
        ("incidents", "categories", ["not_a_category"], "categories must be a non-empty list"),
        ("incidents", "categories", [], "categories must be a non-empty list"),
        ("incidents", "police_forces", ["  "], "must be a list of non-empty strings"),
        ("incidents", "allegation_status", "probably", "allegation_status: isin"),
        ("incidents", "source_count", 3, "source_count must equal"),
        ("evidence", "char_end", 0, "char_end"),
        ("evidence", "redaction_reason", "child", "redaction_reason is required exactly when"),
        ("evidence", "evidence_id", "ev_short", "evidence_id: str_matches"),
        ("articles", "text_sha256", "abc", "text_sha256: str_matches"),
        ("articles", "status", "deleted", "status: isin"),
        ("articles", "date_source", "guessed", "date_source: isin"),
    ],
)
def test_models_reject_bad_values(tables, table, column, value, expected):
    df = tables[table]
    if isinstance(value, list):
        df.at[1, column] = value
    else:
        df.loc[1, column] = value
    found = failures(tables)
    assert has(found, f"{table} row 1", expected) or has(found, table, expected), found


def test_date_precision_must_agree_with_dates(tables):
    inc = tables["incidents"]
    inc.loc[0, ["date_start", "date_end", "date_precision"]] = [
        pd.Timestamp("2021-03-01"),
        pd.Timestamp("2021-03-31"),
        "month",
    ]
    assert failures(tables) == []
    inc.loc[0, "date_precision"] = "day"
    assert has(failures(tables), "incidents row 0", "date_precision disagrees")
    inc.loc[0, ["date_end", "date_precision"]] = [pd.Timestamp("2021-12-31"), "year"]
    assert has(failures(tables), "incidents row 0", "date_precision disagrees")  # starts in March


def test_outcome_text_needs_outcome(tables):
    tables["incidents"].loc[1, "outcome"] = None
    tables["incidents"].loc[1, "outcome_text"] = "was told off"
    assert has(failures(tables), "incidents row 1", "outcome_text requires an outcome")


def test_status_rules_of_articles(tables):
    art = tables["articles"]
    art.loc[2, "status_reason"] = None  # no_incident without a reason
    assert has(failures(tables), "articles", "need a status_reason")


def test_unknown_column_is_rejected(tables):
    tables["incidents"]["victim_name"] = "x"
    assert has(failures(tables), "incidents table", "column_in_schema", "victim_name")


def test_cross_table_rules(tables):
    ev = tables["evidence"]
    ev.loc[2, "incident_id"] = "inc_000000000000"
    found = failures(tables)
    assert has(found, "evidence row 2", "unknown incident_id inc_000000000000")
    assert has(found, "incidents", "has no evidence row")


def test_counts_must_match_evidence(tables):
    tables["incidents"].loc[0, "evidence_count"] = 5
    tables["articles"].loc[0, "incident_count"] = 2
    found = failures(tables)
    assert has(found, "incidents row 0", "evidence_count 5 != 2")
    assert has(found, "articles row 0", "incident_count 2 != 1")


def test_quote_must_match_text(tables):
    tables["evidence"].loc[0, "quote"] = (
        "A woman was restrained by officers in Hackney in March 2021."
    )
    assert failures(tables) == []  # without texts this is invisible
    assert has(failures(tables, TEXTS), "evidence row 0", "quote matches text")


def test_validation_is_lazy_and_assert_valid_raises(tables):
    tables["incidents"].loc[0, "categories"] = ["nope"]
    tables["articles"].loc[0, "format"] = "pdf"
    with pytest.raises(ReleaseInvalid) as exc:
        assert_valid(tables)
    text = str(exc.value)
    assert "categories" in text and "format" in text


def test_csv_neutralisation():
    assert neutralise_formula("=1+2") == "'=1+2"
    assert neutralise_formula("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise_formula("-5 officers") == "'-5 officers"
    assert neutralise_formula("A-5") == "A-5" and neutralise_formula("") == ""


def test_arrow_round_trip_of_fixture(tables):
    for name, df in tables.items():
        tbl = to_arrow(name, df)
        assert tbl.schema.equals(arrow_schema(name))
        back = from_arrow(name, tbl)
        assert list(back.columns) == [c["name"] for c in columns(name)]
        for col in back.columns:
            assert [json_value(v) for v in back[col]] == [json_value(v) for v in df[col]], col
    assert to_arrow("incidents", tables["incidents"]).schema.field("date_start").type == pa.date32()
    assert validate_tables(
        {n: from_arrow(n, to_arrow(n, df)) for n, df in tables.items()}, TEXTS
    ).ok


# --- property-based round trips of the incidents table (lists, dates, nullable text) ---

TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=30,
)
MAYBE_TEXT = st.none() | TEXT
DATES = st.dates(
    min_value=pd.Timestamp("1900-01-01").date(), max_value=pd.Timestamp("2100-12-31").date()
)


@st.composite
def incident_rows(draw):
    n = draw(st.integers(min_value=1, max_value=6))
    ids = draw(
        st.lists(
            st.text("0123456789abcdef", min_size=12, max_size=12),
            min_size=n,
            max_size=n,
            unique=True,
        )
    )
    rows = []
    for iid in ids:
        day = draw(st.none() | DATES)
        arts = draw(
            st.lists(
                st.text("0123456789abcdef", min_size=16, max_size=16),
                min_size=1,
                max_size=3,
                unique=True,
            )
        )
        outcome = draw(st.none() | st.sampled_from(OUTCOMES))
        rows.append(
            {
                "incident_id": "inc_" + iid,
                "title": draw(st.text(min_size=3, max_size=40).filter(lambda s: "\x00" not in s)),
                "categories": draw(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=3)),
                "date_start": pd.Timestamp(day) if day else pd.NaT,
                "date_end": pd.Timestamp(day) if day else pd.NaT,
                "date_precision": "day" if day else "unknown",
                "date_text": draw(MAYBE_TEXT),
                "first_reported": draw(
                    st.none()
                    | st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)).map(
                        pd.Timestamp
                    )
                ),
                "police_forces": draw(st.lists(TEXT.filter(str.strip), max_size=3)),
                "location": draw(MAYBE_TEXT),
                "country": draw(st.none() | st.sampled_from(["GB", "US"])),
                "region": draw(st.none() | st.sampled_from(["GB-ENG", "US-MN"])),
                "subjects": draw(st.lists(TEXT.filter(str.strip), max_size=2)),
                "officers": draw(st.lists(TEXT.filter(str.strip), max_size=2)),
                "outcome": outcome,
                "outcome_text": draw(MAYBE_TEXT) if outcome else None,
                "allegation_status": draw(st.sampled_from(["alleged", "established", "unknown"])),
                "source_count": len(arts),
                "article_ids": ["art_" + a for a in arts],
                "evidence_count": draw(st.integers(min_value=1, max_value=10**12)),
            }
        )
    return pd.DataFrame(rows)


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(incident_rows())
def test_arrow_round_trip_property(df):
    from schemas.tables import Incidents

    Incidents.validate(df)  # the generator only makes valid rows
    back = from_arrow("incidents", to_arrow("incidents", df))
    for col in df.columns:
        assert [json_value(v) for v in back[col]] == [json_value(v) for v in df[col]], col
    Incidents.validate(back)


@SETTINGS
@given(incident_rows())
def test_csv_round_trip_property(df):
    csv_frame = to_csv_frame("incidents", df)
    buf = io.StringIO()
    write_csv("incidents", df, buf)  # the writer releases use
    back = pd.read_csv(io.StringIO(buf.getvalue()), dtype=str, keep_default_na=False)
    assert back.to_numpy().tolist() == csv_frame.astype(str).to_numpy().tolist()
    for i, row in enumerate(df.to_dict("records")):
        got = back.iloc[i]
        assert json.loads(got["officers"]) == [neutralise_formula(o) for o in row["officers"]]
        assert got["location"] == (
            "" if pd.isna(row["location"]) else neutralise_formula(row["location"])
        )
        assert got["date_start"] == (
            "" if pd.isna(row["date_start"]) else row["date_start"].strftime("%Y-%m-%d")
        )
        assert int(got["evidence_count"]) == row["evidence_count"]
        for col in ("title", "location", "date_text", "outcome_text"):
            assert not got[col].startswith(FORMULA_PREFIXES), (col, got[col])
