"""`load_release`: the tables of a release as DataFrames, only after their checksums verify."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from flows.api import ChecksumError, load_release
from schemas.checks import validate_tables

DATASET = Path(__file__).resolve().parents[1] / "dataset"


def test_latest_release_loads_as_valid_frames():
    tables = load_release("latest", DATASET)
    assert set(tables) == {"incidents", "evidence", "articles"}
    assert validate_tables(tables).ok
    assert isinstance(tables["incidents"].loc[0, "categories"], list)


def test_a_corrupted_file_is_refused(tmp_path: Path):
    shutil.copytree(DATASET, tmp_path / "dataset")
    latest = (tmp_path / "dataset" / "index.json").read_text()
    version = json.loads(latest)["latest"]
    target = tmp_path / "dataset" / version / "incidents.parquet"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(ChecksumError, match="incidents.parquet"):
        load_release("latest", tmp_path / "dataset")


def test_unknown_version_is_a_clear_error():
    with pytest.raises(FileNotFoundError, match="no release '9.9.9'"):
        load_release("9.9.9", DATASET)
