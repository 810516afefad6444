"""Cutting the store's text into accounts, so that a command parses only the account it uses.

iamctl writes a store as: the top (``schema``, ``default_account``), then each account's
tables together (``[accounts.ID]``, ``[accounts.ID.users.NAME]`` ...), then the tables
that span accounts (``[organizations.ID]``, ``[handshakes.ID]`` ...). ``split`` finds each
account's *region* (the byte range of its tables, with the comments right above its first
header) and the *rest* (every range outside the accounts), without parsing any TOML: it
looks only at lines that start with ``[``, and at most of those only at their first bytes.

A header-looking line inside a multi-line string would fool that, so every piece must
hold an even number of ``'''`` and of ``\"\"\"``: a piece cut inside such a string holds
an odd number. Whenever the layout is one this does not follow (an account's tables
apart, array tables, a bare ``[accounts]`` table, a stray triple quote), ``split``
answers None and the store is read as one document, as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from iamctl.core.store.blocks import Unspliceable, parse_header

_HEADER_LINE = re.compile(rb"^[ \t]*\[[^\n]*", re.M)
# The fast path's patterns each start with a literal, which the regex engine finds at C
# speed: an account's own header as iamctl writes it, and any header outside the accounts.
_OWN_HEADER = re.compile(rb"\n\[accounts\.([A-Za-z0-9_-]+)\][ \t]*(?:#[^\n]*)?(?=\n|$)")
_OTHER_HEADER = re.compile(rb"\n\[(?!accounts[.\]])")
_INDENTED_HEADER = re.compile(rb"\n[ \t]+\[")


@dataclass
class Split:
    accounts: dict[str, tuple[int, int]]  # account ID → (start, end) byte offsets, in file order
    rest: list[tuple[int, int]]  # the byte ranges outside every account, in file order


def split(data: bytes) -> Split | None:
    """Where each account's tables are in *data*; None when the layout is not one piece
    per account (then the caller parses the whole file)."""
    return _fast_split(data) or _line_split(data)


def _fast_split(data: bytes) -> Split | None:
    """The split of a file laid out as iamctl writes it, from the accounts' own headers
    and the few headers outside accounts; the bytes between them are only counted (every
    header in an account's region must be one of that account's), never walked line by
    line. None when the file is laid out otherwise (then the line by line split)."""
    # An array table ("\n[[") needs no pass of its own: in an account's region it is a
    # header not of that account (the count below), in the rest it is looked for there.
    if data.startswith(b"[") or _INDENTED_HEADER.search(data):
        return None
    found = [(m.start() + 1, m.group(1).decode()) for m in _OWN_HEADER.finditer(data)]
    found += [(m.start() + 1, None) for m in _OTHER_HEADER.finditer(data)]
    owners: list[tuple[int, str | None]] = []
    for at, owner in sorted(found):
        if owners and owner is None and owners[-1][1] is None:
            continue
        owners.append((_with_comments_above(data, at), owner))
    pieces = _pieces(data, owners)
    if pieces is None:
        return None
    for account, (start, end) in pieces.accounts.items():
        key = account.encode()
        lo = max(start - 1, 0)
        mine = data.count(b"\n[accounts." + key + b".", lo, end) + data.count(b"\n[accounts." + key + b"]", lo, end)
        if data.count(b"\n[", lo, end) != mine:
            return None  # a header of another account, or of this one written otherwise
    if any(data.count(b"\n[accounts", max(s - 1, 0), e) or data.count(b"\n[[", max(s - 1, 0), e)
           for s, e in pieces.rest):
        return None
    return pieces


def _line_split(data: bytes) -> Split | None:
    """The split found by reading every header line (any layout of headers)."""
    owners: list[tuple[int, str | None]] = []  # (offset, account ID or None for the rest)
    current: str | None = None
    same: tuple[bytes, bytes] | None = None  # header starts that stay in the current account
    for match in _HEADER_LINE.finditer(data):
        line = match.group()
        if same is not None and line.startswith(same):
            continue
        try:
            path, array = parse_header(line.decode("utf-8").strip())
        except (Unspliceable, IndexError, ValueError):  # ValueError: not UTF-8
            return None
        if array or path == ("accounts",):
            return None
        owner = path[1] if path[0] == "accounts" else None
        if owner is None:
            same = None
        elif owner != current or same is None:
            plain = re.fullmatch(r"[A-Za-z0-9_-]+", owner) is not None
            same = (f"[accounts.{owner}.".encode(), f"[accounts.{owner}]".encode()) if plain else None
        if owner == current and owners:
            continue
        owners.append((_with_comments_above(data, match.start()), owner))
        current = owner
    return _pieces(data, owners)


def _pieces(data: bytes, owners: list[tuple[int, str | None]]) -> Split | None:
    accounts: dict[str, tuple[int, int]] = {}
    rest: list[tuple[int, int]] = []
    starts = [(0, None), *owners] if not owners or owners[0][0] > 0 else owners
    for i, (start, owner) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(data)
        if end <= start and owner is None:
            continue
        if data.count(b"'''", start, end) % 2 or data.count(b'"""', start, end) % 2:
            return None  # a piece cut inside a multi-line string, or a stray triple quote
        if owner is None:
            rest.append((start, end))
        elif owner in accounts:
            return None  # an account's tables are not together
        else:
            accounts[owner] = (start, end)
    return Split(accounts, rest)


def _with_comments_above(data: bytes, line_start: int) -> int:
    """The start of the run of comment lines right above the line at *line_start*."""
    start = line_start
    while start > 0:
        prev = data.rfind(b"\n", 0, start - 1) + 1
        if not data.startswith(b"#", prev):
            break
        start = prev
    return start


def shifted(pieces: Split, account: str, new_end: int) -> Split:
    """The split after *account*'s region was replaced by one ending at *new_end*."""
    end = pieces.accounts[account][1]
    delta = new_end - end

    def move(at: int) -> int:
        return at + delta if at >= end else at

    accounts = {a: (move(s), move(e)) if a != account else (s, new_end) for a, (s, e) in pieces.accounts.items()}
    return Split(accounts, [(move(s), move(e)) for s, e in pieces.rest])
