"""Properties of the invoice for any usage and any falling tier prices."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from iamctl.core.billing import invoice
from iamctl.core.billing.prices import Price, PriceList, Tier
from iamctl.core.model.billing import UsageRecord

ACCOUNTS = ["111111111111", "222222222222", "333333333333", "444444444444", "555555555555"]
DEC = st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False)


@st.composite
def falling_tiers(draw: st.DrawFn) -> tuple[Tier, ...]:
    bounds = sorted(set(draw(st.lists(st.integers(1, 10**5), max_size=4))))
    prices = sorted(draw(st.lists(
        st.decimals(min_value=0, max_value=500, places=4, allow_nan=False, allow_infinity=False),
        min_size=len(bounds) + 1, max_size=len(bounds) + 1,
    )), reverse=True)  # each tier no dearer than the one before
    ends: list[Decimal | None] = [*map(Decimal, bounds), None]
    return tuple(Tier(end, p) for end, p in zip(ends, prices, strict=True))


@st.composite
def scenario(draw: st.DrawFn) -> tuple[PriceList, list[UsageRecord], list[str]]:
    n_types = draw(st.integers(1, 3))
    prices = {
        ("Svc", f"T{i}"): Price("Svc", f"T{i}", "u", draw(falling_tiers())) for i in range(n_types)
    }
    accounts = ACCOUNTS[: draw(st.integers(1, len(ACCOUNTS)))]
    records = [
        UsageRecord(id=f"u-{n:08d}", account_id=draw(st.sampled_from(accounts)), service="Svc",
                    usage_type=f"T{draw(st.integers(0, n_types - 1))}", quantity=draw(DEC), month="2026-03")
        for n in range(draw(st.integers(0, 12)))
    ]
    return PriceList(prices, "generated"), records, accounts


@settings(max_examples=300, deadline=None)
@given(scenario())
def test_consolidation_never_costs_more_and_cents_add_up(case: tuple[PriceList, list[UsageRecord], list[str]]) -> None:
    prices, records, accounts = case
    inv = invoice.compute_invoice("2026-03", accounts[0], accounts, records, prices)
    assert inv.total <= inv.without_consolidation
    assert inv.savings == inv.without_consolidation - inv.total >= 0
    items = [li for a in inv.accounts for li in a.line_items]
    assert sum((li.usd for li in items), Decimal(0)) == inv.total
    assert sum((a.subtotal for a in inv.accounts), Decimal(0)) == inv.total
    assert sum((a.alone for a in inv.accounts), Decimal(0)) == inv.without_consolidation
    for amount in [inv.total, inv.without_consolidation, *(li.usd for li in items)]:
        assert amount == amount.quantize(Decimal("0.01"))
    # No line item is more than a cent from its exact blended share.
    for a in inv.accounts:
        for li in a.line_items:
            qty = {r.usage_type: Decimal(0) for r in records}
            for r in records:
                qty[r.usage_type] += r.quantity
            total_qty = qty[li.usage_type]
            if total_qty:
                cost = Fraction(prices.prices[("Svc", li.usage_type)].cost(total_qty))
                exact = cost * Fraction(li.quantity) / Fraction(total_qty)
                assert abs(Fraction(li.usd) - exact) < Fraction(1, 100)


@settings(max_examples=200, deadline=None)
@given(scenario())
def test_one_account_alone_pays_its_unconsolidated_bill(case: tuple[PriceList, list[UsageRecord], list[str]]) -> None:
    prices, records, accounts = case
    whole = invoice.compute_invoice("2026-03", accounts[0], accounts, records, prices)
    for account in accounts:
        alone = invoice.compute_invoice("2026-03", account, [account], records, prices)
        assert alone.total == alone.without_consolidation
        mine = next(a for a in whole.accounts if a.account_id == account)
        # Its share of the separate total is within a cent of its own bill.
        assert abs(mine.alone - alone.total) <= Decimal("0.01")
