"""The linking review queue: pairs of incidents alike enough to be one, but not linked.

Linking (`flows/link/persons.py`) lists the pairs it compared and did not join although they
share a surname of a person harmed and nothing contradicts (or a death told without a name that
could be one of several named deaths). Each release carries them as `link_review.parquet` and
`link_review.csv` (columns: `LinkReview` in schemas/tables.py), shown on the release page: the
two incidents, how far their fields agree, why they were not linked, one quote of each (as
published, after redaction) and the `dataset/corrections.yaml` entry that would merge them. A
person who confirms a pair adds that entry (with the next free correction id); corrections are
applied after linking, so a reviewed merge or split always wins. A pair whose incidents a
correction has merged or retracted leaves the queue.
"""

from __future__ import annotations

import pandas as pd

from schemas.export import columns, conform

REVIEW_FILE = "link_review"


def key_to_id(evidence_k: pd.DataFrame, evidence: pd.DataFrame) -> dict[str, str]:
    """incident_key -> incident_id, from the evidence frames before and after
    `assign_incident_ids` (which keeps the rows in order)."""
    return dict(
        zip(
            evidence_k["incident_key"].astype(str), evidence["incident_id"].astype(str), strict=True
        )
    )


def merge_entry(keep: str, other: str, date: str) -> str:
    """The corrections.yaml entry (YAML flow style) that would merge the pair."""
    return (
        f"{{id: CNNNN, date: {date}, action: merge, incident_ids: [{keep}, {other}], "
        'reason: "Reviewed link: the same incident."}'
    )


def review_table(
    review_k: pd.DataFrame,
    mapping: dict[str, str],
    incidents: pd.DataFrame,
    evidence: pd.DataFrame,
    date: str,
) -> pd.DataFrame:
    """The published review table (LinkReview) from the keyed pairs and the final tables.

    `incident_id` is the older incident of a pair (earlier first_reported, then smaller id): the
    one a merge keeps. Sorted by agreement, most alike first."""
    present = set(incidents["incident_id"].astype(str))
    first_quote: dict[str, str] = {}
    ordered = evidence.sort_values(["incident_id", "article_id", "char_start"], kind="stable")
    for iid, quote in zip(ordered["incident_id"], ordered["quote"], strict=True):
        first_quote.setdefault(str(iid), str(quote))
    when = dict(
        zip(
            incidents["incident_id"].astype(str),
            pd.to_datetime(incidents["first_reported"]).fillna(pd.Timestamp.max),
            strict=True,
        )
    )
    rows, seen = [], set()
    for ka, kb, score, reason in zip(
        review_k["incident_key"],
        review_k["other_incident_key"],
        review_k["agreement"],
        review_k["reason"],
        strict=True,
    ):
        a, b = mapping.get(str(ka)), mapping.get(str(kb))
        if a is None or b is None or a == b or a not in present or b not in present:
            continue
        a, b = sorted((a, b), key=lambda i: (when[i], i))
        if (a, b) in seen:
            continue
        seen.add((a, b))
        rows.append(
            {
                "incident_id": a,
                "other_incident_id": b,
                "agreement": float(score),
                "reason": str(reason),
                "quote": first_quote.get(a, ""),
                "other_quote": first_quote.get(b, ""),
                "merge_correction": merge_entry(a, b, date),
            }
        )
    frame = pd.DataFrame(rows, columns=[c["name"] for c in columns(REVIEW_FILE)])
    frame = frame.sort_values(
        ["agreement", "incident_id", "other_incident_id"], ascending=[False, True, True]
    ).reset_index(drop=True)
    return conform(REVIEW_FILE, frame)
