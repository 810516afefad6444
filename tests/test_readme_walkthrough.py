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


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_readme_walkthrough_runs_line_by_line(tmp_path):
    script = (
        "set -euo pipefail\n"
        f'iamctl() {{ "{sys.executable}" -m iamctl "$@"; }}\n'
        + _walkthrough()
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "IAMCTL_STORE": str(tmp_path / "store.toml"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    for var in ("IAMCTL_ACCOUNT", "IAMCTL_OUTPUT"):
        env.pop(var, None)
    proc = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "not authorized to perform: rds:DescribeDBInstances" in proc.stderr
    assert "arn:aws:sts::232075047203:assumed-role/ExampleEC2Role/i-d7027cd1 is not authorized to perform: " \
           "dynamodb:Scan" in proc.stderr
    assert "arn:aws:sts::232075047203:assumed-role/ExampleEC2Role/i-d7027cd1 " in proc.stdout  # whoami
    assert (tmp_path / "credentials.csv").read_text().startswith("Access key ID,Secret access key\nAKIA")
    assert "210987654321" in proc.stdout  # the linked account is listed
