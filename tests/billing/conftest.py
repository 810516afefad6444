from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from iamctl.core.billing import orgs
from iamctl.core.model.billing import BillingData

PAYER = "111111111111"
M1, M2, M3 = "222222222222", "333333333333", "444444444444"
T0 = datetime(2026, 3, 1, 9, 0, 0, tzinfo=UTC)


@pytest.fixture
def rng() -> random.Random:
    return random.Random(7)


@pytest.fixture
def data() -> BillingData:
    return BillingData()


@pytest.fixture
def org_data(data: BillingData, rng: random.Random) -> BillingData:
    """An organization run by PAYER with M1, M2, M3 invited and accepted at T0."""
    orgs.create_organization(data, PAYER, T0, email="finance@example.com", name="Finance", rng=rng)
    for account in (M1, M2, M3):
        h = orgs.invite_account(data, PAYER, account, T0, rng=rng)
        orgs.accept_handshake(data, account, h.id, T0, name=f"dept-{account[:1]}")
    return data
