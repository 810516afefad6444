"""An AWS managed policy iamctl does not ship (AWS made it after iamctl's data): import keeps
the file's copy for that account, and everything that reads policies sees it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from iamctl.core import managed
from iamctl.core.errors import StoreError
from iamctl.core.store.checks import check_account_references
from tests.transfer.roundtrip import differences, keyed
from tests.transfer.test_export import _lint
from tests.transfer.test_import_cli import ACCOUNT, arn, attached, good

NEW_NAME = "AmazonBrandNewServiceWriteAccess"
NEW_ARN = f"arn:aws:iam::aws:policy/service-role/{NEW_NAME}"
NEW_DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]}
FILTER_HINT = "--filter User Role Group LocalManagedPolicy AWSManagedPolicy"


def new_policy() -> dict:
    """ManagedPolicyDetail of an AWS managed policy iamctl's data does not have, as aws-cli prints it."""
    return {"PolicyName": NEW_NAME, "PolicyId": "ANPAZBRANDNEWXXXXXXXX", "Arn": NEW_ARN, "Path": "/service-role/",
            "DefaultVersionId": "v2", "AttachmentCount": 2, "PermissionsBoundaryUsageCount": 0, "IsAttachable": True,
            "CreateDate": "2031-05-06T07:08:09Z", "UpdateDate": "2031-06-07T08:09:10Z",
            "PolicyVersionList": [
                {"Document": NEW_DOC, "VersionId": "v2", "IsDefaultVersion": True,
                 "CreateDate": "2031-06-07T08:09:10Z"},
                {"Document": {**NEW_DOC, "Statement": []}, "VersionId": "v1", "IsDefaultVersion": False,
                 "CreateDate": "2031-05-06T07:08:09Z"}]}


def with_new_policy(*, listed: bool = True, document: bool = True) -> dict:
    """good(), with the new policy attached to user alice and role web."""
    file = good()
    file["UserDetailList"][0]["AttachedManagedPolicies"] += attached(NEW_ARN)
    file["RoleDetailList"][0]["AttachedManagedPolicies"] += attached(NEW_ARN)
    if listed:
        entry = new_policy()
        if not document:
            del entry["PolicyVersionList"]
        file["Policies"].append(entry)
    return file


@pytest.fixture
def write_file(tmp_path: Path):
    def write(content: dict) -> str:
        path = tmp_path / "details.json"
        path.write_text(json.dumps(content, indent=2))
        return str(path)

    return write


def test_the_policy_is_really_not_shipped():
    assert managed.get(NEW_ARN) is None and managed.get(NEW_NAME) is None


def test_import_keeps_it_and_says_so(cli, write_file):
    result = cli("account", "import", write_file(with_new_policy()))
    assert result.code == 0, result.err
    assert result.err.count("\n") == 1
    assert (f"adjusted: kept 1 AWS managed policy iamctl does not ship ({NEW_NAME})." in result.err), result.err
    # simulate decides with it: alice and role web may s3:PutObject only through it
    assert cli("simulate", "principal", "alice", "--action", "s3:PutObject").code == 0
    assert cli("simulate", "principal", arn("role", "web"), "--action", "s3:PutObject").code == 0
    assert cli("user", "detach-policy", "alice", NEW_ARN).code == 0
    assert cli("simulate", "principal", "alice", "--action", "s3:PutObject").code == 1
    assert cli("user", "attach-policy", "alice", NEW_ARN).code == 0  # attachable again, by ARN
    assert cli("simulate", "principal", "alice", "--action", "s3:PutObject").code == 0


def test_policy_get_and_list_see_it(cli, write_file):
    assert cli("account", "import", write_file(with_new_policy())).code == 0
    for ref in (NEW_NAME, NEW_ARN):
        got = cli("policy", "get", ref, "--output", "json")
        assert got.code == 0, got.err
        policy = got.json()["Policy"]
        assert (policy["Arn"], policy["Path"], policy["DefaultVersionId"], policy["PolicyId"]) == (
            NEW_ARN, "/service-role/", "v2", "ANPAZBRANDNEWXXXXXXXX")
        assert policy["AttachmentCount"] == 2
        assert policy["CreateDate"].startswith("2031-05-06") and policy["UpdateDate"].startswith("2031-06-07")
    listed = cli("policy", "list", "--scope", "AWS", "--output", "json").json()["Policies"]
    names = [p["PolicyName"] for p in listed]
    assert NEW_NAME in names and names == sorted(names)
    attached_only = cli("policy", "list", "--scope", "AWS", "--only-attached", "--output", "json").json()["Policies"]
    assert NEW_ARN in [p["Arn"] for p in attached_only]
    # a wrong path is another policy, which no one has
    assert cli("policy", "get", f"arn:aws:iam::aws:policy/{NEW_NAME}").code == 3


