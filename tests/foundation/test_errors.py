"""Every AWS error code from a realistic case: exact one-line stderr and exit code."""

from __future__ import annotations

import json

import pytest

from iamctl.core.service import quotas
from tests.foundation.conftest import ACCOUNT, S3_READ, fails

VALID_NAME = r"[\w+=,.@-]+"
PATH_RULE = r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)"


# ---------------------------------------------------------------- NoSuchEntity


@pytest.mark.parametrize(("argv", "message"), [
    (("user", "get", "bob"), "The user with name bob cannot be found."),
    (("user", "delete", "bob"), "The user with name bob cannot be found."),
    (("user", "update", "bob", "--new-name", "rob"), "The user with name bob cannot be found."),
    (("group", "get", "devs"), "The group with name devs cannot be found."),
    (("group", "add-user", "devs", "alice"), "The group with name devs cannot be found."),
    (("policy", "get", "Nope"), f"Policy arn:aws:iam::{ACCOUNT}:policy/Nope does not exist or is not attachable."),
    (("user", "attach-policy", "alice", "NoSuchPolicy"),
     f"Policy arn:aws:iam::{ACCOUNT}:policy/NoSuchPolicy does not exist or is not attachable."),
    (("user", "attach-policy", "alice", "arn:aws:iam::aws:policy/NotAnAwsPolicy"),
     "Policy arn:aws:iam::aws:policy/NotAnAwsPolicy does not exist or is not attachable."),
    (("user", "detach-policy", "alice", "ReadOnlyAccess"),
     "Policy arn:aws:iam::aws:policy/ReadOnlyAccess was not found attached to user alice."),
    (("user", "get-policy", "alice", "Missing"), "The user policy with name Missing cannot be found."),
    (("user", "delete-policy", "alice", "Missing"), "The user policy with name Missing cannot be found."),
    (("policy", "delete", "Nope"), f"Policy arn:aws:iam::{ACCOUNT}:policy/Nope was not found."),
    (("policy", "version", "set-default", "Nope", "v1"), f"Policy arn:aws:iam::{ACCOUNT}:policy/Nope was not found."),
])
def test_no_such_entity(cli, account, argv, message):
    assert cli("user", "create", "alice").code == 0
    fails(cli(*argv), 3, f"iamctl: NoSuchEntity: {message}")


# ---------------------------------------------------------------- EntityAlreadyExists


def test_entity_already_exists_ignores_case(cli, account, doc):
    assert cli("user", "create", "alice").code == 0
    assert cli("user", "create", "bob").code == 0
    assert cli("group", "create", "Devs").code == 0
    assert cli("policy", "create", "Mine", "--document", doc()).code == 0
    fails(cli("user", "create", "alice"), 3, "iamctl: EntityAlreadyExists: User with name alice already exists.")
    fails(cli("user", "create", "ALICE"), 3, "iamctl: EntityAlreadyExists: User with name ALICE already exists.")
    fails(cli("user", "update", "bob", "--new-name", "Alice"), 3,
          "iamctl: EntityAlreadyExists: User with name Alice already exists.")
    fails(cli("group", "create", "devs"), 3, "iamctl: EntityAlreadyExists: Group with name devs already exists.")
    fails(cli("policy", "create", "MINE", "--document", doc()), 3,
          "iamctl: EntityAlreadyExists: A policy called MINE already exists. Duplicate names are not allowed.")


# ---------------------------------------------------------------- DeleteConflict


def test_delete_conflicts(cli, account, doc):
    for argv in (("user", "create", "alice"), ("group", "create", "devs"), ("group", "add-user", "devs", "alice"),
                 ("policy", "create", "Mine", "--document", doc()), ("group", "attach-policy", "devs", "Mine")):
        assert cli(*argv).code == 0
    fails(cli("group", "delete", "devs"), 3,
          "iamctl: DeleteConflict: Cannot delete entity, must remove user alice from group devs first.")
    fails(cli("policy", "delete", "Mine"), 3, "iamctl: DeleteConflict: Cannot delete a policy attached to entities.")


