"""Runtime settings: where things live, and a Prefect that stays offline and out of the user's home."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RAW_DIR = ROOT / "raw"
DATASET_DIR = ROOT / "dataset"
CACHE_DIR = ROOT / ".cache"
CORRECTIONS_PATH = DATASET_DIR / "corrections.yaml"
EVALUATION_PATH = ROOT / "docs" / "evaluation.json"

# Defaults only: anything the user set explicitly wins.
PREFECT_DEFAULTS = {
    # Prefect's database, logs and profiles inside the project, not ~/.prefect.
    "PREFECT_HOME": str(ROOT / ".prefect"),
    # No telemetry or analytics: the build makes no network connection.
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
    "PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS": "false",
    "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
    # The embedded (ephemeral) API needs more than the default 20 s on a busy 2-core machine.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "PREFECT_LOGGING_LOG_PRINTS": "true",
}


def configure_prefect() -> None:
    """Apply the offline defaults; must run before `prefect` is imported."""
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
