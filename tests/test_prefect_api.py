"""The local Prefect API a cold `pmd build` starts while the pipeline imports (runtime/prefect_api)."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from flows.runtime.prefect_api import API_URL_VARIABLE, LocalApi, start_local_api

ROOT = Path(__file__).resolve().parents[1]


def test_a_configured_api_is_left_alone(monkeypatch):
    monkeypatch.setenv(API_URL_VARIABLE, "http://127.0.0.1:4200/api")
    assert start_local_api() is None
    assert os.environ[API_URL_VARIABLE] == "http://127.0.0.1:4200/api"


def test_a_server_that_cannot_start_gives_the_url_back(monkeypatch):
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    api = LocalApi(process, "http://127.0.0.1:9/api")
    monkeypatch.setenv(API_URL_VARIABLE, api.url)
    assert api.wait(timeout=30) is False
    assert API_URL_VARIABLE not in os.environ


def test_the_server_answers_then_stops_when_the_command_exits(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    script = (
        "import flows, sys\n"
        "from flows.runtime.prefect_api import start_local_api\n"
        "api = start_local_api()\n"
        "assert 'prefect' not in sys.modules\n"
        "print(api.url, api.wait(), flush=True)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=240,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    url, ready = out.stdout.split()[-2:]
    assert ready == "True" and url.startswith("http://127.0.0.1:")
    with pytest.raises(OSError):  # stopped at exit: nothing listens any more
        urllib.request.urlopen(url + "/health", timeout=5)
