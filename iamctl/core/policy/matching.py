"""Wildcard matching for actions, resources, ARNs and StringLike, compiled once and cached.

Patterns arrive as ``(text, literal)`` pieces (see variables.py): in non-literal text ``*``
and ``?`` are wildcards, in literal text they are ordinary characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

Pieces = tuple[tuple[str, bool], ...]
Matcher = re.Pattern[str]

# ARNs have five ':'-separated header fields before the resource part. A wildcard in a header
# field must not run into the next field; in the resource part it may cross ':' and '/'.
_ARN_HEADER_FIELDS = 5


@lru_cache(maxsize=8192)
def compile_pieces(
    pieces: Pieces,
    *,
    ignore_case: bool = False,
    arn: bool = False,
    resource: bool = False,
) -> Matcher:
    """Compile a wildcard pattern to an anchored regex (use ``.fullmatch``).

    ``resource``: the pattern is a Resource/NotResource ARN, where a ``*`` that ends a header
    field may run past the field's colon (IAM User Guide, "IAM JSON policy elements:
    Resource": "If the * wildcard is the last character of a resource ARN segment, it can
    expand to match beyond the colon boundaries"). ArnLike keeps fields apart: "each of the
    six colon-delimited components of the ARN is checked separately".
    """
    chars = [(ch, literal) for text, literal in pieces for ch in text]
    # Tokens: fixed-width regex text, or a star: ".*" (any run) or "[^:]*" (within a field).
    tokens: list[str] = []
    colons = 0
    for i, (ch, literal) in enumerate(chars):
        in_header = arn and colons < _ARN_HEADER_FIELDS
        if ch == ":":
            colons += 1
        if literal or ch not in "*?":
            tokens.append(re.escape(ch))
        elif ch == "*":
            ends_field = i + 1 == len(chars) or chars[i + 1][0] == ":"
            spans = not in_header or (resource and ends_field)
            star = _ANY_RUN if spans else _FIELD_RUN
            if tokens and tokens[-1] in _STARS:  # "**" is one star; one that spans wins
                tokens[-1] = _ANY_RUN if _ANY_RUN in (star, tokens[-1]) else _FIELD_RUN
            else:
                tokens.append(star)
        else:
            tokens.append("[^:]" if in_header else ".")
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile(_without_backtracking(tokens), flags)


_ANY_RUN = ".*"
_FIELD_RUN = "[^:]*"
_STARS = (_ANY_RUN, _FIELD_RUN)


def _without_backtracking(tokens: list[str]) -> str:
    """The regex of a wildcard pattern that matches in time linear in the text per star.

    A plain translation (``a*a*a*b`` -> ``a.*a.*a.*b``) backtracks over every way to split
    the text among the stars: 30 stars against a 60-character ARN never finish. But a
    wildcard pattern needs no backtracking: each star but the last may take the shortest
    run that lets the fixed-width text after it match (the leftmost place where that text
    occurs leaves the most text for the rest, and a field-bound star cannot be helped by
    a later place, which lies in the same field). So every star but the last becomes an
    atomic lazy group ``(?>.*?TEXT)``, committed once found; the last stays greedy, for
    fullmatch to end at the text's end.
    """
    stars = [i for i, t in enumerate(tokens) if t in _STARS]
    if len(stars) < 2:
        return "".join(tokens)
    out = tokens[: stars[0]]
    for n, start in enumerate(stars):
        end = stars[n + 1] if n + 1 < len(stars) else len(tokens)
        chunk = "".join(tokens[start + 1 : end])
        if n + 1 < len(stars) and _may_commit(tokens[start], tokens[end], tokens[start + 1 : end]):
            out.append(f"(?>{tokens[start]}?{chunk})")
        else:
            out.append(tokens[start] + chunk)
    return "".join(out)


def _may_commit(star: str, next_star: str, chunk: list[str]) -> bool:
    """Whether *star* may take the leftmost place of *chunk* for good: the text a later
    place would have covered (which ends inside the chunk's later copy) must be one the
    next star can take instead. A star that runs anywhere can take any text; a field-bound
    one only text without ':', which holds when both stars are field-bound (both places
    lie in one field) and the chunk has no ':' of its own. An ARN's header has at most
    five fields, so the stars that must stay backtracking are few."""
    if next_star == _ANY_RUN:
        return True
    return star == _FIELD_RUN and ":" not in chunk


def compile_wildcard(
    pattern: str, *, ignore_case: bool = False, arn: bool = False, resource: bool = False
) -> Matcher:
    return compile_pieces(
        ((pattern, False),), ignore_case=ignore_case, arn=arn, resource=resource
    )


def is_wildcard(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


def compile_any(
    patterns: Iterable[str], *, ignore_case: bool, arn: bool, resource: bool = False
) -> Matcher | None:
    """One alternation regex for many wildcard patterns, so a statement is one regex call."""
    parts = [
        compile_wildcard(p, ignore_case=ignore_case, arn=arn, resource=resource).pattern
        for p in patterns
    ]
    if not parts:
        return None
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile("|".join(f"(?:{p})" for p in parts), flags)


def resource_is_arn_pattern(pattern: str) -> bool:
    return pattern.startswith("arn:")


def match_resource(pattern: str, resource: str) -> bool:
    """AWS's Resource matching: case-sensitive, ARN fields matched one by one (a ``*``
    ending a field may run on past its colon)."""
    if pattern == "*":
        return True
    arn = resource_is_arn_pattern(pattern)
    return compile_wildcard(pattern, arn=arn, resource=arn).fullmatch(resource) is not None


def match_action(pattern: str, action: str) -> bool:
    """Action names ignore case (``S3:getobject`` is ``s3:GetObject``)."""
    return compile_wildcard(pattern, ignore_case=True).fullmatch(action) is not None


def service_of(action: str) -> str:
    return action.partition(":")[0].lower()
