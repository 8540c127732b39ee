"""SIGKILL a real publishing process at many moments: dataset/ always stays valid and recovers.

A long-lived helper process (`sys.executable -c`) imports the stack once, then forks one
publisher process per run; the test SIGKILLs that publisher after a chosen delay. Forking keeps
25 kills affordable (importing pandas/pandera takes seconds) while every publisher is a real,
separate process killed without any chance to clean up.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from publish_fixtures import DOCS, INCIDENTS, Doc, Inc, build_tables

from flows.publish import (
    diff_tables,
    load_latest_release,
    read_index,
    recover_dataset_dir,
    verify_dataset,
    verify_release,
    write_release,
)
from flows.publish.version import is_version

REPO = Path(__file__).resolve().parents[1]
SLOWDOWN = "0.015"
RUNS = 25
CREATED = "2024-08-01T00:00:00Z"
HELPER = """
import os, pickle, sys
sys.path.insert(0, sys.argv[1])
from flows.publish import write_release
from schemas.checks import validate_tables
tables, changes = pickle.load(open(sys.argv[2], "rb"))
validate_tables(tables)  # warm up pandera's lazy imports before forking

def extras(staging, tables, context):
    (staging / "README.md").write_text("# Release " + context["version"] + "\\n", encoding="utf-8")

print("READY", flush=True)
for line in sys.stdin:
    dataset = line.strip()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            write_release(dataset, "1.1.0", tables, changes, created_at=sys.argv[3], extras=extras)
        except BaseException as exc:
            print("ERROR", repr(exc), file=sys.stderr, flush=True)
            code = 1
        os._exit(code)
    print("PID", pid, flush=True)
    _, status = os.waitpid(pid, 0)
    print("EXIT", status, flush=True)
"""

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]


class Publisher:
    """Drives the helper: one forked write_release per call, optionally SIGKILLed after a delay."""

    def __init__(self, job: Path):
        env = {**os.environ, "PMD_PUBLISH_SLOWDOWN": SLOWDOWN}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HELPER, str(REPO), str(job), CREATED],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        assert self._line() == ["READY"]

    def _line(self) -> list[str]:
        line = self.proc.stdout.readline()
        assert line, f"helper died (exit {self.proc.poll()})"
        return line.split()

    def run(self, dataset: Path, kill_after: float | None = None) -> tuple[float, int]:
        self.proc.stdin.write(f"{dataset}\n")
        self.proc.stdin.flush()
        tag, pid = self._line()
        assert tag == "PID"
        start = time.monotonic()
        if kill_after is not None:
            time.sleep(kill_after)
            with contextlib.suppress(ProcessLookupError):  # already finished
                os.kill(int(pid), signal.SIGKILL)
        tag, status = self._line()
        assert tag == "EXIT"
        return time.monotonic() - start, int(status)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
        self.proc.stdout.close()


def crash_state(dataset: Path) -> str:
    """Check what a reader sees right after a crash; returns a label of the state found."""
    index = read_index(dataset)  # parses
    listed = [r["version"] for r in index["releases"]]
    assert index["latest"] in listed and index["latest"] in {"1.0.0", "1.1.0"}
    for v in listed:
        report = verify_release(dataset / v)
        assert report.ok, f"listed release {v} does not verify: {report}"
    unlisted = [p.name for p in dataset.iterdir() if is_version(p.name) and p.name not in listed]
    for v in unlisted:  # only possible: renamed, index not yet updated; must then be complete
        report = verify_release(dataset / v)
        assert report.ok, f"half-written release visible as {v}: {report}"
    if index["latest"] == "1.1.0":
        return "published"
    if unlisted:
        return "renamed"
    if any(p.name.startswith(".staging-") for p in dataset.iterdir()):
        return "staging"
    return "untouched"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    root = tmp_path_factory.mktemp("crash")
    base = root / "base"
    first = build_tables()
    write_release(base, "1.0.0", first, diff_tables(None, first), created_at="2024-07-01T00:00:00Z")
    prev = load_latest_release(base)
    docs = [
        *DOCS,
        Doc("003_d.txt", ["Officers used a taser on a teenager in Croydon, footage shows."]),
    ]
    second = build_tables(docs, [*INCIDENTS, Inc([(3, 0)], location="Croydon")], previous=prev)
    job = root / "job.pkl"
    job.write_bytes(pickle.dumps((second, diff_tables(prev.tables, second))))
    publisher = Publisher(job)
    yield root, base, publisher
    publisher.close()


def test_sigkill_at_any_moment_leaves_dataset_valid(prepared):
    root, base, publisher = prepared
    reference = root / "reference"
    shutil.copytree(base, reference)
    duration, status = publisher.run(reference)
    assert status == 0 and verify_dataset(reference).ok
    expected_sums = (reference / "1.1.0" / "SHA256SUMS").read_bytes()
    states = []
    for i in range(RUNS):
        dataset = root / f"run{i:02d}"
        shutil.copytree(base, dataset)
        _, status = publisher.run(dataset, kill_after=duration * 1.3 * i / (RUNS - 1))
        states.append(crash_state(dataset))
        recover_dataset_dir(dataset)
        assert not [p for p in dataset.iterdir() if p.name.startswith(".staging-")]
        if read_index(dataset)["latest"] != "1.1.0":
            assert publisher.run(dataset)[1] == 0  # the next run completes
        report = verify_dataset(dataset)
        assert report.ok, report
        assert read_index(dataset)["latest"] == "1.1.0"
        assert (dataset / "1.1.0" / "SHA256SUMS").read_bytes() == expected_sums
        assert '"version": "1.1.0"' in (dataset / "ids.json").read_text(encoding="utf-8")
    # the kills really landed inside the publishing window, not only before it
    assert "staging" in states, states
