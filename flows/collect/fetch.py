"""Polite, bounded HTTP fetching: robots.txt, per-host rate limit, manual redirects, size cap."""

from __future__ import annotations

import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from flows.collect.sources import Settings
from flows.collect.urls import ALLOWED_SCHEMES, is_http_url, resolve

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
XML_TYPES = frozenset(
    {
        "application/xml",
        "text/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/x-rss+xml",
    }
)
TEXT_TYPES = frozenset({"text/plain"})
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})


class FetchError(Exception):
    """A fetch that did not produce a usable body; `reason` is what the report prints."""

    def __init__(
        self,
        reason: str,
        *,
        transient: bool = False,
        status: int | None = None,
        remember: bool | None = None,
    ):
        super().__init__(reason)
        self.reason = reason
        self.transient = transient
        self.status = status
        # Whether the refusal is a property of the URL itself, worth recording in the state so
        # later runs do not ask again (content type, size, redirect scheme/loop, 404/410).
        if remember is None:
            remember = not transient and (status is None or status in (404, 410))
        self.remember = remember


@dataclass
class FetchResult:
    """A successful response (200 with a body, or 304 Not Modified with none)."""

    url: str
    final_url: str
    status: int
    content: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    redirects: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)  # reasons of failed attempts before this

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def media_type(header: str | None) -> str | None:
    """`text/html; charset=utf-8` -> `text/html`."""
    if not header:
        return None
    return header.split(";", 1)[0].strip().lower() or None


def content_type_refusal(
    mtype: str | None, body_start: bytes, accept: frozenset[str]
) -> str | None:
    """Why a response's content type is refused (None when it is acceptable)."""
    if mtype is None:
        return None if body_start.lstrip()[:1] == b"<" else "no content type and not markup"
    if mtype in accept or mtype.endswith("+xml") and XML_TYPES & accept:
        return None
    return f"refused content type {mtype}"


