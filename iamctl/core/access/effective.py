"""What can this principal really do? Its allowed actions, expanded from the action catalogue.

For every catalogued action that an Allow statement of the principal's own policies names,
the resource patterns those statements (and its boundary, session policy and SCPs) name
are each decided by decide.py — the evaluator ``simulate`` uses — after identity policies,
groups, boundary, SCPs and session policy. What is allowed is kept, a pattern another
allowed pattern covers is dropped, and the Deny statements that still cut into it are
listed as exceptions. ``as_policy`` writes the answer as one policy document.

Patterns are decided as written (policy variables filled from the request context). Where
two layers name different patterns that only overlap (``a*`` and ``*b``), the overlap is
not found: each pattern is asked about as a whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from iamctl.core.access import decide as d
from iamctl.core.access.subjects import Who
from iamctl.core.model import StoreData
from iamctl.core.policy import catalogue
from iamctl.core.policy.conditions import Condition
from iamctl.core.policy.document import Policy, Statement
from iamctl.core.policy.evaluate import PolicySet


@dataclass
class Grant:
    """One allowed action: where, under which conditions, and what Deny cuts out of it."""

    action: str
    resources: list[str]
    decision: str  # allowed | conditional
    condition_keys: list[str] = field(default_factory=list)
    conditions: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # policy Condition block
    excepted: list[tuple[list[str], dict[str, dict[str, list[str]]]]] = field(default_factory=list)

    @property
    def service(self) -> str:
        return self.action.partition(":")[0]


def effective(
    data: StoreData,
    who: Who,
    *,
    service: str | None = None,
    resource: str | None = None,
    context: Mapping[str, Sequence[str]] | None = None,
) -> list[Grant]:
    """Every action *who* may perform (on *resource* when given), sorted by action."""
    policies = who.caller.policies
    grants = []
    for action in candidate_actions(policies, root=who.kind == "Root", service=service):
        patterns = [resource] if resource else candidate_resources(policies, action, who.caller.context)
        grant = _grant(data, who, action, patterns, context)
        if grant is not None:
            grants.append(grant)
    return grants


def _grant(data: StoreData, who: Who, action: str, patterns: list[str],
           context: Mapping[str, Sequence[str]] | None) -> Grant | None:
    allowed: list[str] = []
    decision = d.CONDITIONAL
    keys: set[str] = set()
    blocks: dict[str, dict[str, list[str]]] = {}
    for pattern in patterns:
        answer = d.decide(data, who.caller, action, pattern, context=context)
        if not answer.grants:
            continue
        allowed.append(pattern)
        if answer.decision == d.ALLOWED:
            decision = d.ALLOWED
        keys.update(answer.conditions)
        for matched in answer.matched:
            statement = d.statement_of(who.caller.policies, matched) if matched.effect == "Allow" else None
            if statement is not None:
                merge_blocks(blocks, condition_block(statement.conditions))
    if not allowed:
        return None
    kept = drop_covered(allowed)
    excepted = exceptions(who.caller.policies, action, kept)
    return Grant(action, kept, decision, sorted(keys, key=str.lower), blocks, excepted)


# ---------------------------------------------------------------- candidates


def _layers(policies: PolicySet) -> Iterator[Policy]:
    """Identity-side policies that can name actions and resources (not a resource policy)."""
    yield from policies.identity
    if policies.boundary is not None:
        yield policies.boundary
    yield from policies.session or ()
    for level in policies.scps or ():
        yield from level


def candidate_actions(policies: PolicySet, *, root: bool = False, service: str | None = None) -> list[str]:
    """Catalogued actions an Allow statement of the principal's own policies names (every
    action for an account's root user, which needs no policy in its own account)."""
    allows = [s for p in policies.identity for s in p.statements if s.effect == "Allow"]
    wanted = [service.lower()] if service else sorted(catalogue.services())
    found = []
    for prefix in wanted:
        statements = allows if root else [s for s in allows if _may_name_service(s, prefix)]
        if not statements and not root:
            continue
        for action in catalogue.actions_matching(f"{prefix}:*"):
            low = action.lower()
            if root or any(s.action_matcher.matches(low) for s in statements):
                found.append(action)
    return found


def _may_name_service(statement: Statement, prefix: str) -> bool:
    m = statement.action_matcher
    return m.negate or m.services is None or prefix in m.services


def candidate_resources(policies: PolicySet, action: str, context: Mapping[str, Sequence[str]]) -> list[str]:
    """The resource patterns of Allow statements naming *action*, variables filled in."""
    low = action.lower()
    found: dict[str, None] = {}
    for policy in _layers(policies):
        for st in policy.statements:
            if st.effect != "Allow" or not st.action_matcher.matches(low):
                continue
            for pattern in st.resources if st.resources is not None else ("*",):
                filled = fill_variables(pattern, context)
                if filled is not None:
                    found[filled] = None
    return list(found) or ["*"]


