"""Splicing changed entities into the store's TOML text.

A full tomlkit parse of a quota-size store takes seconds, so a write does not parse the
whole file. The file is cut into *blocks*: the top (schema, default account), each account's
own table, and one block per user, group, policy ... (a ``[table]`` with its sub-tables).
A write compares the old and new data block by block and touches only the text of blocks
that changed: a block whose text is just what iamctl would write is rendered anew
(toml_text.py), one a person edited is patched by tomlkit so their comments and layout
survive (tomlkit_edit.py), new blocks are inserted next to their siblings, deleted ones
are cut out. Every written block is read back with tomllib and compared with what it
should hold; whenever the text is laid out in a way this module does not follow (array
tables, an entity split across the file, dotted keys that reach into another block), it
says so with ``Unspliceable`` and the caller rewrites the whole document with tomlkit.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Iterator
from functools import cache
from typing import Any

from iamctl.core.model.base import field_type
from iamctl.core.store import toml_text

Path = tuple[str, ...]
WILD = "*"


class Unspliceable(Exception):
    """The text cannot be patched block by block; rewrite the whole document."""


# ---------------------------------------------------------------- which tables are blocks


@cache
def block_patterns(root_cls: type) -> tuple[Path, ...]:
    """Paths (with ``*`` for entity keys) of every block, longest first.

    Only collections marked ``nested`` (an account: its users, roles ... are blocks too)
    are walked into, so working this out never imports the entity classes."""
    found: list[Path] = []

    def walk(cls: type, prefix: Path) -> None:
        for f in dataclasses.fields(cls):
            if f.metadata.get("blocks"):
                pattern = (*prefix, f.metadata.get("key", f.name), WILD)
                found.append(pattern)
                if f.metadata.get("nested"):
                    walk(_item_type(field_type(cls, f.name)), pattern)

    walk(root_cls, ())
    return tuple(sorted(found, key=len, reverse=True))


def _item_type(tp: Any) -> type:
    import typing

    return typing.get_args(tp)[1]


def _matches(pattern: Path, path: Path) -> bool:
    return all(p in (WILD, k) for p, k in zip(pattern, path, strict=False))


def block_of(path: Path, patterns: tuple[Path, ...]) -> Path:
    """The block that owns the table at *path*."""
    for pattern in patterns:
        if len(pattern) <= len(path) and _matches(pattern, path):
            return path[: len(pattern)]
    return ()


def _child_collections(bpath: Path, patterns: tuple[Path, ...]) -> set[str]:
    """Keys under the block at *bpath* that are collections of further blocks."""
    return {p[len(bpath)] for p in patterns if len(p) == len(bpath) + 2 and _matches(p[: len(bpath)], bpath)}


def iter_blocks(raw: dict[str, Any], patterns: tuple[Path, ...]) -> Iterator[tuple[Path, dict]]:
    """Every block of *raw* with its own content (child blocks removed), in file order."""

    def walk(node: dict[str, Any], bpath: Path) -> Iterator[tuple[Path, dict]]:
        children = _child_collections(bpath, patterns)
        yield bpath, {k: v for k, v in node.items() if k not in children}
        for coll in children:
            for key, sub in (node.get(coll) or {}).items():
                yield from walk(sub, (*bpath, coll, key))

    yield from walk(raw, ())


def nest(path: Path, content: dict) -> dict:
    """{'a': {'b': content}} for path ('a', 'b')."""
    for key in reversed(path):
        content = {key: content}
    return content


# ---------------------------------------------------------------- reading the text


@dataclasses.dataclass
class Header:
    start: int  # offset where the block's text begins (comments right above included)
    line: int  # offset of the header line itself
    path: Path
    array: bool


# Line starts that matter (a header or a comment) and triple quotes anywhere; the rest of
# a quota-size file (tens of thousands of key = value lines) is skipped by the regex engine.
_TOKEN = re.compile(r"^[ \t]*([\[#])|'''|\"\"\"", re.M)
_SIMPLE_HEADER = re.compile(r"\[([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)\][ \t]*(?:#.*)?$")


def scan_headers(text: str) -> list[Header]:
    """Find every [table] header outside multi-line strings, with the comments above it."""
    return list(iter_headers(text, 0))


def iter_headers(text: str, pos: int) -> Iterator[Header]:
    """Headers from *pos* on (which must be at a line start outside any string)."""
    comment_start = comment_end = -1  # the run of comment lines seen last
    while True:
        m = _TOKEN.search(text, pos)
        if m is None:
            return
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.start())
        line_end = len(text) if line_end < 0 else line_end + 1
        kind = m.group(1)
        if kind == "[":
            path, array = parse_header(text[m.start(1) : line_end].rstrip("\r\n"))
            start = comment_start if comment_end == line_start else line_start
            yield Header(start, line_start, path, array)
            pos = line_end
        elif kind == "#":
            if comment_end != line_start:
                comment_start = line_start
            comment_end = pos = line_end
        else:
            state = _string_state_after(text[line_start:line_end], None)
            pos = line_end
            if state is not None:  # a multi-line string opens here: skip to its end
                pos = _after_string(text, line_end, state)


def _after_string(text: str, pos: int, delimiter: str) -> int:
    """The offset of the line after the one that closes the string opened before *pos*."""
    while True:
        end = text.find(delimiter, pos)
        if end < 0:
            return len(text)
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end + 1
        # What follows the closing quotes may open another string on the same line.
        state = _string_state_after(text[end:line_end], delimiter)
        if state is None:
            return line_end
        pos = line_end


def _string_state_after(line: str, state: str | None) -> str | None:
    """Which multi-line string (if any) is still open at the end of *line*."""
    i = 0
    n = len(line)
    while i < n:
        if state is not None:
            end = line.find(state, i)
            if end < 0:
                return state
            # A run of more than three quotes closes on its last three.
            while line.startswith(state[0], end + 3):
                end += 1
            i, state = end + 3, None
            continue
        ch = line[i]
        if ch == "#":
            return None
        if line.startswith("'''", i) or line.startswith('"""', i):
            state = line[i : i + 3]
            i += 3
        elif ch in "'\"":
            i = _skip_single_line_string(line, i)
        else:
            i += 1
    return state


