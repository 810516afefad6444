"""who-can sees an organization's SCPs, as simulate does (end to end on the command line)."""

from __future__ import annotations

import json

from tests.billing_cli.conftest import DEV, OPS, PAYER, accounts, ok, org  # noqa: F401 (fixtures)

DENY_S3 = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]})


def test_an_scp_removes_a_members_admin_from_who_can(cli, ok, org) -> None:  # noqa: F811
    ok("billing", "scp", "create", "DenyS3", "--document", "-", stdin=DENY_S3)
    ok("billing", "scp", "attach", "DenyS3", "--target", DEV)
    for account in (PAYER, DEV, OPS):
        ok("--account", account, "user", "create", "admin")
        ok("--account", account, "user", "attach-policy", "admin", "AdministratorAccess")
    result = cli("access", "who-can", "s3:PutObject", "--resource", "arn:aws:s3:::b/k", "--output", "json")
    assert result.code == 0, result.err
    who = {r["Principal"] for r in result.json()["Results"]}
    assert f"arn:aws:iam::{OPS}:user/admin" in who and f"arn:aws:iam::{PAYER}:user/admin" in who
    assert f"arn:aws:iam::{DEV}:user/admin" not in who and f"arn:aws:iam::{DEV}:root" not in who
