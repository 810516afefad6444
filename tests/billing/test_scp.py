"""SCPs, OUs and the levels the evaluator checks."""

from __future__ import annotations

import json
import random

import pytest

from iamctl.core.billing import ids, orgs, scp, tree
from iamctl.core.billing.errors import OrgError
from iamctl.core.model.billing import BillingData

from .conftest import M1, M2, PAYER, T0

DENY_S3 = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}
)


def test_full_aws_access_is_as_aws_has_it(org_data: BillingData) -> None:
    org = orgs.require_org(org_data, PAYER)
    full = org.scps["FullAWSAccess"]
    assert full.id == "p-FullAWSAccess"
    assert full.arn == "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
    assert json.loads(full.document) == {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    assert full.aws_managed
    with pytest.raises(OrgError) as exc:
        scp.update_policy(org, "FullAWSAccess", document=DENY_S3)
    assert exc.value.code == "AccessDeniedException"


def test_scp_levels_with_an_ou(org_data: BillingData, rng: random.Random) -> None:
    org = orgs.require_org(org_data, PAYER)
    eng = tree.create_ou(org, "Engineering", org.root_id, rng)
    dev = tree.create_ou(org, "Dev", eng.id, rng)
    assert ids.OU_ID_RE.fullmatch(dev.id) and dev.id.startswith("ou-" + org.root_id[2:] + "-")
    assert dev.arn == f"arn:aws:organizations::{PAYER}:ou/{org.id}/{dev.id}"
    deny = scp.create_policy(org, "DenyS3", DENY_S3, "no S3", rng)
    assert ids.POLICY_ID_RE.fullmatch(deny.id)
    assert deny.arn == f"arn:aws:organizations::{PAYER}:policy/{org.id}/service_control_policy/{deny.id}"
    scp.attach_policy(org, "DenyS3", eng.id)
    tree.move_account(org, M1, dev.id, org.root_id)
    full = ("FullAWSAccess", scp.FULL_AWS_ACCESS_DOCUMENT)
    assert scp.scp_levels(org, M1) == [[full], [full, ("DenyS3", DENY_S3)], [full], [full]]
    assert scp.level_names(org, M1)[1] == f"OU Engineering ({eng.id})"
    assert scp.scp_levels(org, M2) == [[full], [full]]
    assert scp.scp_levels(org, PAYER) is None  # SCPs never apply to the management account
    assert tree.org_path(org, M1) == f"{org.id}/{org.root_id}/{eng.id}/{dev.id}/"


def test_attach_detach_rules(org_data: BillingData, rng: random.Random) -> None:
    org = orgs.require_org(org_data, PAYER)
    with pytest.raises(OrgError) as exc:
        scp.detach_policy(org, "FullAWSAccess", M1)
    assert exc.value.reason == "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"
    scp.create_policy(org, "DenyS3", DENY_S3, rng=rng)
    scp.attach_policy(org, "DenyS3", M1)
    scp.detach_policy(org, "FullAWSAccess", M1)  # allowed now that another SCP remains
    with pytest.raises(OrgError) as exc:
        scp.attach_policy(org, "DenyS3", M1)
    assert exc.value.code == "DuplicatePolicyAttachmentException"
    with pytest.raises(OrgError) as exc:
        scp.detach_policy(org, "FullAWSAccess", M1)
    assert exc.value.code == "PolicyNotAttachedException"
    with pytest.raises(OrgError) as exc:
        scp.attach_policy(org, "DenyS3", "999999999999")
    assert exc.value.code == "TargetNotFoundException"
    for n in range(4):
        scp.create_policy(org, f"P{n}", DENY_S3, rng=rng)
        if n < 3:
            scp.attach_policy(org, f"P{n}", M2)
    scp.attach_policy(org, "DenyS3", M2)
    with pytest.raises(OrgError) as exc:
        scp.attach_policy(org, "P3", M2)
    assert exc.value.reason == "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"
    with pytest.raises(OrgError) as exc:
        scp.delete_policy(org, "DenyS3")
    assert exc.value.code == "PolicyInUseException"
    scp.delete_policy(org, "P3")
    with pytest.raises(OrgError) as exc:
        scp.get_policy(org, "P3")
    assert exc.value.code == "PolicyNotFoundException"


def test_policy_documents_are_checked(org_data: BillingData) -> None:
    org = orgs.require_org(org_data, PAYER)
    with pytest.raises(OrgError) as exc:
        scp.create_policy(org, "Bad", "{not json")
    assert exc.value.code == "MalformedPolicyDocumentException"
    with pytest.raises(OrgError) as exc:
        scp.create_policy(org, "Big", json.dumps({"Statement": [], "Pad": "x" * 5200}))
    assert exc.value.reason == "POLICY_CONTENT_LIMIT_EXCEEDED"
    scp.create_policy(org, "Ok", DENY_S3)
    with pytest.raises(OrgError) as exc:
        scp.create_policy(org, "Ok", DENY_S3)
    assert exc.value.code == "DuplicatePolicyException"
    renamed = scp.update_policy(org, "Ok", new_name="DenyS3", description="d")
    assert list(org.scps) == ["FullAWSAccess", "DenyS3"] and renamed.description == "d"
    assert scp.get_policy(org, renamed.id) is renamed


def test_ou_rules(org_data: BillingData, rng: random.Random) -> None:
    org = orgs.require_org(org_data, PAYER)
    parent = org.root_id
    for depth in range(5):
        parent = tree.create_ou(org, f"L{depth}", parent, rng).id
    with pytest.raises(OrgError) as exc:
        tree.create_ou(org, "too deep", parent, rng)
    assert exc.value.reason == "OU_DEPTH_LIMIT_EXCEEDED"
    with pytest.raises(OrgError) as exc:
        tree.create_ou(org, "L0", org.root_id, rng)
    assert exc.value.code == "DuplicateOrganizationalUnitException"
    with pytest.raises(OrgError) as exc:
        tree.create_ou(org, "x", "ou-nope-12345678", rng)
    assert exc.value.code == "ParentNotFoundException"
    tree.move_account(org, M1, parent)
    with pytest.raises(OrgError) as exc:
        tree.move_account(org, M1, parent)
    assert exc.value.code == "DuplicateAccountException"
    with pytest.raises(OrgError) as exc:
        tree.delete_ou(org, parent)
    assert exc.value.code == "OrganizationalUnitNotEmptyException"
    assert [s.name for s in scp.policies_for_target(org, parent)] == ["FullAWSAccess"]
    ous, accounts = tree.list_children(org, parent)
    assert (ous, accounts) == ([], [M1])
    tree.move_account(org, M1, org.root_id)
    tree.delete_ou(org, parent)
    assert parent not in org.ous
    assert parent not in org.scps["FullAWSAccess"].targets


def test_leaving_member_loses_its_attachments(org_data: BillingData, rng: random.Random) -> None:
    org = orgs.require_org(org_data, PAYER)
    scp.create_policy(org, "DenyS3", DENY_S3, rng=rng)
    scp.attach_policy(org, "DenyS3", M1)
    orgs.leave_organization(org_data, M1, T0)
    assert all(M1 not in s.targets for s in org.scps.values())
    with pytest.raises(OrgError) as exc:
        scp.scp_levels(org, M1)
    assert exc.value.code == "AccountNotFoundException"
