"""Deterministic identifiers shared by stages: evidence ids and ids of incidents created by a split."""

from __future__ import annotations

import hashlib
from typing import Any


def _hex(text: str, digits: int) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:digits]


def evidence_id(incident_id: str, article_id: str, char_start: int, char_end: int) -> str:
    """'ev_' + 16 hex digits of sha256("incident_id|article_id|char_start|char_end")."""
    return "ev_" + _hex(f"{incident_id}|{article_id}|{int(char_start)}|{int(char_end)}", 16)


def evidence_ids(evidence: Any) -> list[str]:
    """evidence_id for every row of a frame with incident_id, article_id, char_start, char_end."""
    return [
        evidence_id(i, a, s, e)
        for i, a, s, e in zip(
            evidence["incident_id"],
            evidence["article_id"],
            evidence["char_start"],
            evidence["char_end"],
            strict=True,
        )
    ]


def split_incident_id(correction_id: str) -> str:
    """Id of the new incident created by a split correction: 'inc_' + sha256("split:"+id)[:12]."""
    return "inc_" + _hex(f"split:{correction_id}", 12)
