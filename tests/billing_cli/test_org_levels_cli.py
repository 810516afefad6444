"""SCPs at every level of the OU tree and resource control policies, end to end: `billing
rcp ...`, `simulate principal` and `role assume` all see them."""

from __future__ import annotations

import json

from tests.billing_cli.conftest import DATA, DEV, OPS, PAYER

ALLOW_S3 = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
DENY_OUTSIDERS = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Sid": "OrgOnly", "Effect": "Deny", "Principal": "*", "Action": ["s3:*", "sts:AssumeRole"],
                   "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-0000000000"}}}],
})


def _admin(ok, account: str, name: str = "admin") -> None:
    ok("--account", account, "user", "create", name)
    ok("--account", account, "user", "attach-policy", name, "AdministratorAccess")


def _nested(ok) -> tuple[str, str]:
    """DEV in OU Dev inside OU Engineering; Engineering allows only s3 (FullAWSAccess detached)."""
    eng = ok("billing", "ou", "create", "Engineering", "--output", "json").json()["OrganizationalUnit"]["Id"]
    dev = ok("billing", "ou", "create", "Dev", "--parent", eng, "--output", "json").json()["OrganizationalUnit"]["Id"]
    ok("billing", "move", DEV, "--to", dev)
    ok("billing", "scp", "create", "AllowS3", "--document", "-", stdin=ALLOW_S3)
    ok("billing", "scp", "attach", "AllowS3", "--target", eng)
    ok("billing", "scp", "detach", "FullAWSAccess", "--target", eng)
    return eng, dev


def test_simulate_principal_needs_an_allow_at_every_level_of_the_ou_tree(cli, ok, org) -> None:
    eng, _dev = _nested(ok)
    _admin(ok, DEV)
    s3 = cli("--account", DEV, "simulate", "principal", "admin", "--action", "s3:GetObject")
    assert s3.code == 0, s3.err
    ec2 = cli("--account", DEV, "simulate", "principal", "admin", "--action", "ec2:RunInstances", "--output", "json")
    assert ec2.code == 1
    (result,) = ec2.json()["EvaluationResults"]
    assert result["EvalDecision"] == "implicitDeny"
    # The level that failed is named: the OU in the middle, not the root or the account.
    assert f"OU Engineering ({eng})" in result["Explanation"]
    assert result["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": False}
    assert "because no service control policy allows the ec2:RunInstances action" in ec2.err


def test_role_assumption_meets_every_scp_level(cli, ok, org, tmp_path) -> None:
    _nested(ok)
    _admin(ok, DEV)
    trust = tmp_path / "trust.json"
    trust.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{DEV}:root"}, "Action": "sts:AssumeRole"}]}))
    ok("--account", OPS, "role", "create", "Auditor", "--trust", str(trust))
    refused = cli("role", "assume", f"arn:aws:iam::{OPS}:role/Auditor", "--as", f"arn:aws:iam::{DEV}:user/admin",
                  "--session-name", "s1")
    # sts:AssumeRole is not in AllowS3, which is all Engineering allows.
    assert refused.code == 3
    assert "AccessDenied" in refused.err and "a service control policy" in refused.err


