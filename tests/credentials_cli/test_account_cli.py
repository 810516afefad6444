"""account password-policy|alias|signin-url|credential-report|summary|status|root ..."""

from __future__ import annotations

import base64
import csv
import io
import os
import stat

import pytest

from tests.credentials_cli.conftest import totp

# The credential report's header line, exactly as AWS serves it.
AWS_HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
)


# ---------------------------------------------------------------- password policy


def test_policy_set_get_delete(iam) -> None:
    r = iam("account", "password-policy", "get")
    assert (r.code, r.err) == (
        3, "iamctl: NoSuchEntity: The Password Policy with domain name 123456789012 cannot be found.\n")
    r = iam("account", "password-policy", "set", "--minimum-length", "14", "--require-symbols", "--max-age", "90",
            "--reuse-prevention", "24")
    assert r.code == 0, r.err
    expected = {"PasswordPolicy": {
        "MinimumPasswordLength": 14, "RequireSymbols": True, "RequireNumbers": False,
        "RequireUppercaseCharacters": False, "RequireLowercaseCharacters": False,
        "AllowUsersToChangePassword": False, "ExpirePasswords": True, "MaxPasswordAge": 90,
        "PasswordReusePrevention": 24, "HardExpiry": False}}
    assert r.json() == expected
    assert iam("account", "password-policy", "get").json() == expected
    # set replaces the whole policy: what is left out returns to its default.
    r = iam("account", "password-policy", "set", "--require-numbers")
    assert r.json()["PasswordPolicy"] == {
        "MinimumPasswordLength": 6, "RequireSymbols": False, "RequireNumbers": True,
        "RequireUppercaseCharacters": False, "RequireLowercaseCharacters": False,
        "AllowUsersToChangePassword": False, "ExpirePasswords": False}
    assert iam("account", "password-policy", "delete").code == 0
    assert iam("account", "password-policy", "delete").code == 3


@pytest.mark.parametrize(
    ("option", "value", "ok"),
    [("--minimum-length", "5", False), ("--minimum-length", "6", True), ("--minimum-length", "128", True),
     ("--minimum-length", "129", False), ("--max-age", "0", False), ("--max-age", "1095", True),
     ("--max-age", "1096", False), ("--reuse-prevention", "0", False), ("--reuse-prevention", "24", True),
     ("--reuse-prevention", "25", False)],
)
def test_policy_ranges(iam, option: str, value: str, ok: bool) -> None:
    r = iam("account", "password-policy", "set", option, value)
    assert (r.code == 0) is ok, r.err
    if not ok:
        assert r.err.startswith("iamctl: ValidationError: 1 validation error detected:")


# ---------------------------------------------------------------- alias and sign-in URL


def test_alias_and_signin_url(iam, cli) -> None:
    assert iam("account", "alias", "get").json() == {"AccountAliases": ["example-corp"]}
    assert cli("account", "signin-url", "--output", "text").out == "https://example-corp.signin.aws.amazon.com/console\n"
    assert iam("account", "alias", "delete", "other").code == 3
    assert iam("account", "alias", "delete").code == 0
    assert iam("account", "alias", "get").json() == {"AccountAliases": []}
    assert iam("account", "signin-url").json() == {"SigninUrl": "https://123456789012.signin.aws.amazon.com/console"}
    assert iam("account", "alias", "delete").code == 3
    assert iam("account", "alias", "set", "new-name").json() == {"AccountAliases": ["new-name"]}
    assert iam("account", "get").json()["Account"]["Alias"] == "new-name"


@pytest.mark.parametrize(
    "alias", ["ab", "a" * 64, "Upper", "-start", "end-", "two--hyphens", "123456", "under_score", "dot.ted"]
)
def test_alias_rules(cli, account, alias: str) -> None:
    r = cli("account", "alias", "set", "--", alias)
    assert r.code == 3 and r.err.startswith("iamctl: ValidationError:"), r.err


def test_alias_unique_in_the_store(iam) -> None:
    iam("account", "create", "--account-id", "210987654321")
    r = iam("account", "alias", "set", "example-corp", "--account", "210987654321")
    assert r.code == 3 and "EntityAlreadyExists" in r.err
    assert iam("account", "alias", "set", "abc", "--account", "210987654321").code == 0
    assert iam("account", "create", "--alias", "abc").code == 3


# ---------------------------------------------------------------- credential report


