"""What does this change grant? Effective access gained and lost between two stores.

Per principal (users and roles, all accounts): the (action, resource pattern) grants that
``access can`` lists (effective.py) in the new store and that no grant of the old one
covers are gained, the reverse lost; a principal only in one store appeared or disappeared (its grants
gained or lost with it). Who may assume each role is compared too, with the role's trust
policy as the resource policy (as ``role assume`` decides it).

Only principals whose inputs changed are re-evaluated: a principal's fingerprint is the
text of every policy that applies to it (its own, its groups', its boundary), its tags,
groups and its organization's SCPs; a role's trust is compared as text. Account root
users are not compared (they may do everything in their account but what SCPs deny).
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from iamctl.core.access import decide as d
from iamctl.core.access.effective import covers, effective
from iamctl.core.access.quick import may_be_allowed, trusted_principals
from iamctl.core.access.subjects import Who, everyone, identity_documents
from iamctl.core.model import StoreData

GAINED, LOST, APPEARED, DISAPPEARED = "gained", "lost", "appeared", "disappeared"


@dataclass(frozen=True)
class Change:
    change: str  # gained | lost | appeared | disappeared
    principal: str
    action: str = ""
    resource: str = ""
    decision: str = ""
    conditions: tuple[str, ...] = ()
    accepted: bool = False

    def shape(self) -> dict[str, Any]:
        out: dict[str, Any] = {"Change": self.change, "Principal": self.principal}
        if self.action:
            out.update({"Action": self.action, "Resource": self.resource, "Decision": self.decision,
                        "Conditions": list(self.conditions)})
        if self.change == GAINED:
            out["Accepted"] = self.accepted
        return out


# ---------------------------------------------------------------- fingerprints


def _org_inputs(data: StoreData, account_id: str) -> tuple:
    from iamctl.core.billing import access, orgs, scp, tree

    view = data.billing
    org = orgs.org_of(view, account_id)
    levels = scp.scp_levels(org, account_id) if org is not None else None
    path = tree.org_path(org, account_id) if org is not None else None
    return (access.iam_access_enabled(view, account_id), org.id if org else None, path,
            json.dumps(levels) if levels is not None else None)


def fingerprint(data: StoreData, who: Who, org_cache: dict[str, tuple]) -> tuple:
    """Everything the evaluator's answer for *who* depends on, as plain values."""
    from iamctl.core.service import policies

    entity = who.user if who.user is not None else who.role
    boundary = None
    if entity is not None and entity.boundary:
        ref = policies.lookup(who.account, entity.boundary)
        boundary = ref.document if ref is not None else entity.boundary
    if who.account.id not in org_cache:
        org_cache[who.account.id] = _org_inputs(data, who.account.id)
    return (
        tuple(identity_documents(who) or ()),
        boundary,
        tuple(sorted(entity.tags.items())) if entity is not None else (),
        tuple(who.user.groups) if who.user is not None else (),
        entity.id if entity is not None else None,
        org_cache[who.account.id],
    )


Entry = tuple[str, str, str, tuple[str, ...]]  # (action, resource pattern, decision, condition keys)


def _grants(data: StoreData, who: Who) -> set[Entry]:
    return {(g.action, r, g.decision, tuple(g.condition_keys)) for g in effective(data, who) for r in g.resources}


def _covered(entry: Entry, by: Entry) -> bool:
    """Does grant *by* allow everything *entry* does? Same action, a pattern that covers,
    no condition *entry* lacks, and not merely conditional where *entry* is allowed."""
    action, resource, decision, keys = entry
    b_action, b_resource, b_decision, b_keys = by
    return (action == b_action and covers(b_resource, resource) and set(b_keys) <= set(keys)
            and (b_decision == d.ALLOWED or decision == d.CONDITIONAL))


def _not_covered(entries: set[Entry], others: set[Entry]) -> list[Entry]:
    """*entries* that no entry of *others* covers: a pattern widened from b/* to * is one
    gain (the *), not also a loss of b/*."""
    by_action: dict[str, list[Entry]] = {}
    for other in others:
        by_action.setdefault(other[0], []).append(other)
    return sorted(e for e in entries if not any(_covered(e, o) for o in by_action.get(e[0], ())))


# ---------------------------------------------------------------- who may assume


def _may_assume(data: StoreData, who: Who, role_who: Who) -> bool:
    role = role_who.role
    if role is None or who.arn == role_who.arn:
        return False
    named, accounts, anyone = trusted_principals(role.trust)
    if who.arn not in named and not anyone and who.account.id not in accounts:
        return False
    if who.arn not in named and not (anyone and who.account.id == role_who.account.id) \
            and not may_be_allowed(who, "sts:AssumeRole", role_who.arn):
        return False  # let in through its account only: its own policies must allow too
    return d.decide(data, who.caller, "sts:AssumeRole", role_who.arn).grants


