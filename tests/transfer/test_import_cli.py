"""iamctl account import end to end: hand-built files for every rule and every error."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from urllib.parse import quote

import pytest

ACCOUNT = "123456789012"
ALLOW_S3 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
EC2_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


def arn(kind: str, name: str, path: str = "/", account: str = ACCOUNT) -> str:
    return f"arn:aws:iam::{account}:{kind}{path}{name}"


def user(name: str, **extra) -> dict:
    return {"Path": "/", "UserName": name, "UserId": "AIDA" + name.upper().ljust(17, "X")[:17],
            "Arn": arn("user", name), "CreateDate": "2024-01-02T03:04:05Z", "UserPolicyList": [],
            "GroupList": [], "AttachedManagedPolicies": [], "Tags": [], **extra}


def group(name: str, **extra) -> dict:
    return {"Path": "/", "GroupName": name, "GroupId": "AGPA" + name.upper().ljust(17, "X")[:17],
            "Arn": arn("group", name), "CreateDate": "2024-01-02T03:04:05Z", "GroupPolicyList": [],
            "AttachedManagedPolicies": [], **extra}


def role(name: str, trust: dict = EC2_TRUST, **extra) -> dict:
    return {"Path": "/", "RoleName": name, "RoleId": "AROA" + name.upper().ljust(17, "X")[:17],
            "Arn": arn("role", name), "CreateDate": "2024-01-02T03:04:05Z", "AssumeRolePolicyDocument": trust,
            "InstanceProfileList": [], "RolePolicyList": [], "AttachedManagedPolicies": [], "Tags": [],
            "RoleLastUsed": {}, **extra}


def policy(name: str, *docs: dict, default: int = 1) -> dict:
    versions = [{"Document": d, "VersionId": f"v{i}", "IsDefaultVersion": i == default,
                 "CreateDate": "2024-01-02T03:04:05Z"} for i, d in enumerate(docs or [ALLOW_S3], start=1)]
    return {"PolicyName": name, "PolicyId": "ANPA" + name.upper().ljust(17, "X")[:17], "Arn": arn("policy", name),
            "Path": "/", "DefaultVersionId": f"v{default}", "AttachmentCount": 0, "PermissionsBoundaryUsageCount": 0,
            "IsAttachable": True, "CreateDate": "2024-01-02T03:04:05Z", "UpdateDate": "2024-01-02T03:04:05Z",
            "PolicyVersionList": versions}


def attached(policy_arn: str) -> list[dict]:
    return [{"PolicyName": policy_arn.rsplit("/", 1)[-1], "PolicyArn": policy_arn}]


def details(users=(), groups=(), roles=(), policies=()) -> dict:
    return {"UserDetailList": list(users), "GroupDetailList": list(groups), "RoleDetailList": list(roles),
            "Policies": list(policies)}


def good() -> dict:
    """An account with a bit of everything, in aws-cli's form."""
    profile = {"Path": "/", "InstanceProfileName": "web", "InstanceProfileId": "AIPAWEBXXXXXXXXXXXXXX",
               "Arn": arn("instance-profile", "web"), "CreateDate": "2024-01-02T03:04:05Z",
               "Roles": [{"Path": "/", "RoleName": "web", "RoleId": "AROAWEBXXXXXXXXXXXXXX", "Arn": arn("role", "web"),
                          "CreateDate": "2024-01-02T03:04:05Z", "AssumeRolePolicyDocument": EC2_TRUST,
                          "Description": "web servers", "MaxSessionDuration": 7200}]}
    return details(
        users=[user("alice", GroupList=["devs"], AttachedManagedPolicies=attached(arn("policy", "Mine")),
                    PermissionsBoundary={"PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                                         "PermissionsBoundaryArn": "arn:aws:iam::aws:policy/PowerUserAccess"},
                    Tags=[{"Key": "team", "Value": "web"}],
                    UserPolicyList=[{"PolicyName": "s3", "PolicyDocument": ALLOW_S3}])],
        groups=[group("devs", AttachedManagedPolicies=attached("arn:aws:iam::aws:policy/ReadOnlyAccess"))],
        roles=[role("web", InstanceProfileList=[profile])],
        policies=[policy("Mine", ALLOW_S3, {**ALLOW_S3, "Statement": [{**ALLOW_S3["Statement"][0], "Sid": "Two"}]},
                         default=2)],
    )


@pytest.fixture
def write_file(tmp_path: Path):
    def write(content: dict | str, name: str = "details.json") -> str:
        path = tmp_path / name
        path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2))
        return str(path)

    return write


