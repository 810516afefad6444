"""Properties of the evaluator and the parser, checked with hypothesis."""

from __future__ import annotations

import contextlib
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iamctl.core.errors import IamError
from iamctl.core.policy.document import Policy, parse_policy
from iamctl.core.policy.evaluate import PolicySet, Principal, Request, evaluate

A = "111122223333"
PRINCIPALS = [
    Principal(f"arn:aws:iam::{A}:user/bob", A, "User"),
    Principal(
        f"arn:aws:sts::{A}:assumed-role/R/s",
        A,
        "AssumedRole",
        role_arn=f"arn:aws:iam::{A}:role/R",
    ),
    Principal("arn:aws:iam::444455556666:user/eve", "444455556666", "User"),
]
ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "ec2:RunInstances",
    "iam:CreateUser",
    "aws-portal:ViewBilling",
]
RESOURCES = ["arn:aws:s3:::b/k", "arn:aws:s3:::c/k", "*", f"arn:aws:iam::{A}:user/bob"]

action_pattern = st.sampled_from(
    ["*", "s3:*", "s3:Get*", "s3:GetObject", "ec2:*", "iam:Create?ser", "*:*Object"]
)
resource_pattern = st.sampled_from(
    [
        "*",
        "arn:aws:s3:::b/*",
        "arn:aws:s3:::*",
        "arn:aws:s3:::c/${aws:username}",
        "arn:aws:iam::*:user/*",
    ]
)
condition = st.sampled_from(
    [
        None,
        {"Bool": {"aws:SecureTransport": "true"}},
        {"StringEquals": {"aws:PrincipalTag/team": "blue"}},
        {"StringNotEquals": {"aws:PrincipalTag/team": "red"}},
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}},
        {"ForAnyValue:StringLike": {"aws:TagKeys": ["a*"]}},
    ]
)


@st.composite
def statement(
    draw: st.DrawFn, effect: str | None = None, principal: bool = False
) -> dict:
    out: dict = {
        "Effect": effect or draw(st.sampled_from(["Allow", "Deny"])),
        draw(st.sampled_from(["Action", "NotAction"])): draw(
            st.lists(action_pattern, min_size=1, max_size=3)
        ),
        draw(st.sampled_from(["Resource", "NotResource"])): draw(
            st.lists(resource_pattern, min_size=1, max_size=2)
        ),
    }
    if principal:
        out["Principal"] = draw(
            st.sampled_from(
                [
                    "*",
                    {"AWS": A},
                    {"AWS": PRINCIPALS[0].arn},
                    {"AWS": f"arn:aws:iam::{A}:role/R"},
                    {"AWS": "arn:aws:iam::444455556666:root"},
                ]
            )
        )
    cond = draw(condition)
    if cond:
        out["Condition"] = cond
    return out


def doc(statements: list[dict]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


@st.composite
def scenario(
    draw: st.DrawFn,
) -> tuple[list[list[dict]], list[dict] | None, list[dict] | None, Request]:
    identity = draw(st.lists(st.lists(statement(), min_size=1, max_size=3), max_size=3))
    boundary = draw(st.none() | st.lists(statement(), min_size=1, max_size=2))
    resource = draw(
        st.none() | st.lists(statement(principal=True), min_size=1, max_size=2)
    )
    ctx = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "aws:SecureTransport": st.sampled_from(["true", "false"]),
                "aws:PrincipalTag/team": st.sampled_from(["blue", "red"]),
                "aws:SourceIp": st.sampled_from(["203.0.113.5", "198.51.100.1"]),
                "aws:TagKeys": st.lists(st.sampled_from(["a", "b", "c"]), max_size=3),
            },
        )
    )
    request = Request(
        draw(st.sampled_from(PRINCIPALS)),
        draw(st.sampled_from(ACTIONS)),
        draw(st.sampled_from(RESOURCES)),
        draw(st.sampled_from([None, A])),
        ctx,
    )
    return identity, boundary, resource, request


def build(
    identity: list[list[dict]],
    boundary: list[dict] | None,
    resource: list[dict] | None,
    billing: bool = True,
) -> PolicySet:
    return PolicySet(
        identity=[
            parse_policy(doc(s), policy_id=f"id{i}") for i, s in enumerate(identity)
        ],
        boundary=parse_policy(doc(boundary), kind="boundary", policy_id="b")
        if boundary
        else None,
        resource=parse_policy(doc(resource), kind="resource", policy_id="r")
        if resource
        else None,
        billing_access=billing,
    )


