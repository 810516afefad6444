"""Ctrl-C: exit 130 with one line and no traceback, except once a change is being saved.

Python's own handler raises KeyboardInterrupt wherever the program happens to be: in the
middle of an import (a traceback, or a RuntimeError when it lands in a class body), or
between writing the store and reporting it (exit 130 for a change that was made). So
iamctl's handler decides by what the command is doing:

- most of the time nothing needs undoing (a write takes the lock, which the kernel
  releases when the process ends, and writes its temporary file only while saving): it
  prints ``iamctl: interrupted`` and ends the process with status 130 at once;
- while a prompt has switched the terminal's echo off (``unwinding()``): it raises
  KeyboardInterrupt, so that getpass turns the echo back on, and main() exits 130;
- once a transaction's body is done and its write begins (``begin_save()``): it only
  notes the signal. The command finishes, prints its result and exits as it would have
  (0), saying on stderr that the Ctrl-C came too late to stop the change.

Only the iamctl process installs the handler (``install()``, the first statement of
``iamctl/__main__.py``, before Typer and the commands load); in-process callers (tests)
keep Python's. The module imports only what the interpreter has already loaded.
"""

from __future__ import annotations

import os

try:
    # The C module under `signal`, loaded by the interpreter at start: `import signal` would
    # first build its enums (a millisecond or more during which Ctrl-C still prints a
    # traceback). Same functions, same constants.
    import _signal as signal
except ImportError:  # another Python implementation
    import signal  # type: ignore[no-redef]

_saving = False  # a store write began: from here on Ctrl-C cannot stop the command
_saved = False  # a store write completed (the file is renamed into place)
_noted = False  # a Ctrl-C arrived while saving
_unwind_depth = 0  # > 0 while a prompt needs its finally blocks to run


def install() -> None:
    """Take over SIGINT, unless iamctl was started with it ignored (``cmd &`` in a
    script): then it stays ignored, as Python itself would leave it."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        return
    signal.signal(signal.SIGINT, _on_sigint)


def _on_sigint(signum: int, frame: object) -> None:
    global _noted
    if _saving:
        _noted = True
        return
    if _unwind_depth:
        raise KeyboardInterrupt
    try:  # noqa: SIM105 -- contextlib may not be loaded yet; nothing else is imported here
        os.write(2, b"iamctl: interrupted\n")
    except OSError:  # stderr closed or full: the exit status still says it
        pass
    os._exit(130)


class unwinding:
    """A region (a prompt with echo off) where Ctrl-C raises KeyboardInterrupt instead of
    ending the process, so that ``finally`` blocks restore the terminal."""

    def __enter__(self) -> None:
        global _unwind_depth
        _unwind_depth += 1

    def __exit__(self, *exc: object) -> None:
        global _unwind_depth
        _unwind_depth -= 1


def hold_until_exit() -> None:
    """The command is over and its status decided: a Ctrl-C from now on changes nothing.
    (While the interpreter shuts down it puts back the default action, death by SIGINT,
    which would turn a finished command's status into 130.)"""
    if signal.getsignal(signal.SIGINT) is _on_sigint:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def begin_save() -> None:
    """A transaction's body is done and its write begins: hold Ctrl-C from here to exit.

    Called for every write, in tests too; it only changes what the handler does, and the
    handler is installed only in the iamctl process."""
    global _saving
    _saving = True


def saved() -> None:
    """The write is complete: the store file has been renamed into place."""
    global _saved
    _saved = True


def change_saved() -> bool:
    return _saved


def noted_while_saving() -> bool:
    return _noted


def reset() -> None:
    """Forget a command's save (in-process callers run many commands in one process)."""
    global _saving, _saved, _noted
    _saving = _saved = _noted = False
