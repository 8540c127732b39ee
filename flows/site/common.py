"""Shared helpers of the site renderers: template environment, release summary counts, file listing."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

SITE_DIR = Path(__file__).parent
TEMPLATES = SITE_DIR / "templates"
STATIC = SITE_DIR / "static"
DATASET_TITLE = "Police misconduct incidents reported in the news"


@cache
def environment(autoescape: bool) -> jinja2.Environment:
    """Jinja environment over templates/ (HTML autoescaped; Markdown not) that fails on unknown names."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def static_text(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def iso_date(value: Any) -> str:
    """'YYYY-MM-DD' of a timestamp, date or ISO string ('' when empty)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    try:
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    except (ValueError, TypeError):
        return str(value)[:10]


def summary(tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """Counts shown on the card and the page."""
    inc, ev, art = tables["incidents"], tables["evidence"], tables["articles"]
    starts = pd.to_datetime(inc["date_start"]).dropna()
    ends = pd.to_datetime(inc["date_end"]).dropna()
    return {
        "incidents": len(inc),
        "evidence": len(ev),
        "articles": len(art),
        "articles_by_status": dict(Counter(art["status"]).most_common()),
        "allegation_status": dict(Counter(inc["allegation_status"]).most_common()),
        "redacted_quotes": int(ev["is_redacted"].astype(bool).sum()) if len(ev) else 0,
        "undated": int(inc["date_start"].isna().sum()),
        "first_date": iso_date(starts.min()) if len(starts) else "",
        "last_date": iso_date(ends.max()) if len(ends) else "",
        "forces": len({f for fs in inc["police_forces"] for f in fs}),
    }


def change_counts(changes: dict[str, Any] | None) -> dict[str, int]:
    """Counts of what changed since the previous release: the 'counts' mapping when the publisher
    gives one, else the length of each list (ids) and each number as is."""
    changes = changes or {}
    if isinstance(changes.get("counts"), dict):
        return {str(k): int(v) for k, v in changes["counts"].items() if isinstance(v, (int, float))}
    out: dict[str, int] = {}
    for k, v in changes.items():
        if isinstance(v, (list, tuple, set, dict)):
            out[str(k)] = len(v)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            out[str(k)] = int(v)
    return out


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"  # pragma: no cover


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def release_files(
    staging_dir: Path, exclude: Collection[str] = frozenset()
) -> list[dict[str, Any]]:
    """Every regular file of the release directory (recursively) with size and SHA-256."""
    out = []
    for p in sorted(Path(staging_dir).rglob("*")):
        rel = p.relative_to(staging_dir).as_posix()
        if p.is_file() and rel not in exclude:
            size = p.stat().st_size
            out.append(
                {"name": rel, "size": size, "size_text": human_size(size), "sha256": sha256_file(p)}
            )
    return out
