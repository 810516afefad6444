"""Checks that span entities: what a person editing the file by hand can break.

They read the plain tables (not the dataclasses), so a write can re-check a quota-size
store in milliseconds without building every entity.
"""

from __future__ import annotations

from typing import Any

from iamctl.core.errors import StoreError


def _broken(where: str, message: str) -> StoreError:
    return StoreError(f"{where}: {message}", "CorruptStore")


def check_references(raw: dict[str, Any], where: str) -> None:
    """Raise StoreError naming the entity whose reference points nowhere."""
    accounts = raw.get("accounts", {})
    default = raw.get("default_account")
    if default is not None and default not in accounts:
        raise _broken(where, f"default_account {default} is not an account in the store.")
    for account_id, account in accounts.items():
        _check_account(account_id, account, where)
        _check_roles(account_id, account, where)


def _policy_arns(account_id: str, account: dict[str, Any]) -> set[str]:
    return {
        f"arn:aws:iam::{account_id}:policy{p.get('path', '/')}{name}" for name, p in account.get("policies", {}).items()
    }


def _check_policy_ref(arn: str, own: set[str], where: str, entity: str) -> None:
    from iamctl.core import managed

    known = arn in own or (managed.is_aws_policy_ref(arn) and managed.get(arn) is not None)
    if not known:
        raise _broken(where, f"{entity} refers to policy {arn}, which does not exist.")


def _check_account(account_id: str, account: dict[str, Any], where: str) -> None:
    own = _policy_arns(account_id, account)
    groups = account.get("groups", {})
    acct = f"account {account_id}"
    for name, user in account.get("users", {}).items():
        entity = f"user {name} ({acct})"
        for group in user.get("groups", []):
            if group not in groups:
                raise _broken(where, f"{entity} is in group {group}, which does not exist.")
        for arn in [*user.get("attached", []), *([user["boundary"]] if user.get("boundary") else [])]:
            _check_policy_ref(arn, own, where, entity)
    for name, group in groups.items():
        for arn in group.get("attached", []):
            _check_policy_ref(arn, own, where, f"group {name} ({acct})")
    for name, policy in account.get("policies", {}).items():
        default = policy.get("default_version", "v1")
        if default not in policy.get("versions", {}):
            raise _broken(where, f"policy {name} ({acct}) has default version {default}, which does not exist.")


def _check_roles(account_id: str, account: dict[str, Any], where: str) -> None:
    """Roles' policies, instance profiles' roles and sessions' roles must exist."""
    own = _policy_arns(account_id, account)
    roles = account.get("roles", {})
    acct = f"account {account_id}"
    for name, role in roles.items():
        for arn in [*role.get("attached", []), *([role["boundary"]] if role.get("boundary") else [])]:
            _check_policy_ref(arn, own, where, f"role {name} ({acct})")
    for name, profile in account.get("instance_profiles", {}).items():
        members = profile.get("roles", [])
        if len(members) > 1:
            raise _broken(where, f"instance profile {name} ({acct}) holds more than one role.")
        for role in members:
            if role not in roles:
                raise _broken(where, f"instance profile {name} ({acct}) holds role {role}, which does not exist.")
    for key, session in account.get("sessions", {}).items():
        if session.get("role") not in roles:
            raise _broken(where, f"session {key} ({acct}) is of role {session.get('role')}, which does not exist.")
