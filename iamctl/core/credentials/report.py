"""The credential report: AWS's 22-column CSV, the root user's row first.

Values follow "Getting credential reports" in the IAM User Guide: ``not_supported`` in
the root row's password_enabled, password_last_changed and password_next_rotation;
``no_information`` for a password that exists but has never been used; ``N/A`` for
whatever does not apply. Booleans are lowercase ``true``/``false`` as in the CSV AWS
actually serves (the guide's prose writes them in capitals).
"""

from __future__ import annotations

import base64
import csv
import io
from dataclasses import dataclass, field
from typing import Any

from iamctl.core.credentials.passwords import expires_at
from iamctl.core.model.credentials import (
    ACTIVE,
    AccessKey,
    LoginProfile,
    PasswordPolicy,
    RootUser,
)
from iamctl.core.names import root_arn

HEADER = (
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
)
ROOT_USER = "<root_account>"
NA = "N/A"
NO_INFORMATION = "no_information"
NOT_SUPPORTED = "not_supported"


@dataclass(frozen=True)
class ReportUser:
    """What the report needs to know about one IAM user."""

    name: str
    arn: str
    created: str
    login: LoginProfile | None = None
    mfa_active: bool = False
    access_keys: list[AccessKey] = field(default_factory=list)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _key_columns(keys: list[AccessKey]) -> list[str]:
    # Key 1 is the older key; a user has at most two.
    ordered = sorted(keys, key=lambda k: k.created)[:2]
    out: list[str] = []
    for slot in range(2):
        key = ordered[slot] if slot < len(ordered) else None
        if key is None:
            out += ["false", NA, NA, NA, NA]
            continue
        active = key.status == ACTIVE
        used = key.last_used_date is not None
        out += [
            _bool(active),
            # The guide: N/A when the user "does not have an active access key".
            key.created if active else NA,
            key.last_used_date if used else NA,
            (key.last_used_region or NA) if used else NA,  # N/A for global services too
            (key.last_used_service or NA) if used else NA,
        ]
    return out


# iamctl has no X.509 signing certificates, so both slots always read "none".
_CERT_COLUMNS = ["false", NA, "false", NA]


def root_row(account_id: str, account_created: str, root: RootUser) -> list[str]:
    has_password = root.password_hash is not None
    last_used = root.password_last_used or (NO_INFORMATION if has_password else NA)
    return [
        ROOT_USER,
        root_arn(account_id),
        account_created,
        NOT_SUPPORTED,
        last_used,
        NOT_SUPPORTED,
        NOT_SUPPORTED,
        _bool(root.mfa is not None and root.mfa.enabled is not None),
        *_key_columns(list(root.access_keys.values())),
        *_CERT_COLUMNS,
    ]


def user_row(user: ReportUser, policy: PasswordPolicy | None) -> list[str]:
    login = user.login
    if login is None:
        password = ["false", NA, NA, NA]
    else:
        password = [
            "true",
            login.password_last_used or NO_INFORMATION,
            login.password_changed,
            expires_at(login.password_changed, policy) or NA,
        ]
    return [
        user.name,
        user.arn,
        user.created,
        *password,
        _bool(user.mfa_active),
        *_key_columns(user.access_keys),
        *_CERT_COLUMNS,
    ]


def credential_report(
    account_id: str,
    account_created: str,
    root: RootUser,
    users: list[ReportUser],
    policy: PasswordPolicy | None,
) -> str:
    """The report as CSV text: header, the root row, then users in the order given."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerow(root_row(account_id, account_created, root))
    for user in users:
        writer.writerow(user_row(user, policy))
    return buf.getvalue()


def get_credential_report_json(content: str, generated: str) -> dict[str, Any]:
    """GetCredentialReport as aws-cli prints it: Content is the CSV in base64."""
    return {
        "Content": base64.b64encode(content.encode("utf-8")).decode("ascii"),
        "ReportFormat": "text/csv",
        "GeneratedTime": generated,
    }