def test_other_accounts_do_not_have_it(cli, write_file):
    assert cli("account", "import", write_file(with_new_policy())).code == 0
    assert cli("account", "create", "--account-id", "210987654321").code == 0
    result = cli("--account", "210987654321", "user", "create", "bob")
    assert result.code == 0
    refused = cli("--account", "210987654321", "user", "attach-policy", "bob", NEW_ARN)
    assert refused.code == 3 and "NoSuchEntity" in refused.err


def test_authorization_details_round_trip_it(cli, write_file):
    file = with_new_policy()
    assert cli("account", "import", write_file(file)).code == 0
    details = cli("account", "authorization-details", "--output", "json").json()
    mine, theirs = keyed(file), keyed(details)
    # the file lists every version; iamctl keeps (and lists) the default one, as for AWS managed policies
    expected = {**new_policy(), "PolicyVersionList": new_policy()["PolicyVersionList"][:1]}
    assert differences(expected, theirs["Policies"][NEW_ARN], {}) == []
    for kind, name in (("UserDetailList", "alice"), ("RoleDetailList", "web")):
        assert differences(mine[kind][name]["AttachedManagedPolicies"],
                           theirs[kind][name]["AttachedManagedPolicies"], {}) == []
    # and exported, then imported again, it is the same account
    exported = cli("account", "export", "--format", "authorization-details")
    assert exported.code == 0, exported.err
    again = cli("account", "import", "-", "--replace", stdin=exported.out)
    assert again.code == 0, again.err
    assert f"kept 1 AWS managed policy iamctl does not ship ({NEW_NAME})" in again.err
    assert cli("account", "authorization-details", "--output", "json").json() == details


def test_cloudformation_references_it_by_arn(cli, write_file):
    assert cli("account", "import", write_file(with_new_policy())).code == 0
    exported = cli("account", "export", "--format", "cloudformation")
    assert exported.code == 0, exported.err
    resources = json.loads(exported.out)["Resources"]
    users = [r for r in resources.values() if r["Type"] == "AWS::IAM::User"]
    roles = [r for r in resources.values() if r["Type"] == "AWS::IAM::Role"]
    assert NEW_ARN in users[0]["Properties"]["ManagedPolicyArns"]
    assert NEW_ARN in roles[0]["Properties"]["ManagedPolicyArns"]
    # AWS has it: the template does not create it
    assert not any(r["Type"] == "AWS::IAM::ManagedPolicy" and r["Properties"].get("ManagedPolicyName") == NEW_NAME
                   for r in resources.values())
    assert _lint(json.loads(exported.out)) == []


def test_terraform_attaches_it_by_arn(cli, write_file):
    assert cli("account", "import", write_file(with_new_policy())).code == 0
    exported = cli("account", "export", "--format", "terraform")
    assert exported.code == 0, exported.err
    resources = json.loads(exported.out)["resource"]
    assert [a["policy_arn"] for a in resources["aws_iam_user_policy_attachment"].values()
            if a["policy_arn"] == NEW_ARN] == [NEW_ARN]
    assert [a["policy_arn"] for a in resources["aws_iam_role_policy_attachment"].values()
            if a["policy_arn"] == NEW_ARN] == [NEW_ARN]
    assert all(p.get("name") != NEW_NAME for p in resources.get("aws_iam_policy", {}).values())


@pytest.mark.parametrize(("listed", "what"), [
    (False, f"user alice has attached policy {NEW_ARN}, which is neither in the file nor an AWS managed policy "
            "iamctl knows."),
    (True, f"{NEW_ARN} is not an AWS managed policy iamctl knows, and the file has no document for it."),
])
def test_a_filtered_export_is_refused_with_how_to_export_it(cli, write_file, store_path, listed, what):
    """aws-cli's --filter without AWSManagedPolicy leaves AWS managed policies out of the file:
    iamctl cannot know what one it does not ship allows."""
    result = cli("account", "import", write_file(with_new_policy(listed=listed, document=False)))
    assert result.code == 3 and result.out == ""
    assert result.err.startswith("iamctl: NoSuchEntity: ") and result.err.count("\n") == 1
    assert what in result.err and FILTER_HINT in result.err
    assert not store_path.exists()  # nothing written


