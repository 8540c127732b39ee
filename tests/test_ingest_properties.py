"""Property tests: read_file never raises on arbitrary bytes; article ids ignore whitespace form."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.ingest import article_id_for_text, read_file

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SUFFIXES = st.sampled_from([".txt", ".html", ".jsonl"])
# Bytes that look like the formats often enough to reach the deep code paths
FRAGMENTS = st.sampled_from(
    [
        b"<p>",
        b"</div>",
        b"<script>",
        b'{"text": "',
        b'"}\n',
        b"\r\n",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"\xc2\xa0",
        b"\x93quoted\x94",
        b"Police officers were dismissed. ",
        b"Support us",
        b"\x00",
    ]
)
CONTENT = st.one_of(
    st.binary(max_size=2000),
    st.lists(st.one_of(FRAGMENTS, st.binary(max_size=20)), max_size=40).map(b"".join),
    st.text(max_size=500).map(lambda s: s.encode("utf-8", "surrogatepass")),
)


def _check_article(article) -> None:
    assert article.status in (None, "quarantined", "duplicate")
    assert article.article_id.startswith("art_") and len(article.article_id) == 20
    if article.status == "quarantined":
        assert article.status_reason and article.text == ""
    if article.text:
        assert article.text_sha256 == hashlib.sha256(article.text.encode("utf-8")).hexdigest()
        assert "\r" not in article.text
        for start, end in article.boilerplate:
            assert 0 <= start < end <= len(article.text)
    if article.status is None:
        assert article.text.strip()


@SETTINGS
@given(data=CONTENT, suffix=SUFFIXES)
def test_read_file_never_raises_on_arbitrary_bytes(data, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp)
        path = raw / f"input{suffix}"
        path.write_bytes(data)
        articles = read_file(path, raw)
    assert len(articles) >= 1
    for article in articles:
        _check_article(article)
        assert article.source_path.split("#")[0] == path.name
        assert not (article.status_reason or "").startswith("internal error")


@SETTINGS
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_utf8_text_round_trips(text):
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp)
        (raw / "a.txt").write_bytes(text.encode("utf-8"))
        (article,) = read_file(raw / "a.txt", raw)
    _check_article(article)
    if article.status is None:
        expected = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        assert article.text == expected


WORDS = st.lists(
    st.text(
        alphabet=st.characters(blacklist_categories=("Zs", "Zl", "Zp", "Cc", "Cs")),
        min_size=1,
        max_size=8,
    ).filter(lambda w: not any(c.isspace() for c in w)),
    min_size=1,
    max_size=12,
)
SPACE = st.sampled_from([" ", "  ", "\n", "\r\n", "\r", "\t", "\u00a0", " \r\n\r\n ", "\u2009"])


@SETTINGS
@given(words=WORDS, data=st.data())
def test_article_id_ignores_whitespace_form(words, data):
    plain = " ".join(words)
    separators = [data.draw(SPACE) for _ in range(len(words) - 1)]
    variant = data.draw(SPACE).lstrip("\r\n") + words[0]
    for word, sep in zip(words[1:], separators, strict=True):
        variant += sep + word
    variant += data.draw(SPACE)
    assert article_id_for_text(variant) == article_id_for_text(plain)
    assert article_id_for_text(plain.replace(" ", "\r\n")) == article_id_for_text(plain)
