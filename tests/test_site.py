"""Release extras: SQLite + FTS, Datasette metadata, dataset card, offline download page, release index."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_site_data import (
    HOSTILE_QUOTE,
    HOSTILE_TITLE,
    sample_context,
    sample_tables,
    write_release_basics,
)

from flows.site import render_dataset_index, render_release_extras
from flows.site.charts import per_year_by_category
from flows.site.evaluation import load_evaluation
from schemas.export import columns
from schemas.tables import TABLES


class _Collect(HTMLParser):
    """Tags with their attributes, plus the text of <script> and <style> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.styles: list[str] = []
        self._in: tuple[str, dict] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in = (tag, dict(attrs))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._in = None

    def handle_data(self, data):
        if self._in and self._in[0] == "script":
            self.scripts.append((self._in[1], data))
        elif self._in:
            self.styles.append(data)


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    staging = tmp_path_factory.mktemp("release") / "1.2.0"
    tables, _ = sample_tables()
    write_release_basics(staging, tables)
    written = render_release_extras(
        staging, tables, sample_context(), evaluation_path=staging / "absent.json"
    )
    html = (staging / "index.html").read_text(encoding="utf-8")
    parsed = _Collect()
    parsed.feed(html)
    return {"dir": staging, "tables": tables, "written": written, "html": html, "parsed": parsed}


def test_writes_every_extra(release):
    assert release["written"] == ["incidents.sqlite", "datasette.json", "README.md", "index.html"]
    for name in release["written"]:
        assert (release["dir"] / name).stat().st_size > 0


def test_page_makes_no_external_request(release):
    html, parsed = release["html"], release["parsed"]
    for tag, attrs in parsed.tags:
        for key in ("src", "href", "srcset", "poster", "data", "action", "xlink:href"):
            value = (attrs.get(key) or "").strip().lower()
            assert not re.match(r"^(https?:)?//", value), (
                f"<{tag} {key}={value}> loads from the network"
            )
        assert tag not in ("link", "iframe", "img", "object", "embed"), f"unexpected <{tag}>"
    for script_attrs, _ in parsed.scripts:
        assert "src" not in script_attrs
    css = "\n".join(parsed.styles)
    assert "@import" not in css and "url(" not in css and "@font-face" not in css
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_charts_are_inline_svg_with_titles(release):
    svgs = re.findall(r"<svg\b.*?</svg>", release["html"], flags=re.S)
    assert len(svgs) == 3
    titles = [re.search(r"<title id=\"[^\"]+\">([^<]+)</title>", s).group(1) for s in svgs]
    assert titles == [
        "Incidents per year, by category",
        "Incidents per police force",
        "Number of source articles per incident",
    ]
    for svg in svgs:
        assert 'role="img"' in svg and "aria-labelledby=" in svg and "<desc id=" in svg
    # the hostile force name is escaped inside the chart, never markup
    assert "&lt;i&gt;Force&lt;/i&gt; &amp; Co" in svgs[1]


def test_year_chart_counts_each_category_of_each_incident(release):
    chart = per_year_by_category(release["tables"]["incidents"])
    rows = dict(chart.rows)
    assert rows["2022"] == {
        "discriminatory_conduct": 1,
        "sexual_violence_or_harassment": 1,
        "institutional_failure": 1,
    }
    assert list(rows)[-1] == "unknown" and rows["unknown"] == {"other_misconduct": 1}


def test_embedded_json_parses_and_hostile_text_stays_text(release):
    html, parsed = release["html"], release["parsed"]
    data_scripts = [text for attrs, text in parsed.scripts if attrs.get("id") == "incident-data"]
    assert len(data_scripts) == 1
    records = json.loads(data_scripts[0])
    assert len(records) == len(release["tables"]["incidents"])
    quotes = [e["q"] for r in records for e in r["e"]]
    assert HOSTILE_QUOTE in quotes
    assert HOSTILE_TITLE in [r["t"] for r in records]
    # only our two <script> elements open or close; no hostile markup reaches the page raw
    assert html.count("<script") == 2 and html.count("</script") == 2
    assert "<img" not in html and "<b>X</b>" not in html and "alert(1)</script>" not in html
    assert "javascript:" not in html.lower()
    hostile = next(r for r in records if r["t"] == HOSTILE_TITLE)
    assert hostile["e"][0]["u"] is None  # javascript: URL is never made a link
    linked = [e["u"] for r in records for e in r["e"] if e["u"]]
    assert linked == ["https://news.example.org/2021/officer-court?id=1&x=<2>"]
    # the changelog is shown as text, its markup escaped
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html
    assert '<span class="chip">incidents added: 2</span>' in html