def _skip_single_line_string(line: str, i: int) -> int:
    quote = line[i]
    i += 1
    while i < len(line) and line[i] != quote:
        i += 2 if quote == '"' and line[i] == "\\" else 1
    return i + 1


def _basic_string(quoted: str) -> str:
    """The text of a TOML basic string (its escapes are TOML's: \\U0001D49C, not JSON's)."""
    try:
        return tomllib.loads(f"k = {quoted}")["k"]
    except tomllib.TOMLDecodeError as exc:
        raise Unspliceable(f"cannot read the key {quoted}: {exc}") from None


def parse_header(stripped: str) -> tuple[Path, bool]:
    simple = _SIMPLE_HEADER.match(stripped)
    if simple:
        return tuple(simple.group(1).split(".")), False
    array = stripped.startswith("[[")
    i = 2 if array else 1
    keys: list[str] = []
    while True:
        while stripped[i] in " \t":
            i += 1
        if stripped[i] == '"':
            end = i + 1
            while stripped[end] != '"':
                end += 2 if stripped[end] == "\\" else 1
            keys.append(_basic_string(stripped[i : end + 1]))
            i = end + 1
        elif stripped[i] == "'":
            end = stripped.index("'", i + 1)
            keys.append(stripped[i + 1 : end])
            i = end + 1
        else:
            m = toml_text.BARE_KEY.match(stripped, i)
            if not m:
                raise Unspliceable(f"cannot read the header {stripped.strip()!r}")
            keys.append(m.group())
            i = m.end()
        while stripped[i] in " \t":
            i += 1
        if stripped[i] == ".":
            i += 1
            continue
        if stripped[i] == "]":
            return tuple(keys), array
        raise Unspliceable(f"cannot read the header {stripped.strip()!r}")


