"""A small valid release built from the raw/ samples (real sentences, real offsets) plus hostile input.

Imported by the site, Datasette and browser tests; its own test proves the fixture is a valid release."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from schemas.checks import validate_tables

RAW = Path(__file__).resolve().parents[1] / "raw"
HOSTILE_QUOTE = (
    'He wrote "<script>alert(1)</script>" and then </script><img src=x onerror=alert(2)> '
    "in a message to a colleague & a friend, the tribunal heard."
)
HOSTILE_TITLE = 'Officer "</script><b>X</b>" accused of excessive force'
REDACTED_TEXT = (
    "A court heard that Jane Roe, a woman who reported a sexual assault by a serving officer in "
    "2021, was later contacted by him. The officer denies the allegation."
)
REDACTED_QUOTE = (
    "A court heard that [REDACTED], a woman who reported a sexual assault by a serving officer in "
    "2021, was later contacted by him."
)

# (incident, [(source, sentence)]): source is a raw/ file name or a synthetic article key.
INCIDENTS = [
    (
        {
            "title": "Met officers shared misogynistic and racist messages; two dismissed",
            "categories": ["discriminatory_conduct", "sexual_violence_or_harassment"],
            "date_start": "2022-02-01",
            "date_end": "2022-02-01",
            "date_precision": "day",
            "date_text": "On Tuesday 1 February",
            "first_reported": pd.NaT,
            "police_forces": ["Metropolitan Police Service"],
            "location": "Charing Cross police station",
            "country": None,
            "region": None,
            "subjects": [],
            "officers": [],
            "outcome": "dismissed",
            "outcome_text": "two were dismissed for gross misconduct",
            "allegation_status": "established",
        },
        [
            (
                "000_3a6a4115694bcdfb.txt",
                "On Tuesday 1 February, The Independent Office for Police Conduct",
            ),
            (
                "003_236086816305dda7.txt",
                "In fact, of the 14 police officers that were investigated",
            ),
        ],
    ),
    (
        {
            "title": "Strip search of a child (Child Q) by Met officers",
            "categories": ["strip_search"],
            "date_start": "2020-01-01",
            "date_end": "2020-12-31",
            "date_precision": "year",
            "date_text": None,
            "first_reported": pd.NaT,
            "police_forces": ["Metropolitan Police Service"],
            "location": "Hackney",
            "country": None,
            "region": None,
            "subjects": ["Child Q"],
            "officers": [],
            "outcome": None,
            "outcome_text": None,
            "allegation_status": "alleged",
        },
        [("001_3ca771552f29339b.txt", "Meanwhile, stories of the Met’s shameful strip searches")],
    ),
    (
        {
            "title": "Handling of the disappearance of Richard Okorogheye criticised",
            "categories": ["investigative_failure"],
            "date_start": "2021-03-01",
            "date_end": "2021-03-31",
            "date_precision": "month",
            "date_text": "in March 2021",
            "first_reported": pd.NaT,
            "police_forces": ["Metropolitan Police Service"],
            "location": None,
            "country": None,
            "region": None,
            "subjects": ["Richard Okorogheye"],
            "officers": [],
            "outcome": "inquiry_conclusion",
            "outcome_text": "“unacceptable” handling",
            "allegation_status": "established",
        },
        [("001_3ca771552f29339b.txt", "On 6 July, the Independent Office for Police Conduct")],
    ),
    (
        {
            "title": "Metropolitan Police placed in special measures by the inspectorate",
            "categories": ["institutional_failure"],
            "date_start": "2022-06-28",
            "date_end": "2022-06-28",
            "date_precision": "day",
            "date_text": "On 28 June",
            "first_reported": pd.NaT,
            "police_forces": ["Metropolitan Police Service"],
            "location": "London",
            "country": None,
            "region": None,
            "subjects": [],
            "officers": [],
            "outcome": "inquiry_conclusion",
            "outcome_text": "placed in ‘special measures‘",
            "allegation_status": "established",
        },
        [("001_3ca771552f29339b.txt", "On 28 June, Her Majesty’s Inspectorate of Constabulary")],
    ),
    (
        {
            "title": "Misconduct at Charing Cross police station exposed by undercover filming",
            "categories": ["other_misconduct"],
            "date_start": None,
            "date_end": None,
            "date_precision": "unknown",
            "date_text": None,
            "first_reported": pd.NaT,
            "police_forces": ["Metropolitan Police Service"],
            "location": "Charing Cross",
            "country": None,
            "region": None,
            "subjects": [],
            "officers": [],
            "outcome": None,
            "outcome_text": None,
            "allegation_status": "alleged",
        },
        [("002_a50e30955eb4a1ca.txt", "Once again, surprising absolutely no one")],
    ),
    (
        {
            "title": HOSTILE_TITLE,
            "categories": ["excessive_force"],
            "date_start": "2019-05-01",
            "date_end": "2019-05-31",
            "date_precision": "month",
            "date_text": "in May 2019",
            "first_reported": pd.NaT,
            "police_forces": ["Greater Manchester Police", "<i>Force</i> & Co"],
            "location": "<b>Salford</b>",
            "country": None,
            "region": None,
            "subjects": [],
            "officers": ["PC <Smith>"],
            "outcome": "charged",
            "outcome_text": None,
            "allegation_status": "alleged",
        },
        [("hostile", HOSTILE_QUOTE)],
    ),
    (
        {
            "title": "Officer accused of contacting a woman who reported sexual assault",
            "categories": ["sexual_violence_or_harassment"],
            "date_start": "2021-01-01",
            "date_end": "2021-12-31",
            "date_precision": "year",
            "date_text": "in 2021",
            "first_reported": pd.NaT,
            "police_forces": ["Avon and Somerset Constabulary"],
            "location": None,
            "country": None,
            "region": None,
            "subjects": [],
            "officers": [],
            "outcome": None,
            "outcome_text": None,
            "allegation_status": "alleged",
        },
        [("redacted", REDACTED_QUOTE)],
    ),
]

SYNTHETIC = {
    "hostile": {
        "source_path": "synthetic/hostile.html",
        "text": HOSTILE_QUOTE + " Nothing else was said.",
        "url": "javascript:alert(3)",
        "publisher": "<b>Evil</b> Gazette",
        "title": "<script>x</script>",
        "published_date": "2019-06-02",
        "format": "html",
    },
    "redacted": {
        "source_path": "synthetic/redacted.json#0",
        "text": REDACTED_TEXT,
        "url": "https://news.example.org/2021/officer-court?id=1&x=<2>",
        "publisher": "Example News",
        "title": "Officer in court",
        "published_date": "2022-01-15",
        "format": "json",
    },
}


def _hex(*parts: str, n: int) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:n]


def _article(source_path: str, text: str, **meta: object) -> dict:
    return {
        "article_id": "art_" + _hex(text, n=16),
        "source_path": source_path,
        "url": meta.get("url"),
        "publisher": meta.get("publisher"),
        "title": meta.get("title") or text.split("\n", 1)[0][:200],
        "published_date": pd.Timestamp(meta["published_date"])
        if meta.get("published_date")
        else pd.NaT,
        "date_source": "metadata" if meta.get("published_date") else "unknown",
        "date_inference": None,
        "word_count": len(text.split()),
        "status": "no_incident",
        "status_reason": "no incident found",
        "duplicate_of": None,
        "format": meta.get("format", "txt"),
        "encoding": "utf-8",
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "incident_count": 0,
    }


def sample_tables() -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """(tables, texts): a valid release of 7 incidents over the raw/ samples and two synthetic articles."""
    articles: dict[str, dict] = {}
    texts: dict[str, str] = {}
    by_source: dict[str, str] = {}
    for path in sorted(RAW.glob("*.txt")):
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        a = _article(path.name, text)
        articles[a["article_id"]], texts[a["article_id"]], by_source[path.name] = (
            a,
            text,
            a["article_id"],
        )
    for key, meta in SYNTHETIC.items():
        a = _article(
            meta["source_path"],
            meta["text"],
            **{k: v for k, v in meta.items() if k not in ("source_path", "text")},
        )
        articles[a["article_id"]], texts[a["article_id"]], by_source[key] = (
            a,
            meta["text"],
            a["article_id"],
        )
    incidents, evidence = [], []
    for fields, sentences in INCIDENTS:
        iid = "inc_" + _hex(fields["title"], n=12)
        aids = []
        for source, start_text in sentences:
            aid = by_source[source]
            text = texts[aid]
            redacted = source == "redacted"
            probe = REDACTED_TEXT.split(".")[0] if redacted else start_text
            start = text.index(probe)
            end = (
                text.index(".", start + len(probe) - 1) + 1
                if not redacted
                else start + len(probe) + 1
            )
            quote = REDACTED_QUOTE if redacted else text[start:end]
            evidence.append(
                {
                    "evidence_id": "ev_" + _hex(iid, aid, str(start), str(end), n=16),
                    "incident_id": iid,
                    "article_id": aid,
                    "char_start": start,
                    "char_end": end,
                    "quote": quote,
                    "is_redacted": redacted,
                    "redaction_reason": "victim of a sexual offence" if redacted else None,
                    "rule_id": "misconduct_rules.v1:sample",
                    "classifier_score": 0.9,
                }
            )
            aids.append(aid)
            articles[aid].update(status="incidents_found", status_reason=None)
            articles[aid]["incident_count"] += 1
        row = {
            "incident_id": iid,
            **fields,
            "source_count": len(set(aids)),
            "article_ids": aids,
            "evidence_count": len(sentences),
        }
        for k in ("date_start", "date_end"):
            row[k] = pd.Timestamp(row[k]) if row[k] else pd.NaT
        incidents.append(row)
    quarantined = _article("broken.bin", "")
    quarantined.update(
        article_id="art_" + _hex("broken.bin", n=16),
        status="quarantined",
        status_reason="binary content (NUL bytes)",
        text_sha256=None,
        encoding=None,
        format="unknown",
        title=None,
        word_count=0,
    )
    articles[quarantined["article_id"]] = quarantined
    from schemas.export import columns

    def frame(name: str, rows: list[dict]) -> pd.DataFrame:
        df = pd.DataFrame(rows, columns=[c["name"] for c in columns(name)])
        for c in columns(name):
            if c["arrow"] == "date32":
                df[c["name"]] = pd.to_datetime(df[c["name"]])
        return df

    tables = {
        "incidents": frame("incidents", incidents),
        "evidence": frame("evidence", evidence),
        "articles": frame("articles", list(articles.values())),
    }
    return tables, texts


def sample_context() -> dict:
    return {
        "version": "1.2.0",
        "created_at": "2024-05-01T12:00:00Z",
        "previous_version": "1.1.0",
        "changes": {
            "counts": {"incidents_added": 2, "incidents_removed": 0, "incidents_changed": 1},
            "incidents_added": ["inc_000000000001", "inc_000000000002"],
            "incidents_removed": [],
            "incidents_changed": [{"incident_id": "inc_000000000003", "fields": ["outcome"]}],
        },
        "corrections": [{"id": "corr-001", "incident_id": "inc_000000000000", "action": "retract"}],
        "notes": ["Built from the five sample articles and two synthetic ones."],
    }


def write_release_basics(staging: Path, tables: dict[str, pd.DataFrame]) -> None:
    """What the publisher writes before the extras: CSV/Parquet, datapackage.json and the changelog."""
    import json

    import pyarrow.parquet as pq

    from schemas.export import datapackage, to_arrow, to_csv_frame

    staging.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        to_csv_frame(name, df).to_csv(staging / f"{name}.csv", index=False)
        pq.write_table(to_arrow(name, df), staging / f"{name}.parquet")
    (staging / "datapackage.json").write_text(
        json.dumps(datapackage("1.2.0", "2024-05-01")), "utf-8"
    )
    (staging / "CHANGELOG.md").write_text(
        "# Changelog\n\n## 1.2.0 (2024-05-01)\n\n- 2 incidents added <b>not bold</b>\n", "utf-8"
    )
    (staging / "changes.json").write_text(json.dumps({"incidents_added": 2}), "utf-8")


def test_sample_release_is_valid():
    tables, texts = sample_tables()
    report = validate_tables(tables, texts)
    assert report.ok, str(report)
    assert len(tables["incidents"]) == len(INCIDENTS)
    assert tables["evidence"]["quote"].str.contains("</script>", regex=False).any()
