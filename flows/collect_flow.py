"""Prefect flow wrapping collect_sources, for `pmd collect` and the scheduled deployment."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger

from flows.collect.collect import collect_sources
from flows.collect.report import render_plain
from flows.collect.sources import DEFAULT_SOURCES_PATH


def _logger():
    try:
        return get_run_logger()
    except Exception:  # noqa: BLE001 - called via .fn() outside a run
        import logging

        return logging.getLogger("flows.collect")


@flow(name="collect", log_prints=False)
def collect_flow(sources_path: Path = DEFAULT_SOURCES_PATH, raw_dir: Path = Path("raw")) -> dict:
    """Collect new items of every source into raw_dir/collected/.

    Returns `CollectReport.to_dict()` plus `text`, the plain rendered report (print that).

    Retries live in the fetch loop (5xx and timeouts only, with backoff), so the flow itself is
    not retried: a rerun is cheap anyway because the state file makes it idempotent.
    """
    report = collect_sources(Path(sources_path), Path(raw_dir))
    logger = _logger()
    for line in render_plain(report).splitlines():
        logger.info(line)
    return report.to_dict() | {"text": render_plain(report)}
