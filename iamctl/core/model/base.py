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
from iamctl.core.model.lazy import EntityMap

T = TypeVar("T")


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, (list, dict, EntityMap)) and not value)


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
    if isinstance(obj, EntityMap):
        return obj.raw_items(to_raw)
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


@dataclasses.dataclass(frozen=True)
class _FieldPlan:
    attr: str
    key: str
    type: Any
    from_key: bool
    blocks: bool
    required: bool
    optional: bool


@cache
def _plan(cls: type) -> tuple[_FieldPlan, ...]:
    """How to read each field of *cls*, worked out once per class."""
    hints = _hints(cls)
    return tuple(
        _FieldPlan(
            attr=f.name,
            key=f.metadata.get("key", f.name),
            type=hints[f.name],
            from_key=bool(f.metadata.get("from_key")),
            blocks=bool(f.metadata.get("blocks")),
            required=f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
            optional=_optional(hints[f.name]),
        )
        for f in dataclasses.fields(cls)
    )


def from_raw(cls: type[T], raw: Any, where: str, key: str | None = None, *, lazy: bool = False) -> T:
    """dict → dataclass *cls*; raise StoreError naming *where* on a wrong or missing value.

    *key* is the entity's key in its collection table; a field marked ``from_key`` (the
    name of a user, the ID of an account) takes it, so the file never says it twice.
    With *lazy* (data already checked, e.g. from the cache), collections of entities are
    converted one entity at a time, when first used.
    """
    if not isinstance(raw, dict):
        raise StoreError(f"{where} must be a table, not {_kind(raw)}.", "CorruptStore")
    kwargs: dict[str, Any] = {}
    known = set()
    for plan in _plan(cls):
        if plan.from_key:
            kwargs[plan.attr] = key
            continue
        known.add(plan.key)
        if plan.key in raw:
            value = raw[plan.key]
            here = f"{where}.{plan.key}"
            if lazy and plan.blocks:
                kwargs[plan.attr] = _lazy_collection(plan.type, value, here)
            else:
                kwargs[plan.attr] = _convert(plan.type, value, here)
        elif plan.required:
            if not plan.optional:
                raise StoreError(f"{where} is missing '{plan.key}'.", "CorruptStore")
            kwargs[plan.attr] = None
    if not raw.keys() <= known:
        unknown = sorted(set(raw) - known)
        raise StoreError(f"{where} has an unknown key '{unknown[0]}'.", "CorruptStore")
    return cls(**kwargs)


def _lazy_collection(tp: Any, value: Any, where: str) -> EntityMap:
    _, item = typing.get_args(tp)
    return EntityMap(value, lambda k, v: build_trusted(item, v, k))


def build_trusted(cls: type[T], raw: dict[str, Any], key: str | None = None) -> T:
    """Build *cls* from data that already passed from_raw's checks (the cache holds only
    such data), without checking again: the fast path of every read.

    Containers are copied, so changing the entity never changes the data it came from
    (the store compares the two to find what a command changed)."""
    kwargs: dict[str, Any] = {}
    for plan in _plan(cls):
        if plan.from_key:
            kwargs[plan.attr] = key
        elif plan.key in raw:
            value = raw[plan.key]
            if plan.blocks:
                kwargs[plan.attr] = _lazy_collection(plan.type, value, "")
            else:
                kwargs[plan.attr] = _copy_trusted(plan.type, value)
    return cls(**kwargs)


@cache
def _trusted_kind(tp: Any) -> tuple[str, Any]:
    """How to copy a value of type *tp*: ("plain"|"list"|"dict"|"entities"|"entity", item)."""
    if _is_union(tp):
        tp = next(a for a in typing.get_args(tp) if a is not type(None))
    origin = typing.get_origin(tp)
    if origin is list:
        return "list", None
    if origin is dict:
        item = typing.get_args(tp)[1]
        return ("entities", item) if dataclasses.is_dataclass(item) else ("dict", None)
    if dataclasses.is_dataclass(tp):
        return "entity", tp
    if tp is Decimal:
        return "decimal", None
    return "plain", None


def _copy_trusted(tp: Any, value: Any) -> Any:
    kind, item = _trusted_kind(tp)
    if kind == "plain" or value is None:
        return value
    if kind == "list":
        return list(value)
    if kind == "dict":
        return dict(value)
    if kind == "entities":
        return {k: build_trusted(item, v, k) for k, v in value.items()}
    if kind == "decimal":
        return Decimal(str(value))
    return build_trusted(item, value)


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
