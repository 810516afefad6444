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
# Named as each shell's directory for packages wants them (the wheel installs them there).
BASH_PATH = ROOT / "completions" / "iamctl"
ZSH_PATH = ROOT / "completions" / "_iamctl"
FISH_PATH = ROOT / "completions" / "iamctl.fish"
SPEC_PATH = ROOT / "iamctl" / "data" / "completion.json"


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
    from typer._click import Context

    from iamctl.cli.help import usage

    ctx = Context(command, info_name=" ".join(("iamctl", *path)))
    return usage(command, ctx)


# ---------------------------------------------------------------- man page

# Every environment variable iamctl reads, for the ENVIRONMENT section; tests/test_docs.py
# fails when the code reads one that is not here.
ENVIRONMENT = {
    "IAMCTL_STORE": "The store file, as --store.",
    "IAMCTL_ACCOUNT": "The account to act in, as --account.",
    "IAMCTL_OUTPUT": "The output format, as --output.",
    "IAMCTL_LOCK_TIMEOUT": "Seconds a write waits for another iamctl's lock on the store before it gives up "
    "with exit status 4 (default 10).",
    "NO_COLOR": "When set (to anything), no colour in tables or help.",
    "XDG_DATA_HOME": "Where the default store lives: $XDG_DATA_HOME/iamctl/store.toml (default ~/.local/share).",
    "XDG_CACHE_HOME": "Where the caches live: $XDG_CACHE_HOME/iamctl (default ~/.cache).",
    "AWS_ACCESS_KEY_ID": "With AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for a role session): the credentials "
    "whoami, simulate principal with no PRINCIPAL and role assume without --as act as, checked against the store.",
    "AWS_SECRET_ACCESS_KEY": "The secret of AWS_ACCESS_KEY_ID.",
    "AWS_SESSION_TOKEN": "The session token of a role session's credentials (never needed on the command line).",
    "AWS_PROFILE": "The profile of the shared credentials file to act as when no keys are in the environment "
    "(as --profile; default: default).",
    "AWS_SHARED_CREDENTIALS_FILE": "The shared credentials file (default ~/.aws/credentials), the format "
    "'key create --format credentials-file' writes.",
    "AWS_CONFIG_FILE": "aws-cli's config file (default ~/.aws/config); its [profile NAME] sections are read too.",
    "COLUMNS": "The width help is wrapped to when it cannot be read from the terminal (at most 100).",
}
MAN_WIDTH = 78  # what man fills in an 80-column terminal; examples are indented 11 of it


def _roff(text: str) -> str:
    lines = []
    for line in text.replace("\\", "\\e").splitlines():
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line.replace("-", "\\-"))
    return "\n".join(lines)


def _man_help(text: str) -> list[str]:
    """A command's docstring as roff: paragraphs filled by man, blocks kept as written,
    examples as unfilled lines cut only between options (``help.wrap_command``), so man
    never breaks (or hyphenates) inside an option at a line end."""
    from iamctl.cli.help import parse_doc, wrap_command

    doc = parse_doc(text)
    out: list[str] = []
    for i, paragraph in enumerate(doc.prose):
        if i:
            out.append(".PP")
        if i in doc.preformatted:
            out += [".nf", _roff(paragraph), ".fi"]
        else:
            out.append(_roff(paragraph))
    if doc.examples:
        out += [".PP", "Example:" if len(doc.examples) == 1 else "Examples:", ".RS 4", ".nf"]
        for example in doc.examples:
            out += [_roff(line) for line in wrap_command(example, MAN_WIDTH - 10, indent="    ")]
        out += [".fi", ".RE"]
    return out


