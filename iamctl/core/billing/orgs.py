"""Organizations, invitations (handshakes) and membership, with AWS's rules and errors.

Functions change a BillingData in place (the caller holds the store transaction) and take
*now*; none reads the clock or the disk.

Handshake life cycle (AWS's states): an invitation is OPEN when sent (REQUESTED is for
multi-party handshakes, which invitations are not). From OPEN it becomes ACCEPTED or
DECLINED by the invited account, CANCELED by the management account, or EXPIRED once
15 days have passed since it was sent with no answer. The last four are final.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta

from iamctl.core.billing import ids, scp, tree
from iamctl.core.billing.errors import (
    OrgError,
    access_denied,
    constraint,
    handshake_constraint,
    not_in_use,
)
from iamctl.core.billing.timefmt import iso, parse
from iamctl.core.model.billing import (
    ACCEPTED,
    ACTIVE_STATES,
    CANCELED,
    CREATED,
    DECLINED,
    EXPIRED,
    INVITED,
    OPEN,
    BillingData,
    DepartedMember,
    Handshake,
    Membership,
    Organization,
)

HANDSHAKE_LIFETIME = timedelta(days=15)
# Closed handshakes stay listed for 30 days after they close, then AWS deletes them.
CLOSED_HANDSHAKE_LISTED_FOR = timedelta(days=30)
DEFAULT_ACCOUNT_LIMIT = 10
FEATURE_SETS = ("ALL", "CONSOLIDATED_BILLING")
NOTES_MAX = 1024


# --- lookups -------------------------------------------------------------------------


def org_of(data: BillingData, account_id: str) -> Organization | None:
    """The organization *account_id* belongs to now (an account is in at most one)."""
    for org in data.organizations.values():
        if account_id in org.accounts:
            return org
    return None


def require_org(data: BillingData, account_id: str) -> Organization:
    org = org_of(data, account_id)
    if org is None:
        raise not_in_use(account_id)
    return org


def require_master(data: BillingData, account_id: str) -> Organization:
    """The organization *account_id* manages; members are refused as AWS refuses them."""
    org = require_org(data, account_id)
    if org.master_account_id != account_id:
        raise access_denied(
            f"Account {account_id} is not the management account of {org.id}; only "
            f"{org.master_account_id} can do this."
        )
    return org


# --- the organization ----------------------------------------------------------------


def create_organization(
    data: BillingData,
    account_id: str,
    now: datetime,
    *,
    feature_set: str = "ALL",
    email: str | None = None,
    name: str | None = None,
    rng: random.Random | None = None,
) -> Organization:
    """CreateOrganization: *account_id* becomes the management (payer) account."""
    if feature_set not in FEATURE_SETS:
        raise OrgError("InvalidInputException", f"FeatureSet must be one of {', '.join(FEATURE_SETS)}.")
    if org_of(data, account_id) is not None:
        raise OrgError(
            "AlreadyInOrganizationException",
            f"Account {account_id} is already a member of an organization.",
        )
    org_id = ids.new_org_id(rng)
    while org_id in data.organizations:
        org_id = ids.new_org_id(rng)
    root_id = ids.new_root_id(rng)
    stamp = iso(now)
    org = Organization(
        id=org_id,
        arn=ids.organization_arn(account_id, org_id),
        master_account_id=account_id,
        master_account_arn=ids.account_arn(account_id, org_id, account_id),
        root_id=root_id,
        root_arn=ids.root_arn(account_id, org_id, root_id),
        created=stamp,
        feature_set=feature_set,
        master_account_email=email,
        master_account_name=name,
        account_limit=DEFAULT_ACCOUNT_LIMIT,
    )
    # The management account is listed among the accounts like any other. Whether AWS
    # reports it as CREATED or INVITED isn't documented; CREATED is what SDK emulators show.
    org.accounts[account_id] = Membership(
        account_id=account_id,
        arn=org.master_account_arn,
        joined_method=CREATED,
        joined=stamp,
        parent_id=root_id,
        email=email,
        name=name,
    )
    if feature_set == "ALL":  # SCPs exist only with all features
        org.scps[scp.FULL_AWS_ACCESS] = scp.full_aws_access()
        scp.attach_default(org, root_id)
        scp.attach_default(org, account_id)
    data.organizations[org_id] = org
    return org


def delete_organization(data: BillingData, account_id: str, now: datetime) -> Organization:
    """DeleteOrganization: only the management account, only once it is alone."""
    org = require_master(data, account_id)
    others = sorted(a for a in org.accounts if a != account_id)
    if others:
        raise OrgError(
            "OrganizationNotEmptyException",
            f"The organization {org.id} still has member accounts ({', '.join(others)}); remove them first.",
        )
    # Invitations that were still waiting can no longer be answered.
    for h in handshakes_of_org(data, org.id):
        if effective_state(h, now) in ACTIVE_STATES:
            _close(h, CANCELED, now)
    del data.organizations[org.id]
    return org


def _open_invitations(data: BillingData, org_id: str, now: datetime) -> list[Handshake]:
    return [h for h in handshakes_of_org(data, org_id) if effective_state(h, now) in ACTIVE_STATES]


def _check_room(data: BillingData, org: Organization, now: datetime) -> None:
    # AWS counts invitations that are still open against the account quota.
    used = len(org.accounts) + len(_open_invitations(data, org.id, now))
    if used >= org.account_limit:
        raise handshake_constraint(
            "ACCOUNT_NUMBER_LIMIT_EXCEEDED",
            f"The organization {org.id} has {len(org.accounts)} accounts and open invitations up to its "
            f"limit of {org.account_limit}.",
        )


# --- handshakes ----------------------------------------------------------------------


def effective_state(handshake: Handshake, now: datetime) -> str:
    """The state as of *now*: an unanswered handshake is EXPIRED from its expiration on."""
    if handshake.state in ACTIVE_STATES and now >= parse(handshake.expiration):
        return EXPIRED
    return handshake.state


def expire_handshakes(data: BillingData, now: datetime) -> list[Handshake]:
    """Write EXPIRED into every handshake whose time ran out; return those changed."""
    changed = []
    for h in data.handshakes.values():
        if h.state in ACTIVE_STATES and effective_state(h, now) == EXPIRED:
            h.state = EXPIRED
            h.closed = h.expiration
            changed.append(h)
    return changed


def _close(handshake: Handshake, state: str, now: datetime) -> None:
    handshake.state = state
    handshake.closed = iso(now)


def handshakes_of_org(data: BillingData, org_id: str) -> list[Handshake]:
    return [h for h in data.handshakes.values() if h.organization_id == org_id]


def get_handshake(data: BillingData, handshake_id: str) -> Handshake:
    h = data.handshakes.get(handshake_id)
    if h is None:
        raise OrgError("HandshakeNotFoundException", f"We can't find a handshake with the HandshakeId {handshake_id}.")
    return h


def invite_account(
    data: BillingData,
    master_account_id: str,
    target_account_id: str,
    now: datetime,
    *,
    notes: str | None = None,
    rng: random.Random | None = None,
) -> Handshake:
    """InviteAccountToOrganization: an OPEN handshake that expires in 15 days."""
    org = require_master(data, master_account_id)
    if not ids.ACCOUNT_ID_RE.fullmatch(target_account_id):
        raise OrgError("InvalidInputException", f"The account ID {target_account_id!r} is not 12 digits.")
    if notes is not None and len(notes) > NOTES_MAX:
        raise OrgError("InvalidInputException", f"Notes can have at most {NOTES_MAX} characters.")
    if org_of(data, target_account_id) is not None:
        raise handshake_constraint(
            "ALREADY_IN_AN_ORGANIZATION",
            f"Account {target_account_id} is already a member of an organization.",
        )
    if any(h.target_account_id == target_account_id for h in _open_invitations(data, org.id, now)):
        raise OrgError(
            "DuplicateHandshakeException",
            f"Account {target_account_id} already has an open invitation from {org.id}; "
            "cancel it before sending another.",
        )
    _check_room(data, org, now)
    handshake_id = ids.new_handshake_id(rng)
    while handshake_id in data.handshakes:
        handshake_id = ids.new_handshake_id(rng)
    requested = parse(iso(now))  # whole seconds, like every stored time
    h = Handshake(
        id=handshake_id,
        arn=ids.handshake_arn(org.master_account_id, org.id, handshake_id),
        organization_id=org.id,
        master_account_id=org.master_account_id,
        target_account_id=target_account_id,
        state=OPEN,
        requested=iso(requested),
        expiration=iso(requested + HANDSHAKE_LIFETIME),
        feature_set=org.feature_set,
        master_account_email=org.master_account_email,
        master_account_name=org.master_account_name,
        notes=notes,
    )
    data.handshakes[handshake_id] = h
    return h


def _answerable(data: BillingData, account_id: str, handshake_id: str, now: datetime, target: str) -> Handshake:
    h = get_handshake(data, handshake_id)
    if h.target_account_id != account_id:
        raise access_denied(f"Only the invited account {h.target_account_id} can respond to {handshake_id}.")
    _check_transition(h, now, target)
    return h


def _check_transition(h: Handshake, now: datetime, target: str) -> None:
    state = effective_state(h, now)
    if state == EXPIRED and h.state != EXPIRED:
        h.state = EXPIRED  # record what time already decided
        h.closed = h.expiration
    if state == target:
        raise OrgError("HandshakeAlreadyInStateException", f"The handshake {h.id} is already {state}.")
    if state not in ACTIVE_STATES:
        raise OrgError(
            "InvalidHandshakeTransitionException",
            f"The handshake {h.id} is {state}; it can't become {target}.",
        )


def accept_handshake(
    data: BillingData,
    account_id: str,
    handshake_id: str,
    now: datetime,
    *,
    email: str | None = None,
    name: str | None = None,
) -> Handshake:
    """AcceptHandshake by the invited account: it joins the organization's root."""
    h = _answerable(data, account_id, handshake_id, now, ACCEPTED)
    org = data.organizations.get(h.organization_id)
    if org is None:  # deleted since: its invitations were canceled, so this is defensive
        raise OrgError("InvalidHandshakeTransitionException", f"The organization {h.organization_id} no longer exists.")
    if org_of(data, account_id) is not None:
        raise handshake_constraint(
            "ALREADY_IN_AN_ORGANIZATION",
            f"Account {account_id} is already a member of an organization.",
        )
    _close(h, ACCEPTED, now)
    _join(org, account_id, INVITED, now, email=email, name=name)
    return h


