"""Ingest of every format on fixtures written for these tests, the raw/ samples and devdata."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import socket
from pathlib import Path

import pytest

from flows.ingest import (
    article_id_for_text,
    discover_files,
    find_boilerplate,
    load_patterns,
    mark_duplicates,
    mark_duplicates_against,
    read_file,
)
from flows.ingest.boilerplate import PatternFileError
from flows.ingest.identity import quarantine_id
from flows.ingest.language import detect_language

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"
FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
DEVDATA = ROOT.parent / "shared" / "devdata"


def _only(articles):
    assert len(articles) == 1, articles
    return articles[0]


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError("network disabled in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    yield attempts
    assert attempts == [], f"ingest tried to connect to {attempts}"


# --- plain text -----------------------------------------------------------------------------


def test_txt_with_bom_crlf_and_nbsp_keeps_text_verbatim():
    path = FIXTURES / "txt" / "bom_crlf_nbsp.txt"
    data = path.read_bytes()
    article = _only(read_file(path, FIXTURES))
    expected = data.decode("utf-8-sig").replace("\r\n", "\n")
    assert article.status is None
    assert article.text == expected
    assert "\r" not in article.text and not article.text.startswith("\ufeff")
    assert "suite.\u00a0The force" in article.text  # NBSP kept for verbatim quotes
    assert article.encoding == "utf-8"
    assert article.format == "txt"
    assert article.source_path == "txt/bom_crlf_nbsp.txt"
    assert article.title == "Officer suspended after custody complaint"
    assert article.text_sha256 == hashlib.sha256(article.text.encode()).hexdigest()
    assert article.content_sha256 == hashlib.sha256(data).hexdigest()
    assert article.article_id == article_id_for_text(article.text)
    assert article.language == "en"
    ((start, end),) = article.boilerplate
    assert article.text[start:end] == "Share this article"
    assert article.word_count == len(article.text.split()) - 3
    assert article.date_source == "unknown" and article.published_date is None


def test_sidecar_supplies_metadata_and_cannot_redirect_the_record(caplog):
    path = FIXTURES / "txt" / "with_sidecar.txt"
    with caplog.at_level(logging.WARNING):
        article = _only(read_file(path, FIXTURES))
    assert article.source_path == "txt/with_sidecar.txt"  # the sidecar's source_path is ignored
    assert article.article_id == article_id_for_text(article.text)  # and so is its article_id
    assert article.url == "https://news.example.org/inspector-cleared"
    assert article.title == "Inspector cleared by panel"
    assert article.publisher == "Example News"
    assert str(article.published_date) == "2023-03-14"
    assert article.date_source == "metadata"
    assert "source_path" in caplog.text


def test_sidecar_by_stem_and_bad_sidecar(tmp_path, caplog):
    raw = tmp_path / "raw"
    raw.mkdir()
    body = "Officers were praised by a coroner for the care they gave a man in a cell.\n"
    (raw / "a.txt").write_text(body, encoding="utf-8")
    (raw / "a.meta.json").write_text(
        json.dumps({"title": "Coroner praises officers", "url": "file:///etc/passwd"}),
        encoding="utf-8",
    )
    (raw / "b.txt").write_text(body.replace("man", "woman"), encoding="utf-8")
    (raw / "b.txt.meta.json").write_text("{not json", encoding="utf-8")
    assert [p.name for p in discover_files(raw)] == ["a.txt", "b.txt"]
    a = _only(read_file(raw / "a.txt", raw))
    assert a.title == "Coroner praises officers"
    assert a.url is None  # only http(s) URLs are accepted
    with caplog.at_level(logging.WARNING):
        b = _only(read_file(raw / "b.txt", raw))
    assert b.status is None and b.text == body.replace("man", "woman")
    assert "sidecar ignored" in caplog.text


# --- HTML -----------------------------------------------------------------------------------


def test_html_main_text_and_metadata(no_network):
    article = _only(read_file(FIXTURES / "html" / "article.html", FIXTURES))
    assert article.status is None
    assert article.format == "html"
    assert article.title == "Sergeant charged with assault after arrest of teenager"
    assert article.url == "https://gazette.example.com/news/sergeant-charged"
    assert article.publisher == "Example Gazette"
    assert str(article.published_date) == "2022-11-08"
    assert article.date_source == "metadata"
    assert "charged with assault following the arrest of a 16-year-old boy" in article.text
    for furniture in ("Home", "Privacy", "Copyright"):
        assert furniture not in article.text
    assert article.text_sha256 == hashlib.sha256(article.text.encode()).hexdigest()


def test_hostile_html_is_read_without_running_or_fetching_anything(no_network):
    article = _only(read_file(FIXTURES / "html" / "hostile.html", FIXTURES))
    assert article.status is None
    assert "lied about the arrest of a cyclist" in article.text
    assert "contradicted the officers' written statements" in article.text
    for injected in ("INJECTED", "STYLE TEXT", "alert", "pwned", "evil.invalid", "fetch("):
        assert injected not in article.text
    assert article.url is None  # <base href> and refresh targets are not the article's URL


# --- JSON and JSONL -------------------------------------------------------------------------


def test_jsonl_good_lines_survive_bad_ones():
    articles = read_file(FIXTURES / "json" / "records.jsonl", FIXTURES)
    by_path = {a.source_path: a for a in articles}
    assert sorted(by_path) == [f"json/records.jsonl#{n}" for n in (1, 2, 3, 5)]
    first = by_path["json/records.jsonl#1"]
    assert first.status is None and first.format == "jsonl"
    assert first.title == "Detective dismissed over messages"
    assert first.url == "https://news.example.net/detective-dismissed"
    assert first.publisher == "Example Net"
    assert str(first.published_date) == "2021-06-02" and first.date_source == "metadata"
    bad = by_path["json/records.jsonl#2"]
    assert bad.status == "quarantined"
    assert bad.status_reason == "malformed JSON on line 2: Expecting ',' delimiter"
    assert bad.article_id == quarantine_id("json/records.jsonl#2")
    assert bad.text == "" and bad.word_count == 0
    assert by_path["json/records.jsonl#3"].status_reason == "record 3 has no 'text' field"
    last = by_path["json/records.jsonl#5"]
    assert last.status is None
    assert "hearing.\nThe panel" in last.text  # CRLF inside the JSON string became LF
    assert last.url is None  # javascript: URL refused
    assert last.published_date is None and last.date_source == "unknown"


def test_json_list_gives_one_article_per_object():
    articles = read_file(FIXTURES / "json" / "list.json", FIXTURES)
    assert [a.source_path for a in articles] == ["json/list.json#1", "json/list.json#2"]
    assert all(a.status is None and a.format == "json" for a in articles)
    assert str(articles[0].published_date) == "2020-05-05"
    assert articles[1].publisher == "Example Wire"
    assert articles[0].article_id != articles[1].article_id


def test_json_object_and_empty_text(tmp_path):
    raw = tmp_path
    (raw / "one.json").write_text(
        json.dumps({"text": "A police officer was jailed for misconduct in public office."}),
        encoding="utf-8",
    )
    (raw / "blank.json").write_text(json.dumps([{"text": "   "}, 7]), encoding="utf-8")
    one = _only(read_file(raw / "one.json", raw))
    assert one.source_path == "one.json#1" and one.status is None
    blank = read_file(raw / "blank.json", raw)
    assert [a.status_reason for a in blank] == [
        "record 1 has empty 'text'",
        "record 2 is a int, not an object",
    ]


# --- the five real samples ------------------------------------------------------------------


@pytest.fixture(scope="module")
def samples():
    paths = discover_files(RAW)
    assert len(paths) == 5
    return {p.name: _only(read_file(p, RAW)) for p in paths}


def _sentence_spans(text: str, needle: str):
    """[start, end) of each sentence (split at . ! ? and newlines) containing needle."""
    start = 0
    while (hit := text.find(needle, start)) != -1:
        left = max(text.rfind(c, 0, hit) for c in ".!?\n") + 1
        ends = [i for i in (text.find(c, hit) for c in ".!?\n") if i != -1]
        yield left, (min(ends) + 1 if ends else len(text))
        start = hit + len(needle)


def test_real_samples_read_round_trip(samples):
    for name, article in samples.items():
        raw_text = (RAW / name).read_bytes().decode("utf-8").replace("\r\n", "\n")
        assert article.status is None, (name, article.status_reason)
        assert article.text == raw_text
        assert article.language == "en"
        assert article.word_count > 300
        assert article.text_sha256 == hashlib.sha256(raw_text.encode()).hexdigest()
    assert len({a.article_id for a in samples.values()}) == 5


def test_real_sample_boilerplate(samples):
    canary = next(a for n, a in samples.items() if n.startswith("001_"))
    spans = canary.boilerplate
    last_start, last_end = spans[-1]
    block = canary.text[last_start:last_end]
    assert block.startswith("Support us and go ad-free")
    assert "We need your help" in block and "monthly donation" in block
    assert last_end == len(canary.text.rstrip())
    covered = [canary.text[s:e] for s, e in spans]
    assert "Read on..." in covered
    assert any(c.startswith("Featured image via") for c in covered)
    # the article's reporting is never furniture
    for needle in ("Sarah Everard", "Jermaine Baker", "Charing Cross", "Child Q"):
        sentences = list(_sentence_spans(canary.text, needle))
        assert sentences, needle
        for s, e in sentences:
            assert all(e <= bs or s >= be for bs, be in spans), needle
    assert canary.word_count < len(canary.text.split()) - 250

    dazed = next(a for n, a in samples.items() if n.startswith("003_"))
    covered = [dazed.text[s:e] for s, e in dazed.boilerplate]
    assert covered == ["Pin It", "Photography Melissa Arras"]
    assert dazed.title == "It’s official: the Met Police are trash"
    for n, a in samples.items():
        if not n.startswith(("001_", "003_")):
            assert a.boilerplate == [], n


# --- duplicates, ids, discovery -------------------------------------------------------------


def test_same_article_under_two_names_is_a_duplicate(tmp_path):
    body = "An officer was sacked after lying to investigators.\r\nHe had denied it.  \r\n"
    (tmp_path / "b.txt").write_bytes(body.encode())
    (tmp_path / "a.txt").write_bytes(body.replace("\r\n", "\n").encode())
    (tmp_path / "c.txt").write_bytes(b"A different report about a police caution.\n")
    read = [a for p in discover_files(tmp_path) for a in read_file(p, tmp_path)]
    marked = mark_duplicates(list(reversed(read)))
    by_path = {a.source_path: a for a in marked}
    assert by_path["a.txt"].status is None
    assert by_path["b.txt"].status == "duplicate"
    assert by_path["b.txt"].duplicate_of == "a.txt"
    assert by_path["b.txt"].status_reason == "same text as a.txt"
    assert by_path["c.txt"].status is None
    assert read[1].status is None  # inputs are not mutated


def test_duplicates_across_batches():
    seen: dict[str, str] = {}
    first = read_file(FIXTURES / "json" / "list.json", FIXTURES)
    assert [a.status for a in mark_duplicates_against(first, seen)] == [None, None]
    again = mark_duplicates_against(first, seen)  # same source paths: not duplicates of themselves
    assert [a.status for a in again] == [None, None]
    copy = [
        dataclasses.replace(a, source_path="zz/copy.json#" + str(i)) for i, a in enumerate(first)
    ]
    marked = mark_duplicates_against(copy, seen)
    assert [a.duplicate_of for a in marked] == ["json/list.json#1", "json/list.json#2"]


def test_article_ids():
    base = "The officer  was\r\ncleared.\n"
    assert article_id_for_text(base) == article_id_for_text(" The officer was cleared. ")
    assert article_id_for_text(base) == article_id_for_text("The\u00a0officer was\ncleared.")
    assert article_id_for_text(base) != article_id_for_text("The officer was charged.")
    assert article_id_for_text("Cafe\u0301") == article_id_for_text("Caf\u00e9")  # NFC
    assert quarantine_id("a.txt") != article_id_for_text("a.txt")
    assert quarantine_id("a.txt").startswith("art_") and len(quarantine_id("a.txt")) == 20


def test_discover_sorts_skips_hidden_and_sidecars_and_lists_symlinks(tmp_path):
    raw = tmp_path / "raw"
    (raw / "b" / "deep").mkdir(parents=True)
    (raw / ".git").mkdir()
    (raw / ".git" / "x.txt").write_text("hidden")
    (raw / ".DS_Store").write_bytes(b"\0")
    (raw / "b" / "deep" / "z.txt").write_text("z")
    (raw / "b" / "a.html").write_text("<p>a</p>")
    (raw / "b" / "a.html.meta.json").write_text("{}")
    (raw / "a.txt").write_text("a")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    (raw / "link_dir").symlink_to(outside, target_is_directory=True)
    found = [p.relative_to(raw).as_posix() for p in discover_files(raw)]
    assert found == ["a.txt", "b/a.html", "b/deep/z.txt", "link_dir"]
    linked = _only(read_file(raw / "link_dir", raw))
    assert linked.status_reason == "symlink points outside raw/"


def test_size_limit_is_configurable(tmp_path):
    (tmp_path / "a.txt").write_text("x" * 2000)
    article = _only(read_file(tmp_path / "a.txt", tmp_path, max_bytes=1000))
    assert article.status_reason == "file too large (2000 bytes > limit 1000 bytes)"


# --- patterns and language ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "x", "pattern": "^(", "kind": "share", "scope": "line"}', "line 2: bad regex"),
        ('{"id": "x", "pattern": "Tweet", "kind": "share", "scope": "line"}', "line 2: .*anchored"),
        ('{"id": "x", "pattern": "a", "kind": "ads", "scope": "line"}', "line 2: unknown kind"),
        ('{"id": "x", "pattern": "a", "kind": "share"}', "line 2: expected exactly the keys"),
        ("not json", "line 2: not valid JSON"),
    ],
)
def test_pattern_file_validation(tmp_path, line, message):
    path = tmp_path / "patterns.v1.jsonl"
    good = '{"id": "ok", "pattern": "^Tweet$", "kind": "share", "scope": "line"}'
    path.write_text(good + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(PatternFileError, match=message):
        load_patterns(path)


def test_shipped_patterns_are_general():
    patterns = load_patterns()
    assert len({p.id for p in patterns}) == len(patterns) >= 15
    text = (
        "Officers were filmed kicking a man, the report said.\n"
        "Photo: Jane Smith/PA\n"
        "Sign up for our daily newsletter\n"
        "Scroll down for video\n"
        "The man said: 'Please donate to the fund for my legal costs,' outside court.\n"
    )
    covered = [text[s:e] for s, e in find_boilerplate(text, patterns)]
    assert covered == [
        "Photo: Jane Smith/PA",
        "Sign up for our daily newsletter",
        "Scroll down for video",
    ]


def test_language_cheap_path_does_not_call_langdetect(monkeypatch):
    import langdetect

    def boom(*args, **kwargs):
        raise AssertionError("langdetect called for plain English")

    monkeypatch.setattr(langdetect, "detect", boom)
    text = (RAW / sorted(p.name for p in RAW.glob("*.txt"))[0]).read_text(encoding="utf-8")
    assert detect_language(text) == "en"


# --- devdata at run time --------------------------------------------------------------------


@pytest.mark.skipif(not (DEVDATA / "dailymail_dev.jsonl").exists(), reason="devdata absent")
def test_devdata_dailymail_jsonl_reads_whole():
    articles = read_file(DEVDATA / "dailymail_dev.jsonl", DEVDATA)
    assert len(articles) == 400
    readable = [a for a in articles if a.status is None]
    problems = [a.status_reason for a in articles if a.status is not None]
    # two records of the file really have an empty text; nothing else is refused
    assert all(r.endswith("has empty 'text'") for r in problems), problems
    assert len(readable) >= 395
    assert sum(a.date_source == "metadata" for a in readable) >= 390
    furniture = {a.text[s:e] for a in readable for s, e in a.boilerplate}
    assert "Scroll down for video" in furniture
    assert all(len(f) < 200 for f in furniture)  # lines of furniture, never swallowed prose
