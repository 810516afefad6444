"""Price lists: tiered prices per (service, usage type), loaded from TOML.

Format (one [[prices]] table per usage type):

    [[prices]]
    service = "AmazonS3"
    usage_type = "TimedStorage"
    unit = "TB-Mo"
    tiers = [{ up_to = 1, usd = "100" }, { up_to = 50, usd = "80" }, { usd = "60" }]

``up_to`` is the cumulative quantity at which a tier ends; the last tier has none and runs
without bound. ``usd`` is the price per unit, best written as a decimal string. Numbers are
read as Decimal (never binary floats), so ``usd = 0.023`` is exact too.

Cost is graduated, as AWS's tiers are: each unit is charged at the price of the tier it
falls in, so 60 units with the tiers above cost 1*100 + 49*80 + 10*60.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

from iamctl.core.billing.money import exact
from iamctl.core.errors import UsageError

_ENTRY_KEYS = {"service", "usage_type", "unit", "tiers", "description"}
_TIER_KEYS = {"up_to", "usd"}


class PriceListError(UsageError):
    """A price list that can't be used; ``errors`` holds every problem found, one a line."""

    def __init__(self, source: str, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(f"{source}: " + "; ".join(errors), code="InvalidPriceList")


@dataclass(frozen=True)
class Tier:
    up_to: Decimal | None  # cumulative end of the tier; None for the last, unbounded one
    usd: Decimal  # per unit


@dataclass(frozen=True)
class Price:
    service: str
    usage_type: str
    unit: str
    tiers: tuple[Tier, ...]
    description: str | None = None

    def cost(self, quantity: Decimal) -> Decimal:
        """Exact (unrounded) graduated cost of *quantity* units in one month."""
        with exact():
            return sum((usd * qty for usd, qty in self.split(quantity)), Decimal(0))

    def split(self, quantity: Decimal) -> list[tuple[Decimal, Decimal]]:
        """(price, units) for each tier *quantity* reaches, in order."""
        out = []
        start = Decimal(0)
        for tier in self.tiers:
            if quantity <= start:
                break
            end = quantity if tier.up_to is None else min(quantity, tier.up_to)
            out.append((tier.usd, end - start))
            if tier.up_to is None:
                break
            start = tier.up_to
        return out


@dataclass(frozen=True)
class PriceList:
    prices: dict[tuple[str, str], Price]
    source: str

    def get(self, service: str, usage_type: str) -> Price | None:
        return self.prices.get((service, usage_type))

    def __iter__(self) -> Iterator[Price]:
        return iter(self.prices.values())


def _decimal(value: Any, where: str, errors: list[str], *, field: str) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        errors.append(f"{where}: {field} must be a number or a decimal string, not {value!r}")
        return None
    try:
        number = Decimal(value) if not isinstance(value, str) else Decimal(value.strip())
    except InvalidOperation:
        errors.append(f"{where}: {field} {value!r} is not a decimal number")
        return None
    if not number.is_finite():
        errors.append(f"{where}: {field} {value!r} is not a finite number")
        return None
    return number


def _entry(n: int, raw: Any, errors: list[str]) -> Price | None:
    where = f"prices entry {n}"
    if not isinstance(raw, dict):
        errors.append(f"{where}: must be a table")
        return None
    before = len(errors)
    for key in sorted(set(raw) - _ENTRY_KEYS):
        errors.append(f"{where}: unknown key '{key}'")
    texts: dict[str, str] = {}
    for key in ("service", "usage_type", "unit"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            errors.append(f"{where}: '{key}' must be a non-empty string")
        else:
            texts[key] = value.strip()
    description = raw.get("description")
    if description is not None and not isinstance(description, str):
        errors.append(f"{where}: 'description' must be a string")
    tiers_raw = raw.get("tiers")
    tiers: list[Tier] = []
    if not isinstance(tiers_raw, list) or not tiers_raw:
        errors.append(f"{where}: 'tiers' must be a non-empty array of tables")
        tiers_raw = []
    previous = Decimal(0)
    for t, tier in enumerate(tiers_raw, start=1):
        tw = f"{where}, tier {t}"
        if not isinstance(tier, dict):
            errors.append(f"{tw}: must be a table like {{ up_to = 50, usd = \"0.023\" }}")
            continue
        for key in sorted(set(tier) - _TIER_KEYS):
            errors.append(f"{tw}: unknown key '{key}'")
        if "usd" not in tier:
            errors.append(f"{tw}: 'usd' is missing")
            continue
        usd = _decimal(tier["usd"], tw, errors, field="usd")
        if usd is not None and usd < 0:
            errors.append(f"{tw}: usd must not be negative")
        last = t == len(tiers_raw)
        up_to = None
        if "up_to" in tier:
            up_to = _decimal(tier["up_to"], tw, errors, field="up_to")
            if last and up_to is not None:
                errors.append(f"{tw}: the last tier must not have up_to (it covers everything above)")
            elif up_to is not None and up_to <= previous:
                errors.append(f"{tw}: up_to {up_to} must be greater than the previous tier's end {previous}")
            elif up_to is not None:
                previous = up_to
        elif not last:
            errors.append(f"{tw}: up_to is missing (only the last tier may omit it)")
        if usd is not None:
            tiers.append(Tier(up_to=up_to, usd=usd))
    if len(errors) > before:
        return None
    return Price(
        service=texts["service"],
        usage_type=texts["usage_type"],
        unit=texts["unit"],
        tiers=tuple(tiers),
        description=description,
    )


def parse_prices(text: str, source: str = "<price list>") -> PriceList:
    """Read a price list; raise PriceListError naming every bad entry by its number."""
    try:
        raw = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise PriceListError(source, [f"not valid TOML: {exc}"]) from None
    errors: list[str] = []
    for key in sorted(set(raw) - {"prices"}):
        errors.append(f"unknown top-level key '{key}' (expected [[prices]] tables)")
    entries = raw.get("prices")
    if not isinstance(entries, list) or not entries:
        errors.append("no [[prices]] entries")
        entries = []
    prices: dict[tuple[str, str], Price] = {}
    for n, entry in enumerate(entries, start=1):
        price = _entry(n, entry, errors)
        if price is None:
            continue
        key = (price.service, price.usage_type)
        if key in prices:
            errors.append(f"prices entry {n}: {price.service} {price.usage_type} is already priced by an earlier entry")
            continue
        prices[key] = price
    if errors:
        raise PriceListError(source, errors)
    return PriceList(prices=prices, source=source)


def require_price(price_list: PriceList, service: str, usage_type: str) -> Price:
    """The price of *usage_type*, or a usage error naming what this list does price, so
    a usage record is never one the invoice cannot charge (a typo, or a type the list
    lacks: then give your own list with --prices)."""
    found = price_list.get(service, usage_type)
    if found is not None:
        return found
    from iamctl.core.suggest import did_you_mean

    priced = sorted(p.usage_type for p in price_list if p.service == service)
    where = f"the price list {price_list.source}"
    own = " or price it in a list of your own with --prices FILE (see 'iamctl billing prices --help')"
    if not priced:
        services = sorted({p.service for p in price_list})
        raise UsageError(
            f"No prices for service {service} in {where}.{did_you_mean(service, services)} "
            f"Priced services: {', '.join(services)}; {own.removeprefix(' or ')}.",
            code="UnpricedUsage",
        )
    raise UsageError(
        f"No price for {service} usage type {usage_type} in {where}.{did_you_mean(usage_type, priced)} "
        f"Priced for {service}: {', '.join(priced)}. Use one of those,{own}.",
        code="UnpricedUsage",
    )


def load_prices(path: str | Path) -> PriceList:
    """Read a price list file (--prices FILE)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"Can't read the price list {path}: {exc.strerror}.", code="InvalidPriceList") from None
    return parse_prices(text, str(path))


def default_prices() -> PriceList:
    """The price list shipped with iamctl (iamctl/data/prices.toml)."""
    text = resources.files("iamctl").joinpath("data/prices.toml").read_text(encoding="utf-8")
    return parse_prices(text, "iamctl/data/prices.toml")
