"""GetAccountAuthorizationDetails: every user, group, role and managed policy of an account
with its relationships, in AWS's shape (a snapshot to review, diff or feed to other tools)."""

from __future__ import annotations

import json
from typing import Any

from iamctl.core import shapes, shapes_roles
from iamctl.core.model import Account
from iamctl.core.service import policies

# AWS's Filter values, and the list each one fills.
FILTERS = {
    "User": "UserDetailList",
    "Group": "GroupDetailList",
    "Role": "RoleDetailList",
    "LocalManagedPolicy": "Policies",
    "AWSManagedPolicy": "Policies",
}


def authorization_details(account: Account, filters: list[str] | None = None) -> dict[str, Any]:
    """The answer for *filters* (all of them when none is given), lists in AWS's order."""
    wanted = set(filters or FILTERS)
    counts = policies.usage(account)
    out: dict[str, Any] = {}
    if "User" in wanted:
        out["UserDetailList"] = [_user(account, u) for u in account.users.values()]
    if "Group" in wanted:
        out["GroupDetailList"] = [_group(account, g) for g in account.groups.values()]
    if "Role" in wanted:
        out["RoleDetailList"] = [_role(account, r) for r in account.roles.values()]
    if wanted & {"LocalManagedPolicy", "AWSManagedPolicy"}:
        refs: list[policies.PolicyRef] = []
        if "LocalManagedPolicy" in wanted:
            refs += policies.list_refs(account, scope="Local")
        if "AWSManagedPolicy" in wanted:  # those in use in the account, as AWS lists them
            refs += policies.list_refs(account, scope="AWS", only_attached=True)
        out["Policies"] = [_policy(account, ref, counts) for ref in refs]
    return out


def _inline(inline: dict[str, str]) -> list[dict[str, Any]]:
    return [{"PolicyName": name, "PolicyDocument": json.loads(text)} for name, text in inline.items()]


def _boundary(arn: str | None) -> dict[str, Any]:
    return {"PermissionsBoundary": shapes.permissions_boundary(arn)} if arn else {}


def _user(account: Account, user: Any) -> dict[str, Any]:
    out = shapes.user(account, user)
    out["UserPolicyList"] = _inline(user.inline)
    out["GroupList"] = list(user.groups)
    out["AttachedManagedPolicies"] = shapes.attached_policies(user.attached)
    out.update(_boundary(user.boundary))
    out["Tags"] = shapes.tags(user.tags)
    return out


def _group(account: Account, group: Any) -> dict[str, Any]:
    out = shapes.group(account, group)
    out["GroupPolicyList"] = _inline(group.inline)
    out["AttachedManagedPolicies"] = shapes.attached_policies(group.attached)
    return out


def _role(account: Account, role: Any) -> dict[str, Any]:
    out = shapes_roles.role(account, role)
    out.pop("MaxSessionDuration", None)  # not part of RoleDetail
    out.pop("Description", None)
    profiles = [p for p in account.instance_profiles.values() if role.name in p.roles]
    out["InstanceProfileList"] = [shapes_roles.instance_profile(account, p) for p in profiles]
    out["RolePolicyList"] = _inline(role.inline)
    out["AttachedManagedPolicies"] = shapes.attached_policies(role.attached)
    out.update(_boundary(role.boundary))
    out["Tags"] = shapes.tags(role.tags)
    out["RoleLastUsed"] = {"LastUsedDate": role.last_used} if role.last_used else {}
    return out


def _policy(account: Account, ref: policies.PolicyRef, counts: policies.Usage) -> dict[str, Any]:
    out = shapes.policy(account, ref, listing=True, counts=counts)
    if ref.customer is not None:
        p = ref.customer
        if p.description:
            out["Description"] = p.description
        versions = [shapes.policy_version(v.document, vid, vid == p.default_version, v.created)
                    for vid, v in p.versions.items()]
    else:
        assert ref.aws is not None
        # the default version is the one AWS last made: it dates from the policy's update
        versions = [shapes.policy_version(ref.document, ref.aws.default_version_id, True, ref.aws.update_date)]
    out["PolicyVersionList"] = versions
    return out
