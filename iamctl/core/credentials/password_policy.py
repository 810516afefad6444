"""The account password policy: UpdateAccountPasswordPolicy's ranges and defaults, and
GetAccountPasswordPolicy's JSON.

Setting a policy replaces all of it, as UpdateAccountPasswordPolicy does: a parameter left
out goes back to its default rather than keeping its old value.
"""

from __future__ import annotations

from typing import Any

from iamctl.core.errors import IamError, no_such_entity
from iamctl.core.model.credentials import PasswordPolicy

MIN_LENGTH_RANGE = (6, 128)
MAX_AGE_RANGE = (1, 1095)  # days
REUSE_RANGE = (1, 24)  # previous passwords remembered
DEFAULT_MIN_LENGTH = 6  # UpdateAccountPasswordPolicy's default for an omitted length


def make_policy(
    *,
    minimum_password_length: int | None = None,
    require_symbols: bool = False,
    require_numbers: bool = False,
    require_uppercase_characters: bool = False,
    require_lowercase_characters: bool = False,
    allow_users_to_change_password: bool = False,
    max_password_age: int | None = None,
    password_reuse_prevention: int | None = None,
    hard_expiry: bool = False,
) -> PasswordPolicy:
    """A whole new policy from UpdateAccountPasswordPolicy's parameters.

    Every out-of-range value is reported in one ValidationError, as AWS's request
    validation does ("2 validation errors detected: ...").
    """
    problems: list[str] = []
    _check_range(problems, "minimumPasswordLength", minimum_password_length, MIN_LENGTH_RANGE)
    _check_range(problems, "maxPasswordAge", max_password_age, MAX_AGE_RANGE)
    _check_range(problems, "passwordReusePrevention", password_reuse_prevention, REUSE_RANGE)
    if problems:
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        raise IamError(
            "ValidationError",
            f"{count} validation {noun} detected: " + "; ".join(problems),
        )
    return PasswordPolicy(
        minimum_password_length=(
            DEFAULT_MIN_LENGTH if minimum_password_length is None else minimum_password_length
        ),
        require_symbols=require_symbols,
        require_numbers=require_numbers,
        require_uppercase_characters=require_uppercase_characters,
        require_lowercase_characters=require_lowercase_characters,
        allow_users_to_change_password=allow_users_to_change_password,
        max_password_age=max_password_age,
        password_reuse_prevention=password_reuse_prevention,
        hard_expiry=hard_expiry,
    )


def _check_range(
    problems: list[str], field: str, value: int | None, bounds: tuple[int, int]
) -> None:
    if value is None:
        return
    low, high = bounds
    if value < low:
        problems.append(
            f"Value '{value}' at '{field}' failed to satisfy constraint: "
            f"Member must have value greater than or equal to {low}"
        )
    elif value > high:
        problems.append(
            f"Value '{value}' at '{field}' failed to satisfy constraint: "
            f"Member must have value less than or equal to {high}"
        )


def check_policy(policy: PasswordPolicy) -> PasswordPolicy:
    """Re-validate a policy read from a hand-edited store file."""
    return make_policy(
        minimum_password_length=policy.minimum_password_length,
        require_symbols=policy.require_symbols,
        require_numbers=policy.require_numbers,
        require_uppercase_characters=policy.require_uppercase_characters,
        require_lowercase_characters=policy.require_lowercase_characters,
        allow_users_to_change_password=policy.allow_users_to_change_password,
        max_password_age=policy.max_password_age,
        password_reuse_prevention=policy.password_reuse_prevention,
        hard_expiry=policy.hard_expiry,
    )


def policy_json(policy: PasswordPolicy) -> dict[str, Any]:
    """GetAccountPasswordPolicy's response.

    ExpirePasswords is derived (true when MaxPasswordAge is set). Unset optional numbers
    are left out, as AWS leaves them out. HardExpiry only means something with expiry,
    so it is shown when expiry is on or when it was set.
    """
    body: dict[str, Any] = {
        "MinimumPasswordLength": policy.minimum_password_length,
        "RequireSymbols": policy.require_symbols,
        "RequireNumbers": policy.require_numbers,
        "RequireUppercaseCharacters": policy.require_uppercase_characters,
        "RequireLowercaseCharacters": policy.require_lowercase_characters,
        "AllowUsersToChangePassword": policy.allow_users_to_change_password,
        "ExpirePasswords": policy.max_password_age is not None,
    }
    if policy.max_password_age is not None:
        body["MaxPasswordAge"] = policy.max_password_age
    if policy.password_reuse_prevention is not None:
        body["PasswordReusePrevention"] = policy.password_reuse_prevention
    if policy.hard_expiry or policy.max_password_age is not None:
        body["HardExpiry"] = policy.hard_expiry
    return {"PasswordPolicy": body}


def no_policy(account_id: str) -> IamError:
    """What GetAccountPasswordPolicy and DeleteAccountPasswordPolicy say with no policy."""
    return no_such_entity(f"The Password Policy with domain name {account_id} cannot be found.")
