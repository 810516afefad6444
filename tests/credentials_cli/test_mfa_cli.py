"""user mfa create|enable|list|deactivate|delete|resync, and sign-in with a code.

Codes come from the tests' own RFC 6238 implementation (conftest.totp), not iamctl's."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.credentials_cli.conftest import totp

GOOD = "Corr3ct-Horse!"


def create_device(iam, user: str = "alice", *extra: str) -> str:
    r = iam("user", "mfa", "create", user, *extra)
    assert r.code == 0, r.err
    return r.json()["VirtualMFADevice"]["Base32StringSeed"]


def enable(iam, clock, seed: str, user: str = "alice"):
    return iam("user", "mfa", "enable", user, "--code1", totp(seed, clock.now), "--code2",
               totp(seed, clock.now, step_offset=1))


def login(iam, *extra: str, password: str = GOOD):
    return iam("user", "login", "alice", "--password-stdin", *extra, stdin=password + "\n")


@pytest.fixture
def with_password(iam, alice) -> None:
    assert iam("user", "password", "set", "alice", "--password-stdin", stdin=GOOD + "\n").code == 0


def test_create_prints_seed_uri_and_qr_on_stderr(iam, alice) -> None:
    r = iam("user", "mfa", "create", "alice")
    assert r.code == 0, r.err
    device = r.json()["VirtualMFADevice"]
    assert device["SerialNumber"] == "arn:aws:iam::123456789012:mfa/alice"
    assert re.fullmatch(r"[A-Z2-7]{32}", device["Base32StringSeed"])
    uri = urlsplit(device["QRCodeURI"])
    assert (uri.scheme, uri.netloc, uri.path) == ("otpauth", "totp", "/iamctl:alice@example-corp")
    assert parse_qs(uri.query) == {"secret": [device["Base32StringSeed"]], "issuer": ["iamctl"]}
    assert "█" in r.err and "--code1" in r.err  # the QR code, for the person at the screen
    r = iam("user", "mfa", "create", "alice")
    assert r.code == 3 and "EntityAlreadyExists" in r.err


def test_device_name_and_serial_unique_in_account(iam, alice) -> None:
    iam("user", "create", "bob")
    create_device(iam, "alice", "--device-name", "phone")
    r = iam("user", "mfa", "create", "bob", "--device-name", "phone")
    assert r.code == 3 and "EntityAlreadyExists" in r.err
    assert iam("user", "mfa", "create", "bob", "--device-name", "bad name").code == 3


def test_enable_needs_two_consecutive_codes(iam, alice, clock) -> None:
    seed = create_device(iam)
    code = totp(seed, clock.now)
    r = iam("user", "mfa", "enable", "alice", "--code1", code, "--code2", code)
    assert r.code == 3 and "InvalidAuthenticationCode" in r.err
    r = iam("user", "mfa", "enable", "alice", "--code1", "12345", "--code2", "123456")
    assert r.code == 3 and "ValidationError" in r.err
    assert iam("user", "mfa", "list", "alice").json() == {
        "MFADevices": [{"UserName": "alice", "SerialNumber": "arn:aws:iam::123456789012:mfa/alice"}]
    }
    assert enable(iam, clock, seed).code == 0
    assert iam("user", "mfa", "list").json()["MFADevices"][0]["EnableDate"] == "2026-11-28T16:04:44+00:00"


def test_login_needs_a_fresh_code_once_enabled(iam, with_password, clock) -> None:
    seed = create_device(iam)
    assert login(iam).code == 0  # not enabled yet: no code needed
    assert enable(iam, clock, seed).code == 0
    clock.advance(seconds=60)  # the codes used to enable are spent; wait for the next
    r = login(iam)
    assert r.code == 3 and "--mfa-code" in r.err
    r = login(iam, "--mfa-code", "000000" if totp(seed, clock.now) != "000000" else "111111")
    assert (r.code, r.err) == (3, "iamctl: InvalidAuthenticationCode: Authentication code for device is not valid.\n")
    code = totp(seed, clock.now)
    r = login(iam, "--mfa-code", code)
    assert r.code == 0, r.err
    assert r.json()["SignIn"]["MFAUsed"] is True
    r = login(iam, "--mfa-code", code)  # the same code again: a replay
    assert r.code == 3 and "already been used" in r.err
    clock.advance(seconds=30)
    assert login(iam, "--mfa-code", totp(seed, clock.now)).code == 0
    # A wrong password is refused before any code is looked at.
    assert login(iam, "--mfa-code", totp(seed, clock.now), password="nope").code == 3


def test_codes_used_to_enable_cannot_sign_in(iam, with_password, clock) -> None:
    seed = create_device(iam)
    enable(iam, clock, seed)
    r = login(iam, "--mfa-code", totp(seed, clock.now, step_offset=1))
    assert r.code == 3 and "already been used" in r.err


def test_deactivate_delete_and_resync(iam, with_password, clock) -> None:
    seed = create_device(iam)
    enable(iam, clock, seed)
    r = iam("user", "mfa", "delete", "alice")
    assert r.code == 3 and "DeleteConflict" in r.err
    # The device's clock drifted 10 minutes ahead; resync learns it.
    clock.advance(minutes=5)
    ahead = clock.now.timestamp() + 600
    from datetime import UTC, datetime

    later = datetime.fromtimestamp(ahead, UTC)
    r = iam("user", "mfa", "resync", "alice", "--code1", totp(seed, later), "--code2", totp(seed, later, step_offset=1))
    assert r.code == 0, r.err
    clock.advance(seconds=60)
    assert login(iam, "--mfa-code", totp(seed, later, step_offset=2 + 2)).code == 0
    assert iam("user", "mfa", "deactivate", "alice").code == 0
    assert login(iam).code == 0
    assert iam("user", "mfa", "delete", "alice").code == 0
    assert iam("user", "mfa", "list", "alice").json() == {"MFADevices": []}
    r = iam("user", "mfa", "delete", "alice")
    assert r.code == 3 and "NoSuchEntity" in r.err
