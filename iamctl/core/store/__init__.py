"""The store: one TOML file holding every account, read through a cache, written atomically.

Reads never take the lock: a write replaces the file with ``os.replace``, so a reader sees
the old file or the new one, never half of one. A read first looks in a cache of the
parsed file (JSON under ``$XDG_CACHE_HOME/iamctl``) keyed by the file's size, mtime and
inode; only when that is stale is the TOML parsed and checked.

A write holds an exclusive ``flock`` on ``<store>.lock`` for the whole read-modify-write,
splices only the changed blocks into the text (see blocks.py), writes a temporary file in
the same directory (mode 0600), fsyncs it, renames it into place, fsyncs the directory, and
refreshes the cache. A store that fails its checks is reported and never written.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

from iamctl.core.errors import StoreError, validation_error
from iamctl.core.model import SCHEMA_VERSION, StoreData
from iamctl.core.model.base import from_raw, to_raw
from iamctl.core.store import cache
from iamctl.core.store.checks import check_documents, check_references

LOCK_TIMEOUT_ENV = "IAMCTL_LOCK_TIMEOUT"

# The cache holds plain dicts, lists, strings and numbers in marshal's format (cache.py):
# twice as fast to load as JSON and seven times as fast to write for a quota-size store,
# and, unlike pickle, loading it runs no code.
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


class Store:
    """One store file. ``read()`` for queries, ``transaction()`` for changes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        # Only names the cache file; a cache is used only when it matches the store's
        # size, mtime, inode and device, so a name shared by two stores costs a rebuild,
        # never wrong data. (crc32, not hashlib: importing hashlib costs every command.)
        resolved = str(self.path.resolve()).encode()
        digest = f"{zlib.crc32(resolved):08x}{len(resolved):04x}"
        self.cache_path = cache.cache_dir() / f"{digest}.marshal"
        self._fresh: dict | None = None
        self.recovered = False  # set when data from the cache failed and the file was parsed afresh

    # ------------------------------------------------------------------ reading

    def exists(self) -> bool:
        return self.path.exists()

    def read(self) -> StoreData:
        text, raw = self._load()
        return self._to_model(raw, cached=text is None)

    def _load(self) -> tuple[str | None, dict]:
        """(text or None when the cache answered, raw data)."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            raise StoreError(
                f"No store at {self.path}. Create one with 'iamctl init' "
                "(or point --store / IAMCTL_STORE at an existing one).",
                "NoStore",
            ) from None
        except OSError as exc:
            raise StoreError(f"Cannot read the store {self.path}: {exc.strerror}.", "StoreUnreadable") from None
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # a directory opens for reading too
            os.close(fd)
            raise StoreError(f"Cannot read the store {self.path}: it is not a file.", "StoreUnreadable")
        with os.fdopen(fd, "rb") as fh:
            key = _stat_key(st)
            cached = self._read_cache(key)
            if cached is not None:
                return None, cached
            data = fh.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise StoreError(f"{self.path}: not UTF-8 text (byte {exc.start}).", "CorruptStore") from None
        raw = self._parse(text)
        self._write_cache(key, raw)
        return text, raw

    def _parse(self, text: str) -> dict:
        import tomllib  # only when the cache is stale: most commands never parse TOML

        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise StoreError(f"{self.path}: invalid TOML: {exc}.", "CorruptStore") from None
        self._check(raw)
        return raw

    def _check(self, raw: dict) -> None:
        schema = raw.get("schema")
        if schema != SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema {schema!r} is not one this iamctl reads (it reads {SCHEMA_VERSION}).",
                "CorruptStore",
            )
        from_raw(StoreData, raw, f"{self.path}: store")  # every type, every field
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
        fd = os.open(self.path, os.O_RDONLY)
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
        with self._locked():
            if self.path.exists():
                raise StoreError(f"A store already exists at {self.path}; not overwriting it.", "StoreExists")
            self._write_text(text, raw)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[StoreData]:
        """Yield the data to change; on a clean exit, write what changed."""
        with self._locked():
            text, old_raw = self._load()
            cached = text is None
            if text is None:
                text = self.path.read_text(encoding="utf-8")
            data = self._to_model(old_raw, cached)
            if self.recovered:  # the cache's top level was damaged: the file's data is what changes
                old_raw, self.recovered = self._fresh, False
            yield data
            if self.recovered:  # old_raw came from a damaged cache: diffing against it could write its damage
                raise StoreError(
                    f"The cache of {self.path} was damaged and has been removed; nothing was written. "
                    "Run the command again.",
                    "CorruptCache",
                )
            new_raw = to_raw(data)
            if new_raw == old_raw:
                return
            check_references(new_raw, str(self.path))
            self._write_text(self._render(text, old_raw, new_raw), new_raw)

    def _render(self, text: str, old_raw: dict, new_raw: dict) -> str:
        from iamctl.core.store.blocks import Unspliceable, block_patterns, splice

        try:
            return splice(text, old_raw, new_raw, block_patterns(StoreData))
        except Unspliceable:
            pass
        import tomllib

        from iamctl.core.store.tomlkit_edit import full_rewrite

        out = full_rewrite(text, new_raw)
        if tomllib.loads(out) != new_raw:  # never write a file that would not read back as the data
            raise StoreError(
                f"Cannot write this change into {self.path} without losing data; the store is unchanged.",
                "StoreWriteFailed",
            )
        return out

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            why = "a part of that path is a file" if isinstance(exc, (FileExistsError, NotADirectoryError)) \
                else exc.strerror
            raise StoreError(f"Cannot create the directory of the store {self.path}: {why}.", "StoreUnwritable") \
                from None
        timeout = float(os.environ.get(LOCK_TIMEOUT_ENV, DEFAULT_LOCK_TIMEOUT))
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StoreError(
                f"Cannot open the lock file {self.lock_path}: {exc.strerror}.", "StoreUnreadable"
            ) from None
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise StoreError(
                            f"Another iamctl holds the lock on {self.path} (waited {timeout:g} s).",
                            "LockTimeout",
                        ) from None
                    time.sleep(0.01)
            yield
        finally:
            os.close(fd)  # closing releases the flock

    def _write_text(self, text: str, raw: dict) -> None:
        data = _utf8(text)
        directory = self.path.parent
        tmp = directory / f".{self.path.name}.{os.getpid()}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(tmp, 0o600)
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:  # disk full, read-only, the path a directory ...: the old file stands
            raise StoreError(
                f"Cannot write the store {self.path}: {exc.strerror}; it is unchanged.", "StoreUnwritable"
            ) from None
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        self._write_cache(_stat_key(os.stat(self.path)), raw)


def _stat_key(st: os.stat_result) -> list:
    return [st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev]
