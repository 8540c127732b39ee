"""Small accessible SVG bar charts rendered at build time (no scripts, no external resources)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from html import escape

import pandas as pd

# Colour-blind-safe palette (Okabe-Ito, then Tol's muted); cycles beyond its length.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#882255",
    "#AA4499",
)
BAR_H = 22
GAP = 6
LABEL_W = 180
PLOT_W = 320
VALUE_W = 40
WIDTH = LABEL_W + PLOT_W + VALUE_W


@dataclass
class Chart:
    """A rendered chart: the SVG markup, its short title and a plain-text alternative."""

    slug: str
    title: str
    svg: str
    alt: str
    rows: list[tuple[str, dict[str, int]]]
    series: list[str]


def _a(value: object) -> str:
    return escape(str(value), quote=True)


def _truncate(label: str, limit: int = 24) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(
    slug: str,
    title: str,
    rows: list[tuple[str, dict[str, int]]],
    series: list[str],
    note: str = "",
) -> Chart:
    """Horizontal (optionally stacked) bars: rows are (label, {series: count}) in display order."""
    totals = [sum(v.values()) for _, v in rows]
    top = max(totals, default=0) or 1
    legend_rows = (len(series) + 1) // 2 if len(series) > 1 else 0
    legend_h = legend_rows * 18 + (8 if legend_rows else 0)
    height = max(1, len(rows)) * (BAR_H + GAP) + legend_h + 8
    title_id, desc_id = f"{slug}-title", f"{slug}-desc"
    alt_parts = [f"{label}: {total}" for (label, _), total in zip(rows, totals, strict=True)]
    alt = (
        f"{title}. "
        + ("; ".join(alt_parts) if alt_parts else "No data.")
        + (f" {note}" if note else "")
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{_a(title)}</title>',
        f'<desc id="{desc_id}">{_a(alt)}</desc>',
    ]
    if not rows:
        out.append(
            f'<text x="0" y="16" class="chart-empty">{_a("No data in this release.")}</text>'
        )
    colours = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(series)}
    for i, ((label, values), total) in enumerate(zip(rows, totals, strict=True)):
        y = i * (BAR_H + GAP)
        out.append(f'<g class="bar-row"><title>{_a(label)}: {total}</title>')
        out.append(
            f'<text x="{LABEL_W - 8}" y="{y + BAR_H * 0.7:.1f}" text-anchor="end" '
            f'class="chart-label">{_a(_truncate(label))}</text>'
        )
        x = float(LABEL_W)
        for s in series:
            n = values.get(s, 0)
            if not n:
                continue
            w = PLOT_W * n / top
            out.append(
                f'<rect x="{x:.1f}" y="{y}" width="{max(w, 1):.1f}" height="{BAR_H}" '
                f'fill="{colours[s]}"><title>{_a(label)} — {_a(s.replace("_", " "))}: {n}</title></rect>'
            )
            x += w
        out.append(
            f'<text x="{x + 6:.1f}" y="{y + BAR_H * 0.7:.1f}" class="chart-value">{total}</text>'
        )
        out.append("</g>")
    if legend_rows:
        y0 = len(rows) * (BAR_H + GAP) + 12
        for j, s in enumerate(series):
            lx, ly = (j % 2) * (WIDTH / 2), y0 + (j // 2) * 18
            out.append(
                f'<rect x="{lx:.1f}" y="{ly}" width="12" height="12" fill="{colours[s]}"/>'
                f'<text x="{lx + 16:.1f}" y="{ly + 10}" class="chart-legend">{_a(_truncate(s.replace("_", " "), 38))}</text>'
            )
    out.append("</svg>")
    return Chart(slug, title, "\n".join(out), alt, rows, series)


def _year(value) -> str:
    return "unknown" if pd.isna(value) else str(pd.Timestamp(value).year)


def per_year_by_category(incidents: pd.DataFrame) -> Chart:
    """Incidents per year (of date_start) stacked by category; an incident counts once per category."""
    counts: dict[str, Counter] = {}
    for start, cats in zip(incidents["date_start"], incidents["categories"], strict=True):
        counts.setdefault(_year(start), Counter()).update(set(cats))
    years = sorted((y for y in counts if y != "unknown"), reverse=True)
    if "unknown" in counts:
        years.append("unknown")
    totals: Counter[str] = Counter()
    for c in counts.values():
        totals.update(c)
    series = [s for s, _ in totals.most_common()]
    rows = [(y, dict(counts[y])) for y in years]
    return bar_chart(
        "chart-years",
        "Incidents per year, by category",
        rows,
        series,
        note="An incident with several categories is counted in each; 'unknown' means no date was reported.",
    )


def per_force(incidents: pd.DataFrame, limit: int = 15) -> Chart:
    """Incidents per police force (the top `limit`, the rest summed as 'other forces')."""
    counts: Counter = Counter()
    for forces in incidents["police_forces"]:
        forces = list(forces)
        counts.update(set(forces) if forces else {"no force named"})
    ranked = counts.most_common()
    rows = [(f, {"incidents": n}) for f, n in ranked[:limit]]
    rest = sum(n for _, n in ranked[limit:])
    if rest:
        rows.append((f"other forces ({len(ranked) - limit})", {"incidents": rest}))
    return bar_chart(
        "chart-forces",
        "Incidents per police force",
        rows,
        ["incidents"],
        note="An incident involving several forces is counted for each.",
    )


def sources_per_incident(incidents: pd.DataFrame, cap: int = 5) -> Chart:
    """How many incidents are reported by 1, 2, ... cap+ distinct articles."""
    counts = Counter(min(int(n), cap) for n in incidents["source_count"])
    rows = [
        (
            f"{k}+ articles" if k == cap else f"{k} article{'s' if k > 1 else ''}",
            {"incidents": counts.get(k, 0)},
        )
        for k in range(1, cap + 1)
        if counts.get(k, 0) or k <= max(counts, default=1)
    ]
    return bar_chart("chart-sources", "Number of source articles per incident", rows, ["incidents"])


def release_charts(incidents: pd.DataFrame) -> list[Chart]:
    return [per_year_by_category(incidents), per_force(incidents), sources_per_incident(incidents)]
