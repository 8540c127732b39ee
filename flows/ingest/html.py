"""HTML to main text and metadata, offline: trafilatura first, lxml body text as fallback."""

from __future__ import annotations

import json
import logging
import re

from flows.ingest.metadata import clean_str, clean_url, parse_date

log = logging.getLogger(__name__)

_DROP_TAGS = (
    "script",
    "style",
    "nav",
    "noscript",
    "iframe",
    "object",
    "embed",
    "template",
    "svg",
    "form",
    "header",
    "footer",
    "aside",
)
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_BLANK_LINES_RE = re.compile(r"\n{3,}")
_BLOCK_TAGS = frozenset(
    ("p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th")
    + ("table", "article", "section", "main", "blockquote", "pre", "figcaption", "dt", "dd")
)
_SPACE_RE = re.compile(r"\s+")


def declared_charset(data: bytes) -> str | None:
    """The charset a <meta> tag in the first 4 KB declares, if Python knows it."""
    import codecs

    match = _META_CHARSET_RE.search(data[:4096])
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def _parse_tree(html: str):
    import lxml.html

    parser = lxml.html.HTMLParser(
        no_network=True, remove_comments=True, remove_pis=True, huge_tree=False, recover=True
    )
    return lxml.html.document_fromstring(html, parser=parser)


def _meta_values(tree) -> dict:
    """title, url, publisher, published from <meta>, <title>, canonical link and JSON-LD."""
    found: dict = {}

    def first(xpath: str):
        for value in tree.xpath(xpath):
            value = str(value).strip()
            if value:
                return value
        return None

    found["title"] = clean_str(
        first('//meta[@property="og:title"]/@content')
        or first('//meta[@name="twitter:title"]/@content')
        or first("//title/text()")
    )
    found["url"] = clean_url(first('//link[@rel="canonical"]/@href')) or clean_url(
        first('//meta[@property="og:url"]/@content')
    )
    found["publisher"] = clean_str(first('//meta[@property="og:site_name"]/@content'))
    published = (
        first('//meta[@property="article:published_time"]/@content')
        or first('//meta[@name="article:published_time"]/@content')
        or first('//meta[@itemprop="datePublished"]/@content')
        or first('//meta[@name="date"]/@content')
        or first('//meta[@name="pubdate"]/@content')
        or first("//time[@datetime]/@datetime")
    )
    for block in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(block)
        except (ValueError, RecursionError):
            continue
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item, dict):
                continue
            published = published or item.get("datePublished")
            found["title"] = found["title"] or clean_str(item.get("headline"))
            pub = item.get("publisher")
            if isinstance(pub, dict) and not found["publisher"]:
                found["publisher"] = clean_str(pub.get("name"))
    found["published"] = parse_date(published)
    return {k: v for k, v in found.items() if v is not None}


def _fallback_text(tree) -> str:
    """Text of <body> without scripts, styles, navigation and embedded frames, one block per line."""
    for element in tree.xpath("//" + " | //".join(_DROP_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    body = tree.find("body")
    root = body if body is not None else tree
    pieces: list[str] = []

    def walk(element) -> None:
        block = isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS
        if block:
            pieces.append("\n")
        if isinstance(element.tag, str) and element.text:
            pieces.append(_SPACE_RE.sub(" ", element.text))
        for child in element:
            walk(child)
            if child.tail:
                pieces.append(_SPACE_RE.sub(" ", child.tail))
        if block:
            pieces.append("\n")

    walk(root)
    lines = (" ".join(line.split()) for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)


def _trafilatura_text(html: str) -> str:
    import trafilatura

    text = trafilatura.extract(
        html,
        output_format="txt",
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        with_metadata=False,
        deduplicate=False,
    )
    return text or ""


def extract_html(html: str) -> tuple[str, dict, str]:
    """(main text, metadata fields, extractor name). Never fetches anything; never runs scripts."""
    meta: dict = {}
    tree = None
    try:
        tree = _parse_tree(html)
        meta = _meta_values(tree)
    except Exception as exc:  # lxml refuses some documents outright; carry on without metadata
        log.warning("HTML metadata not read: %s", exc)
    text = ""
    try:
        text = _trafilatura_text(html)
    except Exception as exc:  # trafilatura on hostile markup; the lxml fallback follows
        log.warning("trafilatura failed: %s", exc)
    extractor = "trafilatura"
    if not text.strip() and tree is not None:
        text = _fallback_text(tree)
        extractor = "lxml"
    text = _BLANK_LINES_RE.sub("\n\n", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return text, meta, extractor
