"""The `pmd` command line: every command has help text with an example."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()
COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)


def test_there_are_commands_for_build_verify_and_serve():
    assert {"build", "verify", "validate", "serve"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example: pmd " in result.output
    assert len(result.output.splitlines()) > 3


def test_docs_check_passes_on_the_committed_dictionary():
    result = runner.invoke(app, ["docs", "--check"])
    assert result.exit_code == 0, result.output
