"""Checks that span entities: what a person editing the file by hand can break."""

from __future__ import annotations

from iamctl.core.errors import StoreError
from iamctl.core.model import Account, StoreData


def _broken(where: str, message: str) -> StoreError:
    return StoreError(f"{where}: {message}", "CorruptStore")


def check_references(data: StoreData, where: str) -> None:
    """Raise StoreError naming the entity whose reference points nowhere."""
    if data.default_account is not None and data.default_account not in data.accounts:
        raise _broken(where, f"default_account {data.default_account} is not an account in the store.")
    for account in data.accounts.values():
        _check_account(account, where)


def _check_account(account: Account, where: str) -> None:
    from iamctl.core.service.policies import policy_exists

    acct = f"account {account.id}"
    for user in account.users.values():
        for group in user.groups:
            if group not in account.groups:
                raise _broken(where, f"user {user.name} ({acct}) is in group {group}, which does not exist.")
        for arn in [*user.attached, *([user.boundary] if user.boundary else [])]:
            if not policy_exists(account, arn):
                raise _broken(where, f"user {user.name} ({acct}) refers to policy {arn}, which does not exist.")
    for group in account.groups.values():
        for arn in group.attached:
            if not policy_exists(account, arn):
                raise _broken(where, f"group {group.name} ({acct}) refers to policy {arn}, which does not exist.")
    for policy in account.policies.values():
        if policy.default_version not in policy.versions:
            raise _broken(
                where,
                f"policy {policy.name} ({acct}) has default version {policy.default_version}, which does not exist.",
            )
