"""Pandera models of the published tables and everything generated from them.

The names below are loaded on first use (PEP 562), so that `schemas.vocab` (the closed
vocabularies, plain YAML) can be imported by extraction workers without loading pandas and
pandera."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from schemas.checks import ReleaseInvalid, ValidationReport, assert_valid, validate_tables
    from schemas.tables import TABLES, Articles, Evidence, Incidents

_HOME = {
    "TABLES": "schemas.tables",
    "Articles": "schemas.tables",
    "Evidence": "schemas.tables",
    "Incidents": "schemas.tables",
    "ReleaseInvalid": "schemas.checks",
    "ValidationReport": "schemas.checks",
    "assert_valid": "schemas.checks",
    "validate_tables": "schemas.checks",
}

__all__ = [
    "TABLES",
    "Articles",
    "Evidence",
    "Incidents",
    "ReleaseInvalid",
    "ValidationReport",
    "assert_valid",
    "validate_tables",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'schemas' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOME[name]), name)
