"""The consolidated invoice: AWS's worked example, tier edges, rounding, departures."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest

from iamctl.core.billing import invoice, orgs, usage
from iamctl.core.billing.prices import parse_prices
from iamctl.core.model.billing import BillingData

from .conftest import M1, M2, M3, PAYER, T0

# AWS's example tiers ("Understanding consolidated bills", Amazon S3 pricing tiers): $100
# per TB for the first TB, $80 for the next 49, $60 for the next 450.
PRICES = parse_prices(
    """
[[prices]]
service = "AmazonS3"
usage_type = "TimedStorage"
unit = "TB-Mo"
tiers = [{ up_to = 1, usd = "100" }, { up_to = 50, usd = "80" }, { up_to = 500, usd = "60" }, { usd = "40" }]

[[prices]]
service = "AmazonEC2"
usage_type = "BoxUsage:t3.micro"
unit = "Hrs"
tiers = [{ usd = "0.0104" }]
""",
    "test-prices.toml",
)
MARCH = "2026-03"
LATER = T0 + timedelta(days=60)  # March's bill has closed


def _use(data: BillingData, *rows: tuple[str, str, str]) -> None:
    usage.add_usage(
        data,
        [usage.Usage(a, "AmazonS3" if t == "S3" else "AmazonEC2",
                     "TimedStorage" if t == "S3" else "BoxUsage:t3.micro", Decimal(q), MARCH)
         for a, t, q in rows],
    )


def test_worked_example(org_data: BillingData) -> None:
    # Member 1 stores 30 TB, member 2 35 TB, member 3 30 TB: 95 TB, each under 50 TB.
    _use(org_data, (M1, "S3", "30"), (M2, "S3", "35"), (M3, "S3", "30"))
    inv = invoice.invoice_for(org_data, PAYER, MARCH, PRICES, LATER)
    assert inv.total == Decimal("6720.00")
    assert inv.without_consolidation == Decimal("7660.00")
    assert inv.savings == Decimal("940.00")
    doc = invoice.to_json(inv)
    assert (doc["TotalUSD"], doc["WithoutConsolidationUSD"], doc["SavingsUSD"]) == ("6720.00", "7660.00", "940.00")
    assert doc["PayerAccountId"] == PAYER and doc["Month"] == MARCH
    # Shares at the blended rate 6720/95 = 70.73684210...; largest remainder gives the
    # two leftover cents to member 2 (.947) and member 1 (.526, before member 3).
    subtotals = {a["AccountId"]: a["SubtotalUSD"] for a in doc["Accounts"]}
    assert subtotals == {PAYER: "0.00", M1: "2122.11", M2: "2475.79", M3: "2122.10"}
    alone = {a["AccountId"]: a["WithoutConsolidationUSD"] for a in doc["Accounts"]}
    assert alone == {PAYER: "0.00", M1: "2420.00", M2: "2820.00", M3: "2420.00"}
    item = doc["Accounts"][1]["LineItems"][0]
    assert item == {
        "Service": "AmazonS3", "UsageType": "TimedStorage", "Quantity": "30", "Unit": "TB-Mo",
        "BlendedRateUSD": "70.73684211", "USD": "2122.11",
    }
    assert doc["Accounts"][1]["Name"] == "dept-2"


def test_member_sees_only_its_charges(org_data: BillingData) -> None:
    _use(org_data, (M1, "S3", "30"), (M2, "S3", "35"), (M3, "S3", "30"))
    inv = invoice.invoice_for(org_data, M2, MARCH, PRICES, LATER)
    assert inv.view == invoice.MEMBER_VIEW
    assert [a.account_id for a in inv.accounts] == [M2]
    assert (inv.payer_account_id, inv.total, inv.without_consolidation) == (
        PAYER, Decimal("2475.79"), Decimal("2820.00")
    )


@pytest.mark.parametrize(
    ("tb", "cost"),
    [("0", "0.00"), ("1", "100.00"), ("50", "4020.00"), ("500", "31020.00"), ("500.001", "31020.04")],
)
def test_tier_edges_for_an_account_alone(data: BillingData, tb: str, cost: str) -> None:
    # M1 is in no organization: its own bill, at unconsolidated rates.
    _use(data, (M1, "S3", tb))
    inv = invoice.invoice_for(data, M1, MARCH, PRICES, LATER)
    assert inv.view == invoice.STANDALONE_VIEW
    assert (str(inv.total), str(inv.without_consolidation), str(inv.savings)) == (cost, cost, "0.00")


def test_no_usage(org_data: BillingData) -> None:
    inv = invoice.invoice_for(org_data, PAYER, MARCH, PRICES, LATER)
    assert inv.total == 0 and [a.line_items for a in inv.accounts] == [(), (), (), ()]
    header, *totals = invoice.to_csv(inv).splitlines()
    assert header == ",".join(invoice.CSV_COLUMNS)
    assert [t.split(",")[0] for t in totals] == ["Total", "WithoutConsolidation", "Savings"]


def test_other_months_and_outsiders_are_left_out(org_data: BillingData) -> None:
    _use(org_data, (M1, "S3", "2"), ("999999999999", "S3", "40"))
    usage.add_usage(org_data, [usage.Usage(M1, "AmazonS3", "TimedStorage", Decimal(40), "2026-04")])
    inv = invoice.invoice_for(org_data, PAYER, MARCH, PRICES, LATER)
    assert inv.total == Decimal("180.00")


def test_member_that_leaves_is_billed_alone(org_data: BillingData) -> None:
    _use(org_data, (M1, "S3", "30"), (M2, "S3", "35"), (M3, "S3", "30"))
    usage.add_usage(org_data, [usage.Usage(a, "AmazonS3", "TimedStorage", Decimal(q), "2026-04")
                               for a, q in ((M1, 30), (M2, 35), (M3, 30))])
    # M3 leaves on 10 April: March stays on the payer's bill, April is its own.
    orgs.leave_organization(org_data, M3, T0 + timedelta(days=40))
    march = invoice.invoice_for(org_data, PAYER, MARCH, PRICES, LATER + timedelta(days=30))
    assert march.total == Decimal("6720.00")
    april_payer = invoice.invoice_for(org_data, PAYER, "2026-04", PRICES, LATER + timedelta(days=30))
    assert [a.account_id for a in april_payer.accounts] == [PAYER, M1, M2]
    assert april_payer.total == Decimal(100 + 49 * 80 + 15 * 60)  # 65 TB together
    assert april_payer.without_consolidation == Decimal(2420 + 2820)
    april_m3 = invoice.invoice_for(org_data, M3, "2026-04", PRICES, LATER + timedelta(days=30))
    assert april_m3.view == invoice.STANDALONE_VIEW
    assert april_m3.payer_account_id == M3
    assert april_m3.total == april_m3.without_consolidation == Decimal(100 + 29 * 80)
    # Its March charges still show on the organization's bill when M3 asks.
    assert invoice.invoice_for(org_data, M3, MARCH, PRICES, LATER + timedelta(days=30)).view == invoice.MEMBER_VIEW


def test_open_month_uses_membership_now(org_data: BillingData) -> None:
    _use(org_data, (M1, "S3", "30"))
    orgs.remove_account(org_data, PAYER, M1, T0 + timedelta(days=5))
    # March is still open on 10 March: M1 already pays its own.
    inv = invoice.invoice_for(org_data, M1, MARCH, PRICES, T0 + timedelta(days=9))
    assert inv.view == invoice.STANDALONE_VIEW


def test_cents_add_up_with_small_amounts(org_data: BillingData) -> None:
    # 1 hour each at $0.0104: exact total $0.0312 -> $0.03, shared 0.0104 each.
    _use(org_data, (M1, "EC2", "1"), (M2, "EC2", "1"), (M3, "EC2", "1"))
    inv = invoice.invoice_for(org_data, PAYER, MARCH, PRICES, LATER)
    assert inv.total == Decimal("0.03")
    assert [str(a.subtotal) for a in inv.accounts] == ["0.00", "0.01", "0.01", "0.01"]
    assert sum(a.alone for a in inv.accounts) == inv.without_consolidation == Decimal("0.03")


def test_missing_price_and_unit_mismatch(org_data: BillingData) -> None:
    usage.add_usage(org_data, [
        usage.Usage(M1, "AmazonRDS", "InstanceUsage", Decimal(1), MARCH),
        usage.Usage(M2, "AmazonS3", "TimedStorage", Decimal(1), MARCH, unit="GB-Mo"),
    ])
    with pytest.raises(invoice.PricingError) as exc:
        invoice.invoice_for(org_data, PAYER, MARCH, PRICES, LATER)
    assert exc.value.errors[0].startswith("AmazonS3 TimedStorage is priced per TB-Mo")
    assert exc.value.errors[1] == "no price for AmazonRDS InstanceUsage"


def test_csv(org_data: BillingData) -> None:
    _use(org_data, (M1, "S3", "30"), (M2, "S3", "35"), (M3, "S3", "30"))
    inv = invoice.invoice_for(org_data, PAYER, MARCH, PRICES, LATER)
    table = list(csv.DictReader(io.StringIO(invoice.to_csv(inv, {M2: "ops-corp"}))))
    assert [r["RecordType"] for r in table] == ["LineItem"] * 3 + ["Total", "WithoutConsolidation", "Savings"]
    assert [r["Alias"] for r in table[:3]] == ["", "ops-corp", ""]
    table = table[:3]
    assert [r["AccountId"] for r in table] == [M1, M2, M3]
    assert sum(Decimal(r["USD"]) for r in table) == Decimal("6720.00")


def test_bad_month(org_data: BillingData) -> None:
    with pytest.raises(Exception, match="not YYYY-MM"):
        invoice.invoice_for(org_data, PAYER, "2026-3", PRICES, LATER)