def test_import_into_no_store_creates_it(cli, write_file, store_path):
    result = cli("account", "import", write_file(good()), "--alias", "prod", "--output", "json")
    assert result.code == 0, result.err
    (shape,) = result.json()["Accounts"]
    assert shape["Id"] == ACCOUNT and shape["Alias"] == "prod"
    assert result.err.count("\n") == 1
    assert result.err.startswith(f"Imported account {ACCOUNT}: 1 user, 1 group, 1 role, 1 instance profile, "
                                 "1 customer managed policy (2 versions), 0 AWS managed policies; adjusted: nothing.")
    assert store_path.stat().st_mode & 0o777 == 0o600
    got = cli("user", "get", "alice", "--output", "json").json()
    assert got["User"]["UserId"] == "AIDAALICEXXXXXXXXXXXX"  # AWS-shaped IDs are kept
    assert cli("simulate", "principal", "alice", "--action", "s3:GetObject").code == 0


def test_import_into_an_existing_store_adds_the_account(cli, account, write_file):
    other = json.loads(json.dumps(good()).replace(ACCOUNT, "210987654321"))
    result = cli("account", "import", write_file(other))
    assert result.code == 0, result.err
    listed = cli("account", "list", "--output", "json").json()["Accounts"]
    assert [a["Id"] for a in listed] == [ACCOUNT, "210987654321"]
    assert cli("--account", "210987654321", "user", "get", "alice").code == 0
    assert cli("user", "get", "alice").code == 3  # the default account is untouched


def test_stdin_and_raw_api_form(cli, write_file):
    raw = good()
    for u in raw["UserDetailList"]:
        for p in u["UserPolicyList"]:
            p["PolicyDocument"] = quote(json.dumps(p["PolicyDocument"]), safe="")
    for r in raw["RoleDetailList"]:
        r["AssumeRolePolicyDocument"] = quote(json.dumps(r["AssumeRolePolicyDocument"]), safe="")
    for p in raw["Policies"]:
        for v in p["PolicyVersionList"]:
            v["Document"] = quote(json.dumps(v["Document"]), safe="")
    result = cli("account", "import", "-", stdin=json.dumps(raw))
    assert result.code == 0, result.err
    got = cli("user", "get-policy", "alice", "s3", "--output", "json").json()
    assert got["PolicyDocument"] == ALLOW_S3


def test_several_files_several_accounts(cli, write_file):
    other = json.loads(json.dumps(good()).replace(ACCOUNT, "210987654321"))
    result = cli("account", "import", write_file(good(), "a.json"), write_file(other, "b.json"))
    assert result.code == 0, result.err
    assert result.err.count("\n") == 2  # one summary line per account
    assert len(cli("account", "list", "--output", "json").json()["Accounts"]) == 2
    # --alias names one account
    again = cli("account", "import", write_file(good(), "a.json"), write_file(other, "b.json"), "--alias", "x",
                "--replace")
    assert again.code == 3 and "--alias names one account" in again.err


def test_account_id_option_for_a_file_without_arns(cli, write_file):
    empty = details()
    result = cli("account", "import", write_file(empty))
    assert result.code == 2 and "--account-id" in result.err and result.err.count("\n") == 1
    assert cli("account", "import", write_file(empty), "--account-id", "111122223333").code == 0
    assert cli("account", "get", "111122223333").code == 0
    mismatch = cli("account", "import", write_file(good()), "--account-id", "111122223333")
    assert mismatch.code == 2 and "name account 123456789012, not 111122223333" in mismatch.err


