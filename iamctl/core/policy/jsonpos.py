"""A small JSON reader that remembers where each object, array and member value sits.

``json.loads`` throws positions away, but AWS-style messages name the line and column of the
offending element, so policy documents are read with this scanner instead.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass

from iamctl.core.errors import IamError, malformed_policy


@dataclass(frozen=True)
class Position:
    """A 1-based line and column, like AWS's StartPosition / EndPosition."""

    line: int
    column: int


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
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
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
