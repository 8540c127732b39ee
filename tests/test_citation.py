"""Licences and citation metadata are present and agree with the data package."""

from __future__ import annotations

from pathlib import Path

import yaml

from schemas.export import DATA_LICENSE, datapackage


def test_citation_cff_is_well_formed(root: Path):
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert cff["title"] and cff["authors"] and cff["type"] == "dataset"
    assert cff["license"] == DATA_LICENSE["name"]


def test_code_licence_and_data_licence(root: Path):
    assert "MIT License" in (root / "LICENSE").read_text(encoding="utf-8")
    package = datapackage("1.2.3", "2026-01-01T00:00:00+00:00")
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["version"] == "1.2.3" and package["created"].startswith("2026-01-01")
