"""Which account holds an access key, a session, an alias or a root email, without reading
every account.

A key ID alone names its account (as in STS), aliases and root emails are unique in the
store, so these questions span accounts. Asked by reading every account, they made one
`key create` in a 20-account store of 70 MB load all twenty (0.95 s, 340 MB, most of it
holding the store's lock). A store read account by account (store/by_account.py) keeps,
beside each account's cache, its *facts*: the IDs of its access keys (its users' and its
root user's), of its sessions, its alias and its root email. ``data.accounts`` then
answers ``facts(account_id)`` for an account not read yet (None when they are not at
hand); without facts, ``holds_text(account_id, text)`` says whether the account's text
spells out a key ID or alias at all (a read of its bytes, not a parse). An account already
read, or that neither can rule out, is looked at itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from iamctl.core.model import Account, StoreData


def facts_of(raw: dict[str, Any]) -> dict[str, Any]:
    """An account's facts, from its stored tables."""
    keys = list(((raw.get("root") or {}).get("access_keys")) or ())
    for user in (raw.get("users") or {}).values():
        keys.extend(user.get("access_keys") or ())
    email = raw.get("email")
    return {"keys": keys, "sessions": list(raw.get("sessions") or ()), "alias": raw.get("alias"),
            "email": email.casefold() if isinstance(email, str) else None}


def accounts_with(data: StoreData, *, key_id: str | None = None, session: str | None = None,
                  alias: str | None = None, email: str | None = None) -> Iterator[Account]:
    """The accounts that may hold what is asked (one thing per call): those whose facts
    say so, and every account read already or without facts. Callers check the account."""
    accounts = data.accounts
    facts = getattr(accounts, "facts", None)
    holds_text = getattr(accounts, "holds_text", None)
    folded = email.casefold() if email is not None else None
    spelled = key_id or session or alias  # an account's text spells these out (an email's case may differ)
    for account_id in list(accounts):
        known = facts(account_id) if facts is not None else None
        if known is not None:
            if not _may_hold(known, key_id, session, alias, folded):
                continue
        elif holds_text is not None and spelled is not None and holds_text(account_id, spelled) is False:
            continue
        yield accounts[account_id]


def _may_hold(known: dict[str, Any], key_id: str | None, session: str | None, alias: str | None,
              email: str | None) -> bool:
    if key_id is not None:
        return key_id in known["keys"]
    if session is not None:
        return session in known["sessions"]
    if alias is not None:
        return known["alias"] == alias
    if email is not None:
        return known["email"] == email
    return True
