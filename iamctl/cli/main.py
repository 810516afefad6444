"""Entry point: lift global options, load only the noun being run, map errors to exit codes."""

from __future__ import annotations

import contextlib
import copy
import importlib
import sys

import typer

from iamctl import __version__
from iamctl.cli.env import GlobalOptionError, set_current, split_globals
from iamctl.core.errors import ExitStatus, IamError

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
    "access": ("iamctl.cli.access", "Who can, what can, what changed, escalation paths, the account as a graph."),
}

HELP = """AWS IAM on your own machine.

One TOML file holds one or more AWS-style accounts; iamctl manages IAM in them the way
AWS does.

Global options (anywhere on the line): --store PATH (env IAMCTL_STORE), --account ID-OR-ALIAS
(env IAMCTL_ACCOUNT), --output table|json|text (env IAMCTL_OUTPUT), --query JMESPATH,
--no-color.

Exit codes: 0 success; 1 a "no" answer (denied, check failed); 2 usage error; 3 refused by
IAM's rules (an AWS error code); 4 store problem (missing, unreadable, corrupt, lock not
obtained); 130 interrupted.

Example: iamctl init && iamctl user create alice && iamctl user list --output json
"""


def _version(value: bool) -> None:
    if value:
        print(f"iamctl {__version__}")
        raise typer.Exit()


def build_app(argv: list[str]) -> typer.Typer:
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


def run(argv: list[str]) -> int:
    from typer._click import exceptions as click_exc

    try:
        env, rest = split_globals(argv)
    except GlobalOptionError as exc:
        return _fail(ExitStatus.USAGE, str(exc))
    set_current(env)
    if rest[:1] == ["--version"]:  # answered before loading any command
        print(f"iamctl {__version__}")
        return ExitStatus.OK
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
        return result if isinstance(result, int) else 0
    except IamError as exc:
        return _fail(exc.exit_status, f"{exc.code}: {exc.message}")
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
    status = run(sys.argv[1:])
    with contextlib.suppress(BrokenPipeError):
        sys.stdout.flush()
    sys.exit(status)