def test_a_kept_policy_must_say_the_same_as_its_arn(cli, write_file):
    file = with_new_policy()
    file["Policies"][-1]["Path"] = "/"
    result = cli("account", "import", write_file(file))
    assert result.code == 3 and "InvalidInput: " in result.err and "Path '/' does not match its Arn" in result.err
    file = with_new_policy()
    file["Policies"][-1]["Arn"] = "arn:aws:iam::aws:policy/service-role/ReadOnlyAccess"
    file["Policies"][-1]["PolicyName"] = "ReadOnlyAccess"
    result = cli("account", "import", write_file(file))
    assert result.code == 3 and "names the AWS managed policy ReadOnlyAccess, whose ARN is" in result.err


# ---------------------------------------------------------------- the store check, both ways


def _raw_account(kept: bool) -> dict:
    account = {"users": {"alice": {"attached": [NEW_ARN]}}, "roles": {"web": {"attached": [NEW_ARN]}}}
    if kept:
        account["aws_policies"] = {NEW_NAME: {"version_id": "v2", "document": json.dumps(NEW_DOC),
                                              "path": "/service-role/"}}
    return account


def test_store_check_accepts_a_policy_the_account_keeps():
    check_account_references(ACCOUNT, _raw_account(kept=True), "store.toml")


def test_store_check_refuses_one_neither_shipped_nor_kept():
    with pytest.raises(StoreError) as info:
        check_account_references(ACCOUNT, _raw_account(kept=False), "store.toml")
    assert info.value.code == "CorruptStore"
    assert f"user alice (account {ACCOUNT}) refers to policy {NEW_ARN}, which does not exist." in str(info.value)
    # a version override of a shipped policy (no path) does not make an unshipped ARN exist
    raw = _raw_account(kept=False)
    raw["aws_policies"] = {NEW_NAME: {"version_id": "v2", "document": json.dumps(NEW_DOC)}}
    with pytest.raises(StoreError):
        check_account_references(ACCOUNT, raw, "store.toml")


def test_a_store_that_lost_the_kept_copy_is_refused(cli, write_file, store_path):
    assert cli("account", "import", write_file(with_new_policy())).code == 0
    text = store_path.read_text()
    # the block runs to the next table header (its document's lines are indented)
    cut = re.sub(rf"^\[accounts\.{ACCOUNT}\.aws_policies\.{NEW_NAME}\]\n(?:(?!\[).*\n)*", "", text, flags=re.M)
    assert cut != text
    store_path.write_text(cut)
    result = cli("user", "get", "alice")
    assert result.code == 4
    assert "CorruptStore" in result.err and NEW_ARN in result.err and result.err.count("\n") == 1


def test_a_kept_copy_still_wins_once_iamctl_ships_the_policy(monkeypatch):
    """Regenerated data may ship the policy later: the account keeps the file's version, as
    it does for any AWS managed policy whose version in the file differs from the shipped one."""
    from iamctl.core.model import Account, AwsPolicyOverride
    from iamctl.core.service import policies

    account = Account(id=ACCOUNT, created="2024-01-02T03:04:05Z")
    account.aws_policies[NEW_NAME] = AwsPolicyOverride(
        name=NEW_NAME, version_id="v2", document=json.dumps(NEW_DOC), updated="2031-06-07T08:09:10Z",
        path="/service-role/", created="2031-05-06T07:08:09Z")
    shipped = managed.ManagedPolicy(NEW_NAME, NEW_ARN, "/service-role/", "v5", "2031-05-06T07:08:09Z",
                                    "2032-01-01T00:00:00Z", json.dumps({**NEW_DOC, "Statement": []}))
    assert policies.lookup(account, NEW_ARN).document == json.dumps(NEW_DOC)  # kept, not shipped
    monkeypatch.setattr(managed, "get", lambda ref: shipped if ref in (NEW_NAME, NEW_ARN) else None)
    ref = policies.lookup(account, NEW_ARN)
    assert (ref.document, ref.aws.default_version_id) == (json.dumps(NEW_DOC), "v2")
    other = Account(id="210987654321", created="2024-01-02T03:04:05Z")
    assert policies.lookup(other, NEW_ARN).aws.default_version_id == "v5"
