"""AssumeRole decided by the shared evaluator: trust policy + the caller's identity side."""

from __future__ import annotations

from datetime import timedelta

import pytest

from iamctl.core import sts
from iamctl.core.credentials import mfa
from iamctl.core.credentials.secrets_hash import verify_secret
from iamctl.core.errors import IamError
from iamctl.core.service import mfa_devices, roles, users
from tests.roles.helpers import NOW, A, B, allow, doc, store, trust, user_with

ROLE_B = f"arn:aws:iam::{B}:role/UpdateApp"


def _assume(data, who: str, role: str, *, account=A, now=NOW, **kw):
    caller = sts.resolve_caller(data, who, data.accounts[account], now, mfa=kw.pop("caller_mfa", None))
    kw.setdefault("session_name", "s1")
    return sts.assume_role(data, caller, data.accounts[account], role, now=now, **kw)


def _refused(data, who, role, **kw) -> str:
    with pytest.raises(IamError) as exc:
        _assume(data, who, role, **kw)
    assert exc.value.code == "AccessDenied"
    return exc.value.message


def test_a_new_sessions_key_id_is_one_no_session_in_the_store_has(monkeypatch):
    """80 random bits, checked anyway (as a new access key's ID is): an ID that a session in
    any account already has is drawn again."""
    data = _cross_account()
    first = _assume(data, "david", ROLE_B, session_name="first")
    drawn = iter([first.session.access_key_id, "ASIAAAAAAAAAAAAAAAAA"])
    monkeypatch.setattr(sts, "new_unique_id", lambda kind: next(drawn))
    second = _assume(data, "david", ROLE_B, session_name="second")
    assert second.session.access_key_id == "ASIAAAAAAAAAAAAAAAAA"
    assert data.accounts[B].sessions[first.session.access_key_id].session_name == "first"


# ---------------------------------------------------------------- cross-account (AWS's tutorial shape)


def _cross_account(identity_allows: bool = True):
    data = store()
    roles.create(data, data.accounts[B], "UpdateApp", trust({"AWS": f"arn:aws:iam::{A}:root"}))
    roles.put_policy(data.accounts[B], "UpdateApp", "s3", doc(allow("s3:*", "arn:aws:s3:::productionapp*")))
    statements = [allow("sts:AssumeRole", ROLE_B)] if identity_allows else []
    user_with(data.accounts[A], "david", *statements)
    return data


def test_cross_account_user_with_permission_assumes_the_role():
    data = _cross_account()
    issued = _assume(data, "david", ROLE_B, session_name="david-session")
    assert issued.session.access_key_id.startswith("ASIA")
    assert issued.arn == f"arn:aws:sts::{B}:assumed-role/UpdateApp/david-session"
    assert issued.assumed_role_id == f"{data.accounts[B].roles['UpdateApp'].id}:david-session"
    assert issued.session.expires == (NOW + timedelta(hours=1)).isoformat()
    assert issued.session.caller == f"arn:aws:iam::{A}:user/david"
    # Recorded in the role's account, secrets only as scrypt hashes.
    stored = data.accounts[B].sessions[issued.session.access_key_id]
    assert issued.secret not in stored.secret_hash and stored.secret_hash.startswith("scrypt$")
    assert verify_secret(issued.secret, stored.secret_hash)
    assert verify_secret(issued.token, stored.token_hash)
    assert not verify_secret("wrong", stored.token_hash)
    assert data.accounts[B].roles["UpdateApp"].last_used == NOW.isoformat()


def test_cross_account_user_without_permission_is_refused_by_identity_side():
    data = _cross_account(identity_allows=False)
    message = _refused(data, "david", ROLE_B)
    assert message.startswith(
        f"User: arn:aws:iam::{A}:user/david is not authorized to perform: sts:AssumeRole on resource: {ROLE_B}"
    )
    assert "refused by the caller's identity-based policies" in message


