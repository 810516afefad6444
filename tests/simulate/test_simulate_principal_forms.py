"""simulate principal: roles as principals, every accepted form in the error and help, and
explanations that say through which group a policy applies."""

from __future__ import annotations

import pytest

ACCOUNT = "123456789012"


@pytest.fixture
def ec2_admin(cli, account) -> None:
    """The book's 16A/16B: group EC2Admin with AmazonEC2FullAccess; exampleuser1 in it."""
    for argv in (("group", "create", "EC2Admin"), ("group", "attach-policy", "EC2Admin", "AmazonEC2FullAccess"),
                 ("user", "create", "exampleuser1"), ("group", "add-user", "EC2Admin", "exampleuser1"),
                 ("user", "attach-policy", "exampleuser1", "AmazonS3FullAccess")):
        assert cli(*argv).code == 0, argv


def test_explanations_say_through_which_group_a_policy_applies(cli, ec2_admin) -> None:
    table = cli("simulate", "principal", "exampleuser1", "--action", "ec2:RunInstances", "--action", "s3:GetObject")
    assert table.code == 0
    assert "AmazonEC2FullAccess, attached to group EC2Admin, statement 1" in " ".join(table.out.split())
    result = cli("simulate", "principal", "exampleuser1", "--action", "ec2:RunInstances", "--action", "s3:GetObject",
                 "--output", "json")
    ec2, s3 = result.json()["EvaluationResults"]
    assert ec2["Explanation"] == \
        "Allowed by identity policy AmazonEC2FullAccess, attached to group EC2Admin, statement 1."
    assert ec2["MatchedStatements"][0]["SourcePolicyId"] == "AmazonEC2FullAccess"  # AWS's id is the name
    assert s3["Explanation"] == "Allowed by identity policy AmazonS3FullAccess statement 1."  # attached directly


def test_a_group_is_denied_as_a_member_would_be(cli, ec2_admin) -> None:
    result = cli("simulate", "principal", "group/EC2Admin", "--action", "rds:DescribeDBInstances", "--output", "json")
    assert result.code == 1
    (r,) = result.json()["EvaluationResults"]
    message = (f"A member of group EC2Admin (arn:aws:iam::{ACCOUNT}:group/EC2Admin) is not authorized to perform: "
               "rds:DescribeDBInstances on resource: * because no identity-based policy allows the "
               "rds:DescribeDBInstances action")
    assert r["DenialMessage"] == message
    assert message in result.err and "User: arn:aws:iam::123456789012:group/" not in result.err


@pytest.mark.parametrize("ref", ["role/ExampleEC2Role", f"arn:aws:iam::{ACCOUNT}:role/ExampleEC2Role"])
def test_a_role_is_evaluated_as_a_session_named_simulated(cli, account, ref) -> None:
    assert cli("role", "create", "ExampleEC2Role", "--trust-service", "ec2.amazonaws.com").code == 0
    assert cli("role", "attach-policy", "ExampleEC2Role", "AmazonS3FullAccess").code == 0
    result = cli("simulate", "principal", ref, "--action", "s3:GetObject", "--action", "dynamodb:Scan",
                 "--output", "json")
    assert result.code == 1
    s3, dynamo = result.json()["EvaluationResults"]
    assert s3["EvalDecision"] == "allowed" and dynamo["EvalDecision"] == "implicitDeny"
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/ExampleEC2Role/simulated"
    assert f"iamctl: note: evaluating role ExampleEC2Role as its session {session}" in result.err
    assert f"User: {session} is not authorized to perform: dynamodb:Scan" in dynamo["DenialMessage"]


def test_a_role_that_does_not_exist(cli, account) -> None:
    for ref in ("role/Nope", f"arn:aws:iam::{ACCOUNT}:role/Nope"):
        result = cli("simulate", "principal", ref, "--action", "s3:GetObject")
        assert result.code == 3 and "NoSuchEntity" in result.err, ref


@pytest.mark.parametrize("ref", ["foo/bar", "arn:aws:s3:::bucket", "arn:aws:iam::123456789012:policy/P"])
def test_an_unparseable_principal_lists_every_accepted_form(cli, account, ref) -> None:
    result = cli("simulate", "principal", ref, "--action", "s3:GetObject")
    assert result.code == 3 and result.out == ""
    assert result.err.startswith(f"iamctl: InvalidInput: Cannot tell what principal {ref!r} is: give ")
    for form in ("user/NAME", "a user ARN", "group/NAME", "role/NAME", "a role ARN",
                 "arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION", "AKIA...", "ASIA...", "arn:aws:iam::ACCOUNT:root"):
        assert form in result.err, form
    assert result.err.count("\n") == 1


def test_simulate_helps_list_every_form(cli) -> None:
    run = " ".join(cli("simulate", "run", "--help").out.split())
    for form in ('"role/Auditor" or a role ARN', "assumed-role/ROLE/SESSION", "AKIA... or ASIA...",
                 "arn:aws:iam::ACCOUNT:root", '"group/devs"'):
        assert form in run, form
    principal = " ".join(cli("simulate", "principal", "--help").out.split())
    assert "role/NAME or a role ARN evaluates a session of the role named simulated" in principal


def test_simulate_run_case_with_a_role(cli, account, tmp_path) -> None:
    assert cli("role", "create", "Reader", "--trust-service", "ec2.amazonaws.com").code == 0
    assert cli("role", "attach-policy", "Reader", "AmazonS3ReadOnlyAccess").code == 0
    cases = tmp_path / "cases.toml"
    cases.write_text('[[case]]\nname = "reader reads"\nprincipal = "role/Reader"\naction = "s3:GetObject"\n'
                     'expect = "allowed"\n\n[[case]]\nname = "reader cannot write"\nprincipal = "role/Reader"\n'
                     'action = "s3:PutObject"\nexpect = "implicitDeny"\n')
    result = cli("simulate", "run", str(cases))
    assert result.code == 0, (result.out, result.err)
    assert "2 passed, 0 failed, 2 cases" in result.err
