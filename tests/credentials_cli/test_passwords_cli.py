"""user password set|get|delete|change, user login, and the password policy's effects."""

from __future__ import annotations

import json

import pytest

from iamctl.core.credentials.passwords import SYMBOLS

GOOD = "Corr3ct-Horse!"


@pytest.fixture
def strict(iam) -> None:
    r = iam("account", "password-policy", "set", "--minimum-length", "12", "--require-uppercase",
            "--require-lowercase", "--require-numbers", "--require-symbols", "--allow-users-to-change",
            "--reuse-prevention", "3", "--max-age", "90")
    assert r.code == 0, r.err


def set_password(iam, user: str, password: str, *extra: str):
    return iam("user", "password", "set", user, "--password-stdin", *extra, stdin=password + "\n")


def login(iam, user: str, password: str, *extra: str):
    return iam("user", "login", user, "--password-stdin", *extra, stdin=password + "\n")


def test_set_get_and_login(iam, alice, clock) -> None:
    r = set_password(iam, "alice", GOOD)
    assert r.code == 0, r.err
    expected = {"LoginProfile": {"UserName": "alice", "CreateDate": "2026-11-28T16:04:44+00:00",
                                 "PasswordResetRequired": False}}
    assert r.json() == expected
    assert iam("user", "password", "get", "alice").json() == expected
    r = login(iam, "alice", GOOD)
    assert r.code == 0, r.err
    assert r.json()["SignIn"] == {
        "UserName": "alice", "Arn": "arn:aws:iam::123456789012:user/alice", "Account": "123456789012",
        "AccountAlias": "example-corp", "MFAUsed": False, "PasswordResetRequired": False, "PasswordExpired": False,
    }


def test_wrong_password_or_user_gives_the_same_refusal(iam, alice) -> None:
    set_password(iam, "alice", GOOD)
    message = "iamctl: AccessDenied: Your authentication information is incorrect. Please try again.\n"
    for user, password in (("alice", "wrong"), ("nobody", GOOD)):
        r = login(iam, user, password)
        assert (r.code, r.out, r.err) == (3, "", message)
    iam("user", "create", "bob")
    assert login(iam, "bob", GOOD).err == message  # no login profile


def test_policy_violation_names_every_unmet_rule(iam, alice, strict) -> None:
    r = set_password(iam, "alice", "short")
    assert r.code == 3
    assert r.err == (
        "iamctl: PasswordPolicyViolation: Password should have a minimum length of 12; Password should have at "
        "least one uppercase letter; Password should have at least one number; Password should have at least "
        "one symbol.\n"
    )
    assert iam("user", "password", "get", "alice").code == 3  # nothing was set


def test_default_policy_applies_without_one(iam, alice) -> None:
    r = set_password(iam, "alice", "abcdefgh")
    assert r.code == 3 and "at least three of" in r.err
    assert set_password(iam, "alice", "abcdEF12").code == 0


def test_generated_password_meets_the_policy_and_is_shown_once(iam, alice, strict) -> None:
    r = iam("user", "password", "set", "alice", "--generate")
    assert r.code == 0, r.err
    password = r.json()["Password"]
    assert len(password) >= 12
    assert any(c.isupper() for c in password) and any(c.islower() for c in password)
    assert any(c.isdigit() for c in password) and any(c in SYMBOLS for c in password)
    assert login(iam, "alice", password).code == 0
    assert "Password" not in iam("user", "password", "get", "alice").json()


def test_require_reset_then_change(iam, alice, clock) -> None:
    r = set_password(iam, "alice", GOOD, "--require-reset")
    # The API allows a reset the user cannot carry out; iamctl says so (the console would
    # attach IAMUserChangePassword).
    assert r.code == 0 and "alice must choose a new password at next sign-in but may not change it" in r.err
    r = login(iam, "alice", GOOD)
    assert r.code == 1
    assert r.json()["SignIn"]["PasswordResetRequired"] is True
    assert "must be reset" in r.err and "iamctl user password change alice" in r.err
    # As in AWS, a required reset still needs iam:ChangePassword.
    r = iam("user", "password", "change", "alice", "--password-stdin", stdin=f"{GOOD}\nN3w-Password!\n")
    assert r.code == 3 and "AccessDenied" in r.err and "IAMUserChangePassword" in r.err
    assert iam("user", "attach-policy", "alice", "IAMUserChangePassword").code == 0
    assert "may not change it" not in set_password(iam, "alice", GOOD, "--require-reset").err
    r = iam("user", "password", "change", "alice", "--password-stdin", stdin=f"{GOOD}\nN3w-Password!\n")
    assert r.code == 0, r.err
    assert r.json()["LoginProfile"]["PasswordResetRequired"] is False
    assert login(iam, "alice", "N3w-Password!").code == 0
    assert login(iam, "alice", GOOD).code == 3


