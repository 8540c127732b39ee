"""Field measures of issue 14 (when, where, who, which agency, one case one incident) on the
development data (../shared/devdata), on one split (`test` by default; rules are tuned on
train/dev, never on test), plus the sample articles' gold (tests/gold/*.yaml, no split).

Each measure is a share over the documents or incidents it applies to, with its denominator. A
field is measured on the documents that yield an incident (whether they do is the per-kind yield
of `devdata.py`), except the IOPC month, which counts a summary yielding no incident as a miss
(`iopc_month_where_stated` and `iopc_month_all`):

- dates: `sample_year` / `news_year`: year of the incident's date equal to the gold date's year, over
  the gold incidents with a date that the system found (matched by evidence); `*_or_reported`: the
  same with `first_reported` standing in for an unknown date (what the page's year filter does).
  `iopc_month`: IOPC summaries whose text states a month and year: the (first) incident's month
  equals the page's month. `mpv_day` / `startribune_day`: the description published on its
  labelled date (the only date these records carry), the incident's day-precision date within one
  day of the label; `*_or_reported`: with `first_reported` standing in. `first_reported`: share of
  the incidents from documents with a publication date (MPV, Star Tribune, news gold) that carry it.
- places: `city`: MPV, Star Tribune and 2020PB documents whose text names the labelled city:
  the incident's `location` names it. `country`: every incident of those, of IOPC (GB) and of the
  news gold (its `country`): `country` right; `country_where_given`: right among the incidents
  that carry a country (most MPV and 2020PB descriptions name no place at all); `country_given`:
  the share that carry one.
- people: `victim_surname`: MPV and Star Tribune descriptions that name the victim (a labelled
  surname occurs in the text): a subject of an incident carries that surname. `news_people`: on the
  news gold, gold subjects found among the system's subjects and gold officers among its officers
  (`same_person`); `commentators_as_people`: system subjects/officers that the gold lists as
  commentators.
- agencies: `iopc_force`: every labelled force of the summary among its incidents' forces.
  `us_agency`: MPV and Star Tribune descriptions whose text names the labelled agency's place
  word: an incident's force starts with that place and ends with an agency kind.
- `incidents_per_single_case_doc`: incidents per yielding document (IOPC, MPV, Star Tribune).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from flows.evaluation.devdata import Extractor, _default_extractor, make_article
from flows.evaluation.devgold import load_devgold, ratio, read_devdata, split_of

_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH_YEAR = re.compile(
    r"\b(?:" + "|".join(m.capitalize() for m in _MONTHS) + r")\s+(?:19|20)\d\d\b"
)
_AGENCY_KIND = re.compile(
    r"(?:Police Department|Sheriff's Office|Sheriff's Department|State Patrol|Highway Patrol|"
    r"State Police|Police|Police Service|Marshals Service)$"
)


def _share(hits: int, total: int) -> dict[str, Any]:
    return {"n": total, "hits": hits, "share": ratio(hits, total)}


def _as_date(value: Any) -> dt.date | None:
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def run(docs: list[tuple[str, str, str | None]], extractor: Extractor) -> dict[str, dict]:
    """doc id -> {'incidents': [row dicts], 'evidence': [row dicts]} (each document linked alone)."""
    from flows.extract import link_mentions

    arts = [make_article(i, t, p) for i, t, p in docs]
    out = {}
    for (doc_id, _, _), x in zip(docs, extractor(arts), strict=True):
        inc, ev = link_mentions([x])
        out[doc_id] = {"incidents": inc.to_dict("records"), "evidence": ev.to_dict("records")}
    return out


def _best_day(row: dict) -> tuple[dt.date | None, dt.date | None]:
    """(the incident's day-precision date, that date or else first_reported)."""
    day = _as_date(row["date_start"]) if row["date_precision"] == "day" else None
    return day, day or _as_date(row.get("first_reported"))


def _surname(name: str) -> str:
    words = [
        w
        for w in re.findall(r"[A-Za-z'’-]+", name)
        if w.lower() not in ("jr", "sr", "ii", "iii", "iv")
    ]
    return words[-1].lower() if words else ""


def _names(rows: Iterable[dict], col: str) -> list[str]:
    return [n for r in rows for n in (r.get(col) or [])]


def _spans_of(result: dict) -> dict[str, list[tuple[int, int]]]:
    spans: dict[str, list[tuple[int, int]]] = {}
    for e in result["evidence"]:
        spans.setdefault(e["incident_key"], []).append((int(e["char_start"]), int(e["char_end"])))
    return spans


def _matched(result: dict, gold_incident: dict) -> dict | None:
    """The system incident sharing most evidence sentences with a gold incident."""
    spans = _spans_of(result)
    best, weight = None, 0
    for row in result["incidents"]:
        w = sum(
            1
            for g in gold_incident["evidence"]
            for s in spans.get(row["incident_key"], [])
            if s[0] < g[1] and g[0] < s[1]
        )
        if w > weight:
            best, weight = row, w
    return best


def _labelled(devdata: Path, split: str) -> dict[str, list[dict]]:
    link = [r for r in read_devdata(devdata, "link").values() if split_of(r["id"]) == split]
    return {
        "iopc": [r for r in read_devdata(devdata, "iopc").values() if split_of(r["id"]) == split],
        "mpv": [r for r in read_devdata(devdata, "mpv").values() if split_of(r["id"]) == split],
        "2020pb": [
            r for r in read_devdata(devdata, "2020pb").values() if split_of(r["id"]) == split
        ],
        "startribune": [r for r in link if r.get("writer") == "Star Tribune"],
    }


def _month_of(title_month: str | None) -> tuple[int, int] | None:
    if not title_month:
        return None
    m = re.match(r"([A-Za-z]+)\s+(\d{4})", title_month)
    if not m or m.group(1).lower() not in _MONTHS:
        return None
    return int(m.group(2)), _MONTHS.index(m.group(1).lower()) + 1


def evaluate_fields(
    devdata: Path, gold_dir: Path, split: str = "test", extractor: Extractor | None = None
) -> dict[str, Any]:
    """Every measure of the module docstring on one split of the development data."""
    extractor = extractor or _default_extractor()
    rows = _labelled(devdata, split)
    published = {"mpv": "date", "startribune": "date", "2020pb": None, "iopc": None}
    results = {
        src: run(
            [(r["id"], r["text"], r.get(published[src]) if published[src] else None) for r in recs],
            extractor,
        )
        for src, recs in rows.items()
    }
    gold = [d for d in load_devgold(gold_dir, devdata, "incidents") if d.split == split]
    news = [d for d in gold if d.source == "dailymail"]
    news_results = run([(d.doc_id, d.text, d.record.get("published")) for d in news], extractor)

    out: dict[str, Any] = {"split": split}
    out["dates"] = _dates(rows, results, news, news_results)
    out["places"] = _places(rows, results, news, news_results)
    out["people"] = _people(rows, results, news, news_results)
    out["agencies"] = _agencies(rows, results)
    per = {}
    for src in ("iopc", "mpv", "startribune"):
        yielding = [v for v in results[src].values() if v["incidents"]]
        n = sum(len(v["incidents"]) for v in yielding)
        per[src] = {
            "documents_yielding": len(yielding),
            "incidents": n,
            "per_document": ratio(n, len(yielding)),
        }
    out["incidents_per_single_case_doc"] = per
    return out


def _dates(rows, results, news, news_results) -> dict[str, Any]:
    d: dict[str, Any] = {}
    hit = hit_or = total = 0
    for doc in news:
        for g in doc.incidents:
            if g.get("optional") or not g.get("date"):
                continue
            row = _matched(news_results[doc.doc_id], g)
            if row is None:
                continue
            total += 1
            year = int(g["date"][:4])
            day, best = (
                _as_date(row["date_start"]),
                _as_date(row["date_start"]) or _as_date(row.get("first_reported")),
            )
            hit += day is not None and day.year == year
            hit_or += best is not None and best.year == year
    d["news_year"] = _share(hit, total)
    d["news_year_or_reported"] = _share(hit_or, total)
    hit = total = stated = stated_hit = 0
    for r in rows["iopc"]:
        want = _month_of(r.get("title_month"))
        if want is None:
            continue
        total += 1
        incs = sorted(
            results["iopc"][r["id"]]["incidents"], key=lambda x: -int(x["evidence_count"])
        )
        got = _as_date(incs[0]["date_start"]) if incs else None
        ok = (
            got is not None
            and incs[0]["date_precision"] in ("day", "month")
            and (got.year, got.month) == want
        )
        hit += ok
        if _MONTH_YEAR.search(r["text"]):
            stated += 1
            stated_hit += ok
    d["iopc_month_where_stated"] = _share(stated_hit, stated)
    d["iopc_month_all"] = _share(hit, total)
    for src in ("mpv", "startribune"):
        hit = hit_or = total = 0
        for r in rows[src]:
            incs = results[src][r["id"]]["incidents"]
            if not incs or not r.get("date"):
                continue
            total += 1
            label = dt.date.fromisoformat(r["date"][:10])
            days = [_best_day(x) for x in incs]
            hit += any(a is not None and abs((a - label).days) <= 1 for a, _ in days)
            hit_or += any(b is not None and abs((b - label).days) <= 1 for _, b in days)
        d[f"{src}_day"] = _share(hit, total)
        d[f"{src}_day_or_reported"] = _share(hit_or, total)
    every = [
        x for src in ("mpv", "startribune") for v in results[src].values() for x in v["incidents"]
    ]
    every += [x for v in news_results.values() for x in v["incidents"]]
    d["first_reported"] = _share(
        sum(_as_date(x.get("first_reported")) is not None for x in every), len(every)
    )
    return d


def _places(rows, results, news, news_results) -> dict[str, Any]:
    hit = total = 0
    per_src = {}
    for src in ("mpv", "startribune", "2020pb"):
        h = t = 0
        for r in rows[src]:
            city = r.get("city")
            if not city or city not in r["text"]:
                continue
            incs = results[src][r["id"]]["incidents"]
            if not incs:
                continue
            t += 1
            h += any(city.lower() in (x.get("location") or "").lower() for x in incs)
        per_src[src] = _share(h, t)
        hit, total = hit + h, total + t
    out: dict[str, Any] = {"city": _share(hit, total), "city_by_source": per_src}
    pairs = []  # (expected, given) per incident
    for src, want in (("mpv", "US"), ("startribune", "US"), ("2020pb", "US"), ("iopc", "GB")):
        for v in results[src].values():
            pairs += [(want, x.get("country")) for x in v["incidents"]]
    for doc in news:
        for g in doc.incidents:
            if g.get("optional") or not g.get("country"):
                continue
            row = _matched(news_results[doc.doc_id], g)
            if row is not None:
                pairs.append((g["country"], row.get("country")))
    given = [(w, c) for w, c in pairs if c]
    out["country"] = _share(sum(w == c for w, c in pairs), len(pairs))
    out["country_where_given"] = _share(sum(w == c for w, c in given), len(given))
    out["country_given"] = _share(len(given), len(pairs))
    return out


def _people(rows, results, news, news_results) -> dict[str, Any]:
    from flows.evaluation.score import same_person

    out: dict[str, Any] = {}
    for src in ("mpv", "startribune"):
        hit = total = 0
        for r in rows[src]:
            surnames = {_surname(n) for n in r.get("victim_names") or []} - {""}
            named = {s for s in surnames if re.search(rf"\b{re.escape(s)}\b", r["text"], re.I)}
            if not named or not results[src][r["id"]]["incidents"]:
                continue
            total += 1
            subjects = _names(results[src][r["id"]]["incidents"], "subjects")
            hit += any(_surname(s) in named for s in subjects)
        out[f"{src}_victim_surname"] = _share(hit, total)
    h = sum(out[f"{s}_victim_surname"]["hits"] for s in ("mpv", "startribune"))
    t = sum(out[f"{s}_victim_surname"]["n"] for s in ("mpv", "startribune"))
    out["victim_surname"] = _share(h, t)
    hit = total = commentators = perpetrators = 0
    for doc in news:
        for g in doc.incidents:
            if g.get("optional"):
                continue
            row = _matched(news_results[doc.doc_id], g)
            people = [(doc.quote(p["span"]) or "", p["role"]) for p in g["people"]]
            for name, role in people:
                if role not in ("subject", "officer"):
                    continue
                total += 1
                if row is None:
                    continue
                col = "subjects" if role == "subject" else "officers"
                hit += any(same_person(name, s) for s in _names([row], col))
            if row is None:
                continue
            system = _names([row], "subjects") + _names([row], "officers")
            for name, role in people:
                if role == "commentator" and any(same_person(name, s) for s in system):
                    commentators += 1
    out["news_people"] = _share(hit, total)
    out["commentators_as_people"] = commentators
    out["perpetrators_as_subjects"] = perpetrators
    return out


def _agency_place(label: str) -> str | None:
    words = [
        w for w in re.findall(r"[A-Za-z'’.-]+", label) if w.lower() not in ("the", "metropolitan")
    ]
    return words[0] if words else None


def _agencies(rows, results) -> dict[str, Any]:
    from flows.extract.forces import canonical_force

    out: dict[str, Any] = {}
    hit = total = 0
    for r in rows["iopc"]:
        labels = r.get("forces") or ([r["force"]] if r.get("force") else [])
        want = {canonical_force(f) or f for f in labels}
        if not want or not results["iopc"][r["id"]]["incidents"]:
            continue
        total += 1
        got = set(_names(results["iopc"][r["id"]]["incidents"], "police_forces"))
        hit += want <= got
    out["iopc_force"] = _share(hit, total)
    for src in ("mpv", "startribune"):
        hit = total = 0
        for r in rows[src]:
            labels = [a.strip() for a in re.split(r",", r.get("agency") or "") if a.strip()]
            places = [p for p in (_agency_place(a) for a in labels) if p]
            named = [p for p in places if re.search(rf"\b{re.escape(p)}\b", r["text"], re.I)]
            if not named or not results[src][r["id"]]["incidents"]:
                continue
            total += 1
            forces = _names(results[src][r["id"]]["incidents"], "police_forces")
            hit += any(
                f.lower().startswith(p.lower()) and _AGENCY_KIND.search(f)
                for f in forces
                for p in named
            )
        out[f"{src}_agency"] = _share(hit, total)
    h = sum(out[f"{s}_agency"]["hits"] for s in ("mpv", "startribune"))
    t = sum(out[f"{s}_agency"]["n"] for s in ("mpv", "startribune"))
    out["us_agency"] = _share(h, t)
    return out


def sample_years(gold_dir: Path = Path("tests/gold"), raw_dir: Path = Path("raw")) -> dict:
    """Year right on the sample articles' gold incidents that carry a date."""
    import yaml

    from flows.evaluation.gold import load_gold
    from flows.evaluation.run import _resolve
    from flows.evaluation.score import match, system_incidents
    from flows.extract import extract_articles, link_mentions, load_nlp
    from flows.ingest import read_file

    gold_dir, raw_dir = _resolve(gold_dir), _resolve(raw_dir)
    articles, texts, names = [], {}, {}
    for path in sorted(gold_dir.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        name = str(data.get("article", path.stem + ".txt"))
        art = [a for a in read_file(raw_dir / name, raw_dir) if a.status != "quarantined"][0]
        articles.append(art)
        texts[name], names[art.article_id] = art.text, name
    _, gold = load_gold(gold_dir, texts)
    incidents, evidence = link_mentions(extract_articles(articles, load_nlp()))
    reported = {
        r["incident_key"]: _as_date(r.get("first_reported")) for r in incidents.to_dict("records")
    }
    system = {s.key: s for s in system_incidents(incidents, evidence, names)}
    hit = hit_or = total = 0
    for skey, gid in match(list(system.values()), gold).items():
        g = gold[gid]
        if g.optional or g.fields["date"][0] is None:
            continue
        total += 1
        got = system[skey].fields["date"][0]
        hit += got is not None and got.year == g.fields["date"][0].year
        best = got or reported.get(skey)
        hit_or += best is not None and best.year == g.fields["date"][0].year
    return {"sample_year": _share(hit, total), "sample_year_or_reported": _share(hit_or, total)}


SECTION = Path("docs/evaluation_fields.md")
_ROWS = [
    (
        "Dates",
        "year right, sample articles' gold (date; date or first_reported)",
        "dates.sample_year",
        "dates.sample_year_or_reported",
    ),
    (
        "Dates",
        "year right, news gold (date; date or first_reported)",
        "dates.news_year",
        "dates.news_year_or_reported",
    ),
    (
        "Dates",
        "IOPC month right, summaries stating a month (all summaries)",
        "dates.iopc_month_where_stated",
        "dates.iopc_month_all",
    ),
    (
        "Dates",
        "MPV day within one day (date; date or first_reported)",
        "dates.mpv_day",
        "dates.mpv_day_or_reported",
    ),
    (
        "Dates",
        "Star Tribune day within one day (date; date or first_reported)",
        "dates.startribune_day",
        "dates.startribune_day_or_reported",
    ),
    (
        "Dates",
        "incidents with first_reported (articles with a publication date)",
        "dates.first_reported",
        None,
    ),
    (
        "Places",
        "city right where the text names it (MPV, Star Tribune, 2020PB)",
        "places.city",
        None,
    ),
    (
        "Places",
        "country right (all incidents; where a country is given)",
        "places.country",
        "places.country_where_given",
    ),
    (
        "People",
        "victim surname where the text names the victim (MPV, Star Tribune)",
        "people.victim_surname",
        None,
    ),
    ("People", "news gold: subjects and officers found in their role", "people.news_people", None),
    ("Agencies", "IOPC force right", "agencies.iopc_force", None),
    (
        "Agencies",
        "canonical agency where the text names it (MPV, Star Tribune)",
        "agencies.us_agency",
        None,
    ),
]


def _get(scores: dict, path: str | None) -> Any:
    value: Any = scores
    for part in (path or "").split("."):
        if not part:
            return None
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _cell(scores: dict, a: str, b: str | None) -> str:
    def one(path):
        v = _get(scores, path)
        return f"{v['share']} ({v['hits']}/{v['n']})" if isinstance(v, dict) else "–"

    return one(a) if b is None else f"{one(a)}; {one(b)}"


def render_section(dev: dict, test: dict, when: str) -> str:
    """The Markdown section of docs/evaluation.md with these measures, dev and test side by side."""
    lines = [
        "## Fields: when, where, who, which agency, one case one incident (issue 14)",
        "",
        f"Measured on {when} with `python -m flows.evaluation.fields --write` on the development",
        "data (`../shared/devdata`, gold in `tests/gold/devdata`): rules were tuned on the train/dev",
        "documents, `test` is reported apart. Definitions: `flows/evaluation/fields.py`. MPV and Star",
        "Tribune records carry no publication date: each is read as published on its labelled date,",
        "so their day measures test relative dates and that no other date overrides; their texts",
        "rarely state a day, so the incident's own date is mostly unknown and `first_reported` is",
        "what a user filtering by time sees.",
        "",
        "| area | measure | dev | test |",
        "|---|---|---|---|",
    ]
    for area, label, a, b in _ROWS:
        lines.append(f"| {area} | {label} | {_cell(dev, a, b)} | {_cell(test, a, b)} |")
    for src in ("iopc", "mpv", "startribune"):
        d = dev["incidents_per_single_case_doc"][src]["per_document"]
        t = test["incidents_per_single_case_doc"][src]["per_document"]
        lines.append(f"| One case | incidents per yielding {src} document | {d} | {t} |")
    lines += [
        f"| People | commentators among subjects/officers (news gold) | "
        f"{dev['people']['commentators_as_people']} | {test['people']['commentators_as_people']} |",
        "",
        "Floors of the test split (a regression guard, below the issue's targets):",
        "`tests/gold/field_floors.json`, checked by `tests/test_evaluation_fields.py`.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:  # pragma: no cover - a convenience for developers
    import sys

    root = Path(__file__).resolve().parents[2]
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    devdata, gold = root.parent / "shared" / "devdata", root / "tests/gold/devdata"
    if "--write" in sys.argv:
        extractor = _default_extractor()
        runs = {s: evaluate_fields(devdata, gold, s, extractor) for s in ("dev", "test")}
        years = sample_years(root / "tests/gold", root / "raw")
        for scores in runs.values():
            scores["dates"].update(years)
        when = dt.date.today().isoformat()
        (root / SECTION).write_text(render_section(runs["dev"], runs["test"], when), "utf-8")
        print(json.dumps(runs, indent=1, default=str))
        return
    split = args[0] if args else "dev"
    scores = evaluate_fields(devdata, gold, split)
    scores["dates"].update(sample_years(root / "tests/gold", root / "raw"))
    print(json.dumps(scores, indent=1, default=str))


if __name__ == "__main__":  # pragma: no cover
    main()
