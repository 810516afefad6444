"""The account password policy: UpdateAccountPasswordPolicy (replaces the whole policy),
GetAccountPasswordPolicy, DeleteAccountPasswordPolicy."""

from __future__ import annotations

from iamctl.core.credentials import password_policy as pp
from iamctl.core.model import Account
from iamctl.core.model.credentials import PasswordPolicy


def set_policy(account: Account, **settings: int | bool | None) -> PasswordPolicy:
    """Replace the policy; a setting left out goes back to AWS's default (see make_policy)."""
    account.password_policy = pp.make_policy(**settings)  # type: ignore[arg-type]
    return account.password_policy


def get_policy(account: Account) -> PasswordPolicy:
    if account.password_policy is None:
        raise pp.no_policy(account.id)
    return account.password_policy


def delete_policy(account: Account) -> None:
    get_policy(account)
    account.password_policy = None
