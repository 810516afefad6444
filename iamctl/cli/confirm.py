"""Are you sure? Asked before destructive commands, only of a person at a terminal.

`--force` deletes, `account delete`, `billing leave` and `billing remove` ask on stderr
when stdin is a terminal; `--yes` answers for you; a script (stdin not a terminal) is never
asked, as the design notes promise. Declining changes nothing and exits 1 (a "no").
"""

from __future__ import annotations

import typer

YES = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation (scripts are never asked).")


def confirm(question: str, yes: bool) -> None:
    """Ask *question* (``Delete user alice ...?``) unless *yes* or nobody is at a terminal;
    raise typer.Exit(1) with a message when the answer is not yes."""
    from iamctl.cli.env import current
    from iamctl.core.errors import ExitStatus

    env = current()
    if yes or not env.interactive():
        return
    env.stderr.write(f"{question} [y/N] ")
    env.stderr.flush()
    answer = env.stdin.readline()
    if answer.strip().lower() in ("y", "yes"):
        return
    if not answer.endswith("\n"):
        env.stderr.write("\n")
    env.info("iamctl: Declined: nothing was changed.")
    raise typer.Exit(ExitStatus.NO)
