"""AWS's JSON shapes and the billing-access setting."""

from __future__ import annotations

import random
from datetime import timedelta

from iamctl.core.billing import access, orgs, shapes
from iamctl.core.model.billing import BillingData

from .conftest import M1, PAYER, T0


def test_organization_and_root(org_data: BillingData) -> None:
    org = orgs.require_org(org_data, PAYER)
    assert shapes.organization(org) == {
        "Id": org.id,
        "Arn": org.arn,
        "FeatureSet": "ALL",
        "MasterAccountArn": org.master_account_arn,
        "MasterAccountId": PAYER,
        "MasterAccountEmail": "finance@example.com",
        "AvailablePolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}],
    }
    assert shapes.root(org)["Name"] == "Root"


def test_account_shape(org_data: BillingData) -> None:
    org = orgs.require_org(org_data, PAYER)
    assert shapes.account(org.accounts[M1]) == {
        "Id": M1,
        "Arn": f"arn:aws:organizations::{PAYER}:account/{org.id}/{M1}",
        "Name": "dept-2",
        "Status": "ACTIVE",
        "JoinedMethod": "INVITED",
        "JoinedTimestamp": "2026-03-01T09:00:00+00:00",
    }


def test_handshake_shape(data: BillingData, rng: random.Random) -> None:
    org = orgs.create_organization(data, PAYER, T0, email="finance@example.com", name="Finance", rng=rng)
    h = orgs.invite_account(data, PAYER, M1, T0, notes="please join", rng=rng)
    doc = shapes.handshake(h, T0)
    assert doc["State"] == "OPEN" and doc["Action"] == "INVITE"
    assert doc["Parties"] == [{"Id": org.id, "Type": "ORGANIZATION"}, {"Id": M1, "Type": "ACCOUNT"}]
    assert doc["Resources"] == [
        {
            "Value": org.id,
            "Type": "ORGANIZATION",
            "Resources": [
                {"Type": "MASTER_EMAIL", "Value": "finance@example.com"},
                {"Type": "MASTER_NAME", "Value": "Finance"},
                {"Type": "ORGANIZATION_FEATURE_SET", "Value": "ALL"},
            ],
        },
        {"Value": M1, "Type": "ACCOUNT"},
        {"Value": "please join", "Type": "NOTES"},
    ]
    assert shapes.handshake(h, T0 + timedelta(days=15))["State"] == "EXPIRED"


def test_policy_shapes(org_data: BillingData) -> None:
    org = orgs.require_org(org_data, PAYER)
    full = org.scps["FullAWSAccess"]
    assert shapes.policy(full)["PolicySummary"] == {
        "Id": "p-FullAWSAccess",
        "Arn": "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
        "Name": "FullAWSAccess",
        "Description": "Allows access to every operation",
        "Type": "SERVICE_CONTROL_POLICY",
        "AwsManaged": True,
    }
    assert shapes.policy_target(org, org.root_id)["Type"] == "ROOT"
    assert shapes.policy_target(org, M1) == {
        "TargetId": M1, "Arn": org.accounts[M1].arn, "Name": "dept-2", "Type": "ACCOUNT",
    }


def test_billing_access_setting(data: BillingData) -> None:
    assert not access.iam_access_enabled(data, PAYER)  # off by default
    for action in ("aws-portal:ViewBilling", "billing:GetBillingData", "Payments:ListPaymentMethods",
                   "ce:GetCostAndUsage", "cur:DescribeReportDefinitions", "purchase-orders:ViewPurchaseOrders",
                   "tax:GetTaxRegistration", "invoicing:ListInvoiceSummaries", "budgets:ViewBudget"):
        assert access.blocked_by_setting(data, PAYER, action, is_root=False), action
        assert not access.blocked_by_setting(data, PAYER, action, is_root=True)
    for action in ("s3:GetObject", "ec2:DescribeInstances", "billingconductor:ListBillingGroups", "*"):
        assert not access.blocked_by_setting(data, PAYER, action, is_root=False), action
    access.set_iam_access(data, PAYER, True)
    assert not access.blocked_by_setting(data, PAYER, "aws-portal:ViewBilling", is_root=False)
    assert access.blocked_by_setting(data, M1, "aws-portal:ViewBilling", is_root=False)  # per account
    assert "IAM user and role access to billing information" in access.explanation(PAYER)
