"""Condition operators, with values typed once when the policy is parsed.

Semantics follow "IAM JSON policy elements: Condition operators":
- several operators, and several keys in one operator, are ANDed; several values are ORed;
- a key missing from the request makes a positive operator false and a negated one
  (``StringNotEquals``, ``NotIpAddress``, ``ArnNotLike`` ...) true, except ``...IfExists``
  (true when missing) and ``Null`` (which tests presence);
- ``ForAllValues:`` is true for a missing/empty key, ``ForAnyValue:`` false;
- a policy variable in a value that has no value in the request (and no default) makes the
  condition false under every operator, negated ones included ("Policy variables": "any
  attempt to match it fails and causes the statement to be invalid"); only ``...IfExists``
  with the condition key itself absent still holds.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import math
import operator as op
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

from iamctl.core.errors import IamError
from iamctl.core.policy import matching, variables

Lookup = Callable[[str], Sequence[str] | None]
Fail = Callable[[str], IamError]

# base operator (lower case) -> (AWS name, family, comparison, negated)
_OPS: dict[str, tuple[str, str, str, bool]] = {}


def _register(name: str, family: str, cmp: str, negated: bool = False) -> None:
    _OPS[name.lower()] = (name, family, cmp, negated)


for _name, _cmp, _neg in (
    ("StringEquals", "eq", False),
    ("StringNotEquals", "eq", True),
    ("StringEqualsIgnoreCase", "ieq", False),
    ("StringNotEqualsIgnoreCase", "ieq", True),
    ("StringLike", "like", False),
    ("StringNotLike", "like", True),
):
    _register(_name, "string", _cmp, _neg)
for _fam in ("Numeric", "Date"):
    for _suffix, _cmp, _neg in (
        ("Equals", "eq", False),
        ("NotEquals", "eq", True),
        ("LessThan", "lt", False),
        ("LessThanEquals", "le", False),
        ("GreaterThan", "gt", False),
        ("GreaterThanEquals", "ge", False),
    ):
        _register(_fam + _suffix, _fam.lower(), _cmp, _neg)
_register("Bool", "bool", "eq")
_register("BinaryEquals", "binary", "eq")
_register("IpAddress", "ip", "in")
_register("NotIpAddress", "ip", "in", True)
for _name, _neg in (
    ("ArnEquals", False),
    ("ArnLike", False),
    ("ArnNotEquals", True),
    ("ArnNotLike", True),
):
    _register(_name, "arn", "like", _neg)
_register("Null", "null", "null")

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "eq": op.eq,
    "lt": op.lt,
    "le": op.le,
    "gt": op.gt,
    "ge": op.ge,
}
QUALIFIERS = {"forallvalues": "ForAllValues", "foranyvalue": "ForAnyValue"}


def operator_names() -> list[str]:
    return [v[0] for v in _OPS.values()]


# ---- typing of values -------------------------------------------------------------------


@lru_cache(maxsize=4096)
def parse_number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


_EPOCH = re.compile(r"^-?\d+(\.\d+)?$")


@lru_cache(maxsize=4096)
def parse_date(text: str) -> float | None:
    """ISO 8601 (``2019-07-16T12:00:00Z``, ``2019-07-16``, with offsets) or epoch seconds."""
    text = text.strip()
    if _EPOCH.match(text):
        return float(text)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # AWS times are UTC unless an offset is given
    return when.timestamp()


def parse_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def parse_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        # A request may carry a CIDR-ish value; treat its network address as the address.
        net = parse_network(text)
        return net.network_address if net is not None else None


def parse_binary(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _value_text(raw: object) -> str | None:
    """Condition values may be JSON strings, numbers or booleans; AWS compares them as text."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return repr(raw) if isinstance(raw, float) else str(raw)
    if isinstance(raw, str):
        return raw
    return None


# ---- the parsed condition ---------------------------------------------------------------


