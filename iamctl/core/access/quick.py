"""A quick look at a principal's policy documents, before the evaluator's careful one.

Gathering and parsing every principal's policies is most of what a question about a whole
store costs. Most principals' policies never mention the action asked about; reading their
JSON (C-fast) tells so, and such a principal is skipped. The look is deliberately generous
— conditions are ignored, wildcards cross ARN segments, case is ignored, policy variables
match anything, NotAction/NotResource match everything — so it only ever skips principals
the evaluator would deny; everything else is decided by the evaluator.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable

from iamctl.core.access.subjects import Who, identity_documents


@functools.lru_cache(maxsize=4096)
def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern.lower()))


def _listed(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


# An Allow statement, reduced: (action globs, resource globs or None for any, NotAction?).
_Allow = tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...] | None, bool]


@functools.lru_cache(maxsize=65536)
def _allow_statements(text: str) -> tuple[_Allow, ...] | None:
    """The document's Allow statements, reduced; None when it cannot be read (then every
    question about it answers "maybe")."""
    try:
        doc = json.loads(text)
        statements = doc["Statement"]
        out = []
        for st in statements if isinstance(statements, list) else [statements]:
            if st.get("Effect") != "Allow":
                continue
            actions = tuple(_glob(n) for n in _listed(st.get("Action")))
            resources = None
            if "NotResource" not in st:
                patterns = _listed(st.get("Resource"))
                resources = None if any("${" in p for p in patterns) else tuple(_glob(p) for p in patterns)
            out.append((actions, resources, "NotAction" in st))
        return tuple(out)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def allows(text: str, action: str, resource: str | None = None) -> bool:
    """Could an Allow statement of this document name *action* (lower case) on *resource*
    (any resource when None)? True when unsure."""
    statements = _allow_statements(text)
    if statements is None:
        return True
    for actions, resources, not_action in statements:
        if not (not_action or any(a.fullmatch(action) for a in actions)):
            continue
        if resource is None or resources is None or any(r.fullmatch(resource.lower()) for r in resources):
            return True
    return False


def may_be_allowed(who: Who, action: str, resource: str | None = None) -> bool:
    """False only when none of *who*'s identity policies has an Allow statement naming
    *action* (on *resource*): then, with no resource-based policy, the evaluator can only
    deny. Root users (no policies needed) are always True."""
    texts = identity_documents(who)
    return texts is None or any(allows(t, action.lower(), resource) for t in texts)


def named_actions(who: Who, actions: Iterable[str]) -> set[str]:
    """The *actions* that *who*'s identity policies might allow (all of them for root)."""
    texts = identity_documents(who)
    if texts is None:
        return set(actions)
    return {a for a in actions if any(allows(t, a.lower()) for t in texts)}


def sort_aws_principals(idents: Iterable[str], named: set[str], accounts: set[str]) -> bool:
    """Sort a statement's "AWS" principals into *named* ARNs and *accounts* (an account ID,
    or its root ARN); True when one is "*" (anyone)."""
    anyone = False
    for ident in idents:
        if ident == "*":
            anyone = True
        elif ident.endswith(":root") or ident.isdigit():
            accounts.add(ident.split(":")[4] if ident.startswith("arn:") else ident)
        else:
            named.add(ident)
    return anyone


@functools.lru_cache(maxsize=8192)
def trusted_principals(text: str) -> tuple[frozenset[str], frozenset[str], bool]:
    """(ARNs named, account IDs named, anyone) in a trust policy's Allow statements;
    "anyone" also when the JSON cannot be read or uses NotPrincipal."""
    named: set[str] = set()
    accounts: set[str] = set()
    anyone = False
    try:
        statements = json.loads(text)["Statement"]
        for st in statements if isinstance(statements, list) else [statements]:
            if st.get("Effect") != "Allow":
                continue
            principal = st.get("Principal")
            if principal == "*" or "NotPrincipal" in st:
                anyone = True
                continue
            aws = principal.get("AWS", []) if isinstance(principal, dict) else []
            anyone = sort_aws_principals(_listed(aws), named, accounts) or anyone
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        anyone = True
    return frozenset(named), frozenset(accounts), anyone
