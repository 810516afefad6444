"""Parsing and structural checks; every rejection must be MalformedPolicyDocument and say where."""

from __future__ import annotations

import re

import pytest

from iamctl.core.errors import IamError
from iamctl.core.policy.document import Position, parse_policy

WHERE = re.compile(r"\(line \d+, column \d+\)\.$")


def rejects(text: str, *words: str, kind: str = "identity") -> str:
    with pytest.raises(IamError) as info:
        parse_policy(text, kind=kind)
    err = info.value
    assert err.code == "MalformedPolicyDocument"
    assert "\n" not in err.message
    for word in words:
        assert word in err.message, err.message
    return err.message


def test_parses_statement_positions() -> None:
    text = (
        '{\n  "Version": "2012-10-17",\n  "Statement": [\n'
        '    {"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},\n'
        '    {"Effect": "Deny", "Action": ["s3:*"], "Resource": "arn:aws:s3:::b"}\n  ]\n}'
    )
    policy = parse_policy(text, policy_id="P")
    first, second = policy.statements
    assert first.start == Position(4, 5) and first.end.line == 4
    assert second.start == Position(5, 5)
    assert first.sid == "A" and second.sid is None
    assert first.actions == ("s3:GetObject",) and second.resources == (
        "arn:aws:s3:::b",
    )
    assert policy.version == "2012-10-17" and policy.id == "P"


def test_effect_message_matches_the_documented_shape() -> None:
    text = (
        '{"Version": "2012-10-17", "Statement": [\n'
        ' {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},\n'
        ' {"Sid": "Bad",\n'
        '  "Effect": "Permit", "Action": "s3:*", "Resource": "*"}]}'
    )
    msg = rejects(text)
    assert (
        msg
        == 'Statement 2 (Sid "Bad"): Effect must be "Allow" or "Deny", not "Permit" (line 4, column 13).'
    )


def test_single_statement_object_is_accepted() -> None:
    p = parse_policy(
        '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}'
    )
    assert len(p.statements) == 1


def test_missing_version_means_2008() -> None:
    # "IAM JSON policy elements: Version": without Version, policy variables are literal text.
    p = parse_policy('{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}')
    assert p.version == "2008-10-17"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"Version": "2012-10-17", "Statement": [}', ["Syntax error", "line 1"]),
        ("[1, 2]", ["JSON object"]),
        ('"just a string"', ["JSON object"]),
        ('{"Version": "2012-10-18", "Statement": []}', ["Version", "2012-10-18"]),
        ('{"Version": "2012-10-17"}', ['"Statement"']),
        ('{"Version": "2012-10-17", "Statement": [], "Extra": 1}', ['"Extra"']),
        ('{"Statement": [{"Action": "s3:*", "Resource": "*"}]}', ['"Effect"']),
        (
            '{"Statement": [{"Effect": "Allow", "Resource": "*"}]}',
            ["Action", "NotAction"],
        ),
        (
            '{"Statement": [{"Effect": "Allow", "Action": "s3:*", "NotAction": "s3:x", "Resource": "*"}]}',
            ["both Action and NotAction"],
        ),
        ('{"Statement": [{"Effect": "Allow", "Action": "s3:*"}]}', ["Resource"]),
        (
            '{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "NotResource": "*"}]}',
            ["both Resource and NotResource"],
        ),
        (
            '{"Statement": [{"Effect": "Allow", "Action": 3, "Resource": "*"}]}',
            ["Action must be a string"],
        ),
        (
            '{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Foo": 1}]}',
            ['"Foo"'],
        ),
        (
            '{"Statement": [{"Effect": "Allow", "Action": "GetObject", "Resource": "*"}]}',
            ["vendor"],
        ),
        (
            '{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "bucket"}]}',
            ["ARN format"],
        ),
        (
            '{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Principal": "*"}]}',
            ["Policy document should not specify a principal"],
        ),
        (
            (
                '{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",'
                ' "Condition": {"StringEqualz": {"a:b": "c"}}}]}'
            ),
            ["StringEqualz"],
        ),
        (
            (
                '{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",'
                ' "Condition": {"NullIfExists": {"a:b": "true"}}}]}'
            ),
            ["NullIfExists"],
        ),
        (
            (
                '{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",'
                ' "Condition": {"NumericLessThan": {"s3:max-keys": "ten"}}}]}'
            ),
            ["ten"],
        ),
        (
            (
                '{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",'
                ' "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/99"}}}]}'
            ),
            ["203.0.113.0/99"],
        ),
        (
            '{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}], "Statement": []}',
            ['duplicate element "Statement"'],
        ),
        (
            (
                '{"Statement": [{"Sid": "X", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},'
                ' {"Sid": "X", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}'
            ),
            ["unique"],
        ),
        (
            '{"Statement": [{"Effect": "Allow", "Action": [], "Resource": "*"}]}',
            ["empty"],
        ),
        ('{"Statement": ["nope"]}', ["JSON object"]),
        ('{"Statement": 7}', ["Statement must be"]),
    ],
)
def test_malformed_identity_documents(text: str, words: list[str]) -> None:
    assert WHERE.search(rejects(text, *words))