def test_existing_account_needs_replace(cli, write_file, store_path):
    assert cli("account", "import", write_file(good())).code == 0
    before = store_path.read_bytes()
    result = cli("account", "import", write_file(good()))
    assert (result.code, result.out) == (3, "")
    assert result.err == (f"iamctl: EntityAlreadyExists: Account {ACCOUNT} already exists in the store "
                          "(--replace replaces its IAM entities).\n")
    assert store_path.read_bytes() == before


def test_replace_keeps_credentials_of_users_still_there_and_everything_else(cli, write_file):
    assert cli("account", "import", write_file(good()), "--alias", "prod").code == 0
    assert cli("user", "create", "bob").code == 0
    assert cli("key", "create", "alice").code == 0
    assert cli("key", "create", "bob").code == 0
    assert cli("account", "password-policy", "set", "--minimum-password-length", "20").code == 0
    assert cli("account", "create", "--account-id", "210987654321").code == 0
    changed = good()
    changed["UserDetailList"][0]["Tags"] = [{"Key": "team", "Value": "data"}]
    result = cli("account", "import", write_file(changed), "--replace")
    assert result.code == 0, result.err
    assert result.err.startswith(f"Replaced the IAM of account {ACCOUNT}:")
    assert cli("user", "get", "bob").code == 3  # not in the file: gone
    keys = cli("key", "list", "alice", "--output", "json").json()["AccessKeyMetadata"]
    assert len(keys) == 1  # alice is still there, and so is her key
    assert cli("user", "get", "alice", "--output", "json").json()["User"]["Tags"] == [{"Key": "team", "Value": "data"}]
    account = cli("account", "get", "--output", "json").json()["Account"]
    assert account["Alias"] == "prod"
    policy = cli("account", "password-policy", "get", "--output", "json").json()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 20
    assert cli("account", "get", "210987654321").code == 0


def test_aws_managed_version_from_the_file_wins_and_is_reported(cli, write_file):
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}]}
    aws = {"PolicyName": "ReadOnlyAccess", "Arn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "Path": "/",
           "DefaultVersionId": "v999", "AttachmentCount": 1, "IsAttachable": True,
           "CreateDate": "2015-02-06T18:39:48Z", "UpdateDate": "2030-01-01T00:00:00Z",
           "PolicyVersionList": [{"Document": doc, "VersionId": "v999", "IsDefaultVersion": True,
                                  "CreateDate": "2030-01-01T00:00:00Z"}]}
    file = good()
    file["Policies"].append(aws)
    result = cli("account", "import", write_file(file))
    assert result.code == 0, result.err
    assert "AWS managed ReadOnlyAccess v999 (shipped: v" in result.err and result.err.count("\n") == 1
    # alice's group has ReadOnlyAccess: in this account it is the file's version
    assert cli("simulate", "principal", "alice", "--action", "ec2:DescribeInstances").code == 0
    assert cli("simulate", "principal", "alice", "--action", "dynamodb:GetItem").code == 1
    got = cli("policy", "get", "ReadOnlyAccess", "--output", "json").json()
    assert got["Policy"]["DefaultVersionId"] == "v999"
    listed = cli("account", "authorization-details", "--output", "json").json()["Policies"]
    ro = next(p for p in listed if p["PolicyName"] == "ReadOnlyAccess")
    assert ro["PolicyVersionList"][0]["Document"] == doc and ro["UpdateDate"] == "2030-01-01T00:00:00Z"
    # exported as authorization details and imported again, the account keeps that version
    exported = cli("account", "export", "--format", "authorization-details")
    again = cli("account", "import", "-", "--replace", stdin=exported.out)
    assert again.code == 0 and "AWS managed ReadOnlyAccess v999" in again.err
    assert cli("policy", "get", "ReadOnlyAccess", "--output", "json").json()["Policy"]["DefaultVersionId"] == "v999"
    # other accounts still see the shipped version
    assert cli("account", "create", "--account-id", "210987654321").code == 0
    shipped = cli("--account", "210987654321", "policy", "get", "ReadOnlyAccess", "--output", "json").json()
    assert shipped["Policy"]["DefaultVersionId"] != "v999"


