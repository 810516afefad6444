"""One access decision, as ``simulate`` and STS make it, plus what an allow depends on.

``sts.authorize`` decides; this module only chooses its inputs the way AWS would:

- for ``sts:AssumeRole*`` on a role of the store, the role's trust policy is the resource
  policy (as ``role assume`` uses it), and an account's root user is refused, as STS refuses
  it ("Roles may not be assumed by root accounts");
- ``aws:ResourceAccount`` is the resource's account.

An allow that rests on conditions is reported with their keys. A request that is denied only
because context keys are missing (no MFA, no source IP) is asked again with values taken
from the conditions that test those keys; when that allows, the answer is "conditional",
with the keys and the values that made it allowed, so ``simulate --context`` can replay it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from iamctl.core import principals, sts
from iamctl.core.model import Role, StoreData
from iamctl.core.policy.conditions import Condition, parse_date, parse_number
from iamctl.core.policy.document import Policy, Statement
from iamctl.core.policy.evaluate import Decision, MatchedStatement, PolicySet
from iamctl.core.simulate import resource_account_of

ALLOWED = "allowed"
CONDITIONAL = "conditional"
GRANTS = (ALLOWED, CONDITIONAL)
_ROOT_REFUSED = "Roles may not be assumed by root accounts."
_WITNESS_ROUNDS = 3


@dataclass
class Answer:
    """A decision and what it depends on."""

    decision: str  # allowed | conditional | explicitDeny | implicitDeny
    matched: list[MatchedStatement]
    conditions: list[str] = field(default_factory=list)  # condition keys of the allowing statements
    context: dict[str, list[str]] = field(default_factory=dict)  # conditional: values that allow
    explanation: str = ""

    @property
    def grants(self) -> bool:
        return self.decision in GRANTS


def is_assume(action: str) -> bool:
    return action.lower().startswith("sts:assumerole")


def find_role(data: StoreData, arn: str) -> Role | None:
    """The store's role with exactly this ARN, or None."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam" or not parts[5].startswith("role/"):
        return None
    account = data.accounts.get(parts[4])
    role = account.roles.get(parts[5].rsplit("/", 1)[-1]) if account is not None else None
    return role if role is not None and role.arn(account.id) == arn else None  # type: ignore[union-attr]


def trust_policy(role: Role) -> Policy:
    """The role's trust policy, parsed as sts.assume_role parses it (same cache entry)."""
    return principals.parsed(role.trust, "trust", f"{role.name} trust policy", "resource")


def decide(
    data: StoreData,
    caller: sts.Caller,
    action: str,
    resource: str,
    *,
    resource_policy: Policy | None = None,
    resource_account: str | None = None,
    context: Mapping[str, Sequence[str]] | None = None,
) -> Answer:
    """May *caller* do *action* on *resource*? See the module docstring for the inputs."""
    if resource_policy is None and is_assume(action):
        role = find_role(data, resource)
        if role is not None:
            if caller.principal.type == "Root":
                return Answer("implicitDeny", [], explanation=_ROOT_REFUSED)
            resource_policy = trust_policy(role)
    if resource_policy is not None:
        caller = replace(caller, policies=replace(caller.policies, resource=resource_policy))
    account = resource_account or resource_account_of(resource) or caller.account.id
    base = {"aws:ResourceAccount": [account], **{k: list(v) for k, v in (context or {}).items()}}
    _, decision = sts.authorize(caller, action, resource, resource_account=account, context=base)
    if decision.decision == ALLOWED:
        keys = condition_keys(caller.policies, decision)
        return Answer(ALLOWED, decision.matched, keys, explanation=decision.explanation)
    if decision.decision == "implicitDeny":
        fixed = {k.lower() for k in context or {}}
        found = _with_witnesses(caller, action, resource, account, base, decision, fixed)
        if found is not None:
            return found
    return Answer(decision.decision, decision.matched, explanation=decision.explanation)


# Condition keys that describe who asks (or the resource's account), not how the request is
# made: no request could carry other values, so an allow that fails on them is no allow.
_INTRINSIC = ("aws:username", "aws:userid", "aws:principal", "aws:resourceaccount", "aws:sourceidentity",
              "aws:federatedprovider", "aws:tokenissuetime", "saml:", "sts:roleSessionName".lower())


def request_keys(policies: PolicySet, action: str) -> list[str]:
    """Keys of request context (time, MFA, source IP, tags ...) that Allow statements for
    *action* test: the ones a different request could carry differently."""
    low = action.lower()
    found: dict[str, str] = {}
    for policy in all_policies(policies):
        for st in policy.statements:
            if st.effect != "Allow" or not st.action_matcher.matches(low):
                continue
            for cond in st.conditions:
                key = cond.key.lower()
                if not key.startswith(_INTRINSIC):
                    found.setdefault(key, cond.key)
    return list(found.values())


