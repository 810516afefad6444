"""Access keys: new IDs and secrets, the two-key quota, rotation, checking a presented
secret, last-used tracking, AWS's JSON shapes, and the files a new key is handed out in.

Functions take and return values; none mutates its arguments, so the service layer decides
what to write back inside its store transaction.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import shlex
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from iamctl.core.credentials.secrets_hash import hash_secret, verify_secret
from iamctl.core.credentials.times import iso, parse
from iamctl.core.errors import (
    IamError,
    limit_exceeded,
    no_such_entity,
    validation_error,
)
from iamctl.core.model.credentials import ACTIVE, INACTIVE, AccessKey
from iamctl.core.names import check_enum

KEY_ID_PREFIX = "AKIA"  # long-term IAM user / root keys; ASIA is for temporary STS keys
KEY_ID_BODY = 16  # AKIA + 16 = AWS's 20-character access key IDs
SECRET_LENGTH = 40
MAX_KEYS_PER_USER = 2  # AccessKeysPerUserQuota
STATUSES = (ACTIVE, INACTIVE)
# AWS records the first use in a 15-minute span only (credential report docs); doing the
# same means most calls with a key need no store write at all.
LAST_USED_GRANULARITY = timedelta(minutes=15)

_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # base32, what AWS key IDs are made of
_SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_KEY_ID_RE = re.compile(r"[\w]{16,128}")  # GetAccessKeyLastUsed's AccessKeyId constraint
_PROFILE_RE = re.compile(r"[^\[\]\r\n]+")


@dataclass(frozen=True)
class NewAccessKey:
    """A key just created: the stored record plus the secret, which exists only here."""

    key: AccessKey
    secret: str
    user_name: str | None  # None for the root user's keys


def new_key_id() -> str:
    return KEY_ID_PREFIX + "".join(secrets.choice(_ID_ALPHABET) for _ in range(KEY_ID_BODY))


def new_secret() -> str:
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(SECRET_LENGTH))


@dataclass(frozen=True)
class KeyMaterial:
    """A new key's ID, secret and the secret's hash, made before the store is locked: the
    hash is an scrypt (~50 ms) that no other writer should wait for. Whether the ID is free
    can only be known under the lock; a taken one is replaced there (``with_new_id``), which
    leaves the secret and its hash as they are."""

    key_id: str
    secret: str = field(repr=False)
    secret_hash: str = field(repr=False)

    def with_new_id(self) -> KeyMaterial:
        return replace(self, key_id=new_key_id())


def new_key_material() -> KeyMaterial:
    secret = new_secret()
    return KeyMaterial(key_id=new_key_id(), secret=secret, secret_hash=hash_secret(secret))


def create_access_key(
    existing: list[AccessKey], user_name: str | None, now: datetime, material: KeyMaterial | None = None
) -> NewAccessKey:
    """CreateAccessKey: a new Active key, refused past the per-user quota of two.

    *material* is the key made before the store was locked (made here when None)."""
    if len(existing) >= MAX_KEYS_PER_USER:
        raise limit_exceeded(f"Cannot exceed quota for AccessKeysPerUser: {MAX_KEYS_PER_USER}")
    made = material or new_key_material()
    taken = {k.id for k in existing}
    while made.key_id in taken:  # astronomically unlikely, but cheap to rule out
        made = made.with_new_id()
    key = AccessKey(id=made.key_id, secret_hash=made.secret_hash, created=iso(now))
    return NewAccessKey(key=key, secret=made.secret, user_name=user_name)


def find_key(keys: list[AccessKey], key_id: str) -> AccessKey:
    for key in keys:
        if key.id == key_id:
            return key
    raise no_such_entity(f"The Access Key with id {key_id} cannot be found.")


def set_status(keys: list[AccessKey], key_id: str, status: str) -> list[AccessKey]:
    """UpdateAccessKey: the keys with *key_id* set to Active or Inactive."""
    check_enum("status", status, STATUSES)
    find_key(keys, key_id)
    return [replace(k, status=status) if k.id == key_id else k for k in keys]


def delete_key(keys: list[AccessKey], key_id: str) -> list[AccessKey]:
    """DeleteAccessKey: the keys without *key_id*."""
    find_key(keys, key_id)
    return [k for k in keys if k.id != key_id]


def rotate(
    keys: list[AccessKey], user_name: str | None, now: datetime, material: KeyMaterial | None = None
) -> tuple[list[AccessKey], NewAccessKey]:
    """AWS's rotation recipe, first half: create a second key and deactivate the old one.

    The old key is kept Inactive rather than deleted, as AWS advises, so it can be switched
    back on if something still uses it; deleting it is the caller's later, explicit step.
    With two keys already there is no room, and the message says which key to delete.
    """
    if len(keys) >= MAX_KEYS_PER_USER:
        inactive = [k.id for k in keys if k.status == INACTIVE]
        hint = (
            f" Delete the inactive key {inactive[0]} first."
            if inactive
            else " Deactivate and delete one of them first."
        )
        raise limit_exceeded(
            f"Cannot exceed quota for AccessKeysPerUser: {MAX_KEYS_PER_USER}.{hint}"
        )
    new = create_access_key(keys, user_name, now, material)
    rotated = [replace(k, status=INACTIVE) for k in keys] + [new.key]
    return rotated, new


def check_secret(key: AccessKey | None, secret: str) -> None:
    """Accept a presented key ID + secret, or raise the error AWS would.

    *key* is the stored key for the presented ID, or None when no key has that ID.
    An unknown or inactive key is InvalidClientTokenId; a wrong secret for a real key is
    SignatureDoesNotMatch, which is how AWS tells the two apart.
    """
    if key is None or key.status != ACTIVE:
        raise IamError("InvalidClientTokenId", "The security token included in the request is invalid.")
    if not verify_secret(secret, key.secret_hash):
        raise IamError(
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method.",
        )


def record_use(key: AccessKey, now: datetime, service: str, region: str | None) -> AccessKey:
    """The key with its last use noted; unchanged if already noted in the last 15 minutes."""
    if key.last_used_date and now - parse(key.last_used_date) < LAST_USED_GRANULARITY:
        return key
    return replace(
        key, last_used_date=iso(now), last_used_service=service, last_used_region=region
    )


# --- AWS's JSON shapes (aws-cli output: pagination fields already folded away) ---


def _metadata(user_name: str | None, key: AccessKey) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if user_name is not None:
        out["UserName"] = user_name
    out["AccessKeyId"] = key.id
    out["Status"] = key.status
    out["CreateDate"] = key.created
    return out


def create_access_key_json(new: NewAccessKey) -> dict[str, Any]:
    """CreateAccessKey's response; the only shape that ever carries the secret."""
    body = _metadata(new.user_name, new.key)
    body["SecretAccessKey"] = new.secret
    order = ("UserName", "AccessKeyId", "Status", "SecretAccessKey", "CreateDate")
    return {"AccessKey": {k: body[k] for k in order if k in body}}


