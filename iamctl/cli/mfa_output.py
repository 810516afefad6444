"""Showing a new virtual MFA device: its seed and URI as data, its QR code for the eye."""

from __future__ import annotations

from typing import Any

from iamctl.cli.common import emit
from iamctl.cli.env import current
from iamctl.core.credentials import mfa
from iamctl.core.model.credentials import MfaDevice


def show_enrolment(device: MfaDevice, user_label: str, account_label: str) -> None:
    """Print the seed and otpauth URI (shown this once) and draw the QR code.

    The QR code goes to stdout only when that is a terminal; otherwise to stderr, so a
    script capturing stdout gets clean JSON and a person watching still sees the code.
    """
    uri = mfa.otpauth_uri(device.seed, user_label, account_label)
    emit(create_json(device, uri))
    env = current()
    target = env.stdout if env.stdout.isatty() else env.stderr
    target.write(mfa.qr_text(uri))
    env.info("Scan the QR code (or type the seed) into an authenticator app, then enable the device with two "
             "consecutive codes: --code1 CODE --code2 CODE.")


def create_json(device: MfaDevice, uri: str) -> dict[str, Any]:
    """CreateVirtualMFADevice's VirtualMFADevice (the seed in plain base32, plus the URI)."""
    return {"VirtualMFADevice": {"SerialNumber": device.serial, "Base32StringSeed": device.seed, "QRCodeURI": uri}}
