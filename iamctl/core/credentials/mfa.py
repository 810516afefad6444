"""Virtual MFA devices: seeds, the otpauth URI and its QR code, enabling with two
consecutive codes, resync, and checking a code at a given time without accepting replays.

TOTP per RFC 6238 (HMAC-SHA1, 30-second steps, 6 digits) through pyotp; this module only
picks which time steps (counters) to try. A device remembers the highest counter it has
accepted, so a code, once used, never works again (RFC 6238 section 5.2).
"""

from __future__ import annotations

import hmac
import io
import re
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import quote

from iamctl.core.credentials.times import iso
from iamctl.core.errors import IamError, already_exists, validation_error
from iamctl.core.model.credentials import MfaDevice
from iamctl.core.names import PARTITION

STEP_SECONDS = 30
DIGITS = 6  # AWS requires six-digit virtual MFA codes
SEED_CHARS = 32  # base32 characters: 160 bits, the HMAC-SHA1 key size RFC 4226 recommends
DEFAULT_ISSUER = "iamctl"  # not "Amazon Web Services": these codes are not for real AWS

# Which counters a code may come from, in 30-second steps either side of "now".
# AWS does not publish its windows. RFC 6238 advises at most one step of slack for a
# single code. Enabling and resync prove possession with two consecutive codes, where a
# chance match is ~1e-12 per candidate pair, so they can afford to look further: enable
# tolerates a few minutes between reading the codes and submitting them (AWS warns that
# waiting too long leaves the device "out of sync"), resync tolerates a clock that has
# wandered by up to an hour.
VERIFY_WINDOW = 1
ENABLE_WINDOW = 10
RESYNC_WINDOW = 120

_DEVICE_NAME_RE = re.compile(r"[\w+=,.@-]{1,226}")
_CODE_RE = re.compile(r"\d{6}")


def _invalid(detail: str = "") -> IamError:
    return IamError(
        "InvalidAuthenticationCode", "Authentication code for device is not valid." + detail
    )


def new_seed() -> str:
    """A fresh random base32 seed (pyotp draws from ``secrets``)."""
    # pyotp is imported here and in code_at_counter only: commands that import this
    # module for its shapes (user mfa list ...) should not pay for it at startup.
    import pyotp

    return pyotp.random_base32(length=SEED_CHARS)


def serial_arn(account_id: str, device_name: str, path: str = "/") -> str:
    """``arn:aws:iam::123456789012:mfa/NAME``: a virtual device's serial number."""
    if not _DEVICE_NAME_RE.fullmatch(device_name):
        raise validation_error(
            f"1 validation error detected: Value '{device_name}' at 'virtualMFADeviceName' "
            r"failed to satisfy constraint: Member must satisfy regular expression pattern: "
            r"[\w+=,.@-]+"
        )
    return f"arn:{PARTITION}:iam::{account_id}:mfa{path}{device_name}"


def create_device(account_id: str, device_name: str, path: str = "/") -> MfaDevice:
    """CreateVirtualMFADevice: a device with a new seed, not yet enabled."""
    return MfaDevice(serial=serial_arn(account_id, device_name, path), seed=new_seed())


def otpauth_uri(seed: str, user: str, account: str, issuer: str = DEFAULT_ISSUER) -> str:
    """``otpauth://totp/<Issuer>:<user>@<account>?secret=...&issuer=...``

    The Key Uri Format authenticator apps read; the label is what the app shows.
    """
    label = quote(f"{issuer}:{user}@{account}", safe=":@")
    return f"otpauth://totp/{label}?secret={seed}&issuer={quote(issuer, safe='')}"


def qr_text(uri: str) -> str:
    """The URI as a QR code drawn with Unicode half blocks, for a terminal."""
    import segno  # only the enrolment screen draws a QR code; keep it off every start-up

    out = io.StringIO()
    segno.make(uri, error="m").terminal(out=out, compact=True)
    return out.getvalue()


