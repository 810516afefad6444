"""Reading the store's TOML: rtoml for speed, tomllib as the reference.

Parsing is most of a cold read: one account of 4,500 users (3.5 MB) takes tomllib 0.38 s
and rtoml (Rust) 0.06 s here, with equal results. tomllib stays the reference: whatever
rtoml refuses (a syntax error, nesting deeper than it allows) is parsed again by tomllib,
so every error is reported exactly as before, with tomllib's line and column. Small texts
go straight to tomllib, which is imported anyway and costs less than importing rtoml.

rtoml reads TOML 1.1 (newlines in inline tables, ``\\e``, times without seconds), which
tomllib of Python < 3.15 refuses; such hand edits are read, and the values they give are
checked like any others.
"""

from __future__ import annotations

from typing import Any

# Below this many characters tomllib is as fast as importing rtoml (measured ~2 ms).
FAST_FROM = 64 * 1024


def loads(text: str) -> dict[str, Any]:
    """*text* parsed; raises tomllib.TOMLDecodeError (or RecursionError) as tomllib does."""
    if len(text) >= FAST_FROM:
        parsed = _rtoml_loads(text)
        if parsed is not None:
            return parsed
    import tomllib

    return tomllib.loads(text)


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
