"""Every `iamctl policy` and `iamctl policy version` command, and AWS managed policies."""

from __future__ import annotations

import re

from tests.foundation.conftest import ACCOUNT, S3_READ, fails

POLICY_ID = re.compile(r"ANPA[A-Z2-7]{17}")
DENY_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}


def test_create_get_and_list(jcli, doc):
    created = jcli("policy", "create", "S3Read", "--document", doc(), "--description", "read a bucket",
                   "--path", "/team/", "--tag", "owner=web")["Policy"]
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT}:policy/team/S3Read"
    assert POLICY_ID.fullmatch(created["PolicyId"])
    assert created["Description"] == "read a bucket"
    assert created["Tags"] == [{"Key": "owner", "Value": "web"}]
    got = jcli("policy", "get", "S3Read")
    assert got["Policy"] == created
    assert got["PolicyVersion"]["Document"] == S3_READ
    assert got["PolicyVersion"]["VersionId"] == "v1" and got["PolicyVersion"]["IsDefaultVersion"] is True
    assert jcli("policy", "get", created["Arn"])["Policy"] == created
    local = jcli("policy", "list", "--scope", "Local")["Policies"]
    assert [p["PolicyName"] for p in local] == ["S3Read"]


def test_list_scopes_and_only_attached(jcli, ok, doc, cli):
    ok("policy", "create", "Mine", "--document", doc())
    ok("user", "create", "alice")
    ok("user", "attach-policy", "alice", "IAMUserChangePassword")
    aws = jcli("policy", "list", "--scope", "AWS")["Policies"]
    assert len(aws) > 1000
    assert all(p["Arn"].startswith("arn:aws:iam::aws:policy/") for p in aws)
    everything = jcli("policy", "list")["Policies"]
    assert len(everything) == len(aws) + 1
    attached = jcli("policy", "list", "--only-attached")["Policies"]
    assert [p["PolicyName"] for p in attached] == ["IAMUserChangePassword"]
    assert attached[0]["AttachmentCount"] == 1
    assert jcli("policy", "list", "--scope", "Local", "--only-attached") == {"Policies": []}
    fails(cli("policy", "list", "--scope", "Mine"), 2,
          "iamctl: InvalidArgument: Invalid value for '--scope': 'Mine' is not one of All, AWS, Local.")


def test_aws_managed_policies_by_name_and_arn(jcli):
    for ref in ("Billing", "arn:aws:iam::aws:policy/job-function/Billing"):
        policy = jcli("policy", "get", ref)["Policy"]
        assert policy["Arn"] == "arn:aws:iam::aws:policy/job-function/Billing"
        assert policy["Path"] == "/job-function/"
    admin = jcli("policy", "get", "AdministratorAccess")
    assert admin["PolicyVersion"]["Document"]["Statement"][0]["Action"] == "*"
    for name in ("PowerUserAccess", "ReadOnlyAccess", "IAMFullAccess", "AmazonS3FullAccess", "AmazonRDSFullAccess",
                 "AWSBillingReadOnlyAccess", "AmazonEC2FullAccess", "AmazonDynamoDBReadOnlyAccess"):
        assert jcli("policy", "get", name)["Policy"]["Arn"].endswith("/" + name)


def test_job_function_arn_needs_its_path(cli, account):
    assert cli("user", "create", "alice").code == 0
    fails(cli("user", "attach-policy", "alice", "arn:aws:iam::aws:policy/Billing"), 3,
          "iamctl: NoSuchEntity: Policy arn:aws:iam::aws:policy/Billing does not exist or is not attachable. "
          "Did you mean the AWS managed policy Billing (arn:aws:iam::aws:policy/job-function/Billing)?")


def test_aws_policy_cannot_be_deleted_or_versioned(cli, account, doc):
    fails(cli("policy", "delete", "AdministratorAccess"), 3,
          "iamctl: InvalidInput: Policy arn:aws:iam::aws:policy/AdministratorAccess is an AWS managed policy "
          "and cannot be changed.")
    fails(cli("policy", "version", "create", "ReadOnlyAccess", "--document", doc()), 3,
          "iamctl: InvalidInput: Policy arn:aws:iam::aws:policy/ReadOnlyAccess is an AWS managed policy "
          "and cannot be changed.")


def test_entities(jcli, ok, doc):
    ok("policy", "create", "Mine", "--document", doc())
    ok("user", "create", "alice")
    ok("group", "create", "devs")
    ok("user", "attach-policy", "alice", "Mine")
    ok("group", "attach-policy", "devs", "Mine")
    out = jcli("policy", "entities", "Mine")
    assert [g["GroupName"] for g in out["PolicyGroups"]] == ["devs"]
    assert [u["UserName"] for u in out["PolicyUsers"]] == ["alice"]
    assert out["PolicyRoles"] == []
    assert jcli("policy", "get", "Mine")["Policy"]["AttachmentCount"] == 2


