"""Parse fetched feed bytes (RSS, Atom, news sitemaps, URL lists) and article pages into items."""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import io
from dataclasses import dataclass

import feedparser
from dateutil import parser as date_parser
from lxml import etree
from lxml import html as lxml_html

from flows.collect.urls import is_http_url, resolve

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


class FeedError(ValueError):
    """The feed could not be parsed; the message is what the report prints."""


@dataclass
class FeedItem:
    """One entry of a feed: where the article is and what the feed says about it."""

    url: str
    title: str | None = None
    summary: str | None = None
    published: str | None = None  # ISO 8601, UTC when the feed gave a zone


def _iso_from_struct(value: object) -> str | None:
    if not value:
        return None
    try:
        stamp = calendar.timegm(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    return dt.datetime.fromtimestamp(stamp, tz=dt.UTC).isoformat().replace("+00:00", "Z")


def iso_date(text: str | None) -> str | None:
    """Parse a free-form date/time string to ISO 8601 (None when unparseable)."""
    if not text or not text.strip():
        return None
    try:
        parsed = date_parser.parse(text.strip())
    except (ValueError, OverflowError):
        return None
    if parsed.tzinfo is not None:
        return parsed.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return parsed.isoformat()


def _clean(text: str | None) -> str | None:
    if not text:
        return None
    if "<" in text:
        with contextlib.suppress(etree.ParserError, ValueError):
            text = lxml_html.fromstring(text).text_content()
    text = " ".join(text.split())
    return text or None


def parse_rss_atom(content: bytes, base_url: str) -> list[FeedItem]:
    """Items of an RSS or Atom document (feedparser on bytes: it never fetches anything)."""
    # A stream, never bytes/str: feedparser opens a bare string that names a file or URL.
    parsed = feedparser.parse(io.BytesIO(content), resolve_relative_uris=False, sanitize_html=False)
    if parsed.bozo and not parsed.entries:
        exc = parsed.get("bozo_exception")
        raise FeedError(f"malformed feed XML: {exc}" if exc else "malformed feed XML")
    if not parsed.entries and not parsed.get("version"):
        raise FeedError("not an RSS or Atom feed")
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or entry.get("id")
        if not link:
            continue
        link = resolve(base_url, link)
        if not is_http_url(link):
            continue
        published = _iso_from_struct(entry.get("published_parsed") or entry.get("updated_parsed"))
        items.append(
            FeedItem(
                url=link,
                title=_clean(entry.get("title")),
                summary=_clean(entry.get("summary")),
                published=published,
            )
        )
    return items


def _xml_root(content: bytes) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )
    try:
        return etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"malformed sitemap XML: {exc}") from exc


def parse_sitemap(content: bytes, base_url: str) -> list[FeedItem]:
    """Items of a (news) sitemap `<urlset>`; a `<sitemapindex>` is refused with a reason."""
    root = _xml_root(content)
    tag = etree.QName(root).localname
    if tag == "sitemapindex":
        raise FeedError("sitemap index, not a urlset: list one of its child sitemaps instead")
    if tag != "urlset":
        raise FeedError(f"not a sitemap (root element <{tag}>)")
    items = []
    for url_el in root.iter(f"{{{SITEMAP_NS}}}url", "url"):
        loc = url_el.findtext(f"{{{SITEMAP_NS}}}loc") or url_el.findtext("loc")
        if not loc or not is_http_url(resolve(base_url, loc)):
            continue
        news = url_el.find(f"{{{NEWS_NS}}}news")
        title = published = None
        if news is not None:
            title = _clean(news.findtext(f"{{{NEWS_NS}}}title"))
            published = iso_date(news.findtext(f"{{{NEWS_NS}}}publication_date"))
        published = published or iso_date(
            url_el.findtext(f"{{{SITEMAP_NS}}}lastmod") or url_el.findtext("lastmod")
        )
        items.append(FeedItem(url=resolve(base_url, loc), title=title, published=published))
    return items


def parse_url_list(content: bytes, base_url: str) -> list[FeedItem]:
    """Items of a plain list: one URL a line, `#` comments and blank lines ignored."""
    items = []
    for line in content.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            url = resolve(base_url, line)
            if is_http_url(url):
                items.append(FeedItem(url=url))
    return items


def parse_feed(kind: str, content: bytes, base_url: str) -> list[FeedItem]:
    """Dispatch on the source kind."""
    if kind in ("rss", "atom"):
        return parse_rss_atom(content, base_url)
    if kind == "sitemap":
        return parse_sitemap(content, base_url)
    if kind == "urls":
        return parse_url_list(content, base_url)
    raise FeedError(f"unknown source kind {kind!r}")


@dataclass
class PageInfo:
    """What an article page says about itself."""

    canonical_url: str | None = None
    title: str | None = None
    published: str | None = None


def page_info(content: bytes, page_url: str) -> PageInfo:
    """Canonical link, title and publication time from an HTML page's head (best effort)."""
    try:
        doc = lxml_html.fromstring(content)
    except (etree.ParserError, ValueError):
        return PageInfo()
    canonical = None
    for href in doc.xpath(
        "//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href"
    ):
        candidate = resolve(page_url, href)
        if is_http_url(candidate):
            canonical = candidate
            break
    title = None
    for value in doc.xpath("//meta[@property='og:title']/@content") + doc.xpath("//title/text()"):
        if value.strip():
            title = _clean(value)
            break
    published = None
    for value in doc.xpath(
        "//meta[@property='article:published_time']/@content | //time/@datetime"
    ):
        if published := iso_date(value):
            break
    return PageInfo(canonical_url=canonical, title=title, published=published)
