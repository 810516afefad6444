"""simulate principal with role sessions: the book's EC2 scenario through the one evaluator."""

from __future__ import annotations

ACCOUNT = "123456789012"
INSTANCE = f"arn:aws:sts::{ACCOUNT}:assumed-role/ExampleEC2Role/i-d7027cd1"
TABLE = f"arn:aws:dynamodb:ap-northeast-1:{ACCOUNT}:table/UsersLeaderboard"


def _ec2_role(cli) -> None:
    assert cli("init", "--account-id", ACCOUNT).code == 0
    assert cli("role", "create", "ExampleEC2Role", "--trust-service", "ec2.amazonaws.com").code == 0
    assert cli("role", "attach-policy", "ExampleEC2Role", "AmazonS3FullAccess").code == 0
    assert cli("role", "instance-profile", "create", "ExampleEC2Role").code == 0
    assert cli("role", "instance-profile", "add-role", "ExampleEC2Role", "ExampleEC2Role").code == 0


def test_instance_session_lists_the_bucket(cli) -> None:
    _ec2_role(cli)
    r = cli(
        "simulate",
        "principal",
        INSTANCE,
        "--action",
        "s3:ListBucket",
        "--resource",
        "arn:aws:s3:::examplebucket10",
        "--output",
        "json",
    )
    assert r.code == 0, r.err
    (result,) = r.json()["EvaluationResults"]
    assert result["EvalDecision"] == "allowed"


def test_instance_session_cannot_scan_dynamodb_with_the_books_message(cli) -> None:
    _ec2_role(cli)
    r = cli("simulate", "principal", INSTANCE, "--action", "dynamodb:Scan", "--resource", TABLE, "--output", "json")
    assert r.code == 1
    (result,) = r.json()["EvaluationResults"]
    assert result["EvalDecision"] == "implicitDeny"
    expected = f"User: {INSTANCE} is not authorized to perform: dynamodb:Scan on resource: {TABLE}"
    assert expected in r.err


def test_a_role_that_does_not_trust_ec2_has_no_instance_sessions(cli) -> None:
    assert cli("init", "--account-id", ACCOUNT).code == 0
    assert cli("role", "create", "Ops", "--trust-account", "210987654321").code == 0
    r = cli(
        "simulate",
        "principal",
        f"arn:aws:sts::{ACCOUNT}:assumed-role/Ops/i-0123456789abcdef0",
        "--action",
        "s3:ListBucket",
    )
    assert r.code == 3
    assert r.err.startswith("iamctl: NoSuchEntity:")


def test_recorded_session_is_evaluated_with_its_session_policy(cli, tmp_path) -> None:
    assert cli("init", "--account-id", ACCOUNT).code == 0
    assert cli("user", "create", "alice").code == 0
    trust = tmp_path / "trust.json"
    trust.write_text(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":'
        f'"arn:aws:iam::{ACCOUNT}:user/alice"}},"Action":"sts:AssumeRole"}}]}}'
    )
    assert cli("role", "create", "Reader", "--trust", str(trust)).code == 0
    assert cli("role", "attach-policy", "Reader", "AmazonS3FullAccess").code == 0
    session_policy = tmp_path / "session.json"
    session_policy.write_text(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
    )
    r = cli(
        "role",
        "assume",
        "Reader",
        "--as",
        "alice",
        "--session-name",
        "s1",
        "--policy",
        str(session_policy),
        "--output",
        "json",
    )
    assert r.code == 0, r.err
    key = r.json()["Credentials"]["AccessKeyId"]
    assert key.startswith("ASIA")
    allowed = cli("simulate", "principal", key, "--action", "s3:GetObject", "--resource", "arn:aws:s3:::b/k")
    assert allowed.code == 0, allowed.err
    denied = cli("simulate", "principal", key, "--action", "s3:PutObject", "--resource", "arn:aws:s3:::b/k")
    assert denied.code == 1
    session_arn = f"arn:aws:sts::{ACCOUNT}:assumed-role/Reader/s1"
    assert (
        cli("simulate", "principal", session_arn, "--action", "s3:GetObject", "--resource", "arn:aws:s3:::b/k").code
        == 0
    )


def test_an_access_key_id_names_its_user(cli) -> None:
    assert cli("init", "--account-id", ACCOUNT).code == 0
    assert cli("user", "create", "exampleuser1").code == 0
    assert cli("user", "attach-policy", "exampleuser1", "AmazonS3FullAccess").code == 0
    key = cli("key", "create", "exampleuser1", "--output", "json").json()["AccessKey"]["AccessKeyId"]
    r = cli("simulate", "principal", key, "--action", "s3:ListBucket", "--resource", "arn:aws:s3:::b", "--output",
            "json")
    assert r.code == 0, r.err
    assert r.json()["EvaluationResults"][0]["EvalDecision"] == "allowed"
    denied = cli("simulate", "principal", key, "--action", "rds:DescribeDBInstances")
    assert denied.code == 1
    assert f"User: arn:aws:iam::{ACCOUNT}:user/exampleuser1 is not authorized" in denied.err