def test_invalid_json_reports_line_and_column() -> None:
    msg = rejects(
        '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect" "Allow"}\n  ]\n}'
    )
    assert "(line 4, column 15)" in msg


def test_truncated_document() -> None:
    rejects(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow"', "Syntax error"
    )
    rejects("{", "end of document")
    rejects("   ", "empty")


def test_resource_policy_needs_principal() -> None:
    msg = rejects(
        '{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}',
        "Principal",
        kind="resource",
    )
    assert WHERE.search(msg)


def test_principal_wildcards_only_alone() -> None:
    rejects(
        '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/*"},'
        ' "Action": "s3:*", "Resource": "*"}]}',
        "Invalid principal",
        kind="resource",
    )


def test_trust_policy_prohibits_resource() -> None:
    rejects(
        '{"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},'
        ' "Action": "sts:AssumeRole", "Resource": "*"}]}',
        "prohibited field Resource",
        kind="trust",
    )
    p = parse_policy(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal":'
        ' {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}',
        kind="trust",
    )
    assert p.statements[0].principals == {"Service": ("ec2.amazonaws.com",)}


def test_principal_normalization() -> None:
    p = parse_policy(
        '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"},'
        '{"Effect": "Allow", "Principal": {"AWS": ["111122223333", "arn:aws:iam::444455556666:user/a"]},'
        ' "Action": "s3:*", "Resource": "*"}]}',
        kind="resource",
    )
    assert p.statements[0].principals == {"AWS": ("*",)}
    assert p.statements[1].principals == {
        "AWS": ("arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:user/a")
    }


def test_size_excludes_whitespace() -> None:
    body = '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}'
    size = sum(1 for c in body if not c.isspace())
    parse_policy(body + "\n" * 5000, max_size=size)
    with pytest.raises(IamError) as info:
        parse_policy(body, max_size=size - 1)
    # AWS answers an oversized document with LimitExceeded (quota PolicySize).
    assert info.value.code == "LimitExceeded" and str(size - 1) in info.value.message


def test_condition_values_are_typed() -> None:
    p = parse_policy(
        '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",'
        ' "Condition": {"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*", "b"]},'
        ' "NumericLessThanEquals": {"s3:max-keys": 10}, "Bool": {"aws:SecureTransport": true}}}}'
    )
    c1, c2, c3 = p.statements[0].conditions
    assert (c1.operator, c1.qualifier, c1.if_exists, c1.values) == (
        "StringLike",
        "ForAnyValue",
        True,
        ("a*", "b"),
    )
    assert c2.typed == (10.0,) and c3.values == ("true",)


@pytest.mark.parametrize("text", ["1\uaa50", "{\"Version\": 1\u0663}", "[\u0661]"])
def test_a_number_with_unicode_digits_is_a_syntax_error_with_a_position(text: str) -> None:
    # A digit that is not ASCII (Cham, Arabic-Indic) is not JSON; the position-recording
    # reader once took it for part of a number and leaked json's own JSONDecodeError.
    with pytest.raises(IamError) as err:
        parse_policy(text)
    assert err.value.code == "MalformedPolicyDocument"
    assert re.search(r"\(line 1, column \d+\)", err.value.message)
