"""AWS API response shapes (PascalCase, as aws-cli prints them) for IAM entities."""

from __future__ import annotations

from typing import Any

from iamctl.core.model import Account, CustomerPolicy, Group, User
from iamctl.core.names import stable_unique_id
from iamctl.core.service.policies import PolicyEntities, PolicyRef, Usage, usage


def tags(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def user(account: Account, u: User, *, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Path": u.path,
        "UserName": u.name,
        "UserId": u.id,
        "Arn": u.arn(account.id),
        "CreateDate": u.created,
    }
    if full:
        if u.boundary:
            out["PermissionsBoundary"] = permissions_boundary(u.boundary)
        if u.tags:
            out["Tags"] = tags(u.tags)
    return out


def permissions_boundary(arn: str) -> dict[str, str]:
    """The PermissionsBoundary element of a user or role."""
    return {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": arn}


def group(account: Account, g: Group) -> dict[str, Any]:
    return {
        "Path": g.path,
        "GroupName": g.name,
        "GroupId": g.id,
        "Arn": g.arn(account.id),
        "CreateDate": g.created,
    }


def attached_policies(arns: list[str]) -> list[dict[str, str]]:
    return [{"PolicyName": arn.rsplit("/", 1)[-1], "PolicyArn": arn} for arn in arns]


def policy(
    account: Account, ref: PolicyRef, *, listing: bool = False, counts: Usage | None = None
) -> dict[str, Any]:
    """GetPolicy's Policy shape; with *listing*, ListPolicies' (which has no Description or Tags).
    *counts* (policies.usage) saves walking the account once per policy of a listing."""
    attached, boundaries = (counts or usage(account)).of(ref.arn)
    if ref.customer is not None:
        p: CustomerPolicy = ref.customer
        policy_id, version_id, created, updated = p.id, p.default_version, p.created, p.updated
        description, policy_tags = p.description, p.tags
    else:
        assert ref.aws is not None
        policy_id, version_id = ref.aws.policy_id or aws_policy_id(ref.arn), ref.aws.default_version_id
        created, updated = ref.aws.create_date, ref.aws.update_date
        description, policy_tags = None, {}
    out: dict[str, Any] = {
        "PolicyName": ref.name,
        "PolicyId": policy_id,
        "Arn": ref.arn,
        "Path": ref.path,
        "DefaultVersionId": version_id,
        "AttachmentCount": attached,
        "PermissionsBoundaryUsageCount": boundaries,
        "IsAttachable": True,
    }
    if description and not listing:
        out["Description"] = description  # AWS's order: before the dates
    out["CreateDate"] = created
    out["UpdateDate"] = updated
    if policy_tags and not listing:
        out["Tags"] = tags(policy_tags)
    return out


def aws_policy_id(arn: str) -> str:
    """A stable ANPA... ID for an AWS managed policy: the shipped data (from moto) has no
    PolicyId, and scripts expect one of AWS's form. It is not AWS's own ID."""
    return stable_unique_id("policy", arn)


def policy_version(document: str, version_id: str, is_default: bool, created: str | None) -> dict[str, Any]:
    """GetPolicyVersion's PolicyVersion shape; aws-cli prints the document decoded."""
    import json

    return {
        "Document": json.loads(document),
        "VersionId": version_id,
        "IsDefaultVersion": is_default,
        "CreateDate": created,
    }


def policy_entities(found: PolicyEntities) -> dict[str, Any]:
    """ListEntitiesForPolicy's response as aws-cli prints it: the three lists, always present."""
    return {
        "PolicyGroups": [{"GroupName": g.name, "GroupId": g.id} for g in found.groups],
        "PolicyUsers": [{"UserName": u.name, "UserId": u.id} for u in found.users],
        "PolicyRoles": [{"RoleName": r.name, "RoleId": r.id} for r in found.roles],
    }
