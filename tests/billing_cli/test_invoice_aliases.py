"""The invoice names accounts by their alias, in the table and in the CSV; Organizations listings page."""

from __future__ import annotations

import csv
import io

from tests.billing_cli.conftest import DEV, OPS, WORKED_EXAMPLE_CSV

AFTER_MARCH = "2026-04-02T00:00:00Z"


def test_invoice_names_accounts_by_alias(ok, org, tmp_path, prices_file):
    ok("--account", DEV, "account", "alias", "set", "dev-corp")
    usage = tmp_path / "usage.csv"
    usage.write_text(WORKED_EXAMPLE_CSV)
    ok("billing", "usage", "import", str(usage))
    args = ("billing", "invoice", "--month", "2026-03", "--prices", str(prices_file), "--at", AFTER_MARCH)
    table = ok(*args).out
    dev_rows = [line for line in table.splitlines() if DEV in line]
    assert dev_rows and all("dev-corp" in line for line in dev_rows)
    assert any("Ops" in line for line in table.splitlines() if OPS in line)  # no alias: its name
    rows = list(csv.DictReader(io.StringIO(ok(*args, "--format", "csv").out)))
    by_account = {r["AccountId"]: r for r in rows if r["RecordType"] == "LineItem"}
    assert by_account[DEV]["Alias"] == "dev-corp" and by_account[OPS]["Alias"] == ""
    assert rows[-1]["RecordType"] == "Savings"


def test_organizations_listings_page_by_their_rules(ok, cli, org):
    first = ok("billing", "accounts", "-o", "json", "--max-items", "2").json()
    assert len(first["Accounts"]) == 2 and first["NextToken"]
    rest = ok("billing", "accounts", "-o", "json", "--starting-token", first["NextToken"]).json()
    assert len(rest["Accounts"]) == 2 and "NextToken" not in rest
    too_big = cli("billing", "accounts", "--page-size", "21")
    assert (too_big.code, too_big.err) == (3, "iamctl: ValidationError: 1 validation error detected: Value '21' at "
                                              "'maxResults' failed to satisfy constraint: Member must have value less "
                                              "than or equal to 20\n")
    handshakes = ok("billing", "handshake", "list", "-o", "json", "--max-items", "1", "--at", "2026-03-02T00:00:00Z")
    assert len(handshakes.json()["Handshakes"]) == 1
