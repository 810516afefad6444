"""A collection of entities that turns stored tables into dataclasses only when used.

A quota-size store holds thousands of users; a command that reads one of them should not
pay for building all of them. Data that comes from the store's cache was checked when the
cache was made, so converting it later cannot fail for a well-formed file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class EntityMap(MutableMapping[str, T], Generic[T]):
    def __init__(self, raw: dict[str, Any], convert: Callable[[str, Any], T]) -> None:
        self._items: dict[str, Any] = dict(raw)
        self._converted: set[str] = set()
        self._convert = convert

    def __getitem__(self, key: str) -> T:
        value = self._items[key]
        if key not in self._converted:
            value = self._convert(key, value)
            self._items[key] = value
            self._converted.add(key)
        return value

    def __setitem__(self, key: str, value: T) -> None:
        self._items[key] = value
        self._converted.add(key)

    def __delitem__(self, key: str) -> None:
        del self._items[key]
        self._converted.discard(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def is_built(self, key: str) -> bool:
        """Has the entry *key* been turned into its entity (or set by a command)?"""
        return key in self._converted

    def peek_items(self) -> Iterator[tuple[str, Any]]:
        """(key, entity or its stored table) for every entry, converting none of them.

        For scans over a quota-size collection that look at one field of each entry
        (which user holds access key AKIA...?) and should not build 5,000 dataclasses.
        """
        return iter(self._items.items())

    def raw_items(self, to_raw: Callable[[Any], Any]) -> dict[str, Any]:
        """The stored form: untouched entries as they were, the others re-serialised."""
        return {k: (to_raw(v) if k in self._converted else v) for k, v in self._items.items()}

    def __repr__(self) -> str:
        return f"EntityMap({list(self._items)})"


def peek_items(collection: MutableMapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(key, entity or its stored table) of any entity collection: an EntityMap's without
    building entities, a plain dict's (data built eagerly, as tests do) as they are."""
    return collection.peek_items() if isinstance(collection, EntityMap) else iter(collection.items())
