"""The tests' own TOTP agrees with RFC 6238's published SHA-1 vectors (Appendix B)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from tests.credentials_cli.conftest import totp

SEED = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize(
    ("unix_time", "expected"),
    [(59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"), (1234567890, "89005924"),
     (2000000000, "69279037"), (20000000000, "65353130")],
)
def test_rfc6238_vectors(unix_time: int, expected: str) -> None:
    assert totp(SEED, datetime.fromtimestamp(unix_time, UTC), digits=8) == expected
