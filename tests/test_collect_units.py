"""Collector pure parts: the shipped source list, URL normalisation, relevance, parsing, state."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from flows.collect.collect import date_folder
from flows.collect.feeds import FeedError, page_info, parse_feed, parse_sitemap
from flows.collect.fetch import content_type_refusal, media_type
from flows.collect.relevance import load_terms, police_term
from flows.collect.sources import (
    DEFAULT_SOURCES_PATH,
    KINDS,
    SourcesError,
    load_sources,
    parse_sources,
)
from flows.collect.state import CollectState, load_state, save_state
from flows.collect.urls import article_slug, is_http_url, normalise_url

FIXTURES = Path(__file__).parent / "fixtures" / "collect"


# -- the shipped sources.yaml ----------------------------------------------------------------


def test_shipped_sources_are_well_formed():
    sources = load_sources(DEFAULT_SOURCES_PATH)
    assert len(sources.sources) >= 8
    assert sources.settings.commit_collected is False
    assert sources.settings.contact_url and "(+http" in sources.settings.user_agent_header
    assert sources.settings.min_interval_seconds >= 1  # polite by default
    for s in sources.sources:
        assert s.kind in KINDS and is_http_url(s.url) and s.publisher
        if not s.confirmed:
            assert s.note and len(s.note) > 20, f"{s.name}: unconfirmed without a useful note"
    publishers = {s.publisher for s in sources.sources}
    assert "Independent Office for Police Conduct" in publishers
    assert any("Police" in p for p in publishers - {"Independent Office for Police Conduct"})


def test_shipped_sources_are_honest_about_confirmation():
    raw = yaml.safe_load(DEFAULT_SOURCES_PATH.read_text(encoding="utf-8"))
    confirmed = [s["url"] for s in raw["sources"] if s.get("confirmed")]
    assert confirmed == ["https://www.theguardian.com/uk/police/rss"]
    assert all("confirmed" in s for s in raw["sources"])


def _doc(**source_overrides):
    source = {
        "name": "a-source",
        "publisher": "P",
        "kind": "rss",
        "url": "https://e.org/rss",
        "confirmed": True,
    }
    source.update(source_overrides)
    return {
        "version": "sources.v1",
        "sources": [{k: v for k, v in source.items() if v is not None}],
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kind": "json"}, "`kind` must be one of"),
        ({"url": "ftp://e.org/feed"}, "`url` must be an absolute http(s) URL"),
        ({"url": None}, "`url` is required"),
        ({"name": "Bad Name"}, "`name` must be lower-case"),
        ({"confirmed": False}, "unconfirmed address needs a `note`"),
        ({"confirmed": "yes"}, "`confirmed` must be true or false"),
        ({"filter": "maybe"}, "`filter` must be one of"),
        ({"colour": "red"}, "unknown key(s) ['colour']"),
        ({"extra_terms": "police"}, "`extra_terms` must be a list"),
    ],
)
def test_malformed_source_entries_are_refused_with_the_field_named(overrides, message):
    with pytest.raises(SourcesError) as err:
        parse_sources(_doc(**overrides))
    assert message in str(err.value) and "sources[0]" in str(err.value)


def test_bad_settings_and_duplicates_are_refused():
    doc = _doc()
    doc["settings"] = {"timeout_seconds": "soon"}
    with pytest.raises(SourcesError, match="settings.timeout_seconds"):
        parse_sources(doc)
    doc = _doc()
    doc["sources"] *= 2
    with pytest.raises(SourcesError, match="duplicate source name"):
        parse_sources(doc)
    with pytest.raises(SourcesError, match="version"):
        parse_sources({"sources": []})


def test_fixture_sources_file_is_valid():
    text = (FIXTURES / "sources.test.yaml").read_text().replace("{base}", "http://127.0.0.1:9")
    parsed = parse_sources(yaml.safe_load(text))
    assert {s.kind for s in parsed.sources} == {"rss", "atom", "sitemap"}


# -- URLs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variant", "original"),
    [
        (
            "https://www.example.co.uk/news/a/?utm_source=tw&utm_medium=social",
            "https://www.example.co.uk/news/a",
        ),
        (
            "https://example.co.uk/news/a?fbclid=IwAR0&gclid=xyz#comments",
            "https://www.example.co.uk/news/a",
        ),
        ("https://amp.example.co.uk/news/a", "https://www.example.co.uk/news/a"),
        ("https://www.example.co.uk/news/a/amp", "https://www.example.co.uk/news/a"),
        ("https://www.example.co.uk/news/a?amp", "https://www.example.co.uk/news/a"),
        ("https://www.example.co.uk/news/a.amp", "https://www.example.co.uk/news/a"),
        ("https://www.example.co.uk/amp/news/a?outputType=amp", "https://www.example.co.uk/news/a"),
        ("HTTP://WWW.EXAMPLE.CO.UK:80/news/a?b=2&a=1", "https://www.example.co.uk/news/a?a=1&b=2"),
    ],
)
def test_same_article_under_two_urls_normalises_to_one_key(variant, original):
    assert normalise_url(variant) == normalise_url(original)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("https://example.com/news/a?id=1", "https://example.com/news/a?id=2"),
        ("https://example.com/news/amp-stories", "https://example.com/news"),
        ("https://example.com/news/a", "https://other.com/news/a"),
    ],
)
def test_different_articles_keep_different_keys(one, other):
    assert normalise_url(one) != normalise_url(other)


def test_slugs_are_safe_file_names():
    assert article_slug("https://x.com/news/uk-england-manchester-68012345") == (
        "uk-england-manchester-68012345"
    )
    assert article_slug("https://x.com/2024/11/05/", "Police officer sacked!") == (
        "police-officer-sacked"
    )
    assert (
        article_slug("https://x.com/../../etc/passwd.html")
        == "passwd-" + article_slug("https://x.com/../../etc/passwd.html").split("-", 1)[1]
    )
    for slug in (article_slug("https://x.com/a?id=5"), article_slug("https://x.com/")):
        assert slug and "/" not in slug and ".." not in slug


# -- relevance -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Officer sacked after custody death", "Officer"),
        ("IOPC opens investigation", "IOPC"),
        ("PC found guilty of assault", "PC"),
        ("Chief Constable apologises", "Chief Constable"),
        ("Council approves bus lanes", None),
        ("New pc games released this week", None),  # lower-case pc is not a constable
        ("Metallica tour dates announced", None),  # no substring matches
    ],
)
def test_police_terms(text, term):
    assert police_term(text) == term


def test_relevance_vocabulary_is_versioned_data():
    terms = load_terms()
    assert "police" in terms.terms and "IOPC" in terms.case_sensitive_terms


# -- parsing ---------------------------------------------------------------------------------


def test_sitemap_index_and_non_sitemaps_are_refused_with_reason():
    index = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://e.org/s1.xml</loc></sitemap></sitemapindex>"
    )
    with pytest.raises(FeedError, match="sitemap index"):
        parse_sitemap(index, "https://e.org/")
    with pytest.raises(FeedError, match="malformed sitemap XML"):
        parse_sitemap(b"<urlset><url><loc>", "https://e.org/")
    with pytest.raises(FeedError, match="not an RSS or Atom feed"):
        parse_feed("rss", b"<html><body>Not a feed</body></html>", "https://e.org/")


def test_entity_expansion_is_not_performed():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "police police police">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url>'
        b"<loc>https://e.org/&a;</loc></url></urlset>"
    )
    items = parse_sitemap(bomb, "https://e.org/")
    assert all("police police" not in i.url for i in items)


def test_feed_bytes_naming_a_local_file_are_not_opened(tmp_path):
    local = tmp_path / "local.xml"
    local.write_bytes((FIXTURES / "rss.xml").read_bytes().replace(b"{base}", b"https://e.org"))
    with pytest.raises(FeedError):
        parse_feed("rss", str(local).encode(), "https://e.org/")


def test_url_list_ignores_comments_and_non_http_lines():
    items = parse_feed(
        "urls",
        b"# list\nhttps://e.org/a\n\n/relative\njavascript:alert(1)\n",
        "https://e.org/list.txt",
    )
    assert [i.url for i in items] == ["https://e.org/a", "https://e.org/relative"]


def test_page_info_reads_canonical_title_and_date():
    page = (FIXTURES / "gmp_officer_dismissed_syndicated.html").read_bytes()
    info = page_info(page, "https://copy.example/syndicated/x")
    assert info.canonical_url == "https://copy.example/news/gmp-officer-dismissed-bolton-assault"
    assert info.title.startswith("Greater Manchester Police officer dismissed")
    assert info.published == "2024-11-05T10:30:00Z"


def test_date_folder_prefers_publication_date():
    fetched = dt.datetime(2024, 11, 6, 23, 0, tzinfo=dt.UTC)
    assert date_folder("2024-11-05T10:30:00Z", fetched) == "2024-11-05"
    assert date_folder(None, fetched) == "2024-11-06"
    assert date_folder("garbage!", fetched) == "2024-11-06"


def test_content_type_rules():
    assert media_type("Text/HTML; charset=UTF-8") == "text/html"
    html_xml = frozenset({"text/html", "application/xml"})
    assert content_type_refusal("application/pdf", b"%PDF", html_xml) == (
        "refused content type application/pdf"
    )
    assert content_type_refusal(None, b"  <html>", html_xml) is None
    assert content_type_refusal(None, b"\x89PNG", html_xml) == "no content type and not markup"


# -- state -----------------------------------------------------------------------------------


def test_state_round_trip_and_unchanged_state_is_not_rewritten(tmp_path):
    path = tmp_path / "collected" / ".state.json"
    state = CollectState(
        urls={"https://e.org/a": {"status": "fetched", "path": "p"}},
        hashes={"ab": "p"},
        feeds={"https://e.org/rss": {"etag": '"1"'}},
    )
    assert save_state(state, path) is True
    assert save_state(load_state(path), path) is False
    assert json.loads(path.read_text())["version"] == "collect_state.v1"
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind
