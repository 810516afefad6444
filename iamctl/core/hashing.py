"""Storing secrets the way AWS does: only what is needed to verify them.

A secret (a session's secret access key or token) is kept as a salted scrypt hash,
``scrypt$N$r$p$SALT$HASH`` with base64 salt and hash, and checked in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# Interactive-login strength (RFC 7914's suggestion) keeps one hash around 50 ms.
_N, _R, _P = 2**14, 8, 1
_LEN = 32


def hash_secret(secret: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=_LEN)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_secret(secret: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(
            secret.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
