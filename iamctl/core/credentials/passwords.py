"""Console passwords: checking one against the account's policy (or AWS's default policy
when none is set), generating one that passes, expiry, reuse prevention, and the login
profile changes that follow from setting or changing a password.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from iamctl.core.credentials.secrets_hash import hash_secret, verify_secret
from iamctl.core.credentials.times import iso, parse
from iamctl.core.errors import IamError
from iamctl.core.model.credentials import LoginProfile, PasswordPolicy

# The symbols AWS's password policy counts: ! @ # $ % ^ & * ( ) _ + - = [ ] { } | '
SYMBOLS = "!@#$%^&*()_+-=[]{}|'"
MAX_LENGTH = 128  # CreateLoginProfile's Password length limit
# Keep this many old hashes whatever the current policy says, so tightening
# PasswordReusePrevention later (up to its maximum of 24) takes effect at once.
HISTORY_KEPT = 24
# The console starts warning this many days before a password expires.
EXPIRY_WARNING = timedelta(days=15)
DEFAULT_GENERATED_LENGTH = 20

# AWS's default policy, which applies when no custom policy is set.
DEFAULT_MIN_LENGTH = 8
DEFAULT_CLASSES_NEEDED = 3  # of: uppercase, lowercase, numbers, symbols

_CLASSES = {
    "uppercase": string.ascii_uppercase,
    "lowercase": string.ascii_lowercase,
    "numbers": string.digits,
    "symbols": SYMBOLS,
}
_CLASS_RULES = {
    "uppercase": "Password should have at least one uppercase letter",
    "lowercase": "Password should have at least one lowercase letter",
    "numbers": "Password should have at least one number",
    "symbols": "Password should have at least one symbol",
}


def _has(password: str, kind: str) -> bool:
    chars = _CLASSES[kind]
    return any(c in chars for c in password)


def _required_classes(policy: PasswordPolicy) -> list[str]:
    wanted = {
        "uppercase": policy.require_uppercase_characters,
        "lowercase": policy.require_lowercase_characters,
        "numbers": policy.require_numbers,
        "symbols": policy.require_symbols,
    }
    return [kind for kind, on in wanted.items() if on]


def violations(
    password: str,
    policy: PasswordPolicy | None,
    *,
    previous_hashes: list[str] | None = None,
    account_name: str | None = None,
    email: str | None = None,
) -> list[str]:
    """Every rule *password* breaks, in a stable order; empty when it passes.

    *policy* None means AWS's default policy (8+ characters, three of the four character
    kinds, not the account's name or email address). *previous_hashes* are the hashes of
    the current and earlier passwords, newest first; the policy's PasswordReusePrevention
    decides how many of them count.
    """
    problems: list[str] = []
    if len(password) > MAX_LENGTH:
        problems.append(f"Password should have a maximum length of {MAX_LENGTH}")
    if policy is None:
        if len(password) < DEFAULT_MIN_LENGTH:
            problems.append(f"Password should have a minimum length of {DEFAULT_MIN_LENGTH}")
        present = sum(_has(password, kind) for kind in _CLASSES)
        if present < DEFAULT_CLASSES_NEEDED:
            problems.append(
                "Password should have at least three of: uppercase letters, lowercase "
                "letters, numbers, symbols"
            )
        for identity in (account_name, email):
            if identity and password.lower() == identity.lower():
                problems.append("Password should not be the AWS account name or email address")
                break
        return problems
    if len(password) < policy.minimum_password_length:
        problems.append(
            f"Password should have a minimum length of {policy.minimum_password_length}"
        )
    for kind in _required_classes(policy):
        if not _has(password, kind):
            problems.append(_CLASS_RULES[kind])
    remembered = policy.password_reuse_prevention or 0
    # Costs one scrypt per remembered password (~50 ms each); only on a change.
    recent = (previous_hashes or [])[:remembered]
    if any(verify_secret(password, h) for h in recent):
        problems.append(f"Password should not be one of your {remembered} previous passwords")
    return problems


# CreateLoginProfile's Password pattern: tab, line feed, carriage return and U+0020-U+00FF.
_AWS_PATTERN = "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"


def check_characters(password: str) -> None:
    """Refuse a password AWS's API would refuse (a character outside its pattern), and one
    holding a control character: AWS's pattern lets tab, line feed and carriage return
    through (and U+007F-U+009F), but none can be typed into the console's sign-in form, and
    one pasted into a terminal or a script does damage there. AWS's wording, without the
    value: AWS never echoes a password either."""
    outside = any(not ("\u0020" <= c <= "\u00ff" or c in "\t\n\r") for c in password)
    if outside:
        raise IamError("ValidationError", "1 validation error detected: Value at 'password' failed to satisfy "
                                          f"constraint: Member must satisfy regular expression pattern: {_AWS_PATTERN}")
    if any(c < "\u0020" or "\u007f" <= c <= "\u009f" for c in password):
        raise IamError("ValidationError", "1 validation error detected: Value at 'password' failed to satisfy "
                                          "constraint: Member must not contain control characters (tab, line break, "
                                          "escape, U+007F-U+009F ...).")


def check_password(
    password: str,
    policy: PasswordPolicy | None,
    *,
    previous_hashes: list[str] | None = None,
    account_name: str | None = None,
    email: str | None = None,
) -> None:
    """Raise ValidationError for characters a password cannot hold, else
    PasswordPolicyViolation naming every unmet rule at once."""
    check_characters(password)
    problems = violations(
        password,
        policy,
        previous_hashes=previous_hashes,
        account_name=account_name,
        email=email,
    )
    if problems:
        raise IamError("PasswordPolicyViolation", "; ".join(problems) + ".")


def generate_password(policy: PasswordPolicy | None, length: int | None = None) -> str:
    """A random password that satisfies *policy* (AWS's default policy when None).

    It always holds one character of every kind, which satisfies any combination of
    requirements and the default policy's three-of-four rule, and is at least the
    policy's minimum length.
    """
    minimum = DEFAULT_MIN_LENGTH if policy is None else policy.minimum_password_length
    size = max(length or DEFAULT_GENERATED_LENGTH, minimum, len(_CLASSES))
    if size > MAX_LENGTH:
        raise IamError("ValidationError", f"A password can be at most {MAX_LENGTH} characters.")
    alphabet = "".join(_CLASSES.values())
    chars = [secrets.choice(chars) for chars in _CLASSES.values()]
    chars += [secrets.choice(alphabet) for _ in range(size - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def expires_at(password_changed: str, policy: PasswordPolicy | None) -> str | None:
    """When a password set at *password_changed* expires; None when passwords never do."""
    if policy is None or policy.max_password_age is None:
        return None
    return iso(parse(password_changed) + timedelta(days=policy.max_password_age))


def is_expired(profile: LoginProfile, policy: PasswordPolicy | None, now: datetime) -> bool:
    """Expiry applies at once to old passwords when a policy starts requiring it (AWS)."""
    when = expires_at(profile.password_changed, policy)
    return when is not None and now >= parse(when)


def expires_soon(profile: LoginProfile, policy: PasswordPolicy | None, now: datetime) -> bool:
    """Within the console's 15-day warning window, and not yet expired."""
    when = expires_at(profile.password_changed, policy)
    return when is not None and parse(when) - EXPIRY_WARNING <= now < parse(when)


@dataclass(frozen=True)
class NewPassword:
    """A new password with its hash, made before the store is locked: the hash is an scrypt
    (~50 ms) that no other writer should wait for. The policy checks still run under the
    lock, against the policy and history read there."""

    text: str = field(repr=False)
    hash: str = field(repr=False)
    generated: bool = False  # made by generate_password, for the policy read before the lock


def prepare_password(text: str, *, generated: bool = False) -> NewPassword:
    return NewPassword(text=text, hash=hash_secret(text), generated=generated)


def hashed(password: str | NewPassword) -> NewPassword:
    """*password* with its hash: a plain string is hashed here (under the lock, if held)."""
    return password if isinstance(password, NewPassword) else prepare_password(password)


def text_of(password: str | NewPassword) -> str:
    return password.text if isinstance(password, NewPassword) else password


def previous_hashes(profile: LoginProfile) -> list[str]:
    """The current password's hash, then the earlier ones: what reuse prevention checks."""
    return [profile.password_hash, *profile.history]


def new_login_profile(
    password: str | NewPassword,
    policy: PasswordPolicy | None,
    now: datetime,
    *,
    reset_required: bool = False,
    account_name: str | None = None,
    email: str | None = None,
) -> LoginProfile:
    """CreateLoginProfile: check the password, then keep only its hash."""
    check_password(text_of(password), policy, account_name=account_name, email=email)
    stamp = iso(now)
    return LoginProfile(
        password_hash=hashed(password).hash,
        created=stamp,
        password_changed=stamp,
        password_reset_required=reset_required,
    )


def set_password(
    profile: LoginProfile,
    password: str | NewPassword,
    policy: PasswordPolicy | None,
    now: datetime,
    *,
    reset_required: bool | None = None,
    account_name: str | None = None,
    email: str | None = None,
) -> LoginProfile:
    """UpdateLoginProfile / ChangePassword's effect: the profile with a new password.

    The old hash moves into the history; *reset_required* None keeps the current flag.
    """
    check_password(
        text_of(password),
        policy,
        previous_hashes=previous_hashes(profile),
        account_name=account_name,
        email=email,
    )
    return replace(
        profile,
        password_hash=hashed(password).hash,
        password_changed=iso(now),
        password_reset_required=(
            profile.password_reset_required if reset_required is None else reset_required
        ),
        history=previous_hashes(profile)[:HISTORY_KEPT],
    )


def change_own_password(
    profile: LoginProfile,
    old_password: str,
    new_password: str | NewPassword,
    policy: PasswordPolicy | None,
    now: datetime,
) -> LoginProfile:
    """ChangePassword by the user themself.

    Needs the old password. A user must be able to change a password the admin marked
    for reset even when AllowUsersToChangePassword is off (that flag only grants the
    permission; the caller's policy check decides it). With HardExpiry an expired password
    can only be reset by an administrator.
    """
    if not verify_secret(old_password, profile.password_hash):
        # AWS does not document which code a wrong old password gets; InvalidUserType
        # is the closest of ChangePassword's listed errors.
        raise IamError("InvalidUserType", "The old password is incorrect.")
    if policy is not None and policy.hard_expiry and is_expired(profile, policy, now):
        raise IamError(
            "EntityTemporarilyUnmodifiable",
            "The password has expired and must be reset by an administrator.",
        )
    return set_password(profile, new_password, policy, now, reset_required=False)
