"""Reading files of GetAccountAuthorizationDetails: aws-cli's form (policy documents as JSON
objects) and the API's own (documents as URL-encoded JSON text), one export or its pages.

This module only reads and groups; importing.py builds the account and applies IAM's rules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from iamctl.core.errors import UsageError
from iamctl.core.managed import is_aws_policy_ref

LISTS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
_ARN_KEYS = {"UserDetailList": "Arn", "GroupDetailList": "Arn", "RoleDetailList": "Arn", "Policies": "Arn"}


def bad_file(source: str, message: str) -> UsageError:
    return UsageError(f"{source}: {message}", "InvalidImportFile")


@dataclass
class Page:
    """One file: its lists (each entry tagged with the file it came from) and what it says
    about the account and about pages after it."""

    source: str
    lists: dict[str, list[dict[str, Any]]]
    account_ids: set[str]
    truncated: bool  # NextToken (aws-cli) or IsTruncated (the API): more pages follow


@dataclass
class Details:
    """One account's entities, from every page of its export."""

    account_id: str
    sources: list[str]
    users: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    roles: list[dict[str, Any]] = field(default_factory=list)
    policies: list[dict[str, Any]] = field(default_factory=list)


def read_page(source: str, text: str) -> Page:
    """One file's JSON, checked to be an answer of GetAccountAuthorizationDetails."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise bad_file(source, f"not JSON ({exc.msg}, line {exc.lineno} column {exc.colno}).") from None
    if not isinstance(doc, dict) or not any(key in doc for key in LISTS):
        raise bad_file(source, "not the output of 'aws iam get-account-authorization-details' "
                               f"(it has none of {', '.join(LISTS)}).")
    lists: dict[str, list[dict[str, Any]]] = {}
    for key in LISTS:
        entries = doc.get(key, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise bad_file(source, f"{key} must be a list of objects.")
        lists[key] = [{**e, "__source__": source} for e in entries]
    truncated = bool(doc.get("NextToken")) or doc.get("IsTruncated") is True
    return Page(source, lists, _account_ids(source, lists), truncated)


def _account_ids(source: str, lists: dict[str, list[dict[str, Any]]]) -> set[str]:
    found: set[str] = set()
    for key, entries in lists.items():
        for entry in entries:
            arn = entry.get(_ARN_KEYS[key])
            if not isinstance(arn, str) or is_aws_policy_ref(arn):
                continue
            parts = arn.split(":", 5)
            if len(parts) != 6 or parts[:3] != ["arn", "aws", "iam"]:
                raise bad_file(source, f"{arn!r} is not an IAM ARN.")
            found.add(parts[4])
    return found


def group_pages(pages: list[Page], account_id: str | None) -> list[Details]:
    """The accounts the files hold, in the order first seen. A file whose ARNs name no
    account (a page of AWS managed policies only, an empty account) belongs to the one
    account the other files name, or to *account_id* (--account-id)."""
    by_account: dict[str, Details] = {}
    homeless: list[Page] = []
    for page in pages:
        if len(page.account_ids) > 1:
            raise bad_file(page.source, f"holds entities of several accounts ({', '.join(sorted(page.account_ids))}).")
        if not page.account_ids:
            homeless.append(page)
            continue
        (found,) = page.account_ids
        if account_id is not None and found != account_id:
            raise bad_file(page.source, f"its ARNs name account {found}, not {account_id} (--account-id).")
        _add(by_account, found, page)
    if homeless:
        owner = account_id or (next(iter(by_account)) if len(by_account) == 1 else None)
        if owner is None:
            raise bad_file(homeless[0].source, "no ARN in it names the account; say which with --account-id."
                           if not by_account else "no ARN in it says which of the files' accounts it belongs to.")
        for page in homeless:
            _add(by_account, owner, page)
    for details in by_account.values():
        _check_complete(details, [p for p in pages if p.source in details.sources])
    return list(by_account.values())


def _add(by_account: dict[str, Details], account_id: str, page: Page) -> None:
    details = by_account.setdefault(account_id, Details(account_id, []))
    details.sources.append(page.source)
    details.users += page.lists["UserDetailList"]
    details.groups += page.lists["GroupDetailList"]
    details.roles += page.lists["RoleDetailList"]
    details.policies += page.lists["Policies"]


def _check_complete(details: Details, pages: list[Page]) -> None:
    """The last page of an export says no more follow; without it, entities are missing."""
    if all(p.truncated for p in pages):
        raise bad_file(pages[-1].source, f"the export of account {details.account_id} is incomplete: every file "
                                         "given says more pages follow (NextToken / IsTruncated); give them all.")


def document_text(value: Any) -> str | None:
    """A policy document as JSON text: aws-cli prints it as an object, the API sends it
    URL-encoded (RFC 3986). None when it is neither."""
    if isinstance(value, dict):
        return json.dumps(value, indent=4)
    if not isinstance(value, str):
        return None
    if value.lstrip().startswith("{"):
        return value  # already plain JSON text: decoding would mangle a literal '%'
    from urllib.parse import unquote

    return unquote(value)


def source_of(entry: dict[str, Any]) -> str:
    return entry.get("__source__", "-")
