"""Everything a command needs from its surroundings, in one object tests can replace.

Global options may stand anywhere on the line (``iamctl user list --output json``), as
aws-cli users type them, so main() lifts them out of argv before Typer parses the rest.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from iamctl.cli.paging import MultiKeyPaging, Paging

# text follows aws-cli's text rules; lines is iamctl 0.2's text layout (one record a line).
OUTPUTS = ("table", "json", "yaml", "text", "lines")
# Accepted by --output only where credentials are printed (role assume): export lines.
CREDENTIAL_OUTPUTS = ("env",)

# option → (attribute, takes a value)
GLOBAL_OPTIONS = {
    "--store": ("store", True),
    "--account": ("account", True),
    "--output": ("output", True),
    "-o": ("output", True),
    "--query": ("query", True),
    "--no-color": ("no_color", False),
}


@dataclass
class Env:
    """One command's environment: global options, streams, and where the store is."""

    store: str | None = None
    account: str | None = None
    output: str | None = None
    query: str | None = None
    no_color: bool = False
    # Set by a paginated list command (cli/paging.py): which page emit() prints.
    paging: Paging | MultiKeyPaging | None = None
    # What the command did, for cli/done.py: a store write committed; anything shown.
    wrote: bool = False
    spoke: bool = False
    # The command line without global options; lets a noun skip building sub-commands
    # that the command being run cannot need (every scripted call pays for imports).
    argv: list[str] = field(default_factory=list)
    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)

    def store_path(self) -> Path:
        from iamctl.core.store import default_path

        chosen = self.store or os.environ.get("IAMCTL_STORE")
        return Path(chosen).expanduser() if chosen else default_path()

    def account_selector(self) -> str | None:
        return self.account or os.environ.get("IAMCTL_ACCOUNT") or None

    def output_format(self) -> str:
        return self.output or os.environ.get("IAMCTL_OUTPUT") or "table"

    def wants_aws_shape(self) -> bool:
        """Will the output show the JSON shape (json, yaml, text, or any --query)? Commands
        with a readable form of their own for tables ask this."""
        return self.output_format() in ("json", "yaml", "text") or self.query is not None

    def color(self) -> bool:
        if self.no_color or "NO_COLOR" in os.environ:
            return False
        return self.stdout.isatty()

    def interactive(self) -> bool:
        """Prompt only when a person is at the keyboard."""
        return self.stdin.isatty()

    def runs_verb(self, noun: str, verbs: set[str]) -> bool:
        """Could this command line be `iamctl NOUN VERB ...` for one of *verbs*? True too when
        it names no verb of the noun (help, listings of commands, docs generation)."""
        words = [a for a in self.argv if not a.startswith("-")]
        if words[:1] != [noun] or len(words) < 2:
            return True
        return words[1] in verbs

    def info(self, message: str) -> None:
        self.spoke = True
        print(message, file=self.stderr)


class GlobalOptionError(ValueError):
    pass


def split_globals(argv: list[str]) -> tuple[Env, list[str]]:
    """Lift the global options out of *argv* (before any ``--``)."""
    env = Env()
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        name, eq, value = arg.partition("=")
        if name in GLOBAL_OPTIONS:
            attr, takes_value = GLOBAL_OPTIONS[name]
            if not takes_value:
                setattr(env, attr, True)
            elif eq:
                setattr(env, attr, value)
            elif i + 1 < len(argv):
                setattr(env, attr, argv[i + 1])
                i += 1
            else:
                raise GlobalOptionError(f"Option '{name}' requires an argument.")
            i += 1
            continue
        rest.append(arg)
        i += 1
    env.argv = list(rest)
    check_lock_timeout()
    output = env.output if env.output is not None else os.environ.get("IAMCTL_OUTPUT") or None
    if output is not None and output not in OUTPUTS + CREDENTIAL_OUTPUTS:
        raise GlobalOptionError(f"Invalid value for '--output': {output!r} is not one of {', '.join(OUTPUTS)}.")
    return env, rest


def check_lock_timeout() -> None:
    """IAMCTL_LOCK_TIMEOUT, when set, is a number of seconds the store waits for its lock.

    Checked for every command, as IAMCTL_OUTPUT is: a typo must not surface as a
    traceback from the first write, nor "nan" as a wait that never ends."""
    import math

    value = os.environ.get("IAMCTL_LOCK_TIMEOUT")
    if value is None:
        return
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds >= 0):
        raise GlobalOptionError(
            f"InvalidArgument: IAMCTL_LOCK_TIMEOUT must be a number of seconds, 0 or more (such as 10 or 0.5), "
            f"not {value!r}."
        )


_current = Env()


def current() -> Env:
    return _current


def set_current(env: Env) -> None:
    global _current
    _current = env
