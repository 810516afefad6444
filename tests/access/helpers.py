"""Building stores for access tests in memory, through the services."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from iamctl.core.model import Account, StoreData
from iamctl.core.service import accounts, groups, roles, users

A = "111122223333"
B = "444455556666"
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def store() -> StoreData:
    data = accounts.new_store(A)
    accounts.create(data, account_id=B)
    return data


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*", **extra) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def trust(principal: dict, action: str = "sts:AssumeRole", **extra) -> str:
    return doc({"Effect": "Allow", "Principal": principal, "Action": action, **extra})


def user_with(account: Account, name: str, *statements: dict, group: str | None = None):
    user = users.create(account, name)
    if statements:
        users.put_policy(account, name, "inline", doc(*statements))
    if group is not None:
        if group not in account.groups:
            groups.create(account, group)
        groups.add_user(account, group, name)
    return user


def role_with(data: StoreData, account: Account, name: str, trusted: dict, *statements: dict):
    role = roles.create(data, account, name, trust(trusted))
    if statements:
        roles.put_policy(account, name, "inline", doc(*statements))
    return role


def arn(account: str, kind: str, name: str) -> str:
    return f"arn:aws:iam::{account}:{kind}/{name}"