_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_LITERALS = {"*": "*", "?": "?", "$": "$"}


def fill_variables(pattern: str, context: Mapping[str, Sequence[str]]) -> str | None:
    """``arn:aws:s3:::home/${aws:username}/*`` with the request's values; None when a
    variable has no value (the statement then matches nothing)."""
    lower = {k.lower(): v for k, v in context.items()}
    missing = False

    def value(m: re.Match[str]) -> str:
        nonlocal missing
        name, _, default = m.group(1).partition(",")
        if name in _LITERALS:
            return _LITERALS[name]
        got = lower.get(name.strip().lower())
        if got:
            return got[0]
        if default:
            return default.strip().strip("'")
        missing = True
        return ""

    filled = _VARIABLE.sub(value, pattern)
    return None if missing else filled


def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), re.DOTALL)


def covers(pattern: str, other: str) -> bool:
    """Does resource pattern *pattern* match every resource *other* matches? (as strings)"""
    return bool(_glob(pattern).fullmatch(other))


def drop_covered(patterns: list[str]) -> list[str]:
    kept = []
    for p in patterns:
        if not any(q != p and covers(q, p) for q in patterns):
            kept.append(p)
    return sorted(dict.fromkeys(kept))


def exceptions(policies: PolicySet, action: str, allowed: list[str]) -> list[tuple[list[str], dict]]:
    """Deny statements naming *action* that cut into the allowed patterns without denying
    them whole: their resources (and conditions), to show and to repeat in a document."""
    low = action.lower()
    out: list[tuple[list[str], dict]] = []
    for policy in _layers(policies):
        for st in policy.statements:
            if st.effect != "Deny" or not st.action_matcher.matches(low) or st.resources is None:
                continue
            overlapping = [r for r in st.resources if any(covers(a, r) or covers(r, a) for a in allowed)]
            entry = (sorted(overlapping), condition_block(st.conditions))
            if overlapping and entry not in out:
                out.append(entry)
    return out


# ---------------------------------------------------------------- conditions and documents


def condition_block(conditions: Sequence[Condition]) -> dict[str, dict[str, list[str]]]:
    """Parsed conditions back in a policy's Condition shape."""
    block: dict[str, dict[str, list[str]]] = {}
    for c in conditions:
        name = (f"{c.qualifier}:" if c.qualifier else "") + c.operator + ("IfExists" if c.if_exists else "")
        block.setdefault(name, {})[c.key] = list(c.values)
    return block


def merge_blocks(into: dict[str, dict[str, list[str]]], more: dict[str, dict[str, list[str]]]) -> None:
    for operator, keys in more.items():
        for key, values in keys.items():
            have = into.setdefault(operator, {}).setdefault(key, [])
            have.extend(v for v in values if v not in have)


def as_policy(grants: Sequence[Grant]) -> dict[str, Any]:
    """One policy document granting the same: an Allow per (resources, conditions), and a
    Deny per exception."""
    allow: dict[tuple[str, str], list[str]] = {}
    deny: dict[tuple[str, str], list[str]] = {}
    for g in grants:
        allow.setdefault((json.dumps(g.resources), json.dumps(g.conditions, sort_keys=True)), []).append(g.action)
        for resources, block in g.excepted:
            deny.setdefault((json.dumps(resources), json.dumps(block, sort_keys=True)), []).append(g.action)
    statements = [_statement("Allow", actions, key) for key, actions in allow.items()]
    statements += [_statement("Deny", actions, key) for key, actions in deny.items()]
    return {"Version": "2012-10-17", "Statement": statements}


def _statement(effect: str, actions: list[str], key: tuple[str, str]) -> dict[str, Any]:
    resources = json.loads(key[0])
    out: dict[str, Any] = {"Effect": effect, "Action": actions if len(actions) > 1 else actions[0],
                           "Resource": resources if len(resources) > 1 else resources[0]}
    block = json.loads(key[1])
    if block:
        out["Condition"] = block
    return out


def grant_shape(g: Grant) -> dict[str, Any]:
    out: dict[str, Any] = {"Action": g.action, "Decision": g.decision, "Resources": g.resources,
                           "Conditions": g.condition_keys}
    if g.conditions:
        out["Condition"] = g.conditions
    if g.excepted:
        out["Except"] = [{"Resources": r, **({"Condition": c} if c else {})} for r, c in g.excepted]
    return out


def by_service(grants: Sequence[Grant]) -> list[dict[str, Any]]:
    """Grants grouped by service prefix, in AWS's JSON casing."""
    services: dict[str, list[dict[str, Any]]] = {}
    for g in grants:
        services.setdefault(g.service, []).append(grant_shape(g))
    return [{"Service": s, "Actions": a} for s, a in sorted(services.items())]
