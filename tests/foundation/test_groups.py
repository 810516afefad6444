"""Every `iamctl group` command, through the CLI in-process."""

from __future__ import annotations

import re

from tests.foundation.conftest import ACCOUNT, S3_READ, fails

GROUP_ID = re.compile(r"AGPA[A-Z2-7]{17}")


def test_create_and_get(jcli):
    group = jcli("group", "create", "EC2Admin", "--path", "/admins/")["Group"]
    assert group["GroupName"] == "EC2Admin"
    assert group["Arn"] == f"arn:aws:iam::{ACCOUNT}:group/admins/EC2Admin"
    assert GROUP_ID.fullmatch(group["GroupId"])
    out = jcli("group", "get", "EC2Admin")
    assert out == {"Group": group, "Users": [], "AttachedPolicies": [], "PolicyNames": []}


def test_list_sorted_and_by_prefix(jcli, ok):
    for name, path in (("ops", "/x/"), ("Devs", "/"), ("admins", "/x/y/")):
        ok("group", "create", name, "--path", path)
    assert [g["GroupName"] for g in jcli("group", "list")["Groups"]] == ["admins", "Devs", "ops"]
    assert [g["GroupName"] for g in jcli("group", "list", "--path-prefix", "/x/")["Groups"]] == ["admins", "ops"]


def test_members_added_and_removed(jcli, ok, cli):
    ok("group", "create", "devs")
    for u in ("alice", "bob"):
        ok("user", "create", u)
        assert ok("group", "add-user", "devs", u).out == ""
    ok("group", "add-user", "devs", "alice")  # idempotent, as AWS's AddUserToGroup
    assert [u["UserName"] for u in jcli("group", "get", "devs")["Users"]] == ["alice", "bob"]
    ok("group", "remove-user", "devs", "alice")
    assert [u["UserName"] for u in jcli("group", "get", "devs")["Users"]] == ["bob"]
    fails(cli("group", "remove-user", "devs", "alice"), 3,
          "iamctl: NoSuchEntity: The user with name alice cannot be found in group devs.")


def test_update_rename_keeps_members_and_policies(jcli, ok, doc):
    created = jcli("group", "create", "devs")["Group"]
    ok("user", "create", "alice")
    ok("group", "add-user", "devs", "alice")
    ok("group", "attach-policy", "devs", "IAMReadOnlyAccess")
    ok("group", "put-policy", "devs", "S3", "--document", doc())
    out = jcli("group", "update", "devs", "--new-name", "developers", "--new-path", "/eng/")["Group"]
    assert out["GroupId"] == created["GroupId"]
    assert out["Arn"] == f"arn:aws:iam::{ACCOUNT}:group/eng/developers"
    got = jcli("group", "get", "developers")
    assert [u["UserName"] for u in got["Users"]] == ["alice"]
    assert [p["PolicyName"] for p in got["AttachedPolicies"]] == ["IAMReadOnlyAccess"]
    assert got["PolicyNames"] == ["S3"]
    assert [g["GroupName"] for g in jcli("user", "groups", "alice")["Groups"]] == ["developers"]


def test_delete_without_and_with_force(cli, ok, jcli, doc):
    ok("group", "create", "devs")
    ok("user", "create", "alice")
    ok("group", "add-user", "devs", "alice")
    ok("group", "attach-policy", "devs", "AmazonEC2ReadOnlyAccess")
    ok("group", "put-policy", "devs", "S3", "--document", doc())
    fails(cli("group", "delete", "devs"), 3,
          "iamctl: DeleteConflict: Cannot delete entity, must remove user alice from group devs first.")
    result = ok("group", "delete", "devs", "--force")
    assert result.out == ""
    assert result.err.splitlines() == [
        "removed user alice from group devs",
        "removed policy arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess attached to group devs",
        "removed inline policy S3 of group devs",
    ]
    assert jcli("group", "list") == {"Groups": []}
    assert jcli("user", "groups", "alice") == {"Groups": []}


def test_delete_empty_group(ok, jcli):
    ok("group", "create", "devs")
    assert ok("group", "delete", "devs").err == ""
    assert jcli("group", "list") == {"Groups": []}


def test_attach_detach_and_list_policies(jcli, ok, cli):
    ok("group", "create", "devs")
    ok("group", "attach-policy", "devs", "arn:aws:iam::aws:policy/job-function/Billing")
    ok("group", "attach-policy", "devs", "AmazonDynamoDBFullAccess")
    out = jcli("group", "list-policies", "devs")
    assert out == {"PolicyNames": [], "AttachedPolicies": [
        {"PolicyName": "Billing", "PolicyArn": "arn:aws:iam::aws:policy/job-function/Billing"},
        {"PolicyName": "AmazonDynamoDBFullAccess", "PolicyArn": "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"},
    ]}
    ok("group", "detach-policy", "devs", "Billing")
    ok("group", "detach-policy", "devs", "AmazonDynamoDBFullAccess")
    fails(cli("group", "detach-policy", "devs", "Billing"), 3,
          "iamctl: NoSuchEntity: Policy arn:aws:iam::aws:policy/job-function/Billing was not found attached "
          "to group devs.")


def test_inline_policies(jcli, ok, cli, doc):
    ok("group", "create", "devs")
    ok("group", "put-policy", "devs", "S3", "--document", doc())
    assert jcli("group", "get-policy", "devs", "S3") == {
        "GroupName": "devs", "PolicyName": "S3", "PolicyDocument": S3_READ
    }
    assert jcli("group", "list-policies", "devs")["PolicyNames"] == ["S3"]
    ok("group", "delete-policy", "devs", "S3")
    fails(cli("group", "get-policy", "devs", "S3"), 3,
          "iamctl: NoSuchEntity: The group policy with name S3 cannot be found.")
