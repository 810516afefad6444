"""iamctl whoami: GetCallerIdentity for a key ID and secret, with AWS's refusals."""

from __future__ import annotations

import pytest


@pytest.fixture
def key(iam, alice) -> dict:
    return iam("key", "create", "alice").json()["AccessKey"]


def test_whoami_answers_like_get_caller_identity(iam, key, cli) -> None:
    r = iam("whoami", "--access-key-id", key["AccessKeyId"], "--secret-access-key", key["SecretAccessKey"])
    assert r.code == 0, r.err
    user_id = iam("user", "get", "alice").json()["User"]["UserId"]
    assert r.json() == {"UserId": user_id, "Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/alice"}
    r = cli("whoami", "--access-key-id", key["AccessKeyId"], "--secret-stdin", "--output", "text",
            stdin=key["SecretAccessKey"] + "\n")
    # aws sts get-caller-identity --output text: Account, Arn, UserId (sorted by key)
    assert r.out == f"123456789012\tarn:aws:iam::123456789012:user/alice\t{user_id}\n"


def test_wrong_secret_is_signature_does_not_match(iam, key) -> None:
    r = iam("whoami", "--access-key-id", key["AccessKeyId"], "--secret-stdin", stdin="x" * 40 + "\n")
    assert r.code == 3 and r.out == ""
    assert r.err.startswith("iamctl: SignatureDoesNotMatch: The request signature we calculated")


def test_unknown_or_inactive_key_is_invalid_client_token_id(iam, key) -> None:
    message = "iamctl: InvalidClientTokenId: The security token included in the request is invalid.\n"
    for key_id in ("AKIAAAAAAAAAAAAAAAAA", "ASIAAAAAAAAAAAAAAAAA", "nonsense"):
        r = iam("whoami", "--access-key-id", key_id, "--secret-stdin", stdin="s\n")
        assert (r.code, r.err) == (3, message)
    iam("key", "update", key["AccessKeyId"], "--status", "Inactive")
    r = iam("whoami", "--access-key-id", key["AccessKeyId"], "--secret-stdin", stdin=key["SecretAccessKey"] + "\n")
    assert (r.code, r.err) == (3, message)


def test_never_prompts_without_a_terminal(iam, key) -> None:
    r = iam("whoami", "--access-key-id", key["AccessKeyId"])
    assert r.code == 2
    assert "will not prompt" in r.err and "--secret-stdin" in r.err
    r = iam("whoami", "--access-key-id", key["AccessKeyId"], "--secret-stdin", stdin="")
    assert r.code == 2


def test_key_of_another_account_and_root_key(iam, key) -> None:
    assert iam("account", "create", "--account-id", "210987654321", "--alias", "dev").code == 0
    iam("user", "create", "carol", "--account", "dev")
    other = iam("key", "create", "carol", "--account", "dev").json()["AccessKey"]
    # The key alone names its account, as with STS: no --account needed.
    r = iam("whoami", "--access-key-id", other["AccessKeyId"], "--secret-access-key", other["SecretAccessKey"])
    assert r.json()["Arn"] == "arn:aws:iam::210987654321:user/carol"
    root = iam("account", "root", "key", "create").json()["AccessKey"]
    assert "UserName" not in root
    r = iam("whoami", "--access-key-id", root["AccessKeyId"], "--secret-access-key", root["SecretAccessKey"])
    assert r.json() == {"UserId": "123456789012", "Account": "123456789012", "Arn": "arn:aws:iam::123456789012:root"}
