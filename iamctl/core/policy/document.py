"""Parse and check IAM policy documents, keeping each statement's position in the text.

Structural rules follow "IAM JSON policy element reference"; messages say what is wrong and
where (1-based line and column, like AWS's StartPosition/EndPosition) on one line.

Speed: a document is read with the standard library's ``json`` and checked without
positions. Only when something is wrong (or ``json`` and the position-recording reader could
disagree: a duplicate member name, NaN) is it read again with ``jsonpos``, which knows where
each element is, and checked again to say where. Statement positions are found the same way,
the first time one is shown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from iamctl.core.errors import IamError, malformed_policy
from iamctl.core.policy import jsonpos, matching, variables
from iamctl.core.policy.conditions import Condition, build_condition
from iamctl.core.policy.jsonpos import Position

__all__ = [
    "DEFAULT_SOURCE_TYPES",
    "POLICY_KINDS",
    "VERSIONS",
    "Condition",
    "Policy",
    "Position",
    "Statement",
    "parse_policy",
]

POLICY_KINDS = ("identity", "resource", "trust", "scp", "session", "boundary")
VERSIONS = ("2012-10-17", "2008-10-17")
# AWS: a document without Version is read as the old 2008-10-17 language (no variables).
DEFAULT_VERSION = "2008-10-17"
TOP_ELEMENTS = ("Version", "Id", "Statement")
STATEMENT_ELEMENTS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
# Kinds whose documents are attached to an identity and therefore must not name a principal.
_NO_PRINCIPAL_KINDS = ("identity", "scp", "session", "boundary")
# SourcePolicyType-like labels used when the caller does not set one (see evaluate.py).
DEFAULT_SOURCE_TYPES = {
    "identity": "none",
    "resource": "resource",
    "trust": "resource",
    "scp": "scp",
    "session": "session",
    "boundary": "permissions-boundary",
}
_ACCOUNT_ID = re.compile(r"^\d{12}$")


@dataclass
class ActionMatcher:
    """Action or NotAction of one statement, compiled.

    A name whose only wildcard is a final ``*`` ("s3:Get*", the usual case) is a prefix
    test; other wildcard names become one regex, compiled the first time it is needed (most
    statements are never asked about an action of their service, so never need it).
    """

    negate: bool
    any_action: bool
    exact: Collection[str]  # lower-case names without wildcards (see _small_set)
    prefixes: tuple[str, ...]  # lower-case, without the final "*"
    wild: tuple[str, ...]  # the other wildcard names
    services: Collection[str] | None  # service prefixes that can match; None = any
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)

    def matches(self, action_lower: str) -> bool:
        hit = (
            self.any_action
            or action_lower in self.exact
            or (bool(self.prefixes) and action_lower.startswith(self.prefixes))
            or (bool(self.wild) and self._wild().fullmatch(action_lower) is not None)
        )
        return hit != self.negate

    def _wild(self) -> re.Pattern[str]:
        if self._pattern is None:
            self._pattern = matching.compile_any(self.wild, ignore_case=True, arn=False)
        return self._pattern  # type: ignore[return-value]


@dataclass
class ResourceMatcher:
    """Resource or NotResource of one statement, compiled; variables resolved per request."""

    negate: bool
    any_resource: bool  # Resource "*": matches every request without a call
    none_resource: bool  # NotResource "*": matches nothing
    exact: Collection[str]  # see _small_set
    prefixes: tuple[str, ...]  # names whose only wildcard is a final "*", without it
    wild: tuple[tuple[str, ...], tuple[str, ...]]  # other wildcard names: (ARNs, others)
    has_wild: bool  # wild holds a name
    templates: tuple[tuple[tuple[variables.Piece, ...], bool], ...]  # (pieces, is_arn)
    template_keys: tuple[
        tuple[str, ...], ...
    ] = ()  # the variable keys of each template
    # Compiled regex per template and per tuple of variable values: the same user asks again
    # and again, so substitution and compilation happen once per distinct value.
    _compiled: dict[tuple[object, ...], re.Pattern[str] | None] = field(
        default_factory=dict, repr=False
    )
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)

    def _wild(self) -> re.Pattern[str]:
        """The wildcard names as one regex, compiled on first use."""
        if self._pattern is None:
            arn_wild, plain_wild = self.wild
            parts = [
                p.pattern
                for p in (
                    matching.compile_any(
                        arn_wild, ignore_case=False, arn=True, resource=True
                    ),
                    matching.compile_any(plain_wild, ignore_case=False, arn=False),
                )
                if p is not None
            ]
            self._pattern = re.compile(
                "|".join(f"(?:{p})" for p in parts), re.DOTALL
            )
        return self._pattern

    def _template_matcher(
        self,
        i: int,
        pieces: tuple[variables.Piece, ...],
        is_arn: bool,
        lookup: variables.Lookup,
    ) -> re.Pattern[str] | None:
        key = (i, *[lookup(k) for k in self.template_keys[i]])
        try:
            return self._compiled[key]
        except KeyError:
            pass
        resolved = variables.substitute(pieces, lookup)
        matcher = (
            None
            if resolved is None
            else matching.compile_pieces(resolved, arn=is_arn, resource=is_arn)
        )
        if len(self._compiled) >= 4096:
            self._compiled.clear()
        self._compiled[key] = matcher
        return matcher

    def matches(
        self, resource: str, lookup: variables.Lookup, missing: list[str] | None = None
    ) -> bool:
        """Whether the statement's Resource/NotResource lets ``resource`` through; a variable
        with no value (its key goes to ``missing``) makes it False."""
        # One method, no helper call: this runs for most statements of most requests.
        if self.any_resource or self.none_resource:
            return not self.negate
        if self.templates:
            # A variable with no value makes the whole statement fail to match, for
            # NotResource too (IAM User Guide, "Policy variables": "any attempt to match it
            # fails and causes the statement to be invalid").
            hit = False
            for i, (pieces, is_arn) in enumerate(self.templates):
                matcher = self._template_matcher(i, pieces, is_arn, lookup)
                if matcher is None:
                    if missing is not None:
                        missing.extend(variables.unresolved(pieces, lookup))
                    return False
                hit = hit or matcher.fullmatch(resource) is not None
            if hit:
                return not self.negate
        if resource in self.exact or (
            self.prefixes and resource.startswith(self.prefixes)
        ):
            return not self.negate
        if self.has_wild and (self._pattern or self._wild()).fullmatch(resource):
            return not self.negate
        return self.negate


@dataclass
class Statement:
    index: int  # 0-based position in the Statement list; messages say index + 1
    sid: str | None
    effect: str
    actions: tuple[str, ...] | None
    not_actions: tuple[str, ...] | None
    resources: tuple[str, ...] | None
    not_resources: tuple[str, ...] | None
    principals: dict[str, tuple[str, ...]] | None
    not_principals: dict[str, tuple[str, ...]] | None
    conditions: tuple[Condition, ...]
    start: Position
    end: Position
    action_matcher: ActionMatcher = field(repr=False, compare=False, default=None)  # type: ignore[assignment]
    resource_matcher: ResourceMatcher | None = field(
        repr=False, compare=False, default=None
    )
    # The evaluator's unpacked view of this statement (see evaluate._entry), made once.
    eval_entry: tuple | None = field(repr=False, compare=False, default=None)

    @property
    def label(self) -> str:
        return _label(self.index, self.sid)


@dataclass(
    eq=False
)  # identity semantics: the evaluator caches indexes per policy object
class Policy:
    id: str
    version: str
    statements: list[Statement]
    text: str
    kind: str = "identity"
    source_type: str = (
        "none"  # caller may set "user", "group", "role", "aws-managed" ...
    )
    doc_id: str | None = None  # the document's own "Id" element
    via: str | None = None  # how it reaches the caller, cited: "attached to group EC2Admin"
    _by_service: dict[str, tuple[Statement, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def candidates(self, service: str) -> tuple[Statement, ...]:
        """Statements whose Action/NotAction can match an action of ``service`` (cached)."""
        found = self._by_service.get(service)
        if found is None:
            found = tuple(
                s
                for s in self.statements
                if _may_match_service(s.action_matcher, service)
            )
            self._by_service[service] = found
        return found


@lru_cache(maxsize=8192)
def _label(index: int, sid: str | None) -> str:
    return f"statement {index + 1}" + (f' (Sid "{sid}")' if sid else "")


def _may_match_service(matcher: ActionMatcher, service: str) -> bool:
    return matcher.negate or matcher.services is None or service in matcher.services


def parse_policy(
    text: str,
    *,
    kind: str = "identity",
    policy_id: str = "",
    max_size: int | None = None,
) -> Policy:
    """Parse and check ``text``; raise MalformedPolicyDocument saying what and where."""
    if kind not in POLICY_KINDS:
        raise ValueError(f"unknown policy kind {kind!r}")
    if not isinstance(text, str):
        raise malformed_policy("Syntax error in policy: the document must be text.")
    _check_size(text, max_size)
    if not text.strip():
        raise malformed_policy(
            "Syntax error in policy: the document is empty (line 1, column 1)."
        )
    try:
        return _Checker(text, None, kind).policy(_read_fast(text), policy_id)
    except _NeedPositions:
        return parse_with_positions(text, kind=kind, policy_id=policy_id)


def parse_with_positions(text: str, *, kind: str, policy_id: str = "") -> Policy:
    """``parse_policy`` with the position-recording reader throughout (the slow way).

    Used for a document the fast way found a problem in, so the message says where; and by
    tests, which compare both ways on a corpus.
    """
    doc, scanner = jsonpos.load(text)
    return _Checker(text, scanner, kind).policy(doc, policy_id)


class _NeedPositions(Exception):
    """The fast way met a problem: read the document again, recording positions."""


def _unique_members(pairs: list[tuple[str, object]]) -> dict[str, object]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _NeedPositions  # a duplicate member name: refused, with its position
    return obj


def _no_constant(name: str) -> object:
    raise _NeedPositions  # NaN / Infinity are not JSON; jsonpos says where


_FAST = json.JSONDecoder(object_pairs_hook=_unique_members, parse_constant=_no_constant)


def _read_fast(text: str) -> object:
    try:
        return _FAST.decode(text)
    except (ValueError, RecursionError):
        raise _NeedPositions from None


class _StatementSpans:
    """Where each statement of a document starts and ends, found on first request.

    Key ``2 * index`` is statement ``index``'s start, ``2 * index + 1`` its end."""

    __slots__ = ("_spans", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._spans: list[Position] | None = None

    def position(self, key: int) -> Position:
        if self._spans is None:
            doc, scanner = jsonpos.load(self.text)
            raw = doc["Statement"]  # type: ignore[index]
            items = [raw] if isinstance(raw, dict) else list(raw)
            self._spans = [
                scanner.position(offset)
                for it in items
                for offset in (it.start, it.end - 1)
            ]
        return self._spans[key]


def _at(obj: object, key: str) -> int:
    """Offset of member ``key``'s value; 0 when read the fast way (no offsets known)."""
    value_at = getattr(obj, "value_at", None)
    return value_at[key] if value_at is not None else 0


def _start(obj: object) -> int:
    return getattr(obj, "start", 0)


def _check_size(text: str, max_size: int | None) -> None:
    if max_size is None:
        return
    size = sum(1 for ch in text if not ch.isspace())
    if size > max_size:
        # AWS answers an oversized document with LimitExceeded, not MalformedPolicyDocument.
        raise IamError(
            "LimitExceeded", f"Cannot exceed quota for PolicySize: {max_size}"
        )


class _Checker:
    """Walks the decoded document; every complaint says where.

    With ``scanner`` None the document was read the fast way, without positions: a
    complaint then raises _NeedPositions, and parse_policy checks again with positions.
    """

    def __init__(self, text: str, scanner: jsonpos._Scanner | None, kind: str) -> None:
        self.text = text
        self.scanner = scanner
        self.kind = kind
        self.where = ""
        self.spans = _StatementSpans(text) if scanner is None else None

    def fail(self, message: str, offset: int) -> IamError:
        if self.scanner is None:
            raise _NeedPositions
        pos = self.scanner.position(offset)
        return malformed_policy(
            f"{self.where}{message} (line {pos.line}, column {pos.column})."
        )

    def policy(self, doc: object, policy_id: str) -> Policy:
        if not isinstance(doc, dict):
            raise self.fail(
                "the policy must be a JSON object",
                self.scanner.skip(0) if self.scanner else 0,
            )
        self.no_duplicates(doc)
        for key in doc:
            if key not in TOP_ELEMENTS:
                raise self.fail(
                    f'unknown element "{key}" at the top level', _at(doc, key)
                )
        version = self.version(doc)
        doc_id = doc.get("Id")
        if doc_id is not None and not isinstance(doc_id, str):
            raise self.fail("Id must be a string", _at(doc, "Id"))
        if "Statement" not in doc:
            raise self.fail('missing required element "Statement"', _start(doc))
        raw = doc["Statement"]
        if isinstance(raw, dict):
            items: list[object] = [raw]
        elif isinstance(raw, list):
            items = list(raw)
        else:
            raise self.fail(
                "Statement must be an object or a list of objects",
                _at(doc, "Statement"),
            )
        statements = [self.statement(i, item, version) for i, item in enumerate(items)]
        self.unique_sids(statements)
        return Policy(
            id=policy_id,
            version=version,
            statements=statements,
            text=self.text,
            kind=self.kind,
            source_type=DEFAULT_SOURCE_TYPES[self.kind],
            doc_id=doc_id,
        )

    def no_duplicates(self, obj: dict) -> None:
        # Duplicate names make the document ambiguous (which value wins?), so refuse them.
        # (The fast reader refuses them itself: see _unique_members.)
        duplicates = getattr(obj, "duplicates", None)
        if duplicates:
            key, at = duplicates[0]
            raise self.fail(f'duplicate element "{key}"', at)

    def version(self, doc: dict) -> str:
        if "Version" not in doc:
            return DEFAULT_VERSION
        version = doc["Version"]
        if version not in VERSIONS:
            raise self.fail(
                f'Version must be "2012-10-17" or "2008-10-17", not {_show(version)}',
                _at(doc, "Version"),
            )
        return version  # type: ignore[return-value]

    def unique_sids(self, statements: list[Statement]) -> None:
        seen: set[str] = set()
        for s in statements:
            if s.sid is not None and s.sid != "":
                if s.sid in seen:
                    self.where = ""
                    raise self.fail(
                        f'Statement IDs (SID) in a single policy must be unique: "{s.sid}" repeats',
                        self._offset(s.start),
                    )
                seen.add(s.sid)

    def _offset(self, pos: Position) -> int:
        if self.scanner is None:
            return 0  # fail() re-reads with positions before anything uses the offset
        return self.scanner.line_starts[pos.line - 1] + pos.column - 1

    def statement(self, index: int, raw: object, version: str) -> Statement:
        self.where = f"Statement {index + 1}: "
        if not isinstance(raw, dict):
            raise self.fail("each statement must be a JSON object", _start(raw))
        self.no_duplicates(raw)
        sid = raw.get("Sid")
        if sid is not None and not isinstance(sid, str):
            raise self.fail("Sid must be a string", _at(raw, "Sid"))
        if sid:
            self.where = f'Statement {index + 1} (Sid "{sid}"): '
        for key in raw:
            if key not in STATEMENT_ELEMENTS:
                raise self.fail(f'unknown element "{key}"', _at(raw, key))
        effect = self.effect(raw)
        actions, not_actions = self.pair(raw, "Action", "NotAction", required=True)
        resources, not_resources = self.resources(raw)
        principals, not_principals = self.principals(raw)
        conditions = self.conditions(raw, version)
        stmt = Statement(
            index=index,
            sid=sid,
            effect=effect,
            actions=actions,
            not_actions=not_actions,
            resources=resources,
            not_resources=not_resources,
            principals=principals,
            not_principals=not_principals,
            conditions=conditions,
            start=self.position(index, raw, "start"),
            end=self.position(index, raw, "end"),
        )
        stmt.action_matcher = _compile_actions(actions, not_actions)
        stmt.resource_matcher = _compile_resources(resources, not_resources, version)
        return stmt

    def position(self, index: int, raw: object, which: str) -> Position:
        if self.scanner is not None:
            offset = raw.start if which == "start" else raw.end - 1  # type: ignore[attr-defined]
            return self.scanner.position(offset)
        assert self.spans is not None
        return Position.later(self.spans, 2 * index + (which == "end"))

    def effect(self, raw: dict) -> str:
        if "Effect" not in raw:
            raise self.fail('missing required element "Effect"', _start(raw))
        effect = raw["Effect"]
        if effect not in ("Allow", "Deny"):
            raise self.fail(
                f'Effect must be "Allow" or "Deny", not {_show(effect)}',
                _at(raw, "Effect"),
            )
        return effect  # type: ignore[return-value]

    def pair(
        self, raw: dict, name: str, not_name: str, *, required: bool
    ) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
        has, has_not = name in raw, not_name in raw
        if has and has_not:
            raise self.fail(
                f"a statement cannot have both {name} and {not_name}",
                _at(raw, not_name),
            )
        if not has and not has_not:
            if required:
                raise self.fail(
                    f'missing required element "{name}" or "{not_name}"', _start(raw)
                )
            return None, None
        key = name if has else not_name
        values = self.strings(raw, key)
        is_action = key in ("Action", "NotAction")
        for v in values:
            if v != "*" and not self.value_ok(is_action, v):
                self.check_value(key, v, _at(raw, key))
        return (values, None) if has else (None, values)

    @staticmethod
    def value_ok(is_action: bool, value: str) -> bool:
        """The quick test; check_value says what is wrong when this is False."""
        if is_action:
            return not value.startswith(":") and ":" in value
        return value.startswith("arn:")

    def strings(self, raw: dict, key: str) -> tuple[str, ...]:
        value = raw[key]
        items = value if isinstance(value, list) else [value]
        if not items:
            raise self.fail(f"{key} must not be an empty list", _at(raw, key))
        for item in items:
            if not isinstance(item, str):
                raise self.fail(
                    f"{key} must be a string or a list of strings, not {_show(item)}",
                    _at(raw, key),
                )
        return tuple(items)  # type: ignore[arg-type]

    def check_value(self, key: str, value: str, at: int) -> None:
        if key in ("Action", "NotAction"):
            if value != "*" and (":" not in value or not value.partition(":")[0]):
                raise self.fail(
                    f"{key} {_show(value)}: actions must be prefaced by a vendor, e.g. iam, sdb, ec2",
                    at,
                )
        elif value != "*" and not value.startswith("arn:"):
            raise self.fail(f'{key} {_show(value)} must be in ARN format or "*"', at)

    def resources(
        self, raw: dict
    ) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
        if self.kind == "trust":
            # Trust policies are about who may assume the role; AWS prohibits Resource there.
            for key in ("Resource", "NotResource"):
                if key in raw:
                    raise self.fail(f"Has prohibited field {key}", _at(raw, key))
            return None, None
        return self.pair(raw, "Resource", "NotResource", required=True)

    def principals(
        self, raw: dict
    ) -> tuple[dict[str, tuple[str, ...]] | None, dict[str, tuple[str, ...]] | None]:
        has, has_not = "Principal" in raw, "NotPrincipal" in raw
        if self.kind in _NO_PRINCIPAL_KINDS:
            if has or has_not:
                key = "Principal" if has else "NotPrincipal"
                raise self.fail(
                    "Policy document should not specify a principal", _at(raw, key)
                )
            return None, None
        if has and has_not:
            raise self.fail(
                "a statement cannot have both Principal and NotPrincipal",
                _at(raw, "NotPrincipal"),
            )
        if not has and not has_not:
            raise self.fail('missing required element "Principal"', _start(raw))
        key = "Principal" if has else "NotPrincipal"
        value = self.principal_value(raw[key], _at(raw, key))
        return (value, None) if has else (None, value)

    def principal_value(self, value: object, at: int) -> dict[str, tuple[str, ...]]:
        if value == "*":
            return {"AWS": ("*",)}  # AWS reads "Principal": "*" as {"AWS": "*"}
        if not isinstance(value, dict) or not value:
            raise self.fail(
                'Principal must be "*" or an object such as {"AWS": [...]}', at
            )
        self.no_duplicates(value)
        out: dict[str, tuple[str, ...]] = {}
        for ptype, ids in value.items():
            if ptype not in PRINCIPAL_TYPES:
                raise self.fail(f'unknown principal type "{ptype}"', _at(value, ptype))
            items = ids if isinstance(ids, list) else [ids]
            if not items or not all(isinstance(i, str) for i in items):
                raise self.fail(
                    f"Principal {ptype} must be a string or a list of strings",
                    _at(value, ptype),
                )
            out[ptype] = tuple(
                self.principal_id(ptype, i, _at(value, ptype)) for i in items
            )  # type: ignore[arg-type]
        return out

    def principal_id(self, ptype: str, ident: str, at: int) -> str:
        if ident == "*":
            return ident
        if "*" in ident or "?" in ident or not ident:
            # AWS allows no wildcards in Principal other than a lone "*".
            raise self.fail(f'Invalid principal in policy: "{ptype}":"{ident}"', at)
        if ptype == "AWS":
            if _ACCOUNT_ID.match(ident):
                return f"arn:aws:iam::{ident}:root"
            if not ident.startswith("arn:"):
                raise self.fail(f'Invalid principal in policy: "AWS":"{ident}"', at)
        return ident

    def conditions(self, raw: dict, version: str) -> tuple[Condition, ...]:
        if "Condition" not in raw:
            return ()
        block = raw["Condition"]
        if not isinstance(block, dict):
            raise self.fail(
                "Condition must be an object of operators", _at(raw, "Condition")
            )
        self.no_duplicates(block)
        out: list[Condition] = []
        for op_name, keys in block.items():
            at = _at(block, op_name)
            if not isinstance(keys, dict):
                raise self.fail(
                    f"condition operator {op_name} must map keys to values", at
                )
            self.no_duplicates(keys)
            for key, values in keys.items():
                vat = _at(keys, key)
                if isinstance(values, list) and not values:
                    raise self.fail(f"condition key {key!r} has no values", vat)
                out.append(
                    build_condition(
                        op_name,
                        key,
                        values,
                        allow_variables=version == "2012-10-17",
                        fail=lambda msg, a=vat: self.fail(msg, a),
                    )
                )
        return tuple(out)


def _show(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return "an object" if isinstance(value, dict) else "a list"


def _compile_actions(
    actions: tuple[str, ...] | None, not_actions: tuple[str, ...] | None
) -> ActionMatcher:
    names = actions if actions is not None else not_actions or ()
    any_action = False
    exact: set[str] = set()
    prefixes: list[str] = []
    wild: list[str] = []
    services: set[str] | None = set()
    for name in names:
        low = name.lower()
        if name == "*":
            any_action = True
        elif not matching.is_wildcard(name):
            exact.add(low)
        elif _only_final_star(name):
            prefixes.append(low[:-1])
        else:
            wild.append(name)
        service = low.partition(":")[0]
        if services is not None:
            if matching.is_wildcard(service):
                services = None  # a wildcard in the service prefix can match any service
            else:
                services.add(service)
    if any_action:
        services = None
    return ActionMatcher(
        negate=actions is None,
        any_action=any_action,
        exact=_small_set(exact),
        prefixes=tuple(prefixes),
        wild=tuple(wild),
        services=_small_set(services) if services is not None else None,
    )


def _small_set(items: Iterable[str]) -> Collection[str]:
    """A frozenset for many items, a tuple for a few: as quick to search, and a tuple of
    strings is not tracked by Python's garbage collector (parsed policies are kept)."""
    unique = tuple(dict.fromkeys(items))
    return unique if len(unique) <= 8 else frozenset(unique)


def _only_final_star(name: str) -> bool:
    """"s3:Get*": the one wildcard is a final ``*``, so matching is a prefix test (in a
    Resource ARN too: a final ``*`` ends its field and may run past colons)."""
    return name.endswith("*") and not matching.is_wildcard(name[:-1])


def _compile_resources(
    resources: tuple[str, ...] | None,
    not_resources: tuple[str, ...] | None,
    version: str,
) -> ResourceMatcher | None:
    names = resources if resources is not None else not_resources
    if names is None:
        return None  # trust policies: no Resource element
    templates: list[tuple[tuple[variables.Piece, ...], bool]] = []
    static: list[str] = []
    for n in names:
        pieces = _resource_template(n) if version == "2012-10-17" else None
        if pieces is None:
            static.append(n)
        else:
            templates.append((pieces, matching.resource_is_arn_pattern(n)))
    wild = [n for n in static if matching.is_wildcard(n) and n != "*"]
    prefixes = tuple(n[:-1] for n in wild if _only_final_star(n))
    rest = [n for n in wild if not _only_final_star(n)]
    return ResourceMatcher(
        negate=resources is None,
        any_resource="*" in static and resources is not None,
        none_resource="*" in static and resources is None,
        exact=_small_set(n for n in static if not matching.is_wildcard(n)),
        prefixes=prefixes,
        wild=(
            tuple(n for n in rest if n.startswith("arn:")),
            tuple(n for n in rest if not n.startswith("arn:")),
        ),
        has_wild=bool(rest),
        templates=tuple(templates),
        template_keys=tuple(
            tuple(p.key for p in pieces if isinstance(p, variables.Variable))
            for pieces, _ in templates
        ),
    )


def _resource_template(name: str) -> tuple[variables.Piece, ...] | None:
    """The pieces of a Resource entry with variables, or None if it has none that count:
    a ``${...}`` before the ARN's fifth colon is plain text (see variables.py)."""
    if not variables.has_variables(name):
        return None
    pieces = variables.parse_template(name, variables.resource_variables_start(name))
    return None if variables.is_plain(pieces) else pieces
