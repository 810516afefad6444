"""Resource control policies (RCPs): the organization policies that limit what may be done
to resources in member accounts, whoever asks.

Kept, attached and listed by the same code as SCPs (scp.py, with ``kind=RCP``). AWS's rules
modelled here (AWS Organizations User Guide, "Resource control policies" and "RCP syntax"):
- only in an organization with all features, and only once the RCP policy type is enabled
  (EnablePolicyType); disabling it detaches every RCP;
- once enabled, the AWS managed RCPFullAWSAccess is attached to the root, every OU and
  every account, and cannot be detached;
- every other RCP may only Deny, names its principal only as "*" (no NotPrincipal) and has
  no NotAction;
- RCPs never restrict resources in the management account;
- they apply only to the services AWS lists (``policy.rcp_services.RCP_SERVICES``; not kms:RetireGrant).
"""

from __future__ import annotations

from iamctl.core.billing import scp
from iamctl.core.billing.errors import OrgError
from iamctl.core.model.billing import Organization

RCP_FULL_AWS_ACCESS = "RCPFullAWSAccess"
# The document as AWS shows it for p-RCPFullAWSAccess: the one RCP that may Allow.
RCP_FULL_AWS_ACCESS_DOCUMENT = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": "*",
      "Action": "*",
      "Resource": "*"
    }
  ]
}"""


def check_rcp_document(document: dict) -> None:
    """AWS's RCP syntax rules beyond JSON (MalformedPolicyDocumentException otherwise)."""
    statements = document.get("Statement")
    for st in statements if isinstance(statements, list) else [statements]:
        if not isinstance(st, dict):
            continue
        if st.get("Effect") != "Deny":
            raise _malformed('An RCP may only Deny: "Effect": "Allow" is supported only in RCPFullAWSAccess.')
        if "NotPrincipal" in st:
            raise _malformed("An RCP cannot use NotPrincipal.")
        if st.get("Principal") != "*":
            raise _malformed('An RCP statement must have "Principal": "*" (RCPs apply to every principal).')
        if "NotAction" in st:
            raise _malformed("An RCP cannot use NotAction.")


def _malformed(message: str) -> OrgError:
    return OrgError("MalformedPolicyDocumentException", message)


RCP = scp.PolicyKind(
    "RCP", "RESOURCE_CONTROL_POLICY", "resource_control_policy", "rcps", RCP_FULL_AWS_ACCESS,
    "p-RCPFullAWSAccess", RCP_FULL_AWS_ACCESS_DOCUMENT, "Allows access to every operation",
    full_fixed=True, check=check_rcp_document,
)


def require_available(org: Organization) -> None:
    if org.feature_set != "ALL":
        raise OrgError(
            "PolicyTypeNotAvailableForOrganizationException",
            "You can't use the specified policy type with the feature set currently enabled for this "
            "organization: RCPs need all features.",
        )


def require_enabled(org: Organization) -> None:
    require_available(org)
    if not org.rcps_enabled:
        raise OrgError(
            "PolicyTypeNotEnabledException",
            "This operation can be performed only for enabled policy types: enable RCPs first "
            "(iamctl billing rcp enable).",
        )


def enable(org: Organization) -> None:
    """EnablePolicyType RESOURCE_CONTROL_POLICY: RCPFullAWSAccess everywhere."""
    require_available(org)
    if org.rcps_enabled:
        raise OrgError("PolicyTypeAlreadyEnabledException", "The specified policy type is already enabled.")
    org.rcps_enabled = True
    full = org.rcps.get(RCP_FULL_AWS_ACCESS)
    if full is None:
        full = org.rcps[RCP_FULL_AWS_ACCESS] = scp.full_aws_access(RCP)
    for target in [org.root_id, *org.ous, *org.accounts]:
        if target not in full.targets:
            full.targets.append(target)


def disable(org: Organization) -> None:
    """DisablePolicyType: every RCP is detached from every target; the policies stay."""
    require_available(org)
    if not org.rcps_enabled:
        raise OrgError("PolicyTypeNotEnabledException", "The specified policy type isn't enabled.")
    org.rcps_enabled = False
    for policy in org.rcps.values():
        policy.targets.clear()


def rcp_levels(org: Organization, account_id: str) -> list[list[tuple[str, str]]] | None:
    """The RCPs at each level from the root down to *account_id*, for a resource there.

    None when RCPs don't apply: not enabled, or the management account's resources.
    """
    if not org.rcps_enabled or account_id == org.master_account_id or account_id not in org.accounts:
        return None
    return scp.policy_levels(org, account_id, RCP)