def test_delete_refused_while_attached_then_forced(cli, ok, jcli, doc):
    ok("policy", "create", "Mine", "--document", doc())
    ok("user", "create", "alice")
    ok("group", "create", "devs")
    ok("user", "attach-policy", "alice", "Mine")
    ok("group", "attach-policy", "devs", "Mine")
    ok("user", "set-boundary", "alice", "Mine")
    fails(cli("policy", "delete", "Mine"), 3, "iamctl: DeleteConflict: Cannot delete a policy attached to entities.")
    arn = f"arn:aws:iam::{ACCOUNT}:policy/Mine"
    result = ok("policy", "delete", "Mine", "--force")
    assert result.out == ""
    assert result.err.splitlines() == [
        f"removed policy {arn} attached to user alice",
        f"removed policy {arn} attached to group devs",
        f"removed permissions boundary {arn} of user alice",
    ]
    assert jcli("policy", "list", "--scope", "Local") == {"Policies": []}
    assert jcli("user", "list-policies", "alice")["AttachedPolicies"] == []


def test_delete_unattached(ok, jcli, doc):
    ok("policy", "create", "Mine", "--document", doc())
    assert ok("policy", "delete", f"arn:aws:iam::{ACCOUNT}:policy/Mine").err == ""
    assert jcli("policy", "list", "--scope", "Local") == {"Policies": []}


def test_versions_lifecycle(jcli, ok, cli, doc):
    ok("policy", "create", "Mine", "--document", doc())
    v2 = jcli("policy", "version", "create", "Mine", "--document", doc(DENY_ALL))["PolicyVersion"]
    assert (v2["VersionId"], v2["IsDefaultVersion"]) == ("v2", False)
    v3 = jcli("policy", "version", "create", "Mine", "--document", doc(), "--set-default")["PolicyVersion"]
    assert (v3["VersionId"], v3["IsDefaultVersion"]) == ("v3", True)
    listed = jcli("policy", "version", "list", "Mine")["Versions"]
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in listed] == [("v3", True), ("v2", False), ("v1", False)]
    got = jcli("policy", "version", "get", "Mine", "v2")["PolicyVersion"]
    assert got["Document"] == DENY_ALL and got["IsDefaultVersion"] is False
    ok("policy", "version", "set-default", "Mine", "v2")
    assert jcli("policy", "get", "Mine")["Policy"]["DefaultVersionId"] == "v2"
    fails(cli("policy", "version", "delete", "Mine", "v2"), 3,
          "iamctl: DeleteConflict: Cannot delete the default version of a policy.")
    ok("policy", "version", "delete", "Mine", "v1")
    # AWS never reuses a version number
    assert jcli("policy", "version", "create", "Mine", "--document", doc())["PolicyVersion"]["VersionId"] == "v4"
    fails(cli("policy", "version", "get", "Mine", "v1"), 3,
          f"iamctl: NoSuchEntity: Policy arn:aws:iam::{ACCOUNT}:policy/Mine version v1 does not exist or is not "
          "attachable.")


def test_aws_policy_versions(jcli, cli):
    listed = jcli("policy", "version", "list", "AdministratorAccess")["Versions"]
    assert len(listed) == 1 and listed[0]["IsDefaultVersion"] is True
    vid = listed[0]["VersionId"]
    got = jcli("policy", "version", "get", "AdministratorAccess", vid)["PolicyVersion"]
    assert got["Document"]["Version"] == "2012-10-17"


def test_policy_from_stdin(jcli):
    import json

    out = jcli("policy", "create", "FromStdin", "--document", "-", stdin=json.dumps(S3_READ))
    assert out["Policy"]["PolicyName"] == "FromStdin"


def test_listing_counts_attachments_and_boundaries_like_each_policy_does(ok, jcli, doc, store_path):
    """policy list counts every policy's uses in one pass over the account; the counts must
    be those of asking policy by policy (service attachments() / boundary_uses())."""
    from iamctl.core.service import policies
    from iamctl.core.store import Store

    for name in ("P1", "P2", "P3"):
        ok("policy", "create", name, "--document", doc())
    for name in ("u1", "u2", "u3"):
        ok("user", "create", name)
    ok("group", "create", "g1")
    ok("role", "create", "r1", "--trust-service", "ec2.amazonaws.com")
    ok("user", "attach-policy", "u1", "P1")
    ok("user", "attach-policy", "u2", "P1")
    ok("group", "attach-policy", "g1", "P1")
    ok("role", "attach-policy", "r1", "P2")
    ok("user", "attach-policy", "u3", "ReadOnlyAccess")
    ok("user", "set-boundary", "u3", "P2")
    ok("role", "set-boundary", "r1", "P3")
    listed = {p["PolicyName"]: p for p in jcli("policy", "list", "--scope", "Local")["Policies"]}
    assert {n: (p["AttachmentCount"], p["PermissionsBoundaryUsageCount"]) for n, p in listed.items()} == {
        "P1": (3, 0), "P2": (1, 1), "P3": (0, 1)}
    attached = {p["PolicyName"] for p in jcli("policy", "list", "--only-attached")["Policies"]}
    assert attached == {"P1", "P2", "P3", "ReadOnlyAccess"}
    account = Store(store_path).read().accounts[ACCOUNT]  # lazily built, as commands see it
    for shape in listed.values():
        oracle = policies.attachments(account, shape["Arn"])
        assert shape["AttachmentCount"] == sum(len(v) for v in oracle.values())
        assert shape["PermissionsBoundaryUsageCount"] == policies.boundary_uses(account, shape["Arn"])
