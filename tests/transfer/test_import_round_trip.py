"""account import, then account authorization-details: the file again, apart from what the
import says it adjusted. The files were made by the real aws-cli against moto
(scripts/gen_import_fixture.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from iamctl.core.model import StoreData
from iamctl.core.store import Store
from iamctl.core.transfer import importing
from tests.transfer.roundtrip import SUMMARY, differences, keyed

DATA = Path(__file__).resolve().parent.parent / "data" / "import"
AWS_ID = re.compile(r"A(IDA|GPA|ROA|IPA|NPA)[A-Z0-9]{17}")


def _import(store_path: Path, *names: str) -> list[importing.Report]:
    files = [(name, (DATA / name).read_text()) for name in names]
    data = StoreData()
    reports = importing.import_files(data, files)
    Store(store_path).create(data)
    return reports


def _details(cli) -> dict:
    result = cli("account", "authorization-details", "--output", "json")
    assert result.code == 0, result.err
    return result.json()


def _merged(*names: str) -> dict:
    merged: dict = {}
    for name in names:
        for key, value in json.loads((DATA / name).read_text()).items():
            if isinstance(value, list):
                merged.setdefault(key, []).extend(value)
    return merged


@pytest.mark.parametrize("files", [
    ("moto_cli.json",),  # aws-cli's form: documents as objects
    ("moto_raw.json",),  # the API's form: documents URL-encoded
    ("moto_cli_page1.json", "moto_cli_page2.json"),  # aws-cli's pages of one export
])
def test_round_trip_is_the_file_apart_from_adjusted_ids(cli, store_path, files):
    (report,) = _import(store_path, *files)
    expected, actual = keyed(_merged(*files)), keyed(_details(cli))
    # The same entities ...
    for key in ("UserDetailList", "GroupDetailList", "RoleDetailList"):
        assert set(actual[key]) == set(expected[key]), key
    # ... and the same customer managed policies; AWS managed ones are listed when in use,
    # whether or not the file listed them (the pages and the raw file leave them out).
    local = {arn for arn in expected["Policies"] if ":aws:policy/" not in arn}
    assert {arn for arn in actual["Policies"] if ":aws:policy/" not in arn} == local
    assert set(expected["Policies"]) <= set(actual["Policies"])
    found = []
    for key, entries in expected.items():
        for name, entry in entries.items():
            found += differences(entry, actual[key][name], report.new_ids, f"{key}[{name}]")
    assert found == [], "\n".join(found)


def test_only_ids_that_are_not_aws_shaped_change(store_path):
    (report,) = _import(store_path, "moto_cli.json")
    assert report.new_ids, "moto's user IDs are lowercase: they must be replaced"
    assert all(not AWS_ID.fullmatch(old) for old in report.new_ids)
    assert all(AWS_ID.fullmatch(new) for new in report.new_ids.values())
    # moto's role IDs are AWS-shaped: kept
    roles = json.loads((DATA / "moto_cli.json").read_text())["RoleDetailList"]
    assert all(r["RoleId"] not in report.new_ids for r in roles)
    # moto's ManagedPolicyDetail has no PolicyId: those are new too
    missing = sum(1 for p in json.loads((DATA / "moto_cli.json").read_text())["Policies"]
                  if "PolicyId" not in p and ":aws:policy/" not in p["Arn"])
    assert missing == 2 and report.ids_replaced == len(report.new_ids) + missing
    assert SUMMARY.search(report.summary()).group(1) == str(report.ids_replaced)


def test_everything_the_issue_lists_arrives(cli, store_path):
    _import(store_path, "moto_cli.json")
    details = _details(cli)
    alice = next(u for u in details["UserDetailList"] if u["UserName"] == "alice")
    assert alice["Path"] == "/eng/" and alice["GroupList"] == ["Developers"]
    assert alice["Tags"] == [{"Key": "team", "Value": "web"}, {"Key": "cost-center", "Value": "4711"}]
    assert [p["PolicyName"] for p in alice["UserPolicyList"]] == ["Leaderboard"]
    role = next(r for r in details["RoleDetailList"] if r["RoleName"] == "ExampleEC2Role")
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"].endswith(":policy/DeveloperBoundary")
    (profile,) = role["InstanceProfileList"]
    assert profile["InstanceProfileName"] == "ExampleEC2Profile" and profile["Path"] == "/web/"
    # Description and MaxSessionDuration come from the role's copy in its instance profile
    got = cli("role", "get", "ExampleEC2Role", "--output", "json").json()["Role"]
    assert got["Description"] == "Web servers read the leaderboard" and got["MaxSessionDuration"] == 7200
    versions = cli("policy", "version", "list", "arn:aws:iam::123456789012:policy/app/S3ReadExampleBucket",
                   "--output", "json").json()["Versions"]
    assert sorted((v["VersionId"], v["IsDefaultVersion"]) for v in versions) == [
        ("v1", False), ("v2", True), ("v3", False)]
    # the next version continues the file's numbering
    doc = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    cli("policy", "version", "delete", "arn:aws:iam::123456789012:policy/app/S3ReadExampleBucket", "v1")
    made = cli("policy", "version", "create", "arn:aws:iam::123456789012:policy/app/S3ReadExampleBucket",
               "--document", "-", "--output", "json", stdin=doc)
    assert made.code == 0 and made.json()["PolicyVersion"]["VersionId"] == "v4"


def test_imported_account_answers_access_questions(cli, store_path):
    _import(store_path, "moto_cli.json")
    # bob is an admin through the Admins group
    assert cli("simulate", "principal", "bob", "--action", "iam:CreateUser").code == 0
    # carol has nothing
    assert cli("simulate", "principal", "carol", "--action", "s3:GetObject").code == 1
