"""Turning entity dataclasses into the plain tables the TOML store holds, and back.

The store file is the source of truth and people edit it by hand, so loading checks every
value's type and names the entity and field at fault. Field order is the key order on
disk; empty and None values are left out to keep the file small and diffs quiet.
"""

from __future__ import annotations

import dataclasses
import sys
import types
import typing
from collections.abc import Callable
from functools import cache, cached_property
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
    if _is_decimal_type(type(obj)):
        return str(obj)  # money stays exact in the file
    return obj


def _is_decimal_type(tp: Any) -> bool:
    """Is *tp* decimal.Decimal? Only billing uses Decimal; when nothing has imported the
    decimal module no value or field can be one, and importing it to find that out would
    cost every command."""
    module = sys.modules.get("decimal")
    return module is not None and tp is module.Decimal


class _Names(dict):
    """The names a model module's annotations may use: its own globals first (``str``,
    ``Decimal``), then every model class, imported on demand (see model/__init__.py)."""

    def __missing__(self, name: str) -> Any:
        from iamctl.core import model

        try:
            return getattr(model, name)
        except AttributeError:
            raise KeyError(name) from None


@cache
def field_type(cls: type, attr: str) -> Any:
    """The type of *cls*'s field *attr*, its annotation evaluated on first use.

    Annotations are strings (``from __future__ import annotations``); evaluating one can
    import the module of the class it names, so a field is resolved only when a store
    holds it."""
    annotation = cls.__dataclass_fields__[attr].type  # type: ignore[attr-defined]
    if not isinstance(annotation, str):
        return annotation
    module = sys.modules[cls.__module__]
    return eval(annotation, vars(module), _Names())  # our own annotations, nothing from a user


class _FieldPlan:
    """How to read one field; its type is resolved only when a value needs it."""

    def __init__(self, owner: type, f: dataclasses.Field) -> None:
        self.owner = owner
        self.attr = f.name
        self.key = f.metadata.get("key", f.name)
        self.from_key = bool(f.metadata.get("from_key"))
        self.blocks = bool(f.metadata.get("blocks"))
        self.required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING

    @cached_property  # once resolved, a plain attribute: read for every field of every entity
    def type(self) -> Any:
        return field_type(self.owner, self.attr)

    @property
    def optional(self) -> bool:
        return _optional(self.type)


@cache
def _plan(cls: type) -> tuple[_FieldPlan, ...]:
    """How to read each field of *cls*, worked out once per class."""
    return tuple(_FieldPlan(cls, f) for f in dataclasses.fields(cls))


# Called when data from the cache cannot be built into an entity: (class, path of the
# entity's table in the store) → the entity built from the store file itself.
Recover = Callable[[type, tuple[str, ...]], Any]


