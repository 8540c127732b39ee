"""URL normalisation for deduplication (tracking parameters, AMP variants) and file-name slugs."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

ALLOWED_SCHEMES = frozenset({"http", "https"})

# Query parameters that only track the reader; they never select a different article.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "ocid",
        "cmpid",
        "at_medium",
    }
)
TRACKING_PREFIXES = ("utm_", "at_")
# Query parameters that only ask for the AMP rendering of the same article.
AMP_PARAMS = frozenset({"amp", "outputtype"})


def is_http_url(url: str) -> bool:
    """True when `url` is an absolute http(s) URL with a host."""
    parts = urlsplit(url)
    return parts.scheme.lower() in ALLOWED_SCHEMES and bool(parts.hostname)


def resolve(base: str, link: str) -> str:
    """Resolve a possibly relative link (a Location header, a canonical href) against `base`."""
    return urljoin(base, link.strip())


def _strip_amp_path(path: str) -> str:
    if path.endswith("/amp") or path.endswith("/amp/"):
        path = path[: path.rstrip("/").rfind("/amp")] or "/"
    elif path.endswith(".amp"):
        path = path[: -len(".amp")]
    if path.startswith("/amp/"):
        path = path[len("/amp") :]
    return path


def normalise_url(url: str) -> str:
    """The dedupe key of an article URL.

    Lower-cases scheme and host, drops default ports, `www.`/`amp.`/`m.` host prefixes, the
    fragment, tracking parameters (utm_*, fbclid, gclid...), AMP markers (`/amp`, `.amp`, `?amp`,
    `outputType=amp`) and a trailing slash; sorts the remaining query parameters.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    for prefix in ("www.", "amp.", "m."):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
    port = parts.port
    netloc = (
        host
        if port is None or (scheme, port) in {("http", 80), ("https", 443)}
        else f"{host}:{port}"
    )
    path = _strip_amp_path(parts.path or "/")
    path = re.sub(r"/{2,}", "/", path)
    if len(path) > 1:
        path = path.rstrip("/")
    query = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        low = key.lower()
        if low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES):
            continue
        if low in AMP_PARAMS and (value == "" or value.lower() in {"1", "true", "amp"}):
            continue
        query.append((key, value))
    return urlunsplit(
        (
            "https" if scheme in ALLOWED_SCHEMES else scheme,
            netloc,
            path,
            urlencode(sorted(query)),
            "",
        )
    )


def url_hash(url: str, length: int = 10) -> str:
    """A short stable hash of a normalised URL (used to keep slugs unique)."""
    return hashlib.sha256(normalise_url(url).encode("utf-8")).hexdigest()[:length]


def slugify(text: str, max_length: int = 80) -> str:
    """ASCII, lower-case, hyphen-separated; empty input gives an empty string."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def article_slug(url: str, title: str | None = None) -> str:
    """A file-name slug for an article: its URL's last path segment, else its title, else a hash."""
    path = _strip_amp_path(urlsplit(url).path)
    segments = [s for s in path.split("/") if s]
    last = segments[-1] if segments else ""
    last = re.sub(r"\.(s?html?|php|aspx?)$", "", last, flags=re.IGNORECASE)
    slug = slugify(last)
    if len(slug) < 8 or slug.isdigit():
        slug = slugify(title or "") or (f"{slug}-{url_hash(url)}" if slug else "")
    return slug or f"article-{url_hash(url)}"
