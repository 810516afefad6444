"""The price list format, its validation, and graduated tier cost."""

from __future__ import annotations

from decimal import Decimal

import pytest

from iamctl.core.billing.prices import PriceListError, default_prices, parse_prices

WORKED = """
[[prices]]
service = "AmazonS3"
usage_type = "TimedStorage"
unit = "TB-Mo"
tiers = [{ up_to = 1, usd = "100" }, { up_to = 50, usd = "80" }, { up_to = 500, usd = "60" }, { usd = "40" }]
"""


def test_worked_example_tiers() -> None:
    price = parse_prices(WORKED).get("AmazonS3", "TimedStorage")
    assert price is not None
    assert price.cost(Decimal(95)) == Decimal(6720)
    assert price.cost(Decimal(0)) == 0
    assert price.cost(Decimal(1)) == 100  # exactly at a boundary
    assert price.cost(Decimal(50)) == 100 + 49 * 80
    assert price.cost(Decimal("50.5")) == 100 + 49 * 80 + 30
    assert price.cost(Decimal(600)) == 100 + 49 * 80 + 450 * 60 + 100 * 40


def test_default_price_list() -> None:
    prices = default_prices()
    s3 = prices.get("AmazonS3", "TimedStorage-ByteHrs")
    assert s3 is not None and s3.unit == "GB-Mo"
    assert [t.up_to for t in s3.tiers] == [51200, 512000, None]
    dto = prices.get("AWSDataTransfer", "DataTransfer-Out-Bytes")
    assert dto is not None and dto.cost(Decimal(100)) == 0
    assert dto.cost(Decimal(1124)) == Decimal("92.16")
    assert prices.get("AmazonEC2", "BoxUsage:t3.micro") is not None


def test_floats_are_read_exactly() -> None:
    text = WORKED.replace('usd = "80"', "usd = 0.1")
    price = parse_prices(text).get("AmazonS3", "TimedStorage")
    assert price is not None and price.tiers[1].usd == Decimal("0.1")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("prices = 1", "no [[prices]] entries"),
        ("[[prices]\n", "not valid TOML"),
        ('[other]\nx = 1\n' + WORKED, "unknown top-level key 'other'"),
        (WORKED.replace('unit = "TB-Mo"', ""), "prices entry 1: 'unit' must be a non-empty string"),
        (WORKED.replace('{ usd = "40" }', '{ up_to = 900, usd = "40" }'), "tier 4: the last tier must not have up_to"),
        (WORKED.replace("up_to = 50,", "up_to = 1,"), "tier 2: up_to 1 must be greater than the previous tier's end 1"),
        (WORKED.replace('usd = "60"', 'usd = "sixty"'), "tier 3: usd 'sixty' is not a decimal number"),
        (WORKED.replace('usd = "60"', 'usd = "-1"'), "tier 3: usd must not be negative"),
        (WORKED.replace('{ up_to = 50, usd = "80" }', '{ usd = "80" }'), "tier 2: up_to is missing"),
        (WORKED.replace("tiers = [", "tiers = [], x = ["), "not valid TOML"),
        (
            WORKED.replace('tiers = [{ up_to = 1, usd = "100" }, ', 'tiers = [{ up_to = 1, usd = "100", max = 3 }, '),
            "unknown key 'max'",
        ),
        (WORKED.replace('usd = "100"', "usd = true"), "must be a number or a decimal string"),
        (WORKED + WORKED, "prices entry 2: AmazonS3 TimedStorage is already priced"),
    ],
)
def test_format_errors(text: str, message: str) -> None:
    with pytest.raises(PriceListError) as exc:
        parse_prices(text, "test.toml")
    assert message in exc.value.message
    assert exc.value.message.startswith("test.toml: ")
    assert exc.value.exit_status == 2


def test_every_bad_entry_is_reported() -> None:
    bad = WORKED.replace('unit = "TB-Mo"', "") + WORKED.replace('service = "AmazonS3"', 'service = ""')
    with pytest.raises(PriceListError) as exc:
        parse_prices(bad)
    assert [e.split(":")[0] for e in exc.value.errors] == ["prices entry 1", "prices entry 2"]
