"""Every Python and SQL snippet in the README runs against the committed release."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"```(python|sql|r)\n(.*?)```", re.S)


def _blocks(lang: str) -> list[str]:
    return [
        body for kind, body in BLOCK.findall(README.read_text(encoding="utf-8")) if kind == lang
    ]


def _latest(root: Path) -> str:
    return json.loads((root / "dataset" / "index.json").read_text())["latest"]


@pytest.fixture(autouse=True)
def _in_repo(root: Path, monkeypatch):
    if not (root / "dataset" / "index.json").exists():
        pytest.fail("no committed release: run `pmd build`")
    monkeypatch.chdir(root)


@pytest.mark.parametrize("index", range(len(_blocks("python"))))
def test_python_snippet_runs(index: int, capsys):
    code = _blocks("python")[index]
    exec(compile(code, f"README.md python block {index}", "exec"), {"__name__": "__readme__"})
    assert capsys.readouterr().out.strip(), "each snippet prints something"


@pytest.mark.parametrize("index", range(len(_blocks("sql"))))
def test_sql_snippet_runs_in_duckdb(index: int, root: Path):
    import duckdb

    sql = _blocks("sql")[index].replace("LATEST", _latest(root))
    con = duckdb.connect()
    statements = [
        s for s in sql.split(";") if s.strip() and not s.strip().startswith("--") or "SELECT" in s
    ]
    for statement in statements:
        if "SELECT" in statement:
            rows = con.execute(statement).fetchall()
            assert rows, f"query returned nothing: {statement.strip()[:80]}"


def test_r_read_csv_snippet(root: Path):
    rscript = shutil.which("Rscript")
    if rscript is None:
        pytest.skip(
            "R is not installed here (Debian package r-base-core); the R snippet is not run"
        )
    code = _blocks("r")[0].replace("1.0.0", _latest(root))
    code = "\n".join(
        line for line in code.splitlines() if "arrow" not in line
    )  # arrow for R needs CRAN
    code += "\nstopifnot(nrow(incidents_csv) > 0)\ncat(nrow(incidents_csv))\n"
    out = subprocess.run(
        [rscript, "-e", code], cwd=root, capture_output=True, text=True, env=os.environ
    )
    assert out.returncode == 0, out.stderr
