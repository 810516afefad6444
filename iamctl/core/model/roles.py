"""Roles, instance profiles, identity providers and STS sessions, as the store keeps them."""

from __future__ import annotations

from dataclasses import dataclass, field

from iamctl.core.names import iam_arn


@dataclass
class Role:
    """An IAM role: its trust policy, permissions and tags."""

    name: str = field(metadata={"from_key": True})
    id: str  # AROA...
    created: str
    trust: str  # the trust policy (AssumeRolePolicyDocument), JSON text as given
    path: str = "/"
    description: str | None = None
    max_session_duration: int = 3600  # seconds, 3600-43200
    boundary: str | None = None  # managed policy ARN
    attached: list[str] = field(default_factory=list)  # managed policy ARNs
    inline: dict[str, str] = field(default_factory=dict)  # policy name → JSON text
    tags: dict[str, str] = field(default_factory=dict)
    last_used: str | None = None  # RoleLastUsed.LastUsedDate: the last successful assumption

    def arn(self, account_id: str) -> str:
        return iam_arn(account_id, "role", self.name, self.path)


@dataclass
class InstanceProfile:
    """An instance profile: what hands a role to EC2 instances (one role at most)."""

    name: str = field(metadata={"from_key": True})
    id: str  # AIPA...
    created: str
    path: str = "/"
    roles: list[str] = field(default_factory=list)  # role names; AWS allows at most one

    def arn(self, account_id: str) -> str:
        return iam_arn(account_id, "instance-profile", self.name, self.path)


@dataclass
class OidcProvider:
    """Keyed by the provider's URL without ``https://`` (what its ARN ends with)."""

    url: str = field(metadata={"from_key": True})
    created: str
    client_ids: list[str] = field(default_factory=list)
    thumbprints: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)

    def arn(self, account_id: str) -> str:
        return f"arn:aws:iam::{account_id}:oidc-provider/{self.url}"


@dataclass
class SamlProvider:
    """A SAML identity provider that trust policies can name."""

    name: str = field(metadata={"from_key": True})
    created: str
    metadata: str  # the SAML metadata document, as given
    valid_until: str | None = None
    tags: dict[str, str] = field(default_factory=dict)

    def arn(self, account_id: str) -> str:
        return f"arn:aws:iam::{account_id}:saml-provider/{self.name}"


@dataclass
class Session:
    """Temporary credentials STS issued for a role, kept in the role's account.

    The secret and the session token are never stored, only salted scrypt hashes of them
    (see core/credentials/secrets_hash.py): the caller sees them once, as with AWS.
    """

    access_key_id: str = field(metadata={"from_key": True})  # ASIA...
    role: str  # role name in this account
    session_name: str
    issued: str
    expires: str
    secret_hash: str
    token_hash: str
    caller: str | None = None  # ARN of who assumed the role (None for web identity)
    policy: str | None = None  # inline session policy, JSON text
    tags: dict[str, str] = field(default_factory=dict)  # session tags, inherited transitive ones included
    transitive: list[str] = field(default_factory=list)  # keys of tags passed on when the session chains
    source_identity: str | None = None
    mfa: bool = False  # aws:MultiFactorAuthPresent for the session
    chained: bool = False  # assumed with another role session's credentials
    provider: str | None = None  # web identity: accounts.google.com, an OIDC provider ARN ...
    subject: str | None = None  # web identity: the token's subject
    audience: str | None = None  # web identity: the token's audience (app / client ID)
