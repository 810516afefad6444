"""Policy variables ("IAM policy elements: Variables and tags")."""

from __future__ import annotations

import json

from iamctl.core.policy.document import parse_policy
from iamctl.core.policy.evaluate import PolicySet, Principal, Request, evaluate
from iamctl.core.policy.variables import Variable, parse_template

A = "111122223333"
BOB = Principal(
    f"arn:aws:iam::{A}:user/division/bob", A, "User", user_id="AIDAJQABLZS4A3QDU576Q"
)


def decide(
    resource_pattern: str,
    resource: str,
    *,
    principal: Principal = BOB,
    version: str = "2012-10-17",
    **ctx: object,
) -> str:
    doc = {
        "Version": version,
        "Statement": {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": resource_pattern,
        },
    }
    p = parse_policy(json.dumps(doc))
    return evaluate(
        Request(principal, "s3:GetObject", resource, None, ctx), PolicySet([p])
    ).decision  # type: ignore[arg-type]


def test_template_parsing() -> None:
    assert parse_template("a/${aws:username}/b") == (
        ("a/", False),
        Variable("aws:username", None),
        ("/b", False),
    )
    assert parse_template("${aws:username, 'anon'}") == (
        Variable("aws:username", "anon"),
    )
    assert parse_template("${x, 'it''s'}") == (Variable("x", "it's"),)
    assert parse_template("${*}${?}${$}") == (("*", True), ("?", True), ("$", True))


def test_username_home_folder() -> None:
    # The documented example: arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*
    pattern = "arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*"
    assert (
        decide(pattern, "arn:aws:s3:::amzn-s3-demo-bucket/home/bob/file") == "allowed"
    )
    assert (
        decide(pattern, "arn:aws:s3:::amzn-s3-demo-bucket/home/alice/file")
        == "implicitDeny"
    )


def test_missing_variable_does_not_match_unless_default() -> None:
    role = Principal(
        f"arn:aws:sts::{A}:assumed-role/R/s",
        A,
        "AssumedRole",
        role_arn=f"arn:aws:iam::{A}:role/R",
    )
    assert (
        decide(
            "arn:aws:s3:::b/${aws:username}/*",
            "arn:aws:s3:::b/anonymous/x",
            principal=role,
        )
        == "implicitDeny"
    )
    assert (
        decide(
            "arn:aws:s3:::b/${aws:username, 'anonymous'}/*",
            "arn:aws:s3:::b/anonymous/x",
            principal=role,
        )
        == "allowed"
    )


def test_userid_tags_and_context_keys() -> None:
    assert (
        decide(
            "arn:aws:s3:::b/${aws:userid}/*", "arn:aws:s3:::b/AIDAJQABLZS4A3QDU576Q/x"
        )
        == "allowed"
    )
    assert (
        decide(
            "arn:aws:s3:::b/${aws:PrincipalTag/team}/*",
            "arn:aws:s3:::b/blue/x",
            **{"aws:PrincipalTag/team": "blue"},
        )
        == "allowed"
    )
    assert (
        decide("arn:aws:s3:::b/${s3:prefix}", "arn:aws:s3:::b/p", **{"S3:Prefix": "p"})
        == "allowed"
    )


def test_substituted_values_are_literal_and_escapes_work() -> None:
    # A value containing '*' is not a wildcard once substituted; ${*} is a literal '*'.
    assert (
        decide(
            "arn:aws:s3:::b/${aws:PrincipalTag/t}",
            "arn:aws:s3:::b/anything",
            **{"aws:PrincipalTag/t": "*"},
        )
        == "implicitDeny"
    )
    assert decide("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*") == "allowed"
    assert decide("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/x") == "implicitDeny"
    assert decide("arn:aws:s3:::b/${?}${$}", "arn:aws:s3:::b/?$") == "allowed"


def test_multi_valued_key_cannot_be_a_variable() -> None:
    assert (
        decide(
            "arn:aws:s3:::b/${aws:TagKeys}",
            "arn:aws:s3:::b/a",
            **{"aws:TagKeys": ["a", "b"]},
        )
        == "implicitDeny"
    )


def test_version_2008_keeps_dollar_braces_literal() -> None:
    assert (
        decide(
            "arn:aws:s3:::b/${aws:username}", "arn:aws:s3:::b/bob", version="2008-10-17"
        )
        == "implicitDeny"
    )
    assert (
        decide(
            "arn:aws:s3:::b/${aws:username}",
            "arn:aws:s3:::b/${aws:username}",
            version="2008-10-17",
        )
        == "allowed"
    )