def _with_witnesses(caller: sts.Caller, action: str, resource: str, account: str,
                    base: dict[str, list[str]], decision: Decision, fixed: set[str]) -> Answer | None:
    """Ask again with request-context keys (missing ones first, then the others Allow
    statements for the action test) set to values their conditions accept; keys the
    question itself fixed (*fixed*, lower case: --context, iam:PassedToService) stay."""
    supplied: dict[str, list[str]] = {}
    first = list(decision.missing_context) + request_keys(caller.policies, action)
    for round_ in range(_WITNESS_ROUNDS):
        added = False
        for key in first if round_ == 0 else decision.missing_context:
            value = witness(caller.policies, key, action)
            if value is None or key.lower() in fixed or key.lower() in (k.lower() for k in supplied):
                continue
            supplied[key] = [value]
            added = True
        if not added:
            return None
        _, decision = sts.authorize(caller, action, resource, resource_account=account,
                                    context={**base, **supplied})
        if decision.decision == ALLOWED:
            keys = sorted(set(condition_keys(caller.policies, decision)) | set(supplied), key=str.lower)
            return Answer(CONDITIONAL, decision.matched, keys, supplied, decision.explanation)
        if decision.decision != "implicitDeny" or not decision.missing_context:
            return None
    return None


# ---------------------------------------------------------------- statements and conditions


def all_policies(policies: PolicySet) -> Iterator[Policy]:
    yield from policies.identity
    for extra in (policies.boundary, policies.resource):
        if extra is not None:
            yield extra
    yield from policies.session or ()
    for level in policies.scps or ():
        yield from level


def statement_of(policies: PolicySet, matched: MatchedStatement) -> Statement | None:
    for policy in all_policies(policies):
        same = policy.id == matched.policy_id and policy.source_type == matched.policy_type
        if same and matched.statement_index < len(policy.statements):
            return policy.statements[matched.statement_index]
    return None


def condition_keys(policies: PolicySet, decision: Decision) -> list[str]:
    """The condition keys of the Allow statements that granted *decision*, sorted."""
    keys: dict[str, str] = {}
    for matched in decision.matched:
        if matched.effect != "Allow":
            continue
        statement = statement_of(policies, matched)
        for cond in statement.conditions if statement is not None else ():
            keys.setdefault(cond.key.lower(), cond.key)
    return sorted(keys.values(), key=str.lower)


_VARIABLE = re.compile(r"\$\{")


def witness(policies: PolicySet, key: str, action: str | None = None) -> str | None:
    """A value for *key* that the first positive condition testing it (in an Allow
    statement for *action*, when given) accepts, or None."""
    low = key.lower()
    for policy in all_policies(policies):
        for statement in policy.statements:
            if statement.effect != "Allow" or (action is not None and not statement.action_matcher.matches(
                    action.lower())):
                continue
            for cond in statement.conditions:
                if cond.key.lower() == low and not cond.negated and cond.family != "null":
                    value = _accepted_value(cond)
                    if value is not None:
                        return value
    return None


def _accepted_value(cond: Condition) -> str | None:
    if not cond.values or _VARIABLE.search(cond.values[0]):
        return None
    value = cond.values[0]
    if cond.family in ("string", "arn") and cond.cmp == "like":
        return value.replace("*", "x").replace("?", "x")
    parse = {"numeric": parse_number, "date": parse_date}.get(cond.family)
    if parse is not None:  # a number (a date as epoch seconds) one step on the side the operator wants
        number = parse(value)
        if number is None:
            return None
        return _number_text(number + {"lt": -1, "gt": 1}.get(cond.cmp, 0))
    return value


def _number_text(number: float) -> str:
    return str(int(number)) if number == int(number) else repr(number)


def matched_shape(decision_matched: Sequence[MatchedStatement]) -> list[dict]:
    """MatchedStatements as simulate prints them, with the statement's Sid and index."""
    out = []
    for m in decision_matched:
        entry = {"SourcePolicyId": m.policy_id, "SourcePolicyType": m.policy_type, "Effect": m.effect,
                 "StatementIndex": m.statement_index + 1,
                 "StartPosition": {"Line": m.start.line, "Column": m.start.column},
                 "EndPosition": {"Line": m.end.line, "Column": m.end.column}}
        if m.sid:
            entry["Sid"] = m.sid
        out.append(entry)
    return out

