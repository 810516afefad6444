"""Exact arithmetic and the rounding rule for invoices.

Rounding rule (documented in the invoice's help too):
1. Every tier product, sum and blended share is computed exactly: Decimal with a wide
   context that traps inexact results, and Fraction for the division by total usage.
2. Rounding happens once per total, half up to the cent: the organization's total is
   round_half_up(sum of exact costs of every usage type), and the total without
   consolidation is round_half_up(sum of exact separate costs).
3. Each total is then split over its parts (line items; accounts) by the largest
   remainder method: every part gets its exact amount rounded down to the cent, and the
   cents still missing go one each to the parts with the largest dropped fractions (ties:
   the earlier part in invoice order). So parts always add up to the total exactly, and
   no part is more than one cent from its exact amount.
Because the exact consolidated cost never exceeds the exact separate cost when tier
prices fall as usage grows, and rounding half up is monotone, the consolidated total
never exceeds the total without consolidation.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import floor

CENT = Decimal("0.01")


@contextmanager
def exact() -> Iterator[None]:
    """A Decimal context wide enough for any bounded quantity times any listed price,
    which raises instead of silently rounding if that were ever not so."""
    with decimal.localcontext() as ctx:
        ctx.prec = 200
        ctx.Emax = 10**6
        ctx.Emin = -(10**6)
        ctx.traps[decimal.Inexact] = True
        ctx.traps[decimal.Rounded] = True
        yield


def round_cents(amount: Decimal) -> Decimal:
    """Half up to the cent (0.005 -> 0.01), the usual commercial rule."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def allocate(total: Decimal, parts: Sequence[Fraction]) -> list[Decimal]:
    """Split *total* (whole cents) over exact *parts* (in dollars) by largest remainder.

    *parts* should add up to about *total* (within the rounding of step 2 above).
    """
    total_cents = int(total * 100)
    if Decimal(total_cents) != total * 100:
        raise ValueError(f"{total} is not a whole number of cents")
    cents = [p * 100 for p in parts]
    floors = [floor(c) for c in cents]
    missing = total_cents - sum(floors)
    if not 0 <= missing <= len(parts):
        raise ValueError("the parts don't add up to the total")
    order = sorted(range(len(parts)), key=lambda i: (-(cents[i] - floors[i]), i))
    for i in order[:missing]:
        floors[i] += 1
    return [Decimal(c).scaleb(-2) for c in floors]


def usd(amount: Decimal) -> str:
    """Money as AWS's JSON writes it here: a decimal string with exactly two places."""
    return str(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def plain(number: Decimal) -> str:
    """A quantity without exponent or trailing zeros: 30720, 1.5, 0.000001."""
    text = format(number.normalize(), "f")
    return text if text != "-0" else "0"
