"""Scale-out: the real build_dataset flow on Prefect's Dask task runner against a local Dask cluster."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from flows.api import load_release
from schemas.checks import validate_tables

distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed")
prefect_dask = pytest.importorskip("prefect_dask", reason="prefect-dask is not installed")


@pytest.fixture
def cluster(prefect_harness):
    """A one-worker local cluster whose workers report to the test's Prefect API.

    Without PREFECT_API_URL each Dask worker would start an ephemeral Prefect server of its own."""
    from prefect.settings import PREFECT_API_URL

    previous = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = PREFECT_API_URL.value()
    try:
        with distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            yield cluster
    finally:
        if previous is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = previous


def test_build_runs_on_a_dask_cluster(
    cluster, raw_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import flows.pipeline
    from flows.pipeline import build_dataset

    # A runner asking for worker processes even for 5 files: inside the (daemonic) Dask worker
    # it must run inline instead of failing to start a pool.
    monkeypatch.setattr(flows.pipeline, "INLINE_BELOW_FILES", 1)

    shutil.copytree(raw_dir, tmp_path / "raw")
    runner = prefect_dask.DaskTaskRunner(address=cluster.scheduler_address)
    summary = build_dataset.with_options(task_runner=runner)(
        raw_dir=tmp_path / "raw",
        dataset_dir=tmp_path / "dataset",
        cache_dir=tmp_path / ".cache",
        processes=2,
        batch_size=2,  # several ingest_and_extract tasks, all on the cluster
        created_at="2026-01-01T00:00:00+00:00",
    )
    assert summary["release"] == "1.0.0"
    assert summary["extracted_files"] == 5 and summary["cached_files"] == 0
    tables = load_release("1.0.0", tmp_path / "dataset")
    report = validate_tables(tables)
    assert report.ok, str(report)
    assert len(tables["articles"]) == 5
    assert len(tables["incidents"]) == summary["incidents"] > 0

    # The tasks really ran in the Dask worker: it loaded the spaCy pipeline there.
    loaded = cluster_client_call(cluster, _nlp_loaded_in_worker)
    assert loaded == [True]


def _nlp_loaded_in_worker() -> bool:
    import flows.runtime.batch

    return flows.runtime.batch._NLP is not None


def cluster_client_call(cluster, fn) -> list:
    with distributed.Client(cluster) as client:
        return list(client.run(fn).values())
