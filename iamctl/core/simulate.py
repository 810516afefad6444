"""Simulation: every action against every resource, decided by the one evaluator.

Results are dicts in the shape of ``aws iam simulate-principal-policy`` /
``simulate-custom-policy`` (EvaluationResults entries), plus two iamctl fields:
``Explanation`` (which statement of which policy decided, or which layer had no Allow) and,
for denials, ``DenialMessage`` (AWS's AccessDenied sentence).

Pure apart from what the caller hands in: time arrives as a datetime, documents as text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from iamctl.core.errors import UsageError
from iamctl.core.policy.document import Policy
from iamctl.core.policy.evaluate import Decision, PolicySet, Principal, Request, denial_message, evaluate
from iamctl.core.principals import Context, Subject, merge_context, time_context

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


def check_actions(actions: Sequence[str]) -> list[str]:
    """One warning per action that is not in the shipped catalogue (any case), each naming
    the closest real action. An action without a service prefix is a UsageError: IAM
    actions are always SERVICE:ACTION, so the question cannot be asked."""
    from iamctl.core.policy import catalogue

    warnings = []
    for action in dict.fromkeys(actions):
        if not catalogue.has_service_prefix(action):
            raise UsageError(
                f"Action {action!r} has no service prefix: write SERVICE:ACTION, such as "
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


# ---------------------------------------------------------------- running


@dataclass
class Simulation:
    """One principal, its policies and base context; asked about actions × resources."""

    principal: Principal
    policies: PolicySet
    context: Context  # without aws:ResourceAccount, which depends on the resource
    resource_account: str | None = None  # --resource-account; None = from each resource ARN


def subject_simulation(
    subject: Subject,
    now: datetime,
    overrides: Mapping[str, Sequence[str]] | None,
    *,
    resource_account: str | None = None,
    resource_policy: Policy | None = None,
) -> Simulation:
    """A Simulation for a principal resolved from the store (see core/principals.py)."""
    context = subject.context(now, overrides, None)
    # The subject fills aws:ResourceAccount with its own account; unless the caller set it,
    # drop it so each resource's account takes its place.
    if not any(k.lower() == "aws:resourceaccount" for k in overrides or {}):
        context = {k: v for k, v in context.items() if k.lower() != "aws:resourceaccount"}
    policies = subject.policies
    if resource_policy is not None:
        policies = replace(policies, resource=resource_policy)
    return Simulation(subject.principal, policies, context, resource_account)


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
    request = Request(sim.principal, action, resource, account, context)
    decision = evaluate(request, sim.policies)
    return result_shape(request, decision, sim.policies)


def result_shape(request: Request, decision: Decision, policies: PolicySet) -> dict[str, Any]:
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
    if policies.scps is not None:
        out["OrganizationsDecisionDetail"] = {"AllowedByOrganizations": decision.denied_by != "scp"}
    out["Explanation"] = decision.explanation
    if decision.decision in DENIED:
        out["DenialMessage"] = denial_message(request, decision)
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
