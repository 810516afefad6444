"""access who-can: every principal allowed, decided as simulate and STS decide."""

from __future__ import annotations

import json

import pytest

from iamctl.core import simulate as sim
from iamctl.core.access.who_can import who_can
from iamctl.core.principals import parsed, resolve_principal
from tests.access.helpers import NOW, A, B, allow, arn, deny, doc, role_with, store, user_with

OBJECT = "arn:aws:s3:::reports/q1.csv"


def _who(results, action=None) -> set[str]:
    return {r["Principal"] for r in results if action is None or r["Action"] == action}


def _bucket_policy(*statements):
    return parsed(doc(*statements), kind="resource", policy_id="bucket.json", source_type="resource")


def test_same_account_users_roles_and_root():
    data = store()
    a = data.accounts[A]
    user_with(a, "alice", allow("s3:GetObject", "arn:aws:s3:::reports/*"))
    user_with(a, "bob", allow("s3:GetObject", "arn:aws:s3:::other/*"))
    user_with(a, "carol", allow("s3:*"), deny("s3:GetObject", OBJECT))
    role_with(data, a, "Reader", {"Service": "ec2.amazonaws.com"}, allow("s3:Get*"))
    results = who_can(data, ["s3:GetObject"], OBJECT, NOW, resource_account=A)
    assert _who(results) == {arn(A, "user", "alice"), arn(A, "role", "Reader"), f"arn:aws:iam::{A}:root"}
    alice = next(r for r in results if r["Principal"].endswith("user/alice"))
    assert alice["Decision"] == "allowed" and alice["Conditions"] == []
    assert alice["MatchedStatements"][0]["SourcePolicyId"] == "user/alice/inline/inline"
    assert alice["PrincipalType"] == "User"


def test_cross_account_needs_both_sides():
    data = store()
    user_with(data.accounts[B], "dave", allow("s3:GetObject"))
    user_with(data.accounts[B], "erin")
    trusting = _bucket_policy(allow("s3:GetObject", OBJECT, Principal={"AWS": f"arn:aws:iam::{B}:root"}))
    both = who_can(data, ["s3:GetObject"], OBJECT, NOW, resource_policy=trusting, resource_account=A)
    assert arn(B, "user", "dave") in _who(both)
    assert arn(B, "user", "erin") not in _who(both)  # the resource side alone is not enough across accounts
    identity_only = who_can(data, ["s3:GetObject"], OBJECT, NOW, resource_account=A)
    assert arn(B, "user", "dave") not in _who(identity_only)
    # B's root may act in its own account only through B's grant; across, it needs the bucket policy.
    assert f"arn:aws:iam::{B}:root" in _who(both) and f"arn:aws:iam::{B}:root" not in _who(identity_only)


def test_a_roles_trust_policy_is_its_resource_policy_for_assume_role():
    data = store()
    a, b = data.accounts[A], data.accounts[B]
    user_with(a, "alice")  # named directly by the trust policy: enough in the same account
    role_with(data, a, "Deploy", {"AWS": [arn(A, "user", "alice"), f"arn:aws:iam::{B}:root"]})
    user_with(a, "mallory", allow("sts:AssumeRole"))  # identity allows, trust does not name her
    user_with(b, "dave", allow("sts:AssumeRole", arn(A, "role", "Deploy")))
    user_with(b, "erin")  # her account is trusted, but her own policies do not allow
    results = who_can(data, ["sts:AssumeRole"], arn(A, "role", "Deploy"), NOW)
    assert _who(results) == {arn(A, "user", "alice"), arn(B, "user", "dave")}  # no root: STS refuses roots
    assert results[0]["MatchedStatements"][0]["SourcePolicyId"] == "Deploy trust policy"


