"""Finding entities by name the way IAM does: names are unique regardless of case."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def find(collection: dict[str, T], name: str) -> T | None:
    """Exact key first; otherwise a case-insensitive match (IAM names ignore case)."""
    found = collection.get(name)
    if found is not None:
        return found
    folded = name.casefold()
    for key in collection:  # keys only: values may be built lazily, and that costs
        if key.casefold() == folded:
            return collection[key]
    return None


def taken(collection: dict[str, T], name: str) -> bool:
    return find(collection, name) is not None
