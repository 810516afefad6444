"""TOML text for the values and keys the store holds, written the way tomlkit writes them.

Rendering a new or unedited block needs no comment-preserving parser, and importing
tomlkit costs every write ~10 ms here; so blocks.py renders with these functions and
calls on tomlkit only to patch a block a person has edited. The output matches tomlkit's
for the store's values (strings, integers, booleans, arrays, inline tables), so a block
that tomlkit patched still reads as unedited. Everything written is checked with tomllib
before it reaches the file (blocks.py), so a value this module cannot write is refused
with ``ValueError`` and the caller falls back to tomlkit.
"""

from __future__ import annotations

import re
from typing import Any

BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")

# TOML's short escapes; every other control character is written \uXXXX, as tomlkit does.
_SHORT_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')


def basic_string(text: str) -> str:
    """*text* as a one-line TOML basic string.

    Characters outside the BMP are written as they are: \\u escapes of a surrogate pair
    (what json.dumps writes) are not valid TOML."""
    return '"' + _NEEDS_ESCAPE.sub(_escape, text) + '"'


def _escape(match: re.Match[str]) -> str:
    c = match.group()
    return _SHORT_ESCAPES.get(c) or f"\\u{ord(c):04x}"


def key(name: str) -> str:
    return name if BARE_KEY.fullmatch(name) else basic_string(name)


def dotted(path: tuple[str, ...]) -> str:
    return ".".join(key(k) for k in path)


def value(v: Any) -> str:
    """*v* as TOML. A multi-line string (a policy document) becomes a literal '''...'''
    string when it can, so that the file shows the JSON as it was written."""
    if isinstance(v, bool):  # before int: bool is an int
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        if "\n" in v and literal_ok(v):
            # TOML drops a newline right after the opening quotes; keep a leading one.
            return "'''" + ("\n" if v.startswith("\n") else "") + v + "'''"
        return basic_string(v)
    if isinstance(v, list):
        return "[" + ", ".join(value(item) for item in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{key(k)} = {value(item)}" for k, item in v.items()) + "}"
    raise ValueError(f"no TOML text for a {type(v).__name__}")


def literal_ok(text: str) -> bool:
    # A literal string cannot hold its own delimiter or a control character but tab and
    # newline (a carriage return would not read back as written).
    return "'''" not in text and all(c in "\n\t" or (c >= " " and c != "\x7f") for c in text)