def test_credential_report(iam, cli, alice, clock, tmp_path, monkeypatch) -> None:
    iam("user", "create", "bob")
    iam("key", "create", "alice")
    r = cli("account", "credential-report")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0] == AWS_HEADER
    rows = list(csv.DictReader(io.StringIO(r.out)))
    assert [row["user"] for row in rows] == ["<root_account>", "alice", "bob"]
    assert all(len(row) == 22 for row in csv.reader(io.StringIO(r.out)))
    assert rows[0]["password_enabled"] == "not_supported"
    assert rows[1]["access_key_1_active"] == "true"
    assert rows[1]["access_key_1_last_rotated"] == "2026-11-28T16:04:44+00:00"
    assert rows[2]["password_enabled"] == "false" and rows[2]["password_last_used"] == "N/A"

    target = tmp_path / "report.csv"
    r = cli("account", "credential-report", "--file", str(target))
    assert r.code == 0 and r.out == "" and str(target) in r.err
    assert target.read_text() == cli("account", "credential-report").out
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    monkeypatch.chdir(tmp_path)  # '-' is stdout, as for every file argument, not a file named '-'
    r = cli("account", "credential-report", "--file", "-")
    assert r.code == 0 and r.out.splitlines()[0] == AWS_HEADER and not (tmp_path / "-").exists()

    body = iam("account", "credential-report").json()
    assert body["ReportFormat"] == "text/csv" and body["GeneratedTime"] == "2026-11-28T16:04:44+00:00"
    assert base64.b64decode(body["Content"]).decode().splitlines()[0] == AWS_HEADER


# ---------------------------------------------------------------- summary and status


def test_summary(iam, alice, clock) -> None:
    iam("group", "create", "EC2Admin")
    seed = iam("user", "mfa", "create", "alice").json()["VirtualMFADevice"]["Base32StringSeed"]
    iam("user", "mfa", "enable", "alice", "--code1", totp(seed, clock.now), "--code2",
        totp(seed, clock.now, step_offset=1))
    iam("account", "root", "key", "create")
    summary = iam("account", "summary").json()["SummaryMap"]
    assert summary["Users"] == 1 and summary["Groups"] == 1 and summary["UsersQuota"] == 5000
    assert summary["MFADevices"] == 1 and summary["MFADevicesInUse"] == 1
    assert summary["AccountAccessKeysPresent"] == 1 and summary["AccountMFAEnabled"] == 0
    assert summary["AccessKeysPerUserQuota"] == 2


def test_status_fails_then_passes(iam, clock) -> None:
    key_id = iam("account", "root", "key", "create").json()["AccessKey"]["AccessKeyId"]
    r = iam("account", "status")
    assert r.code == 1
    body = r.json()
    assert [i["Status"] for i in body["SecurityStatus"]] == ["fail"] * 5
    assert body["SecurityStatus"][0]["Fix"] == f"iamctl account root key delete {key_id}"
    assert (body["Passed"], body["Total"]) == (0, 5)

    # Follow each fix.
    assert iam("account", "root", "key", "delete", key_id).code == 0
    seed = iam("account", "root", "mfa", "create").json()["VirtualMFADevice"]["Base32StringSeed"]
    assert iam("account", "root", "mfa", "enable", "--code1", totp(seed, clock.now), "--code2",
               totp(seed, clock.now, step_offset=1)).code == 0
    iam("user", "create", "alice")
    iam("group", "create", "Admins")
    iam("group", "add-user", "Admins", "alice")
    iam("account", "password-policy", "set", "--minimum-length", "14")
    r = iam("account", "status")
    assert r.code == 0, r.out
    assert r.json()["Passed"] == 5 and all("Fix" not in i for i in r.json()["SecurityStatus"])


# ---------------------------------------------------------------- root user


