"""org_inputs and explain_block driven straight into the evaluator (issue 6, items 6 and 7)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from iamctl.core import managed
from iamctl.core.billing import scp, tree
from iamctl.core.model import StoreData
from iamctl.core.org_context import ORG_ID_KEY, ORG_PATHS_KEY, explain_block, org_inputs
from iamctl.core.policy.document import Policy, parse_policy
from iamctl.core.policy.evaluate import PolicySet, Principal, Request, evaluate
from iamctl.core.service import accounts
from iamctl.core.service import billing as svc

PAYER, MEMBER, OTHER = "111111111111", "222222222222", "333333333333"
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DENY_S3 = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Sid": "NoS3", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}
)
ONLY_EC2 = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]})


def managed_policy(name: str) -> Policy:
    found = managed.get(name)
    assert found is not None
    return parse_policy(found.document, policy_id=name)


ADMIN = managed_policy("AdministratorAccess")


def user(account: str) -> Principal:
    return Principal(f"arn:aws:iam::{account}:user/admin", account, "User")


def root(account: str) -> Principal:
    return Principal(f"arn:aws:iam::{account}:root", account, "Root")


@pytest.fixture
def data() -> StoreData:
    """PAYER runs an organization; MEMBER joined it; OTHER is in none."""
    data = accounts.new_store(PAYER, name="Finance")
    for account_id, name in ((MEMBER, "Dev"), (OTHER, "Loner")):
        accounts.create(data, account_id=account_id, name=name)
    svc.create_organization(data, data.accounts[PAYER], NOW)
    h = svc.invite(data, data.accounts[PAYER], MEMBER, NOW)
    svc.accept(data, data.accounts[MEMBER], h.id, NOW)
    return data


def decide(data: StoreData, principal: Principal, action: str, identity: list[Policy]):
    scps, billing_access, keys = org_inputs(data, principal.account)
    request = Request(principal, action, "*", context=keys)
    decision = evaluate(request, PolicySet(identity=identity, scps=scps, billing_access=billing_access))
    return decision, explain_block(decision, principal.account, scps)


def test_outside_any_organization(data: StoreData) -> None:
    assert org_inputs(data, OTHER) == (None, False, {})


def test_management_account_has_keys_but_no_scps(data: StoreData) -> None:
    org = data.billing.organizations[next(iter(data.organizations))]
    scps, billing_access, keys = org_inputs(data, PAYER)
    assert scps is None and billing_access is False
    assert keys == {ORG_ID_KEY: [org.id], ORG_PATHS_KEY: [f"{org.id}/{org.root_id}/"]}


def test_member_levels_name_scp_and_level(data: StoreData) -> None:
    org = data.organizations[next(iter(data.organizations))]
    scps, _, keys = org_inputs(data, MEMBER)
    assert scps is not None
    assert [[p.id for p in level] for level in scps] == [
        [f"FullAWSAccess at root {org.root_id}"],
        [f"FullAWSAccess at account {MEMBER}"],
    ]
    assert all(p.kind == "scp" for level in scps for p in level)
    assert keys[ORG_PATHS_KEY] == [f"{org.id}/{org.root_id}/"]
    assert org_inputs(data, MEMBER)[0][0][0] is scps[0][0]  # cached: same Policy objects


def test_billing_access_rule_with_administrator_access(data: StoreData) -> None:
    action = "aws-portal:ViewBilling"
    # Off (the default): AdministratorAccess is not enough, and the setting is named.
    decision, why = decide(data, user(OTHER), action, [ADMIN])
    assert decision.decision == "implicitDeny" and decision.denied_by == "billing-access"
    assert "IAM user and role access to billing information" in why and "billing access enable" in why
    # The root user is not affected.
    assert decide(data, root(OTHER), action, [])[0].decision == "allowed"
    # On: the Billing managed policy grants it as written; a policy without it still doesn't.
    svc.set_access(data, data.accounts[OTHER], True)
    assert decide(data, user(OTHER), action, [managed_policy("Billing")])[0].decision == "allowed"
    assert decide(data, user(OTHER), action, [ADMIN])[0].decision == "allowed"
    assert decide(data, user(OTHER), action, [managed_policy("AmazonS3FullAccess")])[0].decision == "implicitDeny"
    assert decide(data, user(OTHER), "ce:GetCostAndUsage", [managed_policy("AWSBillingReadOnlyAccess")])[
        0
    ].decision == "allowed"


def test_scp_at_an_ou_blocks_member_admin_but_not_payer_admin(data: StoreData) -> None:
    org = data.organizations[next(iter(data.organizations))]
    ou = tree.create_ou(org, "Sandbox", org.root_id)
    tree.move_account(org, MEMBER, ou.id)
    svc.create_scp(data, data.accounts[PAYER], "DenyS3", DENY_S3)
    scp.attach_policy(org, "DenyS3", ou.id)

    decision, why = decide(data, user(MEMBER), "s3:GetObject", [ADMIN])
    assert decision.decision == "explicitDeny" and decision.denied_by == "scp"
    assert f"DenyS3 at OU Sandbox ({ou.id})" in why and 'Sid "NoS3"' in why
    # Other actions still pass every level; the payer's administrator is never bound by SCPs.
    assert decide(data, user(MEMBER), "ec2:RunInstances", [ADMIN])[0].decision == "allowed"
    assert decide(data, user(PAYER), "s3:GetObject", [ADMIN])[0].decision == "allowed"
    # The OU shows up in aws:PrincipalOrgPaths.
    assert org_inputs(data, MEMBER)[2][ORG_PATHS_KEY] == [f"{org.id}/{org.root_id}/{ou.id}/"]


def test_a_level_that_allows_nothing_is_named(data: StoreData) -> None:
    org = data.organizations[next(iter(data.organizations))]
    ou = tree.create_ou(org, "Compute", org.root_id)
    tree.move_account(org, MEMBER, ou.id)
    svc.create_scp(data, data.accounts[PAYER], "OnlyEC2", ONLY_EC2)
    scp.attach_policy(org, "OnlyEC2", ou.id)
    scp.detach_policy(org, "FullAWSAccess", ou.id)
    decision, why = decide(data, user(MEMBER), "s3:ListBucket", [ADMIN])
    assert decision.decision == "implicitDeny" and decision.denied_by == "scp"
    assert f"OU Compute ({ou.id})" in why and "OnlyEC2" in why
    assert decide(data, user(MEMBER), "ec2:RunInstances", [ADMIN])[0].decision == "allowed"
    # The member's root user is bound by SCPs too.
    assert decide(data, root(MEMBER), "s3:ListBucket", [])[0].decision == "implicitDeny"