def decline_handshake(data: BillingData, account_id: str, handshake_id: str, now: datetime) -> Handshake:
    """DeclineHandshake by the invited account."""
    h = _answerable(data, account_id, handshake_id, now, DECLINED)
    _close(h, DECLINED, now)
    return h


def cancel_handshake(data: BillingData, account_id: str, handshake_id: str, now: datetime) -> Handshake:
    """CancelHandshake by the management account that sent it."""
    h = get_handshake(data, handshake_id)
    if h.master_account_id != account_id:
        raise access_denied(f"Only the management account {h.master_account_id} can cancel {handshake_id}.")
    _check_transition(h, now, CANCELED)
    _close(h, CANCELED, now)
    return h


def list_handshakes(data: BillingData, account_id: str, now: datetime) -> list[Handshake]:
    """The handshakes an account sees, oldest first: the management account sees its
    organization's (ListHandshakesForOrganization), any other account those sent to it
    (ListHandshakesForAccount). Closed ones drop out 30 days after they closed."""
    org = org_of(data, account_id)
    if org is not None and org.master_account_id == account_id:
        seen: Iterable[Handshake] = handshakes_of_org(data, org.id)
    else:
        seen = (h for h in data.handshakes.values() if h.target_account_id == account_id)
    out = []
    for h in seen:
        closed = h.closed or (h.expiration if effective_state(h, now) == EXPIRED else None)
        if closed is not None and now >= parse(closed) + CLOSED_HANDSHAKE_LISTED_FOR:
            continue
        out.append(h)
    return sorted(out, key=lambda h: (h.requested, h.id))