@dataclasses.dataclass
class Span:
    start: int
    end: int


def block_spans(text: str, patterns: tuple[Path, ...]) -> dict[Path, Span]:
    """Where each block's text is; Unspliceable if a block is not one contiguous run."""
    headers = scan_headers(text)
    spans: dict[Path, Span] = {}
    first = headers[0].start if headers else len(text)
    spans[()] = Span(0, first)
    current: Path | None = None
    for i, header in enumerate(headers):
        if header.array:
            raise Unspliceable("the store uses [[array tables]]")
        end = headers[i + 1].start if i + 1 < len(headers) else len(text)
        owner = block_of(header.path, patterns)
        if owner == current:
            spans[owner].end = end
            continue
        if owner in spans:
            raise Unspliceable(f"the tables of {'.'.join(owner)} are not together")
        spans[owner] = Span(header.start, end)
        current = owner
    return spans


# ---------------------------------------------------------------- writing


def _is_table(value: Any) -> bool:
    return isinstance(value, dict)


def render_block(bpath: Path, content: dict) -> str:
    """Fresh text for a block (used for new entities): scalars first, then sub-tables."""
    out: list[str] = []

    def emit(path: Path, table: dict, header: bool) -> None:
        scalars = {k: v for k, v in table.items() if not _is_table(v)}
        # A table holding only tables (a user's access_keys) needs no header of its own.
        if header and (scalars or not table or path == bpath):
            out.append(f"[{toml_text.dotted(path)}]\n")
        for key, value in scalars.items():
            out.append(f"{toml_text.key(key)} = {toml_text.value(value)}\n")
        for key, value in table.items():
            if _is_table(value):
                if out and out[-1] != "\n":
                    out.append("\n")
                emit((*path, key), value, header=True)

    emit(bpath, content, header=bool(bpath))
    return "".join(out)


def patch_block(old_text: str, bpath: Path, old_content: dict, new_content: dict) -> str:
    """New text for a changed block, keeping what a person wrote in it where possible.

    A block as iamctl wrote it (no comment, no layout of a person's) is simply rendered
    anew; only an edited one goes through tomlkit, which keeps the edits."""
    expected_old = nest(bpath, old_content) if old_content else {}
    if _loads(old_text) != expected_old:
        raise Unspliceable(f"the text of {'.'.join(bpath) or 'the top'} holds more than its block")
    if old_content and old_text.rstrip("\n") + "\n" == _render_or_none(bpath, old_content):
        return checked_block(bpath, new_content)
    from iamctl.core.store.tomlkit_edit import patch_text

    text = patch_text(old_text, bpath, new_content)
    if _loads(text) != nest(bpath, new_content):
        return checked_block(bpath, new_content)
    return text


def checked_block(bpath: Path, content: dict) -> str:
    """render_block's text, read back with tomllib to prove it holds *content*."""
    text = _render_or_none(bpath, content)
    if text is None or _loads(text) != nest(bpath, content):
        raise Unspliceable(f"could not render {'.'.join(bpath)}")
    return text


def _render_or_none(bpath: Path, content: dict) -> str | None:
    try:
        return render_block(bpath, content)
    except ValueError:  # a value toml_text cannot write
        return None


