"""Tags on IAM entities, with AWS's limits."""

from __future__ import annotations

from iamctl.core.errors import IamError, limit_exceeded, validation_error
from iamctl.core.service import quotas

# AWS's Tag type: keys [\p{L}\p{Z}\p{N}_.:/=+\-@]+, values the same characters, or none.
TAG_PATTERN = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]"
_TAG_PUNCTUATION = frozenset("_.:/=+-@")


def tag_text_ok(text: str) -> bool:
    r"""Only letters, separators (spaces), numbers and _.:/=+-@, as AWS allows in tags.

    Python's re has no \p{..} classes, so the Unicode categories are checked directly."""
    import unicodedata  # only commands that set tags pay for it

    return all(c in _TAG_PUNCTUATION or unicodedata.category(c)[0] in "LZN" for c in text)


def check_tag(key: str, value: str, index: int, prefix: str = "tags") -> None:
    """AWS's checks of one tag (the *index*-th, from 1), with its ValidationError wording."""
    if not 1 <= len(key) <= quotas.TAG_KEY_MAX:
        raise validation_error(f"Tag key {key!r} must be 1 to {quotas.TAG_KEY_MAX} characters.")
    if len(value) > quotas.TAG_VALUE_MAX:
        raise validation_error(f"Tag value for {key!r} must be at most {quotas.TAG_VALUE_MAX} characters.")
    for what, text, quantifier in (("key", key, "+"), ("value", value, "*")):
        if not tag_text_ok(text):
            raise validation_error(
                f"1 validation error detected: Value '{text}' at '{prefix}.{index}.member.{what}' failed to "
                f"satisfy constraint: Member must satisfy regular expression pattern: {TAG_PATTERN}{quantifier}"
            )


def parse_tag(text: str) -> tuple[str, str]:
    """KEY=VALUE (the value may be empty or contain '=')."""
    key, sep, value = text.partition("=")
    if not sep:
        raise IamError("ValidationError", f"A tag must be KEY=VALUE, not {text!r}.")
    return key, value


def apply_tags(tags: dict[str, str], new: dict[str, str]) -> None:
    for index, (key, value) in enumerate(new.items(), start=1):
        check_tag(key, value, index)
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
