"""Short, neutral incident titles generated from the extracted fields (never from free text)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from schemas.vocab import load_vocabulary

_LABELS = {v["code"]: v.get("label", v["code"]) for v in load_vocabulary("categories")["values"]}
# Most specific first: the title names the most telling category.
_PRIORITY = (
    "death_following_police_contact",
    "strip_search",
    "sexual_violence_or_harassment",
    "domestic_abuse",
    "excessive_force",
    "criminal_offence_by_officer",
    "discriminatory_conduct",
    "privacy_or_dignity_violation",
    "dishonesty",
    "protest_policing",
    "investigative_failure",
    "institutional_failure",
    "other_misconduct",
)


def _date_label(row: dict[str, Any]) -> str | None:
    start = row.get("date_start")
    if start is None or pd.isna(start):
        return None
    start = pd.Timestamp(start)
    precision = row.get("date_precision")
    if precision == "day":
        return f"{start.day} {start:%B %Y}"
    if precision == "month":
        return f"{start:%B %Y}"
    return f"{start.year}"


def incident_title(row: dict[str, Any]) -> str:
    """E.g. 'Strip search involving Child Q (Metropolitan Police Service, 2020)'."""
    cats = list(row.get("categories") or [])
    primary = next((c for c in _PRIORITY if c in cats), cats[0] if cats else "other_misconduct")
    title = _LABELS.get(primary, primary)
    subjects = list(row.get("subjects") or [])
    if subjects:
        named = ", ".join(subjects[:2]) + (" and others" if len(subjects) > 2 else "")
        title += f" involving {named}"
    details = []
    forces = list(row.get("police_forces") or [])
    if forces:
        details.append(forces[0] if len(forces) == 1 else f"{forces[0]} and others")
    date = _date_label(row)
    if date:
        details.append(date)
    if details:
        title += f" ({', '.join(details)})"
    return title
