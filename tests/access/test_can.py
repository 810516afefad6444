"""access can: a principal's effective access, expanded from the action catalogue."""

from __future__ import annotations

import json

import pytest

from iamctl.core.access.effective import as_policy, effective
from iamctl.core.access.subjects import resolve
from iamctl.core.service import policies, users
from tests.access.helpers import NOW, A, allow, deny, doc, role_with, store, user_with


def _grants(data, ref, **kw):
    who = resolve(data, data.accounts[A], ref, NOW)
    return {g.action: g for g in effective(data, who, **kw)}


def test_wildcards_expand_from_the_catalogue_and_deny_cuts_out_exceptions():
    data = store()
    user_with(data.accounts[A], "alice", allow("s3:Get*", "arn:aws:s3:::reports/*"),
              deny("s3:GetObject", "arn:aws:s3:::reports/secret/*"))
    grants = _grants(data, "alice")
    assert "s3:GetObject" in grants and "s3:GetBucketPolicy" in grants and "s3:PutObject" not in grants
    assert all(a.startswith("s3:Get") for a in grants)
    get = grants["s3:GetObject"]
    assert get.resources == ["arn:aws:s3:::reports/*"] and get.decision == "allowed"
    assert get.excepted == [(["arn:aws:s3:::reports/secret/*"], {})]
    assert grants["s3:GetBucketPolicy"].excepted == []


def test_groups_and_the_boundary_count():
    data = store()
    a = data.accounts[A]
    user_with(a, "alice", allow("s3:*"), group="devs")
    from iamctl.core.service import groups

    groups.put_policy(a, "devs", "ddb", doc(allow("dynamodb:GetItem", "arn:aws:dynamodb:*:*:table/t")))
    policies.create_policy(a, "Boundary", doc(allow(["s3:GetObject", "dynamodb:*"], "*")))
    users.set_boundary(a, "alice", f"arn:aws:iam::{A}:policy/Boundary")
    grants = _grants(data, "alice")
    assert set(grants) == {"s3:GetObject", "dynamodb:GetItem"}
    assert grants["dynamodb:GetItem"].resources == ["arn:aws:dynamodb:*:*:table/t"]


def test_a_narrower_pattern_under_an_allowed_one_is_dropped():
    data = store()
    user_with(data.accounts[A], "alice", allow("s3:GetObject", "arn:aws:s3:::b/k"), allow("s3:GetObject", "*"))
    assert _grants(data, "alice")["s3:GetObject"].resources == ["*"]


def test_policy_variables_are_filled_for_the_principal():
    data = store()
    user_with(data.accounts[A], "alice", allow("s3:PutObject", "arn:aws:s3:::home/${aws:username}/*"))
    assert _grants(data, "alice")["s3:PutObject"].resources == ["arn:aws:s3:::home/alice/*"]


def test_conditions_are_kept_and_the_document_grants_the_same():
    data = store()
    mfa = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    user_with(data.accounts[A], "alice", allow(["iam:ListUsers", "iam:GetUser"], "*", Condition=mfa),
              allow("s3:ListAllMyBuckets"))
    grants = _grants(data, "alice")
    assert grants["iam:GetUser"].decision == "conditional"
    assert grants["iam:GetUser"].condition_keys == ["aws:MultiFactorAuthPresent"]
    document = as_policy(list(grants.values()))
    assert document == {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["iam:GetUser", "iam:ListUsers"], "Resource": "*",
         "Condition": {"Bool": {"aws:MultiFactorAuthPresent": ["true"]}}},
        {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
    ]}
    # A user holding only that document can do exactly the same.
    user_with(data.accounts[A], "copy", *document["Statement"])
    again = _grants(data, "copy")
    assert {k: (g.resources, g.decision) for k, g in again.items()} == \
        {k: (g.resources, g.decision) for k, g in grants.items()}


def test_a_role_and_service_and_resource_filters():
    data = store()
    role_with(data, data.accounts[A], "App", {"Service": "ec2.amazonaws.com"},
              allow(["s3:GetObject", "sqs:SendMessage"], "*"))
    assert set(_grants(data, "role/App")) == {"s3:GetObject", "sqs:SendMessage"}
    assert set(_grants(data, "role/App", service="sqs")) == {"sqs:SendMessage"}
    on = _grants(data, f"arn:aws:iam::{A}:role/App", resource="arn:aws:s3:::b/k")
    assert on["s3:GetObject"].resources == ["arn:aws:s3:::b/k"]


@pytest.fixture
def alice(cli, account, tmp_path):
    policy = tmp_path / "p.json"
    policy.write_text(doc(allow(["s3:GetObject", "s3:ListBucket"], "arn:aws:s3:::reports*")))
    assert cli("user", "create", "alice").code == 0
    assert cli("user", "create", "bob").code == 0
    assert cli("user", "put-policy", "alice", "Read", "--document", str(policy)).code == 0


def test_cli_json_is_a_policy_document(cli, alice):
    result = cli("access", "can", "alice", "--output", "json")
    assert result.code == 0, result.err
    assert result.json() == {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "arn:aws:s3:::reports*"}]}


def test_cli_table_and_text_group_by_service(cli, alice):
    result = cli("access", "can", "alice", "--output", "lines")
    assert result.code == 0
    assert result.out.splitlines() == [
        "s3\ts3:GetObject\tallowed\tarn:aws:s3:::reports*\t\t",
        "s3\ts3:ListBucket\tallowed\tarn:aws:s3:::reports*\t\t",
    ]
    assert "s3:GetObject" in cli("access", "can", "alice").out


def test_cli_nothing_allowed_is_exit_1(cli, alice):
    result = cli("access", "can", "bob")
    assert result.code == 1 and result.out == ""
    assert "user/bob may perform no action" in result.err
    as_json = cli("access", "can", "bob", "--output", "json")
    assert as_json.code == 1 and json.loads(as_json.out) == {"Version": "2012-10-17", "Statement": []}


@pytest.mark.parametrize("argv, code, fragment", [
    (("access", "can", "nobody"), 3, "NoSuchEntity"),
    (("access", "can", "alice", "--service", "nosuchservice"), 2, "No service"),
    (("access", "can", "group/devs"), 2, "not a principal"),
    (("access", "can", "role/Nope"), 3, "NoSuchEntity"),
])
def test_cli_bad_principals_are_one_line(cli, alice, argv, code, fragment):
    result = cli(*argv)
    assert result.code == code and fragment in result.err and len(result.err.strip().splitlines()) == 1


def test_a_recorded_session_is_asked_with_its_session_policy():
    from iamctl.core import sts

    data = store()
    a = data.accounts[A]
    user_with(a, "alice", allow("sts:AssumeRole"))
    role_with(data, a, "App", {"AWS": f"arn:aws:iam::{A}:user/alice"}, allow(["s3:GetObject", "s3:PutObject"]))
    caller = sts.resolve_caller(data, "alice", a, NOW)
    issued = sts.assume_role(data, caller, a, "App", session_name="s1", now=NOW,
                             policy=doc(allow("s3:GetObject")))
    grants = _grants(data, issued.session.access_key_id)
    assert set(grants) == {"s3:GetObject"}  # the session policy narrows the role's
    assert set(_grants(data, "role/App")) == {"s3:GetObject", "s3:PutObject"}