def test_ids_that_are_not_aws_shaped_get_new_ones(cli, write_file):
    file = good()
    file["UserDetailList"][0]["UserId"] = "1utb1f6glby8yep70zbq"  # moto's
    del file["GroupDetailList"][0]["GroupId"]
    result = cli("account", "import", write_file(file))
    assert result.code == 0 and "adjusted: 2 unique IDs replaced (not AWS-shaped, or missing)." in result.err
    one = good()
    one["UserDetailList"][0]["UserId"] = "lowercase"
    replaced = cli("account", "import", write_file(one), "--replace")
    assert "adjusted: 1 unique ID replaced (not AWS-shaped, or missing)." in replaced.err
    user_id = cli("user", "get", "alice", "--output", "json").json()["User"]["UserId"]
    assert user_id.startswith("AIDA") and len(user_id) == 21


def _mutate(change):
    file = good()
    change(file)
    return file


def _set(path, value):
    def change(file):
        target = file
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


ERRORS = [
    # (change to the good file, exit code, what the one line must say)
    (_set(("UserDetailList", 0, "GroupList"), ["devs", "ops"]), 3,
     "NoSuchEntity: ", "user alice is in group ops, which is not in the file."),
    (_set(("GroupDetailList", 0, "AttachedManagedPolicies"), attached(arn("policy", "Gone"))), 3,
     "NoSuchEntity: ", f"group devs has attached policy {arn('policy', 'Gone')}, which is neither in the file"),
    (_set(("UserDetailList", 0, "PermissionsBoundary"), {"PermissionsBoundaryArn": arn("policy", "Gone")}), 3,
     "NoSuchEntity: ", f"user alice has as its permissions boundary policy {arn('policy', 'Gone')}"),
    (_set(("RoleDetailList", 0, "InstanceProfileList", 0, "Roles", 0, "RoleName"), "ghost"), 3,
     "NoSuchEntity: ", "instance profile web holds role ghost, which is not in the file."),
    (lambda f: f["UserDetailList"].append(user("Alice")), 3,
     "EntityAlreadyExists: ", "user Alice is in the file(s) twice"),
    (lambda f: f["Policies"].append({"Arn": "arn:aws:iam::aws:policy/NoSuchThing", "PolicyVersionList": []}), 3,
     "NoSuchEntity: ", "arn:aws:iam::aws:policy/NoSuchThing is not an AWS managed policy iamctl knows"),
    (_set(("UserDetailList", 0, "UserName"), "al ice"), 3, "ValidationError: ", "Value 'al ice' at 'userName'"),
    (_set(("UserDetailList", 0, "Arn"), arn("user", "al ice")), 3, "InvalidInput: ", "does not match its name"),
    (_set(("UserDetailList", 0, "Path"), "no-slashes"), 3, "ValidationError: ", "'no-slashes' at 'path'"),
    (_set(("UserDetailList", 0, "GroupList"), [f"g{i}" for i in range(11)]), 3, "NoSuchEntity: ", "group g0"),
    (lambda f: (f["GroupDetailList"].extend(group(f"g{i}") for i in range(11)),
                f["UserDetailList"][0].update(GroupList=[f"g{i}" for i in range(11)])), 3,
     "LimitExceeded: ", "user alice: Cannot exceed quota for GroupsPerUser: 10"),
    (lambda f: f["Policies"].append(policy("Many", *[ALLOW_S3] * 6)), 3,
     "LimitExceeded: ", "policy Many: a managed policy can have up to 5 versions, the file has 6."),
    (_set(("Policies", 0, "PolicyVersionList", 0, "IsDefaultVersion"), True), 3,
     "InvalidInput: ", "policy Mine must have exactly one default version, not 2."),
    (_set(("UserDetailList", 0, "UserPolicyList"), [{"PolicyName": "big", "PolicyDocument": {
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": [
            f"arn:aws:s3:::bucket-{i:04d}/*" for i in range(100)]}]}}]),
     3, "LimitExceeded: ", "user alice: Cannot exceed quota for PolicySize: 2048"),
    (_set(("UserDetailList", 0, "UserPolicyList"), [{"PolicyName": "bad", "PolicyDocument": {
        "Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Action": "s3:*", "Resource": "*"}]}}]),
     3, "MalformedPolicyDocument: ", "user alice: "),
    (_set(("UserDetailList", 0, "Tags"), [{"Key": "aws:secret", "Value": "x"}]), 3, "InvalidInput: ", "aws:"),
    (_set(("UserDetailList", 0, "CreateDate"), "yesterday"), 3,
     "InvalidInput: ", "user alice: CreateDate 'yesterday' is not an ISO 8601 time"),
    (_set(("RoleDetailList", 0, "AssumeRolePolicyDocument"), {
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": arn("user", "nobody")},
                                                "Action": "sts:AssumeRole"}]}), 3,
     "MalformedPolicyDocument: ", "role web, trust policy: Invalid principal in policy"),
    (lambda f: f["UserDetailList"].append(user("bob", Arn=arn("user", "bob", account="210987654321"))), 2,
     "InvalidImportFile: ", "holds entities of several accounts (123456789012, 210987654321)."),
    (_set(("UserDetailList",), {"not": "a list"}), 2, "InvalidImportFile: ", "UserDetailList must be a list"),
    (_set(("NextToken",), "abc"), 2, "InvalidImportFile: ", "is incomplete"),
]


