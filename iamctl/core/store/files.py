"""The store file on disk: where it really is, its lock, and replacing it atomically.

- A store reached through a symbolic link (a dotfiles repo, a shared checkout) is read,
  locked and written at its target, resolved once, so the link stays a link and writers
  through either name exclude each other.
- The lock is an exclusive ``flock`` on the store's directory: no lock file is left
  beside the store (or in a git checkout), every name of the file shares it (two stores
  in one directory share it too), and every user who can read the store can take it. A
  write replaces the file (a new inode) but not the directory, so waiters queue on one
  lock and none is passed over by writers that started after it.
- Waiting is a blocking ``flock`` bounded by a timer (SIGALRM in the main thread), so a
  waiter takes the lock the moment it is released instead of polling for it.
- A write goes to ``.<name>.<pid>.tmp`` in the same directory, is fsynced, takes the old
  file's mode and owner (a new store is 0600 in a 0700 directory), is renamed into place,
  and the directory is fsynced. A store with more than one hard link is refused: the
  rename would silently split the links.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import math
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from iamctl.core.errors import StoreError
from iamctl.core.store import cache


def resolve(path: Path) -> Path:
    """The file a store path names: every symbolic link followed (also a dangling one,
    so that ``init`` through a link creates its target)."""
    return Path(os.path.realpath(path))


def temp_path(file: Path) -> Path:
    return file.with_name(f".{file.name}.{os.getpid()}.tmp")


def ensure_directory(file: Path, shown: Path) -> None:
    """Create the store's missing directories, 0700 (the store holds secrets' hashes)."""
    missing: list[Path] = []
    directory = file.parent
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    try:
        for directory in reversed(missing):
            with contextlib.suppress(FileExistsError):
                directory.mkdir(mode=0o700)
        if not file.parent.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a directory")
    except OSError as exc:
        why = "a part of that path is a file" if isinstance(exc, (FileExistsError, NotADirectoryError)) \
            else exc.strerror
        raise StoreError(f"Cannot create the directory of the store {shown}: {why}.", "StoreUnwritable") from None


def check_links(st: os.stat_result, shown: Path) -> None:
    if st.st_nlink > 1:
        raise StoreError(
            f"The store {shown} has {st.st_nlink} hard links; a write replaces the file and would split them. "
            "Keep one name (a symbolic link is fine).",
            "StoreHardLinked",
        )


@contextlib.contextmanager
def locked(file: Path, shown: Path, timeout: float) -> Iterator[int]:
    """Hold the store's lock; yield a read-only descriptor of the locked file.

    The flock is taken on the store's directory, whose inode stays while the file is
    replaced by every write: waiters queue on one lock. (On the file itself, each write
    moved the lock to a new inode; every waiter woke on the old one, found it stale and
    raced newly started writers for the new one, so a few were starved past their timeout.)
    """
    deadline = time.monotonic() + timeout
    os.close(_open(file, shown))  # a missing or unreadable store is said as such, not as a lock problem
    dir_fd = _open_directory(file, shown)
    try:
        if not _flock(dir_fd, deadline - time.monotonic()):
            raise StoreError(f"Another iamctl holds the lock on {shown} (waited {timeout:g} s).", "LockTimeout")
        fd = _open(file, shown)
        try:
            yield fd
        finally:
            os.close(fd)
    finally:
        os.close(dir_fd)  # closing releases the flock


def _open_directory(file: Path, shown: Path) -> int:
    try:
        return os.open(file.parent, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise StoreError(f"Cannot lock the store {shown}: its directory: {exc.strerror}.", "StoreUnreadable") from None


def _open(file: Path, shown: Path) -> int:
    try:
        fd = os.open(file, os.O_RDONLY)
    except FileNotFoundError:
        raise StoreError(
            f"No store at {shown}. Create one with 'iamctl init' (or point --store / IAMCTL_STORE at an existing one).",
            "NoStore",
        ) from None
    except OSError as exc:
        raise StoreError(f"Cannot read the store {shown}: {exc.strerror}.", "StoreUnreadable") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # a directory opens for reading too
        os.close(fd)
        raise StoreError(f"Cannot read the store {shown}: it is not a file.", "StoreUnreadable")
    return fd


class _Waited(Exception):
    """The timer went off while waiting for the lock."""


def _flock(fd: int, timeout: float) -> bool:
    """Take the lock on *fd* within *timeout* seconds; False when it could not."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        pass
    if timeout <= 0:
        return False
    if not math.isfinite(timeout):
        fcntl.flock(fd, fcntl.LOCK_EX)
        return True
    import signal  # only when another writer holds the lock
    import threading

    if threading.current_thread() is threading.main_thread() and signal.getitimer(signal.ITIMER_REAL)[0] == 0:
        return _flock_with_timer(fd, timeout)
    return _flock_polling(fd, timeout)


