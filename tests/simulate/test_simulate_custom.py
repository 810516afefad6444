"""iamctl simulate custom: documents from files, no store needed, the issue's exact interface."""

from __future__ import annotations

from tests.conftest import run_subprocess
from tests.simulate.conftest import allow, deny, doc

DEFAULT_USER = "arn:aws:iam::123456789012:user/simulated"


def test_works_without_a_store_subprocess(write, tmp_path) -> None:
    p = write("p.json", doc(allow("s3:GetObject")))
    env = {"IAMCTL_STORE": str(tmp_path / "nope" / "store.toml")}
    r = run_subprocess("simulate", "custom", "--policy", p, "--action", "s3:GetObject",
                       "--resource", "arn:aws:s3:::b/k", "--output", "json", env=env)
    assert r.code == 0, r.err
    (res,) = r.json()["EvaluationResults"]
    assert res["EvalDecision"] == "allowed"
    assert res["MatchedStatements"][0]["SourcePolicyId"] == "p.json"
    assert res["MatchedStatements"][0]["StartPosition"] == {"Line": 4, "Column": 5}
    assert not (tmp_path / "nope").exists()
    r = run_subprocess("simulate", "custom", "--policy", p, "--action", "s3:PutObject",
                       "--resource", "arn:aws:s3:::b/k", env=env)
    assert r.code == 1
    assert (f"User: {DEFAULT_USER} is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::b/k "
            "because no identity-based policy allows the s3:PutObject action") in r.err


