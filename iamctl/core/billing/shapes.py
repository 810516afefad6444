"""AWS Organizations' JSON shapes, built from the model.

Field names and nesting follow the API reference (DescribeOrganization, ListRoots,
ListOrganizationalUnitsForParent, ListAccounts, DescribeHandshake, DescribePolicy,
ListPolicies). Timestamps are the ISO 8601 strings iamctl stores, as aws-cli prints them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from iamctl.core.billing.ids import target_kind
from iamctl.core.billing.orgs import effective_state
from iamctl.core.model.billing import (
    DepartedMember,
    Handshake,
    Membership,
    Organization,
    OrganizationalUnit,
    Scp,
)

SCP_TYPE = "SERVICE_CONTROL_POLICY"


RCP_TYPE = "RESOURCE_CONTROL_POLICY"


def _policy_types(org: Organization) -> list[dict[str, str]]:
    if org.feature_set != "ALL":
        return []
    enabled = [{"Type": SCP_TYPE, "Status": "ENABLED"}]
    if org.rcps_enabled:
        enabled.append({"Type": RCP_TYPE, "Status": "ENABLED"})
    return enabled


def organization(org: Organization) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Id": org.id,
        "Arn": org.arn,
        "FeatureSet": org.feature_set,
        "MasterAccountArn": org.master_account_arn,
        "MasterAccountId": org.master_account_id,
    }
    if org.master_account_email:
        out["MasterAccountEmail"] = org.master_account_email
    out["AvailablePolicyTypes"] = _policy_types(org)
    return out


def root(org: Organization) -> dict[str, Any]:
    return {"Id": org.root_id, "Arn": org.root_arn, "Name": org.root_name, "PolicyTypes": _policy_types(org)}


def organizational_unit(ou: OrganizationalUnit) -> dict[str, Any]:
    return {"Id": ou.id, "Arn": ou.arn, "Name": ou.name}


def account(member: Membership) -> dict[str, Any]:
    """ListAccounts' Account; Email and Name are left out when iamctl doesn't know them."""
    out: dict[str, Any] = {"Id": member.account_id, "Arn": member.arn}
    if member.email:
        out["Email"] = member.email
    if member.name:
        out["Name"] = member.name
    out.update(
        {"Status": member.status, "JoinedMethod": member.joined_method, "JoinedTimestamp": member.joined}
    )
    return out


def departed_account(gone: DepartedMember) -> dict[str, Any]:
    """Not an AWS shape (AWS forgets departed accounts); for iamctl's own history listing."""
    return {
        "Id": gone.account_id,
        "Name": gone.name,
        "Email": gone.email,
        "JoinedMethod": gone.joined_method,
        "JoinedTimestamp": gone.joined,
        "LeftTimestamp": gone.left,
    }


def handshake(h: Handshake, now: datetime) -> dict[str, Any]:
    """The Handshake shape of an INVITE, with its state as of *now* (expiry included)."""
    org_resources = [
        {"Type": "MASTER_EMAIL", "Value": h.master_account_email},
        {"Type": "MASTER_NAME", "Value": h.master_account_name},
        {"Type": "ORGANIZATION_FEATURE_SET", "Value": h.feature_set},
    ]
    resources: list[dict[str, Any]] = [
        {
            "Value": h.organization_id,
            "Type": "ORGANIZATION",
            "Resources": [r for r in org_resources if r["Value"]],
        },
        {"Value": h.target_account_id, "Type": "ACCOUNT"},
    ]
    if h.notes:
        resources.append({"Value": h.notes, "Type": "NOTES"})
    return {
        "Id": h.id,
        "Arn": h.arn,
        "Parties": [
            {"Id": h.organization_id, "Type": "ORGANIZATION"},
            {"Id": h.target_account_id, "Type": "ACCOUNT"},
        ],
        "State": effective_state(h, now),
        "RequestedTimestamp": h.requested,
        "ExpirationTimestamp": h.expiration,
        "Action": h.action,
        "Resources": resources,
    }


def policy_summary(scp: Scp, type_name: str = SCP_TYPE) -> dict[str, Any]:
    return {
        "Id": scp.id,
        "Arn": scp.arn,
        "Name": scp.name,
        "Description": scp.description,
        "Type": type_name,
        "AwsManaged": scp.aws_managed,
    }


def policy(scp: Scp, type_name: str = SCP_TYPE) -> dict[str, Any]:
    """DescribePolicy's Policy: the summary and the document text."""
    return {"PolicySummary": policy_summary(scp, type_name), "Content": scp.document}


def policy_target(org: Organization, target_id: str) -> dict[str, Any]:
    """PolicyTargetSummary for a root, OU or account of *org*."""
    kind = target_kind(target_id)
    if kind == "ROOT":
        arn, name = org.root_arn, org.root_name
    elif kind == "ORGANIZATIONAL_UNIT":
        ou = org.ous[target_id]
        arn, name = ou.arn, ou.name
    else:
        member = org.accounts[target_id]
        arn, name = member.arn, member.name or target_id
    return {"TargetId": target_id, "Arn": arn, "Name": name, "Type": kind}
