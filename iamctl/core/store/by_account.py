"""A store read, checked, cached and written account by account.

A command pays for the accounts it uses, not for the whole file: the file is cut into
account regions and the rest (split.py); an *index* of the file (cached, keyed by the
file's stat) holds where each region is with its CRC, and the rest parsed and checked.
An account is parsed (with tomllib) and checked only when a command first uses it, and
its tables are cached on their own, keyed by the CRC of its region's bytes: a write to
one account leaves every other account's cache valid.

What spans accounts is checked with the rest, against the list of accounts, which the
index has without reading them: the default account, organizations and their members,
handshakes, usage and billing settings. Inside an account, every check runs when it is
parsed (a person may have edited it) and when a command changes it. The checks between
accounts' contents (access key IDs and aliases unique in the store) run when a write has
every account at hand — as do the commands that create keys and find a key's owner,
which look through every account.

A write that changes only accounts' own tables splices each changed region on its own
(blocks.py), copies the rest of the file as it is, and moves the index's offsets; one
that changes the rest, adds or removes an account splices the whole text and cuts it
again.
"""

from __future__ import annotations

import os
import re
import zlib
from typing import TYPE_CHECKING, Any

from iamctl.core.errors import StoreError
from iamctl.core.model import Account, StoreData
from iamctl.core.model.base import build_trusted, check_raw, from_raw, to_raw
from iamctl.core.model.lazy import EntityMap
from iamctl.core.store import cache, files
from iamctl.core.store.checks import (
    _check_credentials,
    check_account_references,
    check_documents,
    check_store_references,
)

if TYPE_CHECKING:
    from iamctl.core.store import Store
    from iamctl.core.store.split import Split

# tomllib and split.py are imported where a file is parsed or cut: a warm read does neither.


class Unloaded:
    """Stands for an account not read, in the raw data a transaction compares: untouched,
    it is the very same object before and after, so the write skips it."""

    __slots__ = ("id",)

    def __init__(self, account_id: str) -> None:
        self.id = account_id

    def __repr__(self) -> str:
        return f"<account {self.id}, not read>"


class WholeFile(Exception):
    """This file is read as one document (its layout is not one region per account)."""


