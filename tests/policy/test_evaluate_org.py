"""The evaluator's organization-wide and network inputs: SCP levels, RCP levels, VPC
endpoint policies, and keys removed from the request context on purpose."""

from __future__ import annotations

import json

import pytest

from iamctl.core.policy.document import parse_policy
from iamctl.core.policy.evaluate import PolicySet, Principal, Request, denial_message, evaluate

ME = "111111111111"
USER = Principal(f"arn:aws:iam::{ME}:user/alice", ME, "User")
OUTSIDER = Principal("arn:aws:iam::999999999999:user/mallory", "999999999999", "User")


def pol(*statements: dict, kind: str = "identity", pid: str = "p", source: str | None = None):
    policy = parse_policy(json.dumps({"Version": "2012-10-17", "Statement": list(statements)}), kind=kind,
                          policy_id=pid)
    if source:
        policy.source_type = source
    return policy


ALLOW_ALL = {"Effect": "Allow", "Action": "*", "Resource": "*"}
FULL = {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}


def rcp(pid: str, *statements: dict):
    return pol(*statements, kind="resource", pid=pid, source="rcp")


def scp(pid: str, *statements: dict):
    return pol(*statements, kind="scp", pid=pid)


def ask(principal, action, resource="*", resource_account=ME, context=None, absent=frozenset()):
    return Request(principal, action, resource, resource_account, context or {}, absent)


# ---------------------------------------------------------------- SCPs at every level


def test_an_scp_must_allow_at_every_level() -> None:
    # "an SCP must allow at every level of the path from the root through each OU to the account"
    levels = [
        [scp("FullAWSAccess at root r-1", ALLOW_ALL)],
        [scp("S3Only at OU Prod (ou-1)", {"Effect": "Allow", "Action": "s3:*", "Resource": "*"})],
        [scp("FullAWSAccess at account 111111111111", ALLOW_ALL)],
    ]
    policies = PolicySet(identity=[pol(ALLOW_ALL)], scps=levels)
    assert evaluate(ask(USER, "s3:GetObject"), policies).decision == "allowed"
    denied = evaluate(ask(USER, "ec2:RunInstances"), policies)
    assert denied.decision == "implicitDeny" and denied.denied_by == "scp"
    assert "at OU Prod (ou-1)" in denied.explanation


def test_a_deny_at_any_level_wins_even_where_another_level_allows() -> None:
    levels = [[scp("root", ALLOW_ALL)], [scp("ou", ALLOW_ALL)],
              [scp("acct", ALLOW_ALL, {"Effect": "Deny", "Action": "s3:*", "Resource": "*"})]]
    decision = evaluate(ask(USER, "s3:GetObject"), PolicySet(identity=[pol(ALLOW_ALL)], scps=levels))
    assert decision.decision == "explicitDeny" and decision.denied_by == "scp"


# ---------------------------------------------------------------- RCPs


DENY_OUTSIDERS = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                  "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"}}}


def _rcps(*deny: dict) -> list:
    return [[rcp("RCPFullAWSAccess at root r-1", FULL)],
            [rcp("RCPFullAWSAccess at OU Prod (ou-1)", FULL), rcp("DenyOutsiders at OU Prod (ou-1)", *deny)]]


def test_an_rcp_deny_stops_a_principal_outside_the_organization_whatever_the_bucket_policy_says() -> None:
    bucket = pol({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},
                 kind="resource", pid="bucket")
    policies = PolicySet(identity=[pol(ALLOW_ALL)], resource=bucket, rcps=_rcps(DENY_OUTSIDERS))
    decision = evaluate(ask(OUTSIDER, "s3:GetObject", "arn:aws:s3:::b/k"), policies)
    assert decision.decision == "explicitDeny" and decision.denied_by == "rcp"
    assert "RCP DenyOutsiders at OU Prod (ou-1) statement 1" in decision.explanation
    assert denial_message(ask(OUTSIDER, "s3:GetObject", "arn:aws:s3:::b/k"), decision).endswith(
        "with an explicit deny in a resource control policy")
    inside = ask(USER, "s3:GetObject", context={"aws:PrincipalOrgID": "o-abc"})
    assert evaluate(inside, policies).decision == "allowed"


def test_rcps_apply_only_to_the_services_aws_lists() -> None:
    deny_all = {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}
    policies = PolicySet(identity=[pol(ALLOW_ALL)], rcps=_rcps(deny_all))
    for action in ("s3:GetObject", "sts:AssumeRole", "kms:Decrypt", "sqs:SendMessage",
                   "secretsmanager:GetSecretValue"):
        assert evaluate(ask(USER, action), policies).decision == "explicitDeny", action
    for action in ("ec2:RunInstances", "iam:CreateUser", "lambda:InvokeFunction"):
        assert evaluate(ask(USER, action), policies).decision == "allowed", action


def test_rcps_grant_nothing() -> None:
    # RCPFullAWSAccess "does not grant access": without an identity allow, still denied.
    request = ask(USER, "s3:GetObject", context={"aws:PrincipalOrgID": "o-abc"})
    decision = evaluate(request, PolicySet(identity=[], rcps=_rcps(DENY_OUTSIDERS)))
    assert decision.decision == "implicitDeny" and decision.denied_by == "identity"


def test_a_level_without_an_allowing_rcp_denies_implicitly_and_names_the_level() -> None:
    levels = [[rcp("RCPFullAWSAccess at root r-1", FULL)], [rcp("OnlyDeny at OU X (ou-2)", DENY_OUTSIDERS)]]
    decision = evaluate(ask(USER, "s3:GetObject", context={"aws:PrincipalOrgID": "o-abc"}),
                        PolicySet(identity=[pol(ALLOW_ALL)], rcps=levels))
    assert decision.decision == "implicitDeny" and decision.denied_by == "rcp"
    assert decision.explanation == "No resource control policy at OU X (ou-2) allows s3:GetObject."


