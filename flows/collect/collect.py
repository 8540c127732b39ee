"""Collect new items of every source into raw/collected/<publisher>/<date>/<slug>.html + sidecar."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from flows.collect.feeds import FeedError, FeedItem, page_info, parse_feed
from flows.collect.fetch import Fetcher, FetchError, FetchResult
from flows.collect.relevance import police_term
from flows.collect.report import CollectReport, LogEntry, SourceRow
from flows.collect.sources import DEFAULT_SOURCES_PATH, Source, load_sources
from flows.collect.state import (
    STATE_FILENAME,
    CollectState,
    atomic_write_bytes,
    load_state,
    save_state,
)
from flows.collect.urls import article_slug, normalise_url, url_hash

COLLECTED_DIR = "collected"
SIDECAR_SUFFIX = ".meta.json"


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def date_folder(published: str | None, fetched_at: dt.datetime) -> str:
    """YYYY-MM-DD of publication when the feed or page gave one, else of the fetch."""
    if published and len(published) >= 10:
        try:
            return dt.date.fromisoformat(published[:10]).isoformat()
        except ValueError:
            pass
    return fetched_at.astimezone(dt.UTC).date().isoformat()


def sidecar_record(
    source: Source,
    item: FeedItem,
    page: FetchResult,
    *,
    canonical: str | None,
    title: str | None,
    published: str | None,
    fetched_at: dt.datetime,
    sha256: str,
) -> dict:
    """The `<file>.meta.json` the ingest stage reads (url, title, publisher, published...)."""
    return {
        "url": item.url,
        "final_url": page.final_url,
        "canonical_url": canonical,
        "title": title,
        "publisher": source.publisher,
        "published": published,
        "fetched_at": _iso(fetched_at),
        "http_status": page.status,
        "etag": page.etag,
        "last_modified": page.last_modified,
        "sha256": sha256,
        "content_type": page.content_type,
        "source": source.name,
        "feed_url": source.url,
        "summary": item.summary,
    }


def _target_path(
    out_dir: Path, source: Source, day: str, slug: str, url: str, content: bytes
) -> Path:
    """Where to save; a name taken by different bytes gets a short URL-hash suffix.

    A file with the very same bytes (left by a run that stopped before saving its state) is
    reused, so an interrupted run never leaves a second copy."""
    folder = out_dir / source.publisher_slug / day
    path = folder / f"{slug}.html"
    if path.exists() and path.read_bytes() != content:
        path = folder / f"{slug}-{url_hash(url)}.html"
    return path


class _SourceRun:
    """Collect one source into `out_dir`, updating `state`, `row` and `report`."""

    def __init__(
        self,
        source: Source,
        fetcher: Fetcher,
        state: CollectState,
        out_dir: Path,
        raw_dir: Path,
        report: CollectReport,
        row: SourceRow,
        now: Callable[[], dt.datetime],
    ):
        self.source, self.fetcher, self.state = source, fetcher, state
        self.out_dir, self.raw_dir, self.report, self.row, self.now = (
            out_dir,
            raw_dir,
            report,
            row,
            now,
        )

    def log(
        self, item: FeedItem, outcome: str, reason: str | None = None, path: str | None = None
    ) -> None:
        self.report.log.append(
            LogEntry(self.source.name, item.url, outcome, reason, path, item.title)
        )
        if outcome == "failed":
            self.row.failed += 1
            self.row.failures.append((item.url, reason or "unknown"))
        else:
            setattr(self.row, outcome, getattr(self.row, outcome) + 1)

    def run(self, max_items: int) -> None:
        source, validators = self.source, self.state.feeds.get(self.source.url, {})
        try:
            feed = self.fetcher.get_feed(
                source.url,
                source.kind,
                etag=validators.get("etag"),
                last_modified=validators.get("last_modified"),
            )
        except FetchError as exc:
            self.row.error = f"feed: {exc.reason}"
            return
        if feed.not_modified:
            self.row.not_modified = True
            return
        try:
            items = parse_feed(source.kind, feed.content, feed.final_url)
        except FeedError as exc:
            self.row.error = str(exc)
            return
        if feed.etag or feed.last_modified:
            self.state.feeds[source.url] = {"etag": feed.etag, "last_modified": feed.last_modified}
        else:
            self.state.feeds.pop(source.url, None)
        for item in items[:max_items]:
            self.row.seen += 1
            self.collect_item(item)

    def collect_item(self, item: FeedItem) -> None:
        source, state = self.source, self.state
        if source.filter == "police" and (item.title or item.summary):
            text = f"{item.title or ''}\n{item.summary or ''}"
            if police_term(text, source.extra_terms) is None:
                self.log(item, "irrelevant", "no police term in title or summary")
                return
        key = normalise_url(item.url)
        if key in state.urls:
            self.log(item, "known", _known_reason(state, key))
            return
        try:
            page = self.fetcher.get_page(item.url)
        except FetchError as exc:
            if exc.remember:
                state.urls[key] = {"status": "refused", "reason": exc.reason}
            self.log(item, "failed", exc.reason)
            return
        fetched_at = self.now()
        sha = hashlib.sha256(page.content).hexdigest()
        info = page_info(page.content, page.final_url)
        aliases = {normalise_url(page.final_url)}
        if info.canonical_url:
            aliases.add(normalise_url(info.canonical_url))
        aliases.discard(key)
        known_alias = next((a for a in sorted(aliases) if a in state.urls), None)
        if known_alias is not None:
            state.urls[key] = {"status": "alias", "of": known_alias}
            self.log(item, "known", f"same article as {known_alias} (canonical/redirect)")
            return
        if sha in state.hashes:
            state.urls[key] = {"status": "alias", "of_file": state.hashes[sha]}
            self.log(item, "known", f"same content as {state.hashes[sha]}")
            return
        title = item.title or info.title
        published = item.published or info.published
        day = date_folder(published, fetched_at)
        path = _target_path(
            self.out_dir, source, day, article_slug(item.url, title), item.url, page.content
        )
        meta = sidecar_record(
            source,
            item,
            page,
            canonical=info.canonical_url,
            title=title,
            published=published,
            fetched_at=fetched_at,
            sha256=sha,
        )
        sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
        atomic_write_bytes(
            sidecar, (json.dumps(meta, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
        )
        atomic_write_bytes(path, page.content)
        rel = path.relative_to(self.raw_dir).as_posix()
        state.urls[key] = {
            "status": "fetched",
            "path": rel,
            "sha256": sha,
            "fetched_at": meta["fetched_at"],
            "etag": page.etag,
            "last_modified": page.last_modified,
        }
        for alias in aliases:
            state.urls[alias] = {"status": "alias", "of": key}
        state.hashes[sha] = rel
        self.report.written.append(rel)
        retried = f"after retry: {'; '.join(page.retried)}" if page.retried else None
        self.log(item, "fetched", retried, rel)


def _known_reason(state: CollectState, key: str) -> str:
    record = state.urls[key]
    status = record.get("status")
    if status == "fetched":
        return f"already collected ({record.get('path')})"
    if status == "refused":
        return f"refused earlier: {record.get('reason')}"
    return f"already collected as {record.get('of') or record.get('of_file')}"


def collect_sources(
    sources_path: Path = DEFAULT_SOURCES_PATH,
    raw_dir: Path = Path("raw"),
    *,
    state_path: Path | None = None,
    client: httpx.Client | None = None,
    now: dt.datetime | Callable[[], dt.datetime] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    only: list[str] | None = None,
) -> CollectReport:
    """Collect every enabled source of `sources_path` into `raw_dir/collected/`.

    A failing source is reported and never stops the others. The state file (default
    `raw_dir/collected/.state.json`) is rewritten atomically, and only when it changed, so a
    rerun with nothing new fetches no article and writes nothing. `now` fixes the fetch time
    (a datetime, or a callable returning one); `only` restricts the run to named sources.
    """
    source_list = load_sources(Path(sources_path))
    raw_dir = Path(raw_dir)
    out_dir = raw_dir / COLLECTED_DIR
    state_path = Path(state_path) if state_path else out_dir / STATE_FILENAME
    state = load_state(state_path)
    if now is None:
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)  # noqa: E731
    elif isinstance(now, dt.datetime):
        fixed = now if now.tzinfo else now.replace(tzinfo=dt.UTC)
        clock = lambda: fixed  # noqa: E731
    else:
        clock = now
    report = CollectReport()
    settings = source_list.settings
    with Fetcher(settings, client, sleep=sleep) as fetcher:
        for source in source_list.sources:
            if not source.enabled or (only is not None and source.name not in only):
                continue
            row = SourceRow(source=source.name, publisher=source.publisher)
            report.rows.append(row)
            try:
                _SourceRun(source, fetcher, state, out_dir, raw_dir, report, row, clock).run(
                    settings.max_items_per_source
                )
            except Exception as exc:  # noqa: BLE001 - one broken source never stops the others
                row.error = f"unexpected {type(exc).__name__}: {exc}"
            if save_state(state, state_path):
                report.state_written = True
    return report