def test_cross_account_trust_not_naming_the_caller_is_refused_by_trust_policy():
    data = _cross_account()
    roles.update_trust(data, data.accounts[B], "UpdateApp", trust({"AWS": "999988887777"}))
    assert "refused by the role's trust policy" in _refused(data, "david", ROLE_B)


def test_session_reaches_resources_in_the_role_account_by_its_policies():
    data = _cross_account()
    issued = _assume(data, "david", ROLE_B)
    caller = sts.resolve_caller(data, issued.session.access_key_id, data.accounts[A], NOW)
    _, ok = sts.authorize(caller, "s3:PutObject", "arn:aws:s3:::productionapp/key")
    _, no = sts.authorize(caller, "s3:PutObject", "arn:aws:s3:::other/key")
    assert (ok.decision, no.decision) == ("allowed", "implicitDeny")


def test_resource_policy_in_b_naming_a_user_needs_both_sides():
    data = _cross_account()
    bucket = doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:user/david"},
                  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b-bucket/*"})
    david = sts.resolve_caller(data, "david", data.accounts[A], NOW)
    _, refused = sts.authorize(david, "s3:GetObject", "arn:aws:s3:::b-bucket/k", resource_policy=bucket,
                               resource_account=B)
    assert refused.decision == "implicitDeny"
    users.put_policy(data.accounts[A], "david", "s3", doc(allow("s3:GetObject", "arn:aws:s3:::b-bucket/*")))
    david = sts.resolve_caller(data, "david", data.accounts[A], NOW)
    _, allowed = sts.authorize(david, "s3:GetObject", "arn:aws:s3:::b-bucket/k", resource_policy=bucket,
                               resource_account=B)
    assert allowed.decision == "allowed"


# ---------------------------------------------------------------- same account


def test_same_account_trust_naming_the_user_needs_no_identity_policy():
    data = store()
    user_with(data.accounts[A], "alice")
    roles.create(data, data.accounts[A], "r", trust({"AWS": f"arn:aws:iam::{A}:user/alice"}))
    assert _assume(data, "alice", "r").role.name == "r"


def test_same_account_trust_naming_the_account_needs_identity_policy():
    data = store()
    user_with(data.accounts[A], "alice")
    roles.create(data, data.accounts[A], "r", trust({"AWS": A}))
    assert "identity-based policies" in _refused(data, "alice", "r")
    users.put_policy(data.accounts[A], "alice", "p", doc(allow("sts:AssumeRole", f"arn:aws:iam::{A}:role/r")))
    assert _assume(data, "alice", "r")


def test_identity_explicit_deny_wins_even_when_trust_names_the_user():
    data = store()
    user_with(data.accounts[A], "alice", {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"})
    roles.create(data, data.accounts[A], "r", trust({"AWS": f"arn:aws:iam::{A}:user/alice"}))
    assert "explicit" in _refused(data, "alice", "r").lower()


def test_group_policy_grants_assume_role():
    from iamctl.core.service import groups

    data = store()
    account = data.accounts[A]
    user_with(account, "alice")
    groups.create(account, "ops")
    groups.put_policy(account, "ops", "assume", doc(allow("sts:AssumeRole", "*")))
    groups.add_user(account, "ops", "alice")
    roles.create(data, account, "r", trust({"AWS": A}))
    assert _assume(data, "alice", "r")


def test_root_cannot_assume_roles():
    data = store()
    roles.create(data, data.accounts[A], "r", trust({"AWS": A}))
    with pytest.raises(IamError, match="Roles may not be assumed by root accounts"):
        _assume(data, f"arn:aws:iam::{A}:root", "r")


def test_missing_role_is_access_denied_like_sts():
    data = store()
    user_with(data.accounts[A], "alice", allow("sts:AssumeRole"))
    assert f"on resource: arn:aws:iam::{A}:role/ghost" in _refused(data, "alice", "ghost")


# ---------------------------------------------------------------- conditions in trust policies


def test_external_id_condition():
    data = _cross_account()
    roles.update_trust(data, data.accounts[B], "UpdateApp", trust(
        {"AWS": A}, Condition={"StringEquals": {"sts:ExternalId": "12345"}}))
    message = _refused(data, "david", ROLE_B)
    assert "trust policy" in message and "sts:ExternalId" in message  # missing key named
    assert "trust policy" in _refused(data, "david", ROLE_B, external_id="54321")
    assert _assume(data, "david", ROLE_B, external_id="12345")


@pytest.mark.parametrize("bad", ["x", "has space", "a" * 1225])
def test_external_id_format(bad):
    data = _cross_account()
    with pytest.raises(IamError) as exc:
        _assume(data, "david", ROLE_B, external_id=bad)
    assert exc.value.code == "ValidationError"


def test_mfa_condition():
    data = _cross_account()
    roles.update_trust(data, data.accounts[B], "UpdateApp", trust(
        {"AWS": A}, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))
    assert "trust policy" in _refused(data, "david", ROLE_B)
    # A code needs an enabled device of the caller's own.
    assert "no enabled MFA device" in _refused(data, "david", ROLE_B, mfa_code="123456")
    code = _with_mfa(data, "david")
    wrong = "000000" if code != "000000" else "111111"
    assert "invalid MFA one time pass code" in _refused(data, "david", ROLE_B, mfa_code=wrong)
    issued = _assume(data, "david", ROLE_B, mfa_code=code)
    assert issued.session.mfa is True
    assert "invalid MFA" in _refused(data, "david", ROLE_B, mfa_code=code, session_name="again")  # a replay
    with pytest.raises(IamError) as exc:
        _assume(data, "david", ROLE_B, mfa_code="12ab")
    assert exc.value.code == "ValidationError"


def test_role_session_name_must_be_the_user_name():
    # AWS's example: "StringLike": {"sts:RoleSessionName": "${aws:username}"}
    data = _cross_account()
    roles.update_trust(data, data.accounts[B], "UpdateApp", trust(
        {"AWS": A}, Condition={"StringLike": {"sts:RoleSessionName": "${aws:username}"}}))
    assert "trust policy" in _refused(data, "david", ROLE_B, session_name="someone-else")
    assert _assume(data, "david", ROLE_B, session_name="david")


def test_principal_tag_condition_in_trust():
    data = store()
    user_with(data.accounts[A], "alice", tags={"team": "blue"})
    user_with(data.accounts[A], "bob", tags={"team": "red"})
    roles.create(data, data.accounts[A], "r", trust(
        {"AWS": A}, Condition={"StringEquals": {"aws:PrincipalTag/team": "blue"}}))
    for name in ("alice", "bob"):
        users.put_policy(data.accounts[A], name, "p", doc(allow("sts:AssumeRole")))
    assert _assume(data, "alice", "r")
    assert "trust policy" in _refused(data, "bob", "r")


# ---------------------------------------------------------------- durations and chaining


def _chain_setup():
    data = _cross_account()
    account = data.accounts[B]
    roles.update(account, "UpdateApp", max_session_duration=43200)
    roles.create(data, account, "Second", trust({"AWS": ROLE_B}), max_session_duration=43200)
    return data


@pytest.mark.parametrize("seconds,code", [(899, "ValidationError"), (43201, "ValidationError")])
def test_duration_bounds(seconds, code):
    data = _chain_setup()
    with pytest.raises(IamError) as exc:
        _assume(data, "david", ROLE_B, duration=seconds)
    assert exc.value.code == code


def test_duration_above_role_maximum():
    data = _cross_account()
    with pytest.raises(IamError, match="exceeds the MaxSessionDuration set for this role"):
        _assume(data, "david", ROLE_B, duration=7200)


def test_role_chaining_is_capped_at_one_hour():
    data = _chain_setup()
    first = _assume(data, "david", ROLE_B, duration=43200)
    assert first.session.expires == (NOW + timedelta(hours=12)).isoformat()
    key = first.session.access_key_id
    with pytest.raises(IamError, match="1 hour session limit for roles assumed by role chaining"):
        _assume(data, key, "Second", account=B, duration=3601)
    second = _assume(data, key, "Second", account=B, session_name="chained")
    assert second.session.chained is True
    assert second.session.caller == f"arn:aws:sts::{B}:assumed-role/UpdateApp/s1"
    assert second.session.expires == (NOW + timedelta(hours=1)).isoformat()
    # The chained session's ARN also works as --as.
    third = _assume(data, f"arn:aws:sts::{B}:assumed-role/UpdateApp/s1", "Second", account=B)
    assert third.session.chained


def test_trust_naming_a_role_admits_its_sessions_only():
    data = _chain_setup()
    with pytest.raises(IamError):
        _assume(data, "david", f"arn:aws:iam::{B}:role/Second")  # david is not UpdateApp


# ---------------------------------------------------------------- session policies, tags, source identity


def test_session_policy_limits_the_session():
    # "Session policies": the session gets the intersection of the role's policies and the session policy.
    data = _cross_account()
    session_policy = doc(allow("s3:GetObject", "arn:aws:s3:::productionapp/*"))
    issued = _assume(data, "david", ROLE_B, policy=session_policy)
    caller = sts.resolve_caller(data, f"arn:aws:sts::{B}:assumed-role/UpdateApp/s1", data.accounts[A], NOW)
    assert caller.session is not None and caller.session.access_key_id == issued.session.access_key_id
    _, get = sts.authorize(caller, "s3:GetObject", "arn:aws:s3:::productionapp/k")
    _, put = sts.authorize(caller, "s3:PutObject", "arn:aws:s3:::productionapp/k")
    _, beyond = sts.authorize(caller, "ec2:RunInstances", "*")
    assert get.decision == "allowed"
    assert (put.decision, put.denied_by) == ("implicitDeny", "session")
    # A session policy cannot grant more than the role has.
    wide = _assume(data, "david", ROLE_B, policy=doc(allow("*")), session_name="wide")
    caller = sts.resolve_caller(data, wide.session.access_key_id, data.accounts[A], NOW)
    assert sts.authorize(caller, "ec2:RunInstances", "*")[1].decision == "implicitDeny"
    assert beyond.decision == "implicitDeny"


def test_session_policy_checks():
    data = _cross_account()
    with pytest.raises(IamError) as exc:
        _assume(data, "david", ROLE_B, policy=doc(allow("s3:*"), {"Effect": "Allow", "Action": "s3:*",
                                                                   "Resource": "*", "Principal": "*"}))
    assert exc.value.code == "MalformedPolicyDocument"
    with pytest.raises(IamError) as exc:
        _assume(data, "david", ROLE_B, policy=doc(allow("s3:*", "arn:aws:s3:::" + "x" * 2100)))
    assert exc.value.code == "ValidationError"


def test_session_tags_need_tag_session_and_become_principal_tags():
    data = _cross_account()
    message = _refused(data, "david", ROLE_B, tags={"project": "blue"})
    assert "sts:TagSession" in message
    roles.update_trust(data, data.accounts[B], "UpdateApp", trust({"AWS": A}, action=["sts:AssumeRole",
                                                                                      "sts:TagSession"]))
    users.put_policy(data.accounts[A], "david", "tag", doc(allow(["sts:AssumeRole", "sts:TagSession"], ROLE_B)))
    issued = _assume(data, "david", ROLE_B, tags={"project": "blue"})
    roles.put_policy(data.accounts[B], "UpdateApp", "abac", doc(allow(
        "ec2:StartInstances", "*", Condition={"StringEquals": {"aws:PrincipalTag/project": "blue"}})))
    caller = sts.resolve_caller(data, issued.session.access_key_id, data.accounts[A], NOW)
    assert caller.context["aws:PrincipalTag/project"] == ["blue"]
    assert sts.authorize(caller, "ec2:StartInstances", "*")[1].decision == "allowed"


def test_session_tag_rules():
    data = _cross_account()
    for tags in ({"aws:x": "1"}, {"a": "1", "A": "2"}, {f"k{i}": "v" for i in range(51)}):
        with pytest.raises(IamError):
            _assume(data, "david", ROLE_B, tags=tags)


def _tagging_chain():
    """david -> UpdateApp -> Second -> Third, every hop allowed to tag sessions."""
    data = _chain_setup()
    tagging = ["sts:AssumeRole", "sts:TagSession"]
    roles.update_trust(data, data.accounts[B], "UpdateApp", trust({"AWS": A}, action=tagging))
    roles.update_trust(data, data.accounts[B], "Second", trust({"AWS": ROLE_B}, action=tagging))
    roles.create(data, data.accounts[B], "Third", trust({"AWS": f"arn:aws:iam::{B}:role/Second"}, action=tagging))
    users.put_policy(data.accounts[A], "david", "tag", doc(allow(tagging, ROLE_B)))
    for name in ("UpdateApp", "Second"):
        roles.put_policy(data.accounts[B], name, "chain", doc(allow(tagging)))
    return data


def test_transitive_tags_pass_down_the_whole_chain_and_cannot_be_passed_again():
    # AWS's "Chaining roles with session tags": Star is transitive, Heart is not.
    data = _tagging_chain()
    first = _assume(data, "david", ROLE_B, tags={"Star": "1", "Heart": "1"}, transitive_tag_keys=["Star"])
    assert first.session.transitive == ["Star"]
    second = _assume(data, first.session.access_key_id, "Second", account=B, tags={"Sun": "1"})
    assert second.session.tags == {"Star": "1", "Sun": "1"}  # Heart was not transitive
    assert second.session.transitive == ["Star"]  # and an inherited tag stays transitive
    third = _assume(data, second.session.access_key_id, "Third", account=B)
    assert third.session.tags == {"Star": "1"}
    caller = sts.resolve_caller(data, third.session.access_key_id, data.accounts[B], NOW)
    assert caller.context["aws:PrincipalTag/Star"] == ["1"]
    assert "aws:PrincipalTag/Heart" not in caller.context
    with pytest.raises(IamError) as exc:  # an inherited key, even in another case
        _assume(data, first.session.access_key_id, "Second", account=B, tags={"star": "2"})
    assert exc.value.code == "InvalidParameterValue" and "transitive" in exc.value.message


def test_transitive_tag_keys_must_name_tags_of_the_request_and_are_a_context_key():
    data = _tagging_chain()
    with pytest.raises(IamError) as exc:
        _assume(data, "david", ROLE_B, tags={"Star": "1"}, transitive_tag_keys=["Moon"])
    assert exc.value.code == "InvalidParameterValue"
    roles.update_trust(data, data.accounts[B], "UpdateApp", trust(
        {"AWS": A}, action=["sts:AssumeRole", "sts:TagSession"],
        Condition={"ForAllValues:StringEquals": {"sts:TransitiveTagKeys": ["Project"]}}))
    refused = _refused(data, "david", ROLE_B, tags={"Star": "1"}, transitive_tag_keys=["Star"])
    assert "sts:" in refused
    assert _assume(data, "david", ROLE_B, tags={"Project": "x"}, transitive_tag_keys=["Project"]).session.transitive


def test_source_identity_needs_permission_and_persists_through_chaining():
    data = _chain_setup()
    roles.update_trust(data, data.accounts[B], "UpdateApp", trust(
        {"AWS": A}, action=["sts:AssumeRole", "sts:SetSourceIdentity"]))
    roles.update_trust(data, data.accounts[B], "Second", trust({"AWS": ROLE_B}))
    assert "sts:SetSourceIdentity" in _refused(data, "david", ROLE_B, source_identity="david@example.com")
    users.put_policy(data.accounts[A], "david", "si", doc(allow(["sts:AssumeRole", "sts:SetSourceIdentity"])))
    first = _assume(data, "david", ROLE_B, source_identity="david@example.com")
    second = _assume(data, first.session.access_key_id, "Second", account=B)
    assert second.session.source_identity == "david@example.com"
    caller = sts.resolve_caller(data, second.session.access_key_id, data.accounts[A], NOW)
    assert caller.context["aws:SourceIdentity"] == ["david@example.com"]


@pytest.mark.parametrize("name", ["a", "x" * 65, "has space", "slash/no"])
def test_session_name_rules(name):
    data = _cross_account()
    with pytest.raises(IamError) as exc:
        _assume(data, "david", ROLE_B, session_name=name)
    assert exc.value.code == "ValidationError"


# ---------------------------------------------------------------- sessions, expiry, whoami


def _with_mfa(data, name: str) -> str:
    """Give user *name* of account A an enabled MFA device; return its current code."""
    user = data.accounts[A].users[name]
    device = mfa_devices.create(data.accounts[A], user, name, f"user {name}")
    step = mfa.counter_at(NOW)
    mfa_devices.enable(user, f"user {name}", mfa.code_at_counter(device.seed, step - 2),
                       mfa.code_at_counter(device.seed, step - 1), NOW)
    return mfa.code_at_counter(device.seed, step)


def test_role_session_context_keys():
    data = _cross_account()
    issued = _assume(data, "david", ROLE_B, mfa_code=_with_mfa(data, "david"))
    caller = sts.resolve_caller(data, issued.session.access_key_id, data.accounts[A], NOW + timedelta(minutes=5))
    ctx = caller.context
    assert ctx["aws:PrincipalArn"] == [ROLE_B]
    assert ctx["aws:PrincipalType"] == ["AssumedRole"]
    assert ctx["aws:userid"] == [issued.assumed_role_id]
    assert ctx["aws:PrincipalAccount"] == [B]
    assert ctx["aws:MultiFactorAuthPresent"] == ["true"]
    assert ctx["aws:MultiFactorAuthAge"] == ["300"]
    assert ctx["aws:TokenIssueTime"] == [NOW.isoformat()]
    assert ctx["aws:CurrentTime"] == ["2024-05-01T12:05:00Z"]
    assert "aws:username" not in ctx
    assert caller.principal.arn == issued.arn


def test_expired_sessions_are_expired_tokens_and_get_pruned():
    data = _cross_account()
    issued = _assume(data, "david", ROLE_B)
    key, later = issued.session.access_key_id, NOW + timedelta(hours=2)
    ident = sts.get_caller_identity(data, key, NOW, session_token=issued.token, secret=issued.secret)
    assert (ident.arn, ident.account) == (issued.arn, B)
    with pytest.raises(IamError) as exc:
        sts.get_caller_identity(data, key, later, session_token=issued.token)
    assert exc.value.code == "ExpiredToken"
    with pytest.raises(IamError) as exc:
        sts.resolve_caller(data, key, data.accounts[A], later)
    assert exc.value.code == "ExpiredToken"
    with pytest.raises(IamError) as exc:
        sts.get_caller_identity(data, key, NOW, session_token="forged")
    assert exc.value.code == "InvalidClientTokenId"
    with pytest.raises(IamError) as exc:
        sts.get_caller_identity(data, key, NOW, session_token=issued.token, secret="wrong")
    assert exc.value.code == "SignatureDoesNotMatch"
    assert sts.prune(data, later) == [key]
    with pytest.raises(IamError) as exc:
        sts.get_caller_identity(data, "AKIAEXAMPLEEXAMPLE12", NOW)
    assert exc.value.code == "InvalidClientTokenId"


def test_deleting_a_role_ends_its_sessions():
    data = _cross_account()
    issued = _assume(data, "david", ROLE_B)
    removed = roles.delete(data.accounts[B], "UpdateApp", force=True)
    assert f"session {issued.session.access_key_id} of role UpdateApp" in removed
    assert not data.accounts[B].sessions
