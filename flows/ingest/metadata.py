"""Article metadata: safe sidecar reading, date parsing, URL and string field validation."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from pathlib import Path

log = logging.getLogger(__name__)

SIDECAR_FIELDS = ("url", "title", "publisher", "published")
MAX_SIDECAR_BYTES = 1_000_000
MAX_FIELD_CHARS = 2000
_URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_MIN_YEAR, _MAX_YEAR = 1800, 2100


def clean_url(value) -> str | None:
    """An http(s) URL without whitespace, else None (javascript:, file:, data: are refused)."""
    if isinstance(value, str):
        value = value.strip()
        if len(value) <= MAX_FIELD_CHARS and _URL_RE.match(value):
            return value
    return None


def clean_str(value) -> str | None:
    """A stripped one-line string of reasonable length, else None."""
    if isinstance(value, str):
        value = " ".join(value.split())
        if value and len(value) <= MAX_FIELD_CHARS:
            return value
    return None


def parse_date(value) -> dt.date | None:
    """Date from an ISO or human date string (or date/datetime); None when absent or unparseable.

    Timestamps keep the calendar date as written (no timezone conversion)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        return None
    from dateutil import parser

    text = value.strip()
    try:
        parsed = parser.isoparse(text)
    except (ValueError, OverflowError):
        try:
            parsed = parser.parse(text, default=dt.datetime(1900, 1, 1))
        except (ValueError, OverflowError, parser.ParserError):
            parsed = None
    if parsed is None:
        import dateparser

        try:
            parsed = dateparser.parse(
                text, languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first"}
            )
        except Exception:  # dateparser raises assorted errors on odd input
            parsed = None
    if parsed is None or not (_MIN_YEAR <= parsed.year <= _MAX_YEAR):
        return None
    return parsed.date()


def pick_fields(obj: dict) -> dict:
    """The accepted metadata fields of a JSON object, validated; everything else is ignored."""
    fields = {
        "url": clean_url(obj.get("url")),
        "title": clean_str(obj.get("title")),
        "publisher": clean_str(obj.get("publisher")),
        "published": parse_date(obj.get("published")),
    }
    return {k: v for k, v in fields.items() if v is not None}


# Fields the collector records for provenance; ingest keeps them out of the dataset without a warning.
COLLECTOR_FIELDS = frozenset(
    {
        "final_url",
        "canonical_url",
        "fetched_at",
        "http_status",
        "etag",
        "last_modified",
        "sha256",
        "source",
        "content_type",
        "feed_url",
        "summary",
    }
)


def sidecar_paths(path: Path) -> tuple[Path, Path]:
    """For a.html: a.html.meta.json, then a.meta.json."""
    return path.with_name(path.name + ".meta.json"), path.with_name(path.stem + ".meta.json")


def is_inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def read_sidecar(path: Path, raw_dir: Path) -> dict:
    """Validated url/title/publisher/published from the file's sidecar; {} when none or bad.

    A bad sidecar (unreadable, too big, not a JSON object, pointing outside raw/) is ignored with a
    logged warning: the article itself is still read."""
    for candidate in sidecar_paths(path):
        if candidate == path or not candidate.is_file():
            continue
        try:
            if not is_inside(candidate, raw_dir):
                raise ValueError("sidecar resolves outside raw/")
            if candidate.stat().st_size > MAX_SIDECAR_BYTES:
                raise ValueError(f"sidecar larger than {MAX_SIDECAR_BYTES} bytes")
            obj = json.loads(candidate.read_bytes().decode("utf-8-sig"))
            if not isinstance(obj, dict):
                raise ValueError("sidecar is not a JSON object")
        except (OSError, ValueError, RecursionError) as exc:
            log.warning("sidecar ignored: %s: %s", candidate, exc)
            return {}
        unknown = sorted(set(obj) - set(SIDECAR_FIELDS) - COLLECTOR_FIELDS)
        if unknown:
            log.warning("sidecar %s: ignoring fields %s", candidate, unknown)
        return pick_fields(obj)
    return {}
