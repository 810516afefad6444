"""An organization's SCPs and billing-access setting reach `simulate principal` and
`role assume` through the same evaluator, end to end on the command line."""

from __future__ import annotations

import json

from tests.billing_cli.conftest import DEV, OPS, PAYER

DENY_S3 = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]})
DENY_ASSUME = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"}]}
)


def _admin(ok, account: str) -> None:
    ok("--account", account, "user", "create", "admin")
    ok("--account", account, "user", "attach-policy", "admin", "AdministratorAccess")


def test_scp_at_an_ou_blocks_a_members_admin_but_not_the_payers(cli, ok, org) -> None:
    ou = ok("billing", "ou", "create", "Sandbox", "--output", "json").json()["OrganizationalUnit"]["Id"]
    ok("billing", "move", DEV, "--to", ou)
    ok("billing", "scp", "create", "DenyS3", "--document", "-", stdin=DENY_S3)
    ok("billing", "scp", "attach", "DenyS3", "--target", ou)
    for account in (PAYER, DEV, OPS):
        _admin(ok, account)
    ask = ("simulate", "principal", "admin", "--action", "s3:PutObject", "--resource", "arn:aws:s3:::b/k")
    blocked = cli("--account", DEV, *ask, "--output", "json")
    assert blocked.code == 1
    (result,) = blocked.json()["EvaluationResults"]
    assert result["EvalDecision"] == "explicitDeny"
    assert f"DenyS3 at OU Sandbox ({ou})" in result["Explanation"]
    assert cli("--account", OPS, *ask).code == 0  # at the root, only FullAWSAccess applies
    assert cli("--account", PAYER, *ask).code == 0  # SCPs never bind the management account


def test_org_context_keys_reach_conditions(cli, ok, org, tmp_path) -> None:
    _admin(ok, DEV)
    org_policy = tmp_path / "org-only.json"
    org_policy.write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::shared/*",
                        "Condition": {"StringEquals": {"aws:PrincipalOrgID": org}},
                    }
                ],
            }
        )
    )
    ok("--account", DEV, "user", "create", "plain")
    allowed = cli(
        "--account",
        DEV,
        "simulate",
        "principal",
        "plain",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::shared/report",
        "--resource-account",
        PAYER,
        "--resource-policy",
        str(org_policy),
    )
    # Cross-account: the resource policy allows members of the organization, but the
    # caller's own identity policies must allow too, and "plain" has none.
    assert allowed.code == 1
    admin = cli(
        "--account",
        DEV,
        "simulate",
        "principal",
        "admin",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::shared/report",
        "--resource-account",
        PAYER,
        "--resource-policy",
        str(org_policy),
    )
    assert admin.code == 0, admin.err


def test_billing_access_setting_gates_administrators_but_not_root(cli, ok, accounts) -> None:
    _admin(ok, PAYER)
    ask = ("simulate", "principal", "admin", "--action", "aws-portal:ViewBilling", "--output", "json")
    denied = cli(*ask)
    assert denied.code == 1
    (result,) = denied.json()["EvaluationResults"]
    assert "IAM user and role access to billing information" in result["Explanation"]
    root = cli("simulate", "principal", f"arn:aws:iam::{PAYER}:root", "--action", "aws-portal:ViewBilling")
    assert root.code == 0, root.err
    ok("billing", "access", "enable")
    assert cli(*ask).code == 0
    ok("user", "create", "finance")
    ok("user", "attach-policy", "finance", "Billing")
    assert cli("simulate", "principal", "finance", "--action", "aws-portal:ViewBilling").code == 0
    assert cli("simulate", "principal", "finance", "--action", "ec2:RunInstances").code == 1


def test_scp_denies_role_assumption_for_a_members_user(cli, ok, org, tmp_path) -> None:
    trust = tmp_path / "trust.json"
    trust.write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": [f"arn:aws:iam::{DEV}:root", f"arn:aws:iam::{PAYER}:root"]},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        )
    )
    ok("--account", OPS, "role", "create", "Auditor", "--trust", str(trust))
    for account in (PAYER, DEV):
        _admin(ok, account)
    role_arn = f"arn:aws:iam::{OPS}:role/Auditor"
    assert (
        cli("role", "assume", role_arn, "--as", f"arn:aws:iam::{DEV}:user/admin", "--session-name", "before").code == 0
    )
    ok("billing", "scp", "create", "NoAssume", "--document", "-", stdin=DENY_ASSUME)
    ok("billing", "scp", "attach", "NoAssume", "--target", DEV)
    refused = cli("role", "assume", role_arn, "--as", f"arn:aws:iam::{DEV}:user/admin", "--session-name", "after")
    assert refused.code == 3
    assert refused.err.startswith(
        f"iamctl: AccessDenied: User: arn:aws:iam::{DEV}:user/admin is not authorized "
        f"to perform: sts:AssumeRole on resource: {role_arn}"
    )
    payer = cli("role", "assume", role_arn, "--as", f"arn:aws:iam::{PAYER}:user/admin", "--session-name", "payer")
    assert payer.code == 0, payer.err
