"""Collection against a loopback HTTP server serving fixture feeds and pages (no internet)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from flows.collect import collect_sources, render_report
from flows.collect.report import render_plain, render_rich
from flows.collect.state import StateError, load_state

FIXTURES = Path(__file__).parent / "fixtures" / "collect"
NOW = dt.datetime(2024, 11, 6, 12, 0, tzinfo=dt.UTC)
GMP_PATH = "/news/gmp-officer-dismissed-bolton-assault"
HUGE_BYTES = 300_000  # over the test settings' max_bytes (100000)


class FixtureServer:
    """A threaded loopback server: fixture feeds, pages and misbehaving endpoints."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.flaky_failures = 1
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):  # noqa: N802 - http.server naming
                with server.lock:
                    server.requests.append((self.path, dict(self.headers)))
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    server.route(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def fixture(self, name: str) -> bytes:
        return (FIXTURES / name).read_bytes().replace(b"{base}", self.base.encode())

    def paths(self) -> list[str]:
        with self.lock:
            return [p for p, _ in self.requests]

    @staticmethod
    def send(
        h,
        status: int,
        body: bytes = b"",
        ctype: str | None = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        length: bool = True,
    ) -> None:
        h.send_response(status)
        if ctype:
            h.send_header("Content-Type", ctype)
        for key, value in (headers or {}).items():
            h.send_header(key, value)
        if length:
            h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def route(self, h) -> None:
        path = h.path.split("?", 1)[0].rstrip("/") or "/"
        feeds = {
            "/rss.xml": ("rss.xml", "application/rss+xml"),
            "/news_sitemap.xml": ("news_sitemap.xml", "application/xml"),
            "/malformed.xml": ("malformed.xml", "application/rss+xml"),
        }
        pages = {
            GMP_PATH: "gmp_officer_dismissed.html",
            "/amp/news/gmp-officer-dismissed-bolton-assault": "gmp_officer_dismissed.html",
            "/syndicated/officer-dismissed-copy": "gmp_officer_dismissed_syndicated.html",
            "/news/met-officer-misconduct-hearing": "met_officer_hearing.html",
            "/mirror/met-officer-misconduct-hearing": "met_officer_hearing.html",
        }
        if path == "/robots.txt":
            self.send(h, 200, self.fixture("robots.txt"), "text/plain")
        elif path in feeds:
            name, ctype = feeds[path]
            self.send(h, 200, self.fixture(name), ctype)
        elif path == "/atom.xml":
            etag = '"atom-v1"'
            if h.headers.get("If-None-Match") == etag:
                self.send(h, 304, ctype=None, headers={"ETag": etag}, length=False)
            else:
                self.send(
                    h,
                    200,
                    self.fixture("atom.xml"),
                    "application/atom+xml",
                    {"ETag": etag, "Last-Modified": "Wed, 06 Nov 2024 12:00:00 GMT"},
                )
        elif path in pages:
            self.send(h, 200, self.fixture(pages[path]), headers={"ETag": '"page-1"'})
        elif path == "/files/watchdog-annual-report.pdf":
            self.send(h, 200, b"%PDF-1.4\n% fixture\n", "application/pdf")
        elif path.startswith("/news/flaky-"):
            with self.lock:
                fail, self.flaky_failures = self.flaky_failures > 0, self.flaky_failures - 1
            if fail:
                self.send(h, 500, b"temporarily broken")
            else:
                self.send(h, 200, self.generic(path))
        elif path.startswith("/news/always-500"):
            self.send(h, 500, b"broken")
        elif path.startswith("/news/slow-"):
            time.sleep(1.5)  # longer than the 0.5 s timeout of sources.test.yaml
            self.send(h, 200, self.generic(path))
        elif path == "/loop/a":
            self.send(h, 302, headers={"Location": "/loop/b"})
        elif path == "/loop/b":
            self.send(h, 302, headers={"Location": f"{self.base}/loop/a"})
        elif path == "/news/redirect-to-file":
            self.send(h, 302, headers={"Location": "file:///etc/passwd"})
        elif path == "/news/huge-police-page":
            # No Content-Length: the client must count while streaming and abort.
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.end_headers()
            for _ in range(HUGE_BYTES // 10_000):
                h.wfile.write(b"<p>" + b"x" * 9_993 + b"</p>\n")
        elif path.startswith("/news/") or path.startswith("/private/"):
            if "missing" in path:
                self.send(h, 404, b"not found")
            else:
                self.send(h, 200, self.generic(path))
        else:
            self.send(h, 404, b"not found")

    def generic(self, path: str) -> bytes:
        return (
            (FIXTURES / "generic_police_story.html").read_bytes().replace(b"{path}", path.encode())
        )


def write_sources(server: FixtureServer, folder: Path, only: list[str] | None = None) -> Path:
    import yaml

    data = yaml.safe_load(server.fixture("sources.test.yaml"))
    if only is not None:
        data["sources"] = [s for s in data["sources"] if s["name"] in only]
    path = folder / "sources.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two collection runs over the fixture server, with what each did and left on disk."""
    server = FixtureServer()
    work = tmp_path_factory.mktemp("collect")
    raw = work / "raw"
    sources = write_sources(server, work)
    try:
        first = collect_sources(sources, raw, now=NOW)
        after_first, requests_first = snapshot(raw), len(server.requests)
        second = collect_sources(sources, raw, now=NOW + dt.timedelta(days=1))
        after_second = snapshot(raw)
        yield {
            "server": server,
            "raw": raw,
            "first": first,
            "second": second,
            "after_first": after_first,
            "after_second": after_second,
            "second_requests": server.requests[requests_first:],
        }
    finally:
        server.close()


def log_for(report, url_part: str):
    entries = [e for e in report.log if url_part in e.url]
    assert entries, f"no log entry for {url_part}"
    return entries


# -- the first run: one expected line per case ------------------------------------------------


def test_rows_count_every_outcome_per_source(runs):
    rows = {r.source: r for r in runs["first"].rows}
    assert list(rows) == [
        "courier-rss",
        "watchdog-atom",
        "broken-feed",
        "gazette-sitemap",
        "missing-feed",
    ]
    rss = rows["courier-rss"]
    # 12 items: article + its tracking-parameter twin, bus lanes, pdf, robots, flaky, always-500,
    # slow, loop, file redirect, huge, 404.
    assert (rss.seen, rss.irrelevant, rss.known, rss.fetched, rss.failed) == (12, 1, 1, 2, 8)
    atom = rows["watchdog-atom"]
    assert (atom.seen, atom.irrelevant, atom.known, atom.fetched, atom.failed) == (3, 0, 2, 1, 0)
    sitemap = rows["gazette-sitemap"]
    assert (sitemap.seen, sitemap.irrelevant, sitemap.known, sitemap.fetched) == (2, 1, 1, 0)
    assert rows["broken-feed"].error.startswith("malformed feed XML")
    assert rows["missing-feed"].error == "feed: HTTP 404"


@pytest.mark.parametrize(
    ("url_part", "outcome", "reason_part", "line_part"),
    [
        ("/news/bus-lanes-approved", "irrelevant", "no police term", None),
        ("utm_source=twitter", "known", "already collected", None),
        (
            ".pdf",
            "failed",
            "refused content type application/pdf",
            "watchdog-annual-report.pdf: refused content type application/pdf",
        ),
        (
            "/private/",
            "failed",
            "disallowed by robots.txt",
            "officer-suspended-custody: disallowed by robots.txt",
        ),
        ("/news/flaky-", "fetched", "after retry: HTTP 500", None),
        (
            "/news/always-500",
            "failed",
            "HTTP 500 after 2 attempts",
            "always-500-officers-cleared: HTTP 500 after 2 attempts",
        ),
        (
            "/news/slow-",
            "failed",
            "timeout (ReadTimeout) after 2 attempts",
            "slow-detective-hearing: timeout (ReadTimeout) after 2 attempts",
        ),
        ("/loop/a", "failed", "redirect loop", "/loop/a: redirect loop"),
        (
            "/news/redirect-to-file",
            "failed",
            "redirect to disallowed scheme file",
            "redirect-to-file: redirect to disallowed scheme file: file:///etc/passwd",
        ),
        (
            "/news/huge-police-page",
            "failed",
            "body over size limit",
            "huge-police-page: body over size limit (> 100000 bytes)",
        ),
        ("/news/missing-police-story", "failed", "HTTP 404", "missing-police-story: HTTP 404"),
        ("/amp/news/", "known", "already collected", None),
        ("/syndicated/", "known", "same article as", None),
        ("/news/met-officer-misconduct-hearing", "known", "same content as", None),
        ("/news/premier-league-results", "irrelevant", "no police term", None),
    ],
)
def test_each_case_has_its_log_entry_and_report_line(
    runs, url_part, outcome, reason_part, line_part
):
    (entry,) = log_for(runs["first"], url_part)
    assert entry.outcome == outcome
    if outcome == "fetched" and reason_part is None:
        assert entry.reason is None
    else:
        assert reason_part in entry.reason
    text = render_plain(runs["first"])
    if line_part is not None:
        assert f"  failed {runs['server'].base}" in text
        assert any(
            line.startswith("  failed ") and line_part in line for line in text.splitlines()
        ), text


def test_rendered_text_has_one_line_per_source_and_totals(runs):
    text = render_plain(runs["first"])
    assert (
        "courier-rss (Northern Courier): seen 12, irrelevant 1, known 1, fetched 2, failed 8 [ok]"
    ) in text
    assert "broken-feed (Broken Feeds Ltd): seen 0" in text
    assert "[source failed: malformed feed XML" in text
    assert (
        "missing-feed (Gone Away): seen 0, irrelevant 0, known 0, fetched 0, failed 0 "
        "[source failed: feed: HTTP 404]" in text
    )
    assert text.splitlines()[-1] == ("total: seen 17, irrelevant 2, known 4, fetched 3, failed 8")
    rich_text = render_rich(runs["first"])
    assert "Collection report" in rich_text and "\x1b[" in rich_text
    assert "courier-rss" in rich_text and "refused content type application/pdf" in rich_text
    assert render_report(runs["first"], terminal=False) == text


# -- what was written ------------------------------------------------------------------------


def test_written_files_are_the_bytes_as_fetched_with_sidecars(runs):
    raw = runs["raw"]
    written = runs["first"].written
    assert sorted(written) == sorted(
        [
            "collected/northern-courier/2024-11-05/gmp-officer-dismissed-bolton-assault.html",
            "collected/northern-courier/2024-11-06/flaky-police-chief-apologises.html",
            "collected/watchdog-news/2024-11-05/met-officer-misconduct-hearing.html",
        ]
    )
    gmp = raw / written[0]
    body = gmp.read_bytes()
    assert body == runs["server"].fixture("gmp_officer_dismissed.html")
    meta = json.loads((gmp.parent / (gmp.name + ".meta.json")).read_text(encoding="utf-8"))
    base = runs["server"].base
    assert meta["url"] == f"{base}{GMP_PATH}"
    assert meta["final_url"] == f"{base}{GMP_PATH}"
    assert meta["canonical_url"] == f"{base}{GMP_PATH}"
    assert meta["title"] == (
        "Greater Manchester Police officer dismissed for assaulting man in Bolton"
    )
    assert meta["publisher"] == "Northern Courier"
    assert meta["published"] == "2024-11-05T10:30:00Z"
    assert meta["fetched_at"] == "2024-11-06T12:00:00Z"
    assert meta["http_status"] == 200
    assert meta["etag"] == '"page-1"'
    assert meta["sha256"] == hashlib.sha256(body).hexdigest()
    files = {k for k in runs["after_first"] if not k.endswith(".state.json")}
    assert files == {w for w in written} | {w + ".meta.json" for w in written}


def test_ingest_knows_every_field_the_collector_writes_in_a_sidecar(runs, caplog):
    """Collected files are read without a warning per file about unknown sidecar fields."""
    from flows.ingest.metadata import COLLECTOR_FIELDS, SIDECAR_FIELDS, read_sidecar

    raw = runs["raw"]
    for rel in runs["first"].written:
        meta = json.loads((raw / (rel + ".meta.json")).read_text(encoding="utf-8"))
        assert set(meta) <= set(SIDECAR_FIELDS) | COLLECTOR_FIELDS, rel
        with caplog.at_level("WARNING", logger="flows.ingest.metadata"):
            assert read_sidecar(raw / rel, raw)["publisher"]
    assert not caplog.records, [r.getMessage() for r in caplog.records]


def test_flaky_page_without_a_feed_date_is_filed_under_the_fetch_date(runs):
    meta_path = (
        runs["raw"] / "collected/northern-courier/2024-11-06/"
        "flaky-police-chief-apologises.html.meta.json"
    )
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    assert meta["published"] is None and meta["title"] == "Police chief apologises to family"


def test_state_records_urls_hashes_and_feed_validators(runs):
    state = load_state(runs["raw"] / "collected" / ".state.json")
    fetched = {k: v for k, v in state.urls.items() if v["status"] == "fetched"}
    assert len(fetched) == 3 and len(state.hashes) == 3
    refused = {k: v["reason"] for k, v in state.urls.items() if v["status"] == "refused"}
    assert any("application/pdf" in r for r in refused.values())
    assert any(r == "HTTP 404" for r in refused.values())
    # transient failures and robots refusals are retried on the next run, so not recorded
    assert not any("timeout" in r or "500" in r or "robots" in r for r in refused.values())
    base = runs["server"].base
    assert state.feeds[f"{base}/atom.xml"]["etag"] == '"atom-v1"'


# -- politeness ------------------------------------------------------------------------------


def test_requests_name_the_project_and_respect_robots(runs):
    server = runs["server"]
    agents = {h.get("User-Agent") for _, h in server.requests}
    assert agents == {
        "police-misconduct-data-collector-test/0.1 "
        "(+https://example.org/police-misconduct-data/contact)"
    }
    paths = server.paths()
    assert not any(p.startswith("/private/") for p in paths)
    assert "/news/bus-lanes-approved" not in paths  # irrelevant items are never downloaded
    assert "/news/premier-league-results" not in paths
    assert paths.count("/robots.txt") == 2  # once per host per run


def test_retries_only_on_5xx_and_timeouts(runs):
    first_run = runs["server"].paths()[: len(runs["server"].paths()) - len(runs["second_requests"])]
    assert first_run.count("/news/flaky-police-chief-apologises") == 2
    assert first_run.count("/news/always-500-officers-cleared") == 2
    assert first_run.count("/news/slow-detective-hearing") == 2
    assert first_run.count("/news/missing-police-story") == 1
    assert first_run.count("/files/watchdog-annual-report.pdf") == 1
    assert first_run.count("/loop/a") == 1 and first_run.count("/loop/b") == 1


# -- the second run: idempotent --------------------------------------------------------------


def test_rerun_with_nothing_new_fetches_and_writes_nothing(runs):
    second = runs["second"]
    assert second.written == [] and not second.state_written
    assert runs["after_second"] == runs["after_first"]  # same bytes, same mtimes
    atom = second.row("watchdog-atom")
    assert atom.not_modified and atom.seen == 0
    assert "watchdog-atom (Watchdog News): seen 0" in render_plain(second)
    assert "[feed not modified (304)]" in render_plain(second)
    atom_requests = [h for p, h in runs["second_requests"] if p == "/atom.xml"]
    assert atom_requests[0].get("If-None-Match") == '"atom-v1"'
    assert atom_requests[0].get("If-Modified-Since") == "Wed, 06 Nov 2024 12:00:00 GMT"
    rss = second.row("courier-rss")
    # known: 2 collected + their twin + 5 remembered refusals (pdf, 404, loop, file:, size);
    # robots refusals and transient failures (5xx, timeout) are asked again on every run.
    assert (rss.fetched, rss.known, rss.failed) == (0, 8, 3)
    assert {reason for _, reason in rss.failures} == {
        "disallowed by robots.txt",
        "HTTP 500 after 2 attempts",
        "timeout (ReadTimeout) after 2 attempts",
    }
    requested = {p.split("?")[0] for p, _ in runs["second_requests"]}
    assert GMP_PATH not in requested and "/files/watchdog-annual-report.pdf" not in requested
    assert "/news/met-officer-misconduct-hearing" not in requested


def test_corrupt_state_file_is_a_clear_error(tmp_path):
    state = tmp_path / "raw" / "collected" / ".state.json"
    state.parent.mkdir(parents=True)
    state.write_text("{not json", encoding="utf-8")
    with pytest.raises(StateError, match="not valid JSON"):
        load_state(state)


def test_run_interrupted_before_saving_state_leaves_no_second_copy(tmp_path):
    server = FixtureServer()
    try:
        sources = write_sources(server, tmp_path, only=["watchdog-atom"])
        raw = tmp_path / "raw"
        first = collect_sources(sources, raw, now=NOW)
        before = {k for k in snapshot(raw) if not k.endswith(".state.json")}
        (raw / "collected" / ".state.json").unlink()  # as if the run died before saving it
        again = collect_sources(sources, raw, now=NOW)
    finally:
        server.close()
    assert first.written == again.written and len(first.written) == 2
    assert {k for k in snapshot(raw) if not k.endswith(".state.json")} == before


# -- end to end: collect then build ----------------------------------------------------------


@pytest.mark.slow
def test_collect_then_build_publishes_the_collected_incident_with_its_url(
    prefect_harness, tmp_path
):
    """The real Prefect flows: collect_flow fills raw/collected/, build_dataset publishes it."""
    pipeline = pytest.importorskip("flows.pipeline", reason="waiting for flows.pipeline")
    from flows.api import load_release
    from flows.collect_flow import collect_flow

    server = FixtureServer()
    try:
        sources = write_sources(server, tmp_path, only=["courier-rss"])
        raw, dataset = tmp_path / "raw", tmp_path / "dataset"
        dataset.mkdir()
        collected = collect_flow(sources_path=sources, raw_dir=raw)
    finally:
        server.close()
    assert collected["totals"]["fetched"] == 2
    pipeline.build_dataset(
        raw_dir=raw,
        dataset_dir=dataset,
        cache_dir=None,
        processes=1,
        created_at="2026-01-01T00:00:00+00:00",
    )
    tables = load_release("latest", dataset)
    url = f"{server.base}{GMP_PATH}"
    articles = tables["articles"]
    (article_id,) = articles.loc[articles["url"] == url, "article_id"]
    row = articles.set_index("article_id").loc[article_id]
    assert row["publisher"] == "Northern Courier"
    evidence = tables["evidence"]
    quotes = evidence.loc[evidence["article_id"] == article_id]
    assert len(quotes), "no evidence sentence extracted from the collected article"
    incidents = tables["incidents"].set_index("incident_id").loc[quotes["incident_id"].unique()]
    forces = " ".join(str(f) for f in incidents["police_forces"])
    assert "Greater Manchester" in forces