def test_files_table_lists_every_file_with_its_hash(release):
    html = release["html"]
    names = sorted(
        p.relative_to(release["dir"]).as_posix()
        for p in release["dir"].rglob("*")
        if p.is_file() and p.name != "index.html"
    )
    assert "incidents.sqlite" in names and "README.md" in names
    for name in names:
        digest = hashlib.sha256((release["dir"] / name).read_bytes()).hexdigest()
        assert f'<a href="{name}">{name}</a>' in html
        assert digest in html


def test_filters_offer_categories_forces_and_years(release):
    html = release["html"]
    for label in ('for="q"', 'for="category"', 'for="force"', 'for="year"'):
        assert label in html
    assert '<option value="strip_search"' in html
    assert '<option value="Greater Manchester Police">' in html
    assert '<option value="2022">2022 (2)</option>' in html
    assert '<option value="unknown">unknown (1)</option>' in html


def test_card_documents_every_column_and_the_release(release):
    card = (release["dir"] / "README.md").read_text(encoding="utf-8")
    for table in TABLES:
        for c in columns(table):
            assert f"`{c['name']}`" in card, f"{table}.{c['name']} missing from the card"
    for needle in (
        "release 1.2.0",
        "2024-05-01",
        "Not measured yet",
        "Coverage follows news coverage",
        "Allegations are not findings",
        "Agencies.",
        "first_reported",
        "ISO 3166-2",
        "CC-BY-4.0",
        "MIT",
        "dataset/corrections.yaml",
        "docs/policy.md",
        "version 1.2.0 (2024-05-01)",
        "corr-001",
        "| incidents | 7 |",
        "incidents added 2; incidents removed 0; incidents changed 1.",
    ):
        assert needle in card, needle


def test_card_renders_whatever_scores_evaluation_holds(tmp_path):
    tables, _ = sample_tables()
    scores = {
        "evaluated_at": "2024-04-30",
        "fields": {
            "categories": {"precision": 0.8123, "recall": 0.5, "f1": 0.62},
            "police_forces": {"precision": 1.0, "recall": 0.75},
        },
        "gold_articles": 12,
        "flag": True,
    }
    path = tmp_path / "evaluation.json"
    path.write_text(json.dumps(scores), encoding="utf-8")
    staging = tmp_path / "r"
    write_release_basics(staging, tables)
    render_release_extras(staging, tables, sample_context(), evaluation_path=path)
    card = (staging / "README.md").read_text(encoding="utf-8")
    assert "Not measured yet" not in card
    assert "evaluated_at: 2024-04-30" in card
    assert "| gold_articles | 12 |" in card
    assert "| fields / categories / precision | 0.812 |" in card
    assert "| fields / police_forces / recall | 0.75 |" in card


def test_evaluation_pivots_uniform_nested_scores(tmp_path):
    path = tmp_path / "e.json"
    path.write_text(json.dumps({"a": {"p": 0.5, "r": 1}, "b": {"p": 0.25}}), encoding="utf-8")
    ev = load_evaluation(path)
    assert ev["columns"] == ["p", "r"]
    assert ev["rows"] == [("a", ["0.5", "1"]), ("b", ["0.25", ""])]
    assert load_evaluation(tmp_path / "missing.json") is None
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    assert load_evaluation(tmp_path / "bad.json") is None


def test_sqlite_has_keys_json_lists_iso_dates_and_full_text(release):
    con = sqlite3.connect(release["dir"] / "incidents.sqlite")
    try:
        for table in TABLES:
            n = con.execute(f"select count(*) from {table}").fetchone()[0]
            assert n == len(release["tables"][table])
        pks = {t: [r[1] for r in con.execute(f"pragma table_info({t})") if r[5]] for t in TABLES}
        assert pks == {
            "incidents": ["incident_id"],
            "evidence": ["evidence_id"],
            "articles": ["article_id"],
        }
        fks = {(r[3], r[2], r[4]) for r in con.execute("pragma foreign_key_list(evidence)")}
        assert fks == {
            ("incident_id", "incidents", "incident_id"),
            ("article_id", "articles", "article_id"),
        }
        assert con.execute("pragma foreign_key_check").fetchall() == []
        cats, start = con.execute(
            "select categories, date_start from incidents where title like 'Strip search%'"
        ).fetchone()
        assert json.loads(cats) == ["strip_search"] and start == "2020-01-01"
        hits = con.execute(
            "select e.quote from evidence_fts join evidence e on e.rowid = evidence_fts.rowid "
            "where evidence_fts match 'Okorogheye'"
        ).fetchall()
        assert len(hits) == 1 and "Richard Okorogheye" in hits[0][0]
        titles = con.execute(
            "select title from incidents where rowid in "
            "(select rowid from incidents_fts where incidents_fts match 'inspectorate')"
        ).fetchall()
        assert titles == [("Metropolitan Police placed in special measures by the inspectorate",)]
        hostile = con.execute(
            "select count(*) from evidence where quote = ?", (HOSTILE_QUOTE,)
        ).fetchone()
        assert hostile == (1,)
    finally:
        con.close()