def test_root_password_keys_mfa(iam, cli, clock) -> None:
    r = iam("account", "root", "password", "set", "--password-stdin", stdin="abc\n")
    assert r.code == 3 and "PasswordPolicyViolation" in r.err
    assert iam("account", "root", "password", "set", "--password-stdin", stdin="R00t-Password!\n").code == 0
    assert iam("account", "summary").json()["SummaryMap"]["AccountPasswordPresent"] == 1
    generated = iam("account", "root", "password", "set", "--generate").json()["Password"]
    assert len(generated) >= 20
    assert iam("account", "root", "password", "delete").code == 0

    keys = [iam("account", "root", "key", "create").json()["AccessKey"]["AccessKeyId"] for _ in range(2)]
    assert iam("account", "root", "key", "create").code == 3
    assert [k["AccessKeyId"] for k in iam("account", "root", "key", "list").json()["AccessKeyMetadata"]] == keys
    assert iam("account", "root", "key", "update", keys[0], "--status", "Inactive").code == 0
    root_row = next(csv.DictReader(io.StringIO(cli("account", "credential-report").out)))
    assert (root_row["access_key_1_active"], root_row["access_key_2_active"]) == ("false", "true")
    # Root keys are not IAM users' keys.
    assert iam("key", "delete", keys[0]).code == 3
    for key_id in keys:
        assert iam("account", "root", "key", "delete", key_id).code == 0

    r = iam("account", "root", "mfa", "create")
    device = r.json()["VirtualMFADevice"]
    assert device["SerialNumber"] == "arn:aws:iam::123456789012:mfa/root-account-mfa-device"
    assert "root@example-corp" in device["QRCodeURI"]
    seed = device["Base32StringSeed"]
    assert iam("account", "root", "mfa", "list").json()["MFADevices"] == [{"SerialNumber": device["SerialNumber"]}]
    iam("account", "root", "mfa", "enable", "--code1", totp(seed, clock.now), "--code2",
        totp(seed, clock.now, step_offset=1))
    assert iam("account", "root", "mfa", "delete").code == 3
    assert iam("account", "root", "mfa", "deactivate").code == 0
    assert iam("account", "root", "mfa", "delete").code == 0
    assert iam("account", "root", "mfa", "list").json() == {"MFADevices": []}


# ---------------------------------------------------------------- root sign-in


def test_root_login_by_email_with_mfa(iam, cli, clock) -> None:
    assert iam("account", "create", "--account-id", "210987654321", "--email", "Ops@Example.com").code == 0
    ops = ("--account", "210987654321")
    assert iam(*ops, "account", "root", "password", "set", "--password-stdin", stdin="R00t-Password!\n").code == 0
    # The email picks the account, whatever the case and whatever --account says.
    r = iam("account", "root", "login", "--email", "ops@example.com", "--password-stdin", stdin="R00t-Password!\n")
    assert r.code == 0, r.err
    assert r.json() == {"SignIn": {"Arn": "arn:aws:iam::210987654321:root", "Account": "210987654321",
                                   "AccountAlias": None, "Email": "Ops@Example.com", "MFAUsed": False}}
    root_row = next(csv.DictReader(io.StringIO(cli(*ops, "account", "credential-report").out)))
    assert root_row["password_last_used"] == "2026-11-28T16:04:44+00:00"

    seed = iam(*ops, "account", "root", "mfa", "create").json()["VirtualMFADevice"]["Base32StringSeed"]
    assert iam(*ops, "account", "root", "mfa", "enable", "--code1", totp(seed, clock.now), "--code2",
               totp(seed, clock.now, step_offset=1)).code == 0
    clock.advance(seconds=90)
    login = ("account", "root", "login", "--email", "ops@example.com", "--password-stdin")
    r = iam(*login, stdin="R00t-Password!\n")
    assert r.code == 3 and "InvalidAuthenticationCode" in r.err and "--mfa-code" in r.err
    code = totp(seed, clock.now)
    r = iam(*login, "--mfa-code", code, stdin="R00t-Password!\n")
    assert r.code == 0 and r.json()["SignIn"]["MFAUsed"] is True
    assert iam(*login, "--mfa-code", code, stdin="R00t-Password!\n").code == 3  # a code is used once


def test_root_login_refuses_the_same_way_for_a_wrong_password_or_email(iam) -> None:
    assert iam("account", "root", "password", "set", "--password-stdin", stdin="R00t-Password!\n").code == 0
    assert iam("account", "root", "login", "--password-stdin", stdin="R00t-Password!\n").code == 0  # current account
    wrong = iam("account", "root", "login", "--password-stdin", stdin="nope\n")
    unknown = iam("account", "root", "login", "--email", "who@example.com", "--password-stdin",
                  stdin="R00t-Password!\n")
    assert wrong.code == unknown.code == 3
    assert wrong.err == unknown.err == "iamctl: AccessDenied: Your authentication information is incorrect. " \
                                       "Please try again.\n"
    assert iam("account", "root", "password", "delete").code == 0
    assert iam("account", "root", "login", "--password-stdin", stdin="R00t-Password!\n").err == wrong.err


@pytest.mark.parametrize("email", ["nope", "a@b", "x y@example.com", "a" * 60 + "@example.com"])
def test_account_emails_are_checked_and_unique(iam, email) -> None:
    r = iam("account", "create", "--email", email)
    assert r.code == 3 and "InvalidInput" in r.err
    assert iam("account", "create", "--email", "dev@example.com").code == 0
    dup = iam("account", "create", "--email", "DEV@example.com")
    assert dup.code == 3 and "EntityAlreadyExists" in dup.err
