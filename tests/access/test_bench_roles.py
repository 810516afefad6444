"""bench/make_store.py --roles: roles, instance profiles and assume statements that
iamctl reads, and that give access paths something to find (checked small)."""

from __future__ import annotations

import sys

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import make_store


def test_roles_store_has_a_known_escalation_path(tmp_path, cli, monkeypatch):
    path = tmp_path / "gen.toml"
    assert make_store.main(["--users", "300", "--groups", "5", "--policies", "10", "--roles", "12",
                            "--out", str(path)]) == 0
    monkeypatch.setenv("IAMCTL_STORE", str(path))
    role = cli("role", "get", "role4", "--output", "json").json()["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    profile = cli("role", "instance-profile", "get", "profile4", "--output", "json")
    assert [r["RoleName"] for r in profile.json()["InstanceProfile"]["Roles"]] == ["role4"]
    result = cli("access", "paths", "--output", "json")
    assert result.code == 1
    (found,) = result.json()["Paths"]
    assert found["Principal"].endswith("user/division1/user1") and found["Target"].endswith("role/role1")
    who = cli("access", "who-can", "sts:AssumeRole", "--resource", "arn:aws:iam::123456789012:role/role2",
              "--output", "json").json()["Results"]
    # role2 trusts its account: those whose own policies allow sts:AssumeRole on it may assume it —
    # user100 (its Assume statement) and role1 (AdministratorAccess).
    assert sorted(r["Principal"] for r in who) == ["arn:aws:iam::123456789012:role/role1",
                                                   "arn:aws:iam::123456789012:user/division0/user100"]
