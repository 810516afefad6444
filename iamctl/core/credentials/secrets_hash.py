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


def verify_secret(secret: str, stored: str) -> bool:
    """True when *secret* hashes to *stored*. A malformed *stored* value never matches."""
    try:
        scheme, n_text, r_text, p_text, salt_text, hash_text = stored.split("$")
        if scheme != SCHEME:
            return False
        n, r, p = int(n_text), int(r_text), int(p_text)
        salt, expected = _unb64(salt_text), _unb64(hash_text)
        # Refuse absurd parameters from a hand-edited file rather than hang or exhaust memory.
        if not (2 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
            return False
        if not salt or not expected:
            return False
        actual = _derive(secret, salt, n, r, p, len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def is_hash(value: str) -> bool:
    """Whether *value* looks like one of our hashes (for the store's sanity checks)."""
    parts = value.split("$")
    return len(parts) == 6 and parts[0] == SCHEME and all(parts[1:])
