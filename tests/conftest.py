"""Shared fixtures: every test gets its own store and cache, and a way to run the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from iamctl.cli.main import run

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store path and cache of the test's own; nothing from the developer's machine."""
    store = tmp_path / "store.toml"
    monkeypatch.setenv("IAMCTL_STORE", str(store))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws" / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws" / "config"))
    for var in ("IAMCTL_ACCOUNT", "IAMCTL_OUTPUT", "NO_COLOR",
                "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    return store


@pytest.fixture
def store_path(isolated: Path) -> Path:
    return isolated


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run iamctl in-process: cli("user", "list", "--output", "json") → Result."""

    def invoke(*argv: str, stdin: str | None = None) -> Result:
        import io

        from iamctl.cli import env as env_module

        capsys.readouterr()
        old_stdin = sys.stdin
        if stdin is not None:
            sys.stdin = io.StringIO(stdin)
        try:
            code = run(list(argv))
        finally:
            sys.stdin = old_stdin
            env_module.set_current(env_module.Env())
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def account(cli) -> str:
    """A store with one account, 123456789012 (alias example-corp)."""
    result = cli("init", "--account-id", "123456789012", "--alias", "example-corp")
    assert result.code == 0, result.err
    return "123456789012"


def run_subprocess(*argv: str, stdin: str | None = None, env: dict | None = None) -> Result:
    """Run iamctl as a separate process, as a shell script would."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "iamctl", *argv], input=stdin, capture_output=True, text=True, env=full_env
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)
