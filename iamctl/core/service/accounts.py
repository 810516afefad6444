"""Accounts in the store: create, pick, delete."""

from __future__ import annotations

import re

from iamctl.core.errors import IamError, already_exists, delete_conflict, no_such_entity
from iamctl.core.model import Account, StoreData
from iamctl.core.names import check_account_id, new_account_id, now_iso


def new_store(
    account_id: str | None = None, alias: str | None = None, name: str | None = None, email: str | None = None
) -> StoreData:
    data = StoreData()
    account = create(data, account_id=account_id, alias=alias, name=name, email=email)
    data.default_account = account.id
    return data


def create(
    data: StoreData,
    *,
    account_id: str | None = None,
    alias: str | None = None,
    name: str | None = None,
    email: str | None = None,
) -> Account:
    if account_id is None:
        account_id = new_account_id()
        while account_id in data.accounts:
            account_id = new_account_id()
    check_account_id(account_id)
    if account_id in data.accounts:
        raise already_exists(f"Account {account_id} already exists in the store.")
    if alias is not None:
        check_alias_free(data, alias)
    if email is not None:
        check_email(email)
        if by_email(data, email) is not None:
            raise already_exists(f"An account with the root user email {email} already exists in the store.")
    account = Account(id=account_id, created=now_iso(), name=name, alias=alias, email=email)
    data.accounts[account_id] = account
    if data.default_account is None:
        data.default_account = account_id
    return account


def check_alias_free(data: StoreData, alias: str, owner: str | None = None) -> None:
    from iamctl.core.service.account_security import check_alias_free as check

    check(data, alias, owner)


# Organizations' Email: 6 to 64 characters, something@something.something, no spaces.
_EMAIL_RE = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")


def check_email(email: str) -> None:
    if not 6 <= len(email) <= 64 or not _EMAIL_RE.fullmatch(email):
        raise IamError(
            "InvalidInput", f"{email!r} is not an email address (6 to 64 characters, like name@example.com)."
        )


def by_email(data: StoreData, email: str) -> Account | None:
    """The account whose root user has this email; emails are unique regardless of case."""
    from iamctl.core.model.directory import accounts_with

    folded = email.casefold()
    return next((a for a in accounts_with(data, email=email) if a.email and a.email.casefold() == folded), None)


def resolve(data: StoreData, selector: str | None) -> Account:
    """An account by ID or alias; the store's default when *selector* is None."""
    if selector is None:
        selector = data.default_account
        if selector is None:
            raise no_such_entity("The store has no default account; pick one with --account or 'iamctl account use'.")
    if selector in data.accounts:
        return data.accounts[selector]
    from iamctl.core.model.directory import accounts_with

    for account in accounts_with(data, alias=selector):
        if account.alias == selector:
            return account
    raise no_such_entity(f"The account {selector} cannot be found in the store.{_known_accounts(data, selector)}")


def _known_accounts(data: StoreData, selector: str) -> str:
    """The store's accounts (a few), the closest first: who mistyped one sees the right one."""
    from iamctl.core.suggest import closest

    labels = {a.id: f"{a.id} ({a.alias})" if a.alias else a.id for a in data.accounts.values()}
    if not labels:
        return " The store has no accounts: 'iamctl account create' adds one."
    near = closest(selector, [*labels, *(a.alias for a in data.accounts.values() if a.alias)], n=1)
    hint = ""
    if near:
        account = data.accounts.get(near[0]) or next(a for a in data.accounts.values() if a.alias == near[0])
        hint = f" Did you mean {labels[account.id]}?"
    shown = list(labels.values())
    more = f", and {len(shown) - 10} more" if len(shown) > 10 else ""
    return f"{hint} The store's accounts: {', '.join(shown[:10])}{more}."


def entity_count(account: Account) -> int:
    return len(account.users) + len(account.groups) + len(account.policies) + len(getattr(account, "roles", {}))


def delete(data: StoreData, selector: str, *, force: bool = False) -> Account:
    account = resolve(data, selector)
    if entity_count(account) and not force:
        raise delete_conflict(
            f"Cannot delete account {account.id}: it still holds {entity_count(account)} entities (use --force)."
        )
    _drop_billing(data, account.id)
    del data.accounts[account.id]
    if data.default_account == account.id:
        data.default_account = next(iter(data.accounts), None)
    return account


def _drop_billing(data: StoreData, account_id: str) -> None:
    """What billing keeps of an account goes with it; membership must end first, as AWS
    closes no account that is still in an organization."""
    for org in data.organizations.values():
        if account_id in org.accounts:
            raise delete_conflict(
                f"Cannot delete account {account_id}: it is in organization {org.id} "
                "(billing remove / billing leave / billing org delete first)."
            )
    for key in [k for k, h in data.handshakes.items() if account_id in (h.target_account_id, h.master_account_id)]:
        del data.handshakes[key]
    for key in [k for k, u in data.usage.items() if u.account_id == account_id]:
        del data.usage[key]
    data.billing_prefs.pop(account_id, None)


def use(data: StoreData, selector: str) -> Account:
    account = resolve(data, selector)
    data.default_account = account.id
    return account


def list_accounts(data: StoreData) -> list[Account]:
    return list(data.accounts.values())


def rename_guard(name: str | None) -> None:
    if name is not None and not 1 <= len(name) <= 50:
        raise IamError("ValidationError", "An account name must be 1 to 50 characters.")
