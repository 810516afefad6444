"""iamctl store check|path: the store file itself, for CI and for people looking for it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator

import typer

from iamctl.cli.common import emit, emit_file, info, store

app = typer.Typer(no_args_is_help=True)


@app.command("check")
def check() -> None:
    """Validate the store as CI would: it parses, every field has its type, every reference
    resolves and every policy document is valid. Exit 0 when it is sound, 4 with the first
    problem otherwise.

    The check reads the file itself, never the cache of an earlier read, so a hand edit
    made in the same second as the last write cannot hide behind it.

    Example: iamctl --store iam/store.toml store check && echo 'store is valid'
    """
    with _no_cache():
        target = store()  # made inside: the store names its cache file when it is made
        data = target.read()
    accounts = len(data.accounts)
    users = sum(len(a.users) for a in data.accounts.values())
    emit({"Path": str(target.path), "Valid": True, "Accounts": accounts, "Users": users})
    info(f"{target.path}: valid ({accounts} account{'s' if accounts != 1 else ''}).")


@app.command("path")
def path() -> None:
    """Print the path of the store in use (from --store, IAMCTL_STORE, or the default),
    whether or not it exists yet; with --output json, where it came from and the file writes
    lock and replace (a symbolic link's target: the lock is taken on that file's directory).

    Example: git add "$(iamctl store path)"
    """
    from iamctl.cli.env import current

    env = current()
    target = store()
    if env.output_format() != "json" and not env.query:
        emit_file(f"{target.path}\n")
        return
    source = "--store" if env.store else "IAMCTL_STORE" if os.environ.get("IAMCTL_STORE") else "default"
    emit(
        {
            "Path": str(target.path),
            "Source": source,
            "Exists": target.path.exists(),
            "LockedFile": str(target.file),
        }
    )


@contextlib.contextmanager
def _no_cache() -> Iterator[None]:
    """Read through an empty cache directory (the store's cache is under XDG_CACHE_HOME)."""
    old = os.environ.get("XDG_CACHE_HOME")
    with tempfile.TemporaryDirectory(prefix="iamctl-check-") as tmp:
        os.environ["XDG_CACHE_HOME"] = tmp
        try:
            yield
        finally:
            if old is None:
                os.environ.pop("XDG_CACHE_HOME", None)
            else:
                os.environ["XDG_CACHE_HOME"] = old


def register(parent: typer.Typer, name: str, help: str) -> None:
    parent.add_typer(app, name=name, help=help)