class Fetcher:
    """Wraps an httpx.Client with the project's politeness rules; one per collection run."""

    def __init__(
        self,
        settings: Settings,
        client: httpx.Client | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.settings = settings
        self._own_client = client is None
        self.client = client or httpx.Client(timeout=httpx.Timeout(settings.timeout_seconds))
        self._sleep = sleep
        self._clock = clock
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | str] = {}

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- politeness -------------------------------------------------------------------------
    def _wait_for_host(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        last = self._last_request.get(host)
        if last is not None:
            wait = self.settings.min_interval_seconds - (self._clock() - last)
            if wait > 0:
                self._sleep(wait)
        self._last_request[host] = self._clock()

    def _robots_for(self, url: str) -> urllib.robotparser.RobotFileParser | str:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            robots_url = origin + "/robots.txt"
            parser = urllib.robotparser.RobotFileParser(robots_url)
            try:
                result = self._get(
                    robots_url,
                    accept=TEXT_TYPES | HTML_TYPES | XML_TYPES,
                    check_robots=False,
                    sniff=False,
                )
                parser.parse(result.content.decode("utf-8", "replace").splitlines())
            except FetchError as exc:
                if (
                    exc.status is not None
                    and 400 <= exc.status < 500
                    and exc.status not in (401, 403)
                ):
                    parser.parse([])  # no robots.txt: everything allowed
                elif exc.status in (401, 403):
                    # set by RobotFileParser.read() on 401/403 too; typeshed omits the attribute
                    parser.disallow_all = True  # type: ignore[attr-defined]
                    parser.modified()
                else:  # unreachable or 5xx: RFC 9309 says assume complete disallow
                    self._robots[origin] = f"robots.txt unavailable ({exc.reason})"
                    return self._robots[origin]
            self._robots[origin] = parser
        return self._robots[origin]

    def check_robots(self, url: str) -> None:
        """Raise FetchError when robots.txt of `url`'s host forbids it to our user agent."""
        rules = self._robots_for(url)
        if isinstance(rules, str):
            raise FetchError(rules, transient=True, remember=False)
        if not rules.can_fetch(self.settings.user_agent, url):
            raise FetchError("disallowed by robots.txt", remember=False)

    # -- one request -----------------------------------------------------------------------
    def _request_once(
        self, url: str, headers: dict[str, str], accept: frozenset[str], sniff: bool
    ) -> httpx.Response | FetchResult:
        self._wait_for_host(url)
        limit = self.settings.max_bytes
        deadline = self._clock() + self.settings.timeout_seconds * 3
        try:
            with self.client.stream("GET", url, headers=headers, follow_redirects=False) as resp:
                if resp.status_code in REDIRECT_CODES or resp.status_code == 304:
                    return resp
                if resp.status_code >= 400:
                    raise FetchError(
                        f"HTTP {resp.status_code}",
                        status=resp.status_code,
                        transient=resp.status_code >= 500,
                    )
                if resp.status_code != 200:
                    raise FetchError(f"unexpected HTTP {resp.status_code}", status=resp.status_code)
                declared = resp.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > limit:
                    raise FetchError(f"body over size limit ({declared} > {limit} bytes)")
                mtype = media_type(resp.headers.get("content-type"))
                if mtype is not None and sniff:
                    refusal = content_type_refusal(mtype, b"<", accept)
                    if refusal:
                        raise FetchError(refusal)
                chunks: list[bytes] = []
                size = 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise FetchError(f"body over size limit (> {limit} bytes)")
                    if self._clock() > deadline:
                        raise FetchError("timeout (body too slow)", transient=True)
                    chunks.append(chunk)
                body = b"".join(chunks)
                if sniff:
                    refusal = content_type_refusal(mtype, body[:64], accept)
                    if refusal:
                        raise FetchError(refusal)
                return FetchResult(
                    url=url,
                    final_url=url,
                    status=200,
                    content=body,
                    content_type=mtype,
                    etag=resp.headers.get("etag"),
                    last_modified=resp.headers.get("last-modified"),
                )
        except httpx.TimeoutException as exc:
            raise FetchError(f"timeout ({type(exc).__name__})", transient=True) from exc
        except httpx.TransportError as exc:
            raise FetchError(
                f"network error ({type(exc).__name__}: {exc})", transient=True
            ) from exc

    def _with_retries(
        self, url: str, headers: dict[str, str], accept: frozenset[str], sniff: bool
    ) -> httpx.Response | FetchResult:
        attempts = self.settings.retries + 1
        failed: list[str] = []
        for attempt in range(1, attempts + 1):
            try:
                outcome = self._request_once(url, headers, accept, sniff)
                if isinstance(outcome, FetchResult):
                    outcome.retried = failed
                return outcome
            except FetchError as exc:
                failed.append(exc.reason)
                if not exc.transient or attempt == attempts:
                    if exc.transient and attempts > 1:
                        exc.reason = f"{exc.reason} after {attempts} attempts"
                        exc.args = (exc.reason,)
                    raise
                self._sleep(self.settings.backoff_seconds * 2 ** (attempt - 1))
        raise AssertionError("unreachable")  # pragma: no cover

    # -- public ----------------------------------------------------------------------------
    def _get(
        self,
        url: str,
        *,
        accept: frozenset[str],
        etag: str | None = None,
        last_modified: str | None = None,
        check_robots: bool = True,
        sniff: bool = True,
    ) -> FetchResult:
        headers = {
            "User-Agent": self.settings.user_agent_header,
            "Accept": ", ".join(sorted(accept)),
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        seen = [url]
        for _ in range(self.settings.max_redirects + 1):
            if not is_http_url(current):
                raise FetchError(f"not an http(s) URL: {current}")
            if check_robots:
                self.check_robots(current)
            outcome = self._with_retries(current, headers, accept, sniff)
            if isinstance(outcome, FetchResult):
                outcome.url, outcome.final_url, outcome.redirects = url, current, seen[1:]
                return outcome
            if outcome.status_code == 304:
                return FetchResult(
                    url=url,
                    final_url=current,
                    status=304,
                    content=b"",
                    content_type=None,
                    etag=outcome.headers.get("etag") or etag,
                    last_modified=outcome.headers.get("last-modified") or last_modified,
                    redirects=seen[1:],
                )
            location = outcome.headers.get("location")
            if not location:
                raise FetchError(f"HTTP {outcome.status_code} redirect without Location")
            target = resolve(current, location)
            scheme = urlsplit(target).scheme.lower()
            if scheme not in ALLOWED_SCHEMES:
                raise FetchError(f"redirect to disallowed scheme {scheme or '(none)'}: {target}")
            if target in seen:
                raise FetchError(f"redirect loop ({' -> '.join(seen + [target])})")
            seen.append(target)
            current = target
        raise FetchError(f"too many redirects (> {self.settings.max_redirects})")

    def get_feed(
        self, url: str, kind: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """Fetch a feed/sitemap (XML) or a URL list (plain text), conditionally."""
        accept = TEXT_TYPES | HTML_TYPES if kind == "urls" else XML_TYPES | HTML_TYPES
        return self._get(
            url, accept=accept, etag=etag, last_modified=last_modified, sniff=kind != "urls"
        )

    def get_page(self, url: str) -> FetchResult:
        """Fetch an article page: HTML or XML only."""
        return self._get(url, accept=HTML_TYPES | XML_TYPES)
