"""Evaluation logic, with the scenarios of AWS's IAM User Guide and the results it states."""

from __future__ import annotations

import json

from iamctl.core.policy.document import Policy, parse_policy
from iamctl.core.policy.evaluate import (
    PolicySet,
    Principal,
    Request,
    denial_message,
    evaluate,
)

A = "111122223333"
B = "444455556666"
USER = Principal(f"arn:aws:iam::{A}:user/carlossalazar", A, "User")
ROLE_ARN = f"arn:aws:iam::{A}:role/Dev"
SESSION = Principal(
    f"arn:aws:sts::{A}:assumed-role/Dev/sess", A, "AssumedRole", role_arn=ROLE_ARN
)
ROOT = Principal(f"arn:aws:iam::{A}:root", A, "Root")


def pol(
    statements: list[dict] | dict, *, kind: str = "identity", pid: str = "p"
) -> Policy:
    return parse_policy(
        json.dumps({"Version": "2012-10-17", "Statement": statements}),
        kind=kind,
        policy_id=pid,
    )


def allow(action: str, resource: str = "*", **extra: object) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: str, resource: str = "*", **extra: object) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def req(
    principal: Principal,
    action: str,
    resource: str = "*",
    account: str | None = None,
    **ctx: object,
) -> Request:
    return Request(principal, action, resource, account, ctx)  # type: ignore[arg-type]


def test_explicit_and_implicit_denies_example() -> None:
    # "The difference between explicit and implicit denies": AllowGetList + DenyReports.
    p = pol(
        [
            {"Sid": "AllowGetList", **allow(["iam:Get*", "iam:List*"])},
            {"Sid": "DenyReports", **deny("iam:*Report")},
        ],
        pid="ReadIAM",
    )
    ps = PolicySet([p])
    assert evaluate(req(USER, "iam:GetUser"), ps).decision == "allowed"
    d = evaluate(req(USER, "iam:GetOrganizationsAccessReport"), ps)
    assert (
        d.decision == "explicitDeny"
        and d.denied_by == "identity"
        and d.matched[0].sid == "DenyReports"
    )
    assert evaluate(req(USER, "iam:CreatePolicy"), ps).decision == "implicitDeny"


def test_actions_ignore_case_resources_do_not() -> None:
    ps = PolicySet([pol(allow("S3:getobject", "arn:aws:s3:::Bucket/*"))])
    assert (
        evaluate(req(USER, "s3:GetObject", "arn:aws:s3:::Bucket/k"), ps).decision
        == "allowed"
    )
    assert (
        evaluate(req(USER, "s3:GetObject", "arn:aws:s3:::bucket/k"), ps).decision
        == "implicitDeny"
    )


def test_arn_fields_are_matched_separately() -> None:
    def stop_instance(resource_pattern: str) -> str:
        ps = PolicySet([pol(allow("ec2:*", resource_pattern))])
        return evaluate(req(USER, "ec2:StopInstances", f"arn:aws:ec2:us-east-1:{A}:instance/i-1"), ps).decision

    assert stop_instance("arn:aws:ec2:*:*:instance/*") == "allowed"
    # A '*' inside a field (not its last character) cannot swallow the field's colon.
    assert stop_instance("arn:aws:ec2:us-east-1:*2instance/*") == "implicitDeny"
    # "If the * wildcard is the last character of a resource ARN segment, it can expand to
    # match beyond the colon boundaries" (IAM User Guide, "IAM JSON policy elements:
    # Resource"): here the region's '*' runs on through the account.
    assert stop_instance("arn:aws:ec2:*:instance/*") == "allowed"


def test_not_action_and_not_resource() -> None:
    ps = PolicySet([pol({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})])
    assert evaluate(req(USER, "s3:GetObject"), ps).decision == "allowed"
    assert evaluate(req(USER, "iam:CreateUser"), ps).decision == "implicitDeny"
    ps = PolicySet(
        [
            pol(
                [
                    allow("s3:*"),
                    {
                        "Effect": "Deny",
                        "Action": "s3:*",
                        "NotResource": "arn:aws:s3:::ok/*",
                    },
                ]
            )
        ]
    )
    assert (
        evaluate(req(USER, "s3:GetObject", "arn:aws:s3:::ok/x"), ps).decision
        == "allowed"
    )
    assert (
        evaluate(req(USER, "s3:GetObject", "arn:aws:s3:::other/x"), ps).decision
        == "explicitDeny"
    )


