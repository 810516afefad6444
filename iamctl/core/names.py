"""AWS's name rules, ARNs, unique IDs and account IDs."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime

from iamctl.core.errors import IamError, validation_error

PARTITION = "aws"

# AWS documents names as [\w+=,.@-]+; IAM's \w is ASCII only.
_NAME_RE = re.compile(r"[A-Za-z0-9_+=,.@-]+")
_PATH_RE = re.compile(r"/|/[\x21-\x7e]+/")
_ACCOUNT_ID_RE = re.compile(r"\d{12}")

# Name lengths per entity kind, from "IAM and AWS STS quotas".
NAME_MAX = {
    "user": 64,
    "group": 128,
    "policy": 128,
    "role": 64,
    "instance-profile": 128,
    "inline-policy": 128,
}
PATH_MAX = 512

# Unique ID prefixes AWS uses ("Unique identifiers" in the IAM User Guide).
ID_PREFIX = {
    "user": "AIDA",
    "group": "AGPA",
    "policy": "ANPA",
    "role": "AROA",
    "instance-profile": "AIPA",
    "access-key": "AKIA",
    "session-key": "ASIA",
}
_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # base32: what AWS's IDs are made of


def _constraint_error(field: str, value: str, constraint: str, hint: str = "") -> IamError:
    """AWS's own message, word for word, and after it in brackets what it means in plain words."""
    plain = f" ({hint})" if hint else ""
    return validation_error(
        f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: {constraint}{plain}"
    )


def check_name(kind: str, name: str, field: str | None = None) -> str:
    """Raise ValidationError unless *name* follows AWS's rules for *kind*."""
    field = field or _field_name(kind)
    limit = NAME_MAX[kind]
    if not 1 <= len(name) <= limit:
        raise _constraint_error(field, name, f"Member must have length between 1 and {limit}")
    if not _NAME_RE.fullmatch(name):
        raise _constraint_error(
            field,
            name,
            r"Member must satisfy regular expression pattern: [\w+=,.@-]+",
            hint="letters, digits and + = , . @ _ - only; no spaces or slashes",
        )
    return name


def _field_name(kind: str) -> str:
    parts = kind.split("-")
    return parts[0] + "".join(p.title() for p in parts[1:]) + "Name"


# The PathPrefix of ListUsers, ListGroups, ListRoles and ListInstanceProfiles (botocore's
# pathPrefixType), and of ListPolicies (policyPathType): looser and stricter than a path.
# Patterns, not compiled ones: every command imports this module, few list by path.
_PATH_PREFIX = r"/[\x21-\x7f]*"
_POLICY_PATH_PREFIX = r"(/[A-Za-z0-9.,+@=_-]+)*/"


def check_path_prefix(prefix: str, *, policies: bool = False) -> str:
    """Raise ValidationError unless *prefix* is a PathPrefix AWS's list calls accept."""
    if not 1 <= len(prefix) <= PATH_MAX:
        raise _constraint_error("pathPrefix", prefix, f"Member must have length between 1 and {PATH_MAX}")
    if policies:
        pattern, shown = _POLICY_PATH_PREFIX, r"((/[A-Za-z0-9\.,\+@=_-]+)*)/"
        hint = "a policy path prefix starts and ends with /, e.g. /job-function/"
    else:
        pattern, shown, hint = _PATH_PREFIX, r"\u002F[\u0021-\u007F]*", "a path prefix starts with /, e.g. /eng"
    if not re.fullmatch(pattern, prefix):
        raise _constraint_error("pathPrefix", prefix, f"Member must satisfy regular expression pattern: {shown}",
                                hint=hint)
    return prefix


def is_valid_path(path: str) -> bool:
    """Is *path* one AWS accepts: / or /a/b/ of printable ASCII, at most 512 characters?"""
    return len(path) <= PATH_MAX and _PATH_RE.fullmatch(path) is not None and "//" not in path


def check_path(path: str, field: str = "path") -> str:
    """Raise ValidationError unless *path* is / or /a/b/ of printable ASCII, at most 512."""
    if len(path) > PATH_MAX:
        raise _constraint_error(
            field, path, f"Member must have length less than or equal to {PATH_MAX}", hint=f"{PATH_MAX} at most"
        )
    if not _PATH_RE.fullmatch(path) or "//" in path:
        raise _constraint_error(
            field,
            path,
            r"Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)",
            hint="a path starts and ends with /, e.g. /engineering/",
        )
    return path


def check_enum(field: str, value: str, allowed: tuple[str, ...]) -> str:
    """Raise AWS's ValidationError unless *value* is one of the API enum's *allowed* values
    (matched exactly, as AWS does), suggesting the closest one."""
    if value not in allowed:
        from iamctl.core.suggest import did_you_mean

        raise validation_error(
            f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{', '.join(allowed)}]{did_you_mean(value, allowed)}"
        )
    return value


def check_account_id(account_id: str) -> str:
    if not _ACCOUNT_ID_RE.fullmatch(account_id):
        raise validation_error(f"The account ID {account_id!r} is not 12 digits.")
    return account_id


def new_account_id() -> str:
    import secrets  # here, not at the top: every command imports this module at startup

    # A leading zero is legal in AWS, but IDs that look like numbers read better.
    return str(secrets.randbelow(9 * 10**11) + 10**11)


# Unique IDs of users, groups, roles ... are 21 characters; access key IDs (long-term AKIA
# and temporary ASIA) are 20, as AWS makes them.
_KEY_KINDS = ("access-key", "session-key")


def new_unique_id(kind: str) -> str:
    """AWS-style unique ID: a 4-letter prefix and 17 base32 characters (16 for key IDs)."""
    body = 16 if kind in _KEY_KINDS else 17
    # os.urandom is the CSPRNG that secrets draws from; 256 is a multiple of the alphabet's
    # 32, so the low five bits of each byte pick a letter uniformly. (Importing secrets
    # loads OpenSSL through hmac: ~7 ms on every command that creates something.)
    return ID_PREFIX[kind] + "".join(_ID_ALPHABET[b & 31] for b in os.urandom(body))


def stable_unique_id(kind: str, seed: str) -> str:
    """A unique ID derived from *seed*: the same on every machine (for AWS's managed
    policies, whose real IDs the shipped data does not carry)."""
    import base64
    import hashlib

    digest = base64.b32encode(hashlib.sha256(seed.encode()).digest()).decode()
    return ID_PREFIX[kind] + digest[:17]


def iam_arn(account_id: str, kind: str, name: str, path: str = "/") -> str:
    """arn:aws:iam::123456789012:user/division/alice"""
    return f"arn:{PARTITION}:iam::{account_id}:{kind}{path}{name}"


def root_arn(account_id: str) -> str:
    return f"arn:{PARTITION}:iam::{account_id}:root"


def now_iso() -> str:
    """The current time as AWS's CLI prints it (UTC, seconds, +00:00)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def parse_arn(arn: str) -> dict[str, str]:
    """Split an ARN into partition, service, region, account and resource."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        raise IamError("InvalidInput", f"ARN {arn} is not valid.")
    return dict(zip(("arn", "partition", "service", "region", "account", "resource"), parts, strict=True))
