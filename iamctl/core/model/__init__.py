"""Entities as plain dataclasses; see base.py for how they map to the TOML file."""

from iamctl.core.model.account import SCHEMA_VERSION, Account, StoreData
from iamctl.core.model.iam import CustomerPolicy, Group, PolicyVersion, User
from iamctl.core.model.roles import InstanceProfile, OidcProvider, Role, SamlProvider, Session

__all__ = [
    "SCHEMA_VERSION",
    "Account",
    "CustomerPolicy",
    "Group",
    "InstanceProfile",
    "OidcProvider",
    "PolicyVersion",
    "Role",
    "SamlProvider",
    "Session",
    "StoreData",
    "User",
]
