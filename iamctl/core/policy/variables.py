"""Policy variables: ``${aws:username}``, ``${aws:PrincipalTag/team, 'none'}``, ``${*}`` ...

Only Version 2012-10-17 documents have variables; in 2008-10-17 ``${...}`` is literal text.
A template is parsed once into pieces; substitution per request yields ``(text, literal)``
pieces so that a user name containing ``*`` cannot become a wildcard, while ``${*}`` is
a literal star as AWS documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

# ${*} ${?} ${$} stand for the literal characters, so a policy can say "a real asterisk".
_ESCAPES = {"*": "*", "?": "?", "$": "$"}
_VAR = re.compile(r"\$\{([^}]*)\}")
_DEFAULT = re.compile(r"^\s*([^,\s]+)\s*,\s*'((?:[^']|'')*)'\s*$")
_PLAIN_KEY = re.compile(r"^\s*([^,\s'{}$]+)\s*$")


@dataclass(frozen=True)
class Variable:
    """One ``${key}`` or ``${key, 'default'}``; ``key`` is lower-cased (keys ignore case)."""

    key: str
    default: str | None
    name: str = field(default="", compare=False)  # the key as the policy spells it

    @property
    def spelled(self) -> str:
        return self.name or self.key


# A template piece: plain policy text (wildcards active), an escaped literal, or a variable.
Piece = tuple[str, bool] | Variable
Lookup = Callable[[str], Sequence[str] | None]


def has_variables(text: str) -> bool:
    return "${" in text


@lru_cache(maxsize=4096)
def parse_template(text: str, start: int = 0) -> tuple[Piece, ...]:
    """Split ``text`` into pieces. A malformed ``${...}`` stays literal text, as AWS does.

    A ``${...}`` that begins before offset ``start`` is plain policy text (see
    ``resource_variables_start``); adjacent plain text is kept as one piece.
    """
    pieces: list[Piece] = []
    pos = 0
    for m in _VAR.finditer(text, start):
        if m.start() > pos:
            pieces.append((text[pos : m.start()], False))
        inner = m.group(1)
        if inner in _ESCAPES:
            pieces.append((_ESCAPES[inner], True))
        elif dm := _DEFAULT.match(inner):
            key = dm.group(1)
            pieces.append(Variable(key.lower(), dm.group(2).replace("''", "'"), key))
        elif km := _PLAIN_KEY.match(inner):
            pieces.append(Variable(km.group(1).lower(), None, km.group(1)))
        else:
            pieces.append((m.group(0), False))
        pos = m.end()
    if pos < len(text):
        pieces.append((text[pos:], False))
    return tuple(pieces)


# ARNs have five ':'-ended header fields (arn, partition, service, region, account).
_ARN_HEADER_COLONS = 5


def resource_variables_start(text: str) -> int:
    """Where variables may begin in a Resource ARN: after its fifth colon.

    IAM User Guide, "Policy variables", Resource element: "You can use a policy variable in
    the Resource element, but only in the resource portion of the ARN. This portion of the
    ARN appears after the fifth colon (:)." Before it, ``${...}`` is plain text (as in a
    2008-10-17 policy), and its own colons count. Without five colons: nowhere.
    """
    at = -1
    for _ in range(_ARN_HEADER_COLONS):
        at = text.find(":", at + 1)
        if at < 0:
            return len(text)
    return at + 1


def is_plain(pieces: tuple[Piece, ...]) -> bool:
    """True when the pieces hold no variable and no ``${*}``-style escape."""
    return all(not isinstance(p, Variable) and not p[1] for p in pieces)


def substitute(
    pieces: tuple[Piece, ...], lookup: Lookup
) -> tuple[tuple[str, bool], ...] | None:
    """Resolve variables; ``None`` when one has no value and no default.

    AWS: a variable whose key is absent (or multi-valued) cannot be replaced, and the element
    that holds it does not match. Substituted values are literal (``literal=True``).
    """
    out: list[tuple[str, bool]] = []
    for piece in pieces:
        if isinstance(piece, Variable):
            values = lookup(piece.key)
            if values is not None and len(values) == 1:
                out.append((values[0], True))
            elif piece.default is not None:
                out.append((piece.default, True))
            else:
                return None
        else:
            out.append(piece)
    return tuple(out)


def variable_keys(pieces: tuple[Piece, ...]) -> list[str]:
    return [p.key for p in pieces if isinstance(p, Variable) and p.default is None]


def unresolved(pieces: tuple[Piece, ...], lookup: Lookup) -> list[str]:
    """The variables (as spelled) that ``substitute`` could not replace."""
    out = []
    for p in pieces:
        if isinstance(p, Variable) and p.default is None:
            values = lookup(p.key)
            if values is None or len(values) != 1:
                out.append(p.spelled)
    return out


def join(pieces: tuple[tuple[str, bool], ...]) -> str:
    """The plain string (for exact operators, where wildcards mean nothing)."""
    return "".join(text for text, _ in pieces)
