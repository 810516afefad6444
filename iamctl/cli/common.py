"""What every command shares: the store, the account, documents, output."""

from __future__ import annotations

import contextlib
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

    return Store(current().store_path(), warn=current().info)


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


@contextlib.contextmanager
def write_account() -> Iterator[Account]:
    from iamctl.core.service import accounts

    with store().transaction() as data:
        yield accounts.resolve(data, current().account_selector())


@contextlib.contextmanager
def write_store_account() -> Iterator[tuple[StoreData, Account]]:
    """A transaction on the whole store, and the acting account in it (for commands whose
    rules span accounts, such as billing)."""
    from iamctl.core.service import accounts

    with store().transaction() as data:
        yield data, accounts.resolve(data, current().account_selector())


def emit(data: Any, readable: Any = None) -> None:
    render.emit(current(), data, readable)


def emit_file(text: str) -> None:
    """Data in a file format of its own (CSV for spreadsheets), written as it is."""
    current().stdout.write(text)


def info(message: str) -> None:
    current().info(message)


def report_removed(removed: list[str]) -> None:
    for line in removed:
        info(f"removed {line}")


def read_document(source: str) -> str:
    """A policy document from a file, or from stdin for '-'."""
    if source == "-":
        return sys.stdin.read() if current().stdin is sys.stdin else current().stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"No such file: {source}", "NoSuchFile") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"Cannot read {source}: {exc}", "UnreadableFile") from None


def parse_tags(values: list[str] | None) -> dict[str, str]:
    from iamctl.core.service.tags import parse_tag

    return dict(parse_tag(v) for v in values or [])
