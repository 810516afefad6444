"""Condition operators, with the examples of "IAM JSON policy elements: Condition operators"
and "Single-valued vs. multivalued context keys" and the results AWS states for them."""

from __future__ import annotations

import json

import pytest

from iamctl.core.policy.document import parse_policy
from iamctl.core.policy.evaluate import PolicySet, Principal, Request, evaluate

BOB = Principal(
    "arn:aws:iam::123456789012:user/bob",
    "123456789012",
    "User",
    user_id="AIDAEXAMPLEBOB",
)


def decide(
    condition: dict,
    context: dict,
    *,
    effect: str = "Allow",
    version: str = "2012-10-17",
    action: str = "s3:ListBucket",
    resource: str = "arn:aws:s3:::bucket",
) -> str:
    stmt = {"Effect": effect, "Action": "*", "Resource": "*", "Condition": condition}
    statements = [stmt]
    if effect == "Deny":
        statements.insert(0, {"Effect": "Allow", "Action": "*", "Resource": "*"})
    policy = parse_policy(
        json.dumps({"Version": version, "Statement": statements}), policy_id="p"
    )
    return evaluate(
        Request(BOB, action, resource, None, context), PolicySet([policy])
    ).decision


def test_string_equals_principal_tag() -> None:
    cond = {"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}}
    assert decide(cond, {"aws:PrincipalTag/job-category": "iamuser-admin"}) == "allowed"
    assert (
        decide(cond, {"aws:PrincipalTag/job-category": "IAMUSER-ADMIN"})
        == "implicitDeny"
    )
    assert decide(cond, {}) == "implicitDeny"


def test_condition_key_names_ignore_case() -> None:
    cond = {"StringEquals": {"AWS:PRINCIPALTAG/job-category": "x"}}
    assert decide(cond, {"aws:principaltag/job-category": "x"}) == "allowed"


def test_string_equals_ignore_case_and_negations() -> None:
    assert (
        decide(
            {"StringEqualsIgnoreCase": {"aws:PrincipalTag/t": "Dev"}},
            {"aws:PrincipalTag/t": "dEV"},
        )
        == "allowed"
    )
    assert (
        decide(
            {"StringNotEqualsIgnoreCase": {"aws:PrincipalTag/t": "Dev"}},
            {"aws:PrincipalTag/t": "dEV"},
        )
        == "implicitDeny"
    )
    assert (
        decide(
            {"StringNotEquals": {"aws:PrincipalTag/t": "Dev"}},
            {"aws:PrincipalTag/t": "Prod"},
        )
        == "allowed"
    )


def test_negated_operator_with_missing_key_is_true() -> None:
    # The operators page: if the key is absent and the operator is a negated one
    # (StringNotLike, ArnNotLike ...), the condition returns true.
    assert decide({"StringNotEquals": {"aws:PrincipalTag/t": "x"}}, {}) == "allowed"
    assert decide({"StringNotLike": {"aws:PrincipalTag/t": "x*"}}, {}) == "allowed"
    assert (
        decide({"ArnNotLike": {"aws:SourceArn": "arn:aws:sns:*:*:t"}}, {}) == "allowed"
    )
    assert decide({"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {}) == "allowed"


def test_string_like_home_folder_example() -> None:
    # "Policy variables": s3:prefix StringLike ["", "home/", "home/${aws:username}/"].
    cond = {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/*"]}}
    assert decide(cond, {"s3:prefix": "home/bob/photos"}) == "allowed"
    assert decide(cond, {"s3:prefix": ""}) == "allowed"
    assert decide(cond, {"s3:prefix": "home/alice/"}) == "implicitDeny"


def test_numeric_max_keys_example() -> None:
    # Operators page: NumericLessThanEquals s3:max-keys 10 limits ListBucket to 10 objects.
    cond = {"NumericLessThanEquals": {"s3:max-keys": "10"}}
    assert decide(cond, {"s3:max-keys": "10"}) == "allowed"
    assert decide(cond, {"s3:max-keys": "11"}) == "implicitDeny"
    assert decide(cond, {"s3:max-keys": "not-a-number"}) == "implicitDeny"
    assert (
        decide({"NumericNotEquals": {"k:n": ["1", "2.5"]}}, {"k:n": "2.5"})
        == "implicitDeny"
    )
    assert decide({"NumericGreaterThan": {"k:n": 3}}, {"k:n": "3.5"}) == "allowed"


def test_date_conditions_iso_and_epoch() -> None:
    # Operators page: DateGreaterThan aws:TokenIssueTime "2020-01-01T00:00:01Z".
    cond = {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}
    assert decide(cond, {"aws:TokenIssueTime": "2020-06-30T00:00:00Z"}) == "allowed"
    assert (
        decide(cond, {"aws:TokenIssueTime": "2019-12-31T23:59:59Z"}) == "implicitDeny"
    )
    assert (
        decide(cond, {"aws:TokenIssueTime": "1593475200"}) == "allowed"
    )  # epoch seconds
    window = {
        "DateGreaterThan": {"aws:CurrentTime": "2020-04-01T00:00:00Z"},
        "DateLessThan": {"aws:CurrentTime": "2020-06-30T23:59:59Z"},
    }
    assert decide(window, {"aws:CurrentTime": "2020-05-05T12:00:00Z"}) == "allowed"
    assert decide(window, {"aws:CurrentTime": "2020-07-01T00:00:00Z"}) == "implicitDeny"
    assert (
        decide(
            {"DateEquals": {"aws:CurrentTime": "1577836800"}},
            {"aws:CurrentTime": "2020-01-01T00:00:00Z"},
        )
        == "allowed"
    )


def test_bool_secure_transport() -> None:
    cond = {"Bool": {"aws:SecureTransport": "true"}}
    assert decide(cond, {"aws:SecureTransport": "true"}) == "allowed"
    assert decide(cond, {"aws:SecureTransport": "false"}) == "implicitDeny"
    assert decide(cond, {}) == "implicitDeny"


def test_mfa_bool_if_exists_deny_example() -> None:
    # Operators page / aws:MultiFactorAuthPresent: Deny with BoolIfExists "false" denies
    # long-term credentials (key absent) and sessions without MFA, allows MFA sessions.
    cond = {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
    assert decide(cond, {}, effect="Deny") == "explicitDeny"
    assert (
        decide(cond, {"aws:MultiFactorAuthPresent": "false"}, effect="Deny")
        == "explicitDeny"
    )
    assert (
        decide(cond, {"aws:MultiFactorAuthPresent": "true"}, effect="Deny") == "allowed"
    )


def test_binary_equals() -> None:
    cond = {"BinaryEquals": {"key:name": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}
    assert decide(cond, {"key:name": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}) == "allowed"
    assert decide(cond, {"key:name": "b3RoZXI="}) == "implicitDeny"


def test_binary_equals_with_bytes_that_are_not_utf_8() -> None:
    # `--context $'k=\xff'`: Python keeps the byte as a lone surrogate; it is the byte 0xff.
    cond = {"BinaryEquals": {"k": "/w=="}}  # base64 of b"\xff"
    assert decide(cond, {"k": b"\xff".decode("utf-8", "surrogateescape")}) == "allowed"
    assert decide(cond, {"k": "\ud800"}) == "implicitDeny"  # no traceback either


def test_ip_address_v4_and_v6() -> None:
    # Operators page: IpAddress 203.0.113.0/24 and the mixed IPv4/IPv6 example.
    cond = {
        "IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}
    }
    assert decide(cond, {"aws:SourceIp": "203.0.113.7"}) == "allowed"
    assert decide(cond, {"aws:SourceIp": "2001:db8:1234:5678::9"}) == "allowed"
    assert decide(cond, {"aws:SourceIp": "198.51.100.1"}) == "implicitDeny"
    assert decide(cond, {"aws:SourceIp": "not-an-ip"}) == "implicitDeny"
    assert (
        decide(
            {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
            {"aws:SourceIp": "198.51.100.1"},
        )
        == "allowed"
    )


def test_arn_like_source_arn() -> None:
    # Operators page: ArnLike aws:SourceArn for an SNS topic sending to an SQS queue.
    cond = {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:123456789012:TOPIC-*"}}
    assert (
        decide(cond, {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:TOPIC-ID"})
        == "allowed"
    )
    assert (
        decide(cond, {"aws:SourceArn": "arn:aws:sns:us-east-1:999999999999:TOPIC-ID"})
        == "implicitDeny"
    )
    # A wildcard in a header field does not run across ':'.
    assert (
        decide(
            {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:*:TOPIC"}},
            {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:TOPIC"},
        )
        == "implicitDeny"
    )


def test_null_condition() -> None:
    cond = {"Null": {"aws:TokenIssueTime": "true"}}
    assert decide(cond, {}) == "allowed"
    assert (
        decide(cond, {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"}) == "implicitDeny"
    )
    assert (
        decide({"Null": {"aws:TokenIssueTime": "false"}}, {"aws:TokenIssueTime": "x"})
        == "allowed"
    )


def test_for_all_values_tag_keys() -> None:
    # "Single-valued vs. multivalued context keys": ForAllValues is true when every request
    # value is in the list, and also when the key is missing or empty.
    cond = {
        "ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}
    }
    assert decide(cond, {"aws:TagKeys": ["environment"]}) == "allowed"
    assert decide(cond, {"aws:TagKeys": ["environment", "cost-center"]}) == "allowed"
    assert decide(cond, {"aws:TagKeys": ["environment", "owner"]}) == "implicitDeny"
    assert decide(cond, {}) == "allowed"
    assert decide(cond, {"aws:TagKeys": []}) == "allowed"


def test_for_any_value_tag_keys() -> None:
    cond = {"ForAnyValue:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}}
    assert decide(cond, {"aws:TagKeys": ["owner", "environment"]}) == "allowed"
    assert decide(cond, {"aws:TagKeys": ["owner"]}) == "implicitDeny"
    assert decide(cond, {}) == "implicitDeny"


def test_for_all_values_negated() -> None:
    cond = {"ForAllValues:StringNotEquals": {"aws:TagKeys": ["secret"]}}
    assert decide(cond, {"aws:TagKeys": ["a", "b"]}) == "allowed"
    assert decide(cond, {"aws:TagKeys": ["a", "secret"]}) == "implicitDeny"


def test_keys_and_operators_are_anded_values_ored() -> None:
    cond = {"StringEquals": {"k:a": ["1", "2"], "k:b": "x"}, "Bool": {"k:c": "true"}}
    assert decide(cond, {"k:a": "2", "k:b": "x", "k:c": "true"}) == "allowed"
    assert decide(cond, {"k:a": "3", "k:b": "x", "k:c": "true"}) == "implicitDeny"
    assert decide(cond, {"k:a": "1", "k:b": "x"}) == "implicitDeny"


def test_if_exists_passes_when_missing_and_checks_when_present() -> None:
    cond = {"StringEqualsIfExists": {"ec2:InstanceType": ["t2.micro", "t2.small"]}}
    assert decide(cond, {}) == "allowed"
    assert decide(cond, {"ec2:InstanceType": "t2.micro"}) == "allowed"
    assert decide(cond, {"ec2:InstanceType": "m5.large"}) == "implicitDeny"


def test_missing_context_is_reported() -> None:
    policy = parse_policy(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": {
                    "Effect": "Allow",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
                },
            }
        ),
        policy_id="p",
    )
    d = evaluate(Request(BOB, "ec2:RunInstances", "*", None, {}), PolicySet([policy]))
    assert d.decision == "implicitDeny" and d.missing_context == ["aws:RequestedRegion"]


@pytest.mark.parametrize("version", ["2008-10-17"])
def test_variables_are_literal_in_2008(version: str) -> None:
    cond = {"StringEquals": {"k:v": "${aws:username}"}}
    assert decide(cond, {"k:v": "bob"}, version=version) == "implicitDeny"
    assert decide(cond, {"k:v": "${aws:username}"}, version=version) == "allowed"