# --- membership ----------------------------------------------------------------------


def _join(
    org: Organization, account_id: str, method: str, now: datetime, *, email: str | None, name: str | None
) -> Membership:
    member = Membership(
        account_id=account_id,
        arn=ids.account_arn(org.master_account_id, org.id, account_id),
        joined_method=method,
        joined=iso(now),
        parent_id=org.root_id,
        email=email,
        name=name,
    )
    org.accounts[account_id] = member
    scp.attach_default(org, account_id)
    return member


def create_account(
    data: BillingData,
    master_account_id: str,
    new_account_id: str,
    now: datetime,
    *,
    name: str,
    email: str,
) -> Membership:
    """CreateAccount: a brand-new account that joins at once (JoinedMethod CREATED).

    The caller makes the account itself (its ID and store entry); this records that it
    belongs to the organization.
    """
    org = require_master(data, master_account_id)
    if not ids.ACCOUNT_ID_RE.fullmatch(new_account_id):
        raise OrgError("InvalidInputException", f"The account ID {new_account_id!r} is not 12 digits.")
    if not 1 <= len(name) <= 50:
        raise OrgError("InvalidInputException", "The account name must be 1 to 50 characters.")
    if not 6 <= len(email) <= 64 or "@" not in email:
        raise OrgError("InvalidInputException", f"{email!r} is not a valid email address (6 to 64 characters).")
    if org_of(data, new_account_id) is not None:
        raise handshake_constraint(
            "ALREADY_IN_AN_ORGANIZATION", f"Account {new_account_id} is already a member of an organization."
        )
    # AWS reports this as a FAILED CreateAccountStatus with EMAIL_ALREADY_EXISTS; a
    # synchronous tool has to refuse instead.
    for other in data.organizations.values():
        if any(m.email == email for m in other.accounts.values()):
            raise OrgError(
                "DuplicateAccountException", f"An account with the email {email} already exists (EMAIL_ALREADY_EXISTS)."
            )
    if len(org.accounts) + len(_open_invitations(data, org.id, now)) >= org.account_limit:
        raise constraint(
            "ACCOUNT_NUMBER_LIMIT_EXCEEDED",
            f"The organization {org.id} is at its limit of {org.account_limit} accounts.",
        )
    return _join(org, new_account_id, CREATED, now, email=email, name=name)


