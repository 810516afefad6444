"""--max-items, --starting-token and --page-size on list commands, as aws-cli's paginators.

A list command gets the three options from the ``@paginated("Users")`` decorator; emit()
then prints the slice they ask for:

- JSON (and YAML) holds the items, the response's other keys, and ``NextToken`` when items
  are left: pass it to ``--starting-token`` to go on (aws-cli's build_full_result);
- text prints page by page (``--page-size`` items each, IAM's default page is 100), with
  --query applied to each page and a ``NEXTTOKEN`` row at the end, as aws-cli does.

The token is opaque (base64 of a small JSON object) and stable: the same listing resumed
from the same place always gives the same token.
"""

from __future__ import annotations

import base64
import binascii
import functools
import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import typer

from iamctl.cli.env import current
from iamctl.core.errors import IamError, UsageError

# IAM's MaxItems: 1..1000, 100 when not given (what a page holds when --page-size is not set).
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


@dataclass
class Pages:
    """What text output prints: the pages, then the token to resume from (if any)."""

    parts: list[dict] = field(default_factory=list)
    next_token: str | None = None


@dataclass
class Paging:
    result_key: str
    max_items: int | None = None
    starting_token: str | None = None
    page_size: int | None = None
    default_page: int = DEFAULT_PAGE_SIZE

    def apply(self, data: dict) -> tuple[dict, Pages]:
        """The full result aws-cli builds (items first, then the rest, then NextToken) and
        the pages text output prints."""
        items = data.get(self.result_key) or []
        start = decode_token(self.starting_token, self.result_key) if self.starting_token else 0
        end = len(items) if self.max_items is None else min(len(items), start + self.max_items)
        chosen = items[start:end]
        token = encode_token(self.result_key, end) if end < len(items) else None
        rest = {k: v for k, v in data.items() if k != self.result_key}
        full: dict[str, Any] = {self.result_key: chosen, **rest}
        if token:
            full["NextToken"] = token
        size = self.page_size or self.default_page
        parts = [{**rest, self.result_key: chosen[:size]}]
        parts.extend({self.result_key: chosen[i:i + size]} for i in range(size, len(chosen), size))
        return full, Pages(parts, token)


@dataclass
class MultiKeyPaging:
    """aws-cli's paginator for an operation with several result keys (GetAccountAuthorizationDetails:
    UserDetailList, GroupDetailList, RoleDetailList, Policies), as botocore's PageIterator does it.

    The service returns the lists' items in that order, --page-size items a page, each
    page split by list. --max-items counts the FIRST key's items only; a page's other lists
    come whole. When the first key's items run past --max-items inside a page, the one
    NextToken names that page plus how many of its first-key items were already shown
    (botocore's boto_truncate_amount); resuming there gives the rest of those items and
    empty other lists, then goes on page by page. (botocore also empties the other lists of
    the first page after a token that falls on a page boundary, losing them; iamctl shows
    them, so following the tokens yields every entity exactly once.)
    """

    result_keys: tuple[str, ...]
    max_items: int | None = None
    starting_token: str | None = None
    page_size: int | None = None
    default_page: int = DEFAULT_PAGE_SIZE

    def apply(self, data: dict) -> tuple[dict, Pages]:
        # A list the response leaves out (--filter) stays out, as in botocore's full result;
        # without the first key, --max-items has nothing to count and all comes at once.
        primary = self.result_keys[0]
        keys = tuple(k for k in self.result_keys if k in data)
        flat = [(k, item) for k in keys for item in data.get(k) or []]
        size = self.page_size or self.default_page
        offset, skip = (decode_token(self.starting_token, primary, truncation=True)
                        if self.starting_token else (0, 0))
        rest = {k: v for k, v in data.items() if k not in keys}
        full: dict[str, Any] = {k: [] for k in keys}
        parts: list[dict] = []
        token, total = None, 0
        while True:
            page = {k: [item for kk, item in flat[offset:offset + size] if kk == k] for k in keys}
            if skip:  # resuming inside this page: the rest of its first-key items only
                page = {k: (v[skip:] if k == primary else []) for k, v in page.items()}
            shown = len(page.get(primary, []))
            over = total + shown - self.max_items if self.max_items is not None else 0
            if over > 0:
                page[primary] = page[primary][:shown - over]
                token = encode_token(primary, offset, skip + shown - over)
            parts.append(page)
            for k in keys:
                full[k].extend(page[k])
            total += len(page.get(primary, []))
            offset, skip = offset + size, 0
            if token or offset >= len(flat):
                break
            if self.max_items is not None and total == self.max_items:
                token = encode_token(primary, offset)
                break
        parts[0] = {**rest, **parts[0]}
        full.update(rest)
        if token:
            full["NextToken"] = token
        return full, Pages(parts, token)


