"""Reviewed corrections (retract, fix_field, merge, split) loaded strictly and applied on every build."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from flows.core.ids import evidence_id, evidence_ids, split_incident_id
from schemas.tables import ARTICLE_ID_RE, EVIDENCE_ID_RE, INCIDENT_ID_RE, Incidents
from schemas.vocab import ALLEGATION_STATUSES, CATEGORIES, DATE_PRECISIONS, OUTCOMES, outcome_rank

ACTIONS = ("retract", "fix_field", "merge", "split")
COMMON_KEYS = ("id", "date", "reason", "action")
ACTION_KEYS = {
    "retract": ("incident_id",),
    "fix_field": ("incident_id", "field", "value"),
    "merge": ("incident_ids",),
    "split": ("incident_id", "evidence_ids", "articles"),
}
DERIVED_FIELDS = ("incident_id", "source_count", "article_ids", "evidence_count")
FIXABLE_FIELDS = tuple(c for c in Incidents.to_schema().columns if c not in DERIVED_FIELDS)
LIST_FIELDS = ("categories", "police_forces", "subjects", "officers")
DATE_FIELDS = ("date_start", "date_end")
VOCAB_FIELDS = {
    "outcome": OUTCOMES,
    "allegation_status": ALLEGATION_STATUSES,
    "date_precision": DATE_PRECISIONS,
}
CORRECTION_ID_RE = re.compile(r"^C\d{4,}$")
PRECISION_RANK = {"day": 3, "month": 2, "year": 1, "unknown": 0}
STATUS_RANK = {"established": 2, "alleged": 1, "unknown": 0}


class CorrectionsError(ValueError):
    """The corrections file is invalid; `errors` lists every problem found."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Correction:
    id: str
    date: dt.date
    reason: str
    action: str
    incident_id: str | None = None
    field: str | None = None
    value: Any = None
    incident_ids: tuple[str, ...] = ()
    evidence_ids: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()


# ---------------------------------------------------------------- loading and validation


def _check_value(name: str, value: Any) -> str | None:
    """Why `value` is not acceptable for Incidents column `name` (None when it is)."""
    if name == "categories":
        if not isinstance(value, list) or not value:
            return "categories must be a non-empty list"
        bad = [v for v in value if v not in CATEGORIES]
        return f"unknown categor{'y' if len(bad) == 1 else 'ies'} {bad}" if bad else None
    if name in LIST_FIELDS:
        ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
        return None if ok else f"{name} must be a list of non-empty strings"
    if name in VOCAB_FIELDS:
        if value is None and name == "outcome":
            return None
        allowed = VOCAB_FIELDS[name]
        return None if value in allowed else f"{value!r} is not one of {list(allowed)} for {name}"
    if name in DATE_FIELDS:
        if value is None or isinstance(value, dt.date):
            return None
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            return f"{name} must be an ISO date (YYYY-MM-DD) or null, not {value!r}"
        return None
    if name == "title":
        ok = isinstance(value, str) and len(value.strip()) >= 3
        return None if ok else "title must be a string of at least 3 characters"
    if value is None or isinstance(value, str):
        return None
    return f"{name} must be a string or null"


