"""Cache files: parsed store data in marshal's format, checked before it is believed.

A cache file is ``<header line>`` + 4-byte CRC-32 + ``marshal.dumps((key, data))``. The
header names the cache format, iamctl's version and Python's marshal version; the key
says which store text the data was parsed from. Nothing is unmarshalled before the CRC
of the bytes matches (marshal is not meant to read damaged data), so a changed byte
anywhere is a miss, never wrong data served to a command or written into the store.

Writes go to ``<name>.<pid>.tmp`` and are renamed into place; a failed write removes its
temp file, and ``remove_orphans`` removes those of processes that are gone.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
import zlib
from pathlib import Path
from typing import Any

from iamctl import __version__

# The marshal format belongs to the Python version, so that is part of what a cache must
# match, with iamctl's version; "c2" is this file layout (with the CRC).
HEADER = f"iamctl-cache c2 {__version__} py{sys.version_info[0]}.{sys.version_info[1]} m{marshal.version}\n".encode()


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "iamctl"


def read(path: Path, key: Any) -> Any | None:
    """The data cached at *path* for *key*, or None (missing, stale, damaged)."""
    try:
        with open(path, "rb") as fh:
            blob = fh.read()
    except OSError:
        return None
    head = len(HEADER)
    if not blob.startswith(HEADER) or len(blob) < head + 4:
        return None
    body = memoryview(blob)[head + 4 :]
    if int.from_bytes(blob[head : head + 4], "big") != zlib.crc32(body):
        return None
    try:
        stored_key, data = marshal.loads(body)
    except (ValueError, EOFError, TypeError):
        return None
    return data if stored_key == key else None


def write(path: Path, key: Any, data: Any) -> None:
    """Cache *data* for *key*. A cache is an optimisation: failing to write it never fails
    a command, and never leaves a partial file behind."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        body = marshal.dumps((key, data))
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(HEADER)
                fh.write(zlib.crc32(body).to_bytes(4, "big"))
                fh.write(body)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except (OSError, ValueError):  # ValueError: marshal met a value it cannot write
        return


def remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def remove_orphans(directory: Path, prefix: str) -> None:
    """Remove ``<prefix>…<pid>.tmp`` files in *directory* whose process is gone: what a
    writer killed between writing and renaming left behind."""
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        pid = name[: -len(".tmp")].rpartition(".")[2]
        if pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                os.unlink(directory / name)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True
