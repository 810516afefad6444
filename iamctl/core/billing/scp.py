"""Organization policies — service control policies (SCPs) and, through the same code,
resource control policies (RCPs, core/billing/rcp.py): the AWS managed full-access policy,
attachments, and the levels that apply to an account. Every function takes the policy
type as ``kind`` (default: SCPs), which says where the organization keeps them and names
them in messages.

AWS's rules modelled here (Organizations user guide and API reference):
- FullAWSAccess is attached to the root, and to every OU and account as it is created or
  joins, so SCPs restrict nothing until someone attaches a narrower one;
- every root, OU and account must keep at least one SCP: detaching the last one is
  refused (ConstraintViolationException, MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED);
- at most five SCPs per target (MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED);
- an SCP document is at most 5,120 characters (POLICY_CONTENT_LIMIT_EXCEEDED);
- SCPs never restrict the management account.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass

from iamctl.core.billing import ids, tree
from iamctl.core.billing.errors import OrgError, access_denied, constraint
from iamctl.core.model.billing import Organization, Scp

FULL_AWS_ACCESS = "FullAWSAccess"
FULL_AWS_ACCESS_ID = "p-FullAWSAccess"
FULL_AWS_ACCESS_DESCRIPTION = "Allows access to every operation"
# The document exactly as AWS shows it for p-FullAWSAccess.
FULL_AWS_ACCESS_DOCUMENT = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }
  ]
}"""

MAX_ATTACHMENTS_PER_TARGET = 5
MIN_ATTACHMENTS_PER_TARGET = 1
DOCUMENT_MAX_CHARS = 5120
POLICY_LIMIT = 10000
NAME_MAX = 128
DESCRIPTION_MAX = 512



@dataclass(frozen=True)
class PolicyKind:
    """One type of organization policy: where it is kept and what AWS calls it."""

    label: str  # "SCP" | "RCP", in messages
    type_name: str  # SERVICE_CONTROL_POLICY | RESOURCE_CONTROL_POLICY (PolicySummary.Type)
    arn_kind: str  # the ARN's path segment: service_control_policy | resource_control_policy
    attr: str  # Organization's collection: "scps" | "rcps"
    full_name: str
    full_id: str
    full_document: str
    full_description: str
    # The full-access policy may never be detached (RCPFullAWSAccess); otherwise each target
    # keeps at least one policy of the type (SCPs).
    full_fixed: bool = False
    check: Callable[[dict], None] | None = None  # extra rules on the parsed document

    def policies(self, org: Organization) -> dict[str, Scp]:
        return getattr(org, self.attr)


SCP = PolicyKind("SCP", "SERVICE_CONTROL_POLICY", "service_control_policy", "scps", FULL_AWS_ACCESS,
                 FULL_AWS_ACCESS_ID, FULL_AWS_ACCESS_DOCUMENT, FULL_AWS_ACCESS_DESCRIPTION)


def full_aws_access(kind: PolicyKind = SCP) -> Scp:
    return Scp(
        name=kind.full_name,
        id=kind.full_id,
        arn=ids.aws_managed_policy_arn(kind.full_id, kind.arn_kind),
        document=kind.full_document,
        description=kind.full_description,
        aws_managed=True,
    )


def _check_document(document: str, kind: PolicyKind = SCP) -> None:
    if len(document) > DOCUMENT_MAX_CHARS:
        raise constraint(
            "POLICY_CONTENT_LIMIT_EXCEEDED",
            f"An {kind.label} can have at most {DOCUMENT_MAX_CHARS} characters; this one has {len(document)}.",
        )
    try:
        parsed = json.loads(document)
    except json.JSONDecodeError as exc:
        raise OrgError(
            "MalformedPolicyDocumentException",
            f"The policy is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
        ) from None
    if not isinstance(parsed, dict) or "Statement" not in parsed:
        raise OrgError("MalformedPolicyDocumentException", "The policy must be a JSON object with a Statement.")
    if kind.check is not None:
        kind.check(parsed)


