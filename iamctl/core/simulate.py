"""Simulation: every action against every resource, decided by the one evaluator.

Results are dicts in the shape of ``aws iam simulate-principal-policy`` /
``simulate-custom-policy`` (EvaluationResults entries), plus two iamctl fields:
``Explanation`` (which statement of which policy decided, or which layer had no Allow) and,
for denials, ``DenialMessage`` (AWS's AccessDenied sentence).

Pure apart from what the caller hands in: time arrives as a datetime, documents as text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from iamctl.core.errors import UsageError
from iamctl.core.identity.context import Context, merge_context, time_context
from iamctl.core.identity.subjects import Subject
from iamctl.core.policy.document import Policy
from iamctl.core.policy.evaluate import Decision, PolicySet, Principal, Request, denial_message, evaluate

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_PRINCIPAL_NAME = "simulated"
DENIED = ("explicitDeny", "implicitDeny")
_ACCOUNT_ID = re.compile(r"^\d{12}$")


# ---------------------------------------------------------------- arguments


def parse_context(items: Sequence[str] | None) -> Context:
    """``KEY=VALUE`` items; a KEY given again adds a value (a multi-valued key).

    Keys ignore case, as IAM's do; the first spelling is kept.
    """
    out: Context = {}
    spelled: dict[str, str] = {}
    for item in items or []:
        key, eq, value = item.partition("=")
        key = key.strip()
        if not eq or not key:
            raise UsageError(f"--context takes KEY=VALUE, not {item!r}.")
        name = spelled.setdefault(key.lower(), key)
        out.setdefault(name, []).append(value)
    return out


def parse_context_json(text: str | None, context: Context) -> tuple[Context, frozenset[str]]:
    """``--context-json``: an object whose values are a string, a list of strings (``[]`` is a
    present multi-valued key with no values) or null (remove a key iamctl would fill, such as
    aws:SecureTransport, aws:CurrentTime or the principal keys).

    Returns *context* (from ``--context``) with the object's keys added, and the lower-cased
    keys to remove. A key given both ways is a usage error: which one meant what is unclear.
    """
    if text is None:
        return context, frozenset()
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"--context-json is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).") \
            from None
    if not isinstance(raw, dict):
        raise UsageError('--context-json takes a JSON object, e.g. {"aws:SourceVpce": "vpce-1a2b3c4d"}.')
    out: Context = dict(context)
    given = {k.lower() for k in context}
    removed: set[str] = set()
    for key, value in raw.items():
        if not key.strip():
            raise UsageError("--context-json has an empty key.")
        if key.lower() in given:
            raise UsageError(f"{key} is given both in --context and in --context-json; give it once.")
        if value is None:
            removed.add(key.lower())
        elif isinstance(value, str):
            out[key] = [value]
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out[key] = list(value)
        else:
            raise UsageError(
                f"--context-json: the value of {key} must be a string, a list of strings or null, "
                f"not {json.dumps(value)}."
            )
    return out, frozenset(removed)


def check_actions(actions: Sequence[str]) -> list[str]:
    """One warning per action that is not in the shipped catalogue (any case), each naming
    the closest real action. An action without a service prefix is a UsageError: IAM
    actions are always SERVICE:ACTION, so the question cannot be asked."""
    from iamctl.core.policy import catalogue

    warnings = []
    for action in dict.fromkeys(actions):
        if not catalogue.has_service_prefix(action):
            # "ec2:" has its prefix but no action name after it
            lacks = "action name" if action.endswith(":") and action != ":" else "service prefix"
            raise UsageError(
                f"Action {action!r} has no {lacks}: write SERVICE:ACTION, such as "
                f"s3:GetObject{catalogue.did_you_mean(action)}",
                "InvalidAction",
            )
        problem = catalogue.unknown_action_problem(action)
        if problem is not None:
            warnings.append(problem)
    return warnings


def parse_time(text: str) -> datetime:
    """ISO 8601 (``2024-05-01T12:00:00Z``, a date, an offset) or epoch seconds; UTC if no zone."""
    raw = text.strip()
    try:
        if re.fullmatch(r"-?\d+(\.\d+)?", raw):
            return datetime.fromtimestamp(float(raw), UTC)
        when = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"--at takes an ISO 8601 time such as 2024-05-01T12:00:00Z, not {text!r}.") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def resource_account_of(resource: str) -> str | None:
    """The account field of an ARN, when it holds an account ID (S3 bucket ARNs have none)."""
    parts = resource.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn" and _ACCOUNT_ID.match(parts[4]):
        return parts[4]
    return None


def principal_from_arn(arn: str) -> Principal:
    """A Principal for ``simulate custom --principal``: user, role, session, root, service ..."""
    if arn in ("*", "anonymous"):
        return Principal("*", "", "Anonymous")
    if arn.endswith(".amazonaws.com") and not arn.startswith("arn:"):
        return Principal(arn, "", "Service")
    if _ACCOUNT_ID.match(arn):
        return Principal(f"arn:aws:iam::{arn}:root", arn, "Root")
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not _ACCOUNT_ID.match(parts[4]):
        raise UsageError(
            f"--principal must be an IAM or STS ARN with a 12-digit account (or a service principal), not {arn!r}."
        )
    service, account, resource = parts[2], parts[4], parts[5]
    if service == "iam" and resource == "root":
        return Principal(arn, account, "Root")
    if service == "iam" and resource.startswith("user/"):
        return Principal(arn, account, "User")
    if service == "iam" and resource.startswith("role/"):
        return Principal(arn, account, "Role")
    if service == "sts" and resource.startswith("assumed-role/"):
        pieces = resource.split("/")
        if len(pieces) < 3:
            raise UsageError(f"An assumed-role ARN is arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, not {arn!r}.")
        role_arn = f"arn:{parts[1]}:iam::{account}:role/{pieces[1]}"
        return Principal(arn, account, "AssumedRole", role_arn=role_arn)
    if service == "sts" and resource.startswith("federated-user/"):
        return Principal(arn, account, "FederatedUser")
    raise UsageError(f"--principal {arn!r} is not a user, role, assumed-role, federated-user or root ARN.")


def principal_context(principal: Principal, now: datetime) -> Context:
    """What AWS fills for a principal known only by its ARN (simulate custom).

    aws:userid is not derivable from an ARN (it is the unique ID AIDA...), so it is left
    out unless given with --context.
    """
    ctx: Context = {"aws:SecureTransport": ["true"], **time_context(now)}
    if principal.type in ("Anonymous", "Service"):
        return ctx
    ctx["aws:PrincipalArn"] = [principal.role_arn or principal.arn]
    ctx["aws:PrincipalAccount"] = [principal.account]
    if principal.type == "User":
        ctx["aws:username"] = [principal.arn.rpartition("/")[2]]
    return ctx


def rcp_level(documents: Sequence[tuple[str, str]]) -> list[Policy]:
    """One level of RCPs for ``PolicySet.rcps`` from (document text, policy id) pairs: each
    checked against AWS's RCP syntax (only Deny, "Principal": "*"), plus RCPFullAWSAccess,
    which AWS keeps attached at every level."""
    from iamctl.core.billing.rcp import RCP_FULL_AWS_ACCESS, RCP_FULL_AWS_ACCESS_DOCUMENT, check_rcp_document
    from iamctl.core.identity.policies import parsed

    level = []
    for text, policy_id in documents:
        level.append(parsed(text, kind="resource", policy_id=policy_id, source_type="rcp"))
        check_rcp_document(json.loads(text))  # parsed above, so it is JSON
    where = documents[0][1].partition(" at ")[2] if documents else ""
    full_id = f"{RCP_FULL_AWS_ACCESS} at {where}" if where else RCP_FULL_AWS_ACCESS
    level.append(parsed(RCP_FULL_AWS_ACCESS_DOCUMENT, kind="resource", policy_id=full_id, source_type="rcp"))
    return level


def level_ids(names: Sequence[str], number: int, leveled: bool) -> list[str]:
    """Policy ids for one organization level: with levels, "NAME at level N", so an
    explanation says which level decided."""
    return [f"{n} at level {number + 1}" for n in names] if leveled else list(names)


# ---------------------------------------------------------------- running


@dataclass
class Simulation:
    """One principal, its policies and base context; asked about actions × resources."""

    principal: Principal
    policies: PolicySet
    context: Context  # without aws:ResourceAccount, which depends on the resource
    resource_account: str | None = None  # --resource-account; None = from each resource ARN
    absent: frozenset[str] = frozenset()  # lower-cased keys removed with --context-json null
    # The RCP levels of a resource's account (from the store); None = the policies' own rcps.
    rcps_for: Callable[[str], list[list[Policy]] | None] | None = None
    # How denial sentences name the principal when its ARN is not a caller's (a group).
    denial_subject: str | None = None


def subject_simulation(
    subject: Subject,
    now: datetime,
    overrides: Mapping[str, Sequence[str]] | None,
    *,
    resource_account: str | None = None,
    resource_policy: Policy | None = None,
    absent: frozenset[str] = frozenset(),
    endpoint_policy: Policy | None = None,
) -> Simulation:
    """A Simulation for a principal resolved from the store (see core/principals.py)."""
    context = subject.context(now, overrides, None)
    # The subject fills aws:ResourceAccount with its own account; unless the caller set it,
    # drop it so each resource's account takes its place.
    if not any(k.lower() == "aws:resourceaccount" for k in overrides or {}):
        context = {k: v for k, v in context.items() if k.lower() != "aws:resourceaccount"}
    policies = subject.policies
    if resource_policy is not None or endpoint_policy is not None:
        policies = replace(policies, resource=resource_policy or policies.resource,
                           endpoint=endpoint_policy or policies.endpoint)
    return Simulation(subject.principal, policies, context, resource_account, absent=absent,
                      rcps_for=subject.rcps_for, denial_subject=subject.denial_subject)


def run(sim: Simulation, actions: Sequence[str], resources: Sequence[str] | None) -> list[dict[str, Any]]:
    """EvaluationResults, in action-major order (as AWS lists them)."""
    results = []
    for action in actions:
        for resource in resources or ["*"]:
            results.append(evaluate_one(sim, action, resource))
    return results


def evaluate_one(sim: Simulation, action: str, resource: str) -> dict[str, Any]:
    # --resource-account wins; else the account in the resource ARN; else the principal's.
    account = sim.resource_account or resource_account_of(resource) or sim.principal.account or DEFAULT_ACCOUNT
    context = merge_context({"aws:ResourceAccount": [account]}, sim.context)
    if sim.absent:
        context = {k: v for k, v in context.items() if k.lower() not in sim.absent}
    policies = sim.policies
    if sim.rcps_for is not None:
        policies = replace(policies, rcps=sim.rcps_for(account))
    request = Request(sim.principal, action, resource, account, context, sim.absent)
    decision = evaluate(request, policies)
    return result_shape(request, decision, policies, sim.denial_subject)


def result_shape(
    request: Request, decision: Decision, policies: PolicySet, denial_subject: str | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "EvalActionName": request.action,
        "EvalResourceName": request.resource,
        "EvalDecision": decision.decision,
        "MatchedStatements": [
            {
                "SourcePolicyId": m.policy_id,
                "SourcePolicyType": m.policy_type,
                "StartPosition": {"Line": m.start.line, "Column": m.start.column},
                "EndPosition": {"Line": m.end.line, "Column": m.end.column},
            }
            for m in decision.matched
        ],
        "MissingContextValues": list(decision.missing_context),
    }
    if request.resource_account not in (None, request.principal.account) and request.principal.account:
        out["EvalDecisionDetails"] = _cross_account_details(request, policies)
    if policies.boundary is not None:
        out["PermissionsBoundaryDecisionDetail"] = {
            "AllowedByPermissionsBoundary": _boundary_allows(request, decision, policies)
        }
    if policies.scps is not None or policies.rcps is not None:
        out["OrganizationsDecisionDetail"] = {"AllowedByOrganizations": decision.denied_by not in ("scp", "rcp")}
    out["Explanation"] = decision.explanation
    if decision.decision in DENIED:
        message = denial_message(request, decision)
        if denial_subject:
            message = message.replace(f"User: {request.principal.arn}", denial_subject, 1)
        out["DenialMessage"] = message
    return out


def _boundary_allows(request: Request, decision: Decision, policies: PolicySet) -> bool:
    if decision.denied_by == "boundary":
        return False
    # Otherwise ask the boundary on its own: the decision may have been made by another layer.
    alone = evaluate(request, PolicySet(identity=[policies.boundary]))  # type: ignore[list-item]
    return alone.decision == "allowed"


def _cross_account_details(request: Request, policies: PolicySet) -> dict[str, str]:
    """Each side of a cross-account request on its own, as AWS's EvalDecisionDetails does."""
    same = replace(request, resource_account=request.principal.account)
    identity = evaluate(same, replace(policies, resource=None))
    details = {"IAM Policy": identity.decision}
    if policies.resource is not None:
        # The resource side: the resource policy as the only thing that could grant.
        only = evaluate(request, PolicySet(resource=policies.resource, identity=[]))
        grants = any(m.policy_type == "resource" and m.effect == "Allow" for m in only.matched)
        explicit = only.decision == "explicitDeny"
        details["Resource Policy"] = "explicitDeny" if explicit else ("allowed" if grants else "implicitDeny")
    return details


def all_allowed(results: Sequence[Mapping[str, Any]]) -> bool:
    return all(r["EvalDecision"] == "allowed" for r in results)


def matches_expectation(expect: str, decision: str) -> bool:
    """``expect`` is allowed | denied | explicitDeny | implicitDeny."""
    if expect == "denied":
        return decision in DENIED
    return decision == expect


EXPECTATIONS = ("allowed", "denied", "explicitDeny", "implicitDeny")