def _flock_with_timer(fd: int, timeout: float) -> bool:
    """A blocking flock that SIGALRM interrupts after *timeout* seconds: the kernel hands
    the lock over the moment it is released, with no polling interval to lose."""
    import signal

    waiting = True

    def on_alarm(signum: int, frame: object) -> None:
        if waiting:  # once the lock is ours, a late alarm changes nothing
            raise _Waited

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            waiting = False
            return True
        except _Waited:
            return False
        finally:
            waiting = False
            signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)


def _flock_polling(fd: int, timeout: float) -> bool:
    """For threads other than the main one, which cannot take signals: poll, backing off."""
    deadline = time.monotonic() + timeout
    pause = 0.001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, 0.01)


def remove_orphans(file: Path) -> None:
    """Under the lock: remove temp files of writers killed between writing and renaming."""
    cache.remove_orphans(file.parent, f".{file.name}.")


# A range of another file to copy as it is: (descriptor, offset, length).
Copy = tuple[int, int, int]


def replace(file: Path, data: bytes | list[bytes | Copy], keep: os.stat_result | None) -> None:
    """Write *data* as *file* atomically. *data* may be a list of bytes and ranges of the
    old file (a write of one account of a large store copies the others in the kernel).
    *keep*: the old file's stat, whose mode and owner the new file takes (None for a new
    store: 0600). OSError when it cannot be done; the old file then stands and no temp
    file is left."""
    tmp = temp_path(file)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        try:
            for piece in [data] if isinstance(data, bytes) else data:
                if isinstance(piece, bytes):
                    _write_all(fd, piece)
                else:
                    _copy(piece, fd)
            _take_mode_and_owner(fd, keep)
            os.fsync(fd)
        finally:
            os.close(fd)
        if keep is None:
            _link_new(tmp, file)
        else:
            os.replace(tmp, file)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(file.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _copy(piece: Copy, dst: int) -> None:
    src, offset, length = piece
    end = offset + length
    try:
        if not hasattr(os, "copy_file_range"):  # not Linux
            raise OSError(errno.ENOSYS, "no copy_file_range")
        while offset < end:
            done = os.copy_file_range(src, dst, end - offset, offset)
            if done == 0:
                raise OSError(errno.EIO, "the store file ended early")
            offset += done
        return
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EPERM):
            raise
    while offset < end:  # a file system that cannot copy in the kernel
        chunk = os.pread(src, min(end - offset, 1 << 20), offset)
        if not chunk:
            raise OSError(errno.EIO, "the store file ended early")
        _write_all(dst, chunk)
        offset += len(chunk)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _link_new(tmp: Path, file: Path) -> None:
    """Put a new store in place; never over one made meanwhile (FileExistsError)."""
    try:
        os.link(tmp, file)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if file.exists():
            raise FileExistsError(errno.EEXIST, "exists") from None
        os.replace(tmp, file)
    else:
        os.unlink(tmp)


def _take_mode_and_owner(fd: int, keep: os.stat_result | None) -> None:
    if keep is None:
        os.fchmod(fd, 0o600)  # whatever the umask
        return
    if (keep.st_uid, keep.st_gid) != (os.getuid(), os.getgid()):
        try:
            os.fchown(fd, keep.st_uid, keep.st_gid)
        except PermissionError:  # only root gives a file away; keep the group if we may
            with contextlib.suppress(PermissionError):
                os.fchown(fd, -1, keep.st_gid)
    os.fchmod(fd, stat.S_IMODE(keep.st_mode))
