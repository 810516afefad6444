"""Finding entities by name the way IAM does: names are unique regardless of case."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import TypeVar

T = TypeVar("T")


class FoldedNames(MutableMapping[str, T]):
    """A collection of entities that also indexes its names case-folded, so that a name
    that is not there is known in O(1). For bulk creates (account import of thousands of
    users), where a scan of every name per create would make the whole quadratic; the
    store's own collections stay plain mappings."""

    def __init__(self) -> None:
        self._items: dict[str, T] = {}
        self._folded: dict[str, str] = {}  # casefolded name -> name as stored

    def key_for(self, name: str) -> str | None:
        """The stored name equal to *name* regardless of case, if any."""
        return name if name in self._items else self._folded.get(name.casefold())

    def __getitem__(self, key: str) -> T:
        return self._items[key]

    def __setitem__(self, key: str, value: T) -> None:
        self._items[key] = value
        self._folded[key.casefold()] = key

    def __delitem__(self, key: str) -> None:
        del self._items[key]
        if self._folded.get(key.casefold()) == key:
            del self._folded[key.casefold()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items


def find(collection: MutableMapping[str, T], name: str) -> T | None:
    """Exact key first; otherwise a case-insensitive match (IAM names ignore case)."""
    found = collection.get(name)
    if found is not None:
        return found
    if isinstance(collection, FoldedNames):
        key = collection.key_for(name)
        return None if key is None else collection[key]
    folded = name.casefold()
    for key in collection:  # keys only: values may be built lazily, and that costs
        if key.casefold() == folded:
            return collection[key]
    return None


def taken(collection: MutableMapping[str, T], name: str) -> bool:
    return find(collection, name) is not None
