"""Checks that span entities: what a person editing the file by hand can break.

They read the plain tables (not the dataclasses), so a write can re-check a quota-size
store in milliseconds without building every entity.
"""

from __future__ import annotations

import functools
import itertools
from typing import Any

from iamctl.core.errors import StoreError
from iamctl.core.names import is_valid_path


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
    need only answer ``in`` and iterate over their IDs (the accounts' tables need not be read)."""
    for account_id in accounts:
        check_account_id(account_id, where)
    default = raw.get("default_account")
    if default is not None and default not in accounts:
        raise _broken(where, f"default_account {default} is not an account in the store.")
    _check_billing(raw, accounts, where)


def _policy_arns(account_id: str, account: dict[str, Any]) -> set[str]:
    """The account's own policies, and the AWS managed ones iamctl does not ship that the
    account keeps from an import (an aws_policies entry with a path)."""
    own = {
        f"arn:aws:iam::{account_id}:policy{p.get('path', '/')}{name}" for name, p in account.get("policies", {}).items()
    }
    own.update(f"arn:aws:iam::aws:policy{p['path']}{name}" for name, p in account.get("aws_policies", {}).items()
               if isinstance(p, dict) and isinstance(p.get("path"), str))
    return own


def _check_policy_ref(arn: str, own: set[str], where: str, entity: str) -> None:
    if arn not in own and not _ships(arn):
        raise _broken(where, f"{entity} refers to policy {arn}, which does not exist.")


@functools.cache
def _ships(arn: str) -> bool:
    """Is *arn* an AWS managed policy iamctl ships? (Asked once per ARN: a write re-checks
    the thousands of attachments of the account it changes while holding the lock.)"""
    from iamctl.core import managed

    return managed.is_aws_policy_ref(arn) and managed.get(arn) is not None


def _check_account(account_id: str, account: dict[str, Any], where: str) -> None:
    own = _policy_arns(account_id, account)
    groups = account.get("groups", {})
    acct = f"account {account_id}"
    for name, user in account.get("users", {}).items():
        for group in user.get("groups", ()):
            if group not in groups:
                raise _broken(where, f"user {name} ({acct}) is in group {group}, which does not exist.")
        boundary = user.get("boundary")
        for arn in (*user.get("attached", ()), *((boundary,) if boundary else ())):
            if arn not in own:  # the common case, without building the entity's name
                _check_policy_ref(arn, own, where, f"user {name} ({acct})")
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
    for label, key in (("SCP", "scps"), ("RCP", "rcps")):
        for name, policy in org.get(key, {}).items():
            for target in policy.get("targets", []):
                if target not in targets:
                    raise _broken(
                        where, f"{entity}: {label} {name} is attached to {target}, which is not in the organization."
                    )


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
        holders = itertools.chain([(None, account.get("root") or {})], account.get("users", {}).items())
        for name, holder in holders:
            keys = holder.get("access_keys")
            mfa = holder.get("mfa")
            if not keys and not mfa:  # most users: no name to build
                continue
            entity = f"the root user ({acct})" if name is None else f"user {name} ({acct})"
            if keys and len(keys) > 2:
                raise _broken(where, f"{entity} has {len(keys)} access keys; the quota is 2.")
            for key_id in keys or ():
                if key_id in key_owner:
                    raise _broken(where, f"{entity} has access key {key_id}, which {key_owner[key_id]} has too.")
                key_owner[key_id] = entity
            serial = (mfa or {}).get("serial")
            if serial is not None:
                if serial in serial_owner:
                    raise _broken(where, f"{entity} has MFA device {serial}, which {serial_owner[serial]} has too.")
                serial_owner[serial] = entity


def check_documents(raw: dict[str, Any], where: str) -> None:
    """Every policy document the store holds is a JSON object, and every value commands
    rely on is well formed (check_values).

    Run when the file is parsed (a person may have edited it), not on every write: the
    documents iamctl writes were checked as policies on the way in."""
    import json

    check_values(raw, where)

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
        for name, rcp in org.get("rcps", {}).items():
            out.append((f"RCP {name} of organization {org_id}", rcp.get("document", "{}")))
    return out


# ---------------------------------------------------------------- values commands rely on
#
# The types of every field are checked when the store is built (model/base.py); these are
# the values within a type that commands rely on later, so that a hand edit is reported
# here, naming the entity, rather than crashing a sign-in or a listing days afterwards.
# They run with check_documents, when the file is parsed: what iamctl writes is valid.

_TIME_FIELDS = {
    "account": ("created",),
    "user": ("created",),
    "login_profile": ("created", "password_changed", "password_last_used"),
    "access_key": ("created", "last_used_date"),
    "mfa": ("enabled",),
    "group": ("created",),
    "policy": ("created", "updated"),
    "policy_version": ("created",),
    "role": ("created", "last_used"),
    "instance_profile": ("created",),
    "oidc_provider": ("created",),
    "saml_provider": ("created", "valid_until"),
    "session": ("issued", "expires"),
    "organization": ("created",),
    "member": ("joined",),
    "departed": ("joined", "left"),
    "handshake": ("requested", "expiration", "closed"),
}
ACCESS_KEY_STATUSES = ("Active", "Inactive")


def check_account_id(account_id: str, where: str) -> None:
    if not (len(account_id) == 12 and account_id.isascii() and account_id.isdigit()):
        raise _broken(where, f"account ID {account_id!r} is not 12 digits.")


def check_values(raw: dict[str, Any], where: str) -> None:
    """12-digit account IDs, ISO 8601 times, access key statuses, Base32 MFA seeds and
    secret hashes iamctl can check at its own cost; StoreError naming the entity."""
    for account_id, account in raw.get("accounts", {}).items():
        acct = f"account {account_id}"
        check_account_id(account_id, where)
        _times(account, "account", acct, where)
        _check_holder(account.get("root") or {}, f"the root user ({acct})", where)
        for name, user in account.get("users", {}).items():
            _times(user, "user", f"user {name} ({acct})", where)
            _check_holder(user, f"user {name} ({acct})", where)
            _path(user, f"user {name} ({acct})", where)
        for kind in ("group", "policy", "role", "instance_profile", "oidc_provider", "saml_provider"):
            for name, entity in account.get(f"{kind}s" if kind != "policy" else "policies", {}).items():
                label = f"{kind.replace('_', ' ')} {name} ({acct})"
                _times(entity, kind, label, where)
                _path(entity, label, where)
                for version, body in (entity.get("versions", {}) if kind == "policy" else {}).items():
                    _times(body, "policy_version", f"version {version} of {label}", where)
        for key, session in account.get("sessions", {}).items():
            entity = f"session {key} ({acct})"
            _times(session, "session", entity, where)
            for field_name in ("secret_hash", "token_hash"):
                _hash(session.get(field_name), f"{entity}: {field_name}", where)
    _check_billing_values(raw, where)


def _path(entity: dict[str, Any], label: str, where: str) -> None:
    """A path as AWS allows it: ARNs are built from it, and commands match on its prefix."""
    path = entity.get("path")
    if isinstance(path, str) and not is_valid_path(path):
        raise _broken(where, f"{label} has path {path!r}; a path is / or starts and ends with /, "
                             "e.g. /engineering/ (printable ASCII, at most 512 characters).")


def _check_holder(holder: dict[str, Any], entity: str, where: str) -> None:
    """A user's or the root user's credentials: keys, password, MFA device."""
    for key_id, key in (holder.get("access_keys") or {}).items():
        label = f"access key {key_id} of {entity}"
        _times(key, "access_key", label, where)
        if key.get("status", "Active") not in ACCESS_KEY_STATUSES:
            raise _broken(where, f"{label} has status {key.get('status')!r}; it must be Active or Inactive.")
        _hash(key.get("secret_hash"), f"{label}: secret_hash", where)
    _hash(holder.get("password_hash"), f"{entity}: password_hash", where)
    login = holder.get("login_profile")
    if login:
        _times(login, "login_profile", f"the password of {entity}", where)
        _hash(login.get("password_hash"), f"the password of {entity}: password_hash", where)
        for i, old in enumerate(login.get("history", [])):
            _hash(old, f"the password of {entity}: history[{i}]", where)
    mfa = holder.get("mfa")
    if mfa:
        _times(mfa, "mfa", f"the MFA device of {entity}", where)
        if not is_base32_seed(mfa.get("seed")):
            raise _broken(where, f"the MFA device of {entity} has a seed that is not Base32 (A-Z, 2-7).")


def _check_billing_values(raw: dict[str, Any], where: str) -> None:
    for org_id, org in raw.get("organizations", {}).items():
        entity = f"organization {org_id}"
        _times(org, "organization", entity, where)
        for account_id, member in org.get("accounts", {}).items():
            _times(member, "member", f"{entity}: member {account_id}", where)
        for key, member in org.get("departed", {}).items():
            _times(member, "departed", f"{entity}: departed member {key}", where)
    for hid, handshake in raw.get("handshakes", {}).items():
        _times(handshake, "handshake", f"handshake {hid}", where)
    for uid, record in raw.get("usage", {}).items():
        month = record.get("month")
        if not (isinstance(month, str) and len(month) == 7 and _is_time(f"{month}-01")):
            raise _broken(where, f"usage record {uid} has month {month!r}, which is not YYYY-MM.")


def _times(entity: dict[str, Any], kind: str, label: str, where: str) -> None:
    for field_name in _TIME_FIELDS[kind]:
        value = entity.get(field_name)
        if value is not None and not _is_time(value):
            raise _broken(where, f"{label} has {field_name} {value!r}, which is not an ISO 8601 time.")


def _is_time(value: object) -> bool:
    from datetime import datetime

    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_base32_seed(seed: object) -> bool:
    """Whether TOTP can use *seed*: Base32 (RFC 4648, any case, padding optional)."""
    import base64
    import binascii

    if not isinstance(seed, str) or not seed.rstrip("=") or not seed.isascii():
        return False
    body = seed.rstrip("=")
    try:
        base64.b32decode(body + "=" * (-len(body) % 8), casefold=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _hash(value: object, label: str, where: str) -> None:
    if value is None:
        return
    from iamctl.core.credentials.secrets_hash import hash_problem

    problem = hash_problem(value) if isinstance(value, str) else "is not a string"
    if problem is not None:
        raise _broken(where, f"{label} {problem}.")


# ---------------------------------------------------------------- nesting

MAX_NESTING = 100  # iamctl writes at most a few levels; Python's TOML parser recurses per level

# Strings (whose brackets do not count), comments, brackets.
_TOKEN = r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}]'
_HEADER = r"^[ \t]*\[[^\n]*\][ \t]*$"


def too_deeply_nested(text: str, where: str) -> StoreError:
    """The error for a store whose arrays or inline tables nest so deep that the TOML
    parser ran out of recursion: it names the line where the nesting passes MAX_NESTING,
    and the table it is in. (Only called then: the scan costs a cold read ~5%.)"""
    import re

    depth = 0
    for match in re.finditer(_TOKEN, text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_NESTING:
                line = text.count("\n", 0, match.start()) + 1
                headers = re.findall(_HEADER, text[: match.start()], re.MULTILINE)
                table = f" (in {headers[-1].strip()})" if headers else ""
                return _broken(where, f"line {line}{table}: arrays or inline tables nest more than "
                                      f"{MAX_NESTING} deep.")
        elif token in "]}":
            depth = max(depth - 1, 0)
    return _broken(where, "arrays or tables nest too deep to be read.")
