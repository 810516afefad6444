"""The credentials model survives the store's generic dataclass <-> table mapping."""

from __future__ import annotations

import tomllib

import tomlkit

from iamctl.core.model.base import from_raw, to_raw
from iamctl.core.model.credentials import (
    AccessKey,
    LoginProfile,
    MfaDevice,
    PasswordPolicy,
    RootUser,
)

T = "2026-11-28T16:04:44+00:00"


def roundtrip(obj: object) -> object:
    text = tomlkit.dumps(to_raw(obj))
    return from_raw(type(obj), tomllib.loads(text), "test")


def test_root_user_roundtrip() -> None:
    root = RootUser(
        password_hash="scrypt$16384$8$1$c2FsdA$aGFzaA",
        access_keys={"AKIAAAAAAAAAAAAAAAAA": AccessKey(
            id="AKIAAAAAAAAAAAAAAAAA", secret_hash="scrypt$x", created=T,
            status="Inactive", last_used_date=T, last_used_service="s3")},
        mfa=MfaDevice(serial="arn:aws:iam::123456789012:mfa/root", seed="JBSWY3DPEHPK3PXP",
                      enabled=T, last_used_counter=59_000_000, drift=-2),
    )
    assert roundtrip(root) == root
    assert roundtrip(RootUser()) == RootUser()


def test_login_profile_and_policy_roundtrip() -> None:
    profile = LoginProfile(password_hash="scrypt$a", created=T, password_changed=T,
                           password_reset_required=True, history=["scrypt$b", "scrypt$c"])
    assert roundtrip(profile) == profile
    policy = PasswordPolicy(minimum_password_length=14, require_symbols=True, max_password_age=90)
    assert roundtrip(policy) == policy
