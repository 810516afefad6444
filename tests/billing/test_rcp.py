"""Resource control policies kept by the store (AWS Organizations User Guide, "Resource
control policies"), driven through core/billing directly."""

from __future__ import annotations

import json
import random

import pytest

from iamctl.core.billing import orgs, rcp, scp, tree
from iamctl.core.billing.errors import OrgError
from iamctl.core.model.billing import BillingData

from .conftest import M1, M2, PAYER, T0

DENY_EXTERNAL = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                   "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"}}}],
})


def _org(org_data: BillingData):
    return orgs.require_org(org_data, PAYER)


def test_rcps_are_off_until_enabled(org_data: BillingData) -> None:
    org = _org(org_data)
    assert not org.rcps_enabled and org.rcps == {}
    assert rcp.rcp_levels(org, M1) is None
    scp.create_policy(org, "DenyExternal", DENY_EXTERNAL, kind=rcp.RCP)  # creating is allowed
    with pytest.raises(OrgError) as exc:
        rcp.require_enabled(org)
    assert exc.value.code == "PolicyTypeNotEnabledException"


def test_enabling_attaches_rcp_full_aws_access_everywhere(org_data: BillingData, rng: random.Random) -> None:
    # "RCPFullAWSAccess ... is automatically attached to the organization root, every OU, and
    # every account in your organization, when you enable resource control policies"
    org = _org(org_data)
    ou = tree.create_ou(org, "Prod", org.root_id, rng)
    rcp.enable(org)
    full = org.rcps["RCPFullAWSAccess"]
    assert full.id == "p-RCPFullAWSAccess" and full.aws_managed
    assert full.arn == "arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess"
    assert json.loads(full.document)["Statement"] == [
        {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
    ]
    assert set(full.targets) == {org.root_id, ou.id, PAYER, M1, M2, "444444444444"}
    later = tree.create_ou(org, "Dev", org.root_id, rng)  # new OUs get it too
    assert later.id in full.targets
    with pytest.raises(OrgError) as again:
        rcp.enable(org)
    assert again.value.code == "PolicyTypeAlreadyEnabledException"


def test_rcp_full_aws_access_cannot_be_detached_or_changed(org_data: BillingData) -> None:
    org = _org(org_data)
    rcp.enable(org)
    with pytest.raises(OrgError) as exc:
        scp.detach_policy(org, "RCPFullAWSAccess", M1, rcp.RCP)
    assert exc.value.code == "ConstraintViolationException"
    with pytest.raises(OrgError) as exc:
        scp.update_policy(org, "RCPFullAWSAccess", document=DENY_EXTERNAL, kind=rcp.RCP)
    assert exc.value.code == "AccessDeniedException"


@pytest.mark.parametrize("statement, words", [
    ({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}, "may only Deny"),
    ({"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "s3:*", "Resource": "*"},
     '"Principal": "*"'),
    ({"Effect": "Deny", "NotPrincipal": {"AWS": "*"}, "Action": "s3:*", "Resource": "*"}, "NotPrincipal"),
    ({"Effect": "Deny", "Principal": "*", "NotAction": "s3:*", "Resource": "*"}, "NotAction"),
])
def test_other_rcps_may_only_deny_every_principal(org_data: BillingData, statement: dict, words: str) -> None:
    org = _org(org_data)
    document = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    with pytest.raises(OrgError) as exc:
        scp.create_policy(org, "Bad", document, kind=rcp.RCP)
    assert exc.value.code == "MalformedPolicyDocumentException" and words in exc.value.message
    assert "Bad" not in org.rcps


def test_levels_follow_the_resource_account_and_skip_the_management_account(
    org_data: BillingData, rng: random.Random
) -> None:
    org = _org(org_data)
    ou = tree.create_ou(org, "Prod", org.root_id, rng)
    tree.move_account(org, M1, ou.id)
    rcp.enable(org)
    scp.create_policy(org, "DenyExternal", DENY_EXTERNAL, kind=rcp.RCP)
    scp.attach_policy(org, "DenyExternal", ou.id, rcp.RCP)
    levels = rcp.rcp_levels(org, M1)
    assert [[name for name, _ in level] for level in levels] == [
        ["RCPFullAWSAccess"], ["RCPFullAWSAccess", "DenyExternal"], ["RCPFullAWSAccess"]
    ]
    assert rcp.rcp_levels(org, PAYER) is None  # "RCPs don't affect resources in the management account"
    # SCP attachments are kept apart from RCP ones.
    assert [name for name, _ in scp.scp_levels(org, M1)[1]] == ["FullAWSAccess"]


def test_disabling_detaches_every_rcp(org_data: BillingData) -> None:
    org = _org(org_data)
    rcp.enable(org)
    scp.create_policy(org, "DenyExternal", DENY_EXTERNAL, kind=rcp.RCP)
    scp.attach_policy(org, "DenyExternal", M2, rcp.RCP)
    rcp.disable(org)
    assert not org.rcps_enabled and all(not p.targets for p in org.rcps.values())
    assert rcp.rcp_levels(org, M2) is None


def test_consolidated_billing_orgs_have_no_rcps(data: BillingData, rng: random.Random) -> None:
    org = orgs.create_organization(data, PAYER, T0, feature_set="CONSOLIDATED_BILLING", rng=rng)
    with pytest.raises(OrgError) as exc:
        rcp.enable(org)
    assert exc.value.code == "PolicyTypeNotAvailableForOrganizationException"


def test_a_leaving_account_loses_its_rcp_attachments(org_data: BillingData) -> None:
    org = _org(org_data)
    rcp.enable(org)
    scp.create_policy(org, "DenyExternal", DENY_EXTERNAL, kind=rcp.RCP)
    scp.attach_policy(org, "DenyExternal", M2, rcp.RCP)
    scp.detach_all(org, M2)
    assert M2 not in org.rcps["DenyExternal"].targets and M2 not in org.rcps["RCPFullAWSAccess"].targets
