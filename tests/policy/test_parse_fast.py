"""parse_policy reads documents with the standard library's json and finds positions only when
needed; it must give exactly what the position-recording reader gives (the 0.2.0 way, kept as
``parse_with_positions``): the same statements at the same lines and columns, the same error
messages, the same decisions and explanations."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iamctl.core import managed
from iamctl.core.errors import IamError
from iamctl.core.policy.document import parse_policy, parse_with_positions
from iamctl.core.policy.evaluate import PolicySet, Principal, Request, evaluate
from tests.policy.test_properties import json_value

BASE = """{
  "Version": "2012-10-17",
  "Id": "doc",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": ["s3:Get*", "s3:List*"],
     "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/${aws:username}/*"],
     "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8"]},
                   "StringEquals": {"aws:PrincipalTag/team": "blue"}}},
    {"Effect": "Deny", "NotAction": "iam:*", "NotResource": "arn:aws:iam::*:user/x",
     "Condition": {"Bool": {"aws:SecureTransport": false}, "NumericLessThan": {"s3:max-keys": 10}}}
  ]
}"""
RESOURCE = """{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
  "Principal": {"AWS": ["111122223333", "arn:aws:iam::111122223333:user/bob"]},
  "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:111122223333:q"}}"""


def outcome(parse, text: str, kind: str) -> object:
    """What a parser makes of ``text``: the policy's parts, or the error it raises."""
    try:
        policy = parse(text, kind=kind, policy_id="P")
    except IamError as exc:
        return ("error", exc.code, exc.message)
    return ("ok", policy.version, policy.doc_id, policy.kind, policy.statements)


def same(text: str, kind: str = "identity") -> None:
    fast, slow = outcome(parse_policy, text, kind), outcome(parse_with_positions, text, kind)
    assert fast == slow, text
    if fast[0] == "ok":
        # Equality compared the statements' positions; show them resolved too.
        assert [(s.start.line, s.start.column, s.end.line, s.end.column) for s in fast[4]] == [
            (s.start.line, s.start.column, s.end.line, s.end.column) for s in slow[4]
        ]


def test_every_shipped_aws_managed_policy_parses_the_same() -> None:
    count = 0
    for policy in managed.iter_all():
        same(policy.document)
        count += 1
    assert count > 1000


@pytest.mark.parametrize("text,kind", [(BASE, "identity"), (RESOURCE, "resource")])
def test_every_one_character_edit_gives_the_same_answer(text: str, kind: str) -> None:
    # Deleting a character, or putting a JSON-significant one in its place, at every offset:
    # syntax errors, wrong types, unknown elements ... all must read the same both ways.
    for i in range(len(text)):
        same(text[:i] + text[i + 1 :], kind)
        for ch in '"{}[],:0':
            same(text[:i] + ch + text[i + 1 :], kind)


@pytest.mark.parametrize(
    "text",
    [
        '{"Version": "2012-10-17", "Version": "2012-10-17", "Statement": []}',
        '{"Statement": [{"Effect": "Allow", "Effect": "Deny", "Action": "*", "Resource": "*"}]}',
        '{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",'
        ' "Condition": {"StringEquals": {"a:b": "1", "a:b": "2"}}}}',
        '{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",'
        ' "Condition": {"NumericEquals": {"a:b": NaN}}}}',
        '{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",'
        ' "Condition": {"NumericEquals": {"a:b": -Infinity}}}}',
        '{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",'
        ' "Condition": {"NumericEquals": {"a:b": [1e400, -0, 12.50]}}}}',
        '\ufeff{"Statement": []}',
        '{"Statement": []} {}',
        '{"Statement": []}\n\n',
        "[" * 100 + "]" * 100,
        '{"Id": ' + "[" * 5000 + "]" * 5000 + ', "Statement": []}',
        '{"Statement": {"Effect": "Allow", "Action": "s3:\\u0047et*", "Resource": "arn:aws:s3:::\\ud83d\\ude00"}}',
        '{"Statement": {"Effect": "Allow", "Action": "s3:Get\u0001", "Resource": "*"}}',
        '{"Statement": {"Effect": "Allow", "Action": "s3:Get\\x", "Resource": "*"}}',
        '{"Statement": [{"Sid": "a", "Effect": "Allow", "Action": "*", "Resource": "*"},'
        '\n {"Sid": "a", "Effect": "Deny", "Action": "*", "Resource": "*"}]}',
        "{\r\n\t\"Statement\" :\r\n [ { \"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\" } ] }",
        "42",
        '"text"',
        "{",
    ],
)
def test_documents_json_and_the_position_reader_could_read_differently(text: str) -> None:
    same(text)


def test_positions_are_found_only_when_asked() -> None:
    policy = parse_policy(BASE)
    first = policy.statements[0]
    assert first.start._finder is not None  # not worked out yet
    assert (first.start.line, first.start.column) == (5, 5)
    assert (first.end.line, first.end.column) == (8, 70)
    assert first.start._finder is None


def test_decisions_and_explanations_are_the_same() -> None:
    user = Principal("arn:aws:iam::123456789012:user/alice", "123456789012", "User", user_id="AIDA1")
    context = {"aws:SourceIp": ["10.1.2.3"], "aws:PrincipalTag/team": ["blue"], "aws:SecureTransport": ["true"]}
    requests = [
        Request(user, action, resource, None, context)
        for action in ("s3:GetObject", "s3:ListBucket", "iam:CreateUser", "ec2:RunInstances")
        for resource in ("arn:aws:s3:::b", "arn:aws:s3:::b/alice/k", "arn:aws:iam::1:user/x", "*")
    ]
    docs = [BASE, *(p.document for p in list(managed.iter_all())[:40])]

    def decide(parse) -> list[tuple]:
        policies = PolicySet([parse(d, kind="identity", policy_id=f"P{i}") for i, d in enumerate(docs)])
        out = []
        for r in requests:
            d = evaluate(r, policies)
            out.append((d.decision, d.explanation, d.missing_context, d.denied_by,
                        [(m.policy_id, m.statement_index, m.start.line, m.start.column, m.end.line,
                          m.end.column) for m in d.matched]))
        return out

    assert decide(parse_policy) == decide(parse_with_positions)
    assert json.dumps(decide(parse_policy)).count("allowed") > 0


@settings(max_examples=300, deadline=None)
@given(json_value, st.sampled_from(["identity", "resource", "trust", "scp", "session", "boundary"]))
def test_generated_documents_read_the_same(value: object, kind: str) -> None:
    same(json.dumps(value, indent=1), kind)
