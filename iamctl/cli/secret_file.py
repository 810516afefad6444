"""A file for a secret shown once (``key create --file``): new, 0600, never over another.

The file is created (exclusively) before the change that makes the secret, so that a path
that cannot be used is refused while nothing has happened yet; it is filled once the
change is saved, and removed again if the change fails.
"""

from __future__ import annotations

import contextlib
import os

from iamctl.core.errors import UsageError


class SecretFile:
    def __init__(self, path: str) -> None:
        self.path = path
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        try:
            self._fd: int | None = os.open(path, flags, 0o600)
        except FileExistsError:
            raise UsageError(
                f"{path} already exists; --file writes only a new file, so that a secret never replaces another "
                "file or lands where others may already read.", "FileExists"
            ) from None
        except OSError as exc:
            raise UsageError(f"Cannot create {path}: {exc.strerror}.", "UnwritableFile") from None
        os.fchmod(self._fd, 0o600)  # whatever the umask

    def write(self, text: str) -> str | None:
        """Write and close; the reason it failed (the file is then removed), or None."""
        fd, self._fd = self._fd, None
        assert fd is not None
        try:
            data = text.encode("utf-8")
            while data:
                data = data[os.write(fd, data):]
            os.fsync(fd)
        except OSError as exc:
            os.close(fd)
            self._remove()
            return exc.strerror or str(exc)
        os.close(fd)
        return None

    def discard(self) -> None:
        """The change failed: no secret was made, so no file either."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
            self._remove()

    def _remove(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.path)
