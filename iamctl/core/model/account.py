"""An account and the whole store."""

from __future__ import annotations

from dataclasses import dataclass, field

from iamctl.core.model.iam import CustomerPolicy, Group, User
from iamctl.core.model.roles import InstanceProfile, OidcProvider, Role, SamlProvider, Session

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
    users: dict[str, User] = field(default_factory=dict, metadata=BLOCKS)
    groups: dict[str, Group] = field(default_factory=dict, metadata=BLOCKS)
    policies: dict[str, CustomerPolicy] = field(default_factory=dict, metadata=BLOCKS)
    roles: dict[str, Role] = field(default_factory=dict, metadata=BLOCKS)
    instance_profiles: dict[str, InstanceProfile] = field(default_factory=dict, metadata=BLOCKS)
    oidc_providers: dict[str, OidcProvider] = field(default_factory=dict, metadata=BLOCKS)
    saml_providers: dict[str, SamlProvider] = field(default_factory=dict, metadata=BLOCKS)
    sessions: dict[str, Session] = field(default_factory=dict, metadata=BLOCKS)  # by access key ID


@dataclass
class StoreData:
    schema: int = SCHEMA_VERSION
    default_account: str | None = None
    accounts: dict[str, Account] = field(default_factory=dict, metadata=BLOCKS)
