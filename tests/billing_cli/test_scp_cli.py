"""billing scp / ou / move, end to end; and the SCPs reaching the evaluator via org_inputs."""

from __future__ import annotations

import json
import re

from iamctl.core.org_context import explain_block, org_inputs
from iamctl.core.policy.evaluate import PolicySet, Principal, Request, evaluate
from iamctl.core.store import Store

from .conftest import DEV, OPS, PAYER
from .test_org_context import ADMIN

DENY_S3 = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Sid": "NoS3", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}
)


def test_default_full_aws_access(ok, org) -> None:
    policies = ok("billing", "scp", "list", "--output", "json").json()["Policies"]
    assert policies == [
        {
            "Id": "p-FullAWSAccess",
            "Arn": "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
            "Name": "FullAWSAccess",
            "Description": "Allows access to every operation",
            "Type": "SERVICE_CONTROL_POLICY",
            "AwsManaged": True,
        }
    ]
    targets = ok("billing", "scp", "targets", "FullAWSAccess", "--output", "json").json()["Targets"]
    assert [t["Type"] for t in targets] == ["ROOT", "ACCOUNT", "ACCOUNT", "ACCOUNT", "ACCOUNT"]
    # ListTargetsForPolicy pages as aws-cli's paginator does (MaxResults 1-20)
    page = ok("billing", "scp", "targets", "FullAWSAccess", "--output", "json", "--max-items", "2").json()
    assert page["Targets"] == targets[:2] and "NextToken" in page
    rest = ok("billing", "scp", "targets", "FullAWSAccess", "--output", "json", "--starting-token",
              page["NextToken"]).json()
    assert rest["Targets"] == targets[2:]
    got = ok("billing", "scp", "get", "p-FullAWSAccess", "--output", "json").json()["Policy"]
    assert json.loads(got["Content"])["Statement"][0]["Action"] == "*"


def test_scp_life_cycle(cli, ok, org, tmp_path) -> None:
    doc = tmp_path / "deny-s3.json"
    doc.write_text(DENY_S3)
    made = ok("billing", "scp", "create", "DenyS3", "--document", str(doc), "--description", "no S3",
              "--output", "json").json()["Policy"]
    summary = made["PolicySummary"]
    assert re.fullmatch(r"p-[0-9a-z]{8}", summary["Id"]) and summary["AwsManaged"] is False
    assert summary["Arn"] == f"arn:aws:organizations::{PAYER}:policy/{org}/service_control_policy/{summary['Id']}"
    assert made["Content"] == DENY_S3
    dup = cli("billing", "scp", "create", "DenyS3", "--document", "-", stdin=DENY_S3)
    assert dup.code == 3 and dup.err.startswith("iamctl: DuplicatePolicyException: ")
    bad = cli("billing", "scp", "create", "Bad", "--document", "-", stdin="{not json")
    assert bad.code == 3 and "MalformedPolicyDocumentException" in bad.err

    ok("billing", "scp", "attach", "DenyS3", "--target", DEV)
    attached = ok("billing", "scp", "list", "--target", DEV, "--output", "json").json()["Policies"]
    assert [p["Name"] for p in attached] == ["FullAWSAccess", "DenyS3"]
    again = cli("billing", "scp", "attach", "DenyS3", "--target", DEV)
    assert again.code == 3 and "DuplicatePolicyAttachmentException" in again.err
    nowhere = cli("billing", "scp", "attach", "DenyS3", "--target", "ou-zzzz-zzzzzzzz")
    assert nowhere.code == 3 and "TargetNotFoundException" in nowhere.err
    in_use = cli("billing", "scp", "delete", "DenyS3")
    assert in_use.code == 3 and "PolicyInUseException" in in_use.err

    renamed = ok("billing", "scp", "update", "DenyS3", "--name", "NoS3", "--output", "json").json()
    assert renamed["Policy"]["PolicySummary"]["Name"] == "NoS3"
    managed = cli("billing", "scp", "update", "FullAWSAccess", "--description", "x")
    assert managed.code == 3 and "AccessDeniedException" in managed.err

    ok("billing", "scp", "detach", "NoS3", "--target", DEV)
    last = cli("billing", "scp", "detach", "FullAWSAccess", "--target", DEV)
    assert last.code == 3 and "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED" in last.err
    deleted = ok("billing", "scp", "delete", "NoS3")
    assert "Deleted SCP NoS3." in deleted.err
    missing = cli("billing", "scp", "get", "NoS3")
    assert missing.code == 3 and missing.err.startswith("iamctl: PolicyNotFoundException: ")
    member = cli("--account", DEV, "billing", "scp", "list")
    assert member.code == 3 and "AccessDeniedException" in member.err


