"""Generate the man page and shell completions from the command tree.

    python scripts/gen_docs.py          # write man/iamctl.1 and completions/*
    python scripts/gen_docs.py --check  # exit 1 if they are out of date (the tests do this)

Both are derived from the same Typer/Click objects that parse the command line, so a new
command or option cannot be missing from them once this has run; tests/test_docs.py fails
when someone forgets to.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from iamctl import __version__  # noqa: E402
from iamctl.cli.env import GLOBAL_OPTIONS  # noqa: E402
from iamctl.cli.main import HELP, build_app  # noqa: E402

MAN_PATH = ROOT / "man" / "iamctl.1"
BASH_PATH = ROOT / "completions" / "iamctl.bash"
ZSH_PATH = ROOT / "completions" / "_iamctl"


def command_tree() -> Any:
    import typer

    return typer.main.get_command(build_app([]))


def walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command and group, depth first, in the order --help lists them."""
    yield path, command
    subcommands = getattr(command, "commands", None)
    if subcommands:
        for name in sorted(subcommands):
            yield from walk(subcommands[name], (*path, name))


def _options(command: Any) -> list[Any]:
    return [p for p in command.params if getattr(p, "param_type_name", "") == "option"]


def _arguments(command: Any) -> list[Any]:
    return [p for p in command.params if getattr(p, "param_type_name", "") == "argument"]


def _usage(path: tuple[str, ...], command: Any) -> str:
    parts = ["iamctl", *path]
    for arg in _arguments(command):
        metavar = arg.metavar or arg.name.upper()
        parts.append(metavar if arg.required else f"[{metavar}]")
    if _options(command):
        parts.append("[OPTIONS]")
    return " ".join(parts)


# ---------------------------------------------------------------- man page


def _roff(text: str) -> str:
    lines = []
    for line in text.replace("\\", "\\e").splitlines():
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line.replace("-", "\\-"))
    return "\n".join(lines)


def man_page(tree: Any) -> str:
    out = [
        f'.TH IAMCTL 1 "{date(2026, 11, 28).isoformat()}" "iamctl {__version__}" "User Commands"',
        ".SH NAME",
        "iamctl \\- AWS IAM on your own machine",
        ".SH SYNOPSIS",
        ".B iamctl",
        "[\\fIGLOBAL OPTIONS\\fR] \\fINOUN\\fR \\fIVERB\\fR [\\fIARGUMENTS\\fR] [\\fIOPTIONS\\fR]",
        ".SH DESCRIPTION",
        _roff(HELP.split("\n\nGlobal options")[0]),
        ".SH GLOBAL OPTIONS",
        "Accepted anywhere on the command line, before or after the subcommand.",
    ]
    global_help = {
        "--store": "PATH  The store file (env IAMCTL_STORE; default $XDG_DATA_HOME/iamctl/store.toml).",
        "--account": "ID-OR-ALIAS  The account for this command (env IAMCTL_ACCOUNT).",
        "--output": "table|json|yaml|text|lines  Output format (env IAMCTL_OUTPUT; default table). text and yaml "
                    "are laid out as aws-cli's; lines is one record a line.",
        "-o": "FORMAT  Short for --output.",
        "--query": "JMESPATH  Applied to the JSON shape before formatting.",
        "--no-color": "No colour (also when NO_COLOR is set or stdout is not a terminal).",
    }
    for name in GLOBAL_OPTIONS:
        out += [".TP", f".B {_roff(name)}", _roff(global_help[name])]
    out.append(".SH COMMANDS")
    for path, command in walk(tree):
        if not path or getattr(command, "commands", None):
            continue
        out += [".SS " + _roff(" ".join(path)), ".B " + _roff(_usage(path, command)), ".PP"]
        out.append(_roff((command.help or "").strip()))
        for option in _options(command):
            if option.name == "help":
                continue
            flags = ", ".join(option.opts)
            out += [".TP", f".B {_roff(flags)}", _roff(option.help or "")]
    out += [
        ".SH EXIT STATUS",
        ".TP\n0\nSuccess.",
        '.TP\n1\nA "no" answer: a simulated request was denied, a check failed.',
        ".TP\n2\nUsage error: a bad option or value.",
        ".TP\n3\nRefused by IAM's rules; the message names AWS's error code.",
        ".TP\n4\nStore problem: missing, unreadable, corrupt, or its lock not obtained in time.",
        ".TP\n74\nThe output could not be written (stdout closed or failing);"
        " not used when the command saved a change.",
        ".TP\n130\nInterrupted.",
        ".SH ENVIRONMENT",
        "IAMCTL_STORE, IAMCTL_ACCOUNT, IAMCTL_OUTPUT, NO_COLOR, XDG_DATA_HOME, XDG_CACHE_HOME, IAMCTL_LOCK_TIMEOUT.",
        ".SH FILES",
        ".TP\n~/.local/share/iamctl/store.toml\nThe default store (mode 0600), with its lock file store.toml.lock.",
        ".TP\n~/.cache/iamctl/\nA cache of parsed stores (marshal format), keyed by each file's size, mtime and inode.",
        ".SH EXAMPLES",
        ".nf",
        "iamctl init \\-\\-alias example\\-corp",
        "iamctl group create EC2Admin",
        "iamctl group attach\\-policy EC2Admin AmazonEC2FullAccess",
        "iamctl user create exampleuser1",
        "iamctl group add\\-user EC2Admin exampleuser1",
        "iamctl user list \\-\\-output json \\-\\-query 'Users[].Arn'",
        ".fi",
    ]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- completions