def from_raw(cls: type[T], raw: Any, where: str, key: str | None = None, *, lazy: bool = False,
             recover: Recover | None = None, path: tuple[str, ...] = ()) -> T:
    """dict → dataclass *cls*; raise StoreError naming *where* on a wrong or missing value.

    *key* is the entity's key in its collection table; a field marked ``from_key`` (the
    name of a user, the ID of an account) takes it, so the file never says it twice.
    With *lazy* (data already checked, e.g. from the cache), collections of entities are
    converted one entity at a time, when first used; an entity that cannot be built is
    asked of *recover* with its *path* in the store's tables.
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
                kwargs[plan.attr] = _lazy_collection(plan.type, value, (*path, plan.key), recover)
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


def check_raw(cls: type, raw: Any, where: str, key: str | None = None) -> None:
    """Raise the StoreError from_raw would raise for *raw* as a *cls*; build nothing.

    A cold read checks every value of an account (85,000 at 4,500 users). A predicate
    made once per type answers in a fraction of from_raw's time, because it builds no
    entities and no "where" strings; only data that fails it pays for from_raw's walk,
    which names the field at fault."""
    if not _valid(cls)(raw):
        from_raw(cls, raw, where, key)


@cache
def _valid(tp: Any) -> Callable[[Any], bool]:
    """A predicate: would _convert accept a value for *tp*? (The same rules, in the same
    places: keep the two in step.)"""
    if _is_union(tp):
        inner = _valid(next(a for a in typing.get_args(tp) if a is not type(None)))
        return lambda v: v is None or inner(v)
    origin = typing.get_origin(tp)
    if origin is list:
        item = _valid(typing.get_args(tp)[0])
        return lambda v: isinstance(v, list) and all(map(item, v))
    if origin is dict:
        item = _valid(typing.get_args(tp)[1])
        return lambda v: isinstance(v, dict) and all(map(item, v.values()))
    if dataclasses.is_dataclass(tp):
        return _valid_entity(tp)
    if _is_decimal_type(tp):
        return _valid_decimal
    if tp is bool:
        return lambda v: isinstance(v, bool)
    if tp is int:
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    if tp is str:
        return lambda v: isinstance(v, str)
    return lambda v: True


def _valid_entity(cls: type) -> Callable[[Any], bool]:
    plans = {p.key: p for p in _plan(cls) if not p.from_key}
    known = plans.keys()
    must = [p for p in plans.values() if p.required]
    checks: dict[str, Callable[[Any], bool]] = {}  # a field's type is resolved when a value needs it

    def valid(raw: Any) -> bool:
        if not isinstance(raw, dict) or not raw.keys() <= known:
            return False
        for k, v in raw.items():
            check = checks.get(k)
            if check is None:
                check = checks[k] = _valid(plans[k].type)
            if not check(v):
                return False
        return all(p.key in raw or p.optional for p in must)

    return valid


def _valid_decimal(value: Any) -> bool:
    from decimal import InvalidOperation

    try:
        _decimal(str(value))
    except InvalidOperation:
        return False
    return True


def _lazy_collection(tp: Any, value: Any, path: tuple[str, ...], recover: Recover | None) -> EntityMap:
    _, item = typing.get_args(tp)
    if recover is None:
        return EntityMap(value, lambda k, v: build_trusted(item, v, k))

    def convert(k: str, v: Any) -> Any:
        try:
            return build_trusted(item, v, k, path=(*path, k), recover=recover)
        except Exception:  # the cache was damaged in a way its checksum did not show
            return recover(item, (*path, k))

    return EntityMap(value, convert)


def build_trusted(cls: type[T], raw: dict[str, Any], key: str | None = None, *,
                  path: tuple[str, ...] = (), recover: Recover | None = None) -> T:
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
                kwargs[plan.attr] = _lazy_collection(plan.type, value, (*path, plan.key), recover)
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
    if _is_decimal_type(tp):
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
        return _decimal(str(value))
    return build_trusted(item, value)


def _decimal(text: str) -> Any:
    from decimal import Decimal

    return Decimal(text)


def _optional(tp: Any) -> bool:
    return _is_union(tp) and type(None) in typing.get_args(tp)


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def _kind(value: Any) -> str:
    names = {str: "a string", int: "an integer", bool: "a boolean", float: "a float", list: "an array", dict: "a table"}
    if type(value) in names:
        return names[type(value)]
    return _TOML_DATES.get(type(value).__name__, type(value).__name__)


# TOML's own date and time values, by their Python class (datetime has no need of importing).
_TOML_DATES = {"datetime": "a date-time", "date": "a date", "time": "a time"}


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
    if _is_decimal_type(tp):
        from decimal import InvalidOperation

        try:
            return _decimal(str(value))
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
    raise StoreError(f"{where} must be {_kind(tp())}, not {_kind(value)}{_shown(value)}.", "CorruptStore")


def _shown(value: Any) -> str:
    """The wrong value, as far as one line can show it: a table or an array is named, not
    printed (one nested 3,000 deep would exhaust repr's recursion, a big one the line)."""
    if isinstance(value, (dict, list)):
        return ""
    text = value.isoformat().replace("+00:00", "Z") if type(value).__name__ in _TOML_DATES else repr(value)
    return f" ({text if len(text) <= 80 else text[:77] + '...'})"