def test_context_dependent_allows_name_their_keys_and_replay_in_simulate():
    data = store()
    a = data.accounts[A]
    mfa = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    ip = {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
    user_with(a, "alice", allow("s3:PutObject", "*", Condition=mfa))
    user_with(a, "bob", allow("s3:PutObject", "*", Condition=ip))
    user_with(a, "carol", allow("s3:PutObject", "*", Condition={"StringEquals": {"aws:username": "carol"}}))
    results = {r["Principal"].rsplit("/", 1)[-1]: r for r in who_can(data, ["s3:PutObject"], OBJECT, NOW)
               if r["PrincipalType"] == "User"}
    assert results["alice"]["Decision"] == "conditional"
    assert results["alice"]["Conditions"] == ["aws:MultiFactorAuthPresent"]
    assert results["bob"]["Conditions"] == ["aws:SourceIp"]
    # carol's condition holds in every request she makes: allowed, and the key is named.
    assert results["carol"]["Decision"] == "allowed" and results["carol"]["Conditions"] == ["aws:username"]
    for name in ("alice", "bob"):
        subject = resolve_principal(a, name, data=data, now=NOW)
        plain = sim.subject_simulation(subject, NOW, None)
        assert sim.evaluate_one(plain, "s3:PutObject", OBJECT)["EvalDecision"] == "implicitDeny"
        given = sim.subject_simulation(subject, NOW, results[name]["Context"])
        assert sim.evaluate_one(given, "s3:PutObject", OBJECT)["EvalDecision"] == "allowed"


def test_wildcard_actions_expand_from_the_catalogue():
    data = store()
    user_with(data.accounts[A], "alice", allow("s3:GetObject"))
    results = who_can(data, ["s3:GetObjec?"], OBJECT, NOW)
    assert {r["Action"] for r in results} == {"s3:GetObject"}


# ---------------------------------------------------------------- the CLI


@pytest.fixture
def populated(cli, account, tmp_path):
    policy = tmp_path / "read.json"
    policy.write_text(doc(allow("s3:GetObject", "arn:aws:s3:::reports/*")))
    for argv in (("user", "create", "alice"), ("user", "create", "bob"),
                 ("user", "put-policy", "alice", "Read", "--document", str(policy))):
        assert cli(*argv).code == 0
    return tmp_path


def test_cli_json_shape_and_exit_codes(cli, populated):
    result = cli("access", "who-can", "s3:GetObject", "--resource", OBJECT, "--output", "json")
    assert result.code == 0, result.err
    rows = result.json()["Results"]
    assert {r["Principal"] for r in rows} == {"arn:aws:iam::123456789012:user/alice", "arn:aws:iam::123456789012:root"}
    assert set(rows[0]) >= {"Principal", "Action", "Decision", "Conditions", "MatchedStatements"}
    denied_bucket = populated / "deny.json"
    denied_bucket.write_text(doc(deny("s3:*", "*", Principal="*")))
    nobody = cli("access", "who-can", "s3:GetObject", "--resource", OBJECT, "--resource-policy", str(denied_bucket))
    assert nobody.code == 1 and nobody.out == ""
    assert "nobody in the store may perform s3:GetObject" in nobody.err


def test_cli_text_is_one_principal_a_line(cli, populated):
    result = cli("access", "who-can", "s3:GetObject", "--resource", OBJECT, "--output", "lines")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split("\t")[:3] == ["arn:aws:iam::123456789012:user/alice", "s3:GetObject", "allowed"]
    assert len(lines) == 2


@pytest.mark.parametrize("argv, fragment", [
    (("access", "who-can", "GetObject", "--resource", OBJECT), "An action is SERVICE:NAME"),
    (("access", "who-can", "s3:Nope*", "--resource", OBJECT), "matches no action"),
    (("access", "who-can", "s3:GetObject", "--resource", OBJECT, "--resource-policy", "/nonexistent.json"),
     "NoSuchFile"),
    (("access", "who-can", "s3:GetObject"), "--resource"),
])
def test_cli_usage_errors_are_one_line(cli, populated, argv, fragment):
    result = cli(*argv)
    assert result.code == 2, result
    assert fragment in result.err and len(result.err.strip().splitlines()) == 1 and result.out == ""


def test_cli_broken_resource_policy_is_one_line(cli, populated):
    bad = populated / "bad.json"
    bad.write_text('{"Version": "2012-10-17", "Statement": [')
    result = cli("access", "who-can", "s3:GetObject", "--resource", OBJECT, "--resource-policy", str(bad))
    assert result.code in (2, 3) and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_no_store_is_exit_4(cli):
    result = cli("access", "who-can", "s3:GetObject", "--resource", OBJECT)
    assert result.code == 4 and "NoStore" in result.err


def test_results_are_json_serialisable():
    data = store()
    user_with(data.accounts[A], "alice", allow("s3:GetObject"))
    json.dumps(who_can(data, ["s3:GetObject"], OBJECT, NOW))


def test_a_time_window_or_a_source_ip_is_request_context_a_principals_name_is_not():
    data = store()
    a = data.accounts[A]
    later = {"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}
    user_with(a, "alice", allow("s3:PutObject", "*", Condition=later))
    user_with(a, "bob", allow("s3:PutObject", "*", Condition={"StringEquals": {"aws:username": "someone-else"}}))
    results = {r["Principal"].rsplit("/", 1)[-1]: r for r in who_can(data, ["s3:PutObject"], OBJECT, NOW)
               if r["PrincipalType"] == "User"}
    assert set(results) == {"alice"}
    assert results["alice"]["Decision"] == "conditional" and results["alice"]["Conditions"] == ["aws:CurrentTime"]
    subject = resolve_principal(a, "alice", data=data, now=NOW)
    given = sim.subject_simulation(subject, NOW, results["alice"]["Context"])
    assert sim.evaluate_one(given, "s3:PutObject", OBJECT)["EvalDecision"] == "allowed"
    # A value the question fixes (--context) is not second-guessed.
    fixed = who_can(data, ["s3:PutObject"], OBJECT, NOW, context={"aws:CurrentTime": ["2024-05-01T12:00:00Z"]})
    assert "alice" not in {r["Principal"].rsplit("/", 1)[-1] for r in fixed}