def test_billing_rcp_commands(cli, ok, org) -> None:
    not_yet = cli("billing", "rcp", "attach", "RCPFullAWSAccess", "--target", DEV)
    assert not_yet.code == 3 and "PolicyTypeNotEnabledException" in not_yet.err
    ok("billing", "rcp", "enable")
    roots = ok("billing", "org", "roots", "--output", "json").json()
    assert {"Type": "RESOURCE_CONTROL_POLICY", "Status": "ENABLED"} in roots["Roots"][0]["PolicyTypes"]
    made = ok("billing", "rcp", "create", "OrgOnly", "--document", "-", "--description", "data perimeter",
              "--output", "json", stdin=DENY_OUTSIDERS).json()["Policy"]
    summary = made["PolicySummary"]
    assert summary["Type"] == "RESOURCE_CONTROL_POLICY" and summary["Name"] == "OrgOnly"
    assert f":policy/{org}/resource_control_policy/p-" in summary["Arn"]
    listed = ok("billing", "rcp", "list", "--output", "json").json()["Policies"]
    assert [p["Name"] for p in listed] == ["RCPFullAWSAccess", "OrgOnly"]
    assert ok("billing", "scp", "list", "--output", "json").json()["Policies"][0]["Name"] == "FullAWSAccess"
    ok("billing", "rcp", "attach", "OrgOnly", "--target", DEV)
    targets = ok("billing", "rcp", "targets", "OrgOnly", "--output", "json").json()["Targets"]
    assert [t["TargetId"] for t in targets] == [DEV]
    fixed = cli("billing", "rcp", "detach", "RCPFullAWSAccess", "--target", DEV)
    assert fixed.code == 3 and "cannot be detached" in fixed.err
    allow = cli("billing", "rcp", "create", "Bad", "--document", "-", stdin=ALLOW_S3)
    assert allow.code == 3 and "MalformedPolicyDocumentException" in allow.err
    in_use = cli("billing", "rcp", "delete", "OrgOnly")
    assert in_use.code == 3 and "PolicyInUseException" in in_use.err
    ok("billing", "rcp", "detach", "OrgOnly", "--target", DEV)
    ok("billing", "rcp", "update", "OrgOnly", "--name", "Perimeter")
    assert ok("billing", "rcp", "get", "Perimeter", "--output", "json").json()["Policy"]["Content"] == DENY_OUTSIDERS
    ok("billing", "rcp", "delete", "Perimeter")
    ok("billing", "rcp", "disable")
    again = cli("billing", "rcp", "disable")
    assert again.code == 3 and "PolicyTypeNotEnabledException" in again.err
    member = cli("--account", DEV, "billing", "rcp", "list")
    assert member.code == 3  # only the management account manages organization policies


def _perimeter(ok, org_id: str, target: str) -> None:
    ok("billing", "rcp", "enable")
    ok("billing", "rcp", "create", "OrgOnly", "--document", "-",
       stdin=DENY_OUTSIDERS.replace("o-0000000000", org_id))
    ok("billing", "rcp", "attach", "OrgOnly", "--target", target)


def test_simulate_principal_applies_the_resource_accounts_rcps(cli, ok, org, accounts) -> None:
    _perimeter(ok, org, DEV)
    ok("account", "create", "--account-id", "555555555555", "--name", "Partner")
    _admin(ok, "555555555555", "partner")
    _admin(ok, OPS, "insider")
    bucket = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::dev-data/*"}]})
    args = ("simulate", "principal", "--action", "s3:GetObject", "--resource", "arn:aws:s3:::dev-data/x",
            "--resource-account", DEV, "--resource-policy", "-", "--output", "json")
    outsider = cli("--account", "555555555555", *args[:2], "partner", *args[2:], stdin=bucket)
    assert outsider.code == 1
    (result,) = outsider.json()["EvaluationResults"]
    assert result["EvalDecision"] == "explicitDeny"
    assert f"RCP OrgOnly at account {DEV} statement 1" in result["Explanation"]
    assert "with an explicit deny in a resource control policy" in outsider.err
    insider = cli("--account", OPS, *args[:2], "insider", *args[2:], stdin=bucket)
    assert insider.code == 0, insider.err
    # The same bucket in an account without the RCP, or in the management account: no RCP.
    for account in (DATA, PAYER):
        other = cli("--account", "555555555555", *args[:2], "partner", *args[2:5], "arn:aws:s3:::dev-data/x",
                    "--resource-account", account, "--resource-policy", "-", stdin=bucket)
        assert other.code == 0, (account, other.err)


def test_role_assumption_meets_the_roles_accounts_rcps(cli, ok, org, accounts, tmp_path) -> None:
    _perimeter(ok, org, DEV)
    ok("account", "create", "--account-id", "555555555555", "--name", "Partner")
    _admin(ok, "555555555555", "partner")
    _admin(ok, OPS, "insider")
    trust = tmp_path / "trust.json"
    trust.write_text(json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::555555555555:root", f"arn:aws:iam::{OPS}:root"]},
        "Action": "sts:AssumeRole"}]}))
    ok("--account", DEV, "role", "create", "Shared", "--trust", str(trust))
    role = f"arn:aws:iam::{DEV}:role/Shared"
    refused = cli("role", "assume", role, "--as", "arn:aws:iam::555555555555:user/partner", "--session-name", "partner")
    assert refused.code == 3 and "a resource control policy" in refused.err and "OrgOnly" in refused.err
    assert ok("role", "assume", role, "--as", f"arn:aws:iam::{OPS}:user/insider", "--session-name", "insider")
