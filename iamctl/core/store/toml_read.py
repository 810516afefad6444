"""Reading the store's TOML: rtoml for speed, tomllib as the reference.

Parsing is most of a cold read: one account of 4,500 users (3.5 MB) takes tomllib 0.38 s
and rtoml (Rust) 0.06 s here, with equal results. tomllib stays the reference: whatever
rtoml refuses (a syntax error, nesting deeper than it allows) is parsed again by tomllib,
so every error is reported exactly as before, with tomllib's line and column. Small texts
go straight to tomllib, which is imported anyway and costs less than importing rtoml.

rtoml reads TOML 1.1, which tomllib refuses where it differs from TOML 1.0: the escapes
``\\e`` and ``\\xHH``, newlines and a trailing comma in inline tables, times without
seconds. A store must read the same whatever its size (and the writes check what they
write with tomllib), so a text that may hold one of those goes to tomllib. iamctl writes
none of them (tables as headers, arrays on one line, times as strings): only a hand edit
does, or a string that looks like one, which costs that text the fast parse, never its
meaning.
"""

from __future__ import annotations

import re
from typing import Any

# After "=": an inline table, an array that spans lines or holds an inline table, a bare
# time (TOML 1.1 allows one without seconds).
_MAYBE_TOML_11 = re.compile(r"=[ \t]*(?:\{|\[[^\]\n]*[{\n]|(?:\d{4}-\d\d-\d\d[Tt ])?\d\d:\d\d(?!:))")

# Below this many characters tomllib is as fast as importing rtoml (measured ~2 ms).
FAST_FROM = 64 * 1024


def loads(text: str) -> dict[str, Any]:
    """*text* parsed; raises tomllib.TOMLDecodeError (or RecursionError) as tomllib does."""
    if len(text) >= FAST_FROM and _rtoml_reads_as_tomllib(text):
        parsed = _rtoml_loads(text)
        if parsed is not None:
            return parsed
    import tomllib

    return tomllib.loads(text)


def _rtoml_reads_as_tomllib(text: str) -> bool:
    """False for the texts where the two parsers are known to give different data: a
    carriage return (tomllib turns CRLF inside a multi-line string into LF, rtoml keeps
    it, so a store saved with CRLF line ends would hold other policy text) and a leading
    byte-order mark (which tomllib refuses), and whatever may be TOML 1.1 (see above).
    Such a text is read by tomllib alone."""
    if "\r" in text or text.startswith("\ufeff") or "\\e" in text or "\\x" in text:
        return False
    return _MAYBE_TOML_11.search(text) is None


def _rtoml_loads(text: str) -> dict[str, Any] | None:
    """rtoml's parse, or None when rtoml is not installed or refuses the text."""
    try:
        import rtoml
    except ImportError:  # a platform without its wheel: tomllib does it all
        return None
    try:
        return rtoml.loads(text)
    except Exception:  # rtoml.TomlParsingError and its kind: tomllib says what is wrong
        return None
