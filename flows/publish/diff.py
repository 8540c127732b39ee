"""What changed between two releases' tables: incidents, articles and evidence added, removed, changed."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from schemas.export import columns


@dataclass
class Changes:
    incidents_added: list[str] = field(default_factory=list)
    incidents_removed: list[str] = field(default_factory=list)
    incidents_changed: list[dict[str, Any]] = field(default_factory=list)
    articles_added: list[str] = field(default_factory=list)
    articles_removed: list[str] = field(default_factory=list)
    articles_changed: list[str] = field(default_factory=list)
    evidence_added: int = 0
    evidence_removed: int = 0
    evidence_changed: list[str] = field(default_factory=list)
    # column -> how many rows of the table changed in it (the changelog names what changed, e.g.
    # the evidence rows' classifier_score after a retrained classifier)
    articles_columns_changed: dict[str, int] = field(default_factory=dict)
    evidence_columns_changed: dict[str, int] = field(default_factory=dict)
    # removed incident id -> the incident that now holds its evidence (merged by linking or a
    # correction): where a user holding the retired id finds its incident
    incidents_merged: dict[str, str] = field(default_factory=dict)
    # the linking review queue (link_review) differs from the previous release's, or that release
    # has none: a PATCH release even when the tables are equal
    link_review_changed: bool = False

    @property
    def is_empty(self) -> bool:
        return not (
            self.link_review_changed
            or self.incidents_added
            or self.incidents_removed
            or self.incidents_changed
            or self.articles_added
            or self.articles_removed
            or self.articles_changed
            or self.evidence_added
            or self.evidence_removed
            or self.evidence_changed
        )

    @property
    def has_new_records(self) -> bool:
        return bool(self.incidents_added or self.articles_added)

    def counts(self) -> dict[str, int]:
        return {
            "incidents_added": len(self.incidents_added),
            "incidents_removed": len(self.incidents_removed),
            "incidents_changed": len(self.incidents_changed),
            "articles_added": len(self.articles_added),
            "articles_removed": len(self.articles_removed),
            "articles_changed": len(self.articles_changed),
            "evidence_added": self.evidence_added,
            "evidence_removed": self.evidence_removed,
            "evidence_changed": len(self.evidence_changed),
        }

    def to_json_dict(self) -> dict[str, Any]:
        return {"counts": self.counts(), **asdict(self)}

    @classmethod
    def from_json_dict(cls, data: dict[str, Any]) -> Changes:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def json_value(v: Any) -> Any:
    """A JSON-safe, comparable form of a cell: None for missing, ISO dates, plain lists and ints."""
    if isinstance(v, (list, tuple, np.ndarray)):
        return [json_value(x) for x in v]
    if v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    if isinstance(v, np.floating):
        return float(v)
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


def _comparable(s: pd.Series, arrow: str) -> pd.Series:
    """Vectorised canonical string form of a column, so two columns compare with `!=`."""
    if arrow == "date32":
        d = pd.to_datetime(s)
        return d.dt.strftime("%Y-%m-%d").where(d.notna(), "\x00")
    if arrow == "list<string>":
        return s.map(
            lambda v: (
                json.dumps([str(x) for x in v])
                if v is not None and not isinstance(v, float)
                else "[]"
            )
        )
    if arrow == "int64":
        return s.astype("int64").astype(str)
    if arrow == "float64":
        num = pd.to_numeric(s, errors="coerce").astype("float64")
        return num.map(lambda v: "\x00" if v != v else f"{v:.4f}")
    if arrow == "bool":
        return s.astype(bool).astype(str)
    return s.astype(object).where(s.notna(), "\x00").astype(str)


def _changed_rows(table: str, old: pd.DataFrame, new: pd.DataFrame, key: str) -> pd.DataFrame:
    """Boolean frame (index = common keys, one column per table column) of cells that differ."""
    common = new[key][new[key].isin(set(old[key]))]
    o = old.set_index(key).loc[common]
    n = new.set_index(key).loc[common]
    flags = {}
    for c in columns(table):
        name = c["name"]
        if name == key:
            continue
        # A column the previous release's schema did not have compares as empty there.
        before = o[name] if name in o.columns else pd.Series([None] * len(o), index=o.index)
        flags[name] = (
            _comparable(before, c["arrow"]).to_numpy()
            != _comparable(n[name], c["arrow"]).to_numpy()
        )
    return pd.DataFrame(flags, index=pd.Index(common.to_numpy(), name=key))


def _incident_changes(old: pd.DataFrame, new: pd.DataFrame) -> list[dict[str, Any]]:
    flags = _changed_rows("incidents", old, new, "incident_id")
    rows = flags[flags.any(axis=1)]
    if rows.empty:
        return []
    o = old.set_index("incident_id")
    n = new.set_index("incident_id")
    out = []

    def before(iid, col):
        return json_value(o.at[iid, col]) if col in o.columns else None

    for iid, mask in rows.iterrows():  # only rows that changed: small
        fields = {
            col: {"old": before(iid, col), "new": json_value(n.at[iid, col])}
            for col in mask.index[mask.to_numpy()]
        }
        out.append({"incident_id": str(iid), "fields": fields})
    return sorted(out, key=lambda d: d["incident_id"])


def _column_counts(flags: pd.DataFrame) -> dict[str, int]:
    """How many rows changed in each column that changed at all."""
    counts = flags.sum(axis=0)
    return {str(col): int(n) for col, n in counts.items() if n}


def diff_tables(previous: dict[str, pd.DataFrame] | None, new: dict[str, pd.DataFrame]) -> Changes:
    """Compare a release's tables with the previous release's (None: everything is added)."""
    if previous is None:
        return Changes(
            incidents_added=sorted(map(str, new["incidents"]["incident_id"])),
            articles_added=sorted(map(str, new["articles"]["article_id"])),
            evidence_added=int(new["evidence"]["evidence_id"].nunique()),
        )
    pi, ni = set(previous["incidents"]["incident_id"]), set(new["incidents"]["incident_id"])
    pa_, na_ = set(previous["articles"]["article_id"]), set(new["articles"]["article_id"])
    pe, ne = set(previous["evidence"]["evidence_id"]), set(new["evidence"]["evidence_id"])
    art_flags = _changed_rows("articles", previous["articles"], new["articles"], "article_id")
    ev_flags = _changed_rows("evidence", previous["evidence"], new["evidence"], "evidence_id")
    return Changes(
        incidents_added=sorted(map(str, ni - pi)),
        incidents_removed=sorted(map(str, pi - ni)),
        incidents_changed=_incident_changes(previous["incidents"], new["incidents"]),
        articles_added=sorted(map(str, na_ - pa_)),
        articles_removed=sorted(map(str, pa_ - na_)),
        articles_changed=sorted(map(str, art_flags.index[art_flags.any(axis=1)])),
        evidence_added=len(ne - pe),
        evidence_removed=len(pe - ne),
        evidence_changed=sorted(map(str, ev_flags.index[ev_flags.any(axis=1)])),
        articles_columns_changed=_column_counts(art_flags),
        evidence_columns_changed=_column_counts(ev_flags),
        incidents_merged=merged_into(previous["evidence"], new["evidence"], pi - ni),
    )


def merged_into(
    previous_evidence: pd.DataFrame, new_evidence: pd.DataFrame, removed: set[str]
) -> dict[str, str]:
    """For each removed incident whose evidence sentences now belong to a surviving incident, that
    incident (the one holding most of them; ties: the smallest id)."""
    if not removed:
        return {}
    key = ["article_id", "char_start", "char_end"]
    old = previous_evidence[previous_evidence["incident_id"].isin(removed)][["incident_id", *key]]
    new = new_evidence[["incident_id", *key]].rename(columns={"incident_id": "into"})
    joined = old.merge(new, on=key, how="inner")
    if joined.empty:
        return {}
    counts = joined.groupby(["incident_id", "into"]).size().rename("n").reset_index()
    counts = counts.sort_values(["incident_id", "n", "into"], ascending=[True, False, True])
    first = counts.drop_duplicates("incident_id")
    return {str(a): str(b) for a, b in zip(first["incident_id"], first["into"], strict=True)}


diff_releases = diff_tables