def build_index(store: Store, data: bytes) -> dict:
    """The index of *data*: its account regions and its rest, parsed and checked.
    {"whole": True} when the file is to be read as one document."""
    import tomllib

    from iamctl.core.store import toml_read
    from iamctl.core.store.split import split

    pieces = split(data)
    if pieces is None:
        return {"whole": True}
    try:
        rest_text = b"".join(data[s:e] for s, e in pieces.rest).decode("utf-8")
        rest = toml_read.loads(rest_text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return {"whole": True}  # the whole-file reader says where, in the file's own lines
    if "accounts" in rest:  # dotted keys or an inline table reach into the accounts
        return {"whole": True}
    check_rest(store, rest, pieces.accounts)
    return index_of(data, pieces, rest)


def index_of(data: bytes, pieces: Split, rest: dict) -> dict:
    regions = [[a, s, e, zlib.crc32(memoryview(data)[s:e])] for a, (s, e) in pieces.accounts.items()]
    return {"regions": regions, "rest": [list(r) for r in pieces.rest], "raw": rest}


def check_rest(store: Store, rest: dict, accounts: Any) -> None:
    where = str(store.path)
    store.check_schema(rest)
    check_raw(StoreData, rest, f"{where}: store")
    check_store_references(rest, accounts, where)
    check_documents(rest, where)


# In a multi-line basic string, a backslash ending a line joins it to the next one.
_LINE_ENDING_BACKSLASH = re.compile(rb"\\[ \t]*\r?\n")


class AccountMap(EntityMap[Account]):
    """``data.accounts`` of a store read by account: also the facts of an account not
    read yet (model/directory.py), so that a lookup across accounts reads only those that
    may hold what it looks for. An account already read answers for itself (None here)."""

    def __init__(self, file: AccountFile) -> None:
        super().__init__(dict(file.old_raw.get("accounts", {})), file.build_account)
        self._file = file

    def facts(self, account_id: str) -> dict | None:
        return None if self.is_built(account_id) else self._file.facts(account_id)

    def holds_text(self, account_id: str, text: str) -> bool | None:
        return None if self.is_built(account_id) else self._file.holds_text(account_id, text)


class AccountFile:
    """One open store file read account by account."""

    def __init__(self, store: Store, fd: int, st: os.stat_result, index: dict) -> None:
        self.store = store
        self.fd = fd  # kept open: the accounts are read from this version of the file
        self.st = st
        self.regions: dict[str, tuple[int, int, int]] = {a: (s, e, c) for a, s, e, c in index["regions"]}
        self.rest_spans: list[tuple[int, int]] = [(s, e) for s, e in index["rest"]]
        self.rest: dict = index["raw"]
        accounts: dict[str, Any] = {a: Unloaded(a) for a in self.regions}
        self.old_raw: dict = {**self.rest, **({"accounts": accounts} if accounts else {})}
        self._fresh: dict[str, dict] = {}
        self._facts: dict[str, dict | None] = {}  # facts read (None: not cached; cached once the account is read)

    def __del__(self) -> None:
        try:  # noqa: SIM105 (at exit, contextlib may be gone before this runs)
            os.close(self.fd)
        except (OSError, TypeError):
            pass

    @classmethod
    def open(cls, store: Store, fd: int) -> AccountFile | None:
        """The file at *fd* (which this takes over) read by account, or None (and *fd*
        left open) when it is to be read as one document."""
        st = os.fstat(fd)
        key = ["index", *store.stat_key(st)]
        index = cache.read(store.index_path, key)
        if not isinstance(index, dict):
            data = _read_all(fd)
            index = build_index(store, data)
            del data
            cache.write(store.index_path, key, index)
        if index.get("whole"):
            return None
        return cls(store, fd, st, index)

    # ---------------------------------------------------------------- reading

    def model(self) -> StoreData:
        where = f"{self.store.path}: store"
        try:
            data = from_raw(StoreData, self.rest, where, lazy=True, recover=self._recover)
        except Exception:  # the cached index failed to build: read the rest afresh
            data = from_raw(StoreData, self._fresh_rest(), where, lazy=True)
        data.accounts = AccountMap(self)
        return data

    def facts(self, account_id: str) -> dict | None:
        """The facts (model/directory.py) of an account as this file holds it, from their
        cache; None when they are not at hand (then they are cached once the account is read)."""
        if account_id in self._facts:
            return self._facts[account_id]
        region = self.regions.get(account_id)
        if region is None:
            return None
        start, end, crc = region
        found = cache.read(self.store.account_cache_path(account_id, "f"), ["facts", account_id, crc, end - start])
        self._facts[account_id] = found if isinstance(found, dict) else None  # this version of the file's
        return self._facts[account_id]

    def holds_text(self, account_id: str, text: str) -> bool | None:
        """Does the account's text hold *text* as it is? An account whose facts are not at
        hand (all caches gone) cannot hold a key ID or an alias its text does not spell out,
        and finding that out costs a read of its region, not a parse. None when the text
        cannot say: an escape (``\\u``) could spell anything, a line-ending backslash in a
        multi-line string could split it, or the region changed."""
        region = self.regions.get(account_id)
        if region is None:
            return None
        start, end, crc = region
        data = os.pread(self.fd, end - start, start)
        if len(data) != end - start or zlib.crc32(data) != crc or b"\\u" in data or b"\\U" in data:
            return None
        if _LINE_ENDING_BACKSLASH.search(data):
            return None
        return text.encode() in data

    def _write_facts(self, account_id: str, raw: dict) -> None:
        from iamctl.core.model.directory import facts_of

        start, end, crc = self.regions[account_id]
        self._facts[account_id] = facts_of(raw)
        cache.write(self.store.account_cache_path(account_id, "f"), ["facts", account_id, crc, end - start],
                    self._facts[account_id])

    def account_raw(self, account_id: str) -> dict:
        """The account's tables, from its cache or parsed and checked from its region."""
        old = self.old_raw["accounts"][account_id]
        if not isinstance(old, Unloaded):
            return old
        start, end, crc = self.regions[account_id]
        path = self.store.account_cache_path(account_id)
        key = ["account", account_id, crc, end - start]
        raw = cache.read(path, key)
        if not isinstance(raw, dict):
            raw = self._parse_account(account_id)
            cache.write(path, key, raw)
            self._write_facts(account_id, raw)
        elif account_id in self._facts and self._facts[account_id] is None:  # asked for, not cached
            self._write_facts(account_id, raw)
        accounts = self.old_raw["accounts"]
        accounts[account_id] = raw
        if self.st.st_mode & 0o044:
            self.store.warn_if_exposed(self.st, {"accounts": {account_id: raw}})
        if len(accounts) > 1 and not any(isinstance(v, Unloaded) for v in accounts.values()):
            _check_credentials(accounts, str(self.store.path))  # every account at hand: the checks across them
        return raw

    def build_account(self, account_id: str, placeholder: Any) -> Account:
        raw = self.account_raw(account_id)
        if account_id in self._fresh:
            return from_raw(Account, raw, "", key=account_id, lazy=True)
        try:
            return build_trusted(Account, raw, account_id, path=("accounts", account_id), recover=self._recover)
        except Exception:  # the cache was damaged in a way its checksum did not show
            self.store.recovered = True
            return from_raw(Account, self._reparse(account_id), "", key=account_id, lazy=True)

    def _reparse(self, account_id: str) -> dict:
        """The account parsed from the file, its damaged cache replaced."""
        fresh = self._parse_account(account_id)
        start, end, crc = self.regions[account_id]
        cache.write(self.store.account_cache_path(account_id), ["account", account_id, crc, end - start], fresh)
        return fresh

    def _parse_account(self, account_id: str) -> dict:
        if account_id in self._fresh:
            return self._fresh[account_id]
        start, end, crc = self.regions[account_id]
        import tomllib

        from iamctl.core.store import toml_read

        data = os.pread(self.fd, end - start, start)
        if len(data) != end - start or zlib.crc32(data) != crc:
            raise StoreError(f"{self.store.path} changed while it was read; run the command again.", "StoreChanged")
        try:
            parsed = toml_read.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
            self.store.parse_whole(_read_all(self.fd))  # names the line in the file (and raises)
            parsed = {}
        accounts = parsed.get("accounts")
        if parsed.keys() != {"accounts"} or not isinstance(accounts, dict) or list(accounts) != [account_id]:
            raise StoreError(f"{self.store.path}: the tables of account {account_id} are not where they seemed "
                             "(a table header inside a string?).", "CorruptStore")
        raw = accounts[account_id]
        where = str(self.store.path)
        check_raw(Account, raw, f"{where}: store.accounts.{account_id}", key=account_id)
        check_account_references(account_id, raw, where)
        check_documents({"accounts": {account_id: raw}}, where)
        self._fresh[account_id] = raw
        return raw

    def _fresh_rest(self) -> dict:
        self.store.recovered = True
        index = build_index(self.store, _read_all(self.fd))
        if index.get("whole"):
            raise StoreError(f"The cache of {self.store.path} did not match the store and was removed; "
                             "run the command again.", "CorruptCache")
        cache.remove(self.store.index_path)
        self.rest = index["raw"]
        return self.rest

    def _recover(self, cls: type, path: tuple[str, ...]) -> Any:
        """An entity the cache could not build, built from the store file instead."""
        self.store.recovered = True
        value: Any = self._reparse(path[1]) if path[0] == "accounts" else self._fresh_rest()
        for key in path[2:] if path[0] == "accounts" else path:
            if not isinstance(value, dict) or key not in value:
                raise StoreError(f"The cache of {self.store.path} did not match the store and was removed; "
                                 "run the command again.", "CorruptCache")
            value = value[key]
        return from_raw(cls, value, f"{self.store.path}: store.{'.'.join(path)}", key=path[-1], lazy=True)

    # ---------------------------------------------------------------- writing

    def commit(self, data: StoreData) -> tuple[list[bytes | files.Copy], dict, dict[str, dict]] | None:
        """What to write for *data*: (the new file as bytes and ranges of the old one, the
        new index, {account: its tables} to cache), or None when nothing changed."""
        new_raw = to_raw(data)
        old_raw = self.old_raw
        if new_raw == old_raw:
            return None
        old_accounts: dict = old_raw.get("accounts", {})
        new_accounts: dict = new_raw.get("accounts", {})
        touched = [a for a, v in new_accounts.items() if old_accounts.get(a) is not v and old_accounts.get(a) != v]
        where = str(self.store.path)
        for account_id in touched:
            check_account_references(account_id, new_accounts[account_id], where)
        new_rest = {k: v for k, v in new_raw.items() if k != "accounts"}
        check_store_references(new_rest, new_accounts, where)
        if not any(isinstance(v, Unloaded) for v in new_accounts.values()):
            _check_credentials(new_accounts, where)  # every account is at hand: the checks across them
        rest_same = new_rest == {k: v for k, v in old_raw.items() if k != "accounts"}
        if rest_same and list(new_accounts) == list(old_accounts):
            return self._commit_regions(touched, new_raw)
        return self._commit_whole(old_raw, new_raw, touched)

    def _commit_regions(self, touched: list[str], new_raw: dict) -> tuple[list, dict, dict]:
        """Only accounts' own tables changed: splice each changed region on its own."""
        from iamctl.core.store.blocks import Unspliceable
        from iamctl.core.store.split import Split, shifted

        old, new = self.old_raw["accounts"], new_raw["accounts"]
        pieces: list[bytes | files.Copy] = []
        pos = 0
        offsets = Split({a: (s, e) for a, (s, e, _) in self.regions.items()}, list(self.rest_spans))
        crcs = {a: c for a, (_, _, c) in self.regions.items()}
        # changes land in file order so that each copy starts where the last one ended
        for account_id in sorted(touched, key=lambda a: self.regions[a][0]):
            start, end, _ = self.regions[account_id]
            region = os.pread(self.fd, end - start, start).decode("utf-8")
            try:
                text = _splice_region(region, account_id, old[account_id], new[account_id])
            except Unspliceable:
                return self._commit_whole(self.old_raw, new_raw, touched)
            encoded = self.store.encode(text)
            pieces += [(self.fd, pos, start - pos), encoded]
            pos = end
            new_start = offsets.accounts[account_id][0]
            offsets = shifted(offsets, account_id, new_start + len(encoded))
            crcs[account_id] = zlib.crc32(encoded)
        pieces.append((self.fd, pos, self.st.st_size - pos))
        regions = [[a, s, e, crcs[a]] for a, (s, e) in offsets.accounts.items()]
        index = {"regions": regions, "rest": [list(r) for r in offsets.rest], "raw": self.rest}
        return pieces, index, {a: new[a] for a in touched}

    def _commit_whole(self, old_raw: dict, new_raw: dict, touched: list[str]) -> tuple[list, dict, dict]:
        """The rest changed, or accounts came or went: splice the whole text, cut it again."""
        old_accounts = old_raw.get("accounts", {})
        new_accounts = new_raw.get("accounts", {})
        for account_id, value in old_accounts.items():  # what goes must be read to be cut out
            if isinstance(value, Unloaded) and new_accounts.get(account_id) is not value:
                self.account_raw(account_id)
        text = _read_all(self.fd).decode("utf-8")
        from iamctl.core.store.split import split

        encoded = self.store.encode(self.store.render(text, old_raw, new_raw, self._materialize))
        pieces = split(encoded)
        if pieces is None:
            return [encoded], {"whole": True}, {}
        rest = {k: v for k, v in new_raw.items() if k != "accounts"}
        fresh = [a for a in new_accounts if a in touched or a not in old_accounts]
        return [encoded], index_of(encoded, pieces, rest), {a: new_accounts[a] for a in fresh}

    def _materialize(self, raw: dict) -> dict:
        """*raw* with every account read (for a rewrite of the whole document)."""
        accounts = {a: (self.account_raw(a) if isinstance(v, Unloaded) else v)
                    for a, v in raw.get("accounts", {}).items()}
        return {**raw, **({"accounts": accounts} if accounts else {})}


def _splice_region(region: str, account_id: str, old: dict, new: dict) -> str:
    from iamctl.core.store.blocks import block_patterns, splice

    text = splice(region, {"accounts": {account_id: old}}, {"accounts": {account_id: new}}, block_patterns(StoreData))
    # splice ends the text on one newline; the blank line before the next region stays
    body_end = len(region)
    while body_end and region[body_end - 1] == "\n":
        body_end -= 1
    extra = len(region) - body_end - 1
    return text + "\n" * extra if extra > 0 else text


def _read_all(fd: int) -> bytes:
    size = os.fstat(fd).st_size
    chunks = []
    offset = 0
    while True:
        chunk = os.pread(fd, max(size - offset, 1 << 16), offset)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        offset += len(chunk)
