"""Pandera models of the published tables and everything generated from them."""

from schemas.checks import ReleaseInvalid, ValidationReport, assert_valid, validate_tables
from schemas.tables import TABLES, Articles, Evidence, Incidents

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
