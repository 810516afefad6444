"""Salted scrypt hashes for secrets the store must be able to check but never reveal.

Format: ``scrypt$n$r$p$salt$hash`` with salt and hash in unpadded URL-safe base64. The
parameters travel with each hash, so raising the cost later leaves old hashes verifiable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SCHEME = "scrypt"
# n=2**14, r=8 costs ~50 ms and 16 MiB per hash on a 2-core dev box (measured). That is
# below OWASP's preferred n=2**17, but every `iamctl` call that checks a key or a password
# pays it, and a password change checks up to 24 history entries. The store file itself
# is 0600, so the hash is a second line of defence, not the first.
N = 2**14
R = 8
P = 1
SALT_BYTES = 16
HASH_BYTES = 32
# hashlib's default maxmem (32 MiB) is too tight for large n; allow what n*r needs, with room.
_MAXMEM = 256 * 1024 * 1024


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _derive(secret: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(
        secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=_MAXMEM
    )


def hash_secret(secret: str, *, n: int = N, r: int = R, p: int = P) -> str:
    """Return ``scrypt$n$r$p$salt$hash`` for *secret*, with a fresh random salt."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _derive(secret, salt, n, r, p, HASH_BYTES)
    return f"{SCHEME}${n}${r}${p}${_b64(salt)}${_b64(digest)}"


# A hash is checked at most at twice the cost of the parameters above (~0.1 s here): a
# stored hash whose n, r or p were raised by hand would otherwise make every check of a key
# or password take tens of seconds (n=2**20, r=32 took 18-33 s), with 24 history entries
# checked per password change. The parameters iamctl writes can rise within that bound.
MAX_WORK = 2 * N * R * P


def hash_problem(stored: str) -> str | None:
    """What is wrong with *stored* as a hash iamctl can check, or None when nothing is."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        return f"is not a {SCHEME}$n$r$p$salt$hash value"
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, expected = _unb64(parts[4]), _unb64(parts[5])
    except ValueError:
        return f"is not a {SCHEME}$n$r$p$salt$hash value"
    if not (n >= 2 and n & (n - 1) == 0 and r >= 1 and p >= 1 and n * r * p <= MAX_WORK):
        return (f"has scrypt parameters n={n}, r={r}, p={p}; iamctl writes n={N}, r={R}, p={P} and "
                f"checks hashes costing at most twice that (n*r*p <= {MAX_WORK})")
    if not (8 <= len(salt) <= 64 and 16 <= len(expected) <= 64):
        return "has a salt or hash of a length iamctl never writes"
    return None


# What verify_secret answered in this process, keyed by (stored hash, HMAC of the secret
# under a key of this process's own): a command checks a password's history and the caller's
# old password once on an unlocked read of the store, so that the same checks made again
# under the store's lock (against the hashes read there) cost nothing. A stored hash that
# changed in between is a different key, so it is checked afresh. Bounded: a command checks
# a few dozen at most, and a process that checks more starts over.
_MEMO_KEY = secrets.token_bytes(32)
_MEMO_SIZE = 256
_verified: dict[tuple[str, bytes], bool] = {}


def verify_secret(secret: str, stored: str) -> bool:
    """True when *secret* hashes to *stored*. A malformed *stored* value, or one that would
    cost more than MAX_WORK to check, never matches (the store's checks report it)."""
    if hash_problem(stored) is not None:
        return False
    memo_key = (stored, hmac.digest(_MEMO_KEY, secret.encode("utf-8", "surrogatepass"), "sha256"))
    known = _verified.get(memo_key)
    if known is not None:
        return known
    _, n_text, r_text, p_text, salt_text, hash_text = stored.split("$")
    salt, expected = _unb64(salt_text), _unb64(hash_text)
    try:
        actual = _derive(secret, salt, int(n_text), int(r_text), int(p_text), len(expected))
    except (ValueError, TypeError):
        return False
    answer = hmac.compare_digest(actual, expected)
    if len(_verified) >= _MEMO_SIZE:
        _verified.clear()
    _verified[memo_key] = answer
    return answer


def is_hash(value: str) -> bool:
    """Whether *value* looks like one of our hashes (for the store's sanity checks)."""
    parts = value.split("$")
    return len(parts) == 6 and parts[0] == SCHEME and all(parts[1:])
