"""Tags on IAM entities, with AWS's limits."""

from __future__ import annotations

from iamctl.core.errors import IamError, limit_exceeded
from iamctl.core.service import quotas


def parse_tag(text: str) -> tuple[str, str]:
    """KEY=VALUE (the value may be empty or contain '=')."""
    key, sep, value = text.partition("=")
    if not sep:
        raise IamError("ValidationError", f"A tag must be KEY=VALUE, not {text!r}.")
    return key, value


def apply_tags(tags: dict[str, str], new: dict[str, str]) -> None:
    for key, value in new.items():
        if not 1 <= len(key) <= quotas.TAG_KEY_MAX:
            raise IamError("ValidationError", f"Tag key {key!r} must be 1 to {quotas.TAG_KEY_MAX} characters.")
        if len(value) > quotas.TAG_VALUE_MAX:
            raise IamError(
                "ValidationError", f"Tag value for {key!r} must be at most {quotas.TAG_VALUE_MAX} characters."
            )
        if key.lower().startswith("aws:"):
            raise IamError("InvalidInput", f"Tag keys starting with 'aws:' are reserved for AWS ({key}).")
    merged = {**tags, **new}
    if len(merged) > quotas.TAGS_PER_ENTITY:
        raise limit_exceeded(f"The number of tags has reached the maximum limit of {quotas.TAGS_PER_ENTITY}.")
    tags.clear()
    tags.update(merged)


def remove_tags(tags: dict[str, str], keys: list[str]) -> None:
    for key in keys:
        tags.pop(key, None)  # AWS's UntagUser ignores keys that are not there