def _completion_table(tree: Any) -> dict[str, str]:
    """'user' → 'create list get ...', 'user create' → '--path --tag ...'."""
    table: dict[str, str] = {}
    for path, command in walk(tree):
        key = " ".join(path)
        subcommands = getattr(command, "commands", None)
        if subcommands:
            table[key] = " ".join(sorted(subcommands))
        else:
            flags = [o for opt in _options(command) for o in opt.opts]
            table[key] = " ".join([*flags, *GLOBAL_OPTIONS])
    return table


def bash_completion(tree: Any) -> str:
    table = _completion_table(tree)
    cases = "\n".join(f'        "{key}") words="{value}" ;;' for key, value in sorted(table.items()))
    return f"""# bash completion for iamctl (generated by scripts/gen_docs.py; do not edit)
# Install: source this file, or copy it to /etc/bash_completion.d/iamctl
_iamctl() {{
    local cur path word words i
    cur="${{COMP_WORDS[COMP_CWORD]}}"
    path=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${{COMP_WORDS[i]}}"
        [[ $word == -* ]] && continue
        if [[ -n $(_iamctl_words "${{path:+$path }}$word") ]]; then
            path="${{path:+$path }}$word"
        fi
    done
    words=$(_iamctl_words "$path")
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}}
_iamctl_words() {{
    local words=""
    case "$1" in
{cases}
    esac
    echo "$words"
}}
complete -o default -F _iamctl iamctl
"""


def zsh_completion() -> str:
    return """#compdef iamctl
# zsh completion for iamctl (generated by scripts/gen_docs.py; do not edit):
# it reuses the bash completion through zsh's bashcompinit.
autoload -U +X bashcompinit && bashcompinit
source "${0:A:h}/iamctl.bash"
"""


def outputs() -> dict[Path, str]:
    tree = command_tree()
    return {MAN_PATH: man_page(tree), BASH_PATH: bash_completion(tree), ZSH_PATH: zsh_completion()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="Fail if the files are out of date.")
    args = parser.parse_args()
    stale = []
    for path, text in outputs().items():
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.relative_to(ROOT))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if stale:
        print("out of date (run python scripts/gen_docs.py): " + ", ".join(map(str, stale)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
