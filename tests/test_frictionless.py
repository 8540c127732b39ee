"""The real `frictionless` package validates every committed release, foreign keys included."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from frictionless import validate

DATASET = Path(__file__).resolve().parents[1] / "dataset"


def _versions() -> list[str]:
    index = json.loads((DATASET / "index.json").read_text(encoding="utf-8"))
    return [r["version"] for r in index["releases"]]


@pytest.mark.parametrize("version", _versions())
def test_committed_release_is_a_valid_data_package(version: str):
    report = validate(str(DATASET / version / "datapackage.json"))
    errors = [f"{t.name}: {e.type}: {e.note}" for t in report.tasks for e in t.errors]
    assert report.valid, errors
    assert {t.name for t in report.tasks} == {"incidents", "evidence", "articles"}


def test_foreign_keys_are_checked(tmp_path: Path):
    latest = _versions()[-1]
    copy = tmp_path / latest
    shutil.copytree(DATASET / latest, copy)
    evidence = (copy / "evidence.csv").read_text(encoding="utf-8")
    header, first, *rest = evidence.splitlines(keepends=True)
    aid = first.split(",")[2]
    assert aid.startswith("art_")
    broken = first.replace(aid, "art_ffffffffffffffff", 1)
    (copy / "evidence.csv").write_text(header + broken + "".join(rest), encoding="utf-8")
    report = validate(str(copy / "datapackage.json"))
    assert not report.valid
    assert "foreign-key" in {e.type for t in report.tasks for e in t.errors}
