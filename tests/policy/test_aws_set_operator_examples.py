"""The examples of "Creating a condition that tests multiple key values (set operations)" (IAM
User Guide), each with the sentence that decides it. The guide writes the actions as "GetItem"
and "PutItem"; IAM requires the service prefix, so they are dynamodb:GetItem / PutItem here."""

from __future__ import annotations

import json

from iamctl.core.policy.document import parse_policy
from iamctl.core.policy.evaluate import PolicySet, Principal, Request, evaluate

ACCOUNT = "123456789012"
USER = Principal(f"arn:aws:iam::{ACCOUNT}:user/Ana", ACCOUNT, "User")
TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Thread"
ONLY_SOME = {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": TABLE,
             "Condition": {"ForAllValues:StringLike": {"dynamodb:requestedAttributes": [
                 "PostDateTime", "Message", "Tags"]}}}
FORBIDDEN = {"Effect": "Deny", "Action": "dynamodb:PutItem", "Resource": TABLE,
             "Condition": {"ForAnyValue:StringLike": {"dynamodb:requestedAttributes": ["ID", "PostDateTime"]}}}
ALLOW_ALL = {"Effect": "Allow", "Action": "*", "Resource": "*"}


def decide(statements: list[dict], action: str, attributes: list[str] | None) -> str:
    body = {"Version": "2012-10-17", "Statement": statements}
    context = {} if attributes is None else {"dynamodb:requestedAttributes": attributes}
    policies = PolicySet([parse_policy(json.dumps(body), policy_id="P")])
    return evaluate(Request(USER, action, TABLE, None, context), policies).decision


def test_for_all_values_allows_only_listed_attributes() -> None:
    # "If the user makes a request to DynamoDB to get the attributes PostDateTime and Message
    # from the Threads table, the request is allowed ... if the user's request includes the
    # ID attribute, the request fails"
    assert decide([ONLY_SOME], "dynamodb:GetItem", ["PostDateTime", "Message"]) == "allowed"
    assert decide([ONLY_SOME], "dynamodb:GetItem", ["PostDateTime", "ID"]) == "implicitDeny"
    # "There's no match for UserName, so the condition operator returns false"
    assert decide([ONLY_SOME], "dynamodb:GetItem", ["PostDateTime", "UserName"]) == "implicitDeny"


def test_for_any_value_denies_a_forbidden_attribute() -> None:
    # "there is one match (PostDateTime), so the condition is true ... the request is denied"
    assert decide([ALLOW_ALL, FORBIDDEN], "dynamodb:PutItem", ["PostDateTime", "Message"]) == "explicitDeny"
    assert decide([ALLOW_ALL, FORBIDDEN], "dynamodb:PutItem", ["UserName", "Message", "PostDateTime"]) \
        == "explicitDeny"
    # "None of the attributes in the request ... match ... the request is not denied by this
    # policy ... it must be explicitly allowed by a different policy"
    assert decide([FORBIDDEN], "dynamodb:PutItem", ["UserName"]) == "implicitDeny"
    assert decide([ALLOW_ALL, FORBIDDEN], "dynamodb:PutItem", ["UserName"]) == "allowed"


def test_empty_data_set() -> None:
    # "If the key values in the request resolve to an empty data set (for example, an empty
    # string), a condition operator modified by ForAllValues returns true, and a condition
    # operator modified by ForAnyValue returns false."
    for empty in ([], [""], None):
        assert decide([ONLY_SOME], "dynamodb:GetItem", empty) == "allowed", empty
        assert decide([ALLOW_ALL, FORBIDDEN], "dynamodb:PutItem", empty) == "allowed", empty


# "Multivalued context key examples" (IAM User Guide), with aws:TagKeys.
TAG_USER = f"arn:aws:iam::{ACCOUNT}:user/Ana"


def tagging(statement: dict, action: str, tag_keys: list[str] | None) -> str:
    body = {"Version": "2012-10-17", "Statement": [ALLOW_ALL, statement]}
    context = {} if tag_keys is None else {"aws:TagKeys": tag_keys}
    policies = PolicySet([parse_policy(json.dumps(body), policy_id="P")])
    return evaluate(Request(USER, action, TAG_USER, None, context), policies).decision


def test_deny_restricted_tags_with_null_check() -> None:
    # "In order for context key aws:TagKeys to return true, every value in the request must
    # match at least one value in the policy."
    deny = {"Sid": "DenyRestrictedTags", "Effect": "Deny", "Action": ["iam:Tag*", "iam:UnTag*"], "Resource": ["*"],
            "Condition": {"Null": {"aws:TagKeys": "false"},
                          "ForAllValues:StringLike": {"aws:TagKeys": ["key1*", "key2*", "key3*"]}}}
    assert tagging(deny, "iam:TagUser", ["key1-a", "key3"]) == "explicitDeny"
    assert tagging(deny, "iam:TagUser", ["key1-a", "other"]) == "allowed"
    # "The ForAllValues set operator also returns true if there are no context keys in the
    # request, or if the context key value resolves to a null dataset, such as an empty string.
    # To prevent missing context keys or context keys with empty values from evaluating to
    # true, include the Null condition operator in your policy with a value of false to check
    # if the context key in the request exists and its value is not null."
    for empty in (None, [], [""]):
        assert tagging(deny, "iam:TagUser", empty) == "allowed", empty
    without_null = {**deny, "Condition": {"ForAllValues:StringLike": deny["Condition"]["ForAllValues:StringLike"]}}
    for empty in (None, [], [""]):
        assert tagging(without_null, "iam:TagUser", empty) == "explicitDeny", empty


def test_deny_unless_every_tag_key_has_the_prefix() -> None:
    # "the policy denies requests where the values for aws:TagKeys in the request do not
    # include the prefix key1 ... all the tag key values in the request context must start
    # with the prefix key1."
    deny = {"Sid": "DenyRestrictedTags", "Effect": "Deny", "Action": ["iam:Tag*", "iam:UnTag*"], "Resource": ["*"],
            "Condition": {"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}}
    assert tagging(deny, "iam:TagUser", ["key1-a"]) == "allowed"
    assert tagging(deny, "iam:TagUser", ["key2"]) == "explicitDeny"
    assert tagging(deny, "iam:TagUser", ["key1", "key2"]) == "allowed"
    assert tagging(deny, "iam:TagUser", None) == "explicitDeny"  # no keys: ForAllValues is true


def test_deny_snapshot_when_any_tag_key_is_listed() -> None:
    # "denies creating snapshots of EC2 instance volumes if any snapshots are tagged with one
    # of the tag keys specified in the policy, environment or webserver."
    deny = {"Effect": "Deny", "Action": "ec2:CreateSnapshot", "Resource": "*",
            "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["webserver", "environment"]}}}
    assert tagging(deny, "ec2:CreateSnapshot", ["webserver"]) == "explicitDeny"
    assert tagging(deny, "ec2:CreateSnapshot", ["environment", "team"]) == "explicitDeny"
    assert tagging(deny, "ec2:CreateSnapshot", ["team"]) == "allowed"
    assert tagging(deny, "ec2:CreateSnapshot", None) == "allowed"
