"""Building stores for access tests in memory, through the services."""

from __future__ import annotations

from iamctl.core.model import Account, StoreData
from iamctl.core.service import groups, roles, users
from tests.roles.helpers import NOW, A, B, allow, doc, store, trust

__all__ = ["NOW", "A", "B", "allow", "arn", "deny", "doc", "role_with", "store", "trust", "user_with"]


def deny(action, resource="*", **extra) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


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
