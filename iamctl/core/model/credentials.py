"""Credentials as the store keeps them: access keys, console passwords, MFA devices,
the account password policy and the root user.

Only plain field types (str, bool, int, list[str], dict[str, X]) so the store's generic
dataclass <-> TOML mapping (model/base.py) handles them. Times are ISO 8601 strings
(``2026-11-28T16:04:44+00:00``). Secrets appear only as salted scrypt hashes; the one
exception is an MFA seed, which TOTP needs in the clear to compute codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ACTIVE = "Active"
INACTIVE = "Inactive"


@dataclass
class AccessKey:
    """A long-term access key of a user or the root user; the secret only as a hash."""

    # AKIA + 16 base32 characters; the key of the entry in its owner's access_keys table
    id: str = field(metadata={"from_key": True})
    secret_hash: str  # "scrypt$n$r$p$salt$hash"; the secret itself is shown once and never kept
    created: str
    status: str = ACTIVE  # "Active" | "Inactive"
    last_used_date: str | None = None
    last_used_service: str | None = None  # service namespace, e.g. "s3"
    last_used_region: str | None = None  # None for global services such as IAM and S3


@dataclass
class LoginProfile:
    """A user's console password (as a hash) and its state."""

    password_hash: str
    created: str
    password_changed: str  # when the current password was set; expiry counts from here
    password_reset_required: bool = False
    password_last_used: str | None = None
    # Hashes of earlier passwords, newest first, so PasswordReusePrevention can refuse them.
    # Trimmed to the policy's maximum (24) when a password changes.
    history: list[str] = field(default_factory=list)


@dataclass
class MfaDevice:
    """A virtual MFA device (TOTP) and what refuses replayed codes."""

    serial: str  # arn:aws:iam::123456789012:mfa/NAME
    seed: str  # base32 TOTP seed; kept because every code check needs it
    enabled: str | None = None  # None while created but not yet enabled with two codes
    # Highest TOTP counter (time step) accepted so far; a code at or below it is a replay.
    last_used_counter: int = 0
    # Steps the device's clock runs ahead (+) or behind (-) ours, learned by resync.
    drift: int = 0


@dataclass
class PasswordPolicy:
    """A custom account password policy, as UpdateAccountPasswordPolicy sets it.

    None in the optional integers means "not set" (no expiry, no reuse prevention), as in
    AWS's API; password_policy.policy_json() gives AWS's PascalCase shape.
    """

    minimum_password_length: int = 6  # the API's default when the parameter is omitted
    require_symbols: bool = False
    require_numbers: bool = False
    require_uppercase_characters: bool = False
    require_lowercase_characters: bool = False
    allow_users_to_change_password: bool = False
    max_password_age: int | None = None  # days, 1-1095
    password_reuse_prevention: int | None = None  # 1-24 previous passwords
    hard_expiry: bool = False


@dataclass
class RootUser:
    """The account's root user: one password, up to two access keys, and MFA."""

    password_hash: str | None = None
    password_last_used: str | None = None
    access_keys: dict[str, AccessKey] = field(default_factory=dict)  # key ID → key, oldest first
    mfa: MfaDevice | None = None
