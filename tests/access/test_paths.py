"""access paths: one scenario per escalation kind, each with a known answer."""

from __future__ import annotations

import pytest

from iamctl.core.access import paths as pa
from iamctl.core.service import groups, instance_profiles, passwords, policies, roles, users
from tests.access.helpers import NOW, A, B, allow, arn, doc, role_with, store, user_with

ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"


def _admin_role(data, name="Boss", trusted=None, account=A):
    role = role_with(data, data.accounts[account], name, trusted or {"Service": "ec2.amazonaws.com"})
    roles.attach_policy(data.accounts[account], name, ADMIN_POLICY)
    return role


def _admin_user(account, name="root-like"):
    users.create(account, name)
    users.attach_policy(account, name, ADMIN_POLICY)


def _paths(data, who="mallory", account=A, target=None):
    graph = pa.build(data, NOW)
    return pa.shortest_paths(graph, arn(account, "user", who) if "/" not in who else who, target)


def _kinds(path) -> list[str]:
    return [s.kind for s in path.steps]


def test_assume_role_named_in_trust():
    data = store()
    user_with(data.accounts[A], "mallory")
    _admin_role(data, trusted={"AWS": arn(A, "user", "mallory")})
    (path,) = _paths(data)
    assert path.target == arn(A, "role", "Boss") and _kinds(path) == ["assume-role"]
    assert path.steps[0].statements[0].policy_id == "Boss trust policy"


def test_cross_account_assume_needs_both_sides():
    data = store()
    _admin_role(data, trusted={"AWS": f"arn:aws:iam::{B}:root"})
    user_with(data.accounts[B], "mallory", allow("sts:AssumeRole", arn(A, "role", "Boss")))
    user_with(data.accounts[B], "erin")
    (path,) = _paths(data, account=B)
    assert _kinds(path) == ["assume-role"]
    assert _paths(data, "erin", account=B) == []


@pytest.mark.parametrize("service, actions", [
    ("lambda.amazonaws.com", ["lambda:CreateFunction"]),
    ("cloudformation.amazonaws.com", ["cloudformation:CreateStack"]),
    ("codebuild.amazonaws.com", ["codebuild:CreateProject", "codebuild:StartBuild"]),
    ("sagemaker.amazonaws.com", ["sagemaker:CreateTrainingJob"]),
    ("glue.amazonaws.com", ["glue:CreateDevEndpoint"]),
    ("ecs-tasks.amazonaws.com", ["ecs:RunTask"]),
])
def test_pass_role_to_a_service_that_runs_code(service, actions):
    data = store()
    _admin_role(data, trusted={"Service": service})
    user_with(data.accounts[A], "mallory", allow("iam:PassRole", arn(A, "role", "Boss")), allow(actions))
    (path,) = _paths(data)
    assert _kinds(path) == ["pass-role"] and path.steps[0].actions == ("iam:PassRole", *actions)
    # Without the service's action, or with PassRole limited to another service: no path.
    data2 = store()
    _admin_role(data2, trusted={"Service": service})
    partial = allow(actions[:-1] or "s3:*")
    user_with(data2.accounts[A], "mallory", allow("iam:PassRole", arn(A, "role", "Boss")), partial)
    user_with(data2.accounts[A], "trent", allow(actions), allow(
        "iam:PassRole", "*", Condition={"StringEquals": {"iam:PassedToService": "states.amazonaws.com"}}))
    assert _paths(data2) == [] and _paths(data2, "trent") == []


def test_pass_role_to_ec2_needs_an_instance_profile():
    data = store()
    a = data.accounts[A]
    _admin_role(data)
    user_with(a, "mallory", allow(["iam:PassRole", "ec2:RunInstances"]))
    assert _paths(data) == []
    instance_profiles.create(a, "BossProfile")
    instance_profiles.add_role(a, "BossProfile", "Boss")
    (path,) = _paths(data)
    assert _kinds(path) == ["pass-role"] and "instance profile BossProfile" in path.steps[0].detail


def test_autoscaling_launch_configuration():
    data = store()
    a = data.accounts[A]
    _admin_role(data)
    instance_profiles.create(a, "BossProfile")
    instance_profiles.add_role(a, "BossProfile", "Boss")
    user_with(a, "mallory", allow(["iam:PassRole", "autoscaling:CreateLaunchConfiguration",
                                   "autoscaling:CreateAutoScalingGroup"]))
    (path,) = _paths(data)
    assert path.steps[0].actions == ("iam:PassRole", "autoscaling:CreateLaunchConfiguration",
                                     "autoscaling:CreateAutoScalingGroup")


