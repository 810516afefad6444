"""Parse and check IAM policy documents, keeping each statement's position in the text.

Structural rules follow "IAM JSON policy element reference"; messages say what is wrong and
where (1-based line and column, like AWS's StartPosition/EndPosition) on one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from iamctl.core.errors import IamError, malformed_policy
from iamctl.core.policy import jsonpos, matching, variables
from iamctl.core.policy.conditions import Condition, build_condition
from iamctl.core.policy.jsonpos import PosDict, Position

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
    """Action or NotAction of one statement, compiled."""

    negate: bool
    any_action: bool
    exact: frozenset[str]  # lower-case names without wildcards
    pattern: re.Pattern[str] | None  # the wildcard names as one regex
    services: frozenset[str] | None  # service prefixes that can match; None = any

    def matches(self, action_lower: str) -> bool:
        hit = (
            self.any_action
            or action_lower in self.exact
            or (
                self.pattern is not None
                and self.pattern.fullmatch(action_lower) is not None
            )
        )
        return hit != self.negate


@dataclass
class ResourceMatcher:
    """Resource or NotResource of one statement, compiled; variables resolved per request."""

    negate: bool
    any_resource: bool  # Resource "*": matches every request without a call
    none_resource: bool  # NotResource "*": matches nothing
    exact: frozenset[str]
    pattern: re.Pattern[str] | None
    templates: tuple[tuple[tuple[variables.Piece, ...], bool], ...]  # (pieces, is_arn)
    template_keys: tuple[
        tuple[str, ...], ...
    ] = ()  # the variable keys of each template
    # Compiled regex per template and per tuple of variable values: the same user asks again
    # and again, so substitution and compilation happen once per distinct value.
    _compiled: dict[tuple[object, ...], re.Pattern[str] | None] = field(
        default_factory=dict, repr=False
    )

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
            None if resolved is None else matching.compile_pieces(resolved, arn=is_arn)
        )
        if len(self._compiled) >= 4096:
            self._compiled.clear()
        self._compiled[key] = matcher
        return matcher

    def matches(self, resource: str, lookup: variables.Lookup) -> bool:
        # One method, no helper call: this runs for most statements of most requests.
        if self.any_resource or self.none_resource or resource in self.exact:
            return not self.negate
        if self.pattern is not None and self.pattern.fullmatch(resource):
            return not self.negate
        for i, (pieces, is_arn) in enumerate(self.templates):
            matcher = self._template_matcher(i, pieces, is_arn, lookup)
            if matcher is not None and matcher.fullmatch(resource):
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
    doc, scanner = jsonpos.load(text)
    return _Checker(text, scanner, kind).policy(doc, policy_id)


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
    """Walks the decoded document; knows positions so every complaint can say where."""

    def __init__(self, text: str, scanner: jsonpos._Scanner, kind: str) -> None:
        self.text = text
        self.scanner = scanner
        self.kind = kind
        self.where = ""

    def fail(self, message: str, offset: int) -> IamError:
        pos = self.scanner.position(offset)
        return malformed_policy(
            f"{self.where}{message} (line {pos.line}, column {pos.column})."
        )

    def policy(self, doc: object, policy_id: str) -> Policy:
        if not isinstance(doc, PosDict):
            raise self.fail("the policy must be a JSON object", self.scanner.skip(0))
        self.no_duplicates(doc)
        for key in doc:
            if key not in TOP_ELEMENTS:
                raise self.fail(
                    f'unknown element "{key}" at the top level', doc.value_at[key]
                )
        version = self.version(doc)
        doc_id = doc.get("Id")
        if doc_id is not None and not isinstance(doc_id, str):
            raise self.fail("Id must be a string", doc.value_at["Id"])
        if "Statement" not in doc:
            raise self.fail('missing required element "Statement"', doc.start)
        raw = doc["Statement"]
        if isinstance(raw, PosDict):
            items: list[object] = [raw]
        elif isinstance(raw, list):
            items = list(raw)
        else:
            raise self.fail(
                "Statement must be an object or a list of objects",
                doc.value_at["Statement"],
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

    def no_duplicates(self, obj: PosDict) -> None:
        # Duplicate names make the document ambiguous (which value wins?), so refuse them.
        if obj.duplicates:
            key, at = obj.duplicates[0]
            raise self.fail(f'duplicate element "{key}"', at)

    def version(self, doc: PosDict) -> str:
        if "Version" not in doc:
            return DEFAULT_VERSION
        version = doc["Version"]
        if version not in VERSIONS:
            raise self.fail(
                f'Version must be "2012-10-17" or "2008-10-17", not {_show(version)}',
                doc.value_at["Version"],
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
        return self.scanner.line_starts[pos.line - 1] + pos.column - 1

    def statement(self, index: int, raw: object, version: str) -> Statement:
        self.where = f"Statement {index + 1}: "
        if not isinstance(raw, PosDict):
            at = getattr(raw, "start", 0)
            raise self.fail("each statement must be a JSON object", at)
        self.no_duplicates(raw)
        sid = raw.get("Sid")
        if sid is not None and not isinstance(sid, str):
            raise self.fail("Sid must be a string", raw.value_at["Sid"])
        if sid:
            self.where = f'Statement {index + 1} (Sid "{sid}"): '
        for key in raw:
            if key not in STATEMENT_ELEMENTS:
                raise self.fail(f'unknown element "{key}"', raw.value_at[key])
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
            start=self.scanner.position(raw.start),
            end=self.scanner.position(raw.end - 1),
        )
        stmt.action_matcher = _compile_actions(actions, not_actions)
        stmt.resource_matcher = _compile_resources(resources, not_resources, version)
        return stmt

    def effect(self, raw: PosDict) -> str:
        if "Effect" not in raw:
            raise self.fail('missing required element "Effect"', raw.start)
        effect = raw["Effect"]
        if effect not in ("Allow", "Deny"):
            raise self.fail(
                f'Effect must be "Allow" or "Deny", not {_show(effect)}',
                raw.value_at["Effect"],
            )
        return effect  # type: ignore[return-value]

    def pair(
        self, raw: PosDict, name: str, not_name: str, *, required: bool
    ) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
        has, has_not = name in raw, not_name in raw
        if has and has_not:
            raise self.fail(
                f"a statement cannot have both {name} and {not_name}",
                raw.value_at[not_name],
            )
        if not has and not has_not:
            if required:
                raise self.fail(
                    f'missing required element "{name}" or "{not_name}"', raw.start
                )
            return None, None
        key = name if has else not_name
        values = self.strings(raw, key)
        for v in values:
            self.check_value(key, v, raw.value_at[key])
        return (values, None) if has else (None, values)

    def strings(self, raw: PosDict, key: str) -> tuple[str, ...]:
        value = raw[key]
        items = value if isinstance(value, list) else [value]
        if not items:
            raise self.fail(f"{key} must not be an empty list", raw.value_at[key])
        for item in items:
            if not isinstance(item, str):
                raise self.fail(
                    f"{key} must be a string or a list of strings, not {_show(item)}",
                    raw.value_at[key],
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
        self, raw: PosDict
    ) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
        if self.kind == "trust":
            # Trust policies are about who may assume the role; AWS prohibits Resource there.
            for key in ("Resource", "NotResource"):
                if key in raw:
                    raise self.fail(f"Has prohibited field {key}", raw.value_at[key])
            return None, None
        return self.pair(raw, "Resource", "NotResource", required=True)

    def principals(
        self, raw: PosDict
    ) -> tuple[dict[str, tuple[str, ...]] | None, dict[str, tuple[str, ...]] | None]:
        has, has_not = "Principal" in raw, "NotPrincipal" in raw
        if self.kind in _NO_PRINCIPAL_KINDS:
            if has or has_not:
                key = "Principal" if has else "NotPrincipal"
                raise self.fail(
                    "Policy document should not specify a principal", raw.value_at[key]
                )
            return None, None
        if has and has_not:
            raise self.fail(
                "a statement cannot have both Principal and NotPrincipal",
                raw.value_at["NotPrincipal"],
            )
        if not has and not has_not:
            raise self.fail('missing required element "Principal"', raw.start)
        key = "Principal" if has else "NotPrincipal"
        value = self.principal_value(raw[key], raw.value_at[key])
        return (value, None) if has else (None, value)

    def principal_value(self, value: object, at: int) -> dict[str, tuple[str, ...]]:
        if value == "*":
            return {"AWS": ("*",)}  # AWS reads "Principal": "*" as {"AWS": "*"}
        if not isinstance(value, PosDict) or not value:
            raise self.fail(
                'Principal must be "*" or an object such as {"AWS": [...]}', at
            )
        self.no_duplicates(value)
        out: dict[str, tuple[str, ...]] = {}
        for ptype, ids in value.items():
            if ptype not in PRINCIPAL_TYPES:
                raise self.fail(
                    f'unknown principal type "{ptype}"', value.value_at[ptype]
                )
            items = ids if isinstance(ids, list) else [ids]
            if not items or not all(isinstance(i, str) for i in items):
                raise self.fail(
                    f"Principal {ptype} must be a string or a list of strings",
                    value.value_at[ptype],
                )
            out[ptype] = tuple(
                self.principal_id(ptype, i, value.value_at[ptype]) for i in items
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

    def conditions(self, raw: PosDict, version: str) -> tuple[Condition, ...]:
        if "Condition" not in raw:
            return ()
        block = raw["Condition"]
        if not isinstance(block, PosDict):
            raise self.fail(
                "Condition must be an object of operators", raw.value_at["Condition"]
            )
        self.no_duplicates(block)
        out: list[Condition] = []
        for op_name, keys in block.items():
            at = block.value_at[op_name]
            if not isinstance(keys, PosDict):
                raise self.fail(
                    f"condition operator {op_name} must map keys to values", at
                )
            self.no_duplicates(keys)
            for key, values in keys.items():
                vat = keys.value_at[key]
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
    any_action = "*" in names
    exact = frozenset(n.lower() for n in names if not matching.is_wildcard(n))
    wild = [n for n in names if matching.is_wildcard(n) and n != "*"]
    services: set[str] | None = {matching.service_of(n) for n in names}
    if any_action or any(matching.is_wildcard(s) for s in services or ()):
        services = None  # a wildcard in the service prefix can match any service
    return ActionMatcher(
        negate=actions is None,
        any_action=any_action,
        exact=exact,
        pattern=matching.compile_any(wild, ignore_case=True, arn=False),
        services=frozenset(services) if services is not None else None,
    )


def _compile_resources(
    resources: tuple[str, ...] | None,
    not_resources: tuple[str, ...] | None,
    version: str,
) -> ResourceMatcher | None:
    names = resources if resources is not None else not_resources
    if names is None:
        return None  # trust policies: no Resource element
    with_vars = version == "2012-10-17"
    templates = tuple(
        (variables.parse_template(n), matching.resource_is_arn_pattern(n))
        for n in names
        if with_vars and variables.has_variables(n)
    )
    static = [n for n in names if not (with_vars and variables.has_variables(n))]
    arn_wild = [
        n
        for n in static
        if matching.is_wildcard(n) and n != "*" and n.startswith("arn:")
    ]
    plain_wild = [
        n
        for n in static
        if matching.is_wildcard(n) and n != "*" and not n.startswith("arn:")
    ]
    parts = [
        p
        for p in (
            matching.compile_any(arn_wild, ignore_case=False, arn=True),
            matching.compile_any(plain_wild, ignore_case=False, arn=False),
        )
        if p is not None
    ]
    pattern = (
        re.compile("|".join(f"(?:{p.pattern})" for p in parts), re.DOTALL)
        if parts
        else None
    )
    return ResourceMatcher(
        negate=resources is None,
        any_resource="*" in static and resources is not None,
        none_resource="*" in static and resources is None,
        exact=frozenset(n for n in static if not matching.is_wildcard(n)),
        pattern=pattern,
        templates=templates,
        template_keys=tuple(
            tuple(p.key for p in pieces if isinstance(p, variables.Variable))
            for pieces, _ in templates
        ),
    )