@dataclass
class Condition:
    """One (operator, key) pair of a Condition block, values pre-typed."""

    operator: str  # AWS's base name, e.g. "StringEquals" (without IfExists / qualifier)
    key: str  # as written in the policy
    values: tuple[str, ...]  # as written, turned to text
    if_exists: bool = False
    qualifier: str | None = None  # "ForAllValues" | "ForAnyValue" | None
    family: str = "string"
    cmp: str = "eq"
    negated: bool = False
    key_lower: str = ""
    # Static typed values, or variable templates resolved per request (2012-10-17 only).
    typed: tuple[object, ...] = ()
    templates: tuple[tuple[variables.Piece, ...], ...] = ()
    _uses_variables: bool = field(default=False, repr=False)

    def test(self, lookup: Lookup, missing: list[str]) -> bool:
        """True when the condition holds; appends the key to ``missing`` if its absence mattered."""
        got = lookup(self.key_lower)
        if self.family == "null":
            # A key with no values or only empty ones is null: "To prevent missing context keys
            # or context keys with empty values from evaluating to true, include the Null
            # condition operator ... with a value of false" (Multivalued context key examples).
            absent = not got or not any(got)
            return any((v.lower() == "true") == absent for v in self.values)
        if self.qualifier is not None and got and not any(got):
            # "If the key values in the request resolve to an empty data set (for example, an
            # empty string), a condition operator modified by ForAllValues returns true, and a
            # condition operator modified by ForAnyValue returns false." (multi-value conditions)
            got = ()
        if not got:
            if self._uses_variables and not self.if_exists:
                unresolved = self._unresolved(lookup)
                if unresolved:
                    missing.extend(unresolved)
                    return False
            return self._when_missing(missing)
        if self._uses_variables:
            policy_values = self._resolved(lookup)
            if policy_values is None:
                missing.extend(self._unresolved(lookup))
                return False
        else:
            policy_values = self.typed
        match = _MATCHERS[self.family]
        cmp = self.cmp
        if self.qualifier is None:
            for value in got:
                if match(cmp, value, policy_values):
                    return not self.negated
            return self.negated
        if self.qualifier == "ForAllValues":
            return all(match(cmp, v, policy_values) != self.negated for v in got)
        return any(match(cmp, v, policy_values) != self.negated for v in got)

    def _when_missing(self, missing: list[str]) -> bool:
        if self.if_exists or self.qualifier == "ForAllValues":
            return True
        if self.qualifier is None and self.negated:
            return True
        missing.append(self.key)
        return False

    def _resolved(self, lookup: Lookup) -> tuple[object, ...] | None:
        """The values with variables replaced; None if one cannot be (the condition fails)."""
        out: list[object] = []
        for pieces in self.templates:
            resolved = variables.substitute(pieces, lookup)
            if resolved is None:
                return None
            out.append(_type_string_value(self.family, self.cmp, resolved))
        return tuple(out)

    def _unresolved(self, lookup: Lookup) -> list[str]:
        return [k for pieces in self.templates for k in variables.unresolved(pieces, lookup)]


def _type_string_value(
    family: str, cmp: str, pieces: tuple[tuple[str, bool], ...]
) -> object:
    if family == "bool":
        return variables.join(pieces).strip().lower()
    if family == "arn":
        return matching.compile_pieces(pieces, arn=True)
    if cmp == "like":
        return matching.compile_pieces(pieces)
    text = variables.join(pieces)
    return text.casefold() if cmp == "ieq" else text


def _match_string(cmp: str, value: str, policy_values: tuple[object, ...]) -> bool:
    if cmp == "eq":
        return value in policy_values
    if cmp == "ieq":
        return value.casefold() in policy_values
    return any(p.fullmatch(value) for p in policy_values)  # type: ignore[attr-defined]


def _match_ordered(
    parse: Callable[[str], float | None],
) -> Callable[[str, str, tuple[object, ...]], bool]:
    def match(cmp: str, value: str, policy_values: tuple[object, ...]) -> bool:
        got = parse(value)
        if got is None:
            return False
        compare = _COMPARE[cmp]
        return any(compare(got, p) for p in policy_values)  # type: ignore[arg-type]

    return match


def _match_bool(cmp: str, value: str, policy_values: tuple[object, ...]) -> bool:
    return value.strip().lower() in policy_values


def _match_binary(cmp: str, value: str, policy_values: tuple[object, ...]) -> bool:
    got = parse_binary(value)
    return (got if got is not None else _raw_bytes(value)) in policy_values


def _raw_bytes(value: str) -> bytes:
    """A context value's bytes. One from the command line may carry bytes that are not
    UTF-8 (Python keeps them as lone surrogates): they stand for themselves."""
    try:
        return value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that no byte made
        return value.encode("utf-8", "surrogatepass")


@lru_cache(maxsize=16384)
def _match_ip(cmp: str, value: str, policy_values: tuple[object, ...]) -> bool:
    # Cached: parsing an address and testing networks is slow, and a request's source IP
    # repeats across requests and statements.
    addr = parse_address(value)
    if addr is None:
        return False
    return any(
        addr.version == net.version and addr in net  # type: ignore[attr-defined]
        for net in policy_values
    )


