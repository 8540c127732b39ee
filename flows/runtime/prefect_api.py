"""A local Prefect API started at the very beginning of a command, while the pipeline imports.

Without `PREFECT_API_URL`, Prefect starts a temporary ("ephemeral") API server the first time a
flow runs: it imports its whole server application into the build's process, then starts the
same application in a subprocess and waits for it. On this project's 2-core machine that costs
9-20 s of every cold `pmd build`, after the 5-13 s of importing the pipeline, one after the other.

`start_local_api()` starts that same server subprocess (Prefect's own command line for it, the
same database under `PREFECT_HOME`) before anything heavy is imported, and points
`PREFECT_API_URL` at it, so the server starts on the second core while the first imports the
pipeline, and the build's process never imports Prefect's server. `wait()` then blocks until its
health check answers. If the server cannot start, the command falls back to Prefect's own
ephemeral server, as before. A user who set `PREFECT_API_URL` (a running server, as deployments
have) is left alone.

This module does not import Prefect: the URL must be in the environment before Prefect reads its
settings.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

API_URL_VARIABLE = "PREFECT_API_URL"
STARTUP_TIMEOUT_VARIABLE = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command(port: int) -> list[str]:
    """Prefect's own command line for its temporary server (prefect.server.api.server)."""
    spec = importlib.util.find_spec("prefect")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("prefect is not installed")
    app_dir = Path(next(iter(spec.submodule_search_locations))).parent
    return [
        sys.executable, "-m", "uvicorn", "--app-dir", str(app_dir), "--factory",
        "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
        "--log-level", "error", "--lifespan", "on",
    ]  # fmt: skip


class LocalApi:
    """A Prefect API server subprocess this command started; `wait()` before the first flow."""

    def __init__(self, process: subprocess.Popen[bytes], url: str) -> None:
        self.process = process
        self.url = url

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/health", timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def wait(self, timeout: float | None = None) -> bool:
        """True once the server answers; False if it cannot (stopped, `PREFECT_API_URL` unset)."""
        limit = (
            timeout if timeout is not None else float(os.environ.get(STARTUP_TIMEOUT_VARIABLE, 180))
        )
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if self.healthy():
                return True
            time.sleep(0.1)
        self.stop()
        if os.environ.get(API_URL_VARIABLE) == self.url:
            del os.environ[API_URL_VARIABLE]
        return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_local_api() -> LocalApi | None:
    """Start the local API now (None when `PREFECT_API_URL` is set or Prefect was imported).

    The server is stopped when the interpreter exits, after Prefect's own exit handlers (they
    were registered later, so they run first) have sent the last logs and events to it.
    """
    if os.environ.get(API_URL_VARIABLE) or "prefect" in sys.modules:
        return None
    port = _free_port()
    env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1"}
    env["PREFECT__SERVER_FINAL"] = "1"
    api = LocalApi(subprocess.Popen(server_command(port), env=env), f"http://127.0.0.1:{port}/api")
    atexit.register(api.stop)
    os.environ[API_URL_VARIABLE] = api.url
    return api
