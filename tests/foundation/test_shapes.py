"""JSON output compared key by key with the AWS API's documented response shapes.

Each SHAPE lists the members of the response element in the order the IAM API
reference gives them (aws-cli prints them in that order); ``?`` marks members AWS
returns only when they have a value. iamctl may add whole top-level sections
(``user get`` also shows groups and policies), never change or drop AWS's members.
"""

from __future__ import annotations

import re

from tests.foundation.conftest import ACCOUNT, S3_READ

ID = {"user": re.compile(r"AIDA[A-Z2-7]{17}"), "group": re.compile(r"AGPA[A-Z2-7]{17}"),
      "policy": re.compile(r"ANPA[A-Z2-7]{17}")}
DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")

# https://docs.aws.amazon.com/IAM/latest/APIReference/API_User.html
USER = ["Path", "UserName", "UserId", "Arn", "CreateDate", "PasswordLastUsed?", "PermissionsBoundary?", "Tags?"]
# https://docs.aws.amazon.com/IAM/latest/APIReference/API_Group.html
GROUP = ["Path", "GroupName", "GroupId", "Arn", "CreateDate"]
# https://docs.aws.amazon.com/IAM/latest/APIReference/API_Policy.html
POLICY = ["PolicyName", "PolicyId", "Arn", "Path", "DefaultVersionId", "AttachmentCount",
          "PermissionsBoundaryUsageCount", "IsAttachable", "Description?", "CreateDate", "UpdateDate", "Tags?"]
# ListPolicies returns a subset: "ListPolicies doesn't return ... tags ... [or] description"
POLICY_IN_LIST = [k for k in POLICY if k not in ("Description?", "Tags?")]
# https://docs.aws.amazon.com/IAM/latest/APIReference/API_PolicyVersion.html
POLICY_VERSION = ["Document", "VersionId", "IsDefaultVersion", "CreateDate"]
ATTACHED_POLICY = ["PolicyName", "PolicyArn"]
TAG = ["Key", "Value"]
BOUNDARY = ["PermissionsBoundaryType", "PermissionsBoundaryArn"]


def assert_shape(obj: dict, shape: list[str]) -> None:
    """*obj* has every required member, only documented ones, in AWS's order."""
    required = [k for k in shape if not k.endswith("?")]
    allowed = [k.rstrip("?") for k in shape]
    assert set(required) <= set(obj), f"missing {set(required) - set(obj)}"
    assert set(obj) <= set(allowed), f"not in AWS's shape: {set(obj) - set(allowed)}"
    assert list(obj) == [k for k in allowed if k in obj], "members out of AWS's order"


def setup_entities(ok, doc) -> None:
    ok("user", "create", "alice", "--path", "/eng/", "--tag", "team=web")
    ok("user", "create", "bob")
    ok("group", "create", "devs")
    ok("group", "add-user", "devs", "alice")
    ok("policy", "create", "Mine", "--document", doc(), "--description", "mine", "--tag", "k=v")
    ok("user", "attach-policy", "alice", "Mine")
    ok("user", "attach-policy", "alice", "ReadOnlyAccess")
    ok("user", "put-policy", "alice", "Inline", "--document", doc())
    ok("user", "set-boundary", "alice", "PowerUserAccess")


