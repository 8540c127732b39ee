"""The release's SQLite file served by Datasette on loopback: metadata loads and full-text search works."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx
import pytest
from test_site_data import HOSTILE_QUOTE, sample_context, sample_tables, write_release_basics

from flows.site import render_release_extras

pytest.importorskip("datasette", reason="datasette (dev dependency) is not installed")
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    staging = tmp_path_factory.mktemp("datasette") / "1.2.0"
    tables, _ = sample_tables()
    write_release_basics(staging, tables)
    render_release_extras(staging, tables, sample_context())
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        "incidents.sqlite",
        "--metadata",
        "datasette.json",
        "--port",
        str(port),
        "--host",
        "127.0.0.1",
    ]
    proc = subprocess.Popen(cmd, cwd=staging, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                pytest.fail(f"datasette exited with {proc.returncode}: {out[-2000:]}")
            try:
                if httpx.get(f"{base}/-/versions.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("datasette did not answer within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_full_text_search_through_the_json_api(server):
    r = httpx.get(
        f"{server}/incidents/evidence.json",
        params={"_search": "Okorogheye", "_shape": "array"},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    rows = r.json()
    assert len(rows) == 1
    assert "Richard Okorogheye" in rows[0]["quote"]
    assert rows[0]["evidence_id"].startswith("ev_")


def test_hostile_quote_round_trips_as_data(server):
    r = httpx.get(
        f"{server}/incidents/evidence.json",
        params={"_search": "tribunal", "_shape": "array"},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    assert [row["quote"] for row in r.json()] == [HOSTILE_QUOTE]


def test_metadata_is_served(server):
    meta = httpx.get(f"{server}/-/metadata.json", timeout=10).json()
    assert meta["license"] == "CC-BY-4.0"
    cols = meta["databases"]["incidents"]["tables"]["incidents"]["columns"]
    assert "allegation_status" in cols
    page = httpx.get(f"{server}/incidents/incidents", timeout=10)
    assert page.status_code == 200 and "CC-BY-4.0" in page.text
