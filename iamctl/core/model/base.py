"""Turning entity dataclasses into the plain tables the TOML store holds, and back.

The store file is the source of truth and people edit it by hand, so loading checks every
value's type and names the entity and field at fault. Field order is the key order on
disk; empty and None values are left out to keep the file small and diffs quiet.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, TypeVar

from iamctl.core.errors import StoreError

T = TypeVar("T")


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, (list, dict)) and not value)


def to_raw(obj: Any) -> Any:
    """Dataclass → dict (recursively), dropping None and empty containers."""
    if dataclasses.is_dataclass(obj):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if f.metadata.get("from_key") or _is_empty(value):
                continue
            out[f.metadata.get("key", f.name)] = to_raw(value)
        return out
    if isinstance(obj, dict):
        return {k: to_raw(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [to_raw(v) for v in obj]
    if isinstance(obj, Decimal):
        return str(obj)  # money stays exact in the file
    return obj


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_raw(cls: type[T], raw: Any, where: str, key: str | None = None) -> T:
    """dict → dataclass *cls*; raise StoreError naming *where* on a wrong or missing value.

    *key* is the entity's key in its collection table; a field marked ``from_key`` (the
    name of a user, the ID of an account) takes it, so the file never says it twice.
    """
    if not isinstance(raw, dict):
        raise StoreError(f"{where} must be a table, not {_kind(raw)}.", "CorruptStore")
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    known = set()
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        name = f.metadata.get("key", f.name)
        if f.metadata.get("from_key"):
            kwargs[f.name] = key
            continue
        known.add(name)
        if name in raw:
            kwargs[f.name] = _convert(hints[f.name], raw[name], f"{where}.{name}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            if _optional(hints[f.name]):
                kwargs[f.name] = None
            else:
                raise StoreError(f"{where} is missing '{name}'.", "CorruptStore")
    unknown = sorted(set(raw) - known)
    if unknown:
        raise StoreError(f"{where} has an unknown key '{unknown[0]}'.", "CorruptStore")
    return cls(**kwargs)


def _optional(tp: Any) -> bool:
    return _is_union(tp) and type(None) in typing.get_args(tp)


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def _kind(value: Any) -> str:
    names = {str: "a string", int: "an integer", bool: "a boolean", float: "a float", list: "an array", dict: "a table"}
    return names.get(type(value), type(value).__name__)


def _convert(tp: Any, value: Any, where: str) -> Any:
    if _is_union(tp):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _convert(args[0], value, where)
    origin = typing.get_origin(tp)
    if origin is list:
        (item,) = typing.get_args(tp)
        _expect(value, list, where)
        return [_convert(item, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        _, item = typing.get_args(tp)
        _expect(value, dict, where)
        if dataclasses.is_dataclass(item):
            return {k: from_raw(item, v, f"{where}.{k}", key=k) for k, v in value.items()}
        return {k: _convert(item, v, f"{where}.{k}") for k, v in value.items()}
    if dataclasses.is_dataclass(tp):
        return from_raw(tp, value, where)
    if tp is Decimal:
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise StoreError(f"{where} must be a decimal number, not {value!r}.", "CorruptStore") from None
    if tp is bool:
        _expect(value, bool, where)
    elif tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            _fail(value, int, where)
    elif tp is str:
        _expect(value, str, where)
    return value


def _expect(value: Any, tp: type, where: str) -> None:
    if not isinstance(value, tp):
        _fail(value, tp, where)


def _fail(value: Any, tp: type, where: str) -> None:
    raise StoreError(f"{where} must be {_kind(tp())}, not {_kind(value)} ({value!r}).", "CorruptStore")