def get_policy(org: Organization, name_or_id: str, kind: PolicyKind = SCP) -> Scp:
    """Look a policy up by name, or by its p- ID as AWS's API does."""
    found = kind.policies(org)
    scp = found.get(name_or_id)
    if scp is None:
        scp = next((s for s in found.values() if s.id == name_or_id), None)
    if scp is None:
        raise OrgError("PolicyNotFoundException", f"We can't find a policy named or with the ID {name_or_id}.")
    return scp


def create_policy(
    org: Organization, name: str, document: str, description: str = "", rng: random.Random | None = None,
    kind: PolicyKind = SCP,
) -> Scp:
    if not 1 <= len(name) <= NAME_MAX:
        raise OrgError("InvalidInputException", f"The policy name must be 1 to {NAME_MAX} characters.")
    if len(description) > DESCRIPTION_MAX:
        raise OrgError("InvalidInputException", f"The description can have at most {DESCRIPTION_MAX} characters.")
    policies = kind.policies(org)
    if name in policies:
        raise OrgError("DuplicatePolicyException", f"A policy with the name {name} already exists.")
    if len(policies) >= POLICY_LIMIT:
        raise constraint("POLICY_NUMBER_LIMIT_EXCEEDED",
                         f"You have reached the limit of {kind.label}s in the organization.")
    _check_document(document, kind)
    taken = {s.id for s in policies.values()}
    policy_id = ids.new_policy_id(rng)
    while policy_id in taken:
        policy_id = ids.new_policy_id(rng)
    scp = Scp(
        name=name,
        id=policy_id,
        arn=ids.policy_arn(org.master_account_id, org.id, policy_id, kind.arn_kind),
        document=document,
        description=description,
    )
    policies[name] = scp
    return scp


def _refuse_aws_managed(scp: Scp) -> None:
    # AWS documents that AWS managed policies can't be modified or deleted; the exact error
    # code for trying isn't documented, so this uses AccessDeniedException.
    if scp.aws_managed:
        raise access_denied(f"{scp.name} is an AWS managed policy; it can't be modified or deleted.")


def update_policy(
    org: Organization,
    name_or_id: str,
    *,
    new_name: str | None = None,
    document: str | None = None,
    description: str | None = None,
    kind: PolicyKind = SCP,
) -> Scp:
    scp = get_policy(org, name_or_id, kind)
    _refuse_aws_managed(scp)
    if document is not None:
        _check_document(document, kind)
        scp.document = document
    if description is not None:
        if len(description) > DESCRIPTION_MAX:
            raise OrgError("InvalidInputException", f"The description can have at most {DESCRIPTION_MAX} characters.")
        scp.description = description
    if new_name is not None and new_name != scp.name:
        if not 1 <= len(new_name) <= NAME_MAX:
            raise OrgError("InvalidInputException", f"The policy name must be 1 to {NAME_MAX} characters.")
        if new_name in kind.policies(org):
            raise OrgError("DuplicatePolicyException", f"A policy with the name {new_name} already exists.")
        # Rebuild the dict so the renamed policy keeps its place in the file.
        old = scp.name
        scp.name = new_name
        setattr(org, kind.attr, {(new_name if k == old else k): v for k, v in kind.policies(org).items()})
    return scp


def delete_policy(org: Organization, name_or_id: str, kind: PolicyKind = SCP) -> None:
    scp = get_policy(org, name_or_id, kind)
    _refuse_aws_managed(scp)
    if scp.targets:
        raise OrgError(
            "PolicyInUseException",
            f"The policy {scp.name} is attached to {', '.join(scp.targets)}; detach it first.",
        )
    del kind.policies(org)[scp.name]


def _check_target(org: Organization, target_id: str) -> None:
    if target_id == org.root_id or target_id in org.ous or target_id in org.accounts:
        return
    raise OrgError("TargetNotFoundException", f"We can't find a root, OU, or account with the TargetId {target_id}.")


