"""Password policy ranges and JSON, password checks, generation, expiry and reuse."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iamctl.core.credentials import password_policy as pp
from iamctl.core.credentials import passwords as pw
from iamctl.core.errors import IamError
from iamctl.core.model.credentials import PasswordPolicy

NOW = datetime(2026, 11, 28, 16, 4, 44, tzinfo=UTC)
STRICT = pp.make_policy(
    minimum_password_length=14,
    require_symbols=True,
    require_numbers=True,
    require_uppercase_characters=True,
    require_lowercase_characters=True,
)


# --- password_policy ---


def test_set_replaces_everything_and_defaults() -> None:
    policy = pp.make_policy(require_numbers=True)
    assert policy == PasswordPolicy(minimum_password_length=6, require_numbers=True)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"minimum_password_length": 5}, "greater than or equal to 6"),
        ({"minimum_password_length": 129}, "less than or equal to 128"),
        ({"max_password_age": 0}, "greater than or equal to 1"),
        ({"max_password_age": 1096}, "less than or equal to 1095"),
        ({"password_reuse_prevention": 0}, "greater than or equal to 1"),
        ({"password_reuse_prevention": 25}, "less than or equal to 24"),
    ],
)
def test_ranges(kwargs: dict[str, int], fragment: str) -> None:
    with pytest.raises(IamError) as err:
        pp.make_policy(**kwargs)
    assert err.value.code == "ValidationError"
    assert err.value.message.startswith("1 validation error detected: ")
    assert fragment in err.value.message


def test_range_edges_are_allowed() -> None:
    for low, high in (pp.MIN_LENGTH_RANGE, pp.MAX_AGE_RANGE, pp.REUSE_RANGE):
        assert low < high
    pp.make_policy(minimum_password_length=6, max_password_age=1, password_reuse_prevention=1)
    pp.make_policy(minimum_password_length=128, max_password_age=1095, password_reuse_prevention=24)


def test_all_range_errors_reported_together() -> None:
    with pytest.raises(IamError) as err:
        pp.make_policy(minimum_password_length=1, max_password_age=0, password_reuse_prevention=99)
    assert err.value.message.startswith("3 validation errors detected: ")
    for field in ("minimumPasswordLength", "maxPasswordAge", "passwordReusePrevention"):
        assert field in err.value.message


def test_policy_json() -> None:
    assert pp.policy_json(pp.make_policy(minimum_password_length=8, require_numbers=True)) == {
        "PasswordPolicy": {
            "MinimumPasswordLength": 8,
            "RequireSymbols": False,
            "RequireNumbers": True,
            "RequireUppercaseCharacters": False,
            "RequireLowercaseCharacters": False,
            "AllowUsersToChangePassword": False,
            "ExpirePasswords": False,
        }
    }
    full = pp.policy_json(pp.make_policy(max_password_age=90, password_reuse_prevention=12,
                                         hard_expiry=True))["PasswordPolicy"]
    assert (full["ExpirePasswords"], full["MaxPasswordAge"], full["PasswordReusePrevention"],
            full["HardExpiry"]) == (True, 90, 12, True)


def test_no_policy_error() -> None:
    err = pp.no_policy("123456789012")
    assert err.code == "NoSuchEntity"
    assert err.message == "The Password Policy with domain name 123456789012 cannot be found."


# --- passwords ---


def test_every_unmet_rule_is_named() -> None:
    with pytest.raises(IamError) as err:
        pw.check_password("abc", STRICT)
    assert err.value.code == "PasswordPolicyViolation"
    message = err.value.message
    for rule in ("minimum length of 14", "uppercase letter", "number", "symbol"):
        assert rule in message
    assert "lowercase" not in message  # "abc" has lowercase letters
    assert len(pw.violations("abc", STRICT)) == 4


def test_passing_password() -> None:
    pw.check_password("Correct-Horse-9", STRICT)
    assert pw.violations("Correct-Horse-9", STRICT) == []


def test_symbols_are_awss_list() -> None:
    policy = pp.make_policy(require_symbols=True)
    for symbol in "!@#$%^&*()_+-=[]{}|'":
        assert pw.violations("abcdef" + symbol, policy) == []
    for not_a_symbol in ".,;:~`\"<>?/\\ ":
        assert pw.violations("abcdef" + not_a_symbol, policy) != []


def test_default_policy() -> None:
    assert pw.violations("Abcdefg1", None) == []
    problems = pw.violations("abcdefg", None)
    assert any("minimum length of 8" in p for p in problems)
    assert any("three of" in p for p in problems)
    assert pw.violations("Example-Corp1", None, account_name="example-corp1") != []
    assert pw.violations("Me@Example1.com", None, email="me@example1.com") != []


def test_reuse_prevention() -> None:
    policy = pp.make_policy(password_reuse_prevention=2)
    profile = pw.new_login_profile("First-pass1", policy, NOW)
    profile = pw.set_password(profile, "Second-pass2", policy, NOW)
    assert len(profile.history) == 1
    with pytest.raises(IamError) as err:
        pw.set_password(profile, "First-pass1", policy, NOW)  # one of the last two
    assert "previous passwords" in err.value.message
    profile = pw.set_password(profile, "Third-pass3", policy, NOW)
    # "First" is now third back, beyond the two remembered, so it is allowed again.
    profile = pw.set_password(profile, "First-pass1", policy, NOW)
    assert "First-pass1" not in repr(profile)


def test_history_is_capped() -> None:
    profile = pw.new_login_profile("Start-pass0", None, NOW)
    profile = type(profile)(**{**profile.__dict__, "history": ["scrypt$x"] * 30})
    assert len(pw.set_password(profile, "Next-pass1", None, NOW).history) == pw.HISTORY_KEPT


def test_expiry() -> None:
    policy = pp.make_policy(max_password_age=90)
    profile = pw.new_login_profile("Abcdef12", policy, NOW)
    assert pw.expires_at(profile.password_changed, policy) == "2027-02-26T16:04:44+00:00"
    assert pw.expires_at(profile.password_changed, None) is None
    assert not pw.is_expired(profile, policy, NOW + timedelta(days=89))
    assert pw.expires_soon(profile, policy, NOW + timedelta(days=76))
    assert not pw.expires_soon(profile, policy, NOW + timedelta(days=74))
    assert pw.is_expired(profile, policy, NOW + timedelta(days=90))


def test_change_own_password() -> None:
    policy = pp.make_policy(max_password_age=30, hard_expiry=True)
    profile = pw.new_login_profile("Abcdef12", policy, NOW, reset_required=True)
    with pytest.raises(IamError) as err:
        pw.change_own_password(profile, "wrong", "Ghijkl34", policy, NOW)
    assert err.value.code == "InvalidUserType"
    changed = pw.change_own_password(profile, "Abcdef12", "Ghijkl34", policy, NOW)
    assert not changed.password_reset_required
    with pytest.raises(IamError) as err:
        pw.change_own_password(changed, "Ghijkl34", "Mnopqr56", policy, NOW + timedelta(days=31))
    assert err.value.code == "EntityTemporarilyUnmodifiable"


policies = st.builds(
    pp.make_policy,
    minimum_password_length=st.integers(6, 128),
    require_symbols=st.booleans(),
    require_numbers=st.booleans(),
    require_uppercase_characters=st.booleans(),
    require_lowercase_characters=st.booleans(),
)


@settings(max_examples=300)
@given(policy=st.one_of(st.none(), policies), length=st.one_of(st.none(), st.integers(1, 128)))
def test_generated_passwords_satisfy_random_policies(
    policy: PasswordPolicy | None, length: int | None
) -> None:
    password = pw.generate_password(policy, length)
    assert pw.violations(password, policy) == []
    assert set(password) <= set(string.ascii_letters + string.digits + pw.SYMBOLS)
    if length is not None:
        assert len(password) >= length


def test_generated_passwords_differ() -> None:
    assert len({pw.generate_password(STRICT) for _ in range(50)}) == 50
