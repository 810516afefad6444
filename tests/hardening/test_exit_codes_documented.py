"""Every exit status iamctl can return is documented wherever exit codes are listed:
README's table, CONTRIBUTING's line and the man page's EXIT STATUS section."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iamctl.core.errors import ExitStatus

ROOT = Path(__file__).resolve().parents[2]


def _man_exit_statuses() -> set[int]:
    man = (ROOT / "man" / "iamctl.1").read_text()
    section = man.split(".SH EXIT STATUS", 1)[1].split("\n.SH ", 1)[0]
    return {int(n) for n in re.findall(r"^\.TP\n(\d+)\n", section, flags=re.M)}


def _readme_exit_statuses() -> set[int]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    return {int(n) for n in re.findall(r"^\| (\d+) \|", section, flags=re.M)}


def _contributing_exit_statuses() -> set[int]:
    line = next(ln for ln in (ROOT / "CONTRIBUTING.md").read_text().splitlines() if ln.startswith("- Exit codes:"))
    return {int(n) for n in re.findall(r"\b(\d+) [A-Za-z\"]", line)}


@pytest.mark.parametrize("where", [_man_exit_statuses, _readme_exit_statuses, _contributing_exit_statuses])
def test_every_exit_status_is_documented(where) -> None:
    assert where() == {int(s) for s in ExitStatus}
