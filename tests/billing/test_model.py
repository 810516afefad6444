"""The billing model goes through the generic dataclass <-> TOML mapping unchanged."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from iamctl.core.model.base import from_raw, to_raw
from iamctl.core.model.billing import BillingData, BillingPrefs, UsageRecord

from .conftest import M1


def _plain(value: Any) -> bool:
    """Only values TOML holds natively: strings, booleans, integers, arrays, tables."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return isinstance(value, (str, bool, int))


def test_round_trip(org_data: BillingData) -> None:
    org_data.usage["u-00000001"] = UsageRecord(
        id="u-00000001", account_id=M1, service="AmazonS3", usage_type="TimedStorage",
        quantity=Decimal("30.125"), month="2026-03", unit="TB-Mo",
    )
    org_data.prefs[M1] = BillingPrefs(account_id=M1, iam_access_to_billing=True)
    raw = to_raw(org_data)
    assert _plain(raw)
    assert raw["usage"]["u-00000001"]["quantity"] == "30.125"
    assert from_raw(BillingData, raw, "billing") == org_data