@pytest.mark.parametrize(("change", "code", "error", "detail"), ERRORS)
def test_every_error_is_one_line_and_writes_nothing(cli, account, write_file, store_path, change, code, error,
                                                    detail):
    before = store_path.read_bytes()
    path = write_file(_mutate(change))
    result = cli("account", "import", path, "--replace")
    assert (result.code, result.out) == (code, ""), result.err
    assert result.err.count("\n") == 1 and result.err.startswith(f"iamctl: {error}")
    assert detail in result.err
    if code == 3 and "several" not in detail:
        assert path in result.err  # the file is named
    assert store_path.read_bytes() == before


def test_a_trust_policy_may_name_a_role_listed_later(cli, write_file):
    first = role("first", trust={"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": arn("role", "second")}, "Action": "sts:AssumeRole"}]})
    result = cli("account", "import", write_file(details(roles=[first, role("second")])))
    assert result.code == 0, result.err


@pytest.mark.parametrize(("text", "detail"), [
    ("{not json", "not JSON (Expecting property name enclosed in double quotes, line 1 column 2)."),
    ('{"Users": []}', "not the output of 'aws iam get-account-authorization-details'"),
    ("[]", "not the output of"),
])
def test_files_that_are_not_details(cli, write_file, text, detail):
    path = write_file(text)
    result = cli("account", "import", path)
    assert (result.code, result.out) == (2, "")
    assert result.err == f"iamctl: InvalidImportFile: {path}: {detail}\n" or (
        result.err.count("\n") == 1 and detail in result.err)


def test_missing_file_and_two_stdins(cli):
    missing = cli("account", "import", "/nonexistent/x.json")
    assert missing.code == 2 and missing.err == "iamctl: NoSuchFile: No such file: /nonexistent/x.json\n"
    twice = cli("account", "import", "-", "-", stdin="{}")
    assert twice.code == 2 and "only once" in twice.err


def test_pages_need_the_last_one(cli, write_file):
    page1 = {**details(users=[user("alice")]), "IsTruncated": True, "Marker": "m1"}
    page2 = {**details(users=[user("bob")]), "IsTruncated": False}
    only_first = cli("account", "import", write_file(page1, "p1.json"))
    assert only_first.code == 2 and "incomplete" in only_first.err
    both = cli("account", "import", write_file(page1, "p1.json"), write_file(page2, "p2.json"))
    assert both.code == 0, both.err
    assert "2 users" in both.err


def test_good_file_is_not_changed_by_the_tests():
    assert good() == copy.deepcopy(good())


