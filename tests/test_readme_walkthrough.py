"""The README's walk-through runs as written (as .ci/run does for the quick start)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def _walkthrough() -> str:
    text = (ROOT / "README.md").read_text()
    found = re.search(r"<!-- walkthrough -->\n```sh\n(.*?)```", text, re.S)
    assert found, "README.md has no walk-through block"
    return found.group(1)


def _quickstart_commands() -> str:
    text = (ROOT / "README.md").read_text()
    found = re.search(r"<!-- quickstart -->\n```sh\n(.*?)```", text, re.S)
    assert found, "README.md has no quick start block"
    return found.group(1).split("pip install . && ", 1)[1]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_readme_walkthrough_runs_line_by_line_after_the_quick_start(tmp_path):
    script = (
        "set -euo pipefail\n"
        f'iamctl() {{ "{sys.executable}" -m iamctl "$@"; }}\n'
        + _quickstart_commands()
        + "cp ~/.local/share/iamctl/store.toml quickstart-copy.toml\n"
        + _walkthrough()
    )
    # The quick start's store is the default one; the walk-through must not collide with it.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    for var in ("IAMCTL_ACCOUNT", "IAMCTL_OUTPUT", "IAMCTL_STORE", "XDG_DATA_HOME"):
        env.pop(var, None)
    proc = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "not authorized to perform: rds:DescribeDBInstances" in proc.stderr
    assert "arn:aws:sts::232075047203:assumed-role/ExampleEC2Role/i-d7027cd1 is not authorized to perform: " \
           "dynamodb:Scan" in proc.stderr
    assert "arn:aws:sts::232075047203:assumed-role/ExampleEC2Role/i-d7027cd1 " in proc.stdout  # whoami
    assert (tmp_path / "credentials.csv").read_text().startswith("Access key ID,Secret access key\nAKIA")
    assert "210987654321" in proc.stdout  # the linked account is listed
    quickstart_store = tmp_path / ".local" / "share" / "iamctl" / "store.toml"
    assert quickstart_store.read_bytes() == (tmp_path / "quickstart-copy.toml").read_bytes()
    assert "232075047203" in (tmp_path / "book.toml").read_text()