def _loads(text: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise Unspliceable(str(exc)) from None


def changed_blocks(
    old_raw: dict, new_raw: dict, patterns: tuple[Path, ...]
) -> tuple[dict[Path, dict], dict[Path, dict], list[Path], list[Path]]:
    """(old contents, new contents, changed-or-added paths, removed paths).

    Entities a command did not touch are the very same dict objects in both trees (the
    model converts entities lazily and hands untouched ones back as they were), so whole
    subtrees are skipped on identity without comparing their contents.
    """
    old_c: dict[Path, dict] = {}
    new_c: dict[Path, dict] = {}
    changed: list[Path] = []
    removed: list[Path] = []

    def own(node: dict, children: set[str]) -> dict:
        return {k: v for k, v in node.items() if k not in children}

    def walk(old: dict | None, new: dict | None, bpath: Path) -> None:
        if old is new:
            return
        children = _child_collections(bpath, patterns)
        if new is None:
            removed.append(bpath)
            old_c[bpath] = own(old or {}, children)
            for coll in children:
                for key, sub in ((old or {}).get(coll) or {}).items():
                    walk(sub, None, (*bpath, coll, key))
            return
        o = own(old, children) if old is not None else None
        n = own(new, children)
        if o != n:
            changed.append(bpath)
            new_c[bpath] = n
            if o is not None:
                old_c[bpath] = o
        for coll in children:
            old_coll = (old or {}).get(coll) or {}
            new_coll = new.get(coll) or {}
            if old_coll is new_coll:
                continue
            for key, sub in new_coll.items():
                before = old_coll.get(key)
                if before is not sub:  # thousands of untouched entities: skip them without a call
                    walk(before, sub, (*bpath, coll, key))
            if len(old_coll) > len(new_coll) or any(key not in new_coll for key in old_coll):
                for key, sub in old_coll.items():
                    if key not in new_coll:
                        walk(sub, None, (*bpath, coll, key))

    walk(old_raw, new_raw, ())
    return old_c, new_c, changed, removed


class SpanFinder:
    """Where blocks are in the text: found one at a time by their canonical header (fast on
    a large file), or, when a header is not where iamctl would have written it, by
    scanning every header once."""

    def __init__(self, text: str, patterns: tuple[Path, ...]) -> None:
        self.text = text
        self.patterns = patterns
        self._all: dict[Path, Span] | None = None

    def all(self) -> dict[Path, Span]:
        if self._all is None:
            self._all = block_spans(self.text, self.patterns)
        return self._all

    def span(self, bpath: Path) -> Span | None:
        if self._all is None and bpath:
            found = self._targeted(bpath)
            if found is not None:
                return found
        return self.all().get(bpath)

    def _targeted(self, bpath: Path) -> Span | None:
        text = self.text
        needle = f"\n[{toml_text.dotted(bpath)}]\n"
        at = text.find(needle)
        if at < 0 and text.startswith(needle[1:]):  # the text's first line (an account's region)
            at = -1
        elif at < 0 or text.find(needle, at + 1) >= 0:
            return None
        line = at + 1
        start = line
        # The run of comment lines right above the header belongs to the block.
        while start > 0:
            prev = text.rfind("\n", 0, start - 1) + 1
            if not text.startswith("#", prev):
                break
            start = prev
        end = len(text)
        for header in iter_headers(text, line):
            if header.line == line:
                continue
            if header.array or block_of(header.path, self.patterns) != bpath:
                end = header.start
                break
        return Span(start, end)


def splice(text: str, old_raw: dict, new_raw: dict, patterns: tuple[Path, ...]) -> str:
    """The new file text: *text* (which holds *old_raw*) changed to hold *new_raw*."""
    old_blocks, new_blocks, changed, removed = changed_blocks(old_raw, new_raw, patterns)
    if not changed and not removed:
        return text
    finder = SpanFinder(text, patterns)
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement)
    for path in removed:
        span = finder.span(path)
        if span is None:
            raise Unspliceable(f"cannot find {'.'.join(path)} in the text")
        edits.append((span.start, span.end, ""))
    inserts: dict[int, list[str]] = {}
    points = _InsertPoints(new_raw, finder, removed)
    for path in changed:
        span = finder.span(path) if path in old_blocks else None
        if path in old_blocks and span is None:
            raise Unspliceable(f"cannot find {'.'.join(path)} in the text")
        if span is not None:
            new_text = patch_block(text[span.start : span.end], path, old_blocks[path], new_blocks[path])
            edits.append((span.start, span.end, _with_gap(new_text, span.end == len(text))))
        else:
            at = points.at(path)
            inserts.setdefault(at, []).append(checked_block(path, new_blocks[path]))
    for at, texts in inserts.items():
        edits.append((at, at, _insertion(text, at, texts)))
    edits.sort(key=lambda e: (e[0], e[1]))
    out: list[str] = []
    pos = 0
    for start, end, replacement in edits:
        if start < pos:
            raise Unspliceable("overlapping edits")
        out.append(text[pos:start])
        out.append(replacement)
        pos = end
    out.append(text[pos:])
    # Blocks are patched with a blank line after them (_with_gap); at the end of the file
    # that leaves a stray blank line after a write of the last entity, so end on one newline.
    return "".join(out).rstrip("\n") + "\n"


