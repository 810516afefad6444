"""The consolidated invoice.

AWS treats all accounts of an organization as one account for volume tiers: each usage
type's tiers apply to the organization's combined usage, and each account is charged its
share at the blended rate (the organization's cost of that usage type divided by its
total quantity). The invoice also shows what the same usage would cost with every
account billed alone, and the difference. Rounding to cents follows money.py's rule, so
line items add up to subtotals and subtotals to the total, exactly.

Which accounts a bill covers: the accounts that were members when the month's bill
closed (the first instant of the next month), or now if the month is still open. An
account that left pays its own bills from then on (orgs.billed_accounts).
"""

from __future__ import annotations

import csv
import dataclasses
import decimal
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any

from iamctl.core.billing import orgs
from iamctl.core.billing.money import allocate, exact, plain, round_cents, usd
from iamctl.core.billing.prices import PriceList
from iamctl.core.billing.usage import check_month
from iamctl.core.errors import UsageError
from iamctl.core.model.billing import BillingData, UsageRecord

RATE_PLACES = Decimal("0.00000001")  # blended rates are shown to 8 places (display only)
# RecordType as in AWS's consolidated-billing CSV: line items, then the statement's totals
# (filter on LineItem to sum the items in a spreadsheet).
CSV_COLUMNS = (
    "RecordType", "Month", "PayerAccountId", "AccountId", "Alias", "Name", "Service", "UsageType",
    "Quantity", "Unit", "BlendedRateUSD", "USD",
)
TOTAL_RECORDS = ("Total", "WithoutConsolidation", "Savings")

PAYER_VIEW = "payer"  # the management account: every billed account
MEMBER_VIEW = "member"  # a member account: its own charges on the organization's bill
STANDALONE_VIEW = "standalone"  # an account in no organization: its own bill


class PricingError(UsageError):
    """Usage the price list can't price; ``errors`` names every (service, usage type)."""

    def __init__(self, source: str, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(f"{source}: " + "; ".join(errors), code="PriceNotFound")


@dataclass(frozen=True)
class LineItem:
    service: str
    usage_type: str
    quantity: Decimal
    unit: str
    blended_rate: Decimal  # organization cost / organization quantity, 8 places, for display
    usd: Decimal  # this account's share, in cents


@dataclass(frozen=True)
class AccountCharges:
    account_id: str
    name: str | None
    line_items: tuple[LineItem, ...]
    subtotal: Decimal
    alone: Decimal  # what this usage would cost with the account billed on its own


@dataclass(frozen=True)
class Invoice:
    month: str
    payer_account_id: str
    view: str  # PAYER_VIEW | MEMBER_VIEW | STANDALONE_VIEW
    accounts: tuple[AccountCharges, ...]
    total: Decimal
    without_consolidation: Decimal
    savings: Decimal


def month_end(month: str) -> datetime:
    """The first instant of the following month (UTC): when *month*'s bill closes."""
    error = check_month(month)
    if error:
        raise UsageError(error[0].upper() + error[1:] + ".", code="InvalidMonth")
    year, mon = int(month[:4]), int(month[5:])
    return datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=UTC)


def compute_invoice(
    month: str,
    payer_account_id: str,
    account_ids: Iterable[str],
    records: Iterable[UsageRecord],
    prices: PriceList,
    names: Mapping[str, str | None] | None = None,
) -> Invoice:
    """The invoice for *account_ids* billed together, paid by *payer_account_id*.

    With a single account this is that account's own bill, at unconsolidated rates.
    """
    accounts = sorted(set(account_ids), key=lambda a: (a != payer_account_id, a))
    members = set(accounts)
    names = names or {}
    # quantities[(service, usage_type)][account] = total quantity in the month
    quantities: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    problems: set[str] = set()
    with exact():
        for r in records:
            if r.month != month or r.account_id not in members:
                continue
            price = prices.get(r.service, r.usage_type)
            if price is None:
                problems.add(f"no price for {r.service} {r.usage_type}")
                continue
            if r.unit is not None and r.unit != price.unit:
                problems.add(f"{r.service} {r.usage_type} is priced per {price.unit}, but usage {r.id} is in {r.unit}")
                continue
            quantities[(r.service, r.usage_type)][r.account_id] += r.quantity
    if problems:
        raise PricingError(prices.source, sorted(problems))

    keys = sorted(quantities)
    # Exact figures first; rounding comes once, at the end.
    items: list[tuple[str, tuple[str, str], Decimal, Fraction]] = []  # account, key, qty, exact share
    rates: dict[tuple[str, str], Decimal] = {}
    org_cost = Decimal(0)
    alone_exact: dict[str, Decimal] = {a: Decimal(0) for a in accounts}
    with exact():
        for key in keys:
            price = prices.prices[key]
            per_account = quantities[key]
            total_qty = sum(per_account.values(), Decimal(0))
            cost = price.cost(total_qty)
            org_cost += cost
            rates[key] = _rate(Fraction(cost) / Fraction(total_qty) if total_qty else Fraction(0))
            for account, qty in per_account.items():
                share = Fraction(cost) * Fraction(qty) / Fraction(total_qty) if total_qty else Fraction(0)
                items.append((account, key, qty, share))
                alone_exact[account] += price.cost(qty)
    order = {a: i for i, a in enumerate(accounts)}
    items.sort(key=lambda it: (order[it[0]], it[1]))

    total = round_cents(org_cost)
    amounts = allocate(total, [share for *_, share in items])
    without = round_cents(sum(alone_exact.values(), Decimal(0)))
    alone = dict(zip(accounts, allocate(without, [Fraction(alone_exact[a]) for a in accounts]), strict=True))

    by_account: dict[str, list[LineItem]] = {a: [] for a in accounts}
    for (account, key, qty, _), amount in zip(items, amounts, strict=True):
        price = prices.prices[key]
        by_account[account].append(
            LineItem(key[0], key[1], qty, price.unit, rates[key], amount)
        )
    charges = tuple(
        AccountCharges(
            account_id=a,
            name=names.get(a),
            line_items=tuple(by_account[a]),
            subtotal=sum((li.usd for li in by_account[a]), Decimal("0.00")),
            alone=alone[a],
        )
        for a in accounts
    )
    return Invoice(
        month=month,
        payer_account_id=payer_account_id,
        view=PAYER_VIEW if len(accounts) > 1 or payer_account_id not in members else STANDALONE_VIEW,
        accounts=charges,
        total=total,
        without_consolidation=without,
        savings=without - total,
    )