def test_carlossalazar_example_identity_deny_wins() -> None:
    # "Policy evaluation for requests within a single account": the identity policy's
    # DenyS3Logs statement overrides the bucket policy's Allow, so the request is denied.
    identity = pol(
        [
            {
                "Sid": "AllowS3ListRead",
                **allow(["s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket"]),
            },
            {
                "Sid": "AllowS3Self",
                **allow(
                    "s3:*",
                    [
                        "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/*",
                        "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar",
                    ],
                ),
            },
            {"Sid": "DenyS3Logs", **deny("s3:*", "arn:aws:s3:::*log*")},
        ],
        pid="CarlosPolicy",
    )
    bucket = pol(
        {
            "Sid": "AllowCarlos",
            "Effect": "Allow",
            "Principal": {"AWS": USER.arn},
            "Action": "s3:*",
            "Resource": "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/*",
        },
        kind="resource",
    )
    r = req(
        USER, "s3:PutObject", "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/f", A
    )
    d = evaluate(r, PolicySet([identity], resource=bucket))
    assert d.decision == "explicitDeny" and d.denied_by == "identity"
    assert denial_message(r, d).endswith(
        "with an explicit deny in an identity-based policy"
    )


def test_boundary_shirley_example() -> None:
    # "Permissions boundaries for IAM entities": boundary allows s3/cloudwatch/ec2 only, so
    # iam:CreateUser fails even though the identity policy allows it.
    boundary = pol(
        allow(["s3:*", "cloudwatch:*", "ec2:*"]), kind="boundary", pid="ShirleyBoundary"
    )
    identity = pol(allow("iam:CreateUser"), pid="CreateUser")
    shirley = Principal(f"arn:aws:iam::{A}:user/ShirleyRodriguez", A, "User")
    d = evaluate(
        req(shirley, "iam:CreateUser"), PolicySet([identity], boundary=boundary)
    )
    assert d.decision == "implicitDeny" and d.denied_by == "boundary"
    assert "ShirleyBoundary" in d.explanation and "CreateUser" in d.explanation
    assert (
        "because no permissions boundary allows the iam:CreateUser action"
        in denial_message(req(shirley, "iam:CreateUser"), d)
    )
    # Identity policy with an S3 action inside the boundary works.
    identity2 = pol(allow("s3:ListAllMyBuckets"))
    assert (
        evaluate(
            req(shirley, "s3:ListAllMyBuckets"),
            PolicySet([identity2], boundary=boundary),
        ).decision
        == "allowed"
    )
    # The boundary alone grants nothing.
    assert (
        evaluate(
            req(shirley, "s3:ListAllMyBuckets"), PolicySet([], boundary=boundary)
        ).denied_by
        == "identity"
    )


