"""A small JSON reader that remembers where each object, array and member value sits.

``json.loads`` throws positions away, but AWS-style messages name the line and column of the
offending element. This scanner is several times slower than ``json``, so documents are read
with ``json`` first and with this scanner only when a position is needed: to say where a
document is wrong, or where a matched statement sits (see document.py).
"""

from __future__ import annotations

import bisect
import json
import re
from typing import Protocol

from iamctl.core.errors import IamError, malformed_policy


class Position:
    """A 1-based line and column, like AWS's StartPosition / EndPosition.

    ``Position.later(finder, key)`` is one whose numbers ``finder.position(key)`` works out
    on first use: most evaluations never show a position, so they never pay for finding
    one. (A finder and a key rather than a closure: a parsed policy keeps its positions,
    and fewer live objects keep Python's garbage collector quick.)
    """

    __slots__ = ("_column", "_finder", "_line")

    def __init__(self, line: int, column: int) -> None:
        self._line, self._column = line, column
        self._finder: _Finder | None = None

    @classmethod
    def later(cls, finder: _Finder, key: int) -> Position:
        pos = cls.__new__(cls)
        pos._line, pos._column, pos._finder = key, 0, finder
        return pos

    def _resolve(self) -> None:
        if self._finder is not None:
            found = self._finder.position(self._line)
            self._line, self._column, self._finder = found.line, found.column, None

    @property
    def line(self) -> int:
        self._resolve()
        return self._line

    @property
    def column(self) -> int:
        self._resolve()
        return self._column

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Position):
            return NotImplemented
        return (self.line, self.column) == (other.line, other.column)

    def __hash__(self) -> int:
        return hash((self.line, self.column))

    def __repr__(self) -> str:
        return f"Position(line={self.line}, column={self.column})"


class _Finder(Protocol):
    def position(self, key: int) -> Position: ...


class PosDict(dict):
    """A JSON object with the offsets of itself and of each member's value."""

    start: int = 0
    end: int = 0
    value_at: dict[str, int]
    duplicates: list[tuple[str, int]]


class PosList(list):
    """A JSON array with its offsets."""

    start: int = 0
    end: int = 0


_WS = re.compile(r"[ \t\n\r]*")
# ASCII digits: JSON's, not \d's Unicode ones
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_decoder = json.JSONDecoder()


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.line_starts, offset)
        return Position(line, offset - self.line_starts[line - 1] + 1)

    def fail(self, what: str, offset: int) -> IamError:
        pos = self.position(offset)
        return malformed_policy(
            f"Syntax error in policy: {what} (line {pos.line}, column {pos.column})."
        )

    def skip(self, i: int) -> int:
        return _WS.match(self.text, i).end()  # type: ignore[union-attr]

    def value(self, i: int, depth: int = 0) -> tuple[object, int]:
        if depth > 64:
            # Real policies are shallow; this keeps hostile input off Python's recursion limit.
            raise self.fail("nesting too deep", i)
        text = self.text
        if i >= len(text):
            raise self.fail("unexpected end of document", i)
        ch = text[i]
        if ch == "{":
            return self.obj(i, depth)
        if ch == "[":
            return self.array(i, depth)
        if ch == '"':
            return self.string(i)
        m = _NUMBER.match(text, i)
        if m and m.end() > i:
            return json.loads(m.group()), m.end()
        for word, val in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, i):
                return val, i + len(word)
        raise self.fail(f"unexpected character {ch!r}", i)

    def string(self, i: int) -> tuple[str, int]:
        try:
            s, end = json.decoder.scanstring(self.text, i + 1, True)
        except json.JSONDecodeError as exc:
            raise self.fail(exc.msg.lower(), exc.pos) from None
        return s, end

    def obj(self, i: int, depth: int) -> tuple[PosDict, int]:
        out = PosDict()
        out.start, out.value_at, out.duplicates = i, {}, []
        i = self.skip(i + 1)
        if self.text.startswith("}", i):
            out.end = i + 1
            return out, i + 1
        while True:
            if i >= len(self.text):
                raise self.fail("unexpected end of document", i)
            if not self.text.startswith('"', i):
                raise self.fail("expected a quoted member name", i)
            key_at = i
            key, i = self.string(i)
            i = self.skip(i)
            if not self.text.startswith(":", i):
                raise self.fail("expected ':' after a member name", i)
            i = self.skip(i + 1)
            val_at = i
            val, i = self.value(i, depth + 1)
            if key in out:
                out.duplicates.append((key, key_at))
            out[key] = val
            out.value_at[key] = val_at
            i = self.skip(i)
            if self.text.startswith(",", i):
                i = self.skip(i + 1)
                continue
            if self.text.startswith("}", i):
                out.end = i + 1
                return out, i + 1
            raise self.fail("expected ',' or '}' in an object", i)

    def array(self, i: int, depth: int) -> tuple[PosList, int]:
        out = PosList()
        out.start = i
        i = self.skip(i + 1)
        if self.text.startswith("]", i):
            out.end = i + 1
            return out, i + 1
        while True:
            val, i = self.value(i, depth + 1)
            out.append(val)
            i = self.skip(i)
            if self.text.startswith(",", i):
                i = self.skip(i + 1)
                continue
            if self.text.startswith("]", i):
                out.end = i + 1
                return out, i + 1
            raise self.fail("expected ',' or ']' in an array", i)


def load(text: str) -> tuple[object, _Scanner]:
    """Read one JSON value from ``text``; raise MalformedPolicyDocument with line/column."""
    scanner = _Scanner(text)
    i = scanner.skip(0)
    value, i = scanner.value(i)
    i = scanner.skip(i)
    if i != len(text):
        raise scanner.fail("extra data after the document", i)
    return value, scanner