# ---------------------------------------------------------------- LimitExceeded


def test_ten_managed_policies_per_user_and_group(cli, account, doc):
    assert cli("user", "create", "alice").code == 0
    assert cli("group", "create", "devs").code == 0
    for i in range(11):
        assert cli("policy", "create", f"P{i}", "--document", doc()).code == 0
    for i in range(10):
        assert cli("user", "attach-policy", "alice", f"P{i}").code == 0
        assert cli("group", "attach-policy", "devs", f"P{i}").code == 0
    fails(cli("user", "attach-policy", "alice", "P10"), 3,
          "iamctl: LimitExceeded: Cannot exceed quota for PoliciesPerUser: 10")
    fails(cli("group", "attach-policy", "devs", "AdministratorAccess"), 3,
          "iamctl: LimitExceeded: Cannot exceed quota for PoliciesPerGroup: 10")
    assert cli("user", "attach-policy", "alice", "P9").code == 0  # already there: not a new attachment


def test_ten_groups_per_user(cli, account):
    assert cli("user", "create", "alice").code == 0
    for i in range(11):
        assert cli("group", "create", f"g{i}").code == 0
    for i in range(10):
        assert cli("group", "add-user", f"g{i}", "alice").code == 0
    fails(cli("group", "add-user", "g10", "alice"), 3,
          "iamctl: LimitExceeded: Cannot exceed quota for GroupsPerUser: 10")


def test_five_policy_versions(cli, account, doc):
    assert cli("policy", "create", "Mine", "--document", doc()).code == 0
    for _ in range(4):
        assert cli("policy", "version", "create", "Mine", "--document", doc()).code == 0
    fails(cli("policy", "version", "create", "Mine", "--document", doc()), 3,
          "iamctl: LimitExceeded: A managed policy can have up to 5 versions. Before you create a new version, "
          "you must delete an existing version.")


def test_fifty_tags(cli, account):
    tags = [f"k{i}=v" for i in range(50)]
    assert cli("user", "create", "alice", *[a for t in tags for a in ("--tag", t)]).code == 0
    assert cli("user", "tag", "alice", "k0=changed").code == 0  # replacing is not adding
    fails(cli("user", "tag", "alice", "k50=v"), 3,
          "iamctl: LimitExceeded: The number of tags has reached the maximum limit of 50.")
    fails(cli("user", "create", "bob", *[a for i in range(51) for a in ("--tag", f"k{i}=v")]), 3,
          "iamctl: LimitExceeded: The number of tags has reached the maximum limit of 50.")


def test_five_thousand_users(cli, account, store_path):
    from iamctl.core.service import users
    from iamctl.core.store import Store

    with Store(store_path).transaction() as data:
        acct = data.accounts[ACCOUNT]
        for i in range(quotas.USERS_PER_ACCOUNT):
            users.create(acct, f"user{i}")
    assert len(Store(store_path).read().accounts[ACCOUNT].users) == 5000
    fails(cli("user", "create", "one-too-many"), 3,
          "iamctl: LimitExceeded: Cannot exceed quota for UsersPerAccount: 5000")
    assert cli("user", "delete", "user0").code == 0
    assert cli("user", "create", "one-too-many").code == 0


def test_inline_policy_size_quotas(cli, account, doc):
    assert cli("user", "create", "alice").code == 0
    assert cli("group", "create", "devs").code == 0
    big = _document_of_size(2100)  # over a user's 2,048, under a group's 5,120
    fails(cli("user", "put-policy", "alice", "Big", "--document", doc(big)), 3,
          "iamctl: LimitExceeded: Cannot exceed quota for PolicySize: 2048")
    assert cli("group", "put-policy", "devs", "Big", "--document", doc(big)).code == 0
    # the quota is on the sum of a user's inline policies
    half = _document_of_size(1100)
    assert cli("user", "put-policy", "alice", "One", "--document", doc(half)).code == 0
    fails(cli("user", "put-policy", "alice", "Two", "--document", doc(half)), 3,
          "iamctl: LimitExceeded: Maximum policy size of 2048 bytes exceeded for user alice.")
    # whitespace does not count
    spaced = json.dumps(json.loads(half), indent=8)
    assert cli("user", "put-policy", "alice", "One", "--document", doc(spaced)).code == 0


