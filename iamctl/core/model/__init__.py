"""Entities as plain dataclasses; see base.py for how they map to the TOML file.

The submodules are imported on first use of one of their names (PEP 562): every command
pays for the dataclasses it imports (about a millisecond each here), and a command on a
store with no roles or organizations never needs those classes. base.py resolves field
types through this table too, so that ``Account.roles: dict[str, Role]`` imports roles.py
only when a store holds roles.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# name → the submodule that defines it
_WHERE: dict[str, str] = {
    "SCHEMA_VERSION": "account",
    "Account": "account",
    "StoreData": "account",
    "User": "iam",
    "Group": "iam",
    "PolicyVersion": "iam",
    "CustomerPolicy": "iam",
    "AwsPolicyOverride": "iam",
    "AccessKey": "credentials",
    "LoginProfile": "credentials",
    "MfaDevice": "credentials",
    "PasswordPolicy": "credentials",
    "RootUser": "credentials",
    "Role": "roles",
    "InstanceProfile": "roles",
    "OidcProvider": "roles",
    "SamlProvider": "roles",
    "Session": "roles",
    "OrganizationalUnit": "billing",
    "Membership": "billing",
    "DepartedMember": "billing",
    "Scp": "billing",
    "Organization": "billing",
    "Handshake": "billing",
    "UsageRecord": "billing",
    "BillingPrefs": "billing",
    "BillingData": "billing",
}

__all__ = [
    "SCHEMA_VERSION",
    "AccessKey",
    "Account",
    "AwsPolicyOverride",
    "BillingData",
    "BillingPrefs",
    "CustomerPolicy",
    "DepartedMember",
    "Group",
    "Handshake",
    "InstanceProfile",
    "LoginProfile",
    "Membership",
    "MfaDevice",
    "OidcProvider",
    "Organization",
    "OrganizationalUnit",
    "PasswordPolicy",
    "PolicyVersion",
    "Role",
    "RootUser",
    "SamlProvider",
    "Scp",
    "Session",
    "StoreData",
    "UsageRecord",
    "User",
]

if TYPE_CHECKING:
    from iamctl.core.model.account import SCHEMA_VERSION, Account, StoreData
    from iamctl.core.model.billing import (
        BillingData,
        BillingPrefs,
        DepartedMember,
        Handshake,
        Membership,
        Organization,
        OrganizationalUnit,
        Scp,
        UsageRecord,
    )
    from iamctl.core.model.credentials import AccessKey, LoginProfile, MfaDevice, PasswordPolicy, RootUser
    from iamctl.core.model.iam import AwsPolicyOverride, CustomerPolicy, Group, PolicyVersion, User
    from iamctl.core.model.roles import InstanceProfile, OidcProvider, Role, SamlProvider, Session


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