def encode_token(result_key: str, offset: int, truncate: int = 0) -> str:
    token: dict[str, Any] = {"Marker": f"{result_key}:{offset}"}
    if truncate:
        token["boto_truncate_amount"] = truncate  # botocore's name for it
    payload = json.dumps(token, separators=(",", ":"))
    return base64.b64encode(payload.encode()).decode()


def decode_token(token: str, result_key: str, truncation: bool = False) -> Any:
    """The offset a token resumes from; with *truncation*, (offset, items of that page
    already shown)."""
    try:
        decoded = json.loads(base64.b64decode(token, validate=True))
        key, _, offset = decoded["Marker"].rpartition(":")
        skip = decoded.get("boto_truncate_amount", 0)
        if key != result_key or not offset.isdigit() or type(skip) is not int or skip < 0 or (skip and not truncation):
            raise ValueError(decoded)
        return (int(offset), skip) if truncation else int(offset)
    except (ValueError, TypeError, KeyError, AttributeError, binascii.Error):
        raise UsageError(f"Bad starting token: {token} (give the NextToken this listing printed)",
                         "InvalidStartingToken") from None


# Organizations' list operations: MaxResults 1..20, and 20 a page by default.
ORGANIZATIONS = {"limit": 20, "default": 20, "field": "maxResults"}


def check(max_items: int | None, page_size: int | None, limit: int = MAX_PAGE_SIZE, field: str = "maxItems") -> None:
    if max_items is not None and max_items < 1:
        raise UsageError(f"--max-items must be at least 1, not {max_items}.")
    if page_size is not None and not 1 <= page_size <= limit:
        # The service's own answer to a page size out of range.
        bound = "greater than or equal to 1" if page_size < 1 else f"less than or equal to {limit}"
        raise IamError("ValidationError", f"1 validation error detected: Value '{page_size}' at '{field}' failed "
                                          f"to satisfy constraint: Member must have value {bound}")


_OPTIONS = [
    inspect.Parameter("max_items", inspect.Parameter.KEYWORD_ONLY, annotation=int | None, default=typer.Option(
        None, "--max-items", metavar="N",
        help="Print at most N items, and a NextToken to resume from when more are left.")),
    inspect.Parameter("starting_token", inspect.Parameter.KEYWORD_ONLY, annotation=str | None, default=typer.Option(
        None, "--starting-token", metavar="TOKEN", help="Resume from the NextToken an earlier call printed.")),
    inspect.Parameter("page_size", inspect.Parameter.KEYWORD_ONLY, annotation=int | None, default=typer.Option(
        None, "--page-size", metavar="N",
        help=f"Items a page holds (1-{MAX_PAGE_SIZE}, default {DEFAULT_PAGE_SIZE}); text output prints page by page.")),
]


def paginated(result_key: str | tuple[str, ...], *, limit: int = MAX_PAGE_SIZE, default: int = DEFAULT_PAGE_SIZE,
              field: str = "maxItems") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give a list command aws-cli's pagination options; its emit() prints the page. *limit*,
    *default* and *field* are the service's page size rules (IAM's unless given). A tuple of
    result keys pages as aws-cli pages several lists (MultiKeyPaging)."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(command)

        @functools.wraps(command)
        def wrapper(*args: Any, max_items: int | None = None, starting_token: str | None = None,
                    page_size: int | None = None, **kwargs: Any) -> Any:
            check(max_items, page_size, limit, field)
            current().paging = (MultiKeyPaging(result_key, max_items, starting_token, page_size, default)
                                if isinstance(result_key, tuple)
                                else Paging(result_key, max_items, starting_token, page_size, default))
            try:
                return command(*args, **kwargs)
            finally:
                current().paging = None

        params = [*signature.parameters.values(), *_OPTIONS]
        wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        # Typer reads annotations (strings under `from __future__ import annotations`) from here.
        wrapper.__annotations__ = {**command.__annotations__, **{p.name: p.annotation for p in _OPTIONS}}
        return wrapper

    return decorate
