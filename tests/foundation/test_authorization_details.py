"""account authorization-details: GetAccountAuthorizationDetails' shape and contents."""

from __future__ import annotations

import json

from tests.foundation.conftest import ACCOUNT, walk_pages

INLINE = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}


def _account(ok, doc):
    ok("group", "create", "EC2Admin")
    ok("group", "attach-policy", "EC2Admin", "AmazonEC2FullAccess")
    ok("group", "put-policy", "EC2Admin", "Extra", "--document", "-", stdin=json.dumps(INLINE))
    ok("user", "create", "alice", "--tag", "team=web")
    ok("group", "add-user", "EC2Admin", "alice")
    ok("policy", "create", "Mine", "--document", doc(), "--description", "ours")
    ok("policy", "version", "create", "Mine", "--document", doc(), "--set-default")
    ok("user", "attach-policy", "alice", "Mine")
    ok("user", "set-boundary", "alice", "PowerUserAccess")
    ok("role", "create", "ExampleEC2Role", "--trust-service", "ec2.amazonaws.com")
    ok("role", "put-policy", "ExampleEC2Role", "S3", "--document", "-", stdin=json.dumps(INLINE))
    ok("role", "instance-profile", "create", "ExampleEC2Role")
    ok("role", "instance-profile", "add-role", "ExampleEC2Role", "ExampleEC2Role")


def test_every_entity_with_its_relationships(ok, jcli, doc):
    _account(ok, doc)
    details = jcli("account", "authorization-details")
    assert list(details) == ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"]
    (user,) = details["UserDetailList"]
    assert user["UserName"] == "alice" and user["GroupList"] == ["EC2Admin"]
    assert user["AttachedManagedPolicies"] == [
        {"PolicyName": "Mine", "PolicyArn": f"arn:aws:iam::{ACCOUNT}:policy/Mine"}]
    assert user["PermissionsBoundary"] == {"PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                                           "PermissionsBoundaryArn": "arn:aws:iam::aws:policy/PowerUserAccess"}
    assert user["Tags"] == [{"Key": "team", "Value": "web"}] and user["UserPolicyList"] == []
    (group,) = details["GroupDetailList"]
    assert group["GroupPolicyList"] == [{"PolicyName": "Extra", "PolicyDocument": INLINE}]
    assert [p["PolicyName"] for p in group["AttachedManagedPolicies"]] == ["AmazonEC2FullAccess"]
    (role,) = details["RoleDetailList"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    assert [p["InstanceProfileName"] for p in role["InstanceProfileList"]] == ["ExampleEC2Role"]
    assert role["RolePolicyList"] == [{"PolicyName": "S3", "PolicyDocument": INLINE}]
    # Local policies, and the AWS managed ones in use (attached or as a boundary).
    by_name = {p["PolicyName"]: p for p in details["Policies"]}
    assert set(by_name) == {"Mine", "AmazonEC2FullAccess", "PowerUserAccess"}
    mine = by_name["Mine"]
    assert mine["AttachmentCount"] == 1 and mine["Description"] == "ours"
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in mine["PolicyVersionList"]] == [
        ("v1", False), ("v2", True)]
    assert by_name["PowerUserAccess"]["PermissionsBoundaryUsageCount"] == 1
    aws = by_name["AmazonEC2FullAccess"]["PolicyVersionList"]
    assert len(aws) == 1 and aws[0]["IsDefaultVersion"] and "Statement" in aws[0]["Document"]


def test_filters_pick_the_lists(ok, jcli, cli, doc):
    _account(ok, doc)
    assert list(jcli("account", "authorization-details", "--filter", "Role")) == ["RoleDetailList"]
    local = jcli("account", "authorization-details", "--filter", "LocalManagedPolicy")
    assert [p["PolicyName"] for p in local["Policies"]] == ["Mine"]
    both = jcli("account", "authorization-details", "--filter", "User", "--filter", "AWSManagedPolicy")
    assert list(both) == ["UserDetailList", "Policies"]
    assert {p["PolicyName"] for p in both["Policies"]} == {"AmazonEC2FullAccess", "PowerUserAccess"}
    bad = cli("account", "authorization-details", "--filter", "Users")
    assert bad.code == 2 and bad.err.count("\n") == 1 and "'Users'" in bad.err


KEYS = ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"]


def _names(page: dict) -> dict:
    return {k: [e.get("UserName") or e.get("GroupName") or e.get("RoleName") or e.get("PolicyName")
                for e in page[k]] for k in KEYS}


def test_pages_as_aws_clis_paginator_one_next_token_for_the_four_lists(ok, jcli, doc):
    # botocore's paginator for GetAccountAuthorizationDetails: result keys UserDetailList,
    # GroupDetailList, RoleDetailList, Policies; --max-items counts the first (users), a
    # page's other lists come whole, and resuming inside a page gives the rest of its users
    # only. Following the tokens yields every entity exactly once.
    _account(ok, doc)
    for name in ("bob", "carol", "dave"):
        ok("user", "create", name)
    full = _names(jcli("account", "authorization-details"))
    first = jcli("account", "authorization-details", "--max-items", "2")
    assert list(first) == [*KEYS, "NextToken"]
    assert _names(first) == {**full, "UserDetailList": full["UserDetailList"][:2]}
    rest = jcli("account", "authorization-details", "--starting-token", first["NextToken"])
    assert _names(rest) == {"UserDetailList": full["UserDetailList"][2:], "GroupDetailList": [],
                            "RoleDetailList": [], "Policies": []}
    for max_items, page_size in ((1, None), (3, 2), (2, 1), (5, 3), (1, 100)):
        seen, calls = walk_pages(jcli, ["account", "authorization-details"], _names, "UserDetailList",
                                 max_items, page_size)
        assert seen == full, (max_items, page_size)
        assert calls >= 2 or max_items >= len(full["UserDetailList"])
    text = ok("account", "authorization-details", "--max-items", "1", "--output", "text").out
    assert text.splitlines()[-1].startswith("NEXTTOKEN\t")


def test_a_bad_starting_token_or_page_size_is_refused(cli, account):
    bad = cli("account", "authorization-details", "--starting-token", "nonsense")
    assert bad.code == 2 and bad.err.startswith("iamctl: InvalidStartingToken: ")
    assert cli("account", "authorization-details", "--page-size", "0").code == 3  # IAM's ValidationError
