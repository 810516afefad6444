"""A store with a payer and three department accounts, and helpers to drive `billing`."""

from __future__ import annotations

from pathlib import Path

import pytest

PAYER = "111111111111"
DEV, OPS, DATA = "222222222222", "333333333333", "444444444444"
T0 = "2026-03-01T09:00:00Z"
PRICES = """\
[[prices]]
service = "AmazonS3"
usage_type = "TimedStorage"
unit = "TB-Mo"
tiers = [{ up_to = 1, usd = "100" }, { up_to = 50, usd = "80" }, { up_to = 500, usd = "60" }, { usd = "40" }]
"""
WORKED_EXAMPLE_CSV = f"""\
account_id,service,usage_type,quantity,month,unit
{DEV},AmazonS3,TimedStorage,30,2026-03,TB-Mo
{OPS},AmazonS3,TimedStorage,35,2026-03,TB-Mo
{DATA},AmazonS3,TimedStorage,30,2026-03,TB-Mo
"""


@pytest.fixture
def ok(cli):
    """Run a command that must succeed; return its Result."""

    def invoke(*argv: str, stdin: str | None = None):
        result = cli(*argv, stdin=stdin)
        assert result.code == 0, (argv, result.err)
        return result

    return invoke


@pytest.fixture
def accounts(ok) -> list[str]:
    """The payer (default account, "Finance") and three department accounts, no organization."""
    ok("init", "--account-id", PAYER, "--name", "Finance")
    for account_id, name in ((DEV, "Dev"), (OPS, "Ops"), (DATA, "Data")):
        ok("account", "create", "--account-id", account_id, "--name", name)
    return [PAYER, DEV, OPS, DATA]


@pytest.fixture
def org(ok, accounts) -> str:
    """The payer's organization with the three departments invited and joined at T0."""
    org_id = ok("billing", "org", "create", "--at", T0, "--output", "json").json()["Organization"]["Id"]
    for member in (DEV, OPS, DATA):
        h = ok("billing", "invite", member, "--at", T0, "--output", "json").json()["Handshake"]["Id"]
        ok("--account", member, "billing", "handshake", "accept", h, "--at", T0)
    return org_id


@pytest.fixture
def prices_file(tmp_path: Path) -> Path:
    path = tmp_path / "prices.toml"
    path.write_text(PRICES)
    return path