def list_access_keys_json(user_name: str | None, keys: list[AccessKey]) -> dict[str, Any]:
    return {"AccessKeyMetadata": [_metadata(user_name, k) for k in keys]}


def last_used_json(user_name: str | None, key: AccessKey) -> dict[str, Any]:
    """GetAccessKeyLastUsed: LastUsedDate left out and "N/A" strings when never used."""
    last: dict[str, Any] = {}
    if key.last_used_date:
        last["LastUsedDate"] = key.last_used_date
    last["ServiceName"] = key.last_used_service or "N/A"
    last["Region"] = key.last_used_region or "N/A"
    out: dict[str, Any] = {}
    if user_name is not None:
        out["UserName"] = user_name
    out["AccessKeyLastUsed"] = last
    return out


def check_key_id(key_id: str) -> str:
    if not _KEY_ID_RE.fullmatch(key_id):
        raise validation_error(
            f"1 validation error detected: Value '{key_id}' at 'accessKeyId' failed to satisfy "
            r"constraint: Member must satisfy regular expression pattern: [\w]+"
        )
    return key_id


# --- Handing a new key out: the files people put keys in ---

# The console's downloads. A key created on its own downloads as <user>_accessKeys.csv with
# two columns; the user-creation wizard's credentials.csv has one row per user with five.
KEY_CSV_HEADER = ("Access key ID", "Secret access key")
USER_CSV_HEADER = ("User name", "Password", "Access key ID", "Secret access key", "Console login link")

FORMATS = ("json", "csv", "env", "credentials-file")


def _csv(rows: list[tuple[str, ...]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def key_csv(new: NewAccessKey) -> str:
    """The console's access-key download: ``Access key ID,Secret access key``."""
    return _csv([KEY_CSV_HEADER, (new.key.id, new.secret)])


def user_csv(
    user_name: str,
    login_url: str,
    *,
    password: str | None = None,
    new: NewAccessKey | None = None,
) -> str:
    """The user wizard's credentials.csv; columns for what was not created stay empty."""
    row = (
        user_name,
        password or "",
        new.key.id if new else "",
        new.secret if new else "",
        login_url,
    )
    return _csv([USER_CSV_HEADER, row])


def env_lines(new: NewAccessKey) -> str:
    """Lines for ``eval`` in a shell; the variable names the AWS CLI and SDKs read."""
    return (
        f"export AWS_ACCESS_KEY_ID={shlex.quote(new.key.id)}\n"
        f"export AWS_SECRET_ACCESS_KEY={shlex.quote(new.secret)}\n"
    )


def check_profile(profile: str) -> str:
    """A profile name that can stand in a credentials file's [section] header."""
    if not _PROFILE_RE.fullmatch(profile) or profile != profile.strip():
        raise validation_error(f"Profile name {profile!r} cannot be used in a credentials file.")
    return profile


def credentials_file(new: NewAccessKey, profile: str = "default") -> str:
    """A section for ~/.aws/credentials."""
    check_profile(profile)
    return (
        f"[{profile}]\n"
        f"aws_access_key_id = {new.key.id}\n"
        f"aws_secret_access_key = {new.secret}\n"
    )


def render_new_key(new: NewAccessKey, fmt: str, *, profile: str = "default") -> str | dict[str, Any]:
    """One new key in *fmt*: a dict for json (the renderer prints it), text otherwise."""
    if fmt == "json":
        return create_access_key_json(new)
    if fmt == "csv":
        return key_csv(new)
    if fmt == "env":
        return env_lines(new)
    if fmt == "credentials-file":
        return credentials_file(new, profile)
    raise validation_error(f"Unknown key format {fmt!r}; use one of: {', '.join(FORMATS)}.")