def test_ssm_commands_on_an_instance_with_the_role():
    data = store()
    a = data.accounts[A]
    _admin_role(data)
    instance_profiles.create(a, "BossProfile")
    instance_profiles.add_role(a, "BossProfile", "Boss")
    user_with(a, "mallory", allow("ssm:SendCommand"))
    (path,) = _paths(data)
    assert _kinds(path) == ["instance-command"]


def test_update_assume_role_policy():
    data = store()
    _admin_role(data)
    user_with(data.accounts[A], "mallory", allow("iam:UpdateAssumeRolePolicy", arn(A, "role", "Boss")))
    (path,) = _paths(data)
    assert _kinds(path) == ["update-trust"]


def test_credentials_of_another_user():
    data = store()
    a = data.accounts[A]
    _admin_user(a, "admin")
    user_with(a, "mallory", allow("iam:CreateAccessKey", arn(A, "user", "admin")))
    user_with(a, "trent", allow("iam:CreateLoginProfile", arn(A, "user", "admin")))
    user_with(a, "victor", allow("iam:UpdateLoginProfile", arn(A, "user", "admin")))
    assert _kinds(_paths(data)[0]) == ["credentials"]
    assert _kinds(_paths(data, "trent")[0]) == ["credentials"]  # admin has no password yet: create one
    assert _paths(data, "victor") == []  # nothing to update
    passwords.set_password(a, "admin", "Correct-Horse-9", NOW)
    assert _paths(data, "trent") == []  # CreateLoginProfile fails on a user with a password
    assert _kinds(_paths(data, "victor")[0]) == ["credentials"]


@pytest.mark.parametrize("action", ["iam:AttachUserPolicy", "iam:PutUserPolicy"])
def test_self_escalation_on_ones_own_user(action):
    data = store()
    user_with(data.accounts[A], "mallory", allow(action, arn(A, "user", "mallory")))
    user_with(data.accounts[A], "trent", allow(action, arn(A, "user", "mallory")))
    (path,) = _paths(data)
    assert path.target == pa.ADMIN and _kinds(path) == ["self-escalation"]
    assert _paths(data, "trent") == []  # on someone else (who is no admin): not a path to admin


@pytest.mark.parametrize("action", ["iam:PutGroupPolicy", "iam:AttachGroupPolicy"])
def test_group_policy_and_add_user_to_group(action):
    data = store()
    a = data.accounts[A]
    user_with(a, "mallory", group="devs")
    groups.put_policy(a, "devs", "self", doc(allow(action, "arn:aws:iam::*:group/devs")))
    (path,) = _paths(data)
    assert path.steps[0].actions == (action,)
    assert "its group devs" in path.steps[0].detail
    groups.create(a, "admins")
    groups.attach_policy(a, "admins", ADMIN_POLICY)
    user_with(a, "trent", allow("iam:AddUserToGroup", arn(A, "group", "admins")))
    user_with(a, "victor", allow("iam:AddUserToGroup", arn(A, "group", "devs")))
    (path,) = _paths(data, "trent")
    assert path.steps[0].actions == ("iam:AddUserToGroup",)
    assert _paths(data, "victor") == []  # devs is not an admin group


def test_policy_versions_of_an_attached_policy():
    data = store()
    a = data.accounts[A]
    policies.create_policy(a, "Mine", doc(allow("s3:GetObject")))
    mine = f"arn:aws:iam::{A}:policy/Mine"
    user_with(a, "mallory", allow("iam:CreatePolicyVersion", mine))
    users.attach_policy(a, "mallory", mine)
    assert _paths(data)[0].steps[0].actions == ("iam:CreatePolicyVersion",)
    user_with(a, "trent", allow("iam:SetDefaultPolicyVersion", mine))
    users.attach_policy(a, "trent", mine)
    assert _paths(data, "trent") == []  # no version worth switching to
    policies.create_version(a, mine, doc(allow("*", "*")))
    (path,) = _paths(data, "trent")
    assert path.steps[0].actions == ("iam:SetDefaultPolicyVersion",) and "v2" in path.steps[0].detail


def test_a_role_session_raises_its_own_role_after_assuming_it():
    data = store()
    a = data.accounts[A]
    user_with(a, "mallory")
    role_with(data, a, "Ops", {"AWS": arn(A, "user", "mallory")}, allow("iam:PutRolePolicy", arn(A, "role", "Ops")))
    (path,) = _paths(data)
    assert _kinds(path) == ["assume-role", "self-escalation"] and path.target == pa.ADMIN