FAST = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@FAST
@given(
    scenario(),
    statement(effect="Deny"),
    st.sampled_from(["identity", "boundary", "resource"]),
)
def test_adding_a_deny_never_allows(sc: tuple, extra: dict, where: str) -> None:
    identity, boundary, resource, request = sc
    before = evaluate(request, build(identity, boundary, resource)).decision
    if where == "identity":
        identity = [*identity, [extra]]
    elif where == "boundary":
        boundary = [
            *(boundary or [{"Effect": "Allow", "Action": "*", "Resource": "*"}]),
            extra,
        ]
    else:
        resource = [*(resource or []), {**extra, "Principal": "*"}]
    after = evaluate(request, build(identity, boundary, resource)).decision
    if before != "allowed":
        assert after != "allowed"


@FAST
@given(scenario(), statement(effect="Allow"))
def test_adding_an_identity_allow_never_denies(sc: tuple, extra: dict) -> None:
    identity, boundary, resource, request = sc
    before = evaluate(request, build(identity, boundary, resource)).decision
    after = evaluate(request, build([*identity, [extra]], boundary, resource)).decision
    if before == "allowed":
        assert after == "allowed"


@FAST
@given(scenario(), st.randoms(use_true_random=False))
def test_order_of_statements_and_policies_does_not_matter(sc: tuple, rnd) -> None:
    identity, boundary, resource, request = sc
    before = evaluate(request, build(identity, boundary, resource)).decision
    shuffled = [rnd.sample(s, len(s)) for s in identity]
    rnd.shuffle(shuffled)
    boundary2 = rnd.sample(boundary, len(boundary)) if boundary else boundary
    resource2 = rnd.sample(resource, len(resource)) if resource else resource
    assert evaluate(request, build(shuffled, boundary2, resource2)).decision == before


json_value = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | st.sampled_from(
        [
            "*",
            "Allow",
            "Deny",
            "s3:*",
            "arn:aws:s3:::b",
            "2012-10-17",
            "${aws:username}",
        ]
    ),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "Version",
                    "Statement",
                    "Effect",
                    "Action",
                    "NotAction",
                    "Resource",
                    "NotResource",
                    "Principal",
                    "NotPrincipal",
                    "Condition",
                    "Sid",
                    "AWS",
                    "StringEquals",
                    "Bool",
                    "ForAllValues:StringLike",
                    "IpAddress",
                    "NumericLessThan",
                    "aws:SourceIp",
                    "x",
                ]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(
    json_value,
    st.sampled_from(["identity", "resource", "trust", "scp", "session", "boundary"]),
)
def test_parser_and_evaluator_raise_only_iam_errors(value: object, kind: str) -> None:
    text = json.dumps(value)
    try:
        policy = parse_policy(text, kind=kind, max_size=500)
    except IamError:
        return
    evaluate_all(policy)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_raises_only_iam_errors(text: str) -> None:
    with contextlib.suppress(IamError):
        evaluate_all(parse_policy(text))


def evaluate_all(policy: Policy) -> None:
    ps = (
        PolicySet([policy])
        if policy.kind in ("identity",)
        else PolicySet([], resource=policy)
    )
    if policy.kind == "boundary":
        ps = PolicySet([], boundary=policy)
    for principal in PRINCIPALS:
        for action in ACTIONS[:3]:
            evaluate(
                Request(
                    principal, action, RESOURCES[0], A, {"aws:SourceIp": "203.0.113.1"}
                ),
                ps,
            )


@FAST
@given(scenario())
def test_identity_only_fast_path_agrees_with_general_path(sc: tuple) -> None:
    from iamctl.core.policy import evaluate as ev_mod

    identity, _, _, request = sc
    ps = build(identity, None, None)
    fast = ev_mod._identity_only(ev_mod._Eval(request), ps.identity)
    general = ev_mod._evaluate_layers(ev_mod._Eval(request), ps)
    if request.resource_account in (None, request.principal.account):
        assert (fast.decision, fast.denied_by) == (general.decision, general.denied_by)
        assert fast.matched == general.matched
