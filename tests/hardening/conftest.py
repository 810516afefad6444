"""Helpers for the hardening tests: iamctl as a real process, with its streams as a shell
would set them up (closed, full, a reader that leaves)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, Result


def process_env() -> dict[str, str]:
    """The test's environment (its own store and cache) for a child process."""
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def shell(script: str, *argv: str) -> Result:
    """Run `sh -c SCRIPT` where "$@" is `python -m iamctl ARGV...` (redirections in SCRIPT)."""
    proc = subprocess.run(
        ["sh", "-c", script, "sh", sys.executable, "-m", "iamctl", *argv],
        capture_output=True, text=True, env=process_env(),
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def small_store(cli) -> None:
    """A store with account 123456789012 and a user alice."""
    assert cli("init", "--account-id", "123456789012").code == 0
    assert cli("user", "create", "alice").code == 0


def users_in_store(cli) -> list[str]:
    result = cli("user", "list", "--output", "json", "--query", "Users[].UserName")
    assert result.code == 0, result.err
    import json

    return json.loads(result.out)
