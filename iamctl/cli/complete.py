"""`iamctl __complete -- WORD ...`: what a shell's TAB offers, one candidate a line.

The bash, zsh and fish scripts (``iamctl completion SHELL``) are thin: they pass the
words typed so far, the last one being the word under the cursor, and show what comes
back. Everything else lives here, so the three shells offer the same things.

The command tree comes from ``iamctl/data/completion.json``, which ``scripts/gen_docs.py``
writes from the Typer app, so a TAB never imports Typer: it would cost more than the
150 ms a TAB may take. The first line of the answer tells the shell what to do:

- ``words``: the lines that follow are the candidates;
- ``nospace``: the same, but the word goes on (``ec2:`` is followed by an action name);
- ``files``: complete file names as the shell does.

A candidate may carry a description after a tab (an OU's name, an account's alias), which
zsh and fish show beside it and bash leaves out.
"""

from __future__ import annotations

import os
import sys
from typing import Any

# How the Typer parameters' metavars and option names map to kinds of value (used by
# scripts/gen_docs.py when it writes the spec; kept here beside the code that reads it).
KIND_BY_OPTION = {
    "--action": "action", "--as": "principal", "--target": "target", "--to": "target", "--from": "target",
    "--parent": "target", "--access-key-id": "access-key", "--role": "role", "--resource-account": "account-id",
    "--trust-account": "account-id", "--trust-service": "service-principal", "--trust-saml": "idp",
    "--trust-web-identity": "idp",
}
# Options whose meaning depends on the command (`--service` is a price list's service here,
# a service principal for `role assume`).
KIND_BY_COMMAND_OPTION = {
    "billing usage add --service": "priced-service", "billing usage add --usage-type": "usage-type",
    "role assume --service": "service-principal",
}
KIND_BY_METAVAR = {
    "USER": "user", "GROUP": "group", "ROLE": "role", "PROFILE": "instance-profile", "POLICY": "policy",
    "ID-OR-ALIAS": "account", "ALIAS": "alias", "KEY_ID": "access-key", "SCP": "scp", "OU_ID": "ou",
    "ACCOUNT_ID": "account-id", "PRINCIPAL": "principal", "PROVIDER": "idp", "NAME|ARN": "idp",
    "HANDSHAKE_ID": "handshake", "PATH": "file", "FILE": "file",
}


def spec_path() -> str:
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "completion.json")


def load_spec() -> dict[str, Any]:
    import json

    with open(spec_path(), "rb") as f:
        return json.load(f)


class Line:
    """The words before the cursor, read as the parser will read them."""

    def __init__(self, spec: dict[str, Any], words: list[str]) -> None:
        self.spec = spec
        self.path: list[str] = []
        self.positional = 0
        self.store: str | None = None
        self.account: str | None = None
        self.pending: str | None = None  # an option whose value comes next
        self.values: dict[str, str] = {}  # option → the value given on the line
        for word in words:
            self._read(word)

    @property
    def node(self) -> dict[str, Any]:
        return self.spec["commands"].get(" ".join(self.path), {})

    def option_kind(self, name: str) -> str | None:
        """The kind of value *name* takes; None for a flag or an option we do not know."""
        options = {**self.spec["globals"], **self.node.get("opts", {})}
        return options.get(name)

    def _read(self, word: str) -> None:
        if self.pending is not None:
            self._remember(self.pending, word)
            self.pending = None
            return
        if word.startswith("-") and word != "-":
            name, eq, value = word.partition("=")
            if eq:
                self._remember(name, value)
            elif self.option_kind(name) is not None:
                self.pending = name
            return
        if self.positional == 0 and word in self.node.get("sub", []):
            self.path.append(word)
            return
        if not self.path and self.positional == 0 and word == "help":
            return  # `iamctl help user cr<TAB>` completes as `iamctl user cr<TAB>`
        self.positional += 1

    def _remember(self, option: str, value: str) -> None:
        self.values[option] = value
        if option == "--store":
            self.store = value
        elif option == "--account":
            self.account = value


