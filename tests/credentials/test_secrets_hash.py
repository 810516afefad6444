"""Salted scrypt hashes."""

from __future__ import annotations

import time

from iamctl.core.credentials import secrets_hash
from iamctl.core.credentials.secrets_hash import hash_secret, is_hash, verify_secret


def test_hash_verifies_and_wrong_secret_does_not() -> None:
    stored = hash_secret("correct horse battery staple")
    assert verify_secret("correct horse battery staple", stored)
    assert not verify_secret("correct horse battery stapl", stored)
    assert not verify_secret("", stored)


def test_salts_differ_for_the_same_secret() -> None:
    a, b = hash_secret("same"), hash_secret("same")
    assert a != b
    assert a.split("$")[4] != b.split("$")[4]
    assert verify_secret("same", a) and verify_secret("same", b)


def test_no_plaintext_in_hash() -> None:
    secret = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY"
    stored = hash_secret(secret)
    assert secret not in stored
    assert secret.lower() not in stored.lower()
    assert is_hash(stored)
    scheme, n, r, p, _salt, _digest = stored.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", secrets_hash.N, secrets_hash.R, secrets_hash.P)


def test_malformed_stored_values_never_match() -> None:
    good = hash_secret("x")
    for bad in ["", "x", "plain$text", good.replace("scrypt", "md5"), "scrypt$3$8$1$AAAA$AAAA",
                "scrypt$1073741824$8$1$AAAA$AAAA", "scrypt$16384$8$1$$", "scrypt$a$b$c$d$e"]:
        assert not verify_secret("x", bad), bad


def test_parameters_travel_with_the_hash() -> None:
    # A hash made with cheaper parameters still verifies: raising the cost later is safe.
    cheap = hash_secret("s", n=2**10)
    assert cheap.startswith("scrypt$1024$")
    assert verify_secret("s", cheap)


def test_one_verify_is_about_50ms_or_less() -> None:
    stored = hash_secret("timing")
    start = time.perf_counter()
    verify_secret("timing", stored)
    # Generous bound so a loaded CI box does not flake; measured ~50 ms on the dev box.
    assert time.perf_counter() - start < 0.5


def test_answers_are_remembered_per_stored_hash(monkeypatch) -> None:
    """A check repeated in the same process (once before the store's lock, once under it)
    costs one scrypt; a stored hash that changed in between is a new question."""
    monkeypatch.setattr(secrets_hash, "_verified", {})
    derived: list[bytes] = []
    original = secrets_hash._derive

    def counting(secret, salt, *args):
        derived.append(salt)
        return original(secret, salt, *args)

    monkeypatch.setattr(secrets_hash, "_derive", counting)
    first, second = hash_secret("pw"), hash_secret("pw")
    derived.clear()
    assert verify_secret("pw", first) and verify_secret("pw", first)
    assert not verify_secret("other", first) and not verify_secret("other", first)
    assert len(derived) == 2
    assert verify_secret("pw", second) and len(derived) == 3  # same secret, another hash: checked
    # keyed by a keyed digest of the secret, never by the secret itself
    assert all(isinstance(d, bytes) and len(d) == 32 for _, d in secrets_hash._verified)


def test_the_memo_is_bounded(monkeypatch) -> None:
    monkeypatch.setattr(secrets_hash, "_verified", {})
    monkeypatch.setattr(secrets_hash, "_MEMO_SIZE", 3)
    stored = hash_secret("x", n=2**4)
    for n in range(10):
        verify_secret(f"guess{n}", stored)
    assert 1 <= len(secrets_hash._verified) <= 3
