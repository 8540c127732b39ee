"""The release's index.html: counts, files with checksums, changelog, charts and a searchable incident table."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup

from flows.site.charts import release_charts
from flows.site.common import (
    DATASET_TITLE,
    change_counts,
    environment,
    iso_date,
    release_files,
    static_text,
    summary,
)
from schemas.export import DATA_LICENSE
from schemas.vocab import descriptions

SAFE_URL = re.compile(r"^https?://[^/\s]\S*$", re.IGNORECASE)
# Characters that could end a <script> element or break out of it, as JSON escapes.
_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(value: Any) -> Markup:
    """JSON safe to place inside <script type="application/json">: no '<', '>' or '&' survive."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group(0)], text))


def inline_asset(name: str, closing: str) -> Markup:
    """A static file of ours placed inline; refuses text that would close its element early."""
    text = static_text(name)
    if closing in text.lower():
        raise ValueError(f"static/{name} contains {closing!r}; it cannot be inlined")
    return Markup(text)


def safe_url(url: Any) -> str | None:
    """The URL when it is a plain http(s) address, else None (never javascript:, data:, ...)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    return url if SAFE_URL.match(url) else None


def display_date(start: Any, end: Any, precision: str) -> str:
    if pd.isna(start):
        return "unknown"
    fmt = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}.get(precision)
    if fmt is None:
        return f"{iso_date(start)} to {iso_date(end)}"
    return pd.Timestamp(start).strftime(fmt)


def _text(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def page_records(tables: dict[str, pd.DataFrame]) -> list[dict[str, Any]]:
    """One compact record per incident (newest first) with its evidence and where each quote came from."""
    inc, ev, art = tables["incidents"], tables["evidence"], tables["articles"]
    # only the articles a quote comes from: most of a large corpus reports no incident
    cited = art[art["article_id"].isin(set(ev["article_id"]))]
    articles = {r["article_id"]: r for r in cited.to_dict("records")}
    quotes: dict[str, list[dict[str, Any]]] = {}
    for r in ev.sort_values(["incident_id", "article_id", "char_start"]).to_dict("records"):
        a = articles.get(r["article_id"], {})
        label = " — ".join(x for x in (_text(a.get("publisher")), _text(a.get("title"))) if x)
        quotes.setdefault(r["incident_id"], []).append(
            {
                "q": str(r["quote"]),
                "u": safe_url(a.get("url")),
                "s": label or _text(a.get("source_path")) or str(r["article_id"]),
                "p": _text(a.get("source_path")) or "",
                "d": iso_date(a.get("published_date")),
                "r": bool(r["is_redacted"]),
            }
        )
    order = inc.assign(_s=pd.to_datetime(inc["date_start"])).sort_values(
        ["_s", "incident_id"], ascending=[False, True], na_position="last"
    )
    out = []
    for r in order.to_dict("records"):
        out.append(
            {
                "id": r["incident_id"],
                "t": r["title"],
                "d": display_date(r["date_start"], r["date_end"], r["date_precision"]),
                "y": incident_year(r),
                "k": _text(r.get("country")) or "",
                "rg": _text(r.get("region")) or "",
                "c": list(r["categories"]),
                "f": list(r["police_forces"]),
                "l": _text(r["location"]) or "",
                "sj": list(r["subjects"]),
                "of": list(r["officers"]),
                "o": _text(r["outcome"]) or "",
                "a": r["allegation_status"],
                "n": int(r["source_count"]),
                "e": quotes.get(r["incident_id"], []),
            }
        )
    return out


def incident_year(row: dict[str, Any]) -> str:
    """The year to filter an incident by: its date's, else the year it was first reported."""
    for col in ("date_start", "first_reported"):
        value = row.get(col)
        if value is not None and not pd.isna(value):
            return str(pd.Timestamp(value).year)
    return ""


def country_name(code: str) -> str:
    """'GB' -> 'United Kingdom' (pycountry), the code itself when unknown."""
    import pycountry

    found = pycountry.countries.get(alpha_2=code)
    if found is None:
        return code
    return str(getattr(found, "common_name", None) or getattr(found, "name", code))


def filter_options(records: list[dict[str, Any]]) -> dict[str, list[tuple[str, str]]]:
    """(value, label) choices for the category, force, country and year filters, with counts."""
    cat_desc = descriptions("categories")
    cats: dict[str, int] = {}
    forces: dict[str, int] = {}
    years: dict[str, int] = {}
    countries: dict[str, int] = {}
    for r in records:
        for c in r["c"]:
            cats[c] = cats.get(c, 0) + 1
        for f in r["f"]:
            forces[f] = forces.get(f, 0) + 1
        years[r["y"] or "unknown"] = years.get(r["y"] or "unknown", 0) + 1
        countries[r.get("k") or "unknown"] = countries.get(r.get("k") or "unknown", 0) + 1
    return {
        "countries": [
            (k, f"{country_name(k)} ({countries[k]})")
            for k in sorted((k for k in countries if k != "unknown"), key=country_name)
        ]
        + ([("unknown", f"unknown ({countries['unknown']})")] if "unknown" in countries else []),
        "categories": [(c, f"{c.replace('_', ' ')} ({cats[c]})") for c in cat_desc if c in cats],
        "forces": [
            (f, f"{f} ({n})") for f, n in sorted(forces.items(), key=lambda kv: kv[0].lower())
        ],
        "years": [
            (y, f"{y} ({years[y]})")
            for y in sorted((y for y in years if y != "unknown"), reverse=True)
        ]
        + ([("unknown", f"unknown ({years['unknown']})")] if "unknown" in years else []),
    }


def render_page(
    staging_dir: Path,
    tables: dict[str, pd.DataFrame],
    context: dict[str, Any],
    files: list[dict[str, Any]],
) -> str:
    changelog_path = Path(staging_dir) / "CHANGELOG.md"
    changelog = changelog_path.read_text(encoding="utf-8") if changelog_path.exists() else ""
    records = page_records(tables)
    return (
        environment(True)
        .get_template("release.html")
        .render(
            title=DATASET_TITLE,
            version=str(context.get("version", "")),
            date=iso_date(context.get("created_at")) or str(context.get("created_at", "")),
            previous_version=context.get("previous_version"),
            s=summary(tables),
            changes=change_counts(context.get("changes")),
            files=files,
            changelog=changelog,
            charts=release_charts(tables["incidents"]),
            options=filter_options(records),
            category_descriptions=descriptions("categories"),
            data=script_json(records),
            css=inline_asset("page.css", "</style"),
            js=inline_asset("page.js", "</script"),
            license=DATA_LICENSE,
            notes=[str(n) for n in context.get("notes") or []],
            review=_review_rows(context.get("link_review")),
        )
    )


REVIEW_ROWS_SHOWN = 200


def _review_rows(review: pd.DataFrame | None) -> dict[str, Any] | None:
    """The linking review queue (flows/curate/review.py) for the page: the first
    `REVIEW_ROWS_SHOWN` pairs and their count; None when the build made none."""
    if review is None:
        return None
    return {"count": len(review), "rows": review.head(REVIEW_ROWS_SHOWN).to_dict("records")}


def write_page(staging_dir: Path, tables: dict[str, pd.DataFrame], context: dict[str, Any]) -> Path:
    files = release_files(staging_dir, exclude={"index.html"})
    path = Path(staging_dir) / "index.html"
    path.write_text(render_page(staging_dir, tables, context, files), encoding="utf-8")
    return path