def test_list_users(jcli, ok, doc):
    setup_entities(ok, doc)
    out = jcli("user", "list")
    assert list(out) == ["Users"]
    for user in out["Users"]:
        # ListUsers returns no PermissionsBoundary or Tags ("use GetUser")
        assert_shape(user, ["Path", "UserName", "UserId", "Arn", "CreateDate", "PasswordLastUsed?"])
        assert ID["user"].fullmatch(user["UserId"]) and DATE.fullmatch(user["CreateDate"])
    assert out["Users"][0]["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/eng/alice"


def test_get_user(jcli, ok, doc):
    setup_entities(ok, doc)
    out = jcli("user", "get", "alice")
    assert next(iter(out)) == "User"
    user = out["User"]
    assert_shape(user, USER)
    assert_shape(user["PermissionsBoundary"], BOUNDARY)
    for tag in user["Tags"]:
        assert_shape(tag, TAG)
    for group in out["Groups"]:
        assert_shape(group, GROUP)
    for attached in out["AttachedPolicies"]:
        assert_shape(attached, ATTACHED_POLICY)
    assert out["PolicyNames"] == ["Inline"]
    plain = jcli("user", "get", "bob")["User"]
    assert list(plain) == ["Path", "UserName", "UserId", "Arn", "CreateDate"]


def test_list_groups_and_get_group(jcli, ok, doc):
    setup_entities(ok, doc)
    groups = jcli("group", "list")
    assert list(groups) == ["Groups"]
    for group in groups["Groups"]:
        assert_shape(group, GROUP)
        assert ID["group"].fullmatch(group["GroupId"])
    out = jcli("group", "get", "devs")
    assert list(out)[:2] == ["Group", "Users"]  # GetGroup's members first
    assert_shape(out["Group"], GROUP)
    for user in out["Users"]:
        assert_shape(user, ["Path", "UserName", "UserId", "Arn", "CreateDate", "PasswordLastUsed?"])


def test_list_policies(jcli, ok, doc):
    setup_entities(ok, doc)
    out = jcli("policy", "list", "--only-attached")
    assert list(out) == ["Policies"]
    assert {p["PolicyName"] for p in out["Policies"]} == {"Mine", "ReadOnlyAccess", "PowerUserAccess"}
    for policy in out["Policies"]:
        assert_shape(policy, POLICY_IN_LIST)
        assert ID["policy"].fullmatch(policy["PolicyId"]), policy
        assert DATE.fullmatch(policy["CreateDate"]) and DATE.fullmatch(policy["UpdateDate"])
        assert policy["IsAttachable"] is True
    by_name = {p["PolicyName"]: p for p in out["Policies"]}
    assert by_name["Mine"]["AttachmentCount"] == 1
    assert by_name["PowerUserAccess"]["PermissionsBoundaryUsageCount"] == 1


def test_get_policy(jcli, ok, doc):
    setup_entities(ok, doc)
    for ref in ("Mine", "ReadOnlyAccess"):
        out = jcli("policy", "get", ref)
        assert list(out) == ["Policy", "PolicyVersion"]
        assert_shape(out["Policy"], POLICY)
        assert ID["policy"].fullmatch(out["Policy"]["PolicyId"]), out["Policy"]
        assert_shape(out["PolicyVersion"], POLICY_VERSION)
    mine = jcli("policy", "get", "Mine")["Policy"]
    assert (mine["Description"], mine["Tags"]) == ("mine", [{"Key": "k", "Value": "v"}])


def test_aws_policy_ids_are_stable(jcli):
    first = jcli("policy", "get", "AdministratorAccess")["Policy"]["PolicyId"]
    assert jcli("policy", "get", "AdministratorAccess")["Policy"]["PolicyId"] == first
    assert jcli("policy", "get", "ReadOnlyAccess")["Policy"]["PolicyId"] != first


def test_get_policy_version(jcli, ok, doc):
    setup_entities(ok, doc)
    out = jcli("policy", "version", "get", "Mine", "v1")
    assert list(out) == ["PolicyVersion"]
    assert_shape(out["PolicyVersion"], POLICY_VERSION)
    # aws-cli prints the URL-decoded document as JSON, not a string
    assert out["PolicyVersion"]["Document"] == S3_READ
    listed = jcli("policy", "version", "list", "Mine")
    assert list(listed) == ["Versions"]
    for version in listed["Versions"]:
        assert_shape(version, ["Document?", "VersionId", "IsDefaultVersion", "CreateDate"])


def test_attached_and_inline_user_policies(jcli, ok, doc):
    setup_entities(ok, doc)
    out = jcli("user", "list-policies", "alice")
    # ListUserPolicies' PolicyNames and ListAttachedUserPolicies' AttachedPolicies, side by side
    assert set(out) == {"PolicyNames", "AttachedPolicies"}
    assert out["PolicyNames"] == ["Inline"]
    for attached in out["AttachedPolicies"]:
        assert_shape(attached, ATTACHED_POLICY)
    assert [p["PolicyArn"] for p in out["AttachedPolicies"]] == [
        f"arn:aws:iam::{ACCOUNT}:policy/Mine", "arn:aws:iam::aws:policy/ReadOnlyAccess"
    ]
    assert jcli("user", "list-policies", "alice", "--query", "AttachedPolicies") == out["AttachedPolicies"]
    names_only = jcli("user", "list-policies", "alice", "--query", "{PolicyNames: PolicyNames}")
    assert names_only == {"PolicyNames": ["Inline"]}


def test_get_user_policy(jcli, ok, doc):
    setup_entities(ok, doc)
    out = jcli("user", "get-policy", "alice", "Inline")
    assert list(out) == ["UserName", "PolicyName", "PolicyDocument"]
    assert out["PolicyDocument"] == S3_READ


def test_entities_for_policy(jcli, ok, doc):
    setup_entities(ok, doc)
    out = jcli("policy", "entities", "Mine")
    assert list(out) == ["PolicyGroups", "PolicyUsers", "PolicyRoles"]
    assert_shape(out["PolicyUsers"][0], ["UserName", "UserId"])
