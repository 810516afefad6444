"""The evaluation rules of issue 12 §1, end to end through simulate custom (exit code, stdout,
stderr); the core tests with the documentation's sentences are in tests/policy."""

from __future__ import annotations

import json

from tests.simulate.conftest import allow, doc

BOB = "arn:aws:iam::444455556666:user/Bob"
BUCKET_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Deny", "NotPrincipal": {"AWS": [BOB, "arn:aws:iam::444455556666:root"]},
     "Action": "s3:*", "Resource": ["arn:aws:s3:::BUCKETNAME", "arn:aws:s3:::BUCKETNAME/*"]},
    {"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "s3:*",
     "Resource": "arn:aws:s3:::BUCKETNAME/*"}]})


def test_notprincipal_deny_and_a_permissions_boundary(cli, write) -> None:
    args = ["simulate", "custom", "--policy", write("id.json", doc(allow("s3:*"))),
            "--resource-policy", write("bucket.json", BUCKET_POLICY), "--principal", BOB,
            "--resource-account", "111122223333", "--action", "s3:GetObject",
            "--resource", "arn:aws:s3:::BUCKETNAME/report", "--output", "json"]
    free = cli(*args)
    assert free.code == 0, free.err
    assert free.json()["EvaluationResults"][0]["EvalDecision"] == "allowed"
    bounded = cli(*args, "--boundary", write("boundary.json", doc(allow("s3:*"))))
    assert bounded.code == 1
    result = bounded.json()["EvaluationResults"][0]
    assert result["EvalDecision"] == "explicitDeny"
    assert result["MatchedStatements"][0]["SourcePolicyId"] == "bucket.json"
    # The Deny is the first statement: its "{" follows the Statement array's "[".
    column = BUCKET_POLICY.index("[{") + 2
    assert result["MatchedStatements"][0]["StartPosition"] == {"Line": 1, "Column": column}
    assert bounded.err.splitlines() == [
        f"User: {BOB} is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::BUCKETNAME/report "
        "with an explicit deny in a resource-based policy"
    ]


def test_trailing_star_and_header_variable(cli, write) -> None:
    policy = write("p.json", doc(allow("sqs:*", ["arn:aws:sqs:us-east-1:111111111111*",
                                                "arn:aws:sqs:${aws:RequestedRegion}:222222222222:jobs"])))
    r = cli("simulate", "custom", "--policy", policy, "--action", "sqs:SendMessage",
            "--resource", "arn:aws:sqs:us-east-1:111111111111:queue1",
            "--resource", "arn:aws:sqs:us-east-1:222222222222:jobs",
            "--context", "aws:RequestedRegion=us-east-1", "--principal", "arn:aws:iam::111111111111:user/ana",
            "--resource-account", "111111111111", "--output", "lines")
    assert r.code == 1
    assert [line.split("\t")[2] for line in r.out.splitlines()] == ["allowed", "implicitDeny"]


def test_unresolvable_variable_is_reported_missing(cli, write) -> None:
    policy = write("p.json", doc(allow("s3:*", "arn:aws:s3:::home/${aws:PrincipalTag/team}/*")))
    r = cli("simulate", "custom", "--policy", policy, "--action", "s3:GetObject",
            "--resource", "arn:aws:s3:::home/blue/k", "--output", "json")
    assert r.code == 1
    result = r.json()["EvaluationResults"][0]
    assert result["EvalDecision"] == "implicitDeny"
    assert result["MissingContextValues"] == ["aws:PrincipalTag/team"]
    ok = cli("simulate", "custom", "--policy", policy, "--action", "s3:GetObject",
             "--resource", "arn:aws:s3:::home/blue/k", "--context", "aws:PrincipalTag/team=blue")
    assert ok.code == 0, ok.err
