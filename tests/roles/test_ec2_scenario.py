"""The book's chapter 16D, end to end: a role for EC2 instances, then the instance's requests."""

from __future__ import annotations

from iamctl.core import sts
from iamctl.core.errors import IamError
from iamctl.core.policy.evaluate import denial_message
from iamctl.core.store import Store
from tests.roles.helpers import NOW

ACCOUNT = "232075047203"
INSTANCE = f"arn:aws:sts::{ACCOUNT}:assumed-role/ExampleEC2Role/i-d7027cd1"
TABLE = f"arn:aws:dynamodb:ap-northeast-1:{ACCOUNT}:table/UsersLeaderboard"


def test_ec2_role_scenario(cli, store_path):
    assert cli("init", "--account-id", ACCOUNT).code == 0
    created = cli("role", "create", "ExampleEC2Role", "--trust-service", "ec2.amazonaws.com", "--output", "json")
    assert created.code == 0, created.err
    assert created.json()["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "ec2.amazonaws.com"}
    assert cli("role", "attach-policy", "ExampleEC2Role", "AmazonS3FullAccess").code == 0
    assert cli("role", "instance-profile", "create", "ExampleEC2Role").code == 0
    assert cli("role", "instance-profile", "add-role", "ExampleEC2Role", "ExampleEC2Role").code == 0

    data = Store(store_path).read()
    account = data.accounts[ACCOUNT]
    assert account.instance_profiles["ExampleEC2Role"].roles == ["ExampleEC2Role"]
    instance = sts.resolve_caller(data, INSTANCE, account, NOW)  # no recorded session: EC2's own
    assert instance.principal.arn == INSTANCE
    assert instance.context["aws:PrincipalArn"] == [f"arn:aws:iam::{ACCOUNT}:role/ExampleEC2Role"]

    # On the instance, `aws s3 ls s3://examplebucket10` works without keys.
    _, listing = sts.authorize(instance, "s3:ListBucket", "arn:aws:s3:::examplebucket10")
    assert listing.decision == "allowed"

    # `aws dynamodb scan --table-name UsersLeaderboard` is refused, as in the book.
    request, scan = sts.authorize(instance, "dynamodb:Scan", TABLE)
    assert scan.decision == "implicitDeny"
    message = denial_message(request, scan)
    assert message.startswith(
        f"User: arn:aws:sts::{ACCOUNT}:assumed-role/ExampleEC2Role/i-d7027cd1 is not authorized to perform: "
        f"dynamodb:Scan on resource: arn:aws:dynamodb:ap-northeast-1:{ACCOUNT}:table/UsersLeaderboard"
    )

    # Deleting the role in use takes the instance's access away at once.
    assert cli("role", "delete", "ExampleEC2Role").code == 3
    assert cli("role", "delete", "ExampleEC2Role", "--force").code == 0
    data = Store(store_path).read()
    try:
        sts.resolve_caller(data, INSTANCE, data.accounts[ACCOUNT], NOW)
    except IamError as exc:
        assert exc.code == "NoSuchEntity"
    else:
        raise AssertionError("the deleted role still answers")


def test_a_role_that_trusts_no_service_has_no_unrecorded_sessions(cli, store_path):
    cli("init", "--account-id", ACCOUNT)
    cli("role", "create", "Admin", "--trust-account", ACCOUNT)
    data = Store(store_path).read()
    try:
        sts.resolve_caller(data, f"arn:aws:sts::{ACCOUNT}:assumed-role/Admin/i-0123456789abcdef0",
                           data.accounts[ACCOUNT], NOW)
    except IamError as exc:
        assert exc.code == "NoSuchEntity"
    else:
        raise AssertionError("an unrecorded session was accepted")
