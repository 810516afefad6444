"""stdin, stdout and stderr when they are closed, full or gone.

A shell can start iamctl with a standard stream closed (``>&-``, ``<&-``, ``2>&-``), point
stdout at a full disk (``> /dev/full``) or a reader that stops early (``| head -1``).
None of these may end in a traceback, and none may make a change look as if it failed:

- stdout: a write that fails does not stop the command (its work, such as a store write,
  goes on); what was lost is reported once at the end (``finish``). A reader that went
  away (EPIPE) is not an error: the command keeps its exit status, as aws-cli does.
- stderr: messages that cannot be written are dropped; the exit status still tells.
- stdin: reading a closed or unreadable stdin is a one-line usage error.

While a standard descriptor is closed, the next file iamctl opens would get its number
(a store temp file as fd 1...), so each closed one is first pointed at /dev/null.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

from iamctl.core.errors import ExitStatus, UsageError


class GuardedOutput:
    """A text stream whose failures are recorded instead of raised."""

    def __init__(self, stream: Any, name: str) -> None:
        self._stream = stream
        self.name = name
        self.error: OSError | None = None if stream is not None else OSError(errno.EBADF, "it is closed")
        self.attempted = False  # something was meant for this stream

    def write(self, text: str) -> int:
        if text:
            self.attempted = True
        if self.error is None:
            try:
                self._stream.write(text)
            except OSError as exc:
                self._fail(exc)
        return len(text)

    def flush(self) -> None:
        if self.error is None:
            try:
                self._stream.flush()
            except OSError as exc:
                self._fail(exc)

    def _fail(self, exc: OSError) -> None:
        self.error = exc
        # What is still buffered would fail again when the interpreter flushes at exit
        # ("Exception ignored ... exit 120"): let it drain into /dev/null instead.
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, self._stream.fileno())
            os.close(null)
        except (OSError, ValueError, AttributeError):
            pass

    def lost(self) -> bool:
        """Output meant for this stream did not arrive, and not because its reader left."""
        return self.attempted and self.error is not None and not isinstance(self.error, BrokenPipeError)

    def isatty(self) -> bool:
        return self.error is None and self._stream.isatty()

    def __getattr__(self, name: str) -> Any:  # encoding, fileno, buffer ... of the real stream
        if self._stream is None:
            raise AttributeError(name)
        return getattr(self._stream, name)


class GuardedInput:
    """stdin whose absence or failure is a usage error, not a traceback."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def _call(self, method: str, *args: Any) -> Any:
        if self._stream is None:
            raise UsageError("stdin is closed; there is nothing to read from it.", "NoInput")
        try:
            return getattr(self._stream, method)(*args)
        except OSError as exc:
            raise UsageError(f"Cannot read stdin: {exc.strerror or exc}.", "NoInput") from None

    def read(self, size: int = -1) -> str:
        return self._call("read", size)

    def readline(self, size: int = -1) -> str:
        return self._call("readline", size)

    def isatty(self) -> bool:
        return self._stream is not None and self._stream.isatty()

    def __iter__(self) -> Any:
        return iter(self.readline, "")

    def __getattr__(self, name: str) -> Any:
        if self._stream is None:
            raise AttributeError(name)
        return getattr(self._stream, name)


def guard() -> None:
    """Put guarded streams in place of the process's own (main() only, never in tests)."""
    _occupy_closed_descriptors()
    sys.stdin = GuardedInput(sys.stdin)  # type: ignore[assignment]
    sys.stdout = GuardedOutput(sys.stdout, "stdout")  # type: ignore[assignment]
    sys.stderr = GuardedOutput(sys.stderr, "stderr")  # type: ignore[assignment]


def _occupy_closed_descriptors() -> None:
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def finish(status: int, change_saved: bool) -> int:
    """Flush stdout, report output that was lost (one line), and return the exit status.

    Lost output of a command that saved a change is a warning: the change stands and the
    status stays what it was (a script must not retry a create that was made). Otherwise
    the answer is lost, which is exit 74 (EX_IOERR of sysexits.h).
    """
    out = sys.stdout
    if not isinstance(out, GuardedOutput):
        return status
    out.flush()
    if not out.lost():
        return status
    why = _why(out.error)
    if change_saved:
        _say(f"iamctl: OutputLost: The change was saved, but its output could not be written to stdout ({why}); "
             "anything it showed only once, such as a new secret, is lost.")
        return status
    _say(f"iamctl: OutputLost: The output could not be written to stdout ({why}).")
    return ExitStatus.OUTPUT_LOST


def _why(error: OSError | None) -> str:
    if error is None:
        return "unknown error"
    if error.errno == errno.EBADF:
        return "it is closed"
    return error.strerror or str(error)


def _say(line: str) -> None:
    print(line, file=sys.stderr)
    sys.stderr.flush()
