"""access diff: effective access gained and lost between two stores."""

from __future__ import annotations

import copy
import json
import subprocess

import pytest

from iamctl.core.access import diff as df
from iamctl.core.service import groups, policies, roles, users
from tests.access.helpers import NOW, A, B, allow, arn, doc, role_with, store, trust, user_with


def _base():
    data = store()
    a = data.accounts[A]
    user_with(a, "alice", allow("s3:GetObject", "arn:aws:s3:::reports/*"), group="devs")
    user_with(a, "bob")
    role_with(data, a, "Ops", {"AWS": arn(A, "user", "alice")}, allow("sqs:SendMessage"))
    return data


def _rows(changes):
    return {(c.change, c.principal.rsplit("/", 1)[-1], c.action, c.resource) for c in changes}


def test_nothing_changed_is_no_change():
    data = _base()
    assert df.diff(data, copy.deepcopy(data), NOW) == []


def test_gained_and_lost_grants_of_a_changed_user():
    old = _base()
    new = copy.deepcopy(old)
    users.put_policy(new.accounts[A], "alice", "inline", doc(allow("s3:GetObject", "arn:aws:s3:::other/*")))
    assert _rows(df.diff(old, new, NOW)) == {
        ("gained", "alice", "s3:GetObject", "arn:aws:s3:::other/*"),
        ("lost", "alice", "s3:GetObject", "arn:aws:s3:::reports/*"),
    }


def test_a_widened_pattern_is_a_gain_not_also_a_loss():
    old = _base()
    new = copy.deepcopy(old)
    users.put_policy(new.accounts[A], "alice", "inline", doc(allow("s3:GetObject", "*")))
    assert _rows(df.diff(old, new, NOW)) == {("gained", "alice", "s3:GetObject", "*")}
    assert _rows(df.diff(new, old, NOW)) == {("lost", "alice", "s3:GetObject", "*")}


def test_a_group_policy_reaches_its_members_and_a_new_version_its_holders():
    old = _base()
    new = copy.deepcopy(old)
    groups.put_policy(new.accounts[A], "devs", "q", doc(allow("sqs:ReceiveMessage", "arn:aws:sqs:*:*:jobs")))
    assert _rows(df.diff(old, new, NOW)) == {("gained", "alice", "sqs:ReceiveMessage", "arn:aws:sqs:*:*:jobs")}
    policies.create_policy(old.accounts[A], "Read", doc(allow("ec2:DescribeInstances")))
    users.attach_policy(old.accounts[A], "bob", f"arn:aws:iam::{A}:policy/Read")
    newer = copy.deepcopy(old)
    policies.create_version(newer.accounts[A], f"arn:aws:iam::{A}:policy/Read",
                            doc(allow(["ec2:DescribeInstances", "ec2:TerminateInstances"])), set_default=True)
    assert _rows(df.diff(old, newer, NOW)) == {("gained", "bob", "ec2:TerminateInstances", "*")}


def test_principals_appear_and_disappear_with_their_grants():
    old = _base()
    new = copy.deepcopy(old)
    user_with(new.accounts[A], "carol", allow("s3:ListAllMyBuckets"))
    users.delete(new.accounts[A], "bob", force=True)
    assert _rows(df.diff(old, new, NOW)) == {
        ("appeared", "carol", "", ""), ("gained", "carol", "s3:ListAllMyBuckets", "*"),
        ("disappeared", "bob", "", ""),
    }


def test_who_may_assume_a_role_changes_with_its_trust():
    old = _base()
    user_with(old.accounts[B], "dave", allow("sts:AssumeRole"))
    new = copy.deepcopy(old)
    roles.update_trust(new, new.accounts[A], "Ops", trust({"AWS": [arn(A, "user", "bob"), f"arn:aws:iam::{B}:root"]}))
    assert _rows(df.diff(old, new, NOW)) == {
        ("gained", "bob", "sts:AssumeRole", arn(A, "role", "Ops")),
        ("gained", "dave", "sts:AssumeRole", arn(A, "role", "Ops")),
        ("lost", "alice", "sts:AssumeRole", arn(A, "role", "Ops")),
    }


def test_a_principal_whose_policies_now_allow_assuming_a_role_trusting_its_account():
    old = store()
    role_with(old, old.accounts[A], "X", {"AWS": f"arn:aws:iam::{B}:root"})
    user_with(old.accounts[B], "dave")
    new = copy.deepcopy(old)
    users.put_policy(new.accounts[B], "dave", "assume", doc(allow("sts:AssumeRole", arn(A, "role", "X"))))
    assert ("gained", "dave", "sts:AssumeRole", arn(A, "role", "X")) in _rows(df.diff(old, new, NOW))


def test_only_principals_whose_inputs_changed_are_re_evaluated(monkeypatch):
    old = _base()
    for n in range(20):
        user_with(old.accounts[A], f"user{n}", allow("s3:GetObject", f"arn:aws:s3:::home/user{n}/*"))
    new = copy.deepcopy(old)
    users.put_policy(new.accounts[A], "user7", "more", doc(allow("s3:PutObject", "arn:aws:s3:::home/user7/*")))
    asked = []
    real = df.effective

    def spy(data, who, **kw):
        asked.append(who.arn)
        return real(data, who, **kw)

    monkeypatch.setattr(df, "effective", spy)
    assert _rows(df.diff(old, new, NOW)) == {("gained", "user7", "s3:PutObject", "arn:aws:s3:::home/user7/*")}
    assert set(asked) == {arn(A, "user", "user7")}


