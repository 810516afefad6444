"""iamctl simulate principal: the store's policies, AWS's context keys, exit codes, explanations."""

from __future__ import annotations

from tests.simulate.conftest import ACCOUNT, allow, deny, doc

BOB = f"arn:aws:iam::{ACCOUNT}:user/bob"


def test_allowed_by_managed_policy_exit_0_json_shape(cli, bob) -> None:
    r = cli("simulate", "principal", "bob", "--action", "s3:GetObject",
            "--resource", "arn:aws:s3:::data/report.csv", "--output", "json")
    assert r.code == 0, r.err
    (res,) = r.json()["EvaluationResults"]
    assert res["EvalActionName"] == "s3:GetObject"
    assert res["EvalResourceName"] == "arn:aws:s3:::data/report.csv"
    assert res["EvalDecision"] == "allowed"
    assert res["MissingContextValues"] == []
    assert res["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": True}
    assert "ReadOnlyAccess" in res["Explanation"]
    ids = {m["SourcePolicyId"]: m["SourcePolicyType"] for m in res["MatchedStatements"]}
    assert ids["ReadOnlyAccess"] == "aws-managed"
    m = res["MatchedStatements"][0]
    assert set(m) == {"SourcePolicyId", "SourcePolicyType", "StartPosition", "EndPosition"}
    assert set(m["StartPosition"]) == {"Line", "Column"}
    assert "DenialMessage" not in res
    assert r.err == ""


