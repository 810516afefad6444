"""Helpers for the foundation tests: policy documents on disk, checked CLI calls."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ACCOUNT = "123456789012"

S3_READ = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}],
}


@pytest.fixture
def doc(tmp_path: Path):
    """doc(obj_or_text, name) → path of a file holding the policy document."""
    counter = iter(range(1_000_000))

    def write(content: dict | str = S3_READ, name: str | None = None) -> str:
        path = tmp_path / (name or f"doc{next(counter)}.json")
        path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2))
        return str(path)

    return write


@pytest.fixture
def ok(cli, account):
    """ok(*argv) runs the CLI in a store with account 123456789012 and asserts exit 0."""

    def run(*argv: str, stdin: str | None = None):
        result = cli(*argv, stdin=stdin)
        assert result.code == 0, (argv, result.err)
        return result

    return run


@pytest.fixture
def jcli(ok):
    """jcli(*argv) → the JSON the command printed (exit 0 asserted)."""

    def run(*argv: str, stdin: str | None = None):
        return ok(*argv, "--output", "json", stdin=stdin).json()

    return run


def fails(result, code: int, line: str) -> None:
    """An error: exit *code*, nothing on stdout, exactly one line *line* on stderr."""
    assert (result.code, result.out, result.err) == (code, "", line + "\n")


def walk_pages(jcli, argv: list[str], names, first_key: str, max_items: int,
               page_size: int | None) -> tuple[dict[str, list[str]], int]:
    """Follow NextToken from the first page of ``jcli(*argv)`` with --max-items (and
    --page-size); (every page's names(page) joined per key, pages read). Each page holds at
    most *max_items* of *first_key*'s items, as botocore's paginator counts them."""
    seen: dict[str, list[str]] = {}
    token, calls = None, 0
    while True:
        paging = ["--max-items", str(max_items)] + (["--page-size", str(page_size)] if page_size else [])
        page = jcli(*argv, *paging, *(["--starting-token", token] if token else []))
        assert len(page[first_key]) <= max_items
        for key, found in names(page).items():
            seen.setdefault(key, []).extend(found)
        token, calls = page.get("NextToken"), calls + 1
        if token is None:
            return seen, calls
