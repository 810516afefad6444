"""The man page, completions and README must keep up with the commands."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

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


def _rendered_man_page() -> str:
    groff = shutil.which("groff")
    if groff is None:
        pytest.skip("groff is not installed")
    proc = subprocess.run(
        [groff, "-man", "-Tutf8", "-rLL=80n", "-P-c", "-P-b", "-P-u", str(ROOT / "man" / "iamctl.1")],
        capture_output=True, text=True, check=True,
    )
    return proc.stdout


def test_man_page_examples_never_break_inside_an_option() -> None:
    text = _rendered_man_page()
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    # A line that ends in the middle of an option (--sessi-) or with a lone dash would be
    # typed back wrong; `FILE|-` (stdin) is the one legitimate trailing dash.
    broken = [line for line in lines if re.search(r"(^|\s)-{1,2}[\w-]*-$", line) or line.endswith(("\u2010", "\u00ad"))]
    assert broken == []
    # examples are cut between options with a shell line continuation
    assert "--provider ADFS --subject alice \\" in text


def test_man_page_sections() -> None:
    text = (ROOT / "man" / "iamctl.1").read_text()
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "GLOBAL OPTIONS", "COMMANDS", "EXIT STATUS", "ENVIRONMENT",
                    "FILES", "EXAMPLES", "SEE ALSO"):
        assert f".SH {section}\n" in text, section


def test_man_page_environment_lists_every_variable_iamctl_reads() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import gen_docs

    read = set()
    for path in (ROOT / "iamctl").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        read |= set(re.findall(r"""(?:environ\.get|getenv|environ\[)\(?\s*["']([A-Z][A-Z0-9_]+)["']""", source))
        read |= set(re.findall(r"""["']([A-Z][A-Z0-9_]+)["']\s+(?:not\s+)?in\s+os\.environ""", source))
        read |= set(re.findall(r"""_ENV\s*=\s*["']([A-Z][A-Z0-9_]+)["']""", source))
    assert {"IAMCTL_STORE", "IAMCTL_LOCK_TIMEOUT", "NO_COLOR"} <= read  # the scan finds them
    missing = sorted(read - set(gen_docs.ENVIRONMENT))
    assert not missing, f"add these to ENVIRONMENT in scripts/gen_docs.py: {missing}"
    text = (ROOT / "man" / "iamctl.1").read_text()
    environment = text.split(".SH ENVIRONMENT\n", 1)[1].split(".SH ", 1)[0]
    for name in read:
        assert f".B {name}\n" in environment