def test_boundary_explanation_and_denial_sentence(cli, bob) -> None:
    table = "arn:aws:dynamodb:ap-northeast-1:123456789012:table/X"
    r = cli("simulate", "principal", "bob", "--action", "dynamodb:Scan", "--resource", table, "--output", "json")
    assert r.code == 1
    (res,) = r.json()["EvaluationResults"]
    assert res["EvalDecision"] == "implicitDeny"
    assert res["Explanation"].startswith("Allowed by identity policy ReadOnlyAccess")
    assert "but the permissions boundary DevBoundary allows no dynamodb:Scan" in res["Explanation"]
    assert res["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}
    sentence = (f"User: {BOB} is not authorized to perform: dynamodb:Scan on resource: {table} "
                "because no permissions boundary allows the dynamodb:Scan action")
    assert res["DenialMessage"] == sentence
    assert sentence in r.err


def test_no_identity_policy_sentence(cli, bob) -> None:
    r = cli("simulate", "principal", "user/bob", "--action", "s3:DeleteBucket", "--resource", "arn:aws:s3:::x")
    assert r.code == 1
    assert ("is not authorized to perform: s3:DeleteBucket on resource: arn:aws:s3:::x because no "
            "identity-based policy allows the s3:DeleteBucket action") in r.err
    assert "implicitDeny" in r.out and "No identity-based policy allows s3:DeleteBucket" in r.out


def test_inline_policy_named_and_username_variable(cli, bob) -> None:
    r = cli("simulate", "principal", BOB, "--action", "s3:PutObject",
            "--resource", "arn:aws:s3:::home/bob/notes.txt", "--output", "json")
    assert r.code == 0, r.out
    (res,) = r.json()["EvaluationResults"]
    assert res["MatchedStatements"][0]["SourcePolicyId"] == "user/bob/inline/S3Home"
    assert res["MatchedStatements"][0]["SourcePolicyType"] == "user"
    other = cli("simulate", "principal", "bob", "--action", "s3:PutObject",
                "--resource", "arn:aws:s3:::home/alice/notes.txt")
    assert other.code == 1


def test_group_policies_reach_members(cli, bob) -> None:
    r = cli("simulate", "principal", "bob", "--action", "sqs:SendMessage", "--output", "json")
    assert r.code == 0
    (res,) = r.json()["EvaluationResults"]
    assert res["MatchedStatements"][0]["SourcePolicyId"] == "group/devs/inline/Queue"
    assert res["MatchedStatements"][0]["SourcePolicyType"] == "group"


def test_group_principal_says_so(cli, bob) -> None:
    r = cli("simulate", "principal", "group/devs", "--action", "sqs:SendMessage", "--output", "json")
    assert r.code == 0
    assert "groups are not principals" in r.err and "devs" in r.err
    r = cli("simulate", "principal", "group/devs", "--action", "s3:GetObject")
    assert r.code == 1  # ReadOnlyAccess is bob's, not the group's


def test_several_actions_and_resources_text_output(cli, bob) -> None:
    r = cli("simulate", "principal", "bob", "--action", "s3:GetObject", "--action", "s3:DeleteBucket",
            "--resource", "arn:aws:s3:::a", "--resource", "arn:aws:s3:::b", "--output", "lines")
    assert r.code == 1
    lines = r.out.splitlines()
    assert lines == [
        "s3:GetObject\tarn:aws:s3:::a\tallowed",
        "s3:GetObject\tarn:aws:s3:::b\tallowed",
        "s3:DeleteBucket\tarn:aws:s3:::a\timplicitDeny",
        "s3:DeleteBucket\tarn:aws:s3:::b\timplicitDeny",
    ]


def test_context_fills_principal_tags_and_missing_keys(cli, account, write) -> None:
    assert cli("user", "create", "tina", "--tag", "team=blue").code == 0
    policy = write("tag.json", doc(
        allow("s3:GetObject", "*", Condition={"StringEquals": {"aws:PrincipalTag/team": "blue"}}),
        allow("s3:PutObject", "*", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
    ))
    assert cli("user", "put-policy", "tina", "P", "--document", policy).code == 0
    assert cli("simulate", "principal", "tina", "--action", "s3:GetObject").code == 0
    r = cli("simulate", "principal", "tina", "--action", "s3:PutObject", "--output", "json")
    assert r.code == 1
    assert r.json()["EvaluationResults"][0]["MissingContextValues"] == ["aws:SourceIp"]
    ok = cli("simulate", "principal", "tina", "--action", "s3:PutObject", "--context", "aws:SourceIp=10.1.2.3")
    assert ok.code == 0


def test_mfa_absent_for_long_term_keys_and_context_override(cli, account, write) -> None:
    assert cli("user", "create", "mia").code == 0
    policy = write("mfa.json", doc(
        allow("ec2:StopInstances", "*", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        allow("ec2:StartInstances", "*", Condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}),
    ))
    assert cli("user", "put-policy", "mia", "P", "--document", policy).code == 0
    r = cli("simulate", "principal", "mia", "--action", "ec2:StopInstances", "--action", "ec2:StartInstances",
            "--output", "json")
    decisions = [x["EvalDecision"] for x in r.json()["EvaluationResults"]]
    assert decisions == ["implicitDeny", "allowed"]
    r = cli("simulate", "principal", "mia", "--action", "ec2:StopInstances",
            "--context", "aws:MultiFactorAuthPresent=true")
    assert r.code == 0


def test_at_fixes_time(cli, account, write) -> None:
    assert cli("user", "create", "tim").code == 0
    policy = write("time.json", doc(allow("s3:GetObject", "*", Condition={
        "DateLessThan": {"aws:CurrentTime": "2024-06-01T00:00:00Z"}})))
    assert cli("user", "put-policy", "tim", "P", "--document", policy).code == 0
    assert cli("simulate", "principal", "tim", "--action", "s3:GetObject", "--at", "2024-05-01T00:00:00Z").code == 0
    assert cli("simulate", "principal", "tim", "--action", "s3:GetObject", "--at", "2024-07-01T00:00:00Z").code == 1
    bad = cli("simulate", "principal", "tim", "--action", "s3:GetObject", "--at", "soon")
    assert bad.code == 2 and "--at" in bad.err


def test_multi_valued_context_key(cli, account, write) -> None:
    assert cli("user", "create", "tagger").code == 0
    policy = write("tags.json", doc(allow("ec2:CreateTags", "*", Condition={
        "ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}})))
    assert cli("user", "put-policy", "tagger", "P", "--document", policy).code == 0
    ok = cli("simulate", "principal", "tagger", "--action", "ec2:CreateTags",
             "--context", "aws:TagKeys=env", "--context", "aws:TagKeys=team")
    assert ok.code == 0
    no = cli("simulate", "principal", "tagger", "--action", "ec2:CreateTags",
             "--context", "aws:TagKeys=env", "--context", "aws:TagKeys=owner")
    assert no.code == 1


def test_explicit_deny_names_statement(cli, bob, write) -> None:
    d = write("deny.json", doc({"Sid": "NoLogs", **deny("s3:GetObject", "arn:aws:s3:::logs/*")}))
    assert cli("user", "put-policy", "bob", "NoLogs", "--document", d).code == 0
    r = cli("simulate", "principal", "bob", "--action", "s3:GetObject", "--resource", "arn:aws:s3:::logs/a",
            "--output", "json")
    assert r.code == 1
    (res,) = r.json()["EvaluationResults"]
    assert res["EvalDecision"] == "explicitDeny"
    assert res["MatchedStatements"][0]["SourcePolicyId"] == "user/bob/inline/NoLogs"
    assert 'Sid "NoLogs"' in res["Explanation"]
    assert res["DenialMessage"].endswith("with an explicit deny in an identity-based policy")


def test_resource_policy_and_cross_account(cli, account, write) -> None:
    assert cli("user", "create", "carol").code == 0
    own = write("own.json", doc(allow("s3:GetObject")))
    assert cli("user", "put-policy", "carol", "P", "--document", own).code == 0
    bucket = "arn:aws:s3:::shared/k"
    # Cross-account: the resource is another account's; without a resource policy, no.
    r = cli("simulate", "principal", "carol", "--action", "s3:GetObject", "--resource", bucket,
            "--resource-account", "111122223333", "--output", "json")
    assert r.code == 1
    res = r.json()["EvaluationResults"][0]
    assert res["EvalDecisionDetails"]["IAM Policy"] == "allowed"
    rp = write("bucket.json", doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/carol"},
                                   "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"}))
    r = cli("simulate", "principal", "carol", "--action", "s3:GetObject", "--resource", bucket,
            "--resource-account", "111122223333", "--resource-policy", rp, "--output", "json")
    assert r.code == 0, r.out
    res = r.json()["EvaluationResults"][0]
    assert res["EvalDecisionDetails"] == {"IAM Policy": "allowed", "Resource Policy": "allowed"}


def test_resource_account_from_arn_feeds_condition(cli, account, write) -> None:
    assert cli("user", "create", "dan").code == 0
    p = write("ra.json", doc(allow("sqs:*", "*", Condition={"StringEquals": {"aws:ResourceAccount": ACCOUNT}})))
    assert cli("user", "put-policy", "dan", "P", "--document", p).code == 0
    mine = f"arn:aws:sqs:us-east-1:{ACCOUNT}:q"
    theirs = "arn:aws:sqs:us-east-1:111122223333:q"
    assert cli("simulate", "principal", "dan", "--action", "sqs:SendMessage", "--resource", mine).code == 0
    assert cli("simulate", "principal", "dan", "--action", "sqs:SendMessage", "--resource", theirs).code == 1


def test_unknown_user_exit_3(cli, account) -> None:
    r = cli("simulate", "principal", "nobody", "--action", "s3:GetObject")
    assert r.code == 3
    assert r.err.startswith("iamctl: NoSuchEntity:")
    r = cli("simulate", "principal", "AKIAIOSFODNN7EXAMPLE", "--action", "s3:GetObject")
    assert r.code == 3 and "access key" in r.err


def test_usage_errors_exit_2(cli, bob) -> None:
    assert cli("simulate", "principal", "bob").code == 2  # --action is required
    r = cli("simulate", "principal", "bob", "--action", "s3:GetObject", "--context", "novalue")
    assert r.code == 2 and "KEY=VALUE" in r.err


def test_no_store_exit_4(cli) -> None:
    r = cli("simulate", "principal", "bob", "--action", "s3:GetObject")
    assert r.code == 4


def test_table_output_says_why(cli, bob) -> None:
    r = cli("simulate", "principal", "bob", "--action", "s3:GetObject")
    assert r.code == 0
    assert "Why" in r.out and "ReadOnlyAccess" in r.out and "allowed" in r.out


def test_query_gets_aws_shape(cli, bob) -> None:
    r = cli("simulate", "principal", "bob", "--action", "s3:GetObject", "--action", "s3:DeleteBucket",
            "--query", "EvaluationResults[].EvalDecision", "--output", "json")
    assert r.json() == ["allowed", "implicitDeny"]
