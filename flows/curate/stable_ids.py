"""Stable incident ids across releases: reuse by shared evidence, fresh hashed ids, never reuse retired ids."""

from __future__ import annotations

import hashlib

import pandas as pd

from flows.core import ids as flows_ids

EVIDENCE_KEY = ["article_id", "char_start", "char_end"]


def hashed_incident_id(incident_key: str, taken: set[str]) -> str:
    """'inc_' + sha256(key)[:12]; rehashed with '#1', '#2'... suffixes while the id is taken."""
    n = 0
    while True:
        seed = incident_key if n == 0 else f"{incident_key}#{n}"
        iid = "inc_" + hashlib.sha256(seed.encode("utf-8")).hexdigest()[:12]
        if iid not in taken:
            return iid
        n += 1


def evidence_ids(evidence: pd.DataFrame) -> pd.Series:
    """'ev_' + 16 hex of sha256('incident_id|article_id|char_start|char_end') for each evidence row."""
    return pd.Series(flows_ids.evidence_ids(evidence), index=evidence.index, dtype=object)


def _claims(evidence_k: pd.DataFrame, previous_evidence: pd.DataFrame) -> pd.DataFrame:
    """(incident_key, incident_id, shared) for every new incident sharing evidence sentences with an old one."""
    new = evidence_k[["incident_key", *EVIDENCE_KEY]].drop_duplicates()
    old = previous_evidence[["incident_id", *EVIDENCE_KEY]].drop_duplicates()
    for frame in (new, old):
        frame["char_start"] = frame["char_start"].astype("int64")
        frame["char_end"] = frame["char_end"].astype("int64")
        frame["article_id"] = frame["article_id"].astype(str)
    joined = new.merge(old, on=EVIDENCE_KEY, how="inner")
    if joined.empty:
        return pd.DataFrame(columns=["incident_key", "incident_id", "shared"])
    claims = joined.groupby(["incident_key", "incident_id"]).size().rename("shared").reset_index()
    # Most shared evidence first; ties broken by old id then new key (both total orders).
    return claims.sort_values(
        ["shared", "incident_id", "incident_key"], ascending=[False, True, True], kind="mergesort"
    )


def match_previous_ids(
    evidence_k: pd.DataFrame,
    previous_evidence: pd.DataFrame | None,
    first_reported: pd.Series | None = None,
) -> dict[str, str]:
    """incident_key -> previous incident_id, one-to-one, greedily by most shared evidence.

    With `first_reported` (previous incident id -> its first_reported date), an incident that now
    holds the evidence of several previous ones (merged by linking) keeps the oldest of their ids:
    the earliest first reported, then the one sharing most evidence."""
    if previous_evidence is None or previous_evidence.empty or evidence_k.empty:
        return {}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    claims = _claims(evidence_k, previous_evidence)
    if first_reported is not None and not claims.empty:
        when = pd.to_datetime(claims["incident_id"].map(first_reported))
        claims = claims.assign(_when=when.fillna(pd.Timestamp.max)).sort_values(
            ["_when", "shared", "incident_id", "incident_key"],
            ascending=[True, False, True, True],
            kind="mergesort",
        )
    for key, iid in zip(claims["incident_key"], claims["incident_id"], strict=True):
        if key in mapping or iid in used:
            continue
        mapping[key] = iid
        used.add(iid)
    return mapping


def _replace_key(df: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    out = df.copy()
    pos = list(out.columns).index("incident_key")
    out = out.drop(columns=["incident_key"])
    out.insert(pos, "incident_id", ids.astype(object).to_numpy())
    return out


def assign_incident_ids(
    incidents_k: pd.DataFrame,
    evidence_k: pd.DataFrame,
    previous,  # Release | None (kept untyped to avoid an import cycle)
    never_reuse: set[str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Replace `incident_key` with stable 'inc_' ids in both frames (see docs/architecture.md).

    An incident sharing any evidence sentence (article_id, char_start, char_end) with an incident
    of `previous` keeps that incident's id; when several claim one id, the one sharing most
    evidence wins (ties: smallest incident_key); an incident holding the evidence of several
    previous incidents (merged) keeps the oldest id (earliest first_reported); the others are
    retired, and the release's changes.json points each to it (`incidents_merged`). Every other incident gets
    'inc_' + sha256(incident_key)[:12], rehashed with a counter while the id is in `never_reuse`,
    belongs to the previous release or is already taken. Deterministic for equal inputs.
    """
    for name, frame in (("incidents", incidents_k), ("evidence", evidence_k)):
        if "incident_key" not in frame.columns:
            raise ValueError(f"{name} frame has no incident_key column")
    keys = incidents_k["incident_key"].astype(str)
    dupes = keys[keys.duplicated()]
    if not dupes.empty:
        raise ValueError(f"duplicate incident_key in incidents: {sorted(set(dupes))[:5]}")
    unknown = set(evidence_k["incident_key"].astype(str)) - set(keys)
    if unknown:
        raise ValueError(f"evidence refers to unknown incident_key: {sorted(unknown)[:5]}")

    prev_ev = previous.tables["evidence"] if previous is not None else None
    prev_inc = previous.tables["incidents"] if previous is not None else None
    prev_ids = set(prev_inc["incident_id"]) if prev_inc is not None else set()
    when = (
        prev_inc.set_index("incident_id")["first_reported"]
        if prev_inc is not None and "first_reported" in prev_inc.columns
        else None
    )
    mapping = match_previous_ids(
        evidence_k.assign(incident_key=evidence_k["incident_key"].astype(str)), prev_ev, when
    )

    taken = set(never_reuse) | prev_ids | set(mapping.values())
    for key in sorted(set(keys) - set(mapping)):
        iid = hashed_incident_id(key, taken)
        mapping[key] = iid
        taken.add(iid)

    incidents = _replace_key(incidents_k, keys.map(mapping))
    evidence = _replace_key(evidence_k, evidence_k["incident_key"].astype(str).map(mapping))
    return incidents, evidence
