"""Virtual MFA: RFC 6238 vectors, enabling, resync, replay refusal, URI and QR."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
from datetime import UTC, datetime, timedelta

import pytest

from iamctl.core.credentials import mfa
from iamctl.core.errors import IamError
from iamctl.core.model.credentials import MfaDevice

# RFC 6238 Appendix B, SHA1 rows: the seed is the ASCII string "12345678901234567890".
RFC_SEED_ASCII = b"12345678901234567890"
RFC_SHA1_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]
RFC_SEED = base64.b32encode(RFC_SEED_ASCII).decode()

NOW = datetime(2026, 11, 28, 16, 4, 44, tzinfo=UTC)
STEP = timedelta(seconds=30)


def hotp_by_hand(key: bytes, counter: int, digits: int) -> str:
    """RFC 4226 section 5.3, written out with hmac only, as an independent reference."""
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    binary = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(binary % 10**digits).zfill(digits)


@pytest.mark.parametrize(("unix_time", "expected"), RFC_SHA1_VECTORS)
def test_rfc6238_sha1_vectors(unix_time: int, expected: str) -> None:
    moment = datetime.fromtimestamp(unix_time, UTC)
    assert mfa.code_at(RFC_SEED, moment, digits=8) == expected
    assert hotp_by_hand(RFC_SEED_ASCII, unix_time // 30, 8) == expected


def test_six_digit_codes_match_the_reference() -> None:
    seed = mfa.new_seed()
    key = base64.b32decode(seed)
    for k in range(5):
        moment = NOW + k * STEP
        assert mfa.code_at(seed, moment) == hotp_by_hand(key, mfa.counter_at(moment), 6)


def test_seed_serial_uri_and_qr() -> None:
    seed = mfa.new_seed()
    assert re.fullmatch(r"[A-Z2-7]{32}", seed)
    assert mfa.new_seed() != seed
    assert mfa.serial_arn("123456789012", "alice") == "arn:aws:iam::123456789012:mfa/alice"
    with pytest.raises(IamError):
        mfa.serial_arn("123456789012", "bad name")
    uri = mfa.otpauth_uri(seed, "alice", "123456789012", issuer="iamctl")
    assert uri == f"otpauth://totp/iamctl:alice@123456789012?secret={seed}&issuer=iamctl"
    assert mfa.otpauth_uri(seed, "alice", "my corp").startswith("otpauth://totp/iamctl:alice@my%20corp?")
    qr = mfa.qr_text(uri)
    assert len(qr.splitlines()) > 10 and "█" in qr


def device() -> MfaDevice:
    return mfa.create_device("123456789012", "alice")


def test_two_consecutive_codes_enable() -> None:
    dev = device()
    c1, c2 = mfa.code_at(dev.seed, NOW - STEP), mfa.code_at(dev.seed, NOW)
    enabled = mfa.enable(dev, c1, c2, NOW)
    assert enabled.enabled == "2026-11-28T16:04:44+00:00"
    assert enabled.last_used_counter == mfa.counter_at(NOW)
    assert dev.enabled is None  # input untouched
    with pytest.raises(IamError) as err:
        mfa.enable(enabled, c1, c2, NOW)
    assert err.value.code == "EntityAlreadyExists"


def test_codes_from_a_few_minutes_ago_still_enable() -> None:
    dev = device()
    then = NOW - 4 * 60 * timedelta(seconds=1)
    mfa.enable(dev, mfa.code_at(dev.seed, then), mfa.code_at(dev.seed, then + STEP), NOW)


@pytest.mark.parametrize("gap", [0, 2, 3])
def test_non_consecutive_codes_do_not_enable(gap: int) -> None:
    dev = device()
    c1 = mfa.code_at(dev.seed, NOW - gap * STEP)
    c2 = mfa.code_at(dev.seed, NOW)
    if gap == 0:
        c1 = c2  # the same code twice
    with pytest.raises(IamError) as err:
        mfa.enable(dev, c1, c2, NOW)
    assert err.value.code == "InvalidAuthenticationCode"


def test_reversed_codes_do_not_enable() -> None:
    dev = device()
    c1, c2 = mfa.code_at(dev.seed, NOW - STEP), mfa.code_at(dev.seed, NOW)
    with pytest.raises(IamError):
        mfa.enable(dev, c2, c1, NOW)


def test_codes_from_long_ago_do_not_enable() -> None:
    dev = device()
    then = NOW - timedelta(hours=1)
    with pytest.raises(IamError):
        mfa.enable(dev, mfa.code_at(dev.seed, then), mfa.code_at(dev.seed, then + STEP), NOW)


def test_malformed_codes() -> None:
    with pytest.raises(IamError) as err:
        mfa.enable(device(), "12345", "1234567", NOW)
    assert err.value.code == "ValidationError"


def enabled_device() -> MfaDevice:
    dev = device()
    return mfa.enable(dev, mfa.code_at(dev.seed, NOW - STEP), mfa.code_at(dev.seed, NOW), NOW)


def test_verify_and_replay_refused() -> None:
    dev = enabled_device()
    later = NOW + 2 * STEP
    code = mfa.code_at(dev.seed, later)
    used = mfa.verify(dev, code, later)
    assert used.last_used_counter == mfa.counter_at(later)
    with pytest.raises(IamError) as err:
        mfa.verify(used, code, later)  # the same code again
    assert err.value.code == "InvalidAuthenticationCode"
    assert "already been used" in err.value.message
    # Codes used to enable cannot sign in either.
    with pytest.raises(IamError):
        mfa.verify(dev, mfa.code_at(dev.seed, NOW), NOW)


def test_verify_window_is_one_step() -> None:
    dev = enabled_device()
    later = NOW + 10 * STEP
    mfa.verify(dev, mfa.code_at(dev.seed, later - STEP), later)
    mfa.verify(dev, mfa.code_at(dev.seed, later + STEP), later)
    with pytest.raises(IamError):
        mfa.verify(dev, mfa.code_at(dev.seed, later - 2 * STEP), later)
    with pytest.raises(IamError):
        mfa.verify(dev, "000000" if mfa.code_at(dev.seed, later) != "000000" else "111111", later)


def test_resync_learns_drift() -> None:
    dev = enabled_device()
    later = NOW + 100 * STEP
    device_clock = later + 20 * STEP  # the phone runs ten minutes fast
    with pytest.raises(IamError):
        mfa.verify(dev, mfa.code_at(dev.seed, device_clock), later)
    synced = mfa.resync(dev, mfa.code_at(dev.seed, device_clock),
                        mfa.code_at(dev.seed, device_clock + STEP), later)
    assert synced.drift == 21
    after = later + 5 * STEP
    mfa.verify(synced, mfa.code_at(dev.seed, after + 20 * STEP), after)
    # Replaying the resync pair is refused.
    with pytest.raises(IamError):
        mfa.resync(synced, mfa.code_at(dev.seed, device_clock),
                   mfa.code_at(dev.seed, device_clock + STEP), later)


def test_unenabled_device_cannot_verify() -> None:
    dev = device()
    with pytest.raises(IamError) as err:
        mfa.verify(dev, mfa.code_at(dev.seed, NOW), NOW)
    assert err.value.code == "NoSuchEntity"


def test_device_json() -> None:
    dev = enabled_device()
    assert mfa.device_json(dev, "alice") == {
        "UserName": "alice", "SerialNumber": dev.serial, "EnableDate": dev.enabled}