def man_page(tree: Any) -> str:
    from iamctl.cli.help import GLOBAL_HELP, global_names

    out = [
        f'.TH IAMCTL 1 "{date(2026, 11, 28).isoformat()}" "iamctl {__version__}" "User Commands"',
        '.\\" no hyphenation, ragged right: an option split at a line end cannot be typed back',
        ".nh",
        ".ad l",
        ".SH NAME",
        "iamctl \\- AWS IAM on your own machine",
        ".SH SYNOPSIS",
        ".B iamctl",
        "[\\fIGLOBAL OPTIONS\\fR] \\fINOUN\\fR \\fIVERB\\fR [\\fIARGUMENTS\\fR] [\\fIOPTIONS\\fR]",
        ".SH DESCRIPTION",
        *_man_help(HELP.split("\n\nExit codes")[0]),
        ".SH GLOBAL OPTIONS",
        "Accepted anywhere on the command line, before or after the subcommand.",
    ]
    for name, (metavar, text) in GLOBAL_HELP.items():
        names = ", ".join(global_names(name))
        out += [".TP", f".B {_roff(names)}" + (f" \\fI{_roff(metavar)}\\fR" if metavar else ""), _roff(text)]
    out.append(".SH COMMANDS")
    for path, command in walk(tree):
        if not path or getattr(command, "commands", None):
            continue
        out += [".SS " + _roff(" ".join(path)), ".B " + _roff(_usage(path, command)), ".PP"]
        out += _man_help(command.help or "")
        for param in command.params:
            if param.name == "help":
                continue
            is_option = param.param_type_name == "option"
            flags = ", ".join(param.opts) if is_option else (param.metavar or param.name.upper())
            out += [".TP", f".B {_roff(flags)}", _roff((param.help or "").replace("\n", " "))]
    out += [
        ".SH EXIT STATUS",
        ".TP\n0\nSuccess.",
        '.TP\n1\nA "no" answer: a simulated request was denied, a check failed.',
        ".TP\n2\nUsage error: a bad option or value.",
        ".TP\n3\nRefused by IAM's rules; the message names AWS's error code.",
        ".TP\n4\nStore problem: missing, unreadable, corrupt, or its lock not obtained in time.",
        ".TP\n74\nThe output could not be written (stdout closed or failing); not used when the command"
        " saved a change.",
        ".TP\n130\nInterrupted (Ctrl\\-C) before the change was being saved: nothing was changed.",
        ".SH ENVIRONMENT",
    ]
    for name, text in ENVIRONMENT.items():
        out += [".TP", f".B {name}", _roff(text)]
    out += [
        ".SH FILES",
        ".TP\n.I ~/.local/share/iamctl/store.toml",
        "The default store (mode 0600): every account, one TOML file; writes take an flock on the file"
        " itself, at a symbolic link's target (\\fBiamctl store path \\-\\-output json\\fR names it).",
        ".TP\n.I ~/.cache/iamctl/",
        "A cache of parsed stores, keyed by each file's size, mtime and inode, and the names shell"
        " completion offers. Safe to delete.",
        ".TP\n.I PREFIX/share/bash\\-completion/completions/iamctl, PREFIX/share/zsh/site\\-functions/_iamctl, "
        "PREFIX/share/fish/vendor_completions.d/iamctl.fish",
        "Shell completion, installed with the package (\\fBiamctl completion\\fR prints them).",
        ".SH EXAMPLES",
        ".nf",
        "iamctl init \\-\\-alias example\\-corp",
        "iamctl group create EC2Admin",
        "iamctl group attach\\-policy EC2Admin AmazonEC2FullAccess",
        "iamctl user create exampleuser1",
        "iamctl group add\\-user EC2Admin exampleuser1",
        "iamctl user list \\-\\-output json \\-\\-query 'Users[].Arn'",
        ".fi",
        ".SH SEE ALSO",
        ".BR aws (1),",
        "the AWS IAM User Guide (https://docs.aws.amazon.com/IAM/latest/UserGuide/) and its policy evaluation"
        " logic (reference_policies_evaluation\\-logic.html); the README in iamctl's source.",
    ]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- completions


def value_kind(param: Any, path: tuple[str, ...] = ()) -> str | None:
    """What a parameter's value is, for TAB: None (a flag), "" (free text), "file",
    "choice:a,b", or a kind of name from the store (cli/complete.py)."""
    from iamctl.cli.complete import KIND_BY_COMMAND_OPTION, KIND_BY_METAVAR, KIND_BY_OPTION

    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return None
    if param.param_type_name == "option":
        here = " ".join((*path, param.opts[0]))
        if here in KIND_BY_COMMAND_OPTION:
            return KIND_BY_COMMAND_OPTION[here]
        if param.opts[0] in KIND_BY_OPTION:
            return KIND_BY_OPTION[param.opts[0]]
    metavar = (param.metavar or "").strip("[]").removesuffix("...")
    if metavar in KIND_BY_METAVAR:
        return KIND_BY_METAVAR[metavar]
    if metavar.startswith("FILE") or metavar.endswith("FILE"):
        return "file"
    choices = getattr(param.type, "choices", None)
    if choices:
        return "choice:" + ",".join(map(str, choices))
    if "|" in metavar and " " not in metavar and metavar != "-":
        return "choice:" + ",".join(metavar.split("|"))
    return ""


def completion_spec(tree: Any) -> dict[str, Any]:
    """The command tree as cli/complete.py reads it: for each command path, its
    sub-commands, its options with the kind of value each takes, its arguments' kinds."""

    commands: dict[str, Any] = {}
    for path, command in walk(tree):
        node: dict[str, Any] = {}
        subcommands = getattr(command, "commands", None)
        if subcommands:
            node["sub"] = sorted(subcommands)
        opts: dict[str, str | None] = {}
        for option in _options(command):
            for flag in option.opts:
                opts[flag] = value_kind(option, path)
        if path:
            opts.setdefault("--help", None)
        node["opts"] = opts
        arguments = _arguments(command)
        if arguments:
            node["args"] = [value_kind(a, path) or "" for a in arguments]
            if arguments[-1].nargs != 1:
                node["repeat"] = True
        commands[" ".join(path)] = node
    from iamctl.cli.env import OUTPUTS

    by_attr = {"store": "file", "account": "account", "output": "choice:" + ",".join(OUTPUTS)}
    global_kinds = {name: (by_attr.get(attr, "") if takes else None) for name, (attr, takes) in GLOBAL_OPTIONS.items()}
    return {"generated_by": "scripts/gen_docs.py", "globals": global_kinds, "commands": commands}


def outputs() -> dict[Path, str]:
    import json

    from iamctl.cli.completion import SCRIPTS

    tree = command_tree()
    spec = json.dumps(completion_spec(tree), indent=1, sort_keys=True) + "\n"
    return {
        MAN_PATH: man_page(tree),
        SPEC_PATH: spec,
        BASH_PATH: SCRIPTS["bash"],
        ZSH_PATH: SCRIPTS["zsh"],
        FISH_PATH: SCRIPTS["fish"],
    }


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
