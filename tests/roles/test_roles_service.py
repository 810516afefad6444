"""Roles and instance profiles: AWS's rules, quotas and conflicts."""

from __future__ import annotations

import pytest

from iamctl.core.errors import IamError
from iamctl.core.model.base import to_raw
from iamctl.core.service import instance_profiles, quotas, roles
from iamctl.core.store.checks import check_references
from tests.roles.helpers import A, B, allow, doc, store, trust, user_with

EC2 = trust({"Service": "ec2.amazonaws.com"})


def test_role_ids_arns_and_defaults():
    data = store()
    account = data.accounts[A]
    role = roles.create(data, account, "ExampleEC2Role", EC2, path="/service-role/", description="web servers")
    assert role.id.startswith("AROA") and len(role.id) == 21
    assert role.arn(A) == f"arn:aws:iam::{A}:role/service-role/ExampleEC2Role"
    assert role.max_session_duration == 3600


@pytest.mark.parametrize("name", ["", "a" * 65, "bad name", "bad/name", "é"])
def test_role_name_rules(name):
    data = store()
    with pytest.raises(IamError) as exc:
        roles.create(data, data.accounts[A], name, EC2)
    assert exc.value.code == "ValidationError"


def test_role_name_64_is_fine_and_duplicates_ignore_case():
    data = store()
    roles.create(data, data.accounts[A], "r" * 64, EC2)
    roles.create(data, data.accounts[A], "Deploy", EC2)
    with pytest.raises(IamError) as exc:
        roles.create(data, data.accounts[A], "DEPLOY", EC2)
    assert exc.value.code == "EntityAlreadyExists"


@pytest.mark.parametrize("seconds,ok", [(3599, False), (3600, True), (43200, True), (43201, False)])
def test_max_session_duration_range(seconds, ok):
    data = store()
    if ok:
        assert roles.create(data, data.accounts[A], "r", EC2, max_session_duration=seconds)
    else:
        with pytest.raises(IamError) as exc:
            roles.create(data, data.accounts[A], "r", EC2, max_session_duration=seconds)
        assert exc.value.code == "ValidationError"


def test_roles_per_account_quota(monkeypatch):
    monkeypatch.setattr(quotas, "ROLES_PER_ACCOUNT", 2)
    data = store()
    roles.create(data, data.accounts[A], "one", EC2)
    roles.create(data, data.accounts[A], "two", EC2)
    with pytest.raises(IamError) as exc:
        roles.create(data, data.accounts[A], "three", EC2)
    assert exc.value.code == "LimitExceeded"
    assert "RolesPerAccount: 2" in exc.value.message
    assert quotas.ROLES_PER_ACCOUNT == 2 and roles.quotas.ROLES_PER_ACCOUNT == 2


@pytest.mark.parametrize(
    "text,words",
    [
        (doc({"Effect": "Allow", "Action": "sts:AssumeRole"}), 'missing required element "Principal"'),
        (trust({"Service": "ec2.amazonaws.com"}, action="s3:GetObject"), "may only specify STS AssumeRole actions"),
        (doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole",
              "Resource": "*"}), "Has prohibited field Resource"),
        (trust({"AWS": f"arn:aws:iam::{A}:user/nobody"}), "Invalid principal in policy"),
        (trust({"Service": "not a service"}), "Invalid principal in policy"),
        (trust({"Federated": "example.com"}, action="sts:AssumeRoleWithWebIdentity"), "Invalid principal"),
        (trust({"AWS": "arn:aws:iam::*:root"}), "Invalid principal"),
    ],
)
def test_trust_policies_are_checked_as_aws_does(text, words):
    data = store()
    with pytest.raises(IamError) as exc:
        roles.create(data, data.accounts[A], "r", text)
    assert exc.value.code == "MalformedPolicyDocument"
    assert words in exc.value.message


