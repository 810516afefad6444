"""JSON as aws-cli prints it (4-space indentation, non-ASCII as it is), at C speed.

``json.dumps(data, indent=4, ensure_ascii=False)`` is the reference: its text is what
``--output json`` prints. With ``indent`` set, the json module uses its pure Python
encoder (78% of `account authorization-details` on a quota-size store). Its C encoder
writes the same tokens, but only compactly; so a big document is encoded compactly in C
and then indented by ``msgspec.json.format``, which changes whitespace only: every string
escape and number is the json module's own. Small documents (most commands) go straight
to the reference encoder and never import msgspec.

Whatever the fast path cannot take (NaN or Infinity, which are not JSON; a lone surrogate;
a type the json module refuses) is given to the reference encoder, which prints or
raises exactly as before.
"""

from __future__ import annotations

import json
from typing import Any

INDENT = 4
# Below this (compact characters), the reference encoder takes a few milliseconds at most,
# less than importing msgspec.
FAST_FROM = 256 * 1024


def dumps(data: Any) -> str:
    """``json.dumps(data, indent=4, ensure_ascii=False)``: the same text, faster."""
    try:
        compact = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        return _reference(data)  # which raises the error the user always saw
    if len(compact) < FAST_FROM:
        return _reference(data)
    try:
        import msgspec.json
    except ImportError:  # a platform without its wheel: correct, only slower
        return _reference(data)
    try:
        return msgspec.json.format(compact, indent=INDENT)
    except (msgspec.DecodeError, UnicodeError):  # NaN/Infinity tokens, lone surrogates
        return _reference(data)


def _reference(data: Any) -> str:
    return json.dumps(data, indent=INDENT, ensure_ascii=False)