def test_managed_policy_size_quota(cli, account, doc):
    fails(cli("policy", "create", "Huge", "--document", doc(_document_of_size(6200))), 3,
          "iamctl: LimitExceeded: Cannot exceed quota for PolicySize: 6144")


def _document_of_size(chars: int) -> str:
    """A valid document of about *chars* non-whitespace characters."""
    resources: list[str] = []
    text = ""
    while len(text) < chars:
        resources.append(f"arn:aws:s3:::bucket/{len(resources):06d}")
        text = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": resources}]}, separators=(",", ":"))
    return text


# ---------------------------------------------------------------- MalformedPolicyDocument

STATEMENT = '{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}'


@pytest.mark.parametrize(("text", "message"), [
    ('{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow",, }\n  ]\n}',
     "Syntax error in policy: expected a quoted member name (line 4, column 24)."),
    ('{"Version": "2012-10-17", "Statement": [' + STATEMENT + ']',
     None),  # unterminated: checked for a line/column below
    ('{"Statement": [' + STATEMENT + ']}',
     'missing required element "Version" (line 1, column 1).'),
    ('{"Version": "2020-01-01", "Statement": [' + STATEMENT + ']}',
     'Version must be "2012-10-17" or "2008-10-17", not "2020-01-01" (line 1, column 13).'),
    ('{"Version": "2012-10-17"}', 'missing required element "Statement" (line 1, column 1).'),
    ('{"Version": "2012-10-17", "Statement": [{"Action": "s3:*", "Resource": "*"}]}',
     'Statement 1: missing required element "Effect" (line 1, column 41).'),
    ('{"Version": "2012-10-17", "Statement": [{"Effect": "Permit", "Action": "s3:*", "Resource": "*"}]}',
     'Statement 1: Effect must be "Allow" or "Deny", not "Permit" (line 1, column 52).'),
    ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "NotAction": "s3:Get*",'
     ' "Resource": "*"}]}',
     "Statement 1: a statement cannot have both Action and NotAction (line 1, column 92)."),
    ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*"}]}',
     'Statement 1: missing required element "Action" or "NotAction" (line 1, column 41).'),
    ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",'
     ' "NotResource": "x"}]}',
     "Statement 1: a statement cannot have both Resource and NotResource (line 1, column 111)."),
    ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*"}]}',
     'Statement 1: missing required element "Resource" or "NotResource" (line 1, column 41).'),
    ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Colour": 1}]}',
     'Statement 1: unknown element "Colour" (line 1, column 106).'),
    ('{"Version": "2012-10-17", "Colour": 1, "Statement": [' + STATEMENT + ']}',
     'unknown element "Colour" at the top level (line 1, column 37).'),
    ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*",'
     ' "Resource": "*"}]}',
     "Statement 1: Policy document should not specify a principal (line 1, column 74)."),
    ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": 5, "Resource": "*"}]}',
     "Statement 1: Action must be a string or a list of strings, not 5 (line 1, column 71)."),
])
def test_malformed_policy_document(cli, account, doc, text, message):
    assert cli("user", "create", "alice").code == 0
    for argv in (("user", "put-policy", "alice", "P", "--document", doc(text)),
                 ("policy", "create", "P", "--document", doc(text))):
        result = cli(*argv)
        if message is None:
            assert result.code == 3 and result.out == ""
            assert result.err.startswith("iamctl: MalformedPolicyDocument: Syntax error in policy: ")
            assert "(line 1, column " in result.err and result.err.count("\n") == 1
        else:
            fails(result, 3, f"iamctl: MalformedPolicyDocument: {message}")


