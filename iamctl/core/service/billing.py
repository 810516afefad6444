"""Consolidated billing on the store: the billing core (core/billing) tied to the store's
accounts.

The billing core works on a BillingData alone; this layer adds what needs the whole
store: that an invited or created account exists as an account in the store, the names
and emails Organizations shows (taken from the store's accounts), and the expiry of
handshakes whose 15 days ran out, written on every change so the file says what is true.
Every function takes *now* from the caller (the CLI's --at or the clock).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from iamctl.core.billing import access, invoice, orgs, scp, tree, usage
from iamctl.core.billing.errors import OrgError
from iamctl.core.billing.prices import PriceList
from iamctl.core.billing.timefmt import iso
from iamctl.core.model import Account, StoreData
from iamctl.core.model.billing import BillingData, Handshake, Membership, Organization, UsageRecord
from iamctl.core.service import accounts

# CreateAccount's IamUserAccessToBilling: ALLOW (AWS's default for created accounts) or DENY.
ACCESS_VALUES = ("ALLOW", "DENY")


def billing(data: StoreData, now: datetime) -> BillingData:
    """The billing data for a change: handshakes past their 15 days are marked EXPIRED."""
    view = data.billing
    orgs.expire_handshakes(view, now)
    return view


def require_store_account(data: StoreData, account_id: str) -> Account:
    """An account Organizations may name must be an account in the store."""
    account = data.accounts.get(account_id)
    if account is None:
        raise OrgError(
            "AccountNotFoundException",
            f"We can't find an AWS account with the AccountId {account_id} in this store "
            "(add it with 'iamctl account create --account-id ID').",
        )
    return account


# --- the organization ----------------------------------------------------------------


def create_organization(data: StoreData, account: Account, now: datetime, feature_set: str = "ALL") -> Organization:
    return orgs.create_organization(
        billing(data, now), account.id, now, feature_set=feature_set, email=account.email, name=account.name
    )


def describe_organization(data: StoreData, account: Account) -> Organization:
    return orgs.require_org(data.billing, account.id)


def delete_organization(data: StoreData, account: Account, now: datetime) -> Organization:
    return orgs.delete_organization(billing(data, now), account.id, now)


def managed_org(data: StoreData, account: Account) -> Organization:
    """The organization *account* manages (refused for members and outsiders)."""
    return orgs.require_master(data.billing, account.id)


# --- invitations ---------------------------------------------------------------------


def invite(data: StoreData, account: Account, target_id: str, now: datetime, notes: str | None = None) -> Handshake:
    view = billing(data, now)
    org = orgs.require_master(view, account.id)
    require_store_account(data, target_id)
    if target_id in org.accounts:
        # AWS answers an invitation to an account already in this organization so.
        raise OrgError("DuplicateAccountException", f"The account {target_id} is already a member of {org.id}.")
    return orgs.invite_account(view, account.id, target_id, now, notes=notes)


def accept(data: StoreData, account: Account, handshake_id: str, now: datetime) -> Handshake:
    return orgs.accept_handshake(
        billing(data, now), account.id, handshake_id, now, email=account.email, name=account.name
    )


def decline(data: StoreData, account: Account, handshake_id: str, now: datetime) -> Handshake:
    return orgs.decline_handshake(billing(data, now), account.id, handshake_id, now)


def cancel(data: StoreData, account: Account, handshake_id: str, now: datetime) -> Handshake:
    return orgs.cancel_handshake(billing(data, now), account.id, handshake_id, now)


def list_handshakes(data: StoreData, account: Account, now: datetime) -> list[Handshake]:
    return orgs.list_handshakes(data.billing, account.id, now)


# --- membership ----------------------------------------------------------------------


@dataclass(frozen=True)
class CreatedAccount:
    """CreateAccount's outcome: the request's ID and the member it made."""

    request_id: str
    member: Membership
    requested: str


def create_account(
    data: StoreData, account: Account, name: str, email: str, now: datetime, iam_access: str = "ALLOW"
) -> CreatedAccount:
    """CreateAccount: a new account in the store that joins *account*'s organization at once."""
    if iam_access not in ACCESS_VALUES:
        raise OrgError("InvalidInputException", f"IamUserAccessToBilling must be ALLOW or DENY, not {iam_access!r}.")
    view = billing(data, now)
    orgs.require_master(view, account.id)
    if accounts.by_email(data, email) is not None:
        raise OrgError(
            "DuplicateAccountException",
            f"An account with the email {email} already exists (EMAIL_ALREADY_EXISTS).",
        )
    new = accounts.create(data, name=name)
    new.email = email
    new.created = iso(now)
    member = orgs.create_account(view, account.id, new.id, now, name=name, email=email)
    access.set_iam_access(view, new.id, iam_access == "ALLOW")
    return CreatedAccount("car-" + secrets.token_hex(16), member, iso(now))


