"""Semantic versions of releases: MAJOR on schema change, MINOR on new records, PATCH on corrections."""

from __future__ import annotations

import re

SEMVER_RE = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


def parse_version(version: str) -> tuple[int, int, int]:
    m = SEMVER_RE.match(version)
    if not m:
        raise ValueError(f"not a MAJOR.MINOR.PATCH version: {version!r}")
    return int(m[1]), int(m[2]), int(m[3])


def is_version(name: str) -> bool:
    return bool(SEMVER_RE.match(name))


def next_version(previous, new_fingerprint: str, changes) -> str | None:
    """The version of the next release, or None when nothing changed.

    previous: Release | None; changes: Changes. First release 1.0.0; MAJOR when the schema
    fingerprint differs from the previous release's; MINOR when incidents or articles were added;
    PATCH for anything else that changed (corrections, removals, changed fields or evidence).
    """
    if previous is None:
        return "1.0.0"
    major, minor, patch = parse_version(previous.version)
    if new_fingerprint != previous.fingerprint:
        return f"{major + 1}.0.0"
    if changes.is_empty:
        return None
    if changes.has_new_records:
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"
