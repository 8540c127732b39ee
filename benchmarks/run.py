#!/usr/bin/env python
"""Benchmark the real `build_dataset` flow on corpora of given sizes and print one table.

Example: .venv/bin/python benchmarks/run.py --articles 1000 10000 100000 --incremental --processes 2
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.corpus import MIXES, add_article, build_corpus  # noqa: E402

STAGES = ("discover", "ingest_extract", "link", "assemble", "validate", "publish")


def _kind(proc, me) -> str:
    """What a process of the build's tree is, for the memory breakdown."""
    if proc.pid == me.pid:
        return "flow process"
    cmd = " ".join(proc.cmdline())
    if "uvicorn" in cmd or "prefect server" in cmd:
        return "prefect server"
    if "spawn_main" in cmd:
        return "extraction workers"
    return "other"


class PeakRss:
    """Peak resident memory of this process plus all its descendants, sampled every 0.1 s.

    Falls back to getrusage (self + the largest finished child) when psutil is missing."""

    def __init__(self, interval: float = 0.1):
        self.interval, self.peak, self._stop = interval, 0, threading.Event()
        self.breakdown: dict[str, int] = {}
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _sample(self) -> dict[str, int]:
        import psutil

        me = psutil.Process()
        parts: dict[str, int] = {}
        for p in [me, *me.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                parts[_kind(p, me)] = parts.get(_kind(p, me), 0) + p.memory_info().rss
        return parts

    def _loop(self) -> None:
        while not self._stop.is_set():
            parts = self._sample()
            if sum(parts.values()) > self.peak:
                self.peak, self.breakdown = sum(parts.values()), parts
            self._stop.wait(self.interval)

    def __enter__(self):
        try:
            import psutil  # noqa: F401

            self._thread.start()
        except ImportError:
            pass
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        import resource

        rusage = (
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        ) * 1024
        self.peak = max(self.peak, rusage)


def one_build(workdir: Path, processes: int, batch_size: int) -> dict:
    """Run the flow once in this (fresh) process; the summary plus peak RSS."""
    os.environ.setdefault("PREFECT_HOME", str(workdir / "prefect"))
    import flows  # noqa: F401  (offline Prefect defaults before prefect is imported)
    from flows.runtime.prefect_api import start_local_api

    # As `pmd build` does: the local Prefect API starts while the pipeline imports.
    api = start_local_api()
    with PeakRss() as rss:
        from flows.pipeline import build_dataset

        if api is not None and not api.wait():
            raise SystemExit("the local Prefect API did not start")
        summary = build_dataset(
            raw_dir=workdir / "raw",
            dataset_dir=workdir / "dataset",
            cache_dir=workdir / "cache",
            processes=processes,
            batch_size=batch_size,
            created_at="2024-01-01T00:00:00+00:00",
        )
    summary["peak_rss_bytes"] = rss.peak
    summary["peak_rss_breakdown_mib"] = {k: round(v / 2**20) for k, v in rss.breakdown.items()}
    return summary


@contextlib.contextmanager
def prefect_server(home: Path, port: int = 4297):
    """A long-running local Prefect API (as a deployment has); builds then skip the ephemeral one."""
    import urllib.request

    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env["DO_NOT_TRACK"] = "1"
    cmd = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--no-services", "--no-ui"]
    log = open(home.parent / "prefect-server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/api"
    try:
        for _ in range(240):
            try:
                with urllib.request.urlopen(url + "/health", timeout=1):
                    break
            except OSError:
                if server.poll() is not None:
                    raise SystemExit("prefect server failed to start: see its log") from None
                time.sleep(0.5)
        os.environ["PREFECT_API_URL"] = url
        yield url
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        server.terminate()
        server.wait(timeout=30)
        log.close()


def snapshot(dest: Path, rev: str) -> Path:
    """Export the committed tree at `rev` to dest, so edits made meanwhile change nothing."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


def timed_build(workdir: Path, processes: int, batch_size: int, code: Path = ROOT) -> dict:
    """A build in a fresh interpreter (so start-up, Prefect included, is in the wall time)."""
    cmd = [sys.executable, str(code / "benchmarks" / "run.py"), "--one", str(workdir)]
    cmd += ["--processes", str(processes), "--batch-size", str(batch_size)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=code)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-5000:] + proc.stderr[-5000:])
        raise SystemExit(f"build failed in {workdir} (exit {proc.returncode})")
    (workdir / "last_build.log").write_text(proc.stdout + proc.stderr)
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    summary["wall_seconds"] = round(wall, 2)
    # CPU of the whole process tree (build, its workers, the Prefect server): the per-core speed
    # that does not depend on what else this machine was running.
    summary["cpu_seconds"] = round(
        after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, 1
    )
    summary["load_average"] = round(os.getloadavg()[0], 1)
    return summary


def row(kind: str, n: int, words: int, s: dict, processes: int) -> dict:
    stage = s["stage_seconds"]
    extract_s = max(stage.get("ingest_extract", 0.0), 1e-9)
    return {
        "run": kind,
        "articles": n,
        "words": words,
        "wall_seconds": s["wall_seconds"],
        "words_per_second": round(words / s["wall_seconds"]),
        "extract_words_per_second_per_core": (
            round(words / extract_s / processes) if kind.startswith("full") else None
        ),
        "cpu_seconds": s["cpu_seconds"],
        "words_per_cpu_second": round(words / max(s["cpu_seconds"], 1e-9)),
        "load_average_1min_after": s["load_average"],
        "peak_rss_mib": round(s["peak_rss_bytes"] / 2**20),
        "peak_rss_breakdown_mib": s.get("peak_rss_breakdown_mib", {}),
        "extracted_files": s["extracted_files"],
        "cached_files": s["cached_files"],
        "incidents": s["incidents"],
        "release": s["release"],
        "stage_seconds": stage,
    }


def table(rows: list[dict]) -> str:
    head = ["run", "articles", "words", "wall s", "words/s", "extract w/s/core", "CPU s"]
    head += ["words/CPU s", "load", "peak RSS MiB"]
    head += ["extracted", "cached", *[f"{k} s" for k in STAGES]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        wps = r["extract_words_per_second_per_core"]
        cells = [r["run"], f"{r['articles']:,}", f"{r['words']:,}", f"{r['wall_seconds']:.1f}"]
        cells += [
            f"{r['words_per_second']:,}",
            f"{wps:,}" if wps else "-",
            f"{r['cpu_seconds']:.0f}",
        ]
        cells += [f"{r['words_per_cpu_second']:,}", f"{r['load_average_1min_after']}"]
        cells += [str(r["peak_rss_mib"])]
        cells += [f"{r['extracted_files']:,}", f"{r['cached_files']:,}"]
        cells += [f"{r['stage_seconds'].get(k, 0.0):.1f}" for k in STAGES]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, nargs="+", default=[1000])
    ap.add_argument("--incremental", action="store_true", help="Then add one article, rebuild.")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=500)
    ap.add_argument(
        "--corpus",
        choices=MIXES,
        default="dailymail",
        help="dailymail: the Daily Mail development articles (a daily news mix); police: IOPC, "
        "Mapping Police Violence and 2020PB records plus the Daily Mail misconduct articles.",
    )
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/pmd-bench"))
    ap.add_argument("--out", type=Path, default=None, help="Also write the rows as JSON here.")
    ap.add_argument(
        "--snapshot",
        metavar="REV",
        default=None,
        help="Benchmark the committed tree at REV (e.g. HEAD), exported to WORKDIR/src.",
    )
    ap.add_argument(
        "--prefect-server",
        action="store_true",
        help="Run builds against one long-running local Prefect server (as a deployment does) "
        "instead of each starting an ephemeral one.",
    )
    ap.add_argument(
        "--reuse",
        action="store_true",
        help="Keep a corpus already built in WORKDIR by an earlier run (its dataset and cache): "
        "no full build; one build with nothing new first (this code's own stage caches), then "
        "the +1 article build. The extraction cache must be of the same extraction code.",
    )
    ap.add_argument("--one", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.one is not None:  # child mode: one build, summary JSON on the last line
        summary = one_build(args.one, args.processes, args.batch_size)
        print(json.dumps(summary, default=str))
        return 0

    code = snapshot(args.workdir / "src", args.snapshot) if args.snapshot else ROOT
    with contextlib.ExitStack() as stack:
        if args.prefect_server:
            (args.workdir / "prefect-server").mkdir(parents=True, exist_ok=True)
            stack.enter_context(prefect_server(args.workdir / "prefect-server"))
        rows = run_all(args, code)
    print()
    print(table(rows))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


def run_all(args, code: Path) -> list[dict]:
    rows = []
    mode = " (running Prefect server)" if args.prefect_server else ""
    if args.corpus != "dailymail":
        mode += f" [{args.corpus}]"
    for n in args.articles:
        workdir = args.workdir / (str(n) if args.corpus == "dailymail" else f"{args.corpus}-{n}")
        t0 = time.perf_counter()
        info = build_corpus(workdir / "raw", n, args.corpus)
        print(f"corpus {n:,}: {info['words']:,} words ({time.perf_counter() - t0:.0f}s to prepare)")
        if args.reuse and (workdir / "dataset" / "index.json").is_file():
            s = timed_build(workdir, args.processes, args.batch_size, code)
            if s["extracted_files"]:
                raise SystemExit(f"--reuse: {s['extracted_files']} file(s) re-extracted")
            rows.append(row("settle (this code)" + mode, n, 0, s, args.processes))
        else:
            for stale in ("dataset", "cache", "prefect"):
                shutil.rmtree(workdir / stale, ignore_errors=True)
            rows.append(
                row(
                    "full" + mode,
                    n,
                    info["words"],
                    timed_build(workdir, args.processes, args.batch_size, code),
                    args.processes,
                )
            )
        print(table(rows[-1:]), flush=True)
        if args.incremental:
            # Article numbers 0..n-1 exist; the new one has a number no earlier run of this
            # workdir used, so its content is new to the cache too (it is extracted).
            stamp = workdir / "extra_articles.json"
            used = json.loads(stamp.read_text()) if stamp.is_file() else []
            extra = max([n - 1, *used]) + 1
            stamp.write_text(json.dumps([*used, extra]))
            words = add_article(workdir / "raw", extra, args.corpus)
            try:
                s = timed_build(workdir, args.processes, args.batch_size, code)
            finally:
                for p in (workdir / "raw").rglob(f"article_{extra:07d}.txt*"):
                    p.unlink()
            rows.append(row("+1 article" + mode, n + 1, words, s, args.processes))
            print(table(rows[-1:]), flush=True)
    return rows


if __name__ == "__main__":
    sys.exit(main())