def list_accounts(data: StoreData, account: Account) -> list[Membership]:
    return orgs.list_accounts(managed_org(data, account))


def remove_account(data: StoreData, account: Account, member_id: str, now: datetime) -> None:
    orgs.remove_account(billing(data, now), account.id, member_id, now)


def leave(data: StoreData, account: Account, now: datetime) -> None:
    orgs.leave_organization(billing(data, now), account.id, now)


def account_is_organized(data: StoreData, account_id: str) -> bool:
    return orgs.org_of(data.billing, account_id) is not None


# --- usage and invoices --------------------------------------------------------------


def add_usage(data: StoreData, records: list[usage.Usage]) -> list[UsageRecord]:
    return usage.add_usage(data.billing, records)


def delete_usage(data: StoreData, record_id: str) -> UsageRecord:
    return usage.delete_usage(data.billing, record_id)


def check_usage(data: StoreData, *fields: str | None) -> usage.Usage:
    """One record typed on the command line; every problem in one UsageError."""
    from iamctl.core.errors import UsageError

    account_id, service, usage_type, quantity, month, unit = fields
    record, problems = usage.check_usage(
        account_id or "", service or "", usage_type or "", quantity or "", month or "", unit, data.accounts
    )
    if record is None:
        text = "; ".join(problems)
        raise UsageError(text[0].upper() + text[1:] + ".", code="InvalidUsage")
    return record


def import_usage(data: StoreData, text: str, source: str) -> list[UsageRecord]:
    """All rows of a CSV file, or none (UsageImportError lists every bad line)."""
    return usage.add_usage(data.billing, usage.parse_usage_csv(text, source, data.accounts))


def list_usage(data: StoreData, month: str | None, account_id: str | None) -> list[UsageRecord]:
    if month is not None:
        invoice.month_end(month)  # refuses a malformed month with a usage error
    return usage.list_usage(data.billing, month=month, account_id=account_id)


def invoice_for(data: StoreData, account: Account, month: str, prices: PriceList, now: datetime) -> invoice.Invoice:
    names = {a.id: a.name for a in data.accounts.values()}
    return invoice.invoice_for(data.billing, account.id, month, prices, now, names)


# --- billing access ------------------------------------------------------------------


def set_access(data: StoreData, account: Account, enabled: bool) -> bool:
    access.set_iam_access(data.billing, account.id, enabled)
    return enabled


def get_access(data: StoreData, account: Account) -> bool:
    return access.iam_access_enabled(data.billing, account.id)


# --- SCPs and the tree ---------------------------------------------------------------


def create_scp(data: StoreData, account: Account, name: str, document: str, description: str = "") -> scp.Scp:
    return scp.create_policy(managed_org(data, account), name, document, description)


def move(data: StoreData, account: Account, member_id: str, destination: str, source: str | None) -> None:
    tree.move_account(managed_org(data, account), member_id, destination, source)
