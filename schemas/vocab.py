"""Closed vocabularies (categories, outcomes, statuses) loaded from the YAML files beside this module."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

VOCAB_DIR = Path(__file__).parent / "vocabularies"

ARTICLE_STATUSES = ("incidents_found", "no_incident", "duplicate", "quarantined")
DATE_SOURCES = ("metadata", "inferred", "unknown")
DATE_PRECISIONS = ("day", "month", "year", "unknown")
ALLEGATION_STATUSES = ("alleged", "established", "unknown")

# Why a pair of incidents is in the linking review queue (flows/link/persons.py)
REVIEW_REASONS: tuple[str, ...] = (
    "surname_only_far_apart",
    "surname_only_other_act",
    "full_name_far_apart",
    "unnamed_death_ambiguous",
)


@cache
def load_vocabulary(name: str) -> dict[str, Any]:
    """Load and validate one vocabulary file: a versioned name and unique, described codes."""
    path = VOCAB_DIR / f"{name}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not str(data.get("name", "")).startswith(f"{name}.v"):
        raise ValueError(f"{path}: expected a mapping with a versioned name '{name}.vN'")
    values = data.get("values")
    if not isinstance(values, list) or not values:
        raise ValueError(f"{path}: 'values' must be a non-empty list")
    codes = [v.get("code") for v in values]
    if len(set(codes)) != len(codes) or not all(isinstance(c, str) and c for c in codes):
        raise ValueError(f"{path}: codes must be unique non-empty strings")
    for v in values:
        if not v.get("description"):
            raise ValueError(f"{path}: code {v['code']!r} has no description")
    return data


def codes(name: str) -> tuple[str, ...]:
    """The allowed codes of a vocabulary, in file order."""
    return tuple(v["code"] for v in load_vocabulary(name)["values"])


def descriptions(name: str) -> dict[str, str]:
    return {v["code"]: v["description"] for v in load_vocabulary(name)["values"]}


def outcome_rank(code: str | None) -> int:
    """Rank of an outcome code (higher = more advanced stage); unknown or None ranks 0."""
    for v in load_vocabulary("outcomes")["values"]:
        if v["code"] == code:
            return int(v["rank"])
    return 0


CATEGORIES = codes("categories")
OUTCOMES = codes("outcomes")
