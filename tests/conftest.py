"""Shared test fixtures: repository paths, one spaCy pipeline per session, one Prefect test harness."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW_DIR = ROOT / "raw"
DEVDATA = ROOT.parent / "shared" / "devdata"

# Prefect must never touch the user's home or the network during tests.
os.environ.setdefault("PREFECT_HOME", str(ROOT / ".prefect-test"))
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    return RAW_DIR


@pytest.fixture(scope="session")
def devdata() -> Path:
    if not DEVDATA.is_dir():
        pytest.skip(f"development data not found at {DEVDATA} (only present beside the repo)")
    return DEVDATA


@pytest.fixture(scope="session")
def nlp():
    """The default pipeline (trained parser + rules), loaded once per test session."""
    from flows.extract import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def blank_nlp():
    """The blank-only pipeline (regex sentences and rules, no parse), loaded once per test session."""
    from flows.extract import load_nlp

    return load_nlp(trained=False)


@pytest.fixture(scope="session")
def prefect_harness():
    """One ephemeral Prefect API for every test that runs a real flow."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