def test_rcps_bind_service_principals_too() -> None:
    service = Principal("cloudtrail.amazonaws.com", "", "Service")
    bucket = pol({"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
                  "Resource": "*"}, kind="resource", pid="bucket")
    deny_services = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                     "Condition": {"Bool": {"aws:PrincipalIsAWSService": "true"}}}
    request = ask(service, "s3:PutObject", context={"aws:PrincipalIsAWSService": "true"})
    assert evaluate(request, PolicySet(resource=bucket)).decision == "allowed"
    assert evaluate(request, PolicySet(resource=bucket, rcps=_rcps(deny_services))).decision == "explicitDeny"


# ---------------------------------------------------------------- VPC endpoint policies


ENDPOINT = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::corp/*"}


def test_an_endpoint_policy_must_allow_too_but_grants_nothing() -> None:
    endpoint = pol(ENDPOINT, kind="resource", pid="vpce-policy", source="endpoint")
    policies = PolicySet(identity=[pol(ALLOW_ALL)], endpoint=endpoint)
    assert evaluate(ask(USER, "s3:GetObject", "arn:aws:s3:::corp/a"), policies).decision == "allowed"
    other = ask(USER, "s3:GetObject", "arn:aws:s3:::elsewhere/a")
    decision = evaluate(other, policies)
    assert decision.decision == "implicitDeny" and decision.denied_by == "endpoint"
    assert denial_message(other, decision).endswith("because no VPC endpoint policy allows the s3:GetObject action")
    alone = evaluate(ask(USER, "s3:GetObject", "arn:aws:s3:::corp/a"), PolicySet(identity=[], endpoint=endpoint))
    assert alone.decision == "implicitDeny" and alone.denied_by == "identity"


def test_an_endpoint_policy_deny_wins() -> None:
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}
    endpoint = pol(FULL, deny, kind="resource", pid="vpce-policy", source="endpoint")
    policies = PolicySet(identity=[pol(ALLOW_ALL)], endpoint=endpoint)
    wrong = evaluate(ask(USER, "s3:PutObject", context={"aws:SourceVpce": "vpce-other"}), policies)
    assert wrong.decision == "explicitDeny" and wrong.denied_by == "endpoint"
    assert "VPC endpoint policy vpce-policy statement 2" in wrong.explanation
    right = evaluate(ask(USER, "s3:PutObject", context={"aws:SourceVpce": "vpce-1a2b3c4d"}), policies)
    assert right.decision == "allowed"


# ---------------------------------------------------------------- keys removed on purpose


@pytest.mark.parametrize("key", ["aws:PrincipalArn", "aws:PrincipalAccount", "aws:username"])
def test_a_removed_principal_key_is_not_filled_from_the_principal(key: str) -> None:
    needs = pol({"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"Null": {key: "false"}}})
    assert evaluate(ask(USER, "s3:GetObject"), PolicySet(identity=[needs])).decision == "allowed"
    removed = ask(USER, "s3:GetObject", absent=frozenset({key}))
    assert evaluate(removed, PolicySet(identity=[needs])).decision == "implicitDeny"


def test_service_linked_roles_meet_neither_scps_nor_rcps() -> None:
    # AWS: SCPs "don't affect service-linked roles"; RCPs don't apply to actions they take.
    linked = Principal(f"arn:aws:sts::{ME}:assumed-role/AWSServiceRoleForSupport/s", ME, "AssumedRole",
                       role_arn=f"arn:aws:iam::{ME}:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport")
    plain = Principal(f"arn:aws:sts::{ME}:assumed-role/Ops/s", ME, "AssumedRole",
                      role_arn=f"arn:aws:iam::{ME}:role/Ops")
    deny_all = {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}
    policies = PolicySet(identity=[pol(ALLOW_ALL)], rcps=_rcps(deny_all),
                         scps=[[scp("DenyAll", {"Effect": "Deny", "Action": "*", "Resource": "*"})]])
    assert evaluate(ask(linked, "s3:GetObject"), policies).decision == "allowed"
    assert evaluate(ask(plain, "s3:GetObject"), policies).decision == "explicitDeny"


def test_rcps_apply_to_every_service_on_aws_list_and_not_to_kms_retire_grant() -> None:
    # AWS Organizations User Guide, "List of AWS services that support RCPs": "RCPs apply to
    # actions for the following AWS services" (60 services, among them CloudWatch Logs,
    # DynamoDB, ECR, EventBridge, CodeBuild, AWS WAF). "RCPs do not impact the
    # kms:RetireGrant permission."
    deny_all = {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}
    policies = PolicySet(identity=[pol(ALLOW_ALL)], rcps=_rcps(deny_all))
    for action in ("logs:PutLogEvents", "dynamodb:GetItem", "ecr:BatchGetImage", "events:PutEvents",
                   "codebuild:StartBuild", "wafv2:GetWebACL", "cognito-identity:GetId",
                   "firehose:PutRecord", "xray:PutTraceSegments", "signin:AuthorizeOAuth2Access"):
        assert evaluate(ask(USER, action), policies).decision == "explicitDeny", action
    for action in ("kms:RetireGrant", "ec2:RunInstances", "rds:CreateDBInstance", "sns:Publish"):
        assert evaluate(ask(USER, action), policies).decision == "allowed", action