def _check_entry(entry: Any, where: str) -> list[str]:
    if not isinstance(entry, dict):
        return [f"{where}: expected a mapping, got {type(entry).__name__}"]
    errors = []
    action = entry.get("action")
    if action not in ACTIONS:
        return [f"{where}: action must be one of {list(ACTIONS)}, not {action!r}"]
    allowed = set(COMMON_KEYS) | set(ACTION_KEYS[action])
    errors += [f"{where}: unknown field {k!r} for {action}" for k in entry if k not in allowed]
    if not isinstance(entry.get("reason"), str) or not entry["reason"].strip():
        errors.append(f"{where}: 'reason' is required and must be non-empty")
    date = entry.get("date")
    if not isinstance(date, dt.date):
        try:
            dt.date.fromisoformat(str(date))
        except ValueError:
            errors.append(f"{where}: 'date' must be an ISO date (YYYY-MM-DD), not {date!r}")
    inc_re = re.compile(INCIDENT_ID_RE)
    inc_id = entry.get("incident_id")
    if action in ("retract", "fix_field", "split") and not (
        isinstance(inc_id, str) and inc_re.match(inc_id)
    ):
        errors.append(f"{where}: 'incident_id' must look like inc_ + 12 hex digits")
    if action == "fix_field":
        name = entry.get("field")
        if not isinstance(name, str) or name not in FIXABLE_FIELDS:
            errors.append(
                f"{where}: field {name!r} cannot be corrected (one of {list(FIXABLE_FIELDS)})"
            )
        elif "value" not in entry:
            errors.append(f"{where}: 'value' is required for fix_field")
        elif problem := _check_value(name, entry["value"]):
            errors.append(f"{where}: {problem}")
    if action == "merge":
        ids = entry.get("incident_ids")
        if not isinstance(ids, list) or len(ids) < 2:
            errors.append(f"{where}: 'incident_ids' must list at least two incidents (keep first)")
        elif not all(isinstance(i, str) and inc_re.match(i) for i in ids):
            errors.append(f"{where}: every incident_ids entry must look like inc_ + 12 hex digits")
        elif len(set(ids)) != len(ids):
            errors.append(f"{where}: incident_ids repeats an incident")
    if action == "split":
        chosen = [k for k in ("evidence_ids", "articles") if k in entry]
        if len(chosen) != 1:
            errors.append(f"{where}: split needs exactly one of 'evidence_ids' or 'articles'")
        else:
            key = chosen[0]
            pattern = re.compile(EVIDENCE_ID_RE if key == "evidence_ids" else ARTICLE_ID_RE)
            values = entry[key]
            if not isinstance(values, list) or not values:
                errors.append(f"{where}: '{key}' must be a non-empty list")
            elif not all(isinstance(v, str) and pattern.match(v) for v in values):
                errors.append(f"{where}: every '{key}' entry must match {pattern.pattern}")
    return errors


def parse_corrections(data: Any, source: str = "corrections.yaml") -> list[Correction]:
    """Validate already-parsed YAML (a list of entries, or None for an empty file)."""
    if data is None:
        return []
    if not isinstance(data, list):
        raise CorrectionsError(
            [f"{source}: expected a list of corrections, got {type(data).__name__}"]
        )
    errors: list[str] = []
    seen: dict[str, int] = {}
    for n, entry in enumerate(data, start=1):
        cid = entry.get("id") if isinstance(entry, dict) else None
        where = f"{source} entry {n} ({cid})" if cid else f"{source} entry {n}"
        if not isinstance(cid, str) or not CORRECTION_ID_RE.match(cid):
            errors.append(f"{where}: 'id' must look like C0001")
        elif cid in seen:
            errors.append(f"{where}: id {cid} already used by entry {seen[cid]}")
        else:
            seen[cid] = n
        errors += _check_entry(entry, where)
    if errors:
        raise CorrectionsError(errors)
    return [_to_correction(e) for e in data]


def _to_correction(e: dict) -> Correction:
    date = e["date"] if isinstance(e["date"], dt.date) else dt.date.fromisoformat(str(e["date"]))
    if isinstance(date, dt.datetime):
        date = date.date()
    return Correction(
        id=e["id"],
        date=date,
        reason=e["reason"].strip(),
        action=e["action"],
        incident_id=e.get("incident_id"),
        field=e.get("field"),
        value=e.get("value"),
        incident_ids=tuple(e.get("incident_ids") or ()),
        evidence_ids=tuple(e.get("evidence_ids") or ()),
        articles=tuple(e.get("articles") or ()),
    )