def test_the_aws_cli_fixture_through_the_cli(cli):
    data = Path(__file__).resolve().parent.parent / "data" / "import"
    result = cli("account", "import", str(data / "moto_cli_page1.json"), str(data / "moto_cli_page2.json"))
    assert result.code == 0, result.err
    assert result.err == (
        "Imported account 123456789012: 3 users, 2 groups, 2 roles, 1 instance profile, 2 customer managed "
        "policies (4 versions), 0 AWS managed policies; adjusted: 8 unique IDs replaced (not "
        "AWS-shaped, or missing); 2 managed policies without PolicyName named from the ARN.\n")


def test_quotas_of_create_apply(cli, write_file, monkeypatch):
    from iamctl.core.service import quotas

    monkeypatch.setattr(quotas, "USERS_PER_ACCOUNT", 2)
    result = cli("account", "import", write_file(details(users=[user("a"), user("b"), user("c")])))
    assert (result.code, result.out) == (3, "")
    assert result.err.endswith(": user c: Cannot exceed quota for UsersPerAccount: 2\n")
    assert result.err.startswith("iamctl: LimitExceeded: ")


def test_trusted_identity_providers_kept_by_replace_are_not_named(cli, write_file, tmp_path):
    saml_role = role("sso", trust={"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": arn("saml-provider", "Okta")},
        "Action": "sts:AssumeRoleWithSAML"}]})
    file = write_file(details(roles=[saml_role]))
    first = cli("account", "import", file)
    assert first.code == 0 and first.err.rstrip().endswith(f"{arn('saml-provider', 'Okta')}.")
    assert cli("account", "idp", "list", "--output", "json").json().get("SAMLProviderList", []) == []
    metadata = tmp_path / "okta.xml"
    metadata.write_text('<md:EntityDescriptor entityID="https://okta.example.com">' + " " * 1000
                        + "</md:EntityDescriptor>")
    assert cli("account", "idp", "create-saml", "Okta", "--metadata", str(metadata)).code == 0
    again = cli("account", "import", file, "--replace")
    assert again.code == 0 and "identity providers" not in again.err
    assert cli("account", "idp", "get", "Okta").code == 0  # kept


def test_documents_without_version_keep_their_meaning(cli, write_file):
    """AWS holds documents written without Version (read as 2008-10-17, where ${...} is no
    policy variable); iamctl says their Version for them, and counts it."""
    old = {"Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/${aws:username}"}]}
    file = good()
    file["UserDetailList"][0]["UserPolicyList"] = [{"PolicyName": "old", "PolicyDocument": old}]
    result = cli("account", "import", write_file(file))
    assert result.code == 0, result.err
    assert 'adjusted: 1 policy document without Version given the "2008-10-17" AWS reads them as.' in result.err
    got = cli("user", "get-policy", "alice", "old", "--output", "json").json()["PolicyDocument"]
    assert got == {"Version": "2008-10-17", **old}
    # the literal resource matches, the variable is not expanded
    literal = "arn:aws:s3:::b/${aws:username}"
    assert cli("simulate", "principal", "alice", "--action", "s3:PutObject", "--resource", literal).code == 0
    assert cli("simulate", "principal", "alice", "--action", "s3:PutObject", "--resource",
               "arn:aws:s3:::b/alice").code == 1


def test_replace_ends_the_sessions_of_roles_that_are_gone(cli, write_file):
    file = write_file(good())
    assert cli("account", "import", file).code == 0
    assert cli("role", "create", "ops", "--trust-principal", arn("user", "alice")).code == 0
    assert cli("role", "attach-policy", "ops", "ReadOnlyAccess").code == 0
    assumed = cli("role", "assume", "ops", "--as", "alice", "--session-name", "s1")
    assert assumed.code == 0, assumed.err
    assert len(cli("role", "sessions", "--output", "json").json()["Sessions"]) == 1
    result = cli("account", "import", file, "--replace")
    assert result.code == 0, result.err
    assert cli("role", "get", "ops").code == 3
    assert cli("role", "sessions", "--output", "json").json()["Sessions"] == []
    assert cli("account", "authorization-details").code == 0  # the store reads back clean
