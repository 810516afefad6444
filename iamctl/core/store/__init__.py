"""The store: one TOML file holding every account, read through a cache, written atomically.

Reads never take the lock: a write replaces the file with ``os.replace``, so a reader sees
the old file or the new one, never half of one. A store is read account by account
(by_account.py): an index of the file (cached, keyed by its size, mtime and inode) says
where each account's tables are, and each account is parsed, checked and cached (cache.py,
checked by a CRC) only when a command first uses it. A file whose layout is not one region
per account (split.py) is read as one document, through one cache, as before.

A write holds an exclusive ``flock`` on the store's directory (files.py) for the whole
read-modify-write, splices only the changed blocks into the text (see blocks.py), writes a
temporary file in the same directory, fsyncs it, renames it into place keeping the old
file's mode and owner, fsyncs the directory, and refreshes the cache. A store that fails
its checks is reported and never written. A store reached through a symbolic link is read,
locked and written at its target.
"""

from __future__ import annotations

import contextlib
import os
import sys
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from iamctl.core.errors import StoreError, validation_error
from iamctl.core.model import SCHEMA_VERSION, StoreData
from iamctl.core.model.base import check_raw, from_raw, to_raw
from iamctl.core.store import cache, files
from iamctl.core.store.checks import check_documents, check_references, too_deeply_nested

LOCK_TIMEOUT_ENV = "IAMCTL_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10.0


