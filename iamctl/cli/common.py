"""What every command shares: the store, the account, documents, output."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from iamctl.cli import render
from iamctl.cli.env import current
from iamctl.core.errors import UsageError
from iamctl.core.model import Account, StoreData


def store():
    from iamctl.core.store import Store

    return Store(current().store_path())


def read() -> StoreData:
    return store().read()


def read_account() -> tuple[StoreData, Account]:
    from iamctl.core.service import accounts

    data = read()
    return data, accounts.resolve(data, current().account_selector())


@contextlib.contextmanager
def write() -> Iterator[StoreData]:
    with store().transaction() as data:
        yield data
    current().wrote = True


@contextlib.contextmanager
def write_account() -> Iterator[Account]:
    from iamctl.core.service import accounts

    with store().transaction() as data:
        yield accounts.resolve(data, current().account_selector())
    current().wrote = True


@contextlib.contextmanager
def write_store_account() -> Iterator[tuple[StoreData, Account]]:
    """A transaction on the whole store, and the acting account in it (for commands whose
    rules span accounts, such as billing)."""
    from iamctl.core.service import accounts

    with store().transaction() as data:
        yield data, accounts.resolve(data, current().account_selector())
    current().wrote = True


def emit(data: Any, readable: Any = None) -> None:
    current().spoke = True
    render.emit(current(), data, readable)


def emit_file(text: str) -> None:
    """Data in a file format of its own (CSV for spreadsheets), written as it is."""
    current().spoke = True
    current().stdout.write(text)


def info(message: str) -> None:
    current().info(message)


def report_removed(removed: list[str]) -> None:
    for line in removed:
        info(f"removed {line}")


# aws-cli's ways to give a parameter's value from a file: file:// as text, fileb:// as bytes
# (a policy document is UTF-8 either way).
FILE_PREFIXES = ("file://", "fileb://")


def read_document(source: str) -> str:
    """A policy document as aws-cli takes one: ``file://PATH``, ``fileb://PATH``, inline JSON
    (a value starting with ``{``), ``-`` for stdin, or a plain path."""
    if source == "-":
        return sys.stdin.read() if current().stdin is sys.stdin else current().stdin.read()
    if source.lstrip().startswith("{"):
        return source
    path = _document_path(source)
    if not path.strip():
        raise UsageError("No file name given: a document is a path, file://PATH, fileb://PATH, inline JSON "
                         "({...}) or - for stdin.")
    try:
        return Path(path).read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise UsageError(f"No such file: {path}", "NoSuchFile") from None
    except UnicodeDecodeError:
        raise UsageError(f"Cannot read {path}: not UTF-8 text", "UnreadableFile") from None
    except OSError as exc:
        raise UsageError(f"Cannot read {path}: {exc.strerror or exc}", "UnreadableFile") from None


def _document_path(source: str) -> str:
    for prefix in FILE_PREFIXES:
        if source.startswith(prefix):
            # aws-cli expands ~ and $VARS in a file:// path (the shell does not, after the prefix)
            return os.path.expandvars(os.path.expanduser(source[len(prefix):]))
    return source


def document_name(source: str, stdin_name: str) -> str:
    """A short name for a document in explanations: its file's name, else *stdin_name*."""
    if source == "-" or source.lstrip().startswith("{"):
        return stdin_name
    return Path(_document_path(source)).name


def parse_tags(values: list[str] | None) -> dict[str, str]:
    from iamctl.core.service.tags import parse_tag

    return dict(parse_tag(v) for v in values or [])