def load_corrections(path: str | Path) -> list[Correction]:
    """Read and strictly validate dataset/corrections.yaml; a missing file means no corrections."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CorrectionsError([f"{path.name}: not valid YAML: {exc}"]) from exc
    return parse_corrections(data, path.name)


# ---------------------------------------------------------------- application


def _union(lists) -> list[str]:
    out: list[str] = []
    for values in lists:
        for v in values if isinstance(values, list | tuple) else list(values or []):
            if v not in out:
                out.append(v)
    return out


def _evidence_ids(evidence: pd.DataFrame) -> list[str]:
    if "evidence_id" in evidence.columns:
        return evidence["evidence_id"].tolist()
    return evidence_ids(evidence)


def _move_evidence(evidence: pd.DataFrame, mask: pd.Series, target: str) -> pd.DataFrame:
    ev = evidence.copy()
    ev.loc[mask, "incident_id"] = target
    if "evidence_id" in ev.columns:
        ev.loc[mask, "evidence_id"] = [
            evidence_id(target, a, s, e)
            for a, s, e in zip(
                ev.loc[mask, "article_id"],
                ev.loc[mask, "char_start"],
                ev.loc[mask, "char_end"],
                strict=True,
            )
        ]
    keys = ["incident_id", "article_id", "char_start", "char_end"]
    return ev.drop_duplicates(subset=keys, keep="first")


def _recount(incidents: pd.DataFrame, evidence: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    inc = incidents.copy()
    for iid in ids:
        rows = inc.index[inc["incident_id"] == iid]
        if len(rows) == 0:
            continue
        ev = evidence[evidence["incident_id"] == iid]
        articles = sorted(set(ev["article_id"]))
        r = rows[0]
        inc.at[r, "article_ids"] = articles
        inc.at[r, "source_count"] = len(articles)
        inc.at[r, "evidence_count"] = len(ev)
    return inc


def _merged_fields(rows: pd.DataFrame) -> dict[str, Any]:
    """Field values of a merged incident: the first row's, improved by the others'."""
    keep = rows.iloc[0]
    out: dict[str, Any] = {}
    if "categories" in rows:
        cats = _union(rows["categories"])
        out["categories"] = sorted(
            cats, key=lambda c: CATEGORIES.index(c) if c in CATEGORIES else 99
        )
    for name in ("police_forces", "subjects", "officers"):
        if name in rows:
            out[name] = _union(rows[name])
    if "date_precision" in rows:  # the most precise date wins, the kept incident's on a tie
        best = max(
            range(len(rows)),
            key=lambda i: (PRECISION_RANK.get(rows["date_precision"].iloc[i], 0), -i),
        )
        for name in ("date_start", "date_end", "date_precision", "date_text"):
            if name in rows:
                out[name] = rows[name].iloc[best]
    if "outcome" in rows:
        best = max(range(len(rows)), key=lambda i: (outcome_rank(rows["outcome"].iloc[i]), -i))
        out["outcome"] = rows["outcome"].iloc[best]
        if "outcome_text" in rows:
            out["outcome_text"] = rows["outcome_text"].iloc[best]
    if "allegation_status" in rows:
        out["allegation_status"] = max(
            rows["allegation_status"], key=lambda s: STATUS_RANK.get(s, 0)
        )
    for name in ("location", "country", "region"):
        if name in rows and not isinstance(keep.get(name), str):
            out[name] = next((v for v in rows[name] if isinstance(v, str)), None)
    if "first_reported" in rows:  # the earliest publication among the merged incidents
        out["first_reported"] = pd.to_datetime(rows["first_reported"]).min()
    return out


def _coerce_value(name: str, value: Any) -> Any:
    if name in DATE_FIELDS:
        return pd.NaT if value is None else pd.Timestamp(str(value))
    if name in LIST_FIELDS:
        return list(value)
    return value


def _apply_one(c: Correction, inc: pd.DataFrame, ev: pd.DataFrame, retired: set[str]):
    """Apply one correction; returns (incidents, evidence, record)."""
    record: dict[str, Any] = {
        "id": c.id,
        "date": c.date.isoformat(),
        "action": c.action,
        "reason": c.reason,
        "status": "applied",
        "detail": "",
        "incident_ids": [],
        "retired_ids": [],
        "new_incident_id": None,
    }
    present = set(inc["incident_id"])

    def not_applicable(why: str):
        record.update(status="not applicable", detail=why)
        return inc, ev, record

    if c.action in ("retract", "fix_field", "split") and c.incident_id not in present:
        return not_applicable(f"incident {c.incident_id} is not in this build")
    if c.action == "retract":
        record.update(incident_ids=[c.incident_id], retired_ids=[c.incident_id])
        inc = inc[inc["incident_id"] != c.incident_id]
        ev = ev[ev["incident_id"] != c.incident_id]
        return inc, ev, record
    if c.action == "fix_field":
        inc = inc.copy()
        r = inc.index[inc["incident_id"] == c.incident_id][0]
        if c.field is None or c.field not in inc.columns:
            return not_applicable(f"incidents have no column {c.field!r}")
        old = inc.at[r, c.field]
        inc.at[r, c.field] = _coerce_value(c.field, c.value)
        record.update(incident_ids=[c.incident_id], detail=f"{c.field}: {old!r} -> {c.value!r}")
        return inc, ev, record
    if c.action == "merge":
        missing = [i for i in c.incident_ids if i not in present]
        if missing:
            return not_applicable(f"incident(s) {missing} not in this build")
        keep, others = c.incident_ids[0], list(c.incident_ids[1:])
        rows = inc.set_index("incident_id").loc[list(c.incident_ids)].reset_index()
        inc = inc.copy()
        r = inc.index[inc["incident_id"] == keep][0]
        for name, value in _merged_fields(rows).items():
            inc.at[r, name] = value
        inc = inc[~inc["incident_id"].isin(others)]
        ev = _move_evidence(ev, ev["incident_id"].isin(others), keep)
        inc = _recount(inc, ev, [keep])
        record.update(incident_ids=list(c.incident_ids), retired_ids=others)
        return inc, ev, record
    # split
    if c.incident_id is None:  # validation requires one; the guard above already refused None
        return not_applicable("split names no incident_id")
    new_id = split_incident_id(c.id)
    if new_id in present or new_id in retired:
        return not_applicable(f"new incident id {new_id} is already in use or retired")
    own = ev["incident_id"] == c.incident_id
    if c.evidence_ids:
        chosen = own & pd.Series(_evidence_ids(ev), index=ev.index).isin(c.evidence_ids)
    else:
        chosen = own & ev["article_id"].isin(c.articles)
    if not chosen.any():
        return not_applicable("the selection matches none of the incident's evidence")
    if chosen.sum() == own.sum():
        return not_applicable(
            "the selection is all of the incident's evidence (nothing would remain)"
        )
    row = inc[inc["incident_id"] == c.incident_id].copy()
    row["incident_id"] = new_id
    inc = pd.concat([inc, row], ignore_index=True)
    ev = _move_evidence(ev, chosen, new_id)
    inc = _recount(inc, ev, [c.incident_id, new_id])
    record.update(
        incident_ids=[c.incident_id, new_id],
        new_incident_id=new_id,
        detail=f"{int(chosen.sum())} evidence row(s) moved to {new_id}",
    )
    return inc, ev, record


def apply_corrections(
    incidents: pd.DataFrame, evidence: pd.DataFrame, corrections: list[Correction]
) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Apply corrections in (date, id) order. Returns the new frames and one record per correction
    (status 'applied' or 'not applicable' with a detail; retired_ids lists ids never to reuse)."""
    inc, ev = incidents, evidence
    records: list[dict] = []
    retired: set[str] = set()
    for c in sorted(corrections, key=lambda c: (c.date, c.id)):
        inc, ev, record = _apply_one(c, inc, ev, retired)
        retired.update(record["retired_ids"])
        records.append(record)
    if records:
        inc = inc.reset_index(drop=True)
        ev = ev.reset_index(drop=True)
        for name in ("source_count", "evidence_count"):
            if name in inc.columns:
                inc[name] = inc[name].astype("int64")
    return inc, ev, records


def retired_ids(records: list[dict]) -> set[str]:
    """Incident ids retired by applied corrections (retracted or merged away): never reuse them."""
    return {i for r in records if r["status"] == "applied" for i in r["retired_ids"]}
