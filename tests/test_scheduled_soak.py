"""A scheduled soak (issue 16, point 5): the scheduled flow (collect from a loopback feed server,
then build) runs for 20 cycles while new items keep appearing. One cycle is a real process
SIGKILLed in the middle of publishing, one cycle finds nothing new.

Afterwards the dataset verifies, the releases are consecutive SemVer versions with none missing or
duplicated, every cycle's accounting line adds up, and every collected item is in the latest
release exactly once and was first published in exactly one release.

Cycles run in-process against the session's Prefect test harness with one result cache; only the
killed cycle runs in a separate process (the same harness API), so the test stays affordable."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from flows.pipeline import BuildSummary
from flows.publish import read_index, verify_dataset
from flows.publish.layout import STAGING_PREFIX
from flows.publish.version import is_version, parse_version

ROOT = Path(__file__).resolve().parents[1]
CYCLES = 20
KILLED_CYCLE = 7
QUIET_CYCLE = 13  # the feeds offer nothing new
SLOWDOWN = "0.25"  # seconds per publishing step in the killed process: a window to kill in

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

FORCES = [
    ("Greater Manchester Police", "Bolton", "Daniel Hartley"),
    ("West Yorkshire Police", "Leeds", "Mark Ellison"),
    ("Merseyside Police", "Birkenhead", "Gary Prescott"),
    ("Avon and Somerset Police", "Bristol", "Lee Whitcombe"),
    ("Thames Valley Police", "Reading", "Paul Ashdown"),
    ("Northumbria Police", "Sunderland", "Craig Armstrong"),
    ("South Wales Police", "Swansea", "Rhys Pritchard"),
    ("Kent Police", "Maidstone", "Stuart Fenwick"),
    ("Devon and Cornwall Police", "Plymouth", "Jason Trelawny"),
    ("Essex Police", "Colchester", "Neil Barraclough"),
    ("Sussex Police", "Brighton", "Adam Catterall"),
    ("Cleveland Police", "Middlesbrough", "Wayne Dobson"),
    ("Lancashire Police", "Blackpool", "Kevin Ormerod"),
    ("Nottinghamshire Police", "Mansfield", "Ryan Holloway"),
    ("Hampshire Constabulary", "Portsmouth", "Simon Brackley"),
    ("Durham Constabulary", "Darlington", "Martin Ridley"),
    ("Cumbria Constabulary", "Carlisle", "Graham Nixon"),
    ("Staffordshire Police", "Stoke-on-Trent", "Dean Machin"),
    ("Lincolnshire Police", "Grantham", "Trevor Sowerby"),
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September"]


@dataclass(frozen=True)
class Item:
    slug: str
    title: str
    paragraphs: tuple[str, ...]
    published: str  # RFC 822 date for the feed
    feed: str = "courier"  # which feed lists it


def incident_item(n: int) -> Item:
    force, town, officer = FORCES[n]
    month = MONTHS[n % len(MONTHS)]
    return Item(
        slug=f"officer-dismissed-{town.lower().replace(' ', '-')}",
        title=f"{force} officer dismissed after assault in {town} custody suite",
        paragraphs=(
            f"A {force} constable has been dismissed for gross misconduct after he punched a "
            f"handcuffed man in the custody suite at {town} police station in {month} 2023, a "
            "disciplinary panel found on Thursday.",
            f"PC {officer}, {30 + n}, struck the man twice while he was restrained, the "
            "Independent Office for Police Conduct (IOPC) said.",
        ),
        published=f"Tue, {1 + n:02d} Oct 2024 10:00:00 GMT",
    )


SPORT = Item(
    slug="town-win-cup-final",
    title="Town win the county cup final",
    paragraphs=(
        "Town beat Rovers 2-1 in the county cup final on Saturday. The winning goal came in the "
        "89th minute from a corner, and the manager praised his side's patience after a "
        "difficult week.",
    ),
    published="Wed, 02 Oct 2024 18:00:00 GMT",
)
COUNCIL = Item(
    slug="council-approves-bus-lanes",
    title="Council approves new bus lanes",
    paragraphs=(
        "Councillors approved new bus lanes for the city centre after a public consultation. "
        "Work on the scheme will start in the spring and last for six months.",
    ),
    published="Fri, 04 Oct 2024 09:00:00 GMT",
)
FRENCH = Item(
    slug="policier-suspendu-lyon",
    title="Un policier suspendu",
    paragraphs=(
        "Le policier a été suspendu après une enquête sur des violences commises lors d'une "
        "interpellation à Lyon. La famille de la victime demande que toute la lumière soit faite "
        "sur cette affaire et que les responsables soient sanctionnés par la justice.",
    ),
    published="Sat, 05 Oct 2024 08:00:00 GMT",
)


def _syndicated(item: Item) -> Item:
    """The same story on the wire feed: another URL and page, the same text."""
    return Item(item.slug, item.title, item.paragraphs, item.published, feed="wire")


def _schedule() -> dict[int, list[Item]]:
    """Which items first appear in which cycle: an incident in every cycle but the quiet one,
    plus a few that end up as no incident, a duplicate and a quarantined article."""
    incidents = iter(incident_item(n) for n in range(len(FORCES)))
    plan: dict[int, list[Item]] = {
        c: ([] if c == QUIET_CYCLE else [next(incidents)]) for c in range(CYCLES)
    }
    plan[2].append(SPORT)
    plan[5].append(_syndicated(incident_item(1)))  # a copy of cycle 1's story
    plan[KILLED_CYCLE].append(COUNCIL)
    plan[10].append(FRENCH)
    return plan


class SoakServer:
    """Loopback server: two RSS feeds listing the items released so far, and their pages."""

    def __init__(self) -> None:
        self.items: list[Item] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802 - http.server naming
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    status, ctype, body = server.route(self.path.split("?", 1)[0])
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def release(self, items: list[Item]) -> None:
        with self.lock:
            self.items.extend(items)

    def url(self, item: Item) -> str:
        return f"{self.base}/{item.feed}/{item.slug}"

    def route(self, path: str) -> tuple[int, str, bytes]:
        with self.lock:
            items = list(self.items)
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nAllow: /\n"
        for feed in ("courier", "wire"):
            if path == f"/{feed}.xml":
                return 200, "application/rss+xml", self.feed(feed, items)
            for item in items:
                if item.feed == feed and path == f"/{feed}/{item.slug}":
                    return 200, "text/html; charset=utf-8", self.page(item)
        return 404, "text/plain", b"not found"

    def feed(self, feed: str, items: list[Item]) -> bytes:
        entries = "".join(
            f"<item><title>{i.title}</title><link>{self.url(i)}</link>"
            f"<pubDate>{i.published}</pubDate></item>\n"
            for i in reversed(items)
            if i.feed == feed
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>{feed}</title><link>{self.base}/</link><description>soak</description>\n"
            f"{entries}</channel></rss>\n"
        ).encode()

    def page(self, item: Item) -> bytes:
        site = "Northern Courier" if item.feed == "courier" else "Capital Gazette wire"
        body = "".join(f"<p>{p}</p>\n" for p in item.paragraphs)
        return (
            f'<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
            f"<title>{item.title} | {site}</title></head>\n<body><nav>{site}</nav><article>"
            f"<h1>{item.title}</h1>\n{body}</article></body></html>\n"
        ).encode()


def _write_sources(server: SoakServer, folder: Path) -> Path:
    import yaml

    sources = {
        "version": "sources.v1",
        "settings": {
            "user_agent": "police-misconduct-data-collector-test/0.1",
            "contact_url": "https://example.org/police-misconduct-data/contact",
            "min_interval_seconds": 0,
            "timeout_seconds": 10,
            "retries": 1,
            "backoff_seconds": 0,
            "max_bytes": 100000,
            "max_redirects": 5,
            "max_items_per_source": 50,
            "commit_collected": False,
        },
        "sources": [
            {
                "name": "courier-rss",
                "publisher": "Northern Courier",
                "kind": "rss",
                "url": f"{server.base}/courier.xml",
                "filter": "none",
                "confirmed": True,
            },
            {
                "name": "gazette-wire",
                "publisher": "Capital Gazette",
                "kind": "rss",
                "url": f"{server.base}/wire.xml",
                "filter": "none",
                "confirmed": True,
            },
        ],
    }
    path = folder / "sources.yaml"
    path.write_text(yaml.safe_dump(sources, sort_keys=False), encoding="utf-8")
    return path


# The killed cycle: the same scheduled flow in a fresh interpreter, on the harness's API.
KILLED = (
    "import sys\n"
    "from pathlib import Path\n"
    "from flows.deploy import scheduled_update\n"
    "raw, dataset, sources, cache = map(Path, sys.argv[1:5])\n"
    "scheduled_update(raw_dir=raw, dataset_dir=dataset, sources_path=sources, cache_dir=cache)\n"
)


def _run_killed_cycle(raw: Path, dataset: Path, sources: Path, cache: Path, log: Path) -> str:
    """Run one cycle in its own process and SIGKILL it once its release is being staged."""
    from prefect.settings import PREFECT_API_URL

    env = {
        **os.environ,
        "PREFECT_API_URL": PREFECT_API_URL.value(),
        "PMD_PUBLISH_SLOWDOWN": SLOWDOWN,
    }
    # stderr to a file, not a pipe: Prefect's log lines can never block the child
    with log.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", KILLED, str(raw), str(dataset), str(sources), str(cache)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        try:
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and proc.poll() is None:
                if any(p.name.startswith(STAGING_PREFIX) for p in dataset.iterdir()):
                    time.sleep(float(SLOWDOWN) * 2.5)  # a few files into the release
                    os.kill(proc.pid, signal.SIGKILL)
                    break
                time.sleep(0.02)
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert proc.returncode == -signal.SIGKILL, (
        f"the cycle was not killed mid-publish (exit {proc.returncode}): {log.read_text()[-3000:]}"
    )
    left = sorted(p.name for p in dataset.iterdir() if p.name.startswith(STAGING_PREFIX))
    unlisted = [
        p.name
        for p in dataset.iterdir()
        if is_version(p.name)
        and p.name not in {r["version"] for r in read_index(dataset)["releases"]}
    ]
    assert left or unlisted, "the kill left no trace of an interrupted publish"
    return ", ".join(left + unlisted)


def _accounting_adds_up(build: dict) -> None:
    """The summary's first line, 'files seen N (articles M): with incidents a + no incident b +
    duplicates c + quarantined d', adds up: N = M = a + b + c + d (one article per page here)."""
    line = BuildSummary(**build).lines()[0]
    numbers = [int(n) for n in re.findall(r"\d+", line)]
    assert len(numbers) == 6 and numbers[0] == numbers[1] == sum(numbers[2:]), line
    a = build["articles"]
    counted = (
        a.get("incidents_found", 0)
        + a.get("no_incident", 0)
        + a.get("duplicate", 0)
        + a.get("quarantined", 0)
    )
    assert set(a) <= {"incidents_found", "no_incident", "duplicate", "quarantined"}, a
    assert build["files_seen"] == sum(a.values()) == counted, build