def assume_pairs(data: StoreData, people: dict[str, Who], roles: Iterable[str],
                 sources: Iterable[str] | None = None) -> set[tuple[str, str]]:
    """(principal, role) pairs where the principal may assume the role, for *roles*
    (every principal asked) — or, given *sources*, for those principals and every role."""
    out = set()
    role_list = [people[r] for r in roles if r in people]
    asked = [people[s] for s in sources if s in people] if sources is not None else list(people.values())
    for role_who in role_list:
        for who in asked:
            if _may_assume(data, who, role_who):
                out.add((who.arn, role_who.arn))
    return out


# ---------------------------------------------------------------- the diff


def diff(old: StoreData, new: StoreData, now: datetime) -> list[Change]:
    """Every change in effective access from *old* to *new*, principal by principal."""
    old_people = {w.arn: w for w in everyone(old, now, roots=False)}
    new_people = {w.arn: w for w in everyone(new, now, roots=False)}
    old_orgs: dict[str, tuple] = {}
    new_orgs: dict[str, tuple] = {}
    changes: list[Change] = []
    changed: set[str] = set()
    for arn in sorted(old_people.keys() | new_people.keys()):
        before, after = old_people.get(arn), new_people.get(arn)
        if before is not None and after is not None and \
                fingerprint(old, before, old_orgs) == fingerprint(new, after, new_orgs):
            continue
        changed.add(arn)
        if before is None:
            changes.append(Change(APPEARED, arn))
        if after is None:
            changes.append(Change(DISAPPEARED, arn))
        was = _grants(old, before) if before is not None else set()
        now_has = _grants(new, after) if after is not None else set()
        changes += [Change(GAINED, arn, *g) for g in _not_covered(now_has - was, was)]
        changes += [Change(LOST, arn, *g) for g in _not_covered(was - now_has, now_has)]
    changes += _assume_changes(old, new, old_people, new_people, changed)
    return changes


def _assume_changes(old: StoreData, new: StoreData, old_people: dict[str, Who], new_people: dict[str, Who],
                    changed: set[str]) -> list[Change]:
    """Changes in who may assume each role: every principal for a role whose trust
    changed (or that came or went), every role for a principal whose inputs changed."""
    trust_changed = set()
    for arn in old_people.keys() | new_people.keys():
        before, after = old_people.get(arn), new_people.get(arn)
        kind = (before or after).kind  # type: ignore[union-attr]
        if kind == "Role" and (before is None or after is None or before.role.trust != after.role.trust):  # type: ignore[union-attr]
            trust_changed.add(arn)
    old_roles = {a for a, w in old_people.items() if w.kind == "Role"}
    new_roles = {a for a, w in new_people.items() if w.kind == "Role"}
    was = assume_pairs(old, old_people, trust_changed) | assume_pairs(old, old_people, old_roles, changed)
    now_has = assume_pairs(new, new_people, trust_changed) | assume_pairs(new, new_people, new_roles, changed)
    out = [Change(GAINED, p, "sts:AssumeRole", r, d.ALLOWED) for p, r in sorted(now_has - was)]
    out += [Change(LOST, p, "sts:AssumeRole", r, d.ALLOWED) for p, r in sorted(was - now_has)]
    return out


# ---------------------------------------------------------------- accepted grants


def load_accepted(text: str, source: str) -> list[dict[str, str]]:
    """Expected grants: a JSON list (or {"Changes": [...]}, as diff prints) of objects with
    Principal, Action and Resource, each a glob (* and ?); a missing field matches anything."""
    from iamctl.core.errors import UsageError

    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{source} is not JSON: {exc}.", "InvalidAcceptFile") from None
    entries = raw.get("Changes") if isinstance(raw, dict) else raw
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise UsageError(f"{source} must hold a JSON list of {{\"Principal\", \"Action\", \"Resource\"}} objects "
                         "(or diff's own {\"Changes\": [...]}).", "InvalidAcceptFile")
    return [{k: str(e[k]) for k in ("Principal", "Action", "Resource") if k in e}
            for e in entries if e.get("Change", GAINED) == GAINED]


def accept(changes: Sequence[Change], expected: Sequence[dict[str, str]]) -> list[Change]:
    """*changes* with every gained grant that an expected entry matches marked accepted."""
    from dataclasses import replace

    def matches(c: Change, e: dict[str, str]) -> bool:
        return all(fnmatch.fnmatchcase(value, e[key]) for key, value in
                   (("Principal", c.principal), ("Action", c.action), ("Resource", c.resource)) if key in e)

    return [replace(c, accepted=True) if c.change == GAINED and any(matches(c, e) for e in expected) else c
            for c in changes]


def gains(changes: Sequence[Change]) -> list[Change]:
    """Gained grants nobody accepted: what makes ``access diff`` answer no (exit 1)."""
    return [c for c in changes if c.change == GAINED and not c.accepted]
