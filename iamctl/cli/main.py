"""The CLI proper, reached from iamctl/__main__.py through cli/complete.py (which answers a TAB
itself): lift global options, load only the noun being run, map errors to exit codes."""

from __future__ import annotations

import contextlib
import copy
import importlib
import sys
from typing import TYPE_CHECKING

from iamctl import __version__
from iamctl.cli import interrupts, streams
from iamctl.cli.env import GlobalOptionError, set_current, split_globals
from iamctl.core.errors import ExitStatus, IamError

if TYPE_CHECKING:
    import typer

# Typer (and Click under it) is imported only once a command is to be parsed: `iamctl
# --version` is answered without it, as scripts and installers ask it often.

# noun → module holding its Typer app (``app``); imported only when that noun runs,
# because every scripted call pays for what is imported at startup.
NOUNS: dict[str, tuple[str, str]] = {
    "init": ("iamctl.cli.init", "Create a store with its first account."),
    "account": ("iamctl.cli.account", "Accounts in the store, the default account."),
    "user": ("iamctl.cli.user", "IAM users: create, list, tags, groups, policies."),
    "group": ("iamctl.cli.group", "IAM groups, members and policies."),
    "policy": ("iamctl.cli.policy", "Managed policies (AWS's and your own) and versions."),
    "role": ("iamctl.cli.role", "IAM roles, instance profiles, AssumeRole and sessions."),
    "whoami": ("iamctl.cli.whoami", "Who a set of credentials belongs to (sts get-caller-identity)."),
    "simulate": ("iamctl.cli.simulate", "May this principal do this action on this resource, and why?"),
    "billing": ("iamctl.cli.billing", "Consolidated billing: organization, invitations, usage, invoice, SCPs."),
    "key": ("iamctl.cli.key", "Access keys of IAM users: create, list, rotate, last used."),
    "completion": ("iamctl.cli.completion", "Print the shell completion script (bash, zsh, fish)."),
    "store": ("iamctl.cli.store", "The store file: check it (for CI), print its path."),
    "access": ("iamctl.cli.access", "Who can, what can, what changed, escalation paths, the account as a graph."),
}

HELP = """AWS IAM on your own machine.

One TOML file holds one or more AWS-style accounts; iamctl manages IAM in them the way
AWS does. The global options below may stand anywhere on the line; `iamctl help COMMAND`
shows a command's help.

Exit codes: 0 success; 1 a "no" answer (denied, check failed); 2 usage error; 3 refused by
IAM's rules (an AWS error code); 4 store problem (missing, unreadable, corrupt, lock not
obtained); 74 output could not be written (stdout closed or full); 130 interrupted.

Example: iamctl init && iamctl user create alice && iamctl user list --output json
"""


def _version(value: bool) -> None:
    if value:
        import typer

        print(f"iamctl {__version__}")
        raise typer.Exit()


def build_app(argv: list[str]) -> typer.Typer:
    import typer

    from iamctl.cli import help as help_module

    help_module.install()
    app = typer.Typer(
        help=HELP, no_args_is_help=True, add_completion=False, context_settings={"help_option_names": ["-h", "--help"]}
    )

    @app.callback()
    def root(
        version: bool = typer.Option(
            False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ) -> None:
        pass

    noun = next((a for a in argv if not a.startswith("-")), None)
    wanted = [noun] if noun in NOUNS else list(NOUNS)
    for name in wanted:
        module = importlib.import_module(NOUNS[name][0])
        module.register(app, name, NOUNS[name][1])
    return only_invoked(app, argv)


def only_invoked(app: typer.Typer, argv: list[str]) -> typer.Typer:
    """*app* cut down to the command or group that *argv*'s leading words name.

    Typer turns every registered command into a Click command before running one, which
    costs each call several milliseconds for a noun with twenty verbs. When the words do
    not name one (an option comes first, help, a typo), the level is kept whole so that
    Click lists the commands or says which one is unknown. The registered apps are
    copied, never changed: tests run many command lines in one process.
    """
    if not argv or argv[0].startswith("-"):
        return app
    word, rest = argv[0], argv[1:]
    commands = [c for c in app.registered_commands if _command_name(c) == word]
    groups = [g for g in app.registered_groups if _default_value(g.name) == word]
    if not commands and not groups:
        return app
    pruned = copy.copy(app)
    pruned.registered_commands = commands
    pruned.registered_groups = []
    for info in groups:
        info = copy.copy(info)
        info.typer_instance = only_invoked(info.typer_instance, rest)
        pruned.registered_groups.append(info)
    return pruned


def _command_name(info: typer.models.CommandInfo) -> str | None:
    import typer

    if info.name:
        return info.name
    return typer.main.get_command_name(info.callback.__name__) if info.callback else None


def _default_value(value: object) -> object:
    """Typer keeps unset settings as DefaultPlaceholder(value)."""
    return getattr(value, "value", value)


def _names_a_group_only(command: object, argv: list[str]) -> bool:
    """True for `iamctl`, `iamctl user`, `iamctl policy version`: a group with no command."""
    if any(a in ("-h", "--help") for a in argv):
        return False
    for token in argv:
        if token.startswith("-"):
            return False
        sub = getattr(command, "commands", {}).get(token)
        if sub is None:
            return False
        command = sub
    return bool(getattr(command, "commands", None))


def _fail(status: int, message: str) -> int:
    print(f"iamctl: {_one_line(message)}", file=sys.stderr)
    return status


def _one_line(message: str) -> str:
    """An error is one line, even when it quotes a value holding a newline or an escape
    sequence that would drive the terminal: control characters are shown escaped."""
    if message.isprintable():
        return message
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in message)


