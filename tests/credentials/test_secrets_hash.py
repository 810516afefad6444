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
