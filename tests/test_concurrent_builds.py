"""Two builds at once: the dataset lock is held from reading the latest release to updating the
index, so the second build waits, then publishes its own difference or says that the other build
already published everything it had.

The race runs two real `pmd build` processes started together against one dataset folder (both
talk to the test harness's Prefect API, so neither starts a server of its own)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from flows.publish import verify_dataset
from flows.publish.fsio import dataset_lock

ROOT = Path(__file__).resolve().parents[1]
# Widens the publishing window (seconds per step) so that both builds overlap on any machine.
SLOWDOWN = "0.4"


# ---------------------------------------------------------------- the lock itself


def _in_thread(fn, timeout: float = 10.0) -> bool:
    """Run fn in a daemon thread; True if it returned within the timeout (False: it hung)."""
    done = threading.Event()

    def run():
        fn()
        done.set()

    threading.Thread(target=run, daemon=True).start()
    return done.wait(timeout)


def test_the_lock_is_reentrant_in_the_thread_holding_it(tmp_path: Path):
    def nested():
        with dataset_lock(tmp_path), dataset_lock(tmp_path), dataset_lock(tmp_path):
            pass
        with dataset_lock(tmp_path):  # released for good after the outermost exit
            pass

    assert _in_thread(nested), "taking the lock again in the same thread blocked"


def test_another_thread_waits_for_the_lock(tmp_path: Path):
    held, release = threading.Event(), threading.Event()
    waited: list[str] = []
    order: list[str] = []

    def holder():
        with dataset_lock(tmp_path):
            held.set()
            release.wait(10)
            order.append("holder released")

    threading.Thread(target=holder, daemon=True).start()
    assert held.wait(10)

    def contender():
        with dataset_lock(tmp_path, on_wait=lambda: waited.append("waiting")):
            order.append("contender acquired")

    t = threading.Thread(target=contender, daemon=True)
    t.start()
    time.sleep(0.3)
    assert waited == ["waiting"] and order == []
    release.set()
    t.join(10)
    assert order == ["holder released", "contender acquired"]


def test_another_process_waits_for_the_lock(tmp_path: Path):
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from flows.publish.fsio import dataset_lock\n"
        "with dataset_lock(Path(sys.argv[1])):\n"
        "    print('held', flush=True)\n"
        "    time.sleep(1.5)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        waited: list[float] = []
        started = time.monotonic()
        with dataset_lock(tmp_path, on_wait=lambda: waited.append(time.monotonic())):
            assert proc.poll() is not None or time.monotonic() - started > 1.0
        assert len(waited) == 1
    finally:
        proc.wait(10)


def test_the_lock_file_is_not_committed():
    tracked = subprocess.run(
        ["git", "ls-files", "dataset/.lock"], cwd=ROOT, capture_output=True, text=True
    )
    if tracked.returncode != 0:
        pytest.skip("not a git checkout")
    assert tracked.stdout.strip() == ""
    ignored = subprocess.run(["git", "check-ignore", "-q", "dataset/.lock"], cwd=ROOT)
    assert ignored.returncode == 0, "dataset/.lock must be git-ignored"


# ---------------------------------------------------------------- two real builds at once

ARTICLE_A = """Officer sacked after punching man in Bolton custody suite

A Greater Manchester Police constable has been dismissed for gross misconduct after he punched a handcuffed man in the custody suite at Bolton police station in March 2023, a disciplinary panel found on Thursday.

PC Daniel Hartley, 34, struck the man twice while he was restrained, the Independent Office for Police Conduct (IOPC) said.
"""
ARTICLE_B = """Constable charged over fake crime reports in Leeds

A West Yorkshire Police constable has been charged with misconduct in public office after he allegedly falsified crime reports in Leeds between 2019 and 2021, prosecutors said on Monday.

