"""What `user get` adds to GetUser: the console's Security credentials tab, and the
policies that reach the user through each of its groups.

AWS has no single API for these; the parts are AWS's own shapes (GetLoginProfile,
ListAccessKeys with GetAccessKeyLastUsed, ListMFADevices, ListAttachedGroupPolicies /
ListGroupPolicies) put under keys named for what the console shows.
"""

from __future__ import annotations

from typing import Any

from iamctl.core import shapes
from iamctl.core.model import Account
from iamctl.core.model.iam import User


def security_credentials(user: User) -> dict[str, Any]:
    """Console password and last sign-in, access keys with status and last use, MFA.
    (The credential modules are imported only for a user who has such credentials: a
    store of users alone never loads them.)"""
    profile = user.login_profile
    console: dict[str, Any] = {"ConsolePassword": "Enabled" if profile else "Disabled"}
    if profile:
        console["CreateDate"] = profile.created
        console["PasswordResetRequired"] = profile.password_reset_required
        console["PasswordLastUsed"] = profile.password_last_used or "Never"
    keys = []
    for key in user.access_keys.values():
        from iamctl.core.credentials import access_keys

        last = access_keys.last_used_json(None, key)["AccessKeyLastUsed"]
        keys.append(
            {
                "AccessKeyId": key.id,
                "Status": key.status,
                "CreateDate": key.created,
                "LastUsedDate": last.get("LastUsedDate", "N/A"),
                "LastUsedService": last["ServiceName"],
                "LastUsedRegion": last["Region"],
            }
        )
    devices = []
    if user.mfa is not None:
        from iamctl.core.credentials import mfa

        devices.append(mfa.device_json(user.mfa, None))
    return {"ConsoleSignIn": console, "AccessKeys": keys, "MFADevices": devices}


def group_policies(account: Account, user: User) -> list[dict[str, Any]]:
    """For each of the user's groups, the managed and inline policies it passes on."""
    out = []
    for name in user.groups:
        group = account.groups[name]
        out.append(
            {
                "GroupName": group.name,
                "AttachedPolicies": shapes.attached_policies(group.attached),
                "PolicyNames": list(group.inline),
            }
        )
    return out
