"""The man page, completions and README must keep up with the commands."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT


def _leaves() -> list[tuple[str, ...]]:
    sys.path.insert(0, str(ROOT / "scripts"))
    import gen_docs

    tree = gen_docs.command_tree()
    return [path for path, cmd in gen_docs.walk(tree) if path and not getattr(cmd, "commands", None)]


def test_generated_docs_are_up_to_date() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_docs.py"), "--check"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr


def test_every_command_is_in_the_readme_table() -> None:
    rows = [line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| `iamctl ")]
    missing = []
    for path in _leaves():
        words = set()
        found = False
        for row in rows:
            cell = row.replace("\\|", " ").split("|")[1]
            words = set(re.findall(r"[a-z][a-z0-9-]*", cell))
            if f"iamctl {path[0]}" in cell and set(path) <= words:
                found = True
                break
        if not found:
            missing.append(" ".join(path))
    assert not missing, f"commands missing from README's table: {missing}"


def test_every_command_has_help_with_text() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import gen_docs

    tree = gen_docs.command_tree()
    empty = [" ".join(p) for p, cmd in gen_docs.walk(tree) if p and not (cmd.help or "").strip()]
    assert not empty, f"commands without help: {empty}"