def _insertion(text: str, at: int, blocks: list[str]) -> str:
    """New blocks at *at*, each separated from its neighbours by one blank line."""
    before = text[:at]
    lead = "" if not before or before.endswith("\n\n") else ("\n" if before.endswith("\n") else "\n\n")
    trail = "\n" if at < len(text) else ""
    return lead + "\n".join(b.rstrip("\n") + "\n" for b in blocks) + trail


def _with_gap(block_text: str, at_eof: bool) -> str:
    # tomlkit keeps the old span's trailing blank lines; make sure one separates blocks.
    block_text = block_text.rstrip("\n") + "\n"
    return block_text if at_eof else block_text + "\n"


class _InsertPoints:
    """Where new blocks go: after the entity that precedes each in its collection, else
    after its owner's last block, else at the end of the file.

    A write may add thousands of entities to one collection (billing usage import): each
    collection's order is looked up once, and a new entity whose predecessor is new too
    goes where that one went, so adding n entities costs O(n), not O(n^2)."""

    def __init__(self, new_raw: dict, finder: SpanFinder, removed: list[Path]) -> None:
        self.new_raw = new_raw
        self.finder = finder
        self.removed = set(removed)
        self._orders: dict[Path, tuple[list[str], dict[str, int]]] = {}  # collection → keys, positions
        self._placed: dict[Path, int] = {}  # new block → where it went

    def at(self, path: Path) -> int:
        keys, index = self._position(path)
        point = self._after_sibling(path, keys, index)
        if point is None:
            point = self._after_owner(path)
        self._placed[path] = point
        return point

    def _position(self, path: Path) -> tuple[list[str], int]:
        """The keys of *path*'s collection in order, and *path*'s index among them (-1)."""
        if len(path) < 2:
            return [], -1
        collection = path[:-1]
        if collection not in self._orders:
            parent = self.new_raw
            for key in collection[:-1]:
                parent = parent[key]
            keys = list(parent.get(collection[-1], {}))
            self._orders[collection] = keys, {key: i for i, key in enumerate(keys)}
        keys, positions = self._orders[collection]
        return keys, positions.get(path[-1], -1)

    def _after_sibling(self, path: Path, keys: list[str], index: int) -> int | None:
        nested = bool(_child_collections(path, self.finder.patterns))
        for i in range(index - 1, -1, -1):
            sibling = (*path[:-1], keys[i])
            if sibling in self._placed:  # new as well: the same place, after it
                return self._placed[sibling]
            if nested:  # after all of the sibling's tables (an account's users ...), not just its own
                ends = [s.end for p, s in self.finder.all().items()
                        if p[: len(sibling)] == sibling and p not in self.removed]
                if ends:
                    return max(ends)
                continue
            span = self.finder.span(sibling)
            if span is not None and sibling not in self.removed:
                return span.end
        return None

    def _after_owner(self, path: Path) -> int:
        spans = self.finder.all()
        for depth in (len(path) - 2, len(path) - 3):
            if depth < 0:
                break
            prefix = path[:depth]
            ends = [s.end for p, s in spans.items() if p and p[:depth] == prefix and p not in self.removed]
            if ends:
                return max(ends)
        return len(self.finder.text)
