"""Virtual MFA devices of IAM users and of the root user.

A principal (user or root) holds at most one virtual device (``.mfa``), as the console's
"Assign MFA device" did in the book's era. The device's serial is an ARN unique in the
account. TOTP checks, replay refusal and resync are in core/credentials/mfa.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from iamctl.core.credentials import mfa
from iamctl.core.errors import IamError, already_exists, delete_conflict, no_such_entity
from iamctl.core.model import Account
from iamctl.core.model.credentials import MfaDevice

ROOT_DEVICE_NAME = "root-account-mfa-device"  # the name AWS gives the root user's device


class Holder(Protocol):
    mfa: MfaDevice | None


def _serials_in_use(account: Account) -> set[str]:
    found = {u.mfa.serial for u in account.users.values() if u.mfa is not None}
    if account.root is not None and account.root.mfa is not None:
        found.add(account.root.mfa.serial)
    return found


def create(account: Account, holder: Holder, device_name: str, who: str) -> MfaDevice:
    """CreateVirtualMFADevice + assignment to *holder* (not yet enabled)."""
    if holder.mfa is not None:
        raise already_exists(
            f"{who} already has MFA device {holder.mfa.serial}; delete it first (iamctl keeps one per principal)."
        )
    device = mfa.create_device(account.id, device_name)
    if device.serial in _serials_in_use(account):
        raise already_exists(f"MFADevice entity at the same path and name already exists: {device.serial}.")
    holder.mfa = device
    return device


def get(holder: Holder, who: str) -> MfaDevice:
    if holder.mfa is None:
        raise no_such_entity(f"{who} has no MFA device.")
    return holder.mfa


def enable(holder: Holder, who: str, code1: str, code2: str, now: datetime) -> MfaDevice:
    holder.mfa = mfa.enable(get(holder, who), code1, code2, now)
    return holder.mfa


def resync(holder: Holder, who: str, code1: str, code2: str, now: datetime) -> MfaDevice:
    device = get(holder, who)
    if not device.enabled:
        raise no_such_entity(f"MFA device {device.serial} of {who} is not enabled.")
    holder.mfa = mfa.resync(device, code1, code2, now)
    return holder.mfa


def deactivate(holder: Holder, who: str) -> MfaDevice:
    """DeactivateMFADevice: sign-in stops asking for codes; the device (and the counter
    that refuses used codes) stays until deleted."""
    device = get(holder, who)
    if not device.enabled:
        raise no_such_entity(f"MFA device {device.serial} of {who} is not enabled.")
    device.enabled = None
    return device


def delete(holder: Holder, who: str) -> MfaDevice:
    """DeleteVirtualMFADevice: refused while the device is enabled, as in AWS."""
    device = get(holder, who)
    if device.enabled:
        raise delete_conflict(f"MFA device {device.serial} is still in use; deactivate it first.")
    holder.mfa = None
    return device


def sign_in_code(holder: Holder, who: str, code: str | None, now: datetime) -> bool:
    """The MFA step of a console sign-in: with an enabled device, *code* must be its
    current code, not used before. Returns whether MFA was used."""
    device = holder.mfa if holder.mfa is not None and holder.mfa.enabled else None
    if device is None:
        return False
    if not code:
        raise IamError("InvalidAuthenticationCode", f"{who} has an MFA device; sign-in needs its current code "
                                                    "(--mfa-code).")
    holder.mfa = mfa.verify(device, code, now)
    return True


def device_json(device: MfaDevice, user_name: str | None) -> dict[str, Any]:
    return mfa.device_json(device, user_name)
