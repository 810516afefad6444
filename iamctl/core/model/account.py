"""An account and the whole store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

# Field types are only names here: base.py resolves each through the model package when
# a store first holds such a field, so reading users never imports roles or billing.
if TYPE_CHECKING:
    from iamctl.core.model.billing import BillingData, BillingPrefs, Handshake, Organization, UsageRecord
    from iamctl.core.model.credentials import PasswordPolicy, RootUser
    from iamctl.core.model.iam import AwsPolicyOverride, CustomerPolicy, Group, User
    from iamctl.core.model.roles import InstanceProfile, OidcProvider, Role, SamlProvider, Session

SCHEMA_VERSION = 1

# A collection whose entries each get their own [table] in the file. The store rewrites
# only the tables of entries that changed, which keeps writes fast at AWS's quota sizes.
BLOCKS = {"blocks": True}
# A collection of blocks whose entries hold block collections of their own.
NESTED_BLOCKS = {"blocks": True, "nested": True}


@dataclass
class Account:
    """One AWS account: its IAM entities, password policy, root user and STS sessions."""

    id: str = field(metadata={"from_key": True})
    created: str
    name: str | None = None
    alias: str | None = None
    email: str | None = None  # the root user's email (Organizations' Account.Email)
    password_policy: PasswordPolicy | None = None  # None: AWS's default policy applies
    root: RootUser | None = None  # None until the root user gets a password, a key or MFA
    users: dict[str, User] = field(default_factory=dict, metadata=BLOCKS)
    groups: dict[str, Group] = field(default_factory=dict, metadata=BLOCKS)
    policies: dict[str, CustomerPolicy] = field(default_factory=dict, metadata=BLOCKS)
    roles: dict[str, Role] = field(default_factory=dict, metadata=BLOCKS)
    instance_profiles: dict[str, InstanceProfile] = field(default_factory=dict, metadata=BLOCKS)
    oidc_providers: dict[str, OidcProvider] = field(default_factory=dict, metadata=BLOCKS)
    saml_providers: dict[str, SamlProvider] = field(default_factory=dict, metadata=BLOCKS)
    sessions: dict[str, Session] = field(default_factory=dict, metadata=BLOCKS)  # by access key ID
    # AWS managed policies whose imported version differs from the shipped one, by name
    aws_policies: dict[str, AwsPolicyOverride] = field(default_factory=dict, metadata=BLOCKS)


@dataclass
class StoreData:
    """The whole store: every account, and consolidated billing across them."""

    schema: int = SCHEMA_VERSION
    default_account: str | None = None
    accounts: dict[str, Account] = field(default_factory=dict, metadata=NESTED_BLOCKS)
    # Consolidated billing spans accounts, so it lives beside them rather than in one.
    # The collections sit directly on StoreData (not under a [billing] table) because the
    # store's block splicing nests blocks only through collections: each organization,
    # handshake and usage record is then its own [table], e.g. [organizations.o-...].
    organizations: dict[str, Organization] = field(default_factory=dict, metadata=BLOCKS)
    handshakes: dict[str, Handshake] = field(default_factory=dict, metadata=BLOCKS)
    usage: dict[str, UsageRecord] = field(default_factory=dict, metadata=BLOCKS)
    billing_prefs: dict[str, BillingPrefs] = field(default_factory=dict, metadata=BLOCKS)

    @property
    def billing(self) -> BillingData:
        """The billing collections as the billing core takes them. The view shares the
        very same mappings, so what the core changes is what the store writes."""
        from iamctl.core.model.billing import BillingData

        return BillingData(
            organizations=self.organizations,
            handshakes=self.handshakes,
            usage=self.usage,
            prefs=self.billing_prefs,
        )
