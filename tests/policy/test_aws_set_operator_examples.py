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
