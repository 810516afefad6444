"""The account alias (one per account) and the console sign-in URL it customises."""

from __future__ import annotations

import re
from typing import Any

from iamctl.core.errors import validation_error

MIN_LENGTH = 3
MAX_LENGTH = 63
_ALLOWED_RE = re.compile(r"[a-z0-9-]+")


def problems(alias: str) -> list[str]:
    """Every rule *alias* breaks; empty when it is a valid alias.

    CreateAccountAlias's pattern is ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$: 3-63
    lowercase letters, digits and hyphens, no hyphen first or last, no two in a row.
    iamctl also refuses an all-digit alias: the sign-in URL takes an alias or an account
    ID in the same place, and digits there would read as (someone's) account ID.
    """
    found: list[str] = []
    if not MIN_LENGTH <= len(alias) <= MAX_LENGTH:
        found.append(f"must be {MIN_LENGTH} to {MAX_LENGTH} characters long")
    if not _ALLOWED_RE.fullmatch(alias):
        found.append("may contain only lowercase letters, digits and hyphens")
    if alias.startswith("-") or alias.endswith("-"):
        found.append("cannot start or end with a hyphen")
    if "--" in alias:
        found.append("cannot contain two hyphens in a row")
    if alias.isdigit():
        found.append("cannot be all digits")
    return found


def check_alias(alias: str) -> str:
    """Return *alias*, or raise ValidationError naming every rule it breaks."""
    found = problems(alias)
    if found:
        raise validation_error(f"The account alias '{alias}' " + "; ".join(found) + ".")
    return alias


def signin_url(account_id: str, alias: str | None = None) -> str:
    """The IAM users sign-in link; the account-ID form keeps working with an alias set."""
    return f"https://{alias or account_id}.signin.aws.amazon.com/console"


def list_aliases_json(alias: str | None) -> dict[str, Any]:
    """ListAccountAliases: a list, though an account has at most one alias."""
    return {"AccountAliases": [alias] if alias else []}