def _utf8(text: str) -> bytes:
    """The file's bytes. Text that is not UTF-8 reaches here only from an argument or a
    document holding bytes that are not UTF-8 (Python keeps them as lone surrogates):
    refuse it, naming the line, before anything is written."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        start = text.rfind("\n", 0, exc.start) + 1
        end = text.find("\n", exc.end)
        line = text[start : end if end >= 0 else len(text)].strip()
        raise validation_error(f"Not UTF-8 text (from an argument or a file?): {line}") from None


def default_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "iamctl" / "store.toml"


# From this size on, a write imports tomlkit before it takes the lock (see below).
TOMLKIT_AHEAD_FROM = 1024 * 1024


def _import_what_a_write_needs(file: Path) -> None:
    """Import, before the lock is taken, the modules every write uses under it (~8 ms):
    every other writer waits while the lock is held, so the work done holding it is kept
    to the write itself (issue 11 §6). tomlkit (~8 ms) is needed only for a block a person
    edited: a write to a small store imports it when it must, so that most writes never
    pay for it; a write to a big one (where contention costs most, and 8 ms is little of
    the write) imports it before the lock, in case."""
    import tomllib  # noqa: F401

    from iamctl.core.model import directory  # noqa: F401  (the changed accounts' facts are cached)
    from iamctl.core.store import blocks, split, toml_text  # noqa: F401

    try:
        big = os.stat(file).st_size >= TOMLKIT_AHEAD_FROM
    except OSError:  # the write says what is wrong with the file
        return
    if big:
        from iamctl.core.store import tomlkit_edit  # noqa: F401


class Store:
    """One store file. ``read()`` for queries, ``transaction()`` for changes."""

    def __init__(self, path: Path, warn: Callable[[str], None] | None = None) -> None:
        self.path = Path(path)  # as the user named it: what messages say
        self.file = files.resolve(self.path)  # where it is: what is read, locked and written
        self._warn = warn or _to_stderr
        # Only names the cache file; a cache is used only when it matches the store's
        # size, mtime, inode and device, so a name shared by two stores costs a rebuild,
        # never wrong data. (crc32, not hashlib: importing hashlib costs every command.)
        resolved = str(self.file).encode()
        digest = f"{zlib.crc32(resolved):08x}{len(resolved):04x}"
        self.cache_path = cache.cache_dir() / f"{digest}.marshal"  # a store read as one document
        self.index_path = cache.cache_dir() / f"{digest}.index.marshal"  # a store read by account
        self._digest = digest
        self._fresh: dict | None = None
        self.recovered = False  # set when data from the cache failed and the file was parsed afresh

    # ------------------------------------------------------------------ reading

    def exists(self) -> bool:
        return self.file.exists()

    def read(self) -> StoreData:
        from iamctl.core.store.by_account import AccountFile

        fd = files._open(self.file, self.path)
        try:
            files.check_links(os.fstat(fd), self.path)
            by_account = AccountFile.open(self, fd)
        except BaseException:
            os.close(fd)
            raise
        if by_account is not None:
            return by_account.model()
        with os.fdopen(fd, "rb") as fh:
            text, raw = self._load(fh)
        return self._to_model(raw, cached=text is None)

    def account_cache_path(self, account_id: str, kind: str = "a") -> Path:
        """The cache of an account's tables (kind "a") or of its facts ("f", model/directory.py)."""
        name = account_id.encode()
        return self.cache_path.with_name(f"{self._digest}.{kind}{zlib.crc32(name):08x}{len(name):02x}.marshal")

    @staticmethod
    def stat_key(st: os.stat_result) -> list:
        return _stat_key(st)

    def _load(self, fh) -> tuple[str | None, dict]:
        """(text or None when the cache answered, raw data) of the open store file."""
        st = os.fstat(fh.fileno())
        files.check_links(st, self.path)
        key = _stat_key(st)
        raw = self._read_cache(key)
        text = None
        if raw is None:
            data = fh.read()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise StoreError(f"{self.path}: not UTF-8 text (byte {exc.start}).", "CorruptStore") from None
            raw = self._parse(text)
            self._write_cache(key, raw)
        if st.st_mode & 0o044:
            self.warn_if_exposed(st, raw)
        return text, raw

    def _parse(self, text: str) -> dict:
        import tomllib  # only when the cache is stale: most commands never parse TOML

        from iamctl.core.store import toml_read

        try:
            raw = toml_read.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise StoreError(f"{self.path}: invalid TOML: {exc}.", "CorruptStore") from None
        except RecursionError:  # arrays or inline tables nested hundreds deep
            raise too_deeply_nested(text, str(self.path)) from None
        self._check(raw)
        return raw

    def parse_whole(self, data: bytes) -> dict:
        """The whole file parsed and checked: the reader of a store not cut by account, and
        where an account that fails to parse gets its error named in the file's lines."""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise StoreError(f"{self.path}: not UTF-8 text (byte {exc.start}).", "CorruptStore") from None
        return self._parse(text)

    def check_schema(self, raw: dict) -> None:
        schema = raw.get("schema")
        if schema != SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema {schema!r} is not one this iamctl reads (it reads {SCHEMA_VERSION}).",
                "CorruptStore",
            )

    def _check(self, raw: dict) -> None:
        self.check_schema(raw)
        check_raw(StoreData, raw, f"{self.path}: store")  # every type, every field
        check_references(raw, str(self.path))
        check_documents(raw, str(self.path))

    def _to_model(self, raw: dict, cached: bool = False) -> StoreData:
        # raw has passed _check (now or when the cache was made), so entities can be
        # built lazily, as commands use them. Data from the cache passed its checksum;
        # should it still fail to build, the store file is parsed afresh (_recover).
        where = f"{self.path}: store"
        if not cached:
            return from_raw(StoreData, raw, where, lazy=True)
        try:
            return from_raw(StoreData, raw, where, lazy=True, recover=self._recover)
        except Exception:
            return from_raw(StoreData, self._fresh_raw(), where, lazy=True)

    def _fresh_raw(self) -> dict:
        """The store parsed and checked from its file, replacing a cache that failed."""
        self.recovered = True
        if self._fresh is not None:
            return self._fresh
        cache.remove(self.cache_path)
        fd = files._open(self.file, self.path)
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            data = fh.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise StoreError(f"{self.path}: not UTF-8 text (byte {exc.start}).", "CorruptStore") from None
        self._fresh = raw = self._parse(text)
        self._write_cache(_stat_key(st), raw)
        return raw

    def _recover(self, cls: type, path: tuple[str, ...]) -> object:
        """An entity the cache could not build, built from the store file instead."""
        value: object = self._fresh_raw()
        for key in path:
            if not isinstance(value, dict) or key not in value:
                raise StoreError(
                    f"The cache of {self.path} did not match the store and was removed; run the command again.",
                    "CorruptCache",
                )
            value = value[key]
        return from_raw(cls, value, f"{self.path}: store.{'.'.join(path)}", key=path[-1], lazy=True)

    # ------------------------------------------------------------------ cache

    def _read_cache(self, key: list) -> dict | None:
        raw = cache.read(self.cache_path, key)
        return raw if isinstance(raw, dict) else None

    def _write_cache(self, key: list, raw: dict) -> None:
        cache.write(self.cache_path, key, raw)

    def warn_if_exposed(self, st: os.stat_result, raw: dict) -> None:
        """Once per store and mode: a store holding secrets' hashes or MFA seeds that
        others can read."""
        if not _holds_secrets(raw):
            return
        marker = self.cache_path.with_name(f"{self.cache_path.stem}.exposed-{st.st_mode & 0o777:o}")
        if marker.exists():
            return
        who = {0o040: "its group", 0o004: "others", 0o044: "its group and others"}[st.st_mode & 0o044]
        self._warn(
            f"iamctl: warning: {self.path} holds secret hashes or MFA seeds and is readable by {who} "
            f"(mode {st.st_mode & 0o777:04o}); 'chmod 600' it unless that is meant."
        )
        with contextlib.suppress(OSError):
            marker.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            marker.touch()

    # ------------------------------------------------------------------ writing

    def create(self, data: StoreData) -> None:
        """Write a new store; refuse if one exists."""
        from iamctl.core.store.blocks import Unspliceable, block_patterns, checked_block, iter_blocks

        raw = to_raw(data)
        patterns = block_patterns(StoreData)
        try:
            parts = [checked_block(path, content) for path, content in iter_blocks(raw, patterns)]
        except Unspliceable as exc:
            raise StoreError(f"Cannot write a store holding this data ({exc}).", "StoreWriteFailed") from None
        text = "\n".join(parts).rstrip("\n") + "\n"
        files.ensure_directory(self.file, self.path)
        exists = StoreError(f"A store already exists at {self.path}; not overwriting it.", "StoreExists")
        if self.file.exists():
            raise exists
        try:
            self._write_pieces(_utf8(text), keep=None)  # the first read makes the caches
        except FileExistsError:
            raise exists from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[StoreData]:
        """Yield the data to change; on a clean exit, write what changed."""
        from iamctl.core.store.by_account import AccountFile

        _import_what_a_write_needs(self.file)
        with self._locked() as fd:
            held = os.fstat(fd)
            files.check_links(held, self.path)
            # A description of the file of its own: the data may read accounts after the
            # transaction, and a copy of the locked descriptor would keep the lock.
            own = files._open(self.file, self.path)
            if (os.fstat(own).st_ino, os.fstat(own).st_dev) != (held.st_ino, held.st_dev):
                os.close(own)
                raise StoreError(f"{self.path} was replaced by something that does not take the lock; "
                                 "run the command again.", "StoreChanged")
            try:
                by_account = AccountFile.open(self, own)
            except BaseException:
                os.close(own)
                raise
            if by_account is None:
                with os.fdopen(own, "rb") as fh:
                    yield from self._whole_transaction(fh, held)
                return
            data = by_account.model()
            yield data
            self._refuse_if_recovered()
            result = by_account.commit(data)
            if result is None:
                return
            pieces, index, accounts = result
            # The caches are written under the lock: the next writer, which takes the lock
            # the moment it is released, would otherwise find none and parse the file. The
            # changed accounts' tables are marshalled while the file is written and fsynced.
            import threading

            caching = threading.Thread(target=self._write_account_caches, args=(index, accounts))
            caching.start()
            try:
                self._write_pieces(pieces, held)
            finally:
                caching.join()
            self._write_index(index)

    def _whole_transaction(self, fh, held: os.stat_result) -> Iterator[StoreData]:
        """A transaction on a store read as one document."""
        text, old_raw = self._load(fh)
        cached = text is None
        if text is None:
            fh.seek(0)
            text = fh.read().decode("utf-8")
        data = self._to_model(old_raw, cached)
        if self.recovered:  # the cache's top level was damaged: the file's data is what changes
            old_raw, self.recovered = self._fresh, False
        yield data
        self._refuse_if_recovered()
        new_raw = to_raw(data)
        if new_raw == old_raw:
            return
        check_references(new_raw, str(self.path))
        self._write_text(self.render(text, old_raw, new_raw), new_raw, keep=held)

    def _refuse_if_recovered(self) -> None:
        if self.recovered:  # the data came from a damaged cache: diffing against it could write its damage
            raise StoreError(
                f"The cache of {self.path} was damaged and has been removed; nothing was written. "
                "Run the command again.",
                "CorruptCache",
            )

    def encode(self, text: str) -> bytes:
        return _utf8(text)

    def render(self, text: str, old_raw: dict, new_raw: dict, materialize: Callable[[dict], dict] | None = None) -> str:
        """*text* (which holds *old_raw*) changed to hold *new_raw*. *materialize* turns data
        with accounts not read into the whole data, for the rewrite of the whole document."""
        from iamctl.core.store.blocks import Unspliceable, block_patterns, splice

        try:
            return splice(text, old_raw, new_raw, block_patterns(StoreData))
        except Unspliceable:
            pass
        import tomllib

        from iamctl.core.store.tomlkit_edit import full_rewrite

        if materialize is not None:
            new_raw = materialize(new_raw)
        out = full_rewrite(text, new_raw)
        try:
            same = tomllib.loads(out) == new_raw
        except tomllib.TOMLDecodeError:  # the rewrite kept text that only a laxer reader accepted
            same = False
        if not same:  # never write a file that would not read back as the data
            raise StoreError(
                f"Cannot write this change into {self.path} without losing data; the store is unchanged.",
                "StoreWriteFailed",
            )
        return out

    @contextlib.contextmanager
    def _locked(self) -> Iterator[int]:
        timeout = float(os.environ.get(LOCK_TIMEOUT_ENV, DEFAULT_LOCK_TIMEOUT))
        with files.locked(self.file, self.path, timeout) as fd:
            yield fd

    def _write_text(self, text: str, raw: dict, keep: os.stat_result | None) -> None:
        """Write a store read as one document, and its cache (and an index that says so,
        so the next read does not try to cut it into accounts again)."""
        self._write_pieces(_utf8(text), keep)
        key = _stat_key(os.stat(self.file))
        self._write_cache(key, raw)
        cache.write(self.index_path, ["index", *key], {"whole": True})

    def _write_pieces(self, data: bytes | list, keep: os.stat_result | None) -> None:
        if keep is not None:  # under the lock: no other writer's temp file can be live
            files.remove_orphans(self.file)
            cache.remove_orphans(self.cache_path.parent, self._digest + ".")
        try:
            files.replace(self.file, data, keep)
        except FileExistsError:
            raise
        except OSError as exc:  # disk full, read-only, the path a directory ...: the old file stands
            raise StoreError(
                f"Cannot write the store {self.path}: {exc.strerror}; it is unchanged.", "StoreUnwritable"
            ) from None

    def _write_account_caches(self, index: dict, accounts: dict[str, dict]) -> None:
        """The tables of the accounts a write changed, keyed by their new regions' CRCs."""
        regions = {a: (s, e, c) for a, s, e, c in index.get("regions", [])}
        from iamctl.core.model.directory import facts_of

        for account_id, raw in accounts.items():
            if account_id in regions:
                start, end, crc = regions[account_id]
                cache.write(self.account_cache_path(account_id), ["account", account_id, crc, end - start], raw)
                cache.write(self.account_cache_path(account_id, "f"), ["facts", account_id, crc, end - start],
                            facts_of(raw))

    def _write_index(self, index: dict) -> None:
        with contextlib.suppress(OSError):
            cache.write(self.index_path, ["index", *_stat_key(os.stat(self.file))], index)


def _stat_key(st: os.stat_result) -> list:
    return [st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev]


def _holds_secrets(raw: dict) -> bool:
    """Password or secret hashes, MFA seeds or sessions anywhere in the store."""
    secret_fields = ("access_keys", "login_profile", "mfa")
    for account in (raw.get("accounts") or {}).values():
        if account.get("root") or account.get("sessions"):
            return True
        for user in (account.get("users") or {}).values():
            if any(f in user for f in secret_fields):
                return True
    return False


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr)
