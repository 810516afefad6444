"""What every command shares: the store, the account, documents, output."""

from __future__ import annotations

import codecs
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from iamctl.cli import interrupts, render
from iamctl.cli.env import current
from iamctl.core.errors import UsageError, validation_error
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


def peek() -> StoreData | None:
    """The store as read now, without the lock, or None when it cannot be read (the write
    that follows says why): for the costly work a write does before it locks the store
    (hashing and checking secrets). Quiet: warnings are the write's to give."""
    from iamctl.core.errors import IamError, StoreError
    from iamctl.core.store import Store

    try:
        return Store(current().store_path(), warn=lambda _message: None).read()
    except (IamError, StoreError, UsageError, OSError):
        return None


def peek_account() -> Account | None:
    """The acting account as ``peek()`` reads it, or None."""
    from iamctl.core.errors import IamError
    from iamctl.core.service import accounts

    data = peek()
    try:
        return accounts.resolve(data, current().account_selector()) if data is not None else None
    except (IamError, UsageError):
        return None


@contextlib.contextmanager
def _transaction() -> Iterator[StoreData]:
    """A store transaction. Once its body is done the write begins, and from then on
    Ctrl-C no longer stops the command (see interrupts.py): a change is either not made
    and the command exits 130, or made and reported as made."""
    target = store()
    with target.transaction() as data:
        yield data
        interrupts.begin_save()
    interrupts.saved()
    from iamctl.core import completion

    completion.refresh_after_write(str(target.path), data)  # the names TAB offers follow the store


def create_store(data: StoreData) -> None:
    """Write a new store (init), held against Ctrl-C like any other write."""
    target = store()
    interrupts.begin_save()
    target.create(data)
    interrupts.saved()


@contextlib.contextmanager
def write() -> Iterator[StoreData]:
    with _transaction() as data:
        yield data
    current().wrote = True


@contextlib.contextmanager
def write_account() -> Iterator[Account]:
    from iamctl.core.service import accounts

    with _transaction() as data:
        yield accounts.resolve(data, current().account_selector())
    current().wrote = True


@contextlib.contextmanager
def write_store_account() -> Iterator[tuple[StoreData, Account]]:
    """A transaction on the whole store, and the acting account in it (for commands whose
    rules span accounts, such as billing)."""
    from iamctl.core.service import accounts

    with _transaction() as data:
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

# IAM's API takes a policy document of at most 131,072 characters (128 KiB: the length
# constraint of PolicyDocument in every IAM action) and any policy type's own quota is far
# below (10,240 for a role's inline policies). A bigger input is refused before it is
# parsed: a 13.8 MB one took `policy validate` minutes.
POLICY_DOCUMENT_LIMIT = 131_072


def read_document(source: str, limit: int | None = POLICY_DOCUMENT_LIMIT, parameter: str = "policyDocument") -> str:
    """A policy document as aws-cli takes one: ``file://PATH``, ``fileb://PATH``, inline JSON
    (a value starting with ``{``), ``-`` for stdin, or a plain path. Longer than *limit*
    characters (None: no limit), it is refused as AWS refuses *parameter*."""
    size = -1 if limit is None else limit + 1  # one more, to know it is too long
    if source == "-":
        text = sys.stdin.read(size) if current().stdin is sys.stdin else current().stdin.read(size)
        if not text.isascii() and _has_surrogate(text):  # bytes that were not UTF-8, kept as escapes
            raise UsageError("Cannot read stdin: not UTF-8 text", "UnreadableFile")
    elif source.lstrip().startswith("{"):
        text = source
    else:
        path = _document_path(source)
        if not path.strip():
            raise UsageError("No file name given: a document is a path, file://PATH, fileb://PATH, inline JSON "
                             "({...}) or - for stdin.")
        try:
            with open(path, "rb") as fh:
                # A read cut at 4 * size bytes may end inside a character: the incremental
                # decoder keeps such an unfinished end instead of calling it not UTF-8.
                text = fh.read().decode("utf-8") if size < 0 else _utf8_decoder().decode(fh.read(4 * size))
        except FileNotFoundError:
            raise UsageError(f"No such file: {path}", "NoSuchFile") from None
        except UnicodeDecodeError:
            raise UsageError(f"Cannot read {path}: not UTF-8 text", "UnreadableFile") from None
        except OSError as exc:
            raise UsageError(f"Cannot read {path}: {exc.strerror or exc}", "UnreadableFile") from None
    if limit is not None and len(text) > limit:
        where = "stdin" if source == "-" else "the inline document" if source.lstrip().startswith("{") else source
        raise validation_error(
            f"1 validation error detected: Value at '{parameter}' failed to satisfy constraint: Member must have "
            f"length less than or equal to {limit} ({where} holds more than {limit:,} characters, "
            f"{limit // 1024} KiB; nothing was parsed)."
        )
    return text


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")  # at C speed: a usage file from stdin may be megabytes
    except UnicodeEncodeError:
        return True
    return False


def _utf8_decoder() -> codecs.IncrementalDecoder:
    return codecs.getincrementaldecoder("utf-8")()


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