def _rate(rate: Fraction) -> Decimal:
    # Division is the one inexact step; it only feeds the displayed rate, never an amount.
    with decimal.localcontext(decimal.Context(prec=200)):
        return (Decimal(rate.numerator) / Decimal(rate.denominator)).quantize(RATE_PLACES, rounding=ROUND_HALF_EVEN)


def member_view(invoice: Invoice, account_id: str) -> Invoice:
    """Only *account_id*'s charges from the organization's invoice (what a member sees)."""
    mine = tuple(a for a in invoice.accounts if a.account_id == account_id)
    if not mine:
        raise UsageError(f"Account {account_id} is not on this invoice.", code="InvalidArgument")
    (charges,) = mine
    return Invoice(
        month=invoice.month,
        payer_account_id=invoice.payer_account_id,
        view=MEMBER_VIEW,
        accounts=mine,
        total=charges.subtotal,
        without_consolidation=charges.alone,
        savings=charges.alone - charges.subtotal,
    )


def invoice_for(
    data: BillingData,
    account_id: str,
    month: str,
    prices: PriceList,
    now: datetime,
    names: Mapping[str, str | None] | None = None,
) -> Invoice:
    """The invoice *account_id* sees for *month*: the whole organization's if it is the
    payer, its own charges on the organization's bill if it is a member, or its own bill
    if it was in no organization when the bill closed."""
    as_of = min(month_end(month), now)
    org = orgs.payer_for(data, account_id, as_of)
    records = data.usage.values()
    if org is None:
        return compute_invoice(month, account_id, [account_id], records, prices, names)
    merged = dict(names or {})
    for member in org.accounts.values():
        merged.setdefault(member.account_id, member.name)
    for gone in org.departed.values():
        merged.setdefault(gone.account_id, gone.name)
    whole = compute_invoice(
        month, org.master_account_id, orgs.billed_accounts(org, as_of), records, prices, merged
    )
    whole = dataclasses.replace(whole, view=PAYER_VIEW)
    return whole if account_id == org.master_account_id else member_view(whole, account_id)


# --- output forms --------------------------------------------------------------------


def to_json(invoice: Invoice) -> dict[str, Any]:
    """The invoice in iamctl's JSON shape (PascalCase, amounts as decimal strings)."""
    return {
        "Month": invoice.month,
        "PayerAccountId": invoice.payer_account_id,
        "TotalUSD": usd(invoice.total),
        "WithoutConsolidationUSD": usd(invoice.without_consolidation),
        "SavingsUSD": usd(invoice.savings),
        "Accounts": [
            {
                "AccountId": a.account_id,
                "Name": a.name,
                "LineItems": [
                    {
                        "Service": li.service,
                        "UsageType": li.usage_type,
                        "Quantity": plain(li.quantity),
                        "Unit": li.unit,
                        "BlendedRateUSD": plain(li.blended_rate),
                        "USD": usd(li.usd),
                    }
                    for li in a.line_items
                ],
                "SubtotalUSD": usd(a.subtotal),
                "WithoutConsolidationUSD": usd(a.alone),
            }
            for a in invoice.accounts
        ],
    }


def rows(invoice: Invoice, aliases: dict[str, str] | None = None) -> list[dict[str, str]]:
    """One flat row per line item, CSV_COLUMNS as keys (for CSV and text output)."""
    aliases = aliases or {}
    return [
        {
            "RecordType": "LineItem",
            "Month": invoice.month,
            "PayerAccountId": invoice.payer_account_id,
            "AccountId": a.account_id,
            "Alias": aliases.get(a.account_id, ""),
            "Name": a.name or "",
            "Service": li.service,
            "UsageType": li.usage_type,
            "Quantity": plain(li.quantity),
            "Unit": li.unit,
            "BlendedRateUSD": plain(li.blended_rate),
            "USD": usd(li.usd),
        }
        for a in invoice.accounts
        for li in a.line_items
    ]


def total_rows(invoice: Invoice) -> list[dict[str, str]]:
    """The statement's last rows: total, what the accounts would pay alone, the savings."""
    amounts = (invoice.total, invoice.without_consolidation, invoice.savings)
    blank = dict.fromkeys(CSV_COLUMNS, "")
    return [{**blank, "RecordType": kind, "Month": invoice.month, "PayerAccountId": invoice.payer_account_id,
             "USD": usd(amount)} for kind, amount in zip(TOTAL_RECORDS, amounts, strict=True)]


def to_csv(invoice: Invoice, aliases: dict[str, str] | None = None) -> str:
    """Line items as CSV for spreadsheets (their USD sums to the total), then the total,
    without-consolidation and savings rows."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(invoice, aliases))
    writer.writerows(total_rows(invoice))
    return out.getvalue()