def test_accept_marks_expected_grants():
    old = _base()
    new = copy.deepcopy(old)
    users.put_policy(new.accounts[A], "bob", "x", doc(allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::b/*")))
    changes = df.diff(old, new, NOW)
    expected = df.load_accepted(json.dumps([{"Principal": "*:user/bob", "Action": "s3:Get*"}]), "accept.json")
    marked = df.accept(changes, expected)
    assert [(c.action, c.accepted) for c in marked] == [("s3:GetObject", True), ("s3:PutObject", False)]
    assert [c.action for c in df.gains(marked)] == ["s3:PutObject"]


# ---------------------------------------------------------------- the CLI


@pytest.fixture
def two_stores(cli, tmp_path, monkeypatch):
    old, new = tmp_path / "old.toml", tmp_path / "new.toml"
    policy = tmp_path / "p.json"
    policy.write_text(doc(allow("s3:GetObject", "arn:aws:s3:::reports/*")))
    for path in (old, new):
        monkeypatch.setenv("IAMCTL_STORE", str(path))
        for argv in (("init", "--account-id", "123456789012"), ("user", "create", "alice")):
            assert cli(*argv).code == 0
    assert cli("user", "put-policy", "alice", "Read", "--document", str(policy)).code == 0
    return old, new


def test_cli_files_json_text_and_exit_codes(cli, two_stores, tmp_path):
    old, new = two_stores
    result = cli("access", "diff", str(old), str(new), "--output", "json")
    assert result.code == 1, result.err
    body = result.json()
    assert body["Changes"] == [{"Change": "gained", "Principal": "arn:aws:iam::123456789012:user/alice",
                                "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*",
                                "Decision": "allowed", "Conditions": [], "Accepted": False}]
    assert body["Summary"] == {"Gained": 1, "Lost": 0, "Appeared": 0, "Disappeared": 0, "Unaccepted": 1}
    assert "1 grant(s) gained" in result.err
    text = cli("access", "diff", str(old), str(new), "--output", "lines")
    assert text.out == "+ gained\tarn:aws:iam::123456789012:user/alice\ts3:GetObject\tarn:aws:s3:::reports/*\t\n"
    backwards = cli("access", "diff", str(new), str(old), "--output", "lines")
    assert backwards.code == 0 and backwards.out.startswith("- lost\t")
    accept = tmp_path / "accept.json"
    accept.write_text(result.out)  # diff's own output accepts what it lists
    assert cli("access", "diff", str(old), str(new), "--accept", str(accept)).code == 0


def test_cli_git_revision_against_the_working_copy(cli, account, store_path, tmp_path):
    def git(*args):
        subprocess.run(["git", "-C", str(store_path.parent), *args], check=True, capture_output=True)

    git("init", "-q")
    assert cli("user", "create", "alice").code == 0
    git("add", store_path.name)
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "base")
    assert cli("access", "diff", "--git", "HEAD").code == 0
    policy = tmp_path / "p.json"
    policy.write_text(doc(allow("iam:CreateAccessKey")))
    assert cli("user", "put-policy", "alice", "Keys", "--document", str(policy)).code == 0
    result = cli("access", "diff", "--git", "HEAD", "--output", "json")
    assert result.code == 1
    assert [(c["Change"], c["Action"]) for c in result.json()["Changes"]] == [("gained", "iam:CreateAccessKey")]
    assert not list(tmp_path.glob("iamctl-diff-*"))
    bad = cli("access", "diff", "--git", "no-such-rev")
    assert bad.code == 2 and "GitFailed" in bad.err and len(bad.err.splitlines()) == 1


@pytest.mark.parametrize("argv, fragment", [
    (("access", "diff"), "Give two store files"),
    (("access", "diff", "a.toml"), "Give two store files"),
    (("access", "diff", "a.toml", "b.toml", "--git", "HEAD"), "not both"),
])
def test_cli_usage(cli, argv, fragment):
    result = cli(*argv)
    assert result.code == 2 and fragment in result.err


def test_cli_missing_or_broken_store_is_exit_4(cli, two_stores, tmp_path):
    old, _ = two_stores
    assert cli("access", "diff", str(old), str(tmp_path / "missing.toml")).code == 4
    broken = tmp_path / "broken.toml"
    broken.write_text("schema = [")
    result = cli("access", "diff", str(old), str(broken))
    assert result.code == 4 and "CorruptStore" in result.err


def test_cli_bad_accept_file(cli, two_stores, tmp_path):
    old, new = two_stores
    bad = tmp_path / "accept.json"
    bad.write_text('{"Principal": 3}')
    result = cli("access", "diff", str(old), str(new), "--accept", str(bad))
    assert result.code == 2 and "InvalidAcceptFile" in result.err