def test_changing_the_policies_of_a_role_one_can_assume():
    data = store()
    a = data.accounts[A]
    user_with(a, "mallory", allow("iam:AttachRolePolicy", arn(A, "role", "Ops")))
    role_with(data, a, "Ops", {"AWS": arn(A, "user", "mallory")})
    (path,) = _paths(data)
    assert _kinds(path) == ["modify-role"] and path.steps[0].actions == ("iam:AttachRolePolicy", "sts:AssumeRole")


def test_shortest_first_and_to_a_given_principal():
    data = store()
    a = data.accounts[A]
    user_with(a, "mallory", allow("iam:PutUserPolicy", arn(A, "user", "mallory")))
    role_with(data, a, "Hop", {"AWS": arn(A, "user", "mallory")})
    _admin_role(data, trusted={"AWS": arn(A, "role", "Hop")})
    found = _paths(data)
    assert [len(p.steps) for p in found] == [1, 2]
    assert found[1].target == arn(A, "role", "Boss") and _kinds(found[1]) == ["assume-role", "assume-role"]
    (to_hop,) = _paths(data, target=arn(A, "role", "Hop"))
    assert _kinds(to_hop) == ["assume-role"]


def test_admins_are_not_sources_and_nobody_else_has_a_path():
    data = store()
    a = data.accounts[A]
    _admin_user(a, "admin")
    user_with(a, "reader", allow("s3:GetObject"))
    graph = pa.build(data, NOW)
    assert graph.admins == {arn(A, "user", "admin")}
    assert pa.all_paths(graph) == []


# ---------------------------------------------------------------- the CLI


@pytest.fixture
def escalating(cli, account, tmp_path):
    policy = tmp_path / "p.json"
    policy.write_text(doc(allow("iam:AttachUserPolicy", "arn:aws:iam::123456789012:user/mallory")))
    for argv in (("user", "create", "mallory"), ("user", "create", "reader"),
                 ("user", "put-policy", "mallory", "Self", "--document", str(policy))):
        assert cli(*argv).code == 0, argv


def test_cli_paths_exit_1_with_steps_and_statements(cli, escalating):
    result = cli("access", "paths", "--output", "json")
    assert result.code == 1, result.err
    (path,) = result.json()["Paths"]
    assert path["Principal"] == "arn:aws:iam::123456789012:user/mallory" and path["Target"] == "admin"
    (step,) = path["Steps"]
    assert step["Kind"] == "self-escalation" and step["Actions"] == ["iam:AttachUserPolicy"]
    assert step["MatchedStatements"][0]["SourcePolicyId"] == "user/mallory/inline/Self"
    table = cli("access", "paths", "mallory")
    assert table.code == 1 and "user/mallory -[self-escalation]-> admin" in table.out


def test_an_admin_is_already_there(cli, escalating):
    assert cli("user", "attach-policy", "reader", "AdministratorAccess").code == 0
    result = cli("access", "paths", "reader", "--output", "json")
    assert result.code == 1
    assert result.json()["Paths"] == [{"Principal": "arn:aws:iam::123456789012:user/reader", "Target": "admin",
                                       "Length": 0, "Steps": []}]
    assert "(already there)" in cli("access", "paths", "reader").out


def test_cli_no_path_is_exit_0(cli, escalating):
    result = cli("access", "paths", "reader")
    assert result.code == 0 and "no path to admin" in result.err


def test_cli_unknown_target_is_one_line(cli, escalating):
    result = cli("access", "paths", "--to", "arn:aws:iam::123456789012:user/ghost")
    assert result.code == 3 and "NoSuchEntity" in result.err and len(result.err.splitlines()) == 1


def test_admin_means_every_action_not_power_user_or_a_bounded_star():
    from iamctl.core.access.subjects import resolve

    data = store()
    a = data.accounts[A]
    _admin_user(a, "admin")
    users.create(a, "power")
    users.attach_policy(a, "power", "arn:aws:iam::aws:policy/PowerUserAccess")
    user_with(a, "star-but-no-iam", allow("*"), {"Effect": "Deny", "Action": "iam:*", "Resource": "*"})
    admins = {name for name in ("admin", "power", "star-but-no-iam")
              if pa.is_admin(data, resolve(data, a, name, NOW))}
    assert admins == {"admin"}
