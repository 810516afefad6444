"""Who can do this? Every principal of the store that may perform an action on a resource.

Each principal is asked exactly as ``simulate principal`` would ask for it (core/sts.py
resolves it, decide.py decides), so the two never disagree. Users, a session of each role,
and each account's root user are asked; a principal of another account than the
resource's is allowed only when both its own policies and the resource policy allow.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from iamctl.core.access import decide as d
from iamctl.core.access.quick import may_be_allowed, trusted_principals
from iamctl.core.access.subjects import Who, everyone
from iamctl.core.errors import UsageError
from iamctl.core.model import StoreData
from iamctl.core.policy import catalogue
from iamctl.core.policy.document import Policy


def expand_actions(actions: Sequence[str]) -> list[str]:
    """The actions as given; one with a wildcard stands for every catalogued action it matches."""
    out: list[str] = []
    for action in actions:
        if "*" in action or "?" in action:
            found = catalogue.actions_matching(action)
            if not found:
                raise UsageError(f"The action pattern {action} matches no action in the catalogue.")
            out.extend(found)
        elif ":" not in action:
            raise UsageError(f"An action is SERVICE:NAME (s3:GetObject), not {action!r}.")
        else:
            out.append(action)
    return list(dict.fromkeys(out))


def who_can(
    data: StoreData,
    actions: Sequence[str],
    resource: str,
    now: datetime,
    *,
    resource_policy: Policy | None = None,
    resource_account: str | None = None,
    context: Mapping[str, Sequence[str]] | None = None,
    principals: Iterable[Who] | None = None,
) -> list[dict[str, Any]]:
    """``Results`` entries for every principal allowed (or allowed given context), in
    action order, then account and principal order."""
    expanded = expand_actions(actions)
    people = list(principals) if principals is not None else list(everyone(data, now))
    results = []
    for action in expanded:
        grant_text = resource_policy.text if resource_policy is not None else _trust_text(data, action, resource)
        for who in people:
            if not _worth_asking(who, action, resource, grant_text):
                continue
            answer = d.decide(data, who.caller, action, resource, resource_policy=resource_policy,
                              resource_account=resource_account, context=context)
            if answer.grants:
                results.append(result_shape(who, action, resource, answer))
    return results


def _trust_text(data: StoreData, action: str, resource: str) -> str | None:
    """The trust policy that stands in as the resource policy, when there is one."""
    role = d.find_role(data, resource) if d.is_assume(action) else None
    return role.trust if role is not None else None


def _worth_asking(who: Who, action: str, resource: str, grant_text: str | None) -> bool:
    """False only when the evaluator could not allow: the principal's own policies cannot
    name the action on the resource, and the resource policy (if any) does not name the
    principal itself (or its role) or everyone — the only grants that need no identity
    policy (in the resource's own account)."""
    if may_be_allowed(who, action, resource):
        return True
    if grant_text is None:
        return False
    named, _accounts, anyone = trusted_principals(grant_text)
    return anyone or who.arn in named


def result_shape(who: Who, action: str, resource: str, answer: d.Answer) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Principal": who.arn,
        "PrincipalType": who.kind,
        "Action": action,
        "Resource": resource,
        "Decision": answer.decision,
        "Conditions": answer.conditions,
    }
    if answer.context:
        out["Context"] = answer.context
    out["MatchedStatements"] = d.matched_shape(answer.matched)
    return out
