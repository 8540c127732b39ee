"""The scheduled deployment: collect new articles (optional), then build the dataset, on a cron."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow

from flows.core import settings
from flows.pipeline import build_dataset

DEFAULT_CRON = "0 6 * * *"  # every day at 06:00 (server time)
DEPLOYMENT_NAME = "scheduled-build"


@flow(name="scheduled_update", log_prints=True)
def scheduled_update(
    raw_dir: Path = settings.RAW_DIR,
    dataset_dir: Path = settings.DATASET_DIR,
    collect: bool = True,
    sources_path: Path | None = None,
    cache_dir: Path | None = settings.CACHE_DIR,
) -> dict[str, Any]:
    """Collect from the configured feeds into raw/collected/, then run build_dataset.

    `cache_dir` holds the per-file result cache (None: extract every file on every run)."""
    report = None
    if collect:
        from flows.collect_flow import collect_flow

        kwargs: dict[str, Any] = {"raw_dir": Path(raw_dir)}
        if sources_path is not None:
            kwargs["sources_path"] = Path(sources_path)
        report = collect_flow(**kwargs)
    summary = build_dataset(
        raw_dir=Path(raw_dir),
        dataset_dir=Path(dataset_dir),
        cache_dir=Path(cache_dir) if cache_dir is not None else None,
    )
    return {"collect": report.get("text") if isinstance(report, dict) else None, "build": summary}


def make_deployment(cron: str = DEFAULT_CRON, collect: bool = True, name: str = DEPLOYMENT_NAME):
    """A RunnerDeployment of scheduled_update with a cron schedule (serve it or apply it)."""
    return scheduled_update.to_deployment(
        name=name,
        cron=cron,
        parameters={"collect": collect},
        description="Collect new police news (optional) and rebuild the dataset release.",
        tags=["police-misconduct-data"],
    )
