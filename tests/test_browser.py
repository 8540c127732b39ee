"""The release page in headless Chromium opened from disk: no network, no console errors, filters work.

Drives Chromium over the DevTools protocol (websocket on loopback) and saves screenshots at desktop
and phone width to $PMD_SCREENSHOT_DIR (default: the test's tmp dir). To screenshot a real release
instead of the fixture, set PMD_SCREENSHOT_RELEASE to a release directory holding index.html.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from test_site_data import HOSTILE_QUOTE, sample_context, sample_tables, write_release_basics

from flows.site import render_release_extras

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = os.environ.get("PMD_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    "--hide-scrollbars",
]
VIEWPORTS = {"desktop": (1280, 900, False), "phone": (390, 844, True)}


class DevTools:
    """A minimal synchronous Chrome DevTools Protocol client for one page target."""

    def __init__(self, ws_url: str):
        from websockets.sync.client import connect

        self.ws = connect(ws_url, max_size=None, open_timeout=20)
        self.next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, timeout: float = 30, **params) -> dict:
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            msg = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_for(self, event: str, timeout: float = 30) -> dict:
        for e in self.events:
            if e["method"] == event:
                return e
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if "method" in msg:
                self.events.append(msg)
                if msg["method"] == event:
                    return msg
        raise TimeoutError(f"no {event} within {timeout} s")

    def js(self, expression: str):
        r = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression!r} threw {r['exceptionDetails']}")
        return r["result"].get("value")

    def settle(self, seconds: float = 0.3) -> None:
        """Collect events for a moment (the page's handlers run synchronously; this catches stragglers)."""
        self.js(f"new Promise(r => setTimeout(r, {int(seconds * 1000)}))")

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        self.ws.close()


@pytest.fixture(scope="module")
def page_path(tmp_path_factory) -> Path:
    real = os.environ.get("PMD_SCREENSHOT_RELEASE")
    if real:
        path = Path(real) / "index.html"
        if not path.exists():
            pytest.fail(f"PMD_SCREENSHOT_RELEASE={real} has no index.html")
        return path
    staging = tmp_path_factory.mktemp("browser") / "1.2.0"
    tables, _ = sample_tables()
    write_release_basics(staging, tables)
    render_release_extras(staging, tables, sample_context())
    return staging / "index.html"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        reason = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
        print(reason)
        pytest.skip(reason)
    profile = tmp_path_factory.mktemp("chromium-profile")
    proc = subprocess.Popen(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={profile}",
            "--remote-debugging-port=0",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Chromium did not start its DevTools endpoint (exit {proc.poll()})")
            time.sleep(0.1)
        port = int(port_file.read_text().splitlines()[0])
        targets = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json()
        ws_url = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
        cdp = DevTools(ws_url)
        try:
            yield cdp
        finally:
            cdp.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def loaded(browser, page_path):
    for domain in ("Page", "Runtime", "Network", "Log"):
        browser.call(f"{domain}.enable")
    width, height, mobile = VIEWPORTS["desktop"]
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=height,
        deviceScaleFactor=1,
        mobile=mobile,
    )
    browser.events.clear()
    browser.call("Page.navigate", url=page_path.as_uri())
    browser.wait_for("Page.loadEventFired")
    browser.settle()
    return browser


def _visible_rows(cdp: DevTools) -> int:
    return cdp.js(
        "[...document.querySelectorAll('#incident-rows > tr')]"
        ".filter(tr => tr.offsetParent !== null).length"
    )


def _set(cdp: DevTools, selector: str, value: str, event: str) -> None:
    cdp.js(
        f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
        f" e.value = {json.dumps(value)};"
        f" e.dispatchEvent(new Event({json.dumps(event)}, {{bubbles: true}})); }})()"
    )


def test_page_renders_charts_and_table(loaded, page_path):
    assert loaded.js("document.querySelectorAll('svg.chart').length") == 3
    assert loaded.js("document.querySelectorAll('svg.chart title').length") >= 3
    total = loaded.js("JSON.parse(document.getElementById('incident-data').textContent).length")
    assert _visible_rows(loaded) == min(total, 200)
    assert loaded.js("document.querySelector('h1').textContent").startswith("Police misconduct")


def test_search_and_filters_narrow_the_table(loaded, page_path):
    if os.environ.get("PMD_SCREENSHOT_RELEASE"):
        pytest.skip("filter assertions are written for the fixture release")
    _set(loaded, "#q", "okorogheye", "input")
    assert _visible_rows(loaded) == 1
    assert "1 of 7" in loaded.js("document.getElementById('status').textContent")
    _set(loaded, "#q", "", "input")
    assert _visible_rows(loaded) == 7
    _set(loaded, "#category", "strip_search", "change")
    assert _visible_rows(loaded) == 1
    _set(loaded, "#category", "", "change")
    _set(loaded, "#force", "Metropolitan Police Service", "change")
    assert _visible_rows(loaded) == 5
    _set(loaded, "#year", "2022", "change")
    assert _visible_rows(loaded) == 2
    _set(loaded, "#force", "", "change")
    _set(loaded, "#year", "unknown", "change")
    assert _visible_rows(loaded) == 1
    _set(loaded, "#year", "", "change")
    assert _visible_rows(loaded) == 7


def test_evidence_opens_as_text_with_safe_links(loaded, page_path):
    if os.environ.get("PMD_SCREENSHOT_RELEASE"):
        pytest.skip("evidence assertions are written for the fixture release")
    loaded.js("document.querySelectorAll('#incident-rows details').forEach(d => d.open = true)")
    loaded.settle()
    quotes = loaded.js(
        "[...document.querySelectorAll('#incident-rows blockquote')].map(b => b.textContent)"
    )
    assert HOSTILE_QUOTE in quotes
    assert (
        loaded.js(
            "document.querySelectorAll('img, #incident-rows script, #incident-rows b').length"
        )
        == 0
    )
    links = loaded.js("[...document.querySelectorAll('#incident-rows a')].map(a => a.href)")
    assert links == ["https://news.example.org/2021/officer-court?id=1&x=%3C2%3E"]
    assert not [e for e in loaded.events if e["method"] == "Page.javascriptDialogOpening"]
    loaded.js("document.querySelectorAll('#incident-rows details').forEach(d => d.open = false)")


def test_no_network_and_no_console_errors(loaded):
    loaded.settle()
    urls = [
        e["params"]["request"]["url"]
        for e in loaded.events
        if e["method"] == "Network.requestWillBeSent"
    ]
    assert urls, "the page load itself should be seen"
    assert [u for u in urls if not u.startswith("file://")] == []
    errors = [e for e in loaded.events if e["method"] == "Runtime.exceptionThrown"]
    errors += [
        e
        for e in loaded.events
        if e["method"] == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert")
    ]
    errors += [
        e
        for e in loaded.events
        if e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"
    ]
    assert errors == []


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_screenshots_and_no_sideways_scroll(loaded, viewport, tmp_path):
    out = Path(os.environ.get("PMD_SCREENSHOT_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    width, height, mobile = VIEWPORTS[viewport]
    loaded.call(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=height,
        deviceScaleFactor=1,
        mobile=mobile,
    )
    loaded.js("window.scrollTo(0, 0)")
    loaded.settle()
    assert loaded.js("document.documentElement.scrollWidth") <= width
    loaded.screenshot(out / f"{viewport}.png")
    loaded.js(
        "document.querySelector('#incident-rows details').open = true;"
        "document.getElementById('incidents').scrollIntoView()"
    )
    loaded.settle()
    loaded.screenshot(out / f"{viewport}-incidents.png")
    loaded.js("document.querySelector('#incident-rows details').open = false")
    for name in (f"{viewport}.png", f"{viewport}-incidents.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
