"""Reading passwords and secrets: from stdin when asked, by prompting without echo only
when a person is at a terminal, never otherwise (a script would hang on a prompt)."""

from __future__ import annotations

from iamctl.cli.env import current
from iamctl.core.errors import UsageError

# Far beyond any secret IAM takes (passwords: 128 characters; secret keys: 40), and small
# enough that a stream with no newline (`yes | tr -d '\n'`) is refused at once instead of
# being read into memory without end.
MAX_LINE = 4096


def from_stdin(what: str, option: str) -> str:
    """One line of stdin (the newline dropped); an empty stdin or a line longer than
    MAX_LINE is a usage error."""
    line = current().stdin.readline(MAX_LINE + 1)
    if not line:
        raise UsageError(f"{option} was given but stdin is empty; expected the {what} on one line.")
    line = line.rstrip("\r\n")
    if len(line) > MAX_LINE:
        raise UsageError(f"{option}: the first line of stdin is longer than {MAX_LINE:,} characters; "
                         f"expected the {what} on one line.")
    return line


def prompt(what: str, option: str, *, confirm: bool = False) -> str:
    """Ask on the terminal without echo; refuse when stdin is not a terminal."""
    env = current()
    if not env.interactive():
        raise UsageError(f"stdin is not a terminal, so iamctl will not prompt for the {what}; use {option}.")
    import getpass

    from iamctl.cli import interrupts

    with interrupts.unwinding():  # Ctrl-C must let getpass turn the terminal's echo back on
        value = getpass.getpass(f"{what[0].upper()}{what[1:]}: ", stream=env.stderr)
        if confirm and getpass.getpass(f"Retype the {what}: ", stream=env.stderr) != value:
            raise UsageError(f"The two {what}s do not match.")
    return value


def read(what: str, option: str, *, use_stdin: bool, confirm: bool = False) -> str:
    return from_stdin(what, option) if use_stdin else prompt(what, option, confirm=confirm)
