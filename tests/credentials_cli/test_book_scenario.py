"""Chapter 16 of the book, end to end: a group with EC2 full access, a user with an access
key in it, a console password under a password policy, and a sign-in through the alias's
URL with MFA."""

from __future__ import annotations

import csv
import io

from tests.credentials_cli.conftest import totp

URL = "https://example-corp.signin.aws.amazon.com/console"


def test_book_scenario(iam, cli, clock) -> None:
    # 16A: group EC2Admin with the Amazon EC2 Full Access template (today a managed policy).
    assert iam("group", "create", "EC2Admin").code == 0
    assert iam("group", "attach-policy", "EC2Admin", "AmazonEC2FullAccess").code == 0

    # 16B: user exampleuser1 with an access key (the console's credentials download), in EC2Admin.
    assert iam("user", "create", "exampleuser1").code == 0
    r = cli("key", "create", "exampleuser1", "--format", "csv")
    assert r.code == 0, r.err
    (key_id, secret), = list(csv.reader(io.StringIO(r.out)))[1:]
    assert iam("group", "add-user", "EC2Admin", "exampleuser1").code == 0
    assert [g["GroupName"] for g in iam("user", "groups", "exampleuser1").json()["Groups"]] == ["EC2Admin"]
    assert iam("whoami", "--access-key-id", key_id, "--secret-stdin", stdin=secret + "\n").json()["Arn"] == (
        "arn:aws:iam::123456789012:user/exampleuser1")

    # 16E: a password policy requiring upper case, numbers and symbols.
    assert iam("account", "password-policy", "set", "--require-uppercase", "--require-numbers",
               "--require-symbols").code == 0

    # 16C: a console password that must meet it.
    r = iam("user", "password", "set", "exampleuser1", "--password-stdin", stdin="password\n")
    assert r.code == 3 and r.err == (
        "iamctl: PasswordPolicyViolation: Password should have at least one uppercase letter; Password should have "
        "at least one number; Password should have at least one symbol.\n")
    r = iam("user", "password", "set", "exampleuser1", "--password-stdin", stdin="Ex@mple1pass\n")
    assert r.code == 0, r.err

    # 16E: a virtual MFA device for the user, enabled with two consecutive codes.
    seed = iam("user", "mfa", "create", "exampleuser1").json()["VirtualMFADevice"]["Base32StringSeed"]
    assert iam("user", "mfa", "enable", "exampleuser1", "--code1", totp(seed, clock.now),
               "--code2", totp(seed, clock.now, step_offset=1)).code == 0

    # 16C: the dashboard's sign-in link, customised with the alias.
    assert iam("account", "signin-url").json() == {"SigninUrl": URL}

    # Sign in through that URL: password plus the current MFA code.
    clock.advance(minutes=1)
    login = ("user", "login", "exampleuser1", "--signin-url", URL, "--password-stdin")
    r = iam(*login, stdin="Ex@mple1pass\n")
    assert r.code == 3 and "InvalidAuthenticationCode" in r.err
    r = iam(*login, "--mfa-code", totp(seed, clock.now), stdin="Ex@mple1pass\n")
    assert r.code == 0, r.err
    sign_in = r.json()["SignIn"]
    # The console header shows user@account.
    assert (sign_in["UserName"], sign_in["AccountAlias"], sign_in["Account"]) == (
        "exampleuser1", "example-corp", "123456789012")
    assert sign_in["MFAUsed"] is True

    # A URL for an account the store does not hold signs in nowhere.
    r = iam("user", "login", "exampleuser1", "--signin-url", "https://nobody.signin.aws.amazon.com/console",
            "--password-stdin", stdin="Ex@mple1pass\n")
    assert r.code == 3 and "NoSuchEntity" in r.err

    # The report shows the whole story for the user.
    row = list(csv.DictReader(io.StringIO(cli("account", "credential-report").out)))[1]
    assert (row["user"], row["password_enabled"], row["mfa_active"], row["access_key_1_active"]) == (
        "exampleuser1", "true", "true", "true")
    assert row["password_last_used"] == "2026-11-28T16:05:44+00:00"
    assert row["access_key_1_last_used_service"] == "sts"
