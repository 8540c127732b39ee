"""Fetcher rules on an in-process httpx transport: robots.txt failures, redirects, sizes."""

from __future__ import annotations

import httpx
import pytest

from flows.collect.fetch import Fetcher, FetchError
from flows.collect.sources import Settings

SETTINGS = Settings(
    user_agent="pmd-test/0",
    contact_url="https://example.org/c",
    min_interval_seconds=0,
    timeout_seconds=1,
    retries=1,
    backoff_seconds=0,
    max_bytes=1000,
    max_redirects=2,
)
PAGE = b"<html><body><p>Police page</p></body></html>"


def fetcher(routes: dict[str, httpx.Response], calls: list[str]) -> Fetcher:
    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return routes.get(request.url.path, httpx.Response(404))

    return Fetcher(
        SETTINGS, httpx.Client(transport=httpx.MockTransport(handler)), sleep=lambda s: None
    )


def html(body: bytes = PAGE, **headers) -> httpx.Response:
    return httpx.Response(200, content=body, headers={"content-type": "text/html", **headers})


def test_missing_robots_allows_everything():
    calls: list[str] = []
    result = fetcher({"/a": html()}, calls).get_page("https://news.example/a")
    assert result.content == PAGE and calls == [
        "https://news.example/robots.txt",
        "https://news.example/a",
    ]


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (503, "robots.txt unavailable (HTTP 503 after 2 attempts)"),
        (403, "disallowed by robots.txt"),
    ],
)
def test_unreadable_robots_means_disallowed(status, reason):
    calls: list[str] = []
    f = fetcher({"/robots.txt": httpx.Response(status), "/a": html()}, calls)
    with pytest.raises(FetchError) as err:
        f.get_page("https://news.example/a")
    assert err.value.reason == reason and not err.value.remember
    assert "https://news.example/a" not in calls


def test_robots_is_checked_on_every_redirect_target():
    calls: list[str] = []
    routes = {
        "/robots.txt": httpx.Response(
            200, text="User-agent: *\nDisallow: /secret\n", headers={"content-type": "text/plain"}
        ),
        "/a": httpx.Response(301, headers={"location": "/secret/page"}),
    }
    with pytest.raises(FetchError, match="disallowed by robots.txt"):
        fetcher(routes, calls).get_page("https://news.example/a")
    assert not any("/secret" in c for c in calls)


def test_too_many_redirects_and_declared_oversize_are_refused():
    calls: list[str] = []
    routes = {f"/r{i}": httpx.Response(302, headers={"location": f"/r{i + 1}"}) for i in range(5)}
    with pytest.raises(FetchError, match=r"too many redirects \(> 2\)"):
        fetcher(routes, calls).get_page("https://news.example/r0")
    big = html(b"<p>" + b"x" * 2000 + b"</p>")
    with pytest.raises(FetchError, match=r"body over size limit \(2007 > 1000 bytes\)"):
        fetcher({"/big": big}, []).get_page("https://news.example/big")


def test_non_http_urls_and_4xx_are_not_retried():
    calls: list[str] = []
    f = fetcher({"/gone": httpx.Response(410), "/busy": httpx.Response(429)}, calls)
    with pytest.raises(FetchError, match="not an http"):
        f.get_page("ftp://news.example/a")
    with pytest.raises(FetchError) as err:
        f.get_page("https://news.example/gone")
    assert err.value.reason == "HTTP 410" and err.value.remember
    with pytest.raises(FetchError) as err:
        f.get_page("https://news.example/busy")
    assert err.value.reason == "HTTP 429" and not err.value.remember
    assert calls.count("https://news.example/gone") == 1
    assert calls.count("https://news.example/busy") == 1


def test_feed_conditional_headers_and_304():
    seen: dict[str, str] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/rss":
            seen.update(request.headers)
            return httpx.Response(304, headers={"etag": '"v2"'})
        return httpx.Response(404)

    f = Fetcher(SETTINGS, httpx.Client(transport=httpx.MockTransport(handler)))
    result = f.get_feed(
        "https://news.example/rss",
        "rss",
        etag='"v1"',
        last_modified="Wed, 06 Nov 2024 12:00:00 GMT",
    )
    assert result.not_modified and result.etag == '"v2"'
    assert seen["if-none-match"] == '"v1"'
    assert seen["if-modified-since"] == "Wed, 06 Nov 2024 12:00:00 GMT"
    assert seen["user-agent"] == "pmd-test/0 (+https://example.org/c)"


def test_per_host_rate_limit_waits_between_requests_to_one_host():
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    def handler(request: httpx.Request) -> httpx.Response:
        return html() if request.url.path != "/robots.txt" else httpx.Response(404)

    settings = Settings(min_interval_seconds=5, retries=0)
    f = Fetcher(
        settings,
        httpx.Client(transport=httpx.MockTransport(handler)),
        sleep=sleep,
        clock=lambda: now[0],
    )
    f.get_page("https://one.example/a")  # robots.txt then /a: one wait of 5 s
    f.get_page("https://two.example/a")  # another host: its own robots.txt, then a wait
    f.get_page("https://one.example/b")  # 5 s have already passed on one.example: no wait
    assert slept == [5.0, 5.0]
