"""AWS's rules for account aliases ("Your AWS account ID and its alias")."""

from __future__ import annotations

import re

from iamctl.core.errors import IamError

_ALIAS_RE = re.compile(r"^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$")


def check_alias(alias: str) -> str:
    if not 3 <= len(alias) <= 63:
        raise IamError("ValidationError", f"The account alias {alias!r} must be 3 to 63 characters.")
    if not _ALIAS_RE.fullmatch(alias):
        raise IamError(
            "ValidationError",
            f"The account alias {alias!r} may hold only lowercase letters, digits and single hyphens, "
            "and must start and end with a letter or digit.",
        )
    if alias.isdigit():
        raise IamError("ValidationError", f"The account alias {alias!r} cannot be all digits.")
    return alias
