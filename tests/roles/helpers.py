"""Building stores for role tests in memory, through the services."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from iamctl.core.model import Account, StoreData
from iamctl.core.service import accounts, users

A = "111122223333"  # the caller's account in AWS's cross-account examples
B = "444455556666"  # the role's account
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def store() -> StoreData:
    data = accounts.new_store(A)
    accounts.create(data, account_id=B)
    return data


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str | list[str], resource: str | list[str] = "*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def trust(principal: dict, action: str = "sts:AssumeRole", **extra) -> str:
    return doc({"Effect": "Allow", "Principal": principal, "Action": action, **extra})


def user_with(account: Account, name: str, *statements: dict, tags: dict | None = None):
    user = users.create(account, name, tags=tags)
    if statements:
        users.put_policy(account, name, "inline", doc(*statements))
    return user
