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
    _check_billing(raw, accounts, where)
    _check_credentials(accounts, where)


def check_account_references(account_id: str, account: dict[str, Any], where: str) -> None:
    """check_references for one account: what a store read account by account checks when
    it parses or writes that account."""
    _check_account(account_id, account, where)
    _check_roles(account_id, account, where)
    _check_credentials({account_id: account}, where)


def check_store_references(raw: dict[str, Any], accounts: Any, where: str) -> None:
    """check_references for what spans accounts (default account, billing); *accounts*
    need only answer ``in`` (the accounts' tables need not be read)."""
    default = raw.get("default_account")
    if default is not None and default not in accounts:
        raise _broken(where, f"default_account {default} is not an account in the store.")
    _check_billing(raw, accounts, where)


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


_ACTIVE_HANDSHAKE_STATES = ("REQUESTED", "OPEN")


def _check_billing(raw: dict[str, Any], accounts: dict[str, Any], where: str) -> None:
    """Organizations, handshakes, usage and billing settings name accounts of the store,
    and an organization's tree and SCP attachments hold together."""
    organizations = raw.get("organizations", {})
    member_of: dict[str, str] = {}
    for org_id, org in organizations.items():
        _check_organization(org_id, org, accounts, member_of, where)
    for hid, h in raw.get("handshakes", {}).items():
        entity = f"handshake {hid}"
        open_ = h.get("state") in _ACTIVE_HANDSHAKE_STATES
        for role in ("target_account_id", "master_account_id"):
            if h.get(role) not in accounts:
                raise _broken(where, f"{entity} names account {h.get(role)}, which is not in the store.")
        if open_ and h.get("organization_id") not in organizations:
            raise _broken(where, f"{entity} is open but organization {h.get('organization_id')} does not exist.")
    for uid, record in raw.get("usage", {}).items():
        if record.get("account_id") not in accounts:
            owner = record.get("account_id")
            raise _broken(where, f"usage record {uid} is for account {owner}, which is not in the store.")
    for account_id in raw.get("billing_prefs", {}):
        if account_id not in accounts:
            raise _broken(where, f"billing_prefs {account_id} is for an account that is not in the store.")


def _check_organization(
    org_id: str, org: dict[str, Any], accounts: dict[str, Any], member_of: dict[str, str], where: str
) -> None:
    entity = f"organization {org_id}"
    master = org.get("master_account_id")
    members = org.get("accounts", {})
    if master not in members:
        raise _broken(where, f"{entity}: its management account {master} is not among its accounts.")
    root = org.get("root_id")
    ous = org.get("ous", {})
    for account_id, member in members.items():
        if account_id not in accounts:
            raise _broken(where, f"{entity} has member {account_id}, which is not an account in the store.")
        if account_id in member_of:
            raise _broken(where, f"account {account_id} is in two organizations ({member_of[account_id]}, {org_id}).")
        member_of[account_id] = org_id
        parent = member.get("parent_id")
        if parent != root and parent not in ous:
            raise _broken(where, f"{entity}: account {account_id} sits in {parent}, which is not its root or an OU.")
    for ou_id, ou in ous.items():
        seen = {ou_id}
        parent = ou.get("parent_id")
        while parent != root:
            if parent not in ous or parent in seen:
                raise _broken(where, f"{entity}: OU {ou_id} has parent {parent}, which is not its root or an OU.")
            seen.add(parent)
            parent = ous[parent].get("parent_id")
    targets = {root, *ous, *members}
    for name, policy in org.get("scps", {}).items():
        for target in policy.get("targets", []):
            if target not in targets:
                raise _broken(where, f"{entity}: SCP {name} is attached to {target}, which is not in the organization.")


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


def check_documents(raw: dict[str, Any], where: str) -> None:
    """Every policy document the store holds is a JSON object.

    Run when the file is parsed (a person may have edited it), not on every write: the
    documents iamctl writes were checked as policies on the way in."""
    import json

    for entity, text in _documents(raw):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _broken(where, f"{entity} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno} "
                                 "of the document).") from None
        if not isinstance(parsed, dict):
            raise _broken(where, f"{entity} is not a JSON object.")


def _documents(raw: dict[str, Any]) -> list[tuple[str, str]]:
    """(what it is, JSON text) for every policy document in the store."""
    out: list[tuple[str, str]] = []
    for account_id, account in raw.get("accounts", {}).items():
        acct = f"account {account_id}"
        for kind in ("users", "groups", "roles"):
            for name, entity in account.get(kind, {}).items():
                for policy_name, text in entity.get("inline", {}).items():
                    out.append((f"the inline policy {policy_name} of {kind[:-1]} {name} ({acct})", text))
        for name, role in account.get("roles", {}).items():
            if "trust" in role:
                out.append((f"the trust policy of role {name} ({acct})", role["trust"]))
        for name, policy in account.get("policies", {}).items():
            for version, body in policy.get("versions", {}).items():
                out.append((f"version {version} of policy {name} ({acct})", body.get("document", "{}")))
        for key, session in account.get("sessions", {}).items():
            if session.get("policy"):
                out.append((f"the session policy of session {key} ({acct})", session["policy"]))
    for org_id, org in raw.get("organizations", {}).items():
        for name, scp in org.get("scps", {}).items():
            out.append((f"SCP {name} of organization {org_id}", scp.get("document", "{}")))
    return out
