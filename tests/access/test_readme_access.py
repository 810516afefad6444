"""README's "Questions about access" runs as written, and its picture is what access graph draws."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def _block(marker: str, lang: str) -> str:
    text = (ROOT / "README.md").read_text()
    found = re.search(rf"<!-- {marker} -->\n```{lang}\n(.*?)```", text, re.S)
    assert found, f"README.md has no {marker} block"
    return found.group(1)


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_access_example_runs_and_the_picture_matches(tmp_path):
    script = "set -euo pipefail\n" + f'iamctl() {{ "{sys.executable}" -m iamctl "$@"; }}\n' + _block(
        "access-example", "sh") + "iamctl access graph\n"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "IAMCTL_STORE": str(tmp_path / "store.toml"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    for var in ("IAMCTL_ACCOUNT", "IAMCTL_OUTPUT"):
        env.pop(var, None)
    proc = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    readme = (ROOT / "README.md").read_text()
    for line in ("arn:aws:iam::111122223333:user/alice\tsts:AssumeRole\tconditional\taws:MultiFactorAuthPresent "
                 "(allowed with aws:MultiFactorAuthPresent=true)",
                 "user/alice\trole/Deploy\t1\tuser/alice -[assume-role]-> role/Deploy",
                 "user/mallory\tadmin\t1\tuser/mallory -[self-escalation]-> admin"):
        assert line in proc.stdout and line in readme
    assert proc.stdout.endswith(_block("access-graph", "mermaid"))
