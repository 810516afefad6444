"""Consolidated billing as the store keeps it: organizations, handshakes, usage, preferences.

Mirrors AWS Organizations' model. Every field is a type the generic dataclass <-> TOML
mapping in base.py understands (str | None, bool, int, Decimal, list[str], dict[str, X],
nested dataclasses); times are ISO 8601 strings, money and quantities Decimal (stored as
strings so nothing is ever a binary float).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

FROM_KEY = {"from_key": True}
BLOCKS = {"blocks": True}

# Handshake states, as AWS names them.
REQUESTED = "REQUESTED"
OPEN = "OPEN"
CANCELED = "CANCELED"
ACCEPTED = "ACCEPTED"
DECLINED = "DECLINED"
EXPIRED = "EXPIRED"
ACTIVE_STATES = (REQUESTED, OPEN)  # still waiting for an answer

# How an account came to be in an organization (Account.JoinedMethod).
INVITED = "INVITED"
CREATED = "CREATED"


@dataclass
class OrganizationalUnit:
    """An OU of an organization's tree."""

    id: str = field(metadata=FROM_KEY)  # ou-<root suffix>-<8..32>
    name: str
    arn: str
    parent_id: str  # r-... or ou-...


@dataclass
class Membership:
    """An account that is in the organization now (ListAccounts' Account)."""

    account_id: str = field(metadata=FROM_KEY)
    arn: str
    joined_method: str  # INVITED | CREATED
    joined: str
    parent_id: str  # the root or the OU the account sits in
    status: str = "ACTIVE"
    email: str | None = None
    name: str | None = None


@dataclass
class DepartedMember:
    """An account that was in the organization and left or was removed.

    Kept so invoices of months it was a member still consolidate it; keyed by
    "ACCOUNT_ID/JOINED" because an account can leave and be invited back.
    """

    key: str = field(metadata=FROM_KEY)
    account_id: str
    joined_method: str
    joined: str
    left: str
    email: str | None = None
    name: str | None = None


@dataclass
class Scp:
    """An organization policy — a service control policy, or a resource control policy in
    Organization.rcps — and the roots, OUs and accounts it is attached to."""

    name: str = field(metadata=FROM_KEY)
    id: str  # p-...
    arn: str
    document: str  # JSON text, as given
    description: str = ""
    aws_managed: bool = False
    targets: list[str] = field(default_factory=list)


@dataclass
class Organization:
    """An organization: its management account, members, tree and SCPs."""

    id: str = field(metadata=FROM_KEY)  # o-...
    arn: str
    master_account_id: str
    master_account_arn: str
    root_id: str
    root_arn: str
    created: str
    feature_set: str = "ALL"
    root_name: str = "Root"
    master_account_email: str | None = None
    master_account_name: str | None = None
    # AWS's default quota; the management account and open invitations count against it.
    account_limit: int = 10
    ous: dict[str, OrganizationalUnit] = field(default_factory=dict)
    accounts: dict[str, Membership] = field(default_factory=dict)
    departed: dict[str, DepartedMember] = field(default_factory=dict)
    scps: dict[str, Scp] = field(default_factory=dict)
    # Resource control policies: enabled per organization (EnablePolicyType), off until then.
    rcps_enabled: bool = False
    rcps: dict[str, Scp] = field(default_factory=dict)


@dataclass
class Handshake:
    """An invitation to join an organization (AWS's Handshake with Action INVITE)."""

    id: str = field(metadata=FROM_KEY)  # h-...
    arn: str
    organization_id: str
    master_account_id: str
    target_account_id: str
    state: str
    requested: str
    expiration: str
    action: str = "INVITE"
    feature_set: str = "ALL"
    master_account_email: str | None = None
    master_account_name: str | None = None
    notes: str | None = None
    closed: str | None = None  # when it left REQUESTED/OPEN (for the 30-day listing rule)


@dataclass
class UsageRecord:
    """One account's use of one usage type in one month."""

    id: str = field(metadata=FROM_KEY)
    account_id: str
    service: str  # AWS's service code: AmazonS3, AmazonEC2, AWSDataTransfer ...
    usage_type: str
    quantity: Decimal
    month: str  # YYYY-MM
    unit: str | None = None


@dataclass
class BillingPrefs:
    """Per-account billing settings only the root user may change."""

    account_id: str = field(metadata=FROM_KEY)
    # "IAM user and role access to billing information": off unless the root user turns it on.
    iam_access_to_billing: bool = False


@dataclass
class BillingData:
    """Everything billing keeps, across all accounts of the store."""

    organizations: dict[str, Organization] = field(default_factory=dict, metadata=BLOCKS)
    handshakes: dict[str, Handshake] = field(default_factory=dict, metadata=BLOCKS)
    usage: dict[str, UsageRecord] = field(default_factory=dict, metadata=BLOCKS)
    prefs: dict[str, BillingPrefs] = field(default_factory=dict)
