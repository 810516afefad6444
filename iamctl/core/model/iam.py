"""Users, groups and customer managed policies, as the store keeps them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from iamctl.core.names import iam_arn

if TYPE_CHECKING:  # resolved by base.py only for users that hold credentials
    from iamctl.core.model.credentials import AccessKey, LoginProfile, MfaDevice


@dataclass
class User:
    """An IAM user: groups, policies, tags and credentials."""

    name: str = field(metadata={"from_key": True})
    id: str
    created: str
    path: str = "/"
    groups: list[str] = field(default_factory=list)  # group names, in the order joined
    attached: list[str] = field(default_factory=list)  # managed policy ARNs
    boundary: str | None = None  # managed policy ARN
    tags: dict[str, str] = field(default_factory=dict)
    inline: dict[str, str] = field(default_factory=dict)  # policy name → JSON text
    # Credentials are sub-tables of the user's block: one [..access_keys.AKIA...] table per
    # key (at most two), so a key change re-renders only this user.
    access_keys: dict[str, AccessKey] = field(default_factory=dict)  # key ID → key, oldest first
    login_profile: LoginProfile | None = None  # the console password
    mfa: MfaDevice | None = None  # one virtual MFA device, as for the root user

    def arn(self, account_id: str) -> str:
        return iam_arn(account_id, "user", self.name, self.path)


@dataclass
class Group:
    """An IAM group; its members are listed on the users (User.groups)."""

    name: str = field(metadata={"from_key": True})
    id: str
    created: str
    path: str = "/"
    attached: list[str] = field(default_factory=list)
    inline: dict[str, str] = field(default_factory=dict)

    def arn(self, account_id: str) -> str:
        return iam_arn(account_id, "group", self.name, self.path)


@dataclass
class PolicyVersion:
    """One version of a customer managed policy."""

    document: str  # JSON text, as given, so positions in findings point into it
    created: str


@dataclass
class CustomerPolicy:
    """A customer managed policy and its versions (at most five)."""

    name: str = field(metadata={"from_key": True})
    id: str
    created: str
    updated: str
    path: str = "/"
    description: str | None = None
    default_version: str = "v1"
    next_version: int = 2  # AWS never reuses a version number
    tags: dict[str, str] = field(default_factory=dict)
    versions: dict[str, PolicyVersion] = field(default_factory=dict)

    def arn(self, account_id: str) -> str:
        return iam_arn(account_id, "policy", self.name, self.path)

    @property
    def document(self) -> str:
        return self.versions[self.default_version].document


@dataclass
class AwsPolicyOverride:
    """An AWS managed policy as an imported account had it, where its default version
    differs from the one iamctl ships, or where iamctl does not ship it at all: for that
    account, this version is the policy."""

    name: str = field(metadata={"from_key": True})  # AWS managed names are unique across paths
    version_id: str
    document: str  # JSON text
    updated: str | None = None  # when AWS made this version (the policy's UpdateDate)
    # Set only for a policy iamctl does not ship (AWS made it after iamctl's data): the
    # import keeps the file's copy, and this account has the policy at this path.
    path: str | None = None
    created: str | None = None  # the policy's CreateDate
    id: str | None = None  # the file's PolicyId (ANPA...), when AWS-shaped

    @property
    def kept(self) -> bool:
        """True when this is the account's own copy of a policy iamctl does not ship."""
        return self.path is not None