def test_trust_policy_accepts_tag_session_source_identity_and_unknown_accounts():
    data = store()
    user_with(data.accounts[A], "alice")
    text = doc({"Effect": "Allow", "Principal": {"AWS": [f"arn:aws:iam::{A}:user/alice", "999988887777"]},
                "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]})
    roles.create(data, data.accounts[B], "r", text)


def test_trust_policy_size_limit():
    data = store()
    big = trust({"Service": "ec2.amazonaws.com"}, Sid="x" * 2100)
    with pytest.raises(IamError) as exc:
        roles.create(data, data.accounts[A], "r", big)
    assert exc.value.code == "LimitExceeded"


def test_instance_profile_holds_one_role_and_blocks_role_delete():
    data = store()
    account = data.accounts[A]
    roles.create(data, account, "web", EC2)
    roles.create(data, account, "other", EC2)
    profile = instance_profiles.create(account, "web")
    assert profile.id.startswith("AIPA")
    assert profile.arn(A) == f"arn:aws:iam::{A}:instance-profile/web"
    instance_profiles.add_role(account, "web", "web")
    with pytest.raises(IamError) as exc:
        instance_profiles.add_role(account, "web", "other")
    assert exc.value.code == "LimitExceeded"
    with pytest.raises(IamError) as exc:
        roles.delete(account, "web")
    assert exc.value.code == "DeleteConflict"
    assert "instance profile" in exc.value.message
    with pytest.raises(IamError) as exc:
        instance_profiles.delete(account, "web")
    assert exc.value.code == "DeleteConflict"
    removed = roles.delete(account, "web", force=True)
    assert removed == ["role web from instance profile web"]
    assert account.instance_profiles["web"].roles == []
    check_references(to_raw(data), "store")


def test_role_policies_and_delete_conflicts():
    data = store()
    account = data.accounts[A]
    roles.create(data, account, "r", EC2)
    roles.attach_policy(account, "r", "AmazonS3ReadOnlyAccess")
    roles.put_policy(account, "r", "logs", doc(allow("logs:*")))
    roles.set_boundary(account, "r", "AmazonS3FullAccess")
    with pytest.raises(IamError, match="detach all policies"):
        roles.delete(account, "r")
    roles.detach_policy(account, "r", "AmazonS3ReadOnlyAccess")
    with pytest.raises(IamError, match="delete policies"):
        roles.delete(account, "r")
    roles.delete_boundary(account, "r")
    with pytest.raises(IamError) as exc:
        roles.delete_boundary(account, "r")
    assert exc.value.code == "NoSuchEntity"
    assert roles.delete(account, "r", force=True) == ["inline policy logs of role r"]


def test_role_inline_policy_aggregate_is_10240():
    data = store()
    account = data.accounts[A]
    roles.create(data, account, "r", EC2)
    filler = doc(allow("s3:GetObject", [f"arn:aws:s3:::bucket-{i:04}/*" for i in range(330)]))
    roles.put_policy(account, "r", "big", filler)  # far beyond a user's 2,048
    more = doc(allow("s3:GetObject", [f"arn:aws:s3:::other-{i:04}/*" for i in range(60)]))
    with pytest.raises(IamError) as exc:
        roles.put_policy(account, "r", "more", more)
    assert exc.value.code == "LimitExceeded"


def test_update_role_description_and_duration():
    data = store()
    account = data.accounts[A]
    roles.create(data, account, "r", EC2, description="old")
    role = roles.update(account, "r", description="new", max_session_duration=7200)
    assert (role.description, role.max_session_duration) == ("new", 7200)
    assert roles.update(account, "r", description="").description is None


def test_update_trust_checks_the_new_document():
    data = store()
    account = data.accounts[A]
    roles.create(data, account, "r", EC2)
    with pytest.raises(IamError):
        roles.update_trust(data, account, "r", trust({"Service": "ec2.amazonaws.com"}, action="iam:*"))
    roles.update_trust(data, account, "r", trust({"AWS": B}))
    assert B in account.roles["r"].trust