def policies_for_target(org: Organization, target_id: str, kind: PolicyKind = SCP) -> list[Scp]:
    """ListPoliciesForTarget: the policies of *kind* attached directly to a root, OU or account."""
    _check_target(org, target_id)
    return [s for s in kind.policies(org).values() if target_id in s.targets]


def attach_policy(org: Organization, name_or_id: str, target_id: str, kind: PolicyKind = SCP) -> Scp:
    scp = get_policy(org, name_or_id, kind)
    _check_target(org, target_id)
    if target_id in scp.targets:
        raise OrgError(
            "DuplicatePolicyAttachmentException",
            f"The policy {scp.name} is already attached to {target_id}.",
        )
    if len(policies_for_target(org, target_id, kind)) >= MAX_ATTACHMENTS_PER_TARGET:
        raise constraint(
            "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
            f"{target_id} already has {MAX_ATTACHMENTS_PER_TARGET} {kind.label}s attached.",
        )
    scp.targets.append(target_id)
    return scp


def detach_policy(org: Organization, name_or_id: str, target_id: str, kind: PolicyKind = SCP) -> Scp:
    scp = get_policy(org, name_or_id, kind)
    _check_target(org, target_id)
    if target_id not in scp.targets:
        raise OrgError("PolicyNotAttachedException", f"The policy {scp.name} is not attached to {target_id}.")
    if kind.full_fixed and scp.aws_managed:
        # AWS: RCPFullAWSAccess "cannot be detached"; the exact error code is not documented.
        raise constraint(
            "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
            f"{scp.name} stays attached to every root, OU and account while {kind.label}s are enabled; "
            "it cannot be detached.",
        )
    if len(policies_for_target(org, target_id, kind)) <= MIN_ATTACHMENTS_PER_TARGET:
        raise constraint(
            "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
            f"{target_id} must keep at least one {kind.label}; attach another before detaching {scp.name}.",
        )
    scp.targets.remove(target_id)
    return scp


def attach_default(org: Organization, target_id: str) -> None:
    """Give a new root, OU or account the full-access policy of every enabled type
    (FullAWSAccess; RCPFullAWSAccess once RCPs are enabled), as AWS does."""
    for policies, name in ((org.scps, FULL_AWS_ACCESS), (org.rcps, "RCPFullAWSAccess")):
        scp = policies.get(name)
        if scp is not None and scp.aws_managed and target_id not in scp.targets:
            scp.targets.append(target_id)


def detach_all(org: Organization, target_id: str) -> None:
    """Drop a target's attachments when it leaves (no minimum applies to a departed target)."""
    for scp in [*org.scps.values(), *org.rcps.values()]:
        if target_id in scp.targets:
            scp.targets.remove(target_id)


def policy_levels(org: Organization, account_id: str, kind: PolicyKind = SCP) -> list[list[tuple[str, str]]]:
    """The policies of *kind* at each level from the root down to the account: one list
    of (policy name, document text) per level, in attachment order."""
    return [
        [(s.name, s.document) for s in policies_for_target(org, level, kind)]
        for level in tree.account_path(org, account_id)
    ]


def scp_levels(org: Organization, account_id: str) -> list[list[tuple[str, str]]] | None:
    """The SCPs at each level from the root down to the account, for the evaluator.

    Each level is a list of (policy name, document text) in attachment order. A request is
    allowed by SCPs only if every level allows it (within a level one allowing SCP is
    enough) and no SCP at any level denies it. None means SCPs don't apply: the
    management account is never restricted by SCPs.
    """
    if account_id == org.master_account_id:
        return None
    return policy_levels(org, account_id)


def level_names(org: Organization, account_id: str) -> list[str]:
    """Human names for scp_levels' levels ("Root", OU names, "Account 1234..."), for explanations."""
    names = []
    for level in tree.account_path(org, account_id):
        if level == org.root_id:
            names.append(f"root {org.root_id}")
        elif level in org.ous:
            names.append(f"OU {org.ous[level].name} ({level})")
        else:
            names.append(f"account {level}")
    return names