def _match_arn(cmp: str, value: str, policy_values: tuple[object, ...]) -> bool:
    return any(p.fullmatch(value) for p in policy_values)  # type: ignore[attr-defined]


_MATCHERS: dict[str, Callable[[str, str, tuple[object, ...]], bool]] = {
    "string": _match_string,
    "numeric": _match_ordered(parse_number),
    "date": _match_ordered(parse_date),
    "bool": _match_bool,
    "binary": _match_binary,
    "ip": _match_ip,
    "arn": _match_arn,
    "null": lambda cmp, value, pv: False,
}

# ---- parsing ----------------------------------------------------------------------------


def split_operator(name: str) -> tuple[str | None, str, bool] | None:
    """``ForAnyValue:StringLikeIfExists`` -> ("ForAnyValue", "StringLike", True); None if unknown."""
    qualifier = None
    base = name
    if ":" in name:
        prefix, _, base = name.partition(":")
        qualifier = QUALIFIERS.get(prefix.lower())
        if qualifier is None:
            return None
    if_exists = False
    lower = base.lower()
    if lower not in _OPS and lower.endswith("ifexists"):
        lower = lower[: -len("ifexists")]
        if_exists = True
    if lower not in _OPS:
        return None
    if if_exists and lower == "null":
        return None  # AWS: Null has no IfExists form
    return qualifier, _OPS[lower][0], if_exists


def build_condition(
    op_name: str, key: str, raw_values: object, *, allow_variables: bool, fail: Fail
) -> Condition:
    """Parse one operator/key pair. Equal conditions are shared between statements and
    policies (the evaluator memoizes a condition's result per request by identity)."""
    items = raw_values if isinstance(raw_values, list) else [raw_values]
    texts: list[str] = []
    for item in items:
        text = _value_text(item)
        if text is None:
            raise fail(
                f"condition value for {op_name} {key!r} must be a string, number or boolean"
            )
        texts.append(text)
    try:
        return _shared_condition(op_name, key, tuple(texts), allow_variables)
    except _BadCondition as exc:
        raise fail(str(exc)) from None


class _BadCondition(Exception):
    pass


def _raise_bad(message: str) -> IamError:
    raise _BadCondition(message)


@lru_cache(maxsize=4096)
def _shared_condition(
    op_name: str, key: str, texts: tuple[str, ...], allow_variables: bool
) -> Condition:
    split = split_operator(op_name)
    if split is None:
        raise _BadCondition(f"unknown condition operator {op_name!r}")
    qualifier, base, if_exists = split
    _, family, cmp, negated = _OPS[base.lower()]
    cond = Condition(
        operator=base,
        key=key,
        values=texts,
        if_exists=if_exists,
        qualifier=qualifier,
        family=family,
        cmp=cmp,
        negated=negated,
        key_lower=key.lower(),
    )
    _type_values(cond, allow_variables, _raise_bad)
    return cond


def _type_values(cond: Condition, allow_variables: bool, fail: Fail) -> None:
    family = cond.family
    # "You can use a policy variable with the Boolean condition operator" (Condition
    # operators); string and ARN operators take them too, the others do not.
    if family in ("string", "arn") or (
        family == "bool" and allow_variables and any(variables.has_variables(v) for v in cond.values)
    ):
        templates = tuple(
            variables.parse_template(v) if allow_variables else ((v, False),)
            for v in cond.values
        )
        if allow_variables and any(variables.has_variables(v) for v in cond.values):
            cond.templates = templates
            cond._uses_variables = True
        else:
            plain = tuple(((v, False),) for v in cond.values)
            cond.typed = tuple(_type_string_value(family, cond.cmp, p) for p in plain)
        return
    parsers: dict[str, Callable[[str], object | None]] = {
        "numeric": parse_number,
        "date": parse_date,
        "ip": parse_network,
        "binary": parse_binary,
        "bool": lambda v: v.strip().lower(),
        "null": lambda v: v.lower() if v.lower() in ("true", "false") else None,
    }
    typed = []
    for v in cond.values:
        t = parsers[family](v)
        if t is None:
            raise fail(
                f"invalid {cond.operator} value {v!r} for condition key {cond.key!r}"
            )
        typed.append(t)
    cond.typed = tuple(typed)
