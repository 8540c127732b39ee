"""How many extraction worker processes a build starts: every core by default, bounded by memory."""

from __future__ import annotations

from typer.testing import CliRunner

from flows.cli import app
from flows.runtime import batch
from flows.runtime.batch import (
    FLOW_BASE_BYTES,
    FLOW_BYTES_PER_FILE,
    MIN_FILES_PER_WORKER,
    WORKER_BYTES,
    available_memory,
    usable_cpus,
    worker_count,
)

GIB = 1 << 30
PLENTY = 1 << 40


def test_default_is_one_worker_per_core_not_two():
    assert worker_count(None, cpus=16, available=PLENTY) == 16
    assert worker_count(0, cpus=16, available=PLENTY) == 16
    assert worker_count(0, cpus=64, available=PLENTY) == 64
    assert worker_count(0, cpus=1, available=PLENTY) == 1


def test_memory_bounds_the_default():
    # 4 GiB free: the flow's share (640 MiB) set aside, 320 MiB per worker -> 10 of 16 cores.
    assert (
        worker_count(0, cpus=16, available=4 * GIB) == (4 * GIB - FLOW_BASE_BYTES) // WORKER_BYTES
    )
    assert worker_count(0, cpus=16, available=4 * GIB) == 10
    # The flow's share grows with the corpus (results held per file).
    files = 100_000
    budget = 4 * GIB - FLOW_BASE_BYTES - files * FLOW_BYTES_PER_FILE
    assert worker_count(0, files=files, cpus=16, available=4 * GIB) == budget // WORKER_BYTES == 8
    # Too little memory for even one worker: still one (the build must run).
    assert worker_count(0, cpus=16, available=256 << 20) == 1
    assert worker_count(0, cpus=16, available=0) == 1


def test_small_batches_do_not_start_a_worker_per_core():
    assert worker_count(0, files=10, cpus=16, available=PLENTY) == 1
    assert worker_count(0, files=3 * MIN_FILES_PER_WORKER, cpus=16, available=PLENTY) == 3
    assert worker_count(0, files=100_000, cpus=16, available=PLENTY) == 16


def test_an_explicit_count_is_used_as_given():
    assert worker_count(3, cpus=16, available=0) == 3
    assert worker_count(32, cpus=2, available=PLENTY) == 32


def test_unknown_memory_leaves_the_cores_as_the_bound():
    assert worker_count(0, cpus=12, available=None) == 12


def test_this_machine_is_measured(monkeypatch):
    assert usable_cpus() >= 1
    free = available_memory()
    assert free is None or free > 0
    monkeypatch.setattr(batch, "usable_cpus", lambda: 8)
    monkeypatch.setattr(batch, "available_memory", lambda: PLENTY)
    assert worker_count() == 8 and worker_count(0, files=10_000) == 8


def test_cgroup_limit_lowers_available_memory(monkeypatch, tmp_path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal: 67108864 kB\nMemAvailable: 62914560 kB\n")
    limit, usage = tmp_path / "memory.max", tmp_path / "memory.current"
    limit.write_text(str(3 * GIB) + "\n")
    usage.write_text(str(1 * GIB) + "\n")
    real = batch.Path

    def fake_path(p):
        mapping = {
            "/proc/meminfo": meminfo,
            "/sys/fs/cgroup/memory.max": limit,
            "/sys/fs/cgroup/memory.current": usage,
        }
        return real(mapping.get(str(p), tmp_path / "absent"))

    monkeypatch.setattr(batch, "Path", fake_path)
    assert available_memory() == 2 * GIB
    limit.write_text("max\n")  # no limit: MemAvailable alone
    assert available_memory() == 62914560 * 1024


def test_build_help_describes_the_default():
    result = CliRunner().invoke(app, ["build", "--help"])
    assert "one per core" in result.output and "max 2" not in result.output


def test_workers_are_replaced_after_their_share_of_batches(tmp_path):
    """A worker's memory grows while it extracts; the runner starts fresh workers after
    `tasks_per_worker` batches, so a long build's workers stay small, and the results are the
    same."""
    from flows.runtime.batch import TASKS_PER_WORKER, BatchRunner

    assert TASKS_PER_WORKER >= 1
    for i in range(4):
        (tmp_path / f"a{i}.txt").write_text(
            f"Officers punched a man in the street in case {i}.", encoding="utf-8"
        )
    files = sorted(p.name for p in tmp_path.iterdir())
    runner = BatchRunner(processes=2, trained=False, tasks_per_worker=2)
    try:
        first = runner.run(files, tmp_path)
        pool = runner._pool
        runner.run(files, tmp_path)
        assert runner._pool is None  # two batches: the workers were let go
        third = runner.run(files, tmp_path)
        assert runner._pool is not None and runner._pool is not pool  # fresh workers
    finally:
        runner.close()
    assert [r.rel_path for r in first] == files
    assert [r.rel_path for r in third] == files


def test_an_extraction_worker_loads_no_data_frame_library():
    """A worker process ingests and extracts files without pandas, pandera or pyarrow (about
    140 MiB less per worker): extraction asks linking only for its plain-Python grouping
    (flows/link/groups.py). Run in a fresh interpreter on a sample article of raw/."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    script = (
        "import sys\n"
        "from flows.runtime.batch import process_files\n"
        "name = sorted(p.name for p in __import__('pathlib').Path('raw').glob('*.txt'))[0]\n"
        "results = process_files([name], 'raw')\n"
        "found = sum(len(x.mentions) for r in results for x in r.extractions)\n"
        "print(found, *[m in sys.modules for m in ('pandas', 'pandera', 'pyarrow')])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True
    ).stdout.split()
    assert int(out[0]) > 0  # the article's incidents were found
    assert out[1:] == ["False", "False", "False"]