def test_boundary_deny_is_explicit() -> None:
    boundary = pol(
        [allow("s3:*"), deny("s3:*", ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"])],
        kind="boundary",
    )
    d = evaluate(
        req(USER, "s3:GetObject", "arn:aws:s3:::logs/x"),
        PolicySet([pol(allow("*"))], boundary=boundary),
    )
    assert d.decision == "explicitDeny" and d.denied_by == "boundary"


def test_same_account_resource_policy_naming_user_is_enough() -> None:
    # "Policy evaluation logic": within one account, either side allowing is enough; a
    # resource-policy grant to the user ARN is not limited by the user's boundary.
    bucket = pol(
        {
            "Effect": "Allow",
            "Principal": {"AWS": USER.arn},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/*",
        },
        kind="resource",
        pid="BucketPolicy",
    )
    r = req(USER, "s3:GetObject", "arn:aws:s3:::b/k", A)
    assert evaluate(r, PolicySet([], resource=bucket)).decision == "allowed"
    boundary = pol(allow("ec2:*"), kind="boundary")
    assert (
        evaluate(r, PolicySet([], boundary=boundary, resource=bucket)).decision
        == "allowed"
    )


def test_resource_policy_naming_account_needs_identity_side() -> None:
    bucket = pol(
        {
            "Effect": "Allow",
            "Principal": {"AWS": A},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/*",
        },
        kind="resource",
    )
    r = req(USER, "s3:GetObject", "arn:aws:s3:::b/k", A)
    assert evaluate(r, PolicySet([], resource=bucket)).decision == "implicitDeny"
    assert (
        evaluate(r, PolicySet([pol(allow("s3:GetObject"))], resource=bucket)).decision
        == "allowed"
    )


def test_role_session_grants() -> None:
    # "Session policies": a resource policy naming the session ARN adds to the session's
    # permissions; one naming the role ARN is limited by the session policy.
    session_policy = [pol(allow("ec2:*"), kind="session", pid="SessionPolicy")]
    r = req(SESSION, "s3:GetObject", "arn:aws:s3:::b/k", A)
    names_session = pol(
        {
            "Effect": "Allow",
            "Principal": {"AWS": SESSION.arn},
            "Action": "s3:*",
            "Resource": "*",
        },
        kind="resource",
    )
    names_role = pol(
        {
            "Effect": "Allow",
            "Principal": {"AWS": ROLE_ARN},
            "Action": "s3:*",
            "Resource": "*",
        },
        kind="resource",
    )
    assert (
        evaluate(
            r, PolicySet([], resource=names_session, session=session_policy)
        ).decision
        == "allowed"
    )
    d = evaluate(r, PolicySet([], resource=names_role, session=session_policy))
    assert d.decision == "implicitDeny" and d.denied_by == "session"
    assert evaluate(r, PolicySet([], resource=names_role)).decision == "allowed"
    boundary = pol(allow("ec2:*"), kind="boundary")
    assert (
        evaluate(r, PolicySet([], resource=names_role, boundary=boundary)).denied_by
        == "boundary"
    )


def test_session_policy_intersects_identity() -> None:
    identity = pol(allow(["s3:*", "ec2:*"]), pid="RolePolicy")
    session_policy = [pol(allow("s3:GetObject"), kind="session")]
    ps = PolicySet([identity], session=session_policy)
    assert evaluate(req(SESSION, "s3:GetObject"), ps).decision == "allowed"
    d = evaluate(req(SESSION, "ec2:RunInstances"), ps)
    assert d.decision == "implicitDeny" and d.denied_by == "session"
    assert "because no session policy allows" in denial_message(
        req(SESSION, "ec2:RunInstances"), d
    )


def test_cross_account_needs_both_sides() -> None:
    # "Cross-account policy evaluation logic": the identity policy in the requesting account
    # and the resource-based policy in the trusting account must both allow.
    other = Principal(f"arn:aws:iam::{B}:user/ana", B, "User")
    bucket = pol(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{B}:root"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/*",
        },
        kind="resource",
    )
    identity = pol(allow("s3:GetObject", "arn:aws:s3:::b/*"))
    r = req(other, "s3:GetObject", "arn:aws:s3:::b/k", A)
    assert evaluate(r, PolicySet([identity], resource=bucket)).decision == "allowed"
    assert evaluate(r, PolicySet([], resource=bucket)).decision == "implicitDeny"
    d = evaluate(r, PolicySet([identity]))
    assert d.decision == "implicitDeny" and d.denied_by == "resource"
    named = pol(
        {
            "Effect": "Allow",
            "Principal": {"AWS": other.arn},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/*",
        },
        kind="resource",
    )
    assert evaluate(r, PolicySet([], resource=named)).decision == "implicitDeny"


def test_resource_policy_deny_wins() -> None:
    bucket = pol(
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
        kind="resource",
    )
    r = req(
        USER, "s3:GetObject", "arn:aws:s3:::b/k", A, **{"aws:SecureTransport": "false"}
    )
    d = evaluate(r, PolicySet([pol(allow("s3:*"))], resource=bucket))
    assert d.decision == "explicitDeny" and d.denied_by == "resource"
    assert denial_message(r, d).endswith(
        "with an explicit deny in a resource-based policy"
    )


def test_scps_every_level_must_allow() -> None:
    full = pol(allow("*"), kind="scp", pid="FullAWSAccess")
    only_s3 = pol(allow("s3:*"), kind="scp", pid="OnlyS3")
    identity = PolicySet([pol(allow("*"))], scps=[[full], [only_s3, full]])
    assert evaluate(req(USER, "ec2:RunInstances"), identity).decision == "allowed"
    ps = PolicySet([pol(allow("*"))], scps=[[full], [only_s3]])
    d = evaluate(req(USER, "ec2:RunInstances"), ps)
    assert d.decision == "implicitDeny" and d.denied_by == "scp"
    assert (
        "because no service control policy allows the ec2:RunInstances action"
        in denial_message(req(USER, "ec2:RunInstances"), d)
    )
    ps = PolicySet([pol(allow("*"))], scps=[[full, pol(deny("ec2:*"), kind="scp")]])
    assert evaluate(req(USER, "ec2:RunInstances"), ps).denied_by == "scp"
    # The member account's root user is also bound by SCPs.
    assert (
        evaluate(
            req(ROOT, "ec2:RunInstances"), PolicySet([], scps=[[only_s3]])
        ).decision
        == "implicitDeny"
    )


def test_root_user_has_full_access_in_own_account() -> None:
    assert evaluate(req(ROOT, "iam:CreateUser"), PolicySet([])).decision == "allowed"
    bucket = pol(
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:DeleteBucket",
            "Resource": "*",
        },
        kind="resource",
    )
    assert (
        evaluate(
            req(ROOT, "s3:DeleteBucket", "arn:aws:s3:::b", A),
            PolicySet([], resource=bucket),
        ).decision
        == "explicitDeny"
    )


def test_billing_access_switch() -> None:
    admin = PolicySet(
        [pol(allow("*"), pid="AdministratorAccess")], billing_access=False
    )
    d = evaluate(req(USER, "aws-portal:ViewBilling"), admin)
    assert d.decision == "implicitDeny" and d.denied_by == "billing-access"
    assert "IAM user and role access to billing information" in d.explanation
    assert evaluate(req(USER, "s3:GetObject"), admin).decision == "allowed"
    assert evaluate(req(ROOT, "aws-portal:ViewBilling"), admin).decision == "allowed"
    admin.billing_access = True
    assert evaluate(req(USER, "aws-portal:ViewBilling"), admin).decision == "allowed"


def test_trust_policy_role_arn_covers_sessions_and_services() -> None:
    trust = pol(
        [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            },
            {
                "Effect": "Allow",
                "Principal": {"AWS": ROLE_ARN},
                "Action": "sts:AssumeRole",
            },
        ],
        kind="trust",
    )
    target = f"arn:aws:iam::{A}:role/Target"
    ec2 = Principal("ec2.amazonaws.com", "", "Service")
    assert (
        evaluate(
            req(ec2, "sts:AssumeRole", target, A), PolicySet([], resource=trust)
        ).decision
        == "allowed"
    )
    assert (
        evaluate(
            req(SESSION, "sts:AssumeRole", target, A), PolicySet([], resource=trust)
        ).decision
        == "allowed"
    )
    assert (
        evaluate(
            req(USER, "sts:AssumeRole", target, A), PolicySet([], resource=trust)
        ).decision
        == "implicitDeny"
    )


def test_anonymous_needs_public_grant() -> None:
    anon = Principal("anonymous", "", "Anonymous")
    public = pol(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::site/*",
        },
        kind="resource",
    )
    r = req(anon, "s3:GetObject", "arn:aws:s3:::site/index.html", A)
    assert evaluate(r, PolicySet([], resource=public)).decision == "allowed"
    account_only = pol(
        {"Effect": "Allow", "Principal": {"AWS": A}, "Action": "s3:*", "Resource": "*"},
        kind="resource",
    )
    assert evaluate(r, PolicySet([], resource=account_only)).decision == "implicitDeny"


def test_denial_message_implicit_identity() -> None:
    bob = Principal("arn:aws:iam::123456789012:user/bob", "123456789012", "User")
    r = req(
        bob, "dynamodb:Scan", "arn:aws:dynamodb:ap-northeast-1:123456789012:table/X"
    )
    d = evaluate(r, PolicySet([]))
    assert denial_message(r, d) == (
        "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: dynamodb:Scan on resource: "
        "arn:aws:dynamodb:ap-northeast-1:123456789012:table/X because no identity-based policy allows the "
        "dynamodb:Scan action"
    )


def test_matched_statements_carry_positions_and_types() -> None:
    p = pol(
        [allow("s3:GetObject"), {"Sid": "Two", **allow("s3:*")}], pid="ReadOnlyAccess"
    )
    p.source_type = "aws-managed"
    d = evaluate(req(USER, "s3:GetObject"), PolicySet([p]))
    assert [
        (m.policy_id, m.policy_type, m.statement_index, m.sid) for m in d.matched
    ] == [
        ("ReadOnlyAccess", "aws-managed", 0, None),
        ("ReadOnlyAccess", "aws-managed", 1, "Two"),
    ]
    assert d.matched[0].start.line == 1


def test_trust_policy_is_required_even_in_the_same_account() -> None:
    # Identity policies alone never let a principal assume a role.
    trust = pol(
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "sts:AssumeRole"},
        kind="trust",
    )
    identity = pol({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})
    target = f"arn:aws:iam::{A}:role/r"
    d = evaluate(req(USER, "sts:AssumeRole", target, A), PolicySet([identity], resource=trust))
    assert (d.decision, d.denied_by) == ("implicitDeny", "resource")


def test_an_explicit_deny_is_explained_by_the_deny_not_by_an_allow_beside_it() -> None:
    # Identity policies only (the evaluator's fast path) and with a boundary (the general
    # path): the explanation must name the Deny that decided, not the Allow that matched too.
    allows = pol([{"Sid": "ChangeOwn", **allow("iam:ChangePassword")}], pid="IAMUserChangePassword")
    denies = pol([{"Sid": "NoChange", **deny("iam:ChangePassword")}], pid="NoPasswordChange")
    everything = pol([allow("*")], kind="boundary", pid="Everything")
    for policies in (PolicySet(identity=[allows, denies]),
                     PolicySet(identity=[allows, denies], boundary=everything)):
        d = evaluate(req(USER, "iam:ChangePassword"), policies)
        assert d.decision == "explicitDeny"
        assert d.explanation == 'Explicitly denied by identity policy NoPasswordChange statement 1 (Sid "NoChange").'
        assert [m.policy_id for m in d.matched] == ["NoPasswordChange"]


def test_a_policy_cited_through_a_group_says_so_and_its_original_does_not() -> None:
    # Policy.via is a real field: the copy made for a group is cited with it, the shared
    # original (the same managed policy attached directly elsewhere) is not.
    from dataclasses import replace

    from iamctl.core.policy.evaluate import PolicySet, Principal, Request, evaluate

    doc = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}'
    original = parse_policy(doc, kind="identity", policy_id="AmazonEC2FullAccess")
    through = replace(original, via="attached to group EC2Admin")
    assert original.via is None
    who = Principal("arn:aws:iam::123456789012:user/u", "123456789012", "User")
    request = Request(principal=who, action="ec2:RunInstances", resource="*")
    assert evaluate(request, PolicySet(identity=[through])).explanation == (
        "Allowed by identity policy AmazonEC2FullAccess, attached to group EC2Admin, statement 1.")
    assert evaluate(request, PolicySet(identity=[original])).explanation == (
        "Allowed by identity policy AmazonEC2FullAccess statement 1.")
