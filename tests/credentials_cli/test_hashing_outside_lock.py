"""Secrets are hashed (and, where the store can be read first, checked) before a write
takes the store's lock: an scrypt costs ~50 ms, and every other writer waits while the
lock is held (issue 11 §6).

The ``scrypts`` fixture records, for every scrypt computed, whether the store's lock was
held at that moment; a command that does its secret work before locking records only
False."""

from __future__ import annotations

import contextlib
import json
import re

import pytest

from iamctl.cli import user_credentials
from iamctl.core.credentials import access_keys as ak
from iamctl.core.credentials import secrets_hash
from iamctl.core.store import files

ACCOUNT = "123456789012"
GOOD = "Corr3ct-Horse!"


@pytest.fixture
def scrypts(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per scrypt (a hash made or checked): True when the store's lock was held."""
    held = [False]
    calls: list[bool] = []
    original_locked, original_derive = files.locked, secrets_hash._derive

    @contextlib.contextmanager
    def locked(*args, **kwargs):
        with original_locked(*args, **kwargs) as fd:
            held[0] = True
            try:
                yield fd
            finally:
                held[0] = False

    def derive(*args, **kwargs):
        calls.append(held[0])
        return original_derive(*args, **kwargs)

    monkeypatch.setattr(files, "locked", locked)
    monkeypatch.setattr(secrets_hash, "_derive", derive)
    monkeypatch.setattr(secrets_hash, "_verified", {}, raising=False)  # no answers from earlier tests
    return calls


def set_password(iam, user: str, password: str, *extra: str):
    return iam("user", "password", "set", user, "--password-stdin", *extra, stdin=password + "\n")


def change(iam, old: str, new: str):
    return iam("user", "password", "change", "alice", "--password-stdin", stdin=f"{old}\n{new}\n")


def login(iam, user: str, password: str):
    return iam("user", "login", user, "--password-stdin", stdin=password + "\n")


def whoami(iam, key: dict):
    return iam("whoami", "--access-key-id", key["AccessKeyId"], "--secret-access-key", key["SecretAccessKey"])


# ---------------------------------------------------------------- access keys


def test_key_create_hashes_the_secret_before_locking(iam, alice, scrypts) -> None:
    r = iam("key", "create", "alice")
    assert r.code == 0, r.err
    assert scrypts == [False]
    key = r.json()["AccessKey"]
    scrypts.clear()
    assert whoami(iam, key).json()["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/alice"  # the hash is the secret's


def test_key_rotate_and_root_key_create_hash_before_locking(iam, alice, scrypts) -> None:
    assert iam("key", "create", "alice").code == 0
    scrypts.clear()
    r = iam("key", "rotate", "alice")
    assert r.code == 0, r.err
    assert scrypts == [False]
    scrypts.clear()
    r = iam("account", "root", "key", "create")
    assert r.code == 0, r.err
    assert scrypts == [False]
    key = r.json()["AccessKey"]
    assert whoami(iam, key).json()["Arn"] == f"arn:aws:iam::{ACCOUNT}:root"


def test_the_quota_is_still_checked_under_the_lock(iam, alice, scrypts) -> None:
    assert iam("key", "create", "alice").code == 0
    assert iam("key", "create", "alice").code == 0
    r = iam("key", "create", "alice")
    assert r.code == 3
    assert r.err == "iamctl: LimitExceeded: Cannot exceed quota for AccessKeysPerUser: 2\n"
    assert True not in scrypts


def test_a_prepared_key_id_someone_holds_is_replaced_under_the_lock(iam, alice, scrypts, monkeypatch) -> None:
    """The prepared ID is only known to be free under the lock: a taken one (here alice's,
    looked for across the store) gets a new ID there; the secret and its hash stay."""
    taken = iam("key", "create", "alice").json()["AccessKey"]["AccessKeyId"]
    assert iam("user", "create", "bob").code == 0
    fresh = "AKIA" + "B" * 16
    ids = iter([taken, fresh])
    monkeypatch.setattr(ak, "new_key_id", lambda: next(ids))
    scrypts.clear()
    r = iam("key", "create", "bob")
    assert r.code == 0, r.err
    key = r.json()["AccessKey"]
    assert key["AccessKeyId"] == fresh
    assert scrypts == [False]  # no second hash, and none under the lock
    assert whoami(iam, key).json()["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/bob"
    assert [k["AccessKeyId"] for k in iam("key", "list", "alice").json()["AccessKeyMetadata"]] == [taken]


def test_a_prepared_key_id_taken_by_a_key_of_the_same_user_or_rotation(iam, alice, monkeypatch) -> None:
    first = iam("key", "create", "alice").json()["AccessKey"]["AccessKeyId"]
    fresh = "AKIA" + "C" * 16
    ids = iter([first, fresh])
    monkeypatch.setattr(ak, "new_key_id", lambda: next(ids))
    r = iam("key", "rotate", "alice")
    assert r.code == 0, r.err
    answer = r.json()
    assert answer["AccessKey"]["AccessKeyId"] == fresh and answer["DeactivatedAccessKeyIds"] == [first]


def test_create_access_key_with_material_replaces_a_taken_id_only() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 30, tzinfo=UTC)
    material = ak.new_key_material()
    existing = [ak.AccessKey(id=material.key_id, secret_hash="x", created="2026-11-30T00:00:00+00:00")]
    new = ak.create_access_key(existing, "alice", now, material)
    assert new.key.id != material.key_id and re.fullmatch(r"AKIA[A-Z2-7]{16}", new.key.id)
    assert (new.secret, new.key.secret_hash) == (material.secret, material.secret_hash)
    assert secrets_hash.verify_secret(new.secret, new.key.secret_hash)
    assert material.secret not in repr(material) and material.secret_hash not in repr(material)


# ---------------------------------------------------------------- passwords


@pytest.fixture
def strict(iam) -> None:
    r = iam("account", "password-policy", "set", "--minimum-length", "12", "--require-uppercase",
            "--require-lowercase", "--require-numbers", "--require-symbols", "--allow-users-to-change",
            "--reuse-prevention", "3")
    assert r.code == 0, r.err


def test_password_set_hashes_and_checks_the_history_before_locking(iam, alice, strict, scrypts) -> None:
    assert set_password(iam, "alice", "Aaaaaaaaaaa1!").code == 0
    assert scrypts == [False]
    scrypts.clear()
    assert set_password(iam, "alice", "Bbbbbbbbbbb2!").code == 0  # checked against one previous hash
    assert scrypts == [False, False]
    scrypts.clear()
    r = set_password(iam, "alice", "Aaaaaaaaaaa1!")
    assert r.code == 3 and r.err == ("iamctl: PasswordPolicyViolation: Password should not be one of your 3 "
                                     "previous passwords.\n")
    assert scrypts and True not in scrypts
    assert login(iam, "alice", "Bbbbbbbbbbb2!").code == 0


def test_password_change_checks_the_old_password_and_history_before_locking(iam, alice, strict, scrypts) -> None:
    assert set_password(iam, "alice", "Aaaaaaaaaaa1!").code == 0
    assert change(iam, "Aaaaaaaaaaa1!", "Bbbbbbbbbbb2!").code == 0
    scrypts.clear()
    r = change(iam, "Bbbbbbbbbbb2!", "Ccccccccccc3!")
    assert r.code == 0, r.err
    # the new hash, the old password, and the two hashes of the history
    assert scrypts == [False] * 4
    scrypts.clear()
    r = change(iam, "Ccccccccccc3!", "Aaaaaaaaaaa1!")
    assert r.code == 3 and "Password should not be one of your 3 previous passwords" in r.err
    assert scrypts and True not in scrypts
    scrypts.clear()
    r = change(iam, "wrong", "Ddddddddddd4!")
    assert r.code == 3 and r.err == "iamctl: InvalidUserType: The old password is incorrect.\n"
    assert scrypts and True not in scrypts
    assert login(iam, "alice", "Ccccccccccc3!").code == 0


def test_root_password_set_hashes_before_locking(iam, scrypts) -> None:
    r = iam("account", "root", "password", "set", "--password-stdin", stdin=GOOD + "\n")
    assert r.code == 0, r.err
    assert scrypts == [False]
    r = iam("account", "root", "password", "set", "--generate")
    assert r.code == 0, r.err
    generated = r.json()["Password"]
    r = iam("account", "root", "login", "--password-stdin", stdin=generated + "\n")
    assert r.code == 0, r.err


def _stale_account(monkeypatch: pytest.MonkeyPatch):
    """Make the command's unlocked read return the account as it is now, whatever is
    written before the command locks the store."""
    from iamctl.cli.common import peek_account

    stale = peek_account()
    assert stale is not None
    monkeypatch.setattr(user_credentials, "peek_account", lambda: stale)


def test_a_password_changed_after_the_unlocked_read_is_checked_again(iam, alice, strict, scrypts,
                                                                      monkeypatch) -> None:
    assert set_password(iam, "alice", "Aaaaaaaaaaa1!").code == 0
    _stale_account(monkeypatch)
    assert set_password(iam, "alice", "Bbbbbbbbbbb2!").code == 0  # an administrator's reset in between
    scrypts.clear()
    r = change(iam, "Aaaaaaaaaaa1!", "Ccccccccccc3!")
    assert r.code == 3 and r.err == "iamctl: InvalidUserType: The old password is incorrect.\n"
    assert True in scrypts  # the hash read under the lock was not in the memo: checked there


def test_a_generated_password_the_policy_no_longer_allows_is_made_again(iam, alice, monkeypatch) -> None:
    _stale_account(monkeypatch)
    assert iam("account", "password-policy", "set", "--minimum-length", "40").code == 0
    r = iam("user", "password", "set", "alice", "--generate")
    assert r.code == 0, r.err
    generated = r.json()["Password"]
    assert len(generated) >= 40
    assert login(iam, "alice", generated).code == 0


# ---------------------------------------------------------------- role sessions


def test_role_sessions_are_hashed_before_locking(iam, alice, scrypts) -> None:
    allow = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]})
    assert iam("user", "put-policy", "alice", "assume", "--document", "-", stdin=allow).code == 0
    assert iam("role", "create", "Auditor", "--trust-account", ACCOUNT).code == 0
    assert iam("role", "create", "web", "--trust-service", "ec2.amazonaws.com").code == 0
    assert iam("role", "create", "app", "--trust-web-identity", "accounts.google.com",
               "--audience", "my-app").code == 0
    scrypts.clear()
    r = iam("role", "assume", "Auditor", "--as", "alice", "--session-name", "audit")
    assert r.code == 0, r.err
    assert scrypts == [False, False]  # the session's secret and its token
    creds = r.json()["Credentials"]
    who = iam("whoami", "--access-key-id", creds["AccessKeyId"], "--secret-access-key", creds["SecretAccessKey"],
              "--session-token", creds["SessionToken"])
    assert who.json()["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/Auditor/audit"
    for argv in (["role", "assume", "web", "--service", "ec2.amazonaws.com"],
                 ["role", "assume-web-identity", "app", "--provider", "accounts.google.com", "--subject", "1",
                  "--audience", "my-app"]):
        scrypts.clear()
        r = iam(*argv)
        assert r.code == 0, r.err
        assert scrypts == [False, False], argv


# ---------------------------------------------------------------- signing in (checks only)


def test_sign_ins_check_the_secret_before_locking(iam, alice, scrypts) -> None:
    """user login, account root login and whoami with a long-term key are writes (they note
    the last use): the scrypt check is made on a read without the lock first, and the same
    check under the lock is answered from the memo."""
    assert set_password(iam, "alice", GOOD).code == 0
    r = iam("account", "root", "password", "set", "--password-stdin", stdin=GOOD + "\n")
    assert r.code == 0, r.err
    key = iam("key", "create", "alice").json()["AccessKey"]
    cases = [
        (lambda: login(iam, "alice", GOOD), 0),
        (lambda: login(iam, "alice", "Wr0ng-Password!"), 3),
        (lambda: login(iam, "nobody", GOOD), 3),
        (lambda: iam("account", "root", "login", "--password-stdin", stdin=GOOD + "\n"), 0),
        (lambda: iam("account", "root", "login", "--email", "no@example.com", "--password-stdin",
                     stdin="An0ther-Password!\n"), 3),
        (lambda: whoami(iam, key), 0),
        (lambda: whoami(iam, {**key, "SecretAccessKey": "x" * 40}), 3),
    ]
    for n, (command, code) in enumerate(cases):
        scrypts.clear()
        r = command()
        assert r.code == code, (n, r.err)
        assert scrypts and True not in scrypts, n


def test_a_key_deactivated_after_the_unlocked_read_is_refused(iam, alice, monkeypatch) -> None:
    from iamctl.cli import common

    key = iam("key", "create", "alice").json()["AccessKey"]
    seen = common.peek()
    assert iam("key", "update", key["AccessKeyId"], "--status", "Inactive").code == 0
    monkeypatch.setattr("iamctl.cli.whoami.peek", lambda: seen)
    r = whoami(iam, key)
    assert r.code == 3
    assert r.err == "iamctl: InvalidClientTokenId: The security token included in the request is invalid.\n"