def test_default_principal_fills_username(cli, write) -> None:
    p = write("p.json", doc(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*")))
    assert cli("simulate", "custom", "--policy", p, "--action", "s3:GetObject",
               "--resource", "arn:aws:s3:::home/simulated/x").code == 0
    r = cli("simulate", "custom", "--policy", p, "--principal", "arn:aws:iam::111122223333:user/eve",
            "--action", "s3:GetObject", "--resource", "arn:aws:s3:::home/eve/x")
    assert r.code == 0, r.err


def test_default_principal_uses_current_account(cli, account, write) -> None:
    p = write("p.json", doc(allow("sqs:*", "*", Condition={"StringEquals": {"aws:PrincipalAccount": "123456789012"}})))
    assert cli("simulate", "custom", "--policy", p, "--action", "sqs:SendMessage").code == 0
    r = cli("simulate", "custom", "--policy", p, "--action", "sqs:SendMessage", "--account", "111122223333")
    assert r.code == 1


def test_policy_from_stdin(cli) -> None:
    r = cli("simulate", "custom", "--policy", "-", "--action", "ec2:DescribeInstances", "--output", "text",
            "--query", "EvaluationResults[].[EvalActionName, EvalResourceName, EvalDecision]",
            stdin=doc(allow("ec2:Describe*")))
    assert r.code == 0
    assert r.out == "ec2:DescribeInstances\t*\tallowed\n"


def test_two_stdin_documents_refused(cli) -> None:
    r = cli("simulate", "custom", "--policy", "-", "--boundary", "-", "--action", "s3:GetObject", stdin="{}")
    assert r.code == 2


def test_malformed_policy_exit_3(cli, write) -> None:
    p = write("bad.json", '{"Version": "2012-10-17", "Statement": {"Effect": "Allow"}}')
    r = cli("simulate", "custom", "--policy", p, "--action", "s3:GetObject")
    assert r.code == 3
    assert r.err.startswith("iamctl: MalformedPolicyDocument:") and "line 1" in r.err


def test_missing_file_exit_2(cli) -> None:
    r = cli("simulate", "custom", "--policy", "/no/such.json", "--action", "s3:GetObject")
    assert r.code == 2 and "No such file" in r.err


def test_scps_one_level_any_allow_any_deny(cli, write) -> None:
    p = write("p.json", doc(allow("*")))
    full = write("full.json", doc(allow("*")))
    s3only = write("s3only.json", doc(allow("s3:*")))
    no_delete = write("nodelete.json", doc(deny("s3:DeleteBucket")))
    ok = cli("simulate", "custom", "--policy", p, "--scp", s3only, "--action", "s3:GetObject", "--output", "json")
    assert ok.code == 0
    assert ok.json()["EvaluationResults"][0]["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": True}
    r = cli("simulate", "custom", "--policy", p, "--scp", s3only, "--action", "ec2:RunInstances", "--output", "json")
    assert r.code == 1
    res = r.json()["EvaluationResults"][0]
    assert res["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": False}
    assert "service control polic" in res["DenialMessage"]
    r = cli("simulate", "custom", "--policy", p, "--scp", s3only, "--scp", full, "--action", "ec2:RunInstances")
    assert r.code == 0  # one level: any SCP allowing is enough
    r = cli("simulate", "custom", "--policy", p, "--scp", full, "--scp", no_delete, "--action", "s3:DeleteBucket",
            "--output", "json")
    assert r.code == 1
    res = r.json()["EvaluationResults"][0]
    assert res["EvalDecision"] == "explicitDeny"
    assert res["MatchedStatements"][0]["SourcePolicyType"] == "scp"


def test_boundary_and_session(cli, write) -> None:
    p = write("p.json", doc(allow(["s3:*", "ec2:*"])))
    b = write("b.json", doc(allow("s3:*")))
    s = write("s.json", doc(allow("s3:GetObject")))
    r = cli("simulate", "custom", "--policy", p, "--boundary", b, "--action", "ec2:RunInstances", "--output", "json")
    assert r.code == 1
    res = r.json()["EvaluationResults"][0]
    assert "but the permissions boundary b.json allows no ec2:RunInstances" in res["Explanation"]
    session_arn = "arn:aws:sts::123456789012:assumed-role/Dev/s1"
    r = cli("simulate", "custom", "--policy", p, "--session-policy", s, "--principal", session_arn,
            "--action", "s3:GetObject", "--action", "s3:PutObject", "--output", "json")
    assert [x["EvalDecision"] for x in r.json()["EvaluationResults"]] == ["allowed", "implicitDeny"]
    assert r.code == 1
    assert "session policy" in r.json()["EvaluationResults"][1]["Explanation"]


def test_resource_account_defaults_and_cross_account(cli, write) -> None:
    p = write("p.json", doc(allow("sqs:SendMessage")))
    rp = write("q.json", doc({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                              "Action": "sqs:SendMessage", "Resource": "*"}))
    theirs = "arn:aws:sqs:us-east-1:111122223333:q"
    # The account comes from the ARN: cross-account, so the resource policy is needed.
    assert cli("simulate", "custom", "--policy", p, "--action", "sqs:SendMessage", "--resource", theirs).code == 1
    assert cli("simulate", "custom", "--policy", p, "--resource-policy", rp, "--action", "sqs:SendMessage",
               "--resource", theirs).code == 0
    # --resource-account overrides the ARN.
    assert cli("simulate", "custom", "--policy", p, "--action", "sqs:SendMessage", "--resource", theirs,
               "--resource-account", "123456789012").code == 0


def test_principal_named_by_resource_policy_alone(cli, write) -> None:
    empty = write("empty.json", doc(allow("s3:ListAllMyBuckets")))
    rp = write("rp.json", doc({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/ann"},
                               "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}))
    r = cli("simulate", "custom", "--policy", empty, "--resource-policy", rp, "--principal",
            "arn:aws:iam::123456789012:user/ann", "--action", "s3:GetObject", "--resource", "arn:aws:s3:::b/k",
            "--output", "json")
    assert r.code == 0
    res = r.json()["EvaluationResults"][0]
    assert res["MatchedStatements"][0]["SourcePolicyType"] == "resource"
    assert "names the principal directly" in res["Explanation"]


def test_bad_principal_exit_2(cli, write) -> None:
    p = write("p.json", doc(allow("*")))
    r = cli("simulate", "custom", "--policy", p, "--principal", "bob", "--action", "s3:GetObject")
    assert r.code == 2 and "--principal" in r.err


def test_context_and_missing_values(cli, write) -> None:
    p = write("p.json", doc(allow("s3:GetObject", "*", Condition={"StringEquals": {"s3:prefix": "home/"}})))
    r = cli("simulate", "custom", "--policy", p, "--action", "s3:GetObject", "--output", "json")
    assert r.json()["EvaluationResults"][0]["MissingContextValues"] == ["s3:prefix"]
    assert "Missing context keys: s3:prefix" in r.json()["EvaluationResults"][0]["Explanation"]
    r = cli("simulate", "custom", "--policy", p, "--action", "s3:GetObject", "--context", "s3:prefix=home/")
    assert r.code == 0
