"""Service level: finding a key's owner across the store without building every user."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from iamctl.core.errors import IamError
from iamctl.core.model.lazy import EntityMap
from iamctl.core.service import access_keys, accounts, users
from iamctl.core.store import Store

NOW = datetime(2026, 11, 28, 16, 4, 44, tzinfo=UTC)


def test_key_owner_scans_stored_tables_lazily(store_path) -> None:
    store = Store(store_path)
    data = accounts.new_store("123456789012")
    accounts.create(data, account_id="210987654321")
    store.create(data)
    with store.transaction() as data:
        for account_id in ("123456789012", "210987654321"):
            for i in range(200):
                users.create(data.accounts[account_id], f"user{i}")
        new = access_keys.create(data, data.accounts["210987654321"], "user150", NOW)
    data = store.read()
    found = access_keys.key_owner(data, new.key.id)
    assert found is not None
    assert (found.account.id, found.user_name) == ("210987654321", "user150")
    users_map = data.accounts["210987654321"].users
    assert isinstance(users_map, EntityMap)
    assert users_map._converted == {"user150"}  # only the owner was built
    assert access_keys.key_owner(data, "AKIAAAAAAAAAAAAAAAAA") is None


def test_authenticate_records_use_once_per_15_minutes(store_path) -> None:
    data = accounts.new_store("123456789012")
    account = data.accounts["123456789012"]
    users.create(account, "alice")
    new = access_keys.create(data, account, "alice", NOW)
    access_keys.authenticate(data, new.key.id, new.secret, NOW)
    first = account.users["alice"].access_keys[new.key.id].last_used_date
    access_keys.authenticate(data, new.key.id, new.secret, NOW.replace(minute=10))
    assert account.users["alice"].access_keys[new.key.id].last_used_date == first
    with pytest.raises(IamError) as err:
        access_keys.authenticate(data, new.key.id, "wrong", NOW)
    assert err.value.code == "SignatureDoesNotMatch"