def _bump(previous: str, changes: dict) -> str:
    major, minor, patch = parse_version(previous)
    if changes["incidents_added"] or changes["articles_added"]:
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def test_twenty_scheduled_cycles_with_a_kill_and_a_quiet_day(prefect_harness, tmp_path: Path):
    from flows.deploy import scheduled_update

    raw, dataset, cache = tmp_path / "raw", tmp_path / "dataset", tmp_path / "cache"
    raw.mkdir()
    server = SoakServer()
    sources = _write_sources(server, tmp_path)
    plan = _schedule()
    summaries: dict[int, dict] = {}
    reports: dict[int, str] = {}
    started = time.monotonic()
    try:
        for cycle in range(CYCLES):
            server.release(plan[cycle])
            if cycle == KILLED_CYCLE:
                _run_killed_cycle(raw, dataset, sources, cache, tmp_path / "killed.log")
                continue
            result = scheduled_update(
                raw_dir=raw, dataset_dir=dataset, sources_path=sources, cache_dir=cache
            )
            summaries[cycle] = result["build"]
            reports[cycle] = result["collect"]
    finally:
        server.close()
    elapsed = time.monotonic() - started

    # Every cycle's accounting line adds up, and covers every file collected so far.
    for build in summaries.values():
        _accounting_adds_up(build)
    quiet = summaries[QUIET_CYCLE]
    assert "fetched 0, failed 0" in reports[QUIET_CYCLE].splitlines()[-1], reports[QUIET_CYCLE]
    assert all("failed 0" in reports[c].splitlines()[-1] for c in reports), reports
    assert quiet["release"] is None and quiet["incidents_added"] == 0, quiet
    assert all(summaries[c]["release"] for c in summaries if c != QUIET_CYCLE), summaries
    after_kill = summaries[KILLED_CYCLE + 1]

    # `pmd verify all`
    report = verify_dataset(dataset, raw_dir=raw)
    assert report.ok, report

    # No duplicate or missing release: index.json lists every release folder, versions consecutive.
    index = read_index(dataset)
    versions = [r["version"] for r in index["releases"]]
    folders = sorted((p.name for p in dataset.iterdir() if is_version(p.name)), key=parse_version)
    assert versions == folders, (versions, folders)
    assert len(set(versions)) == len(versions) and index["latest"] == versions[-1]
    assert not [p for p in dataset.iterdir() if p.name.startswith(STAGING_PREFIX)]
    orphans = dataset / ".orphans"
    assert not orphans.exists() or not any(orphans.iterdir()), list(orphans.iterdir())
    assert versions[0] == "1.0.0"
    changes = {v: json.loads((dataset / v / "changes.json").read_text()) for v in versions}
    for before, after in zip(versions, versions[1:], strict=False):
        assert changes[after]["previous_version"] == before
        assert after == _bump(before, changes[after]), (before, after, changes[after])
    published = [s["release"] for s in summaries.values() if s["release"]]
    assert set(published) <= set(versions) and len(published) == len(set(published))
    # 18 in-process releases, plus the killed cycle's if recovery completed it.
    assert len(versions) in (len(published), len(published) + 1), (versions, published)
    assert versions[-1] == published[-1]

    # Every collected item: in the latest release exactly once, first published in one release.
    collected = sorted(
        p.relative_to(raw).as_posix() for p in raw.rglob("*.html") if not p.name.startswith(".")
    )
    expected = sum(len(items) for items in plan.values())
    assert len(collected) == expected, collected
    latest = pd.read_parquet(dataset / versions[-1] / "articles.parquet")
    assert sorted(latest["source_path"]) == collected
    assert latest["article_id"].is_unique
    assert summaries[CYCLES - 1]["files_seen"] == expected
    first_seen: dict[str, str] = {}
    holders: dict[str, list[str]] = {}
    for v in versions:
        arts = pd.read_parquet(dataset / v / "articles.parquet")
        assert arts["source_path"].is_unique, v
        ids = dict(zip(arts["source_path"], arts["article_id"], strict=True))
        for path, article_id in ids.items():
            holders.setdefault(path, []).append(v)
            first_seen.setdefault(path, v)
            assert (
                article_id
                == dict(zip(latest["source_path"], latest["article_id"], strict=True))[path]
            ), f"{path} changed article_id in {v}"
    added: dict[str, list[str]] = {}
    for v in versions:
        for article_id in changes[v]["articles_added"]:
            added.setdefault(article_id, []).append(v)
    by_path = dict(zip(latest["source_path"], latest["article_id"], strict=True))
    for path in collected:
        article_id = by_path[path]
        assert added.get(article_id) == [first_seen[path]], (path, added.get(article_id))
        assert holders[path] == versions[versions.index(first_seen[path]) :], (path, holders[path])
    statuses = latest.set_index("source_path")["status"]
    assert (statuses == "duplicate").sum() == 1 and (statuses == "quarantined").sum() == 1
    assert (statuses == "incidents_found").sum() >= len(FORCES) - 2, statuses.value_counts()
    print(f"soak: {CYCLES} cycles in {elapsed:.0f}s; releases {versions}; after kill {after_kill}")
