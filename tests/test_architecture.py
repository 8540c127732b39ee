"""The layout's boundaries are a checked contract (import-linter, configured in pyproject.toml)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the two packages and the contracts, to break on purpose."""
    for name in ("flows", "schemas"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_contracts_hold_on_the_repository(tree):
    result = _lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("flows/extract/_probe.py", "import prefect\n", "do not import Prefect"),
        ("flows/link/_probe.py", "from flows.publish import release\n", "publishing or the site"),
        ("schemas/_probe.py", "import flows.core.model\n", "import nothing from the pipeline"),
        ("flows/ingest/_probe.py", "from flows.extract import pipeline\n", "Layers go one way"),
    ],
)
def test_a_stage_module_crossing_a_boundary_fails_the_linter(tree, module, line, contract):
    (tree / module).write_text(f'"""A deliberate violation."""\n\n{line}', encoding="utf-8")
    result = _lint(tree)
    assert result.returncode != 0
    broken = [ln for ln in result.stdout.splitlines() if ln.endswith("BROKEN")]
    assert any(contract in ln for ln in broken), result.stdout
