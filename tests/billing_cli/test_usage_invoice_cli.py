"""billing usage / prices / invoice / access, end to end, with AWS's worked example."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from .conftest import DATA, DEV, OPS, PAYER, WORKED_EXAMPLE_CSV

AFTER_MARCH = "2026-04-02T00:00:00Z"


def _import(ok, tmp_path: Path, text: str = WORKED_EXAMPLE_CSV):
    path = tmp_path / "usage.csv"
    path.write_text(text)
    return ok("billing", "usage", "import", str(path), "--output", "json")


def test_usage_add_and_list(cli, ok, accounts) -> None:
    added = ok(
        "--account", DEV, "billing", "usage", "add", "--service", "AmazonS3", "--usage-type",
        "TimedStorage-ByteHrs", "--quantity", "30.5", "--month", "2026-03", "--unit", "GB-Mo", "--output", "json",
    ).json()["UsageRecord"]
    assert added == {
        "Id": "u-00000001", "AccountId": DEV, "Month": "2026-03", "Service": "AmazonS3",
        "UsageType": "TimedStorage-ByteHrs", "Quantity": "30.5", "Unit": "GB-Mo",
    }
    ok("billing", "usage", "add", "--service", "AmazonEC2", "--usage-type", "BoxUsage:t3.micro",
       "--quantity", "720", "--month", "2026-04")
    every = ok("billing", "usage", "list", "--output", "json").json()["UsageRecords"]
    assert [(r["AccountId"], r["Month"]) for r in every] == [(DEV, "2026-03"), (PAYER, "2026-04")]
    mine = ok("--account", DEV, "billing", "usage", "list", "--output", "json").json()["UsageRecords"]
    assert [r["Id"] for r in mine] == ["u-00000001"]
    april = ok("billing", "usage", "list", "--month", "2026-04", "--output", "lines").out
    assert april == f"u-00000002\t{PAYER}\t2026-04\tAmazonEC2\tBoxUsage:t3.micro\t720\n"
    bad = cli("billing", "usage", "add", "--service", "AmazonS3", "--usage-type", "X", "--quantity", "-1",
              "--month", "2026-13")
    assert bad.code == 2 and bad.err.startswith("iamctl: InvalidUsage: ")
    assert "Quantity '-1'" in bad.err and "2026-13" in bad.err and bad.out == ""
    unknown = cli("--account", "999999999999", "billing", "usage", "add", "--service", "S", "--usage-type", "T",
                  "--quantity", "1", "--month", "2026-03")
    assert unknown.code == 3 and "NoSuchEntity" in unknown.err


def test_usage_import(ok, accounts, tmp_path) -> None:
    result = _import(ok, tmp_path)
    assert "Imported 3 usage record(s)." in result.err
    assert [r["AccountId"] for r in result.json()["UsageRecords"]] == [DEV, OPS, DATA]
    stdin = ok("billing", "usage", "import", "-", stdin=WORKED_EXAMPLE_CSV)
    assert "Imported 3" in stdin.err
    assert len(ok("billing", "usage", "list", "--output", "json").json()["UsageRecords"]) == 6


def test_usage_import_reports_every_bad_line_and_imports_nothing(cli, ok, accounts, tmp_path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "account_id,service,usage_type,quantity,month\n"
        f"{DEV},AmazonS3,TimedStorage,30,2026-03\n"
        f"{OPS},AmazonS3,TimedStorage,lots,2026-03\n"
        f"{DATA},AmazonS3,TimedStorage,30,March\n"
        "999999999999,AmazonS3,TimedStorage,1,2026-03\n"
    )
    result = cli("billing", "usage", "import", str(path))
    assert result.code == 2 and result.out == ""
    assert result.err.startswith(f"iamctl: InvalidUsage: {path}: 3 bad row(s), nothing imported: ")
    assert "line 3: quantity 'lots'" in result.err
    assert "line 4: month 'March'" in result.err
    assert "line 5: account 999999999999 is not in the store" in result.err
    assert "line 2" not in result.err
    assert ok("billing", "usage", "list", "--output", "json").json() == {"UsageRecords": []}
    header = tmp_path / "header.csv"
    header.write_text("account,service\n")
    missing = cli("billing", "usage", "import", str(header))
    assert missing.code == 2 and "line 1: missing column(s)" in missing.err
    nofile = cli("billing", "usage", "import", str(tmp_path / "nope.csv"))
    assert nofile.code == 2 and "NoSuchFile" in nofile.err


def test_usage_import_help_documents_columns(cli) -> None:
    result = cli("billing", "usage", "import", "--help")
    assert result.code == 0
    for column in ("account_id", "service", "usage_type", "quantity", "month", "unit", "line number"):
        assert column in result.out


def test_prices_builtin_and_file(cli, ok, accounts, prices_file) -> None:
    builtin = ok("billing", "prices", "--output", "json").json()
    assert builtin["Source"] == "iamctl/data/prices.toml"
    s3 = next(p for p in builtin["Prices"] if p["UsageType"] == "TimedStorage-ByteHrs")
    assert s3["Tiers"] == [{"UpTo": "51200", "USD": "0.023"}, {"UpTo": "512000", "USD": "0.022"}, {"USD": "0.021"}]
    assert any(p["Service"] == "AWSDataTransfer" for p in builtin["Prices"])
    assert any(p["UsageType"].startswith("BoxUsage:") for p in builtin["Prices"])
    mine = ok("billing", "prices", "--prices", str(prices_file), "--output", "json").json()
    assert mine["Source"] == str(prices_file)
    assert mine["Prices"] == [
        {
            "Service": "AmazonS3", "UsageType": "TimedStorage", "Unit": "TB-Mo", "Description": "",
            "Tiers": [{"UpTo": "1", "USD": "100"}, {"UpTo": "50", "USD": "80"}, {"UpTo": "500", "USD": "60"},
                      {"USD": "40"}],
        }
    ]
    # --prices also works before the command, anywhere in billing.
    before = ok("billing", "--prices", str(prices_file), "prices", "--output", "lines").out
    assert before.splitlines()[0].startswith("AmazonS3\tTimedStorage\tTB-Mo")
    table = ok("billing", "prices", "--prices", str(prices_file)).out
    assert "100 up to 1; 80 up to 50; 60 up to 500; 40 above" in table
    broken = prices_file.with_name("broken.toml")
    broken.write_text('[[prices]]\nservice = "S"\n')
    bad = cli("billing", "prices", "--prices", str(broken))
    assert bad.code == 2 and bad.err.startswith("iamctl: InvalidPriceList: ")
    absent = cli("billing", "prices", "--prices", str(prices_file.with_name("none.toml")))
    assert absent.code == 2 and "Can't read the price list" in absent.err


def test_worked_example_invoice(ok, org, tmp_path, prices_file) -> None:
    _import(ok, tmp_path)
    doc = ok(
        "billing", "invoice", "--month", "2026-03", "--prices", str(prices_file), "--at", AFTER_MARCH,
        "--output", "json",
    ).json()
    assert list(doc) == ["Month", "PayerAccountId", "TotalUSD", "WithoutConsolidationUSD", "SavingsUSD", "Accounts"]
    assert (doc["Month"], doc["PayerAccountId"]) == ("2026-03", PAYER)
    assert (doc["TotalUSD"], doc["WithoutConsolidationUSD"], doc["SavingsUSD"]) == ("6720.00", "7660.00", "940.00")
    by_id = {a["AccountId"]: a for a in doc["Accounts"]}
    assert set(by_id) == {PAYER, DEV, OPS, DATA}
    assert by_id[DEV]["Name"] == "Dev" and by_id[PAYER]["LineItems"] == []
    dev_item = by_id[DEV]["LineItems"][0]
    assert (dev_item["Service"], dev_item["UsageType"], dev_item["Quantity"], dev_item["Unit"]) == (
        "AmazonS3", "TimedStorage", "30", "TB-Mo",
    )
    assert sum(float(a["SubtotalUSD"]) for a in doc["Accounts"]) == 6720.0
    assert by_id[OPS]["SubtotalUSD"] == "2475.79"  # 35/95 of 6720, to the cent


def test_invoice_text_and_csv(ok, org, tmp_path, prices_file) -> None:
    _import(ok, tmp_path)
    args = ("billing", "invoice", "--month", "2026-03", "--prices", str(prices_file), "--at", AFTER_MARCH)
    lines = ok(*args, "--output", "lines").out.splitlines()
    assert lines[-3:] == [
        "Total 2026-03\t\tTotal\t\t\t\t\t6720.00",
        "Total 2026-03\t\tWithoutConsolidation\t\t\t\t\t7660.00",
        "Total 2026-03\t\tSavings\t\t\t\t\t940.00",
    ]
    assert lines[0].split("\t")[:3] == [PAYER, "Finance", "Subtotal"]
    assert lines[1].split("\t")[:4] == [DEV, "Dev", "AmazonS3", "TimedStorage"]
    assert all(len(line.split("\t")) == 8 for line in lines)
    every = list(csv.DictReader(io.StringIO(ok(*args, "--format", "csv").out)))
    rows = [r for r in every if r["RecordType"] == "LineItem"]
    assert [r["AccountId"] for r in rows] == [DEV, OPS, DATA]
    assert sum(float(r["USD"]) for r in rows) == 6720.0
    assert rows[0]["Month"] == "2026-03" and rows[0]["PayerAccountId"] == PAYER
    # the statement ends with its totals, as the console's bill does
    assert [(r["RecordType"], r["USD"], r["AccountId"]) for r in every[-3:]] == [
        ("Total", "6720.00", ""), ("WithoutConsolidation", "7660.00", ""), ("Savings", "940.00", "")]
    queried = ok(*args, "--output", "text", "--query", "TotalUSD").out
    assert queried == "6720.00\n"


def test_member_sees_its_own_charges(ok, org, tmp_path, prices_file) -> None:
    _import(ok, tmp_path)
    doc = ok(
        "--account", OPS, "billing", "invoice", "--month", "2026-03", "--prices", str(prices_file),
        "--at", AFTER_MARCH, "--output", "json",
    ).json()
    assert [a["AccountId"] for a in doc["Accounts"]] == [OPS]
    assert doc["PayerAccountId"] == PAYER and doc["TotalUSD"] == "2475.79"
    assert doc["WithoutConsolidationUSD"] == "2820.00"


def test_member_that_leaves_is_billed_alone(ok, org, tmp_path, prices_file) -> None:
    _import(ok, tmp_path)
    april = WORKED_EXAMPLE_CSV.replace("2026-03", "2026-04")
    _import(ok, tmp_path, april)
    ok("--account", DATA, "billing", "leave", "--at", "2026-04-10T00:00:00Z")
    prices = ("--prices", str(prices_file))
    # March closed while DATA was a member: still on the payer's bill.
    march = ok("billing", "invoice", "--month", "2026-03", *prices, "--at", "2026-05-02T00:00:00Z",
               "--output", "json").json()
    assert march["TotalUSD"] == "6720.00"
    # April: the payer's bill no longer has DATA ...
    payer = ok("billing", "invoice", "--month", "2026-04", *prices, "--at", "2026-05-02T00:00:00Z",
               "--output", "json").json()
    assert DATA not in [a["AccountId"] for a in payer["Accounts"]]
    # 65 TB together: 100 + 49*80 + 15*60 = 4920
    assert payer["TotalUSD"] == "4920.00"
    # ... and DATA pays its own: 30 TB alone = 100 + 29*80.
    alone = ok("--account", DATA, "billing", "invoice", "--month", "2026-04", *prices,
               "--at", "2026-05-02T00:00:00Z", "--output", "json").json()
    assert alone["PayerAccountId"] == DATA
    assert (alone["TotalUSD"], alone["WithoutConsolidationUSD"], alone["SavingsUSD"]) == ("2420.00", "2420.00", "0.00")


def test_invoice_errors(cli, ok, org, tmp_path, prices_file) -> None:
    _import(ok, tmp_path)
    unpriced = cli("billing", "invoice", "--month", "2026-03", "--at", AFTER_MARCH)
    assert unpriced.code == 2 and unpriced.err.startswith("iamctl: PriceNotFound: ")
    assert "no price for AmazonS3 TimedStorage" in unpriced.err
    month = cli("billing", "invoice", "--month", "2026-3", "--prices", str(prices_file))
    assert month.code == 2 and "InvalidMonth" in month.err
    fmt = cli("billing", "invoice", "--month", "2026-03", "--format", "xlsx")
    assert fmt.code == 2 and "--format" in fmt.err


def test_billing_access_setting(ok, accounts) -> None:
    assert ok("billing", "access", "get", "--output", "json").json() == {
        "AccountId": PAYER, "IamUserAccessToBilling": "DENY",
    }
    assert ok("billing", "access", "enable", "--output", "json").json()["IamUserAccessToBilling"] == "ALLOW"
    assert ok("billing", "access", "get", "--output", "text").out == f"{PAYER}\tALLOW\n"
    assert ok("--account", DEV, "billing", "access", "get", "--output", "text").out == f"{DEV}\tDENY\n"
    ok("billing", "access", "disable")
    assert ok("billing", "access", "get", "--output", "text").out == f"{PAYER}\tDENY\n"


def test_worked_example_as_a_script_would_run_it(org, prices_file) -> None:
    """The same invoice from a separate process, as a shell script calls iamctl."""
    from tests.conftest import run_subprocess

    imported = run_subprocess("billing", "usage", "import", "-", stdin=WORKED_EXAMPLE_CSV)
    assert imported.code == 0, imported.err
    result = run_subprocess(
        "billing", "invoice", "--month", "2026-03", "--prices", str(prices_file), "--at", AFTER_MARCH,
        "--output", "json", "--query", "[TotalUSD, WithoutConsolidationUSD, SavingsUSD]",
    )
    assert (result.code, result.err) == (0, "")
    assert result.json() == ["6720.00", "7660.00", "940.00"]
    refused = run_subprocess("billing", "invite", "999999999999")
    assert refused.code == 3 and refused.err.startswith("iamctl: AccountNotFoundException: ")


@pytest.mark.parametrize("empty", ["", "  "])
@pytest.mark.parametrize(
    "argv",
    [
        ("billing", "prices", "--prices", "{}"),
        ("billing", "--prices", "{}", "prices"),
        ("billing", "--prices", "{}", "usage", "list"),  # given to the group, even where nothing is priced
        ("billing", "invoice", "--month", "2026-03", "--prices", "{}"),
        ("billing", "usage", "add", "--service", "AmazonS3", "--usage-type", "TimedStorage-ByteHrs",
         "--quantity", "1", "--month", "2026-03", "--prices", "{}"),
    ],
)
def test_an_empty_prices_path_is_a_usage_error_not_the_builtin_list(cli, ok, accounts, argv, empty) -> None:
    before = ok("billing", "usage", "list", "--output", "json").out
    result = cli(*(empty if a == "{}" else a for a in argv))
    assert result.code == 2 and result.out == ""
    assert result.err.splitlines() == [
        "iamctl: InvalidPriceList: --prices needs a price list file (TOML, see 'iamctl billing prices --help'); "
        "leave it out for the built-in list."
    ]
    assert ok("billing", "usage", "list", "--output", "json").out == before  # nothing recorded


def test_usage_import_of_an_endless_file_is_refused_not_read_forever(cli, accounts, store_path) -> None:
    before = store_path.read_bytes()
    result = cli("billing", "usage", "import", "/dev/zero")
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("iamctl: UsageFileTooLarge: /dev/zero holds more than 67,108,864 characters")
    assert result.err.count("\n") == 1
    assert store_path.read_bytes() == before
