"""Entities as plain dataclasses; see base.py for how they map to the TOML file."""

from iamctl.core.model.account import SCHEMA_VERSION, Account, StoreData
from iamctl.core.model.iam import CustomerPolicy, Group, PolicyVersion, User

__all__ = ["SCHEMA_VERSION", "Account", "CustomerPolicy", "Group", "PolicyVersion", "StoreData", "User"]
