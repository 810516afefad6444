"""Fixtures for the credential commands: a clock tests can set, TOTP codes computed here
(independently of iamctl's pyotp use), and a helper that records every output."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
from datetime import UTC, datetime, timedelta

import pytest

from iamctl.cli.clock import now as real_now

T0 = datetime(2026, 11, 28, 16, 4, 44, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def advance(self, **kw: float) -> datetime:
        self.now += timedelta(**kw)
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """iamctl's clock, standing still at T0 until a test moves it."""
    c = Clock()
    monkeypatch.setattr("iamctl.cli.clock.now", lambda at=None: c.now if at is None else real_now(at))
    return c


def totp(seed: str, moment: datetime, *, step_offset: int = 0, digits: int = 6) -> str:
    """RFC 6238 (HMAC-SHA1, 30 s steps) written out with hmac, not with iamctl or pyotp."""
    key = base64.b32decode(seed + "=" * (-len(seed) % 8))
    counter = int(moment.timestamp()) // 30 + step_offset
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


@pytest.fixture
def iam(cli, account):
    """cli() in JSON output by default, with stdin not a terminal (empty unless given)."""

    def invoke(*argv: str, stdin: str = "", output: str = "json"):
        return cli(*argv, "--output", output, stdin=stdin)

    return invoke


@pytest.fixture
def alice(iam) -> str:
    r = iam("user", "create", "alice")
    assert r.code == 0, r.err
    return "alice"