def test_ou_and_move(cli, ok, org) -> None:
    root = ok("billing", "org", "roots", "--output", "json").json()["Roots"][0]["Id"]
    ou = ok("billing", "ou", "create", "Sandbox", "--output", "json").json()["OrganizationalUnit"]
    assert re.fullmatch(rf"ou-{root[2:]}-[a-z0-9]{{8}}", ou["Id"])
    assert ou["Arn"] == f"arn:aws:organizations::{PAYER}:ou/{org}/{ou['Id']}" and ou["Name"] == "Sandbox"
    child = ok("billing", "ou", "create", "Deep", "--parent", ou["Id"], "--output", "json").json()
    listed = ok("billing", "ou", "list", "--output", "json").json()["OrganizationalUnits"]
    assert [(o["Name"], o["ParentId"]) for o in listed] == [("Sandbox", root), ("Deep", ou["Id"])]
    under = ok("billing", "ou", "list", "--parent", ou["Id"], "--output", "json").json()["OrganizationalUnits"]
    assert [o["Id"] for o in under] == [child["OrganizationalUnit"]["Id"]]
    dup = cli("billing", "ou", "create", "Sandbox")
    assert dup.code == 3 and "DuplicateOrganizationalUnitException" in dup.err

    moved = ok("billing", "move", DEV, "--to", ou["Id"])
    assert f"Moved account {DEV} to {ou['Id']}." in moved.err
    same = cli("billing", "move", DEV, "--to", ou["Id"])
    assert same.code == 3 and "DuplicateAccountException" in same.err
    nowhere = cli("billing", "move", DEV, "--to", "ou-zzzz-zzzzzzzz")
    assert nowhere.code == 3 and "DestinationParentNotFoundException" in nowhere.err
    wrong_source = cli("billing", "move", DEV, "--to", root, "--from", root)
    assert wrong_source.code == 3 and "AccountNotFoundException" in wrong_source.err


def test_ou_get_rename_delete(cli, ok, org) -> None:
    ou = ok("billing", "ou", "create", "Sandbox", "--output", "json").json()["OrganizationalUnit"]
    assert ok("billing", "ou", "get", ou["Id"], "--output", "json").json() == {"OrganizationalUnit": ou}
    renamed = ok("billing", "ou", "rename", ou["Id"], "Production", "--output", "json").json()
    assert renamed == {"OrganizationalUnit": {**ou, "Name": "Production"}}
    ok("billing", "ou", "create", "Other")
    dup = cli("billing", "ou", "rename", ou["Id"], "Other")
    assert dup.code == 3 and "DuplicateOrganizationalUnitException" in dup.err
    empty = cli("billing", "ou", "rename", ou["Id"], "")
    assert empty.code == 3 and "InvalidInputException" in empty.err

    ok("billing", "move", DEV, "--to", ou["Id"])
    busy = cli("billing", "ou", "delete", ou["Id"])
    assert busy.code == 3 and "OrganizationalUnitNotEmptyException" in busy.err
    root = ok("billing", "org", "roots", "--output", "json").json()["Roots"][0]["Id"]
    ok("billing", "move", DEV, "--to", root)
    deleted = ok("billing", "ou", "delete", ou["Id"])
    assert deleted.out == "" and f"Deleted OU {ou['Id']}." in deleted.err
    gone = cli("billing", "ou", "get", ou["Id"])
    assert gone.code == 3 and "OrganizationalUnitNotFoundException" in gone.err
    targets = ok("billing", "scp", "targets", "FullAWSAccess", "--output", "json").json()["Targets"]
    assert ou["Id"] not in [t["TargetId"] for t in targets]


def test_scp_at_an_ou_through_the_cli(ok, org, store_path) -> None:
    """The issue's case end to end: an SCP attached to an OU (by the CLI) blocks a member's
    administrator; the payer's administrator keeps access."""
    ou = ok("billing", "ou", "create", "Sandbox", "--output", "json").json()["OrganizationalUnit"]["Id"]
    ok("billing", "move", DEV, "--to", ou)
    ok("billing", "scp", "create", "DenyS3", "--document", "-", stdin=DENY_S3)
    ok("billing", "scp", "attach", "DenyS3", "--target", ou)
    data = Store(store_path).read()

    def ask(account: str) -> tuple[str, str]:
        scps, billing_access, keys = org_inputs(data, account)
        admin = Principal(f"arn:aws:iam::{account}:user/admin", account, "User")
        decision = evaluate(
            Request(admin, "s3:PutObject", "arn:aws:s3:::bucket/key", context=keys),
            PolicySet(identity=[ADMIN], scps=scps, billing_access=billing_access),
        )
        return decision.decision, explain_block(decision, account, scps)

    decision, why = ask(DEV)
    assert decision == "explicitDeny" and f"DenyS3 at OU Sandbox ({ou})" in why
    assert ask(OPS)[0] == "allowed"  # still at the root: only FullAWSAccess applies
    assert ask(PAYER)[0] == "allowed"  # the management account is never bound by SCPs


def test_scp_content_in_a_table_is_indented_json(ok, org) -> None:
    # Content is a JSON string in AWS's shape (and stays one in --output json); a table shows
    # it as every other policy document in a table: indented.
    ok("billing", "scp", "create", "DenyS3", "--document", "-", stdin=DENY_S3)
    out = ok("billing", "scp", "get", "DenyS3").out
    assert '"Statement": [' in out and '"Effect": "Deny",' in out
    assert DENY_S3 not in out and '"Version":"2012-10-17"' not in out
    line = next(line for line in out.splitlines() if '"Sid": "NoS3"' in line)
    assert line.split('"Sid"')[0].endswith("      ")  # nested three levels deep
    got = ok("billing", "scp", "get", "DenyS3", "--output", "json").json()["Policy"]
    assert got["Content"] == DENY_S3