def counter_at(now: datetime) -> int:
    """The RFC 6238 time step *now* falls in."""
    return int(now.timestamp()) // STEP_SECONDS


def code_at_counter(seed: str, counter: int, digits: int = DIGITS) -> str:
    import pyotp

    return pyotp.TOTP(seed, digits=digits, interval=STEP_SECONDS).generate_otp(counter)


def code_at(seed: str, now: datetime, digits: int = DIGITS) -> str:
    """The code a correct device shows at *now* (for tests and `iamctl ... mfa code`)."""
    return code_at_counter(seed, counter_at(now), digits)


def _matches(seed: str, counter: int, code: str) -> bool:
    return hmac.compare_digest(code_at_counter(seed, counter), code)


def _check_format(*codes: str) -> None:
    for code in codes:
        if not _CODE_RE.fullmatch(code):
            raise validation_error(
                f"1 validation error detected: Value '{code}' at 'authenticationCode' failed "
                r"to satisfy constraint: Member must satisfy regular expression pattern: [\d]+"
                f" of length {DIGITS}"
            )


def _find_pair(seed: str, code1: str, code2: str, centre: int, window: int) -> int | None:
    """The counter c with code1 at c and code2 at c+1, searched outward from *centre*."""
    for distance in range(window + 1):
        for c in (centre - distance, centre + distance) if distance else (centre,):
            # Evaluate both so timing does not reveal which of the two codes was wrong.
            first, second = _matches(seed, c, code1), _matches(seed, c + 1, code2)
            if first and second:
                return c
    return None


def enable(device: MfaDevice, code1: str, code2: str, now: datetime) -> MfaDevice:
    """EnableMFADevice: two consecutive codes prove the app holds the seed.

    The codes' counters become used, so neither can sign in later. Clock drift is left
    at zero: enabling proves possession; only resync measures drift.
    """
    if device.enabled:
        raise already_exists("MFA Device is already in use.")
    _check_format(code1, code2)
    found = _find_pair(device.seed, code1, code2, counter_at(now), ENABLE_WINDOW)
    if found is None:
        raise _invalid()
    return replace(device, enabled=iso(now), last_used_counter=found + 1, drift=0)


def resync(device: MfaDevice, code1: str, code2: str, now: datetime) -> MfaDevice:
    """ResyncMFADevice: learn how far the device's clock is off from two consecutive codes.

    Codes at or below the last accepted counter are refused here too, so an observed
    pair cannot be replayed to drag the drift somewhere else.
    """
    _check_format(code1, code2)
    here = counter_at(now)
    found = _find_pair(device.seed, code1, code2, here, RESYNC_WINDOW)
    if found is None:
        raise _invalid()
    if found <= device.last_used_counter:
        raise _invalid(" It has already been used.")
    return replace(device, last_used_counter=found + 1, drift=found + 1 - here)


def verify(device: MfaDevice, code: str, now: datetime) -> MfaDevice:
    """Accept one sign-in code at *now*; return the device with that counter used.

    Looks one step either side of the device's expected counter (now plus learned drift).
    A correct code whose counter is not newer than the last accepted one is a replay.
    """
    if not device.enabled:
        raise IamError("NoSuchEntity", f"MFA device {device.serial} is not enabled.")
    _check_format(code)
    expected = counter_at(now) + device.drift
    replayed = False
    for counter in range(expected - VERIFY_WINDOW, expected + VERIFY_WINDOW + 1):
        if _matches(device.seed, counter, code):
            if counter > device.last_used_counter:
                return replace(device, last_used_counter=counter)
            replayed = True
    if replayed:
        raise _invalid(" It has already been used; wait for the next code.")
    raise _invalid()


def device_json(device: MfaDevice, user_name: str | None) -> dict[str, Any]:
    """One entry of ListMFADevices' MFADevices (enabled devices only)."""
    out: dict[str, Any] = {}
    if user_name is not None:
        out["UserName"] = user_name
    out["SerialNumber"] = device.serial
    if device.enabled:
        out["EnableDate"] = device.enabled
    return out