PC Mark Ellison, 41, is accused of recording crimes as solved when no suspect had been identified, the Crown Prosecution Service said.
"""


def _api_url() -> str:
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    assert url, "the Prefect test harness sets an API URL"
    return url


# `pmd build` in a fresh interpreter that imports everything first, says "ready", and starts the
# build when told: both builds then start within milliseconds of each other on a loaded machine.
LAUNCH = (
    "import sys\n"
    "import flows.pipeline\n"
    "from flows.cli import app\n"
    "print('ready', flush=True)\n"
    "sys.stdin.readline()\n"
    "app(sys.argv[1:], prog_name='pmd')\n"
)


def _start_builds(raws: list[Path], dataset: Path) -> list[subprocess.CompletedProcess]:
    """Start one `pmd build` per raw folder at the same moment; wait for all of them."""
    env = {
        **os.environ,
        "PREFECT_API_URL": _api_url(),
        "PMD_PUBLISH_SLOWDOWN": SLOWDOWN,
        "PYTHONHASHSEED": "0",
    }
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", LAUNCH, "build", "--raw-dir", str(raw)]
            + ["--dataset-dir", str(dataset), "--no-cache", "--processes", "1"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for raw in raws
    ]
    results = []
    try:
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        for proc in procs:
            out, err = proc.communicate(timeout=600)
            results.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    for r in results:
        assert r.returncode == 0, r.stderr[-3000:]
    return results


def _logs(results: list[subprocess.CompletedProcess]) -> str:
    """Both builds' summaries and Prefect log lines, for a failing assertion."""
    return "\n\n".join(
        r.stdout + "\n".join(line for line in r.stderr.splitlines() if " | " in line)
        for r in results
    )


def _last_line(result: subprocess.CompletedProcess) -> str:
    return [line for line in result.stdout.splitlines() if line.strip()][-1]


def _raw(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    """The repository's raw/ articles plus `files`: enough work that both builds read the latest
    release before either publishes, which is where the old code went wrong."""
    raw = tmp_path / name
    shutil.copytree(ROOT / "raw", raw)
    for file, text in files.items():
        (raw / file).write_text(text, encoding="utf-8")
    return raw


def _versions(dataset: Path) -> list[str]:
    return [r["version"] for r in json.loads((dataset / "index.json").read_text())["releases"]]


def test_two_builds_with_equal_inputs_publish_once(prefect_harness, tmp_path: Path):
    raw = _raw(tmp_path, "raw", {"a.txt": ARTICLE_A})
    dataset = tmp_path / "dataset"
    results = _start_builds([raw, raw], dataset)

    last = sorted(_last_line(r) for r in results)
    assert last == [
        "another build published 1.0.0 while this one ran; nothing new",
        "release written: 1.0.0 (previous: none)",
    ], _logs(results)
    assert _versions(dataset) == ["1.0.0"]
    assert verify_dataset(dataset).ok, verify_dataset(dataset).problems


def test_two_builds_with_different_inputs_publish_both_differences(prefect_harness, tmp_path: Path):
    raws = [
        _raw(tmp_path, "raw_a", {"a.txt": ARTICLE_A}),
        _raw(tmp_path, "raw_b", {"b.txt": ARTICLE_B}),
    ]
    dataset = tmp_path / "dataset"
    results = _start_builds(raws, dataset)

    last = [_last_line(r) for r in results]
    assert sorted(last) == [
        "release written: 1.0.0 (previous: none)",
        "release written: 1.1.0 (previous: 1.0.0)",
    ], _logs(results)
    assert _versions(dataset) == ["1.0.0", "1.1.0"]
    assert verify_dataset(dataset).ok, verify_dataset(dataset).problems

    # Each release is the snapshot of the build that wrote it; the second diffs against the first.
    first = "a.txt" if last[0].startswith("release written: 1.0.0") else "b.txt"
    second = "b.txt" if first == "a.txt" else "a.txt"

    for version, source, other in (("1.0.0", first, second), ("1.1.0", second, first)):
        arts = pd.read_parquet(dataset / version / "articles.parquet").set_index("source_path")
        assert source in arts.index and other not in arts.index
        assert arts.loc[source, "status"] == "incidents_found"
    changes = json.loads((dataset / "1.1.0" / "changes.json").read_text())
    assert changes["previous_version"] == "1.0.0"
    assert len(changes["articles_added"]) == 1 and len(changes["articles_removed"]) == 1
    assert changes["incidents_added"] and changes["incidents_removed"]