def test_change_needs_policy_permission_and_old_password(iam, alice) -> None:
    set_password(iam, "alice", GOOD)
    r = iam("user", "password", "change", "alice", "--password-stdin", stdin=f"{GOOD}\nN3w-Password!\n")
    assert r.code == 3 and r.err.startswith("iamctl: AccessDenied: User: arn:aws:iam::123456789012:user/alice")
    iam("account", "password-policy", "set", "--allow-users-to-change")
    r = iam("user", "password", "change", "alice", "--password-stdin", stdin="wrong\nN3w-Password!\n")
    assert r.code == 3 and "old password is incorrect" in r.err
    r = iam("user", "password", "change", "alice", "--password-stdin", stdin=f"{GOOD}\nN3w-Password!\n")
    assert r.code == 0, r.err


DENY_CHANGE = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:ChangePassword", "Resource": "*"}]}
)


def change(iam, old: str = GOOD, new: str = "N3w-Password!"):
    return iam("user", "password", "change", "alice", "--password-stdin", stdin=f"{old}\n{new}\n")


def test_iam_user_change_password_grants_the_change_without_the_account_setting(iam, alice) -> None:
    set_password(iam, "alice", GOOD)
    denied = change(iam)
    assert denied.code == 3 and denied.err.count("\n") == 1
    assert "allow it with 'iamctl account password-policy set --allow-users-to-change' or by attaching " \
           "IAMUserChangePassword" in denied.err
    assert iam("user", "attach-policy", "alice", "IAMUserChangePassword").code == 0
    r = change(iam)
    assert r.code == 0, r.err
    assert login(iam, "alice", "N3w-Password!").code == 0


def test_an_explicit_deny_wins_over_the_account_setting(iam, alice) -> None:
    iam("account", "password-policy", "set", "--allow-users-to-change")
    set_password(iam, "alice", GOOD, "--require-reset")
    assert iam("user", "put-policy", "alice", "NoPasswordChange", "--document", "-", stdin=DENY_CHANGE).code == 0
    r = change(iam)
    assert r.code == 3 and r.err.startswith("iamctl: AccessDenied: User: arn:aws:iam::123456789012:user/alice")
    assert "explicit" in r.err.lower() and "IAMUserChangePassword" not in r.err
    assert iam("user", "delete-policy", "alice", "NoPasswordChange").code == 0
    assert change(iam).code == 0


def test_a_boundary_without_the_action_blocks_the_account_setting(iam, alice) -> None:
    """The account-wide grant is a permission like any other: a permissions boundary
    that does not allow iam:ChangePassword leaves it implicitly denied."""
    iam("account", "password-policy", "set", "--allow-users-to-change")
    set_password(iam, "alice", GOOD)
    assert iam("user", "set-boundary", "alice", "AmazonS3ReadOnlyAccess").code == 0
    r = change(iam)
    assert r.code == 3 and "AccessDenied" in r.err


def test_reuse_prevention(iam, alice, strict) -> None:
    first, second = "Aaaaaaaaaaa1!", "Bbbbbbbbbbb2!"
    assert set_password(iam, "alice", first).code == 0
    change = ("user", "password", "change", "alice", "--password-stdin")
    assert iam(*change, stdin=f"{first}\n{second}\n").code == 0
    r = iam(*change, stdin=f"{second}\n{first}\n")
    assert r.code == 3 and "Password should not be one of your 3 previous passwords" in r.err
    r = set_password(iam, "alice", second)  # an administrator's reset is checked too
    assert r.code == 3 and "previous passwords" in r.err


