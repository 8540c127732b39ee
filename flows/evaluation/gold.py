"""Gold annotations (tests/gold/*.yaml): loading, locating evidence, validating, merging across articles."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from schemas.vocab import ALLEGATION_STATUSES, CATEGORIES, DATE_PRECISIONS, OUTCOMES, outcome_rank

STATUS_RANK = {"unknown": 0, "alleged": 1, "established": 2}
PRECISION_RANK = {"unknown": 0, "year": 1, "month": 2, "day": 3}

Span = tuple[int, int]


class GoldError(ValueError):
    """A gold file is malformed: the message names the file, the incident and the problem."""


@dataclass
class GoldArticle:
    name: str  # raw file name, e.g. 000_3a6a4115694bcdfb.txt
    reference_date: dt.date | None
    window: tuple[dt.date, dt.date] | None
    commentators: list[str]


@dataclass
class Incident:
    """A gold or system incident: evidence spans per article plus the merged fields."""

    key: str
    spans: dict[str, list[Span]] = field(default_factory=dict)
    context: dict[str, list[Span]] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    optional: bool = False

    @property
    def articles(self) -> set[str]:
        return {a for a, s in self.spans.items() if s}


def locate(text: str, fragment: str) -> Span:
    """Offsets of a verbatim fragment in text; non-breaking spaces match ordinary spaces."""
    hay, needle = text.replace("\u00a0", " "), fragment.replace("\u00a0", " ").strip()
    start = hay.find(needle)
    if not needle or start < 0:
        raise ValueError(f"not found in the article: {fragment[:70]!r}")
    return start, start + len(needle)


def _date(value: Any, where: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise GoldError(f"{where}: bad date {value!r}") from exc


def _window(value: Any, where: str) -> tuple[dt.date, dt.date] | None:
    if not value:
        return None
    start, end = _date(value[0], where), _date(value[1], where)
    if start is None or end is None:
        raise GoldError(f"{where}: reference_window needs two dates")
    return start, end


def _check_fields(inc: dict, where: str) -> dict[str, Any]:
    for key in ("categories", "police_forces", "subjects", "officers"):
        value = inc.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise GoldError(f"{where}: {key} must be a list of strings")
    bad = [c for c in inc.get("categories", []) if c not in CATEGORIES]
    if bad:
        raise GoldError(f"{where}: categories not in the vocabulary: {bad}")
    if inc.get("outcome") is not None and inc["outcome"] not in OUTCOMES:
        raise GoldError(f"{where}: outcome {inc['outcome']!r} not in the vocabulary")
    if inc.get("allegation_status") not in ALLEGATION_STATUSES:
        raise GoldError(f"{where}: allegation_status must be one of {ALLEGATION_STATUSES}")
    precision = inc.get("date_precision", "unknown")
    start, end = _date(inc.get("date_start"), where), _date(inc.get("date_end"), where)
    if precision not in DATE_PRECISIONS or not _precision_agrees(start, end, precision):
        raise GoldError(f"{where}: date_precision {precision!r} disagrees with {start}..{end}")
    return {
        "categories": list(inc.get("categories", [])),
        "date": (start, end, precision),
        "police_forces": list(inc.get("police_forces", [])),
        "location": inc.get("location"),
        "subjects": list(inc.get("subjects", [])),
        "officers": list(inc.get("officers", [])),
        "outcome": inc.get("outcome"),
        "allegation_status": inc["allegation_status"],
    }


def _precision_agrees(start: dt.date | None, end: dt.date | None, precision: str) -> bool:
    if precision == "unknown" or start is None or end is None:
        return precision == "unknown" and start is None and end is None
    if precision == "day":
        return start == end
    if precision == "year":
        return (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and (
            start.year == end.year
        )
    next_month = (end + dt.timedelta(days=1)).day == 1
    return start.day == 1 and next_month and (start.year, start.month) == (end.year, end.month)


def _merge(into: dict[str, Any], new: dict[str, Any], where: str) -> None:
    for key in ("categories", "police_forces", "subjects", "officers"):
        into[key] += [v for v in new[key] if v not in into[key]]
    if outcome_rank(new["outcome"]) > outcome_rank(into["outcome"]):
        into["outcome"] = new["outcome"]
    if STATUS_RANK[new["allegation_status"]] > STATUS_RANK[into["allegation_status"]]:
        into["allegation_status"] = new["allegation_status"]
    old_p, new_p = into["date"][2], new["date"][2]
    if PRECISION_RANK[new_p] > PRECISION_RANK[old_p]:
        into["date"] = new["date"]
    elif new_p == old_p and new["date"] != into["date"]:
        raise GoldError(f"{where}: date {new['date']} conflicts with {into['date']}")
    into["location"] = into["location"] or new["location"]


def load_gold(
    gold_dir: Path, texts: Mapping[str, str]
) -> tuple[dict[str, GoldArticle], dict[str, Incident]]:
    """Read every tests/gold/*.yaml, locate its evidence in `texts` (raw name -> article text),
    validate codes and dates, and merge each gold_id across articles."""
    articles: dict[str, GoldArticle] = {}
    incidents: dict[str, Incident] = {}
    for path in sorted(Path(gold_dir).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("incidents"), list):
            raise GoldError(f"{path.name}: expected a mapping with an 'incidents' list")
        name = data.get("article")
        if not isinstance(name, str) or name not in texts:
            raise GoldError(f"{path.name}: no article text for {name!r}")
        win = _window(data.get("reference_window"), path.name)
        ref = _date(data.get("reference_date"), path.name)
        if win is None or ref is None:
            dates_agree = win is None and ref is None
        else:
            dates_agree = win[0] <= ref <= win[1]
        if not dates_agree:
            raise GoldError(f"{path.name}: reference_date must lie in reference_window")
        articles[name] = GoldArticle(name, ref, win, list(data.get("commentators") or []))
        for inc in data["incidents"]:
            gid = inc.get("gold_id")
            where = f"{path.name}: {gid}"
            if not isinstance(gid, str) or not re.fullmatch(r"[a-z0-9_]+", gid):
                raise GoldError(f"{path.name}: bad gold_id {gid!r}")
            fields = _check_fields(inc, where)
            try:
                spans = [locate(texts[name], s) for s in inc.get("evidence") or []]
                context = [locate(texts[name], s) for s in inc.get("context") or []]
            except ValueError as exc:
                raise GoldError(f"{where}: {exc}") from exc
            gold = incidents.get(gid)
            if gold is None:
                gold = incidents[gid] = Incident(gid, fields=fields)
            else:
                _merge(gold.fields, fields, where)
            if name in gold.spans or name in gold.context:
                raise GoldError(f"{where}: gold_id listed twice in one article")
            gold.spans[name], gold.context[name] = spans, context
            gold.optional = gold.optional or bool(inc.get("optional"))
    for gid, gold in incidents.items():
        if not gold.articles:
            raise GoldError(f"{gid}: no evidence in any article")
        if not gold.fields["categories"]:
            raise GoldError(f"{gid}: no category in any article")
    return articles, incidents
