"""The organization's tree: root, organizational units, and where each account sits."""

from __future__ import annotations

import random

from iamctl.core.billing import ids
from iamctl.core.billing.errors import OrgError, constraint
from iamctl.core.model.billing import Organization, OrganizationalUnit

# AWS's limits ("Quotas for AWS Organizations"): 2,000 OUs, nested at most five deep
# under the root.
OU_LIMIT = 2000
OU_DEPTH_LIMIT = 5
OU_NAME_MAX = 128


def is_parent(org: Organization, parent_id: str) -> bool:
    return parent_id == org.root_id or parent_id in org.ous


def ancestors(org: Organization, parent_id: str) -> list[str]:
    """IDs from the root down to *parent_id* inclusive."""
    chain: list[str] = []
    current = parent_id
    while current != org.root_id:
        ou = org.ous.get(current)
        if ou is None:
            raise OrgError("ParentNotFoundException", f"We can't find a root or OU with the ParentId {current}.")
        chain.append(current)
        current = ou.parent_id
    chain.append(org.root_id)
    return chain[::-1]


def account_path(org: Organization, account_id: str) -> list[str]:
    """Root, OUs, then the account: the levels SCPs are attached at."""
    member = org.accounts.get(account_id)
    if member is None:
        raise account_not_found(account_id)
    return [*ancestors(org, member.parent_id), account_id]


def org_path(org: Organization, account_id: str) -> str:
    """The value of aws:PrincipalOrgPaths: o-.../r-.../ou-.../ (OUs only, trailing slash)."""
    member = org.accounts.get(account_id)
    if member is None:
        raise account_not_found(account_id)
    return "/".join([org.id, *ancestors(org, member.parent_id)]) + "/"


def account_not_found(account_id: str) -> OrgError:
    return OrgError(
        "AccountNotFoundException",
        f"We can't find an AWS account with the AccountId {account_id} in this organization.",
    )


def create_ou(org: Organization, name: str, parent_id: str, rng: random.Random | None = None) -> OrganizationalUnit:
    if not 1 <= len(name) <= OU_NAME_MAX:
        raise OrgError("InvalidInputException", f"The OU name must be 1 to {OU_NAME_MAX} characters.")
    if not is_parent(org, parent_id):
        raise OrgError("ParentNotFoundException", f"We can't find a root or OU with the ParentId {parent_id}.")
    if any(ou.parent_id == parent_id and ou.name == name for ou in org.ous.values()):
        raise OrgError(
            "DuplicateOrganizationalUnitException",
            f"An OU with the name {name} already exists in the parent {parent_id}.",
        )
    if len(org.ous) >= OU_LIMIT:
        raise constraint("OU_NUMBER_LIMIT_EXCEEDED", "You have reached the limit of OUs in the organization.")
    # ancestors() counts the root; an OU directly under the root is at depth 1.
    if len(ancestors(org, parent_id)) > OU_DEPTH_LIMIT:
        raise constraint("OU_DEPTH_LIMIT_EXCEEDED", f"OUs can be nested at most {OU_DEPTH_LIMIT} levels deep.")
    ou_id = ids.new_ou_id(org.root_id, rng)
    while ou_id in org.ous:  # a collision is unlikely, but an ID must never be reused
        ou_id = ids.new_ou_id(org.root_id, rng)
    ou = OrganizationalUnit(
        id=ou_id, name=name, arn=ids.ou_arn(org.master_account_id, org.id, ou_id), parent_id=parent_id
    )
    org.ous[ou_id] = ou
    # Like AWS, a new OU starts with FullAWSAccess (and RCPFullAWSAccess once RCPs are
    # enabled), so every level allows until narrowed.
    # (Done here rather than through scp.attach_default, which imports this module.)
    for full in (org.scps.get("FullAWSAccess"), org.rcps.get("RCPFullAWSAccess")):
        if full is not None and full.aws_managed:
            full.targets.append(ou_id)
    return ou


def rename_ou(org: Organization, ou_id: str, name: str) -> OrganizationalUnit:
    ou = get_ou(org, ou_id)
    if not 1 <= len(name) <= OU_NAME_MAX:
        raise OrgError("InvalidInputException", f"The OU name must be 1 to {OU_NAME_MAX} characters.")
    if any(o.parent_id == ou.parent_id and o.name == name and o.id != ou_id for o in org.ous.values()):
        raise OrgError(
            "DuplicateOrganizationalUnitException",
            f"An OU with the name {name} already exists in the parent {ou.parent_id}.",
        )
    ou.name = name
    return ou


def get_ou(org: Organization, ou_id: str) -> OrganizationalUnit:
    ou = org.ous.get(ou_id)
    if ou is None:
        raise OrgError(
            "OrganizationalUnitNotFoundException",
            f"We can't find an OU with the OrganizationalUnitId {ou_id}.",
        )
    return ou


def delete_ou(org: Organization, ou_id: str) -> None:
    get_ou(org, ou_id)
    if any(o.parent_id == ou_id for o in org.ous.values()) or any(
        m.parent_id == ou_id for m in org.accounts.values()
    ):
        raise OrgError(
            "OrganizationalUnitNotEmptyException",
            f"The OU {ou_id} still contains accounts or OUs; move or remove them first.",
        )
    del org.ous[ou_id]
    for scp in [*org.scps.values(), *org.rcps.values()]:  # attachments go with the OU
        if ou_id in scp.targets:
            scp.targets.remove(ou_id)


def list_children(org: Organization, parent_id: str) -> tuple[list[OrganizationalUnit], list[str]]:
    """OUs and account IDs directly under *parent_id* (ListChildren), each sorted."""
    if not is_parent(org, parent_id):
        raise OrgError("ParentNotFoundException", f"We can't find a root or OU with the ParentId {parent_id}.")
    ous = sorted((o for o in org.ous.values() if o.parent_id == parent_id), key=lambda o: (o.name, o.id))
    accounts = sorted(a for a, m in org.accounts.items() if m.parent_id == parent_id)
    return ous, accounts


def move_account(
    org: Organization, account_id: str, destination_id: str, source_id: str | None = None
) -> None:
    """MoveAccount. *source_id* is optional here (AWS requires it); when given it must match."""
    member = org.accounts.get(account_id)
    if member is None:
        raise account_not_found(account_id)
    if source_id is not None:
        if not is_parent(org, source_id):
            raise OrgError(
                "SourceParentNotFoundException", f"We can't find a source root or OU with the ParentId {source_id}."
            )
        if member.parent_id != source_id:
            raise account_not_found(account_id)
    if not is_parent(org, destination_id):
        raise OrgError(
            "DestinationParentNotFoundException",
            f"We can't find the destination container (a root or OU) with the ParentId {destination_id}.",
        )
    if member.parent_id == destination_id:
        raise OrgError(
            "DuplicateAccountException",
            f"The account {account_id} is already in {destination_id}.",
        )
    member.parent_id = destination_id
