"""An account and the whole store."""

from __future__ import annotations

from dataclasses import dataclass, field

from iamctl.core.model.credentials import PasswordPolicy, RootUser
from iamctl.core.model.iam import CustomerPolicy, Group, User

SCHEMA_VERSION = 1

# A collection whose entries each get their own [table] in the file. The store rewrites
# only the tables of entries that changed, which keeps writes fast at AWS's quota sizes.
BLOCKS = {"blocks": True}


@dataclass
class Account:
    id: str = field(metadata={"from_key": True})
    created: str
    name: str | None = None
    alias: str | None = None
    password_policy: PasswordPolicy | None = None  # None: AWS's default policy applies
    root: RootUser | None = None  # None until the root user gets a password, a key or MFA
    users: dict[str, User] = field(default_factory=dict, metadata=BLOCKS)
    groups: dict[str, Group] = field(default_factory=dict, metadata=BLOCKS)
    policies: dict[str, CustomerPolicy] = field(default_factory=dict, metadata=BLOCKS)


@dataclass
class StoreData:
    schema: int = SCHEMA_VERSION
    default_account: str | None = None
    accounts: dict[str, Account] = field(default_factory=dict, metadata=BLOCKS)
