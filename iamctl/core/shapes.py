"""AWS API response shapes (PascalCase, as aws-cli prints them) for IAM entities."""

from __future__ import annotations

from typing import Any

from iamctl.core.model import Account, CustomerPolicy, Group, User
from iamctl.core.names import stable_unique_id
from iamctl.core.service.policies import PolicyRef, attachments, boundary_uses


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
            out["PermissionsBoundary"] = {
                "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                "PermissionsBoundaryArn": u.boundary,
            }
        if u.tags:
            out["Tags"] = tags(u.tags)
    return out


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


def policy(account: Account, ref: PolicyRef) -> dict[str, Any]:
    """GetPolicy / ListPolicies' Policy shape."""
    if ref.customer is not None:
        p: CustomerPolicy = ref.customer
        out: dict[str, Any] = {
            "PolicyName": p.name,
            "PolicyId": p.id,
            "Arn": ref.arn,
            "Path": p.path,
            "DefaultVersionId": p.default_version,
            "AttachmentCount": sum(len(v) for v in attachments(account, ref.arn).values()),
            "PermissionsBoundaryUsageCount": boundary_uses(account, ref.arn),
            "IsAttachable": True,
            "CreateDate": p.created,
            "UpdateDate": p.updated,
        }
        if p.description:
            out["Description"] = p.description
        if p.tags:
            out["Tags"] = tags(p.tags)
        return out
    assert ref.aws is not None
    return {
        "PolicyName": ref.aws.name,
        "PolicyId": stable_unique_id("policy", ref.arn),
        "Arn": ref.arn,
        "Path": ref.aws.path,
        "DefaultVersionId": ref.aws.default_version_id,
        "AttachmentCount": sum(len(v) for v in attachments(account, ref.arn).values()),
        "PermissionsBoundaryUsageCount": boundary_uses(account, ref.arn),
        "IsAttachable": True,
        "CreateDate": ref.aws.create_date,
        "UpdateDate": ref.aws.update_date,
    }


def policy_version(document: str, version_id: str, is_default: bool, created: str | None) -> dict[str, Any]:
    """GetPolicyVersion's PolicyVersion shape; aws-cli prints the document decoded."""
    import json

    return {
        "Document": json.loads(document),
        "VersionId": version_id,
        "IsDefaultVersion": is_default,
        "CreateDate": created,
    }