def test_malformed_version_document_leaves_the_policy_alone(cli, jcli, doc):
    assert cli("policy", "create", "Mine", "--document", doc()).code == 0
    fails(cli("policy", "version", "create", "Mine", "--document", doc("{}")), 3,
          'iamctl: MalformedPolicyDocument: missing required element "Statement" (line 1, column 1).')
    assert len(jcli("policy", "version", "list", "Mine")["Versions"]) == 1
    assert jcli("policy", "get", "Mine")["PolicyVersion"]["Document"] == S3_READ


# ---------------------------------------------------------------- InvalidInput


def test_invalid_input(cli, account):
    fails(cli("user", "create", "alice", "--tag", "aws:team=x"), 3,
          "iamctl: InvalidInput: Tag keys starting with 'aws:' are reserved for AWS (aws:team).")
    fails(cli("policy", "version", "set-default", "AdministratorAccess", "v1"), 3,
          "iamctl: InvalidInput: Policy arn:aws:iam::aws:policy/AdministratorAccess is an AWS managed policy "
          "and cannot be changed.")


# ---------------------------------------------------------------- ValidationError


# AWS's message word for word, then what it means in plain words.
HINTS = {
    "VALID_NAME": " (letters, digits and + = , . @ _ - only; no spaces or slashes)",
    "PATH_RULE": " (a path starts and ends with /, e.g. /engineering/)",
}


def _pattern(value: str, field: str, rule: str) -> str:
    hint = HINTS["PATH_RULE"] if rule == PATH_RULE else HINTS["VALID_NAME"]
    return (f"iamctl: ValidationError: 1 validation error detected: Value '{value}' at '{field}' failed to "
            f"satisfy constraint: Member must satisfy regular expression pattern: {rule}{hint}")


def _length(value: str, field: str, limit: int) -> str:
    return (f"iamctl: ValidationError: 1 validation error detected: Value '{value}' at '{field}' failed to "
            f"satisfy constraint: Member must have length between 1 and {limit}")


def test_validation_errors(cli, account, doc):
    assert cli("user", "create", "alice").code == 0
    fails(cli("user", "create", "bad/name"), 3, _pattern("bad/name", "userName", VALID_NAME))
    fails(cli("user", "create", "é"), 3, _pattern("é", "userName", VALID_NAME))
    fails(cli("user", "create", "a" * 65), 3, _length("a" * 65, "userName", 64))
    assert cli("user", "create", "b" * 64).code == 0
    fails(cli("group", "create", "g" * 129), 3, _length("g" * 129, "groupName", 128))
    assert cli("group", "create", "g" * 128).code == 0
    fails(cli("policy", "create", "p q", "--document", doc()), 3, _pattern("p q", "policyName", VALID_NAME))
    fails(cli("user", "update", "alice", "--new-name", "al:ice"), 3, _pattern("al:ice", "newUserName", VALID_NAME))
    fails(cli("user", "put-policy", "alice", "in line", "--document", doc()), 3,
          _pattern("in line", "policyName", VALID_NAME))
    for bad in ("noslash", "/a", "a/", "/a//b/", "/sp ace/"):
        fails(cli("user", "create", "x", "--path", bad), 3, _pattern(bad, "path", PATH_RULE))
    fails(cli("group", "update", "g" * 128, "--new-path", "nope"), 3, _pattern("nope", "newPath", PATH_RULE))
    long_path = "/" + "a" * 511 + "/"
    fails(cli("user", "create", "x", "--path", long_path), 3,
          f"iamctl: ValidationError: 1 validation error detected: Value '{long_path}' at 'path' failed to satisfy "
          "constraint: Member must have length less than or equal to 512 (512 at most)")
    fails(cli("user", "create", "x", "--tag", "novalue"), 3,
          "iamctl: ValidationError: A tag must be KEY=VALUE, not 'novalue'.")
    fails(cli("user", "create", "x", "--tag", "=v"), 3,
          "iamctl: ValidationError: Tag key '' must be 1 to 128 characters.")
