"""The examples of "IAM JSON policy elements: Condition operators" (IAM User Guide), each with
the sentence that decides it."""

from __future__ import annotations

import json

from iamctl.core.policy.document import parse_policy
from iamctl.core.policy.evaluate import PolicySet, Principal, Request, evaluate

ACCOUNT = "123456789012"
USER = Principal(f"arn:aws:iam::{ACCOUNT}:user/Ana", ACCOUNT, "User")


def decide(statements: list[dict] | dict, action: str, resource: str = "*", context: dict | None = None) -> str:
    body = {"Version": "2012-10-17", "Statement": statements}
    policy = parse_policy(json.dumps(body), policy_id="P")
    return evaluate(Request(USER, action, resource, None, context or {}), PolicySet([policy])).decision


ACCESS_KEYS = {"Effect": "Allow", "Action": "iam:*AccessKey*", "Resource": f"arn:aws:iam::{ACCOUNT}:user/*"}
KEY = f"arn:aws:iam::{ACCOUNT}:user/Ana"


def test_string_equals_principal_tag() -> None:
    # "If a user without the tag attempts to view or edit an access key, the condition
    # returns false and the request is implicitly denied by this statement."
    st = {**ACCESS_KEYS, "Condition": {"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}}}
    assert decide(st, "iam:CreateAccessKey", KEY, {"aws:PrincipalTag/job-category": "iamuser-admin"}) == "allowed"
    assert decide(st, "iam:CreateAccessKey", KEY, {"aws:PrincipalTag/job-category": "IAMUSER-ADMIN"}) == "implicitDeny"
    assert decide(st, "iam:CreateAccessKey", KEY) == "implicitDeny"


def test_string_like_home_directory_with_variable() -> None:
    # "The policy allows the specified actions on an S3 bucket as long as the s3:prefix
    # matches any one of the specified patterns."
    statements = [
        {"Effect": "Allow", "Action": ["s3:ListAllMyBuckets", "s3:GetBucketLocation"], "Resource": "arn:aws:s3:::*"},
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::BUCKET-NAME",
         "Condition": {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/"]}}},
        {"Effect": "Allow", "Action": "s3:*", "Resource": [
            "arn:aws:s3:::BUCKET-NAME/home/${aws:username}", "arn:aws:s3:::BUCKET-NAME/home/${aws:username}/*"]},
    ]
    bucket = "arn:aws:s3:::BUCKET-NAME"
    for prefix, expect in (("", "allowed"), ("home/", "allowed"), ("home/Ana/", "allowed"),
                           ("home/Bob/", "implicitDeny"), ("home/Ana/sub/", "implicitDeny")):
        assert decide(statements, "s3:ListBucket", bucket, {"s3:prefix": prefix}) == expect, prefix
    assert decide(statements, "s3:PutObject", bucket + "/home/Ana/cv.pdf") == "allowed"
    assert decide(statements, "s3:PutObject", bucket + "/home/Bob/cv.pdf") == "implicitDeny"
    assert decide(statements, "s3:ListAllMyBuckets", "arn:aws:s3:::any") == "allowed"


def test_numeric_less_than_equals_max_keys() -> None:
    # "the requester can list up to 10 objects in example_bucket at a time"
    st = {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::example_bucket",
          "Condition": {"NumericLessThanEquals": {"s3:max-keys": "10"}}}
    for keys, expect in (("10", "allowed"), ("3", "allowed"), ("11", "implicitDeny"), (None, "implicitDeny")):
        context = {} if keys is None else {"s3:max-keys": keys}
        assert decide(st, "s3:ListBucket", "arn:aws:s3:::example_bucket", context) == expect, keys


def test_date_greater_than_token_issue_time() -> None:
    # "The aws:TokenIssueTime key is present in the request context only when the principal
    # uses temporary credentials ... if an IAM user attempts to view or edit an access key,
    # the request is denied."
    st = {**ACCESS_KEYS, "Condition": {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}}
    assert decide(st, "iam:ListAccessKeys", KEY, {"aws:TokenIssueTime": "2020-06-01T12:00:00Z"}) == "allowed"
    assert decide(st, "iam:ListAccessKeys", KEY, {"aws:TokenIssueTime": "2019-12-31T23:59:59Z"}) == "implicitDeny"
    assert decide(st, "iam:ListAccessKeys", KEY) == "implicitDeny"


def test_bool_secure_transport_deny() -> None:
    # "deny all S3 actions on a bucket and its contents if the request is not over SSL";
    # "This policy does not allow any actions."
    statements = [
        {"Sid": "BooleanExample", "Action": "s3:*", "Effect": "Deny",
         "Resource": ["arn:aws:s3:::DOC-EXAMPLE-BUCKET", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    ]
    obj = "arn:aws:s3:::DOC-EXAMPLE-BUCKET/k"
    assert decide(statements, "s3:GetObject", obj, {"aws:SecureTransport": "false"}) == "explicitDeny"
    assert decide(statements, "s3:GetObject", obj, {"aws:SecureTransport": "true"}) == "implicitDeny"
    allow_too = [*statements, {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]
    assert decide(allow_too, "s3:GetObject", obj, {"aws:SecureTransport": "true"}) == "allowed"


def test_bool_with_a_policy_variable() -> None:
    # "You can use a policy variable with the Boolean condition operator."
    st = {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
          "Condition": {"Bool": {"aws:SecureTransport": "${aws:PrincipalTag/needs-tls}"}}}
    assert decide(st, "s3:GetObject", "*", {"aws:SecureTransport": "true", "aws:PrincipalTag/needs-tls": "TRUE"}) \
        == "allowed"
    assert decide(st, "s3:GetObject", "*", {"aws:SecureTransport": "false", "aws:PrincipalTag/needs-tls": "true"}) \
        == "implicitDeny"
    assert decide(st, "s3:GetObject", "*", {"aws:SecureTransport": "true"}) == "implicitDeny"


def test_binary_equals() -> None:
    # "It compares the value of the specified key byte for byte against a base-64 encoded
    # representation of the binary value in the policy."
    st = {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
          "Condition": {"BinaryEquals": {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}}
    assert decide(st, "s3:GetObject", "*", {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}) == "allowed"
    assert decide(st, "s3:GetObject", "*", {"key": "QmluYXJ5"}) == "implicitDeny"
    assert decide(st, "s3:GetObject", "*") == "implicitDeny"


def test_ip_address_ranges_ipv4_and_ipv6() -> None:
    # "the request must come from the IP range 203.0.113.0 to 203.0.113.255"
    st = {**ACCESS_KEYS, "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}
    assert decide(st, "iam:CreateAccessKey", KEY, {"aws:SourceIp": "203.0.113.255"}) == "allowed"
    assert decide(st, "iam:CreateAccessKey", KEY, {"aws:SourceIp": "203.0.114.0"}) == "implicitDeny"
    # "except when the requester uses a VPC endpoint ... the condition returns false"
    assert decide(st, "iam:CreateAccessKey", KEY) == "implicitDeny"
    # "how to mix IPv4 and IPv6 addresses to cover all of your organization's valid IP addresses"
    mixed = {"Effect": "Allow", "Action": "someservice:*", "Resource": "*",
             "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}}}
    assert decide(mixed, "someservice:Do", "*", {"aws:SourceIp": "2001:db8:1234:5678::99"}) == "allowed"
    assert decide(mixed, "someservice:Do", "*", {"aws:SourceIp": "2001:db8:1234:5679::1"}) == "implicitDeny"
    assert decide(mixed, "someservice:Do", "*", {"aws:SourceIp": "203.0.113.7"}) == "allowed"
    # "If you specify an IP address without the associated routing prefix, IAM uses the
    # default prefix value of /32."
    one = {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
           "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.5"}}}
    assert decide(one, "s3:GetObject", "*", {"aws:SourceIp": "203.0.113.5"}) == "allowed"
    assert decide(one, "s3:GetObject", "*", {"aws:SourceIp": "203.0.113.6"}) == "implicitDeny"


def test_string_like_matches_across_colons_where_arn_like_does_not() -> None:
    # "With a StringLike condition, the match succeeds. ... With an ArnLike condition, which
    # matches elements between colons, the match fails."
    pattern = "arn:aws:someservice:*:111122223333:finance/*"
    value = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
    for op, expect in (("StringLike", "allowed"), ("ArnLike", "implicitDeny"), ("ArnEquals", "implicitDeny")):
        st = {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {op: {"aws:SourceArn": pattern}}}
        assert decide(st, "s3:GetObject", "*", {"aws:SourceArn": value}) == expect, op


def test_arn_equals_source_arn() -> None:
    # "If an IAM user attempts to perform this operation directly, the condition returns
    # false and the request is implicitly denied by this statement."
    st = {"Effect": "Allow", "Action": "SQS:SendMessage", "Resource": f"arn:aws:sqs:us-east-1:{ACCOUNT}:QUEUE-ID",
          "Condition": {"ArnEquals": {"aws:SourceArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:TOPIC-ID"}}}
    queue = f"arn:aws:sqs:us-east-1:{ACCOUNT}:QUEUE-ID"
    topic = {"aws:SourceArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:TOPIC-ID"}
    assert decide(st, "sqs:SendMessage", queue, topic) == "allowed"
    assert decide(st, "sqs:SendMessage", queue) == "implicitDeny"


def test_negated_operator_with_the_key_missing_is_true() -> None:
    # "If the policy condition requires that the key is not matched, such as StringNotLike
    # or ArnNotLike, and the right key is not present, the condition is true."
    for op in ("StringNotLike", "ArnNotLike", "StringNotEquals", "NotIpAddress", "NumericNotEquals"):
        value = {"NotIpAddress": "10.0.0.0/8", "NumericNotEquals": "5"}.get(op, "arn:aws:s3:::x")
        st = {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {op: {"aws:SourceArn": value}}}
        assert decide(st, "s3:GetObject") == "allowed", op


def test_if_exists_instance_type() -> None:
    # "These additional resources do not have the ec2:InstanceType condition key, so the
    # StringLike check fails, and the user is not granted the ability to launch any instance
    # type. To address this, use the StringLikeIfExists condition operator instead."
    types = ["t1.*", "t2.*", "m3.*"]
    broken = {"Sid": "THISPOLICYDOESNOTWORK", "Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*",
              "Condition": {"StringLike": {"ec2:InstanceType": types}}}
    fixed = {**broken, "Sid": "RunInstance", "Condition": {"StringLikeIfExists": {"ec2:InstanceType": types}}}
    image = "arn:aws:ec2:us-east-1::image/ami-1"
    instance = f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/*"
    assert decide(broken, "ec2:RunInstances", image) == "implicitDeny"
    assert decide(fixed, "ec2:RunInstances", image) == "allowed"
    assert decide(fixed, "ec2:RunInstances", instance, {"ec2:InstanceType": "t2.micro"}) == "allowed"
    assert decide(fixed, "ec2:RunInstances", instance, {"ec2:InstanceType": "m5.large"}) == "implicitDeny"


def test_deny_with_negated_if_exists_still_denies_when_the_key_is_missing() -> None:
    # "If you are using an "Effect": "Deny" element with a negated condition operator like
    # StringNotEqualsIfExists, the request is still denied even if the tag is missing."
    statements = [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "ec2:*", "Resource": "*",
         "Condition": {"StringNotEqualsIfExists": {"aws:ResourceTag/env": "dev"}}},
    ]
    assert decide(statements, "ec2:StopInstances") == "explicitDeny"
    assert decide(statements, "ec2:StopInstances", "*", {"aws:ResourceTag/env": "prod"}) == "explicitDeny"
    assert decide(statements, "ec2:StopInstances", "*", {"aws:ResourceTag/env": "dev"}) == "allowed"


def test_null_token_issue_time() -> None:
    # "the user must not be using temporary credentials (the key must not exist) for the
    # user to use the Amazon EC2 API."
    st = {"Action": "ec2:*", "Effect": "Allow", "Resource": "*", "Condition": {"Null": {"aws:TokenIssueTime": "true"}}}
    assert decide(st, "ec2:DescribeInstances") == "allowed"
    assert decide(st, "ec2:DescribeInstances", "*", {"aws:TokenIssueTime": "2024-01-01T00:00:00Z"}) == "implicitDeny"
