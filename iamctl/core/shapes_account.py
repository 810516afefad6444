"""The Account shape (after AWS Organizations' Account, trimmed to what a store knows)."""

from __future__ import annotations

from typing import Any

from iamctl.core.model import Account


def account(a: Account, *, default: bool = False) -> dict[str, Any]:
    return {
        "Id": a.id,
        "Arn": f"arn:aws:iam::{a.id}:root",
        "Name": a.name,
        "Email": a.email,
        "Alias": a.alias,
        "CreateDate": a.created,
        "Default": default,
    }
