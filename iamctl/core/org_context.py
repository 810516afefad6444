"""What an account's organization adds to every access question, in one place.

``simulate``, role assumption and anything else that asks the evaluator "may this
principal do this?" call :func:`org_inputs` for the principal's account and pass what it
returns into the request and the policy set::

    scps, billing_access, org_keys = org_inputs(data, principal.account)
    policies = PolicySet(identity=..., scps=scps, billing_access=billing_access)
    request = Request(principal, action, resource, context={**org_keys, **caller_context})
    decision = evaluate(request, policies)
    if decision.decision != "allowed":
        reason = explain_block(decision, principal.account, scps)

The evaluator itself applies SCPs only to principals that live in the account (users,
roles, sessions and the account's root user) and the billing-access setting only to IAM
users and roles, never to the root user; callers don't filter by principal type.

Pure: reads the store data it is given, never the disk or the clock.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from iamctl.core.billing import access, orgs, rcp, scp, tree
from iamctl.core.model import StoreData
from iamctl.core.policy.document import Policy, parse_policy
from iamctl.core.policy.evaluate import Decision

ORG_ID_KEY = "aws:PrincipalOrgID"
ORG_PATHS_KEY = "aws:PrincipalOrgPaths"


def org_inputs(data: StoreData, account_id: str) -> tuple[list[list[Policy]] | None, bool, dict[str, list[str]]]:
    """The organization's inputs for a principal of *account_id*:

    1. SCP levels for ``PolicySet.scps``: one list per level from the organization's root,
       through each OU, down to the account, holding the SCPs attached there, parsed as
       ``Policy`` objects of kind "scp" whose ids name the SCP and its level, e.g.
       ``DenyS3 at OU Sandbox (ou-ab12-cdefghij)``, so the evaluator's explanations
       cite them. Every level must allow; one allowing SCP per level is enough; a Deny at
       any level denies. None when the account is in no organization or is its
       management account (SCPs never restrict the management account).
    2. ``PolicySet.billing_access``: the account's "IAM user and role access to billing
       information" setting (off unless the root user turned it on).
    3. Context keys the request gains in an organization: ``aws:PrincipalOrgID`` (the
       ``o-`` ID) and ``aws:PrincipalOrgPaths`` (``o-.../r-.../ou-.../``, the account's
       path of OUs); empty when the account is in no organization. The management
       account's principals get them too: it is in the organization.

    Parsed SCPs are cached by document and id, so repeated calls hand the evaluator the
    same Policy objects (and its per-policy indexes stay warm).
    """
    view = data.billing
    billing_access = access.iam_access_enabled(view, account_id)
    org = orgs.org_of(view, account_id)
    if org is None:
        return None, billing_access, {}
    keys = {ORG_ID_KEY: [org.id], ORG_PATHS_KEY: [tree.org_path(org, account_id)]}
    levels = scp.scp_levels(org, account_id)
    if levels is None:
        return None, billing_access, keys
    labels = scp.level_names(org, account_id)
    parsed = [
        [_parse_scp(document, f"{name} at {label}") for name, document in level]
        for level, label in zip(levels, labels, strict=True)
    ]
    return parsed, billing_access, keys


@lru_cache(maxsize=1024)
def _parse_scp(document: str, policy_id: str) -> Policy:
    return parse_policy(document, kind="scp", policy_id=policy_id)


def rcp_inputs(data: StoreData, resource_account: str) -> list[list[Policy]] | None:
    """``PolicySet.rcps`` for a resource in *resource_account*: one list per level from the
    root down to the account, ids naming the RCP and its level ("DenyExternal at OU Prod
    (ou-...)"), so explanations say which RCP decided where. None when no RCP applies (no
    organization, RCPs not enabled, or the management account's resources).

    Unlike SCPs, RCPs follow the resource's account, not the caller's: a caller outside the
    organization meets them too.
    """
    org = orgs.org_of(data.billing, resource_account)
    if org is None:
        return None
    levels = rcp.rcp_levels(org, resource_account)
    if levels is None:
        return None
    labels = scp.level_names(org, resource_account)
    return [
        [_parse_rcp(document, f"{name} at {label}") for name, document in level]
        for level, label in zip(levels, labels, strict=True)
    ]


@lru_cache(maxsize=1024)
def _parse_rcp(document: str, policy_id: str) -> Policy:
    # An RCP names principals ("*") as a resource-based policy does; the evaluator cites it as an RCP.
    policy = parse_policy(document, kind="resource", policy_id=policy_id)
    policy.source_type = "rcp"
    return policy


def rcps_for(data: StoreData) -> Callable[[str], list[list[Policy]] | None]:
    """A lookup of RCP levels by resource account, for evaluations across many resources."""
    cache: dict[str, list[list[Policy]] | None] = {}

    def lookup(account_id: str) -> list[list[Policy]] | None:
        if account_id not in cache:
            cache[account_id] = rcp_inputs(data, account_id)
        return cache[account_id]

    return lookup


def explain_block(decision: Decision, account_id: str, scps: list[list[Policy]] | None) -> str:
    """The explanation of a denial in terms of the organization, when the organization is
    what denied it; otherwise the evaluator's own explanation.

    - an SCP's explicit Deny: the SCP and level that denied (from the cited policy id);
    - no SCP allowing at some level: that level, and the SCPs attached there;
    - the billing-access setting: the setting, and how the root user turns it on.
    """
    if decision.decision == "allowed":
        return decision.explanation
    if decision.denied_by == "billing-access":
        return access.explanation(account_id)
    if decision.denied_by != "scp" or not scps:
        return decision.explanation
    if decision.decision == "explicitDeny":
        deny = next((m for m in decision.matched if m.policy_type == "scp" and m.effect == "Deny"), None)
        if deny is None:
            return decision.explanation
        sid = f' (Sid "{deny.sid}")' if deny.sid else ""
        return (
            f"Explicitly denied by the service control policy {deny.policy_id}, statement "
            f"{deny.statement_index + 1}{sid}; SCPs bound every principal of a member account, "
            "administrators included."
        )
    allowing = {m.policy_id for m in decision.matched if m.effect == "Allow"}
    for level in scps:
        if not any(p.id in allowing for p in level):
            label = level[0].id.partition(" at ")[2] if level else "an organization level"
            attached = ", ".join(p.id.partition(" at ")[0] for p in level) or "none"
            return (
                f"Implicitly denied: no service control policy at {label} allows the action "
                f"(attached there: {attached}); every level from the root to the account must allow it."
            )
    return decision.explanation
