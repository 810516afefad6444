"""Wildcard patterns match without backtracking over the ways to split a text among stars.

A plain regex translation (``a*a*...b`` -> ``a.*a.*...b``) took forever on a 30-star
Resource against a 60-character ARN: one policy of a few hundred bytes could hang
``simulate``. matching.py commits each star but the last to the leftmost place where the
text after it occurs; these tests check that this gives the same answers as a plain
dynamic-programming matcher, and that the pathological pattern now finishes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache

from hypothesis import example, given, settings
from hypothesis import strategies as st

from iamctl.core.policy import matching
from iamctl.core.policy.document import parse_policy
from iamctl.core.policy.evaluate import PolicySet, Principal, Request, evaluate


def reference(pattern: str, text: str, *, arn: bool, resource: bool) -> bool:
    """Glob by dynamic programming: '*' any run, '?' one character; in an ARN's five header
    fields neither crosses ':', except a '*' that ends a field of a Resource pattern."""
    tokens: list[tuple[str, str, bool]] = []  # (kind, char, may cross ':')
    colons = 0
    for i, ch in enumerate(pattern):
        in_header = arn and colons < 5
        if ch == ":":
            colons += 1
        if ch == "*":
            ends_field = i + 1 == len(pattern) or pattern[i + 1] == ":"
            tokens.append(("star", ch, not in_header or (resource and ends_field)))
        elif ch == "?":
            tokens.append(("one", ch, not in_header))
        else:
            tokens.append(("lit", ch, True))

    @cache
    def match(i: int, j: int) -> bool:
        if i == len(tokens):
            return j == len(text)
        kind, ch, cross = tokens[i]
        if kind == "star":
            if match(i + 1, j):
                return True
            return j < len(text) and (cross or text[j] != ":") and match(i, j + 1)
        if j == len(text):
            return False
        if kind == "one":
            return (cross or text[j] != ":") and match(i + 1, j + 1)
        return text[j] == ch and match(i + 1, j + 1)

    return match(0, 0)


alphabet = st.sampled_from(["a", "b", ":", "/", "*", "?"])
pattern_text = st.lists(alphabet, max_size=14).map("".join)
subject = st.lists(st.sampled_from(["a", "b", ":", "/"]), max_size=14).map("".join)


@settings(max_examples=3000, deadline=None)
@example("*:*a", "::a", (True, True))  # a spanning star then a field-bound one: the first may not commit
@example("*a:*", "a:a:", (True, False))
@given(pattern_text, subject, st.sampled_from([(False, False), (True, False), (True, True)]))
def test_same_answers_as_a_dynamic_programming_matcher(body: str, tail: str, mode: tuple[bool, bool]) -> None:
    arn, resource = mode
    # ARN patterns get a header so that fields are in play; texts share it half the time.
    pattern = ("arn:" + body) if arn else body
    text = ("arn:" + tail) if arn else tail
    got = matching.compile_wildcard(pattern, arn=arn, resource=resource).fullmatch(text) is not None
    assert got == reference(pattern, text, arn=arn, resource=resource), (pattern, text, mode)


def test_many_stars_against_a_long_arn_finish() -> None:
    # Before: this child process ran until killed (about 45 s of CPU in 60 s, unfinished).
    probe = """if True:
        import json
        from iamctl.core.policy.document import parse_policy
        from iamctl.core.policy.evaluate import PolicySet, Principal, Request, evaluate
        pattern = "arn:aws:s3:::" + "*a" * 30 + "b"
        doc = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": [pattern, "arn:aws:s3:::x*y*z"]},
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
             "Condition": {"StringLike": {"s3:prefix": "*a" * 30 + "b"}}}]}
        me = Principal("arn:aws:iam::123456789012:user/a", "123456789012", "User")
        ps = PolicySet([parse_policy(json.dumps(doc))])
        for resource in ("arn:aws:s3:::" + "a" * 60, "arn:aws:s3:::" + "a" * 60 + "b"):
            print(evaluate(Request(me, "s3:GetObject", resource, None, {}), ps).decision)
        print(evaluate(Request(me, "s3:ListBucket", "arn:aws:s3:::" + "a" * 60 + "b", None,
                               {"s3:prefix": "a" * 60}), ps).decision)
    """
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["implicitDeny", "allowed", "implicitDeny"], out.stderr


def test_many_stars_in_an_action_finish_in_validate_and_the_catalogue() -> None:
    # Before: each of these ran for minutes against the catalogue's action names.
    probe = """if True:
        import json
        from iamctl.core.policy import catalogue
        from iamctl.core.policy.validate import validate_policy
        action = "*:" + "*?" * 20 + "x"
        print(len(catalogue.actions_matching(action)))
        doc = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": [action, "iam:" + "*?" * 20 + "!"], "Resource": "*"}]}
        print(sorted({f.code for f in validate_policy(json.dumps(doc))}))
    """
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    lines = out.stdout.splitlines()
    assert len(lines) == 2, out.stderr
    assert int(lines[0]) >= 1  # e.g. s3:GetAccessGrantsInstanceForPrefix: 21+ characters ending in x
    assert lines[1].startswith("[")


def test_the_documented_patterns_keep_their_answers() -> None:
    me = Principal("arn:aws:iam::123456789012:user/a", "123456789012", "User")

    def allowed(pattern: str, resource: str) -> bool:
        doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": pattern}]}
        ps = PolicySet([parse_policy(json.dumps(doc))])
        return evaluate(Request(me, "s3:GetObject", resource, None, {}), ps).decision == "allowed"

    pattern = "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*"
    assert allowed(pattern, "arn:aws:s3:::amzn-s3-demo-bucket/1/2/test/3/object.jpg")
    assert allowed(pattern, "arn:aws:s3:::amzn-s3-demo-bucket/test/test/test/x")
    assert not allowed(pattern, "arn:aws:s3:::amzn-s3-demo-bucket/1/prod/object.jpg")
    assert allowed("arn:aws:sqs:us-*-1:*:q*ue*1", "arn:aws:sqs:us-east-1:111111111111:queue1")
    assert not allowed("arn:aws:sqs:us*1:*:q*ue*1", "arn:aws:sqs:us-east-1:111111111111:queue2")