def complete(words: list[str], env: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """(directive, candidates) for the command line *words* (after ``iamctl``); the last
    word is the one being completed (empty after a blank)."""
    env = dict(os.environ) if env is None else env
    spec = load_spec()
    *before, current = words or [""]
    line = Line(spec, before)
    if line.pending is not None:
        return values(line, line.option_kind(line.pending) or "", current, env)
    if current.startswith("-"):
        name, eq, value = current.partition("=")
        if eq:
            directive, found = values(line, line.option_kind(name) or "", value, env)
            return directive, [f"{name}={v}" for v in found]
        options = [*line.node.get("opts", {}), *spec["globals"]]
        return "words", [o for o in options if o.startswith(current)]
    sub = line.node.get("sub", [])
    if not line.path and "help" not in before:
        sub = sorted([*sub, "help"])
    if sub and line.positional == 0:
        return "words", [s for s in sub if s.startswith(current)]
    args = line.node.get("args", [])
    if not args:
        return "words", []
    index = line.positional if line.positional < len(args) else (len(args) - 1 if line.node.get("repeat") else None)
    if index is None:
        return "words", []
    return values(line, args[index], current, env)


def values(line: Line, kind: str, prefix: str, env: dict[str, str]) -> tuple[str, list[str]]:
    from iamctl.core import completion

    if kind == "file":
        return "files", []
    if kind.startswith("choice:"):
        return "words", completion.matching(kind[len("choice:") :].split(","), prefix)
    if kind == "action":
        found = completion.actions(prefix)
        return ("nospace" if found and all(f.endswith(":") for f in found) else "words"), found
    if kind in ("priced-service", "usage-type"):
        return "words", completion.matching(_priced(line, kind), prefix)
    if kind == "service-principal":
        from iamctl.core.suggest import SERVICE_PRINCIPALS

        return "words", completion.matching(SERVICE_PRINCIPALS, prefix)
    names = completion.store_names(_store_path(line, env))
    if names is None:
        return "words", completion.matching(completion.aws_managed_policy_names(), prefix) if kind == "policy" else []
    account = completion.select_account(names, line.account or env.get("IAMCTL_ACCOUNT") or None)
    org = names.get("org", {})
    # What zsh and fish show beside a value: an OU's name, an account's alias or ID.
    about: dict[str, str] = dict(org.get("ou", {}))
    for account_id, entry in names["accounts"].items():
        if entry.get("alias"):
            about[account_id] = entry["alias"]
            about[entry["alias"]] = account_id
    found: list[str]
    if kind == "account":
        found = [*names["accounts"], *(a["alias"] for a in names["accounts"].values() if a.get("alias"))]
    elif kind == "account-id":
        found = list(names["accounts"])
    elif kind == "alias":
        found = [account["alias"]] if account.get("alias") else []
    elif kind == "policy":
        found = [*account.get("policy", []), *completion.aws_managed_policy_names()]
    elif kind == "principal":
        found = [*account.get("user", []), *(f"group/{g}" for g in account.get("group", []))]
    elif kind == "target":
        found = [*org.get("root", []), *org.get("ou", {}), *names["accounts"]]
    elif kind in ("scp", "ou"):
        found = list(org.get(kind, []))
    elif kind == "handshake":
        found = list(names.get("handshake", []))
    else:
        found = list(account.get(kind, []))
    return "words", [f"{v}\t{about[v]}" if v in about else v for v in completion.matching(found, prefix)]


def _priced(line: Line, kind: str) -> list[str]:
    """Services, or a service's usage types, the price list prices (the built-in one, or
    --prices FILE from the line): `billing usage add` takes only those."""
    import tomllib

    path = line.values.get("--prices") or os.path.join(os.path.dirname(spec_path()), "prices.toml")
    try:
        with open(os.path.expanduser(path), "rb") as f:
            entries = tomllib.load(f).get("prices", [])
    except (OSError, ValueError):
        return []
    service = line.values.get("--service")
    if kind == "priced-service":
        return sorted({e.get("service", "") for e in entries} - {""})
    return sorted(e.get("usage_type", "") for e in entries if service in (None, e.get("service")))


def _store_path(line: Line, env: dict[str, str]) -> str:
    chosen = line.store or env.get("IAMCTL_STORE")
    if chosen:
        return os.path.expanduser(chosen)
    base = env.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "iamctl", "store.toml")


def run_complete(argv: list[str]) -> int:
    """``__complete [--] WORD ...``: print the directive, then the candidates."""
    words = argv[1:] if argv[:1] == ["--"] else argv
    try:
        directive, found = complete(words)
    except Exception:  # a TAB must never print a traceback into the user's line
        return 0
    try:
        sys.stdout.write("".join(f"{line}\n" for line in (directive, *found)))
        sys.stdout.flush()
    except BrokenPipeError:  # a reader that stopped early (| head): nothing to say about it
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error again at exit
    return 0


def main() -> None:
    """The console script: a TAB is answered before Typer is imported; anything else runs
    the CLI."""
    if sys.argv[1:2] == ["__complete"]:
        sys.exit(run_complete(sys.argv[2:]))
    from iamctl.cli.main import main as run_cli

    run_cli()