def test_expiry_soft_and_hard(iam, alice, clock) -> None:
    iam("account", "password-policy", "set", "--max-age", "30")
    set_password(iam, "alice", GOOD)
    clock.advance(days=20)
    r = login(iam, "alice", GOOD)
    assert (r.code, r.json()["SignIn"]["PasswordExpired"]) == (0, False)
    assert "expires within 15 days" in r.err
    clock.advance(days=11)
    r = login(iam, "alice", GOOD)
    assert r.code == 1 and r.json()["SignIn"]["PasswordExpired"] is True and "has expired" in r.err
    iam("account", "password-policy", "set", "--max-age", "30", "--hard-expiry", "--allow-users-to-change")
    r = login(iam, "alice", GOOD)
    assert r.code == 3 and r.err.startswith("iamctl: PasswordExpired:")
    # Even with the permission, a hard-expired password is the administrator's to reset.
    r = iam("user", "password", "change", "alice", "--password-stdin", stdin=f"{GOOD}\nN3w-Password!\n")
    assert r.code == 3 and "EntityTemporarilyUnmodifiable" in r.err
    assert set_password(iam, "alice", "N3w-Password!").code == 0  # the administrator's reset
    assert login(iam, "alice", "N3w-Password!").code == 0


def test_login_records_last_use_in_the_report(iam, alice, clock, cli) -> None:
    set_password(iam, "alice", GOOD)
    row = cli("account", "credential-report").out.splitlines()[2].split(",")
    assert row[4] == "no_information"
    clock.advance(hours=2)
    login(iam, "alice", GOOD)
    row = cli("account", "credential-report").out.splitlines()[2].split(",")
    assert row[4] == "2026-11-28T18:04:44+00:00"


def test_delete_password(iam, alice) -> None:
    set_password(iam, "alice", GOOD)
    assert iam("user", "password", "delete", "alice").code == 0
    r = iam("user", "password", "delete", "alice")
    assert (r.code, r.err) == (3, "iamctl: NoSuchEntity: Login Profile for User alice cannot be found.\n")
    assert login(iam, "alice", GOOD).code == 3


def test_no_prompt_without_a_terminal(iam, alice) -> None:
    for argv in (("user", "password", "set", "alice"), ("user", "login", "alice"),
                 ("user", "password", "change", "alice")):
        r = iam(*argv)
        assert r.code == 2 and "will not prompt" in r.err and "--password-stdin" in r.err
    assert iam("user", "password", "set", "alice", "--generate", "--password-stdin").code == 2


def test_prompt_uses_getpass_on_a_terminal(iam, alice, monkeypatch) -> None:
    import io

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    answers = iter([GOOD, GOOD])
    monkeypatch.setattr("getpass.getpass", lambda prompt, stream=None: next(answers))
    monkeypatch.setattr("sys.stdin", Tty(""))
    from iamctl.cli.main import run

    assert run(["user", "password", "set", "alice", "--output", "json"]) == 0


def test_at_lets_a_script_try_out_password_age_and_mfa_codes(iam, alice) -> None:
    """The credential commands take --at, as role assume and simulate do: the real clock
    is running here (no clock fixture), and only --at decides."""
    from datetime import datetime

    from tests.credentials_cli.conftest import totp

    iam("account", "password-policy", "set", "--max-age", "90")
    assert set_password(iam, "alice", GOOD, "--at", "2026-01-01T00:00:00Z").code == 0
    assert login(iam, "alice", GOOD, "--at", "2026-03-01T00:00:00Z").code == 0  # 59 days on
    late = login(iam, "alice", GOOD, "--at", "2026-04-15T00:00:00Z")  # 104 days on
    assert late.code == 1 and late.json()["SignIn"]["PasswordExpired"] is True

    seed = iam("user", "mfa", "create", "alice").json()["VirtualMFADevice"]["Base32StringSeed"]
    then = datetime.fromisoformat("2025-06-01T00:00:00+00:00")
    enabled = iam("user", "mfa", "enable", "alice", "--code1", totp(seed, then), "--code2",
                  totp(seed, then, step_offset=1), "--at", "2025-06-01T00:00:00Z")
    assert enabled.code == 0, enabled.err
    later = datetime.fromisoformat("2026-02-01T00:00:00+00:00")
    r = login(iam, "alice", GOOD, "--mfa-code", totp(seed, later), "--at", "2026-02-01T00:00:00Z")
    assert r.code == 0 and r.json()["SignIn"]["MFAUsed"] is True

    bad = login(iam, "alice", GOOD, "--at", "yesterday")
    assert bad.code == 2 and bad.err == "iamctl: InvalidArgument: --at 'yesterday' is not an ISO 8601 date and time.\n"