def test_datasette_metadata_is_generated_from_the_models(release):
    meta = json.loads((release["dir"] / "datasette.json").read_text(encoding="utf-8"))
    assert meta["license"] == "CC-BY-4.0" and meta["license_url"].startswith("https://")
    assert "1.2.0" in meta["title"] and meta["source"]
    tables = meta["databases"]["incidents"]["tables"]
    for table in TABLES:
        assert tables[table]["title"] and tables[table]["description"]
        assert set(tables[table]["columns"]) == {c["name"] for c in columns(table)}
    assert tables["evidence"]["fts_table"] == "evidence_fts"


def test_missing_table_or_column_is_a_clear_error(tmp_path):
    tables, _ = sample_tables()
    with pytest.raises(ValueError, match=r"\['articles'\]"):
        render_release_extras(tmp_path, {k: v for k, v in tables.items() if k != "articles"}, {})
    broken = dict(tables, evidence=tables["evidence"].drop(columns=["quote"]))
    with pytest.raises(ValueError, match="evidence.*quote"):
        render_release_extras(tmp_path, broken, sample_context())


def test_dataset_index_lists_releases_newest_first(tmp_path, release):
    dataset = tmp_path / "dataset"
    for v in ("1.2.0", "1.10.0", "1.9.1"):
        (dataset / v).mkdir(parents=True)
    (dataset / "1.10.0" / "index.html").write_text("x", encoding="utf-8")
    index = {
        "latest": "1.10.0",
        "releases": [
            {"version": "1.2.0", "created_at": "2024-01-02T00:00:00Z", "counts": {"incidents": 7}},
            {"version": "1.9.1", "created_at": "2024-02-03", "incidents": 9, "evidence": 12},
            {"version": "1.10.0", "created_at": "2024-03-04", "counts": {"incidents": 11}},
        ],
    }
    (dataset / "index.json").write_text(json.dumps(index), encoding="utf-8")
    out = render_dataset_index(dataset)
    html = out.read_text(encoding="utf-8")
    assert out == dataset / "index.html"
    order = [html.index(f">{v}</a>") for v in ("1.10.0", "1.9.1", "1.2.0")]
    assert order == sorted(order)
    assert '<tr class="latest">' in html and 'href="1.10.0/index.html"' in html
    assert "2024-01-02" in html and ">9<" in html and ">12<" in html
    assert "http://" not in html and "https://" not in html


def test_dataset_index_reads_counts_from_parquet_and_rejects_bad_index(tmp_path, release):
    dataset = tmp_path / "dataset"
    (dataset / "1.2.0").mkdir(parents=True)
    for t in TABLES:
        (dataset / "1.2.0" / f"{t}.parquet").write_bytes(
            (release["dir"] / f"{t}.parquet").read_bytes()
        )
    (dataset / "index.json").write_text(json.dumps([{"version": "1.2.0"}]), encoding="utf-8")
    html = render_dataset_index(dataset).read_text(encoding="utf-8")
    assert '<td class="num">7</td>' in html and '<td class="num">8</td>' in html
    (dataset / "index.json").write_text(json.dumps({"releases": [{"date": "x"}]}), "utf-8")
    with pytest.raises(ValueError, match="needs a 'version'"):
        render_dataset_index(dataset)
    with pytest.raises(FileNotFoundError, match="no release index"):
        render_dataset_index(tmp_path / "nowhere")


def test_page_lists_release_page_link_to_all_releases(release):
    assert '<a href="../index.html">All releases</a>' in release["html"]
    assert Path(release["dir"] / "index.html").exists()


def test_change_counts_without_a_counts_mapping():
    from flows.site.common import change_counts

    changes = {"incidents_added": ["a", "b"], "evidence_added": 3, "flag": True, "note": "x"}
    assert change_counts(changes) == {"incidents_added": 2, "evidence_added": 3}
    assert change_counts(None) == {}
