"""Hand edits that used to pass the store's checks and break commands later: each is now
a CorruptStore (exit 4) naming the entity, and the line where the parser can say it."""

from __future__ import annotations

import pytest

from iamctl.core.credentials import mfa
from iamctl.core.credentials.secrets_hash import hash_problem, hash_secret, verify_secret
from iamctl.core.store.checks import is_base32_seed

BASE = """\
schema = 1
default_account = "123456789012"

[accounts.123456789012]
created = "2026-11-30T13:02:52+00:00"

[accounts.123456789012.users.alice]
id = "AIDAM64U4YKRRSFLUMETK"
created = "2026-11-30T13:02:52+00:00"
path = "/"
"""
GOOD_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
KEY = "\n[accounts.123456789012.users.alice.access_keys.AKIAAAAAAAAAAAAAAAAA]\n"


def key(status: str = "Active", secret_hash: str = GOOD_HASH, created: str = "2026-11-30T13:02:52+00:00") -> str:
    return f"{KEY}secret_hash = '{secret_hash}'\ncreated = '{created}'\nstatus = '{status}'\n"


CASES = {
    "inline tables 3,000 deep": (
        BASE + "\n[accounts.123456789012.users.alice.tags]\nx = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n",
        "line 13 (in [accounts.123456789012.users.alice.tags]): arrays or inline tables nest more than 100 deep.",
    ),
    "arrays 3,000 deep": (
        BASE + "groups = " + "[" * 3000 + "]" * 3000 + "\n",
        "line 11 (in [accounts.123456789012.users.alice]): arrays or inline tables nest more than 100 deep.",
    ),
    "tables 3,000 deep": (
        BASE + "\n[accounts.123456789012.users.alice.tags" + ".a" * 3000 + "]\nx = 1\n",
        "store.accounts.123456789012.users.alice.tags.a must be a string, not a table.",
    ),
    "a seed that is not Base32": (
        BASE + "\n[accounts.123456789012.users.alice.mfa]\nserial = 'arn:aws:iam::123456789012:mfa/alice'\n"
               "seed = 'JBSWY3DPEHPK3PX1'\n",
        "the MFA device of user alice (account 123456789012) has a seed that is not Base32 (A-Z, 2-7).",
    ),
    "a key status other than Active or Inactive": (
        BASE + key(status="Disabled"),
        "access key AKIAAAAAAAAAAAAAAAAA of user alice (account 123456789012) has status 'Disabled'; "
        "it must be Active or Inactive.",
    ),
    "a date that is not ISO 8601": (
        BASE.replace('created = "2026-11-30T13:02:52+00:00"\npath', 'created = "30/11/2026"\npath'),
        "user alice (account 123456789012) has created '30/11/2026', which is not an ISO 8601 time.",
    ),
    "a key's date that is not ISO 8601": (
        BASE + key(created="yesterday"),
        "access key AKIAAAAAAAAAAAAAAAAA of user alice (account 123456789012) has created 'yesterday', "
        "which is not an ISO 8601 time.",
    ),
    "a five-digit account ID": (
        BASE.replace('default_account = "123456789012"\n', "").replace("123456789012", "12345"),
        "account ID '12345' is not 12 digits.",
    ),
    "scrypt parameters raised by hand": (
        BASE + key(secret_hash=GOOD_HASH.replace("$16384$8$", "$1048576$32$")),
        "access key AKIAAAAAAAAAAAAAAAAA of user alice (account 123456789012): secret_hash has scrypt "
        "parameters n=1048576, r=32, p=1; iamctl writes n=16384, r=8, p=1 and checks hashes costing at most "
        "twice that (n*r*p <= 262144).",
    ),
    "a path that does not end with /": (
        BASE.replace('path = "/"', 'path = "x"'),
        "user alice (account 123456789012) has path 'x'; a path is / or starts and ends with /, e.g. "
        "/engineering/ (printable ASCII, at most 512 characters).",
    ),
    "a native TOML date where a string belongs": (
        BASE.replace('path = "/"', "path = 2024-01-01T00:00:00Z"),
        "store.accounts.123456789012.users.alice.path must be a string, not a date-time (2024-01-01T00:00:00Z).",
    ),
    "a usage month that is not YYYY-MM": (
        BASE + "\n[usage.u1]\naccount_id = '123456789012'\nservice = 'AmazonS3'\nusage_type = 'x'\n"
               "quantity = '1'\nmonth = 'November'\n",
        "usage record u1 has month 'November', which is not YYYY-MM.",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_hand_edit_commands_would_trip_on_is_a_corrupt_store(cli, store_path, case):
    text, message = CASES[case]
    store_path.write_text(text)
    for argv in (("user", "list"), ("user", "create", "bob")):
        result = cli(*argv)
        assert (result.code, result.out, result.err) == (4, "", f"iamctl: CorruptStore: {store_path}: {message}\n")
    assert store_path.read_text() == text  # reported, never rewritten


def test_what_iamctl_writes_passes_the_new_checks():
    for _ in range(20):
        assert is_base32_seed(mfa.new_seed())
    assert is_base32_seed("jbswy3dpehpk3pxp")  # any case, as pyotp reads it
    assert not is_base32_seed("") and not is_base32_seed("====") and not is_base32_seed("JBSWY3D0")
    assert hash_problem(hash_secret("s3cret")) is None


def test_a_hash_costlier_than_twice_iamctls_is_never_checked():
    costly = hash_secret("pw", n=2**16)
    assert hash_problem(costly) is not None
    assert verify_secret("pw", costly) is False  # refused before scrypt runs
    assert verify_secret("pw", hash_secret("pw", n=2**15))  # a little above: still checked


@pytest.mark.parametrize("value", ["", "abc", "nan", "-1", "inf"])
def test_a_lock_timeout_that_is_not_a_number_of_seconds_is_a_usage_error(cli, account, monkeypatch, value):
    monkeypatch.setenv("IAMCTL_LOCK_TIMEOUT", value)
    result = cli("user", "create", "bob")
    assert (result.code, result.out) == (2, "")
    assert result.err == ("iamctl: InvalidArgument: IAMCTL_LOCK_TIMEOUT must be a number of seconds, 0 or more "
                          f"(such as 10 or 0.5), not {value!r}.\n")


def test_a_lock_timeout_in_seconds_is_accepted(cli, account, monkeypatch):
    monkeypatch.setenv("IAMCTL_LOCK_TIMEOUT", "0.5")
    assert cli("user", "create", "bob").code == 0
