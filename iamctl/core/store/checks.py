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
    _check_credentials(accounts, where)


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


def _check_credentials(accounts: dict[str, Any], where: str) -> None:
    """Access key IDs are unique in the whole store (a key alone names its owner, as in
    STS); aliases are unique in the store; MFA serials are unique in their account."""
    key_owner: dict[str, str] = {}
    alias_owner: dict[str, str] = {}
    for account_id, account in accounts.items():
        acct = f"account {account_id}"
        alias = account.get("alias")
        if alias is not None:
            if alias in alias_owner:
                raise _broken(where, f"{acct} has alias {alias}, which account {alias_owner[alias]} has too.")
            alias_owner[alias] = account_id
        serial_owner: dict[str, str] = {}
        holders = [(f"the root user ({acct})", account.get("root") or {})]
        holders += [(f"user {name} ({acct})", user) for name, user in account.get("users", {}).items()]
        for entity, holder in holders:
            keys = holder.get("access_keys") or {}
            if len(keys) > 2:
                raise _broken(where, f"{entity} has {len(keys)} access keys; the quota is 2.")
            for key_id in keys:
                if key_id in key_owner:
                    raise _broken(where, f"{entity} has access key {key_id}, which {key_owner[key_id]} has too.")
                key_owner[key_id] = entity
            serial = (holder.get("mfa") or {}).get("serial")
            if serial is not None:
                if serial in serial_owner:
                    raise _broken(where, f"{entity} has MFA device {serial}, which {serial_owner[serial]} has too.")
                serial_owner[serial] = entity
