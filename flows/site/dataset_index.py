"""dataset/index.html: every release listed in dataset/index.json, newest first, latest highlighted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flows.site.common import DATASET_TITLE, environment, iso_date, static_text

COUNT_KEYS = ("incidents", "evidence", "articles")


def _semver_key(version: str) -> tuple:
    parts = str(version).split(".")
    return tuple(int(p) if p.isdigit() else -1 for p in parts)


def _counts(entry: dict[str, Any], release_dir: Path) -> dict[str, Any]:
    raw = entry.get("counts")
    counts: dict[str, Any] = raw if isinstance(raw, dict) else {}
    out = {k: counts.get(k, entry.get(k)) for k in COUNT_KEYS}
    missing = [k for k, v in out.items() if v is None]
    if missing:
        try:
            import pyarrow.parquet as pq

            for k in missing:
                path = release_dir / f"{k}.parquet"
                if path.exists():
                    out[k] = pq.ParquetFile(path).metadata.num_rows
        except (OSError, ValueError):
            pass
    return out


def read_releases(dataset_dir: Path) -> tuple[list[dict[str, Any]], str | None]:
    """Release entries from index.json (a list, or a mapping with 'releases'), newest first, and the latest."""
    path = Path(dataset_dir) / "index.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise FileNotFoundError(f"{path}: no release index to render") from exc
    except ValueError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from exc
    entries = data.get("releases", []) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise ValueError(f"{path}: 'releases' must be a list of release entries")
    releases: list[dict[str, Any]] = []
    for e in entries:
        if not isinstance(e, dict) or not e.get("version"):
            raise ValueError(f"{path}: every release entry needs a 'version' (got {e!r})")
        version = str(e["version"])
        release_dir = Path(dataset_dir) / version
        date = e.get("created_at") or e.get("date") or e.get("created") or e.get("released")
        releases.append(
            {
                "version": version,
                "date": iso_date(date) if date else "",
                "counts": _counts(e, release_dir),
                "has_page": (release_dir / "index.html").exists(),
                "retracted": bool(e.get("retracted") or e.get("yanked")),
            }
        )
    releases.sort(key=lambda r: _semver_key(r["version"]), reverse=True)
    latest = data.get("latest") if isinstance(data, dict) else None
    if not latest:
        live = [r["version"] for r in releases if not r["retracted"]]
        latest = live[0] if live else None
    return releases, (str(latest) if latest else None)


def render_dataset_index(dataset_dir: Path) -> Path:
    """Write dataset/index.html from dataset/index.json and return its path."""
    dataset_dir = Path(dataset_dir)
    releases, latest = read_releases(dataset_dir)
    html = (
        environment(True)
        .get_template("dataset_index.html")
        .render(title=DATASET_TITLE, releases=releases, latest=latest, css=static_text("page.css"))
    )
    out = dataset_dir / "index.html"
    out.write_text(html, encoding="utf-8")
    return out