def _depart(org: Organization, account_id: str, now: datetime) -> DepartedMember:
    member = org.accounts.pop(account_id)
    scp.detach_all(org, account_id)
    gone = DepartedMember(
        key=f"{account_id}/{member.joined}",
        account_id=account_id,
        joined_method=member.joined_method,
        joined=member.joined,
        left=iso(now),
        email=member.email,
        name=member.name,
    )
    org.departed[gone.key] = gone
    return gone


def remove_account(data: BillingData, master_account_id: str, account_id: str, now: datetime) -> DepartedMember:
    """RemoveAccountFromOrganization by the management account."""
    org = require_master(data, master_account_id)
    if account_id == org.master_account_id:
        raise constraint(
            "ACCOUNT_CANNOT_LEAVE_ORGANIZATION",
            "The management account can't be removed; delete the organization instead.",
        )
    if account_id not in org.accounts:
        raise tree.account_not_found(account_id)
    return _depart(org, account_id, now)


def leave_organization(data: BillingData, account_id: str, now: datetime) -> DepartedMember:
    """LeaveOrganization by a member account; the management account can't leave."""
    org = require_org(data, account_id)
    if account_id == org.master_account_id:
        raise constraint(
            "ACCOUNT_CANNOT_LEAVE_ORGANIZATION",
            "The management account can't leave its organization; delete the organization instead.",
        )
    return _depart(org, account_id, now)


def list_accounts(org: Organization) -> list[Membership]:
    """ListAccounts: the management account first, then members by ID."""
    return sorted(org.accounts.values(), key=lambda m: (m.account_id != org.master_account_id, m.account_id))


def billed_accounts(org: Organization, as_of: datetime) -> list[str]:
    """Accounts whose charges this organization pays for a bill closed at *as_of*.

    An account is on the bill if it was a member at that moment: joined at or before it
    and not departed by then. So an account that leaves pays its own bills from the bill
    that closes after it left.
    """
    out = {a for a, m in org.accounts.items() if parse(m.joined) <= as_of}
    out |= {
        d.account_id for d in org.departed.values() if parse(d.joined) <= as_of < parse(d.left)
    }
    return sorted(out)


def payer_for(data: BillingData, account_id: str, as_of: datetime) -> Organization | None:
    """The organization that pays *account_id*'s bill closed at *as_of*, if any."""
    for org in data.organizations.values():
        if account_id in billed_accounts(org, as_of):
            return org
    return None