def _no_such_option(exc) -> str:
    """`--outptu`: the command's options and the global ones are what it may have meant."""
    from iamctl.cli.env import GLOBAL_OPTIONS
    from iamctl.core.suggest import did_you_mean

    known = [o for p in (exc.ctx.command.params if exc.ctx else []) for o in (*p.opts, *p.secondary_opts)]
    hint = did_you_mean(exc.option_name, [*known, *GLOBAL_OPTIONS], quote="")
    see = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
    return f"No such option: {exc.option_name}{'.' + hint if hint else ''}{see}"


def run(argv: list[str]) -> int:
    interrupts.reset()

    if argv[:1] == ["__complete"]:  # a TAB (the console script answers it before this)
        from iamctl.cli.complete import run_complete

        return run_complete(argv[1:])
    try:
        env, rest = split_globals(argv)
    except GlobalOptionError as exc:
        return _fail(ExitStatus.USAGE, str(exc))
    set_current(env)
    if rest[:1] == ["help"]:  # `iamctl help user create` is `iamctl user create --help`
        rest = [*rest[1:], "--help"]
    if rest[:1] == ["--version"]:  # answered before loading Typer or any command
        print(f"iamctl {__version__}")
        return ExitStatus.OK
    import typer
    from typer._click import exceptions as click_exc

    try:
        app = build_app(rest)
        command = typer.main.get_command(app)
        if _names_a_group_only(command, rest):
            # Typer renders this help to stdout as it raises; stdout is for data, so
            # show it on stderr and call it a usage error, as for any missing argument.
            with contextlib.redirect_stdout(sys.stderr):
                command.main(args=[*rest, "--help"], prog_name="iamctl", standalone_mode=False)
            return ExitStatus.USAGE
        result = command.main(args=rest, prog_name="iamctl", standalone_mode=False)
        if result == ExitStatus.INTERRUPTED:  # Typer's answer to a KeyboardInterrupt (a prompt)
            return _fail(ExitStatus.INTERRUPTED, "interrupted")
        from iamctl.cli import done

        done.report(env, rest)
        return result if isinstance(result, int) else 0
    except IamError as exc:
        return _fail(exc.exit_status, f"{exc.code}: {exc.message}")
    except click_exc.NoSuchOption as exc:
        return _fail(ExitStatus.USAGE, _no_such_option(exc))
    except click_exc.UsageError as exc:
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
        return _fail(ExitStatus.USAGE, f"{exc.format_message()}{hint}")
    except typer.Exit as exc:
        return exc.exit_code
    except click_exc.ClickException as exc:
        return _fail(exc.exit_code, exc.format_message())
    except (typer.Abort, KeyboardInterrupt):
        return _fail(ExitStatus.INTERRUPTED, "interrupted")
    except BrokenPipeError:
        return 0


def main() -> None:
    """The iamctl process (see iamctl/__main__.py, which takes over Ctrl-C first)."""
    interrupts.install()  # already done by __main__; here for a console script of an older install
    streams.guard()
    status = run(sys.argv[1:])
    status = streams.finish(status, interrupts.change_saved())
    if interrupts.noted_while_saving() and interrupts.change_saved():
        _fail(status, "Ctrl-C came while the change was being saved; the change is saved and the command finished.")
    interrupts.hold_until_exit()
    sys.exit(status)
