"""Access keys of IAM users: create, list, update, delete, rotate, last used, and the
store-wide lookup that answers "whose key is AKIA...?" (whoami, simulate).

The pure rules (quota, rotation, secret check, last-use granularity) live in
core/credentials/access_keys.py; this module finds the holder and writes the result back.

Finding a key's owner scans each account's users instead of keeping an index: an index is
a second copy of every key ID that a hand edit of the store can put out of step, and the
scan reads one field of each stored table without building users (model.lazy.peek_items),
which is about a millisecond for AWS's 5,000 users.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from iamctl.core.credentials import access_keys as ak
from iamctl.core.credentials.secrets_hash import verify_secret
from iamctl.core.errors import IamError, no_such_entity
from iamctl.core.model import Account, StoreData, User
from iamctl.core.model.credentials import AccessKey, RootUser
from iamctl.core.model.lazy import peek_items
from iamctl.core.names import root_arn
from iamctl.core.service import users


@dataclass(frozen=True)
class KeyOwner:
    """Who holds a key: an IAM user, or the account's root user when *user* is None."""

    account: Account
    user: User | None
    key: AccessKey

    @property
    def user_name(self) -> str | None:
        return self.user.name if self.user else None

    def arn(self) -> str:
        return self.user.arn(self.account.id) if self.user else root_arn(self.account.id)

    def user_id(self) -> str:
        # GetCallerIdentity's UserId is the account ID for the root user.
        return self.user.id if self.user else self.account.id


def as_list(keys: dict[str, AccessKey]) -> list[AccessKey]:
    return list(keys.values())


def as_table(keys: list[AccessKey]) -> dict[str, AccessKey]:
    return {k.id: k for k in keys}


# ---------------------------------------------------------------- finding keys


def _user_holding(account: Account, key_id: str) -> str | None:
    """The name of the user in *account* holding *key_id*, without building every user."""
    for name, entry in peek_items(account.users):
        keys = (entry.get("access_keys") or {}) if isinstance(entry, dict) else entry.access_keys
        if key_id in keys:
            return name
    return None


def owner_in_account(account: Account, key_id: str) -> KeyOwner | None:
    root = account.root
    if root is not None and key_id in root.access_keys:
        return KeyOwner(account, None, root.access_keys[key_id])
    name = _user_holding(account, key_id)
    if name is None:
        return None
    user = account.users[name]
    return KeyOwner(account, user, user.access_keys[key_id])


def key_owner(data: StoreData, key_id: str) -> KeyOwner | None:
    """The holder of *key_id* anywhere in the store (a key ID alone names its account)."""
    from iamctl.core.model.directory import accounts_with

    for account in accounts_with(data, key_id=key_id):
        found = owner_in_account(account, key_id)
        if found is not None:
            return found
    return None


def _get_user_key(account: Account, key_id: str) -> KeyOwner:
    ak.check_key_id(key_id)
    found = owner_in_account(account, key_id)
    if found is None or found.user is None:
        raise no_such_entity(f"The Access Key with id {key_id} cannot be found.")
    return found


def unique_new_key(
    data: StoreData, existing: list[AccessKey], user_name: str | None, now: datetime,
    material: ak.KeyMaterial | None = None,
) -> ak.NewAccessKey:
    """A new key whose ID no one in the store holds (80 random bits; checked anyway).

    *material* is the ID, secret and hash made before the store was locked (made here when
    None); a taken ID gets a new one, the secret and its hash stay."""
    made = material or ak.new_key_material()
    new = ak.create_access_key(existing, user_name, now, made)
    while key_owner(data, new.key.id) is not None:
        made = made.with_new_id()
        new = ak.create_access_key(existing, user_name, now, made)
    return new


# ---------------------------------------------------------------- IAM users' keys


def create(
    data: StoreData, account: Account, user_name: str, now: datetime, material: ak.KeyMaterial | None = None
) -> ak.NewAccessKey:
    """CreateAccessKey for a user (at most two keys); *material* as for ``unique_new_key``."""
    user = users.get(account, user_name)
    new = unique_new_key(data, as_list(user.access_keys), user.name, now, material)
    user.access_keys[new.key.id] = new.key
    return new


def list_keys(account: Account, user_name: str | None = None) -> list[tuple[str, AccessKey]]:
    """(user name, key) for one user, or for every user in the account, oldest key first."""
    chosen = [users.get(account, user_name)] if user_name else users.list_users(account)
    return [(u.name, k) for u in chosen for k in sorted(u.access_keys.values(), key=lambda k: k.created)]


def update(account: Account, key_id: str, status: str) -> KeyOwner:
    found = _get_user_key(account, key_id)
    user = found.user
    assert user is not None
    user.access_keys = as_table(ak.set_status(as_list(user.access_keys), key_id, status))
    return KeyOwner(account, user, user.access_keys[key_id])


def delete(account: Account, key_id: str) -> KeyOwner:
    found = _get_user_key(account, key_id)
    user = found.user
    assert user is not None
    user.access_keys = as_table(ak.delete_key(as_list(user.access_keys), key_id))
    return found


def rotate(
    data: StoreData, account: Account, user_name: str, now: datetime, material: ak.KeyMaterial | None = None
) -> tuple[list[str], ak.NewAccessKey]:
    """Create a new key and deactivate the older one; (deactivated key IDs, new key).
    *material* as for ``unique_new_key``."""
    user = users.get(account, user_name)
    before = as_list(user.access_keys)
    made = material or ak.new_key_material()
    rotated, new = ak.rotate(before, user.name, now, made)
    while key_owner(data, new.key.id) is not None:
        made = made.with_new_id()
        rotated, new = ak.rotate(before, user.name, now, made)
    user.access_keys = as_table(rotated)
    return [k.id for k in before], new


def last_used(account: Account, key_id: str) -> KeyOwner:
    return _get_user_key(account, key_id)


# ---------------------------------------------------------------- signing in with a key


def authenticate(data: StoreData, key_id: str, secret: str, now: datetime, service: str = "sts") -> KeyOwner:
    """Check a key ID + secret as AWS checks a signed request; note the key's last use.

    Unknown or inactive keys are InvalidClientTokenId, a wrong secret SignatureDoesNotMatch.
    """
    found = key_owner(data, key_id) if key_id.startswith(ak.KEY_ID_PREFIX) else None
    ak.check_secret(found.key if found else None, secret)
    assert found is not None
    used = ak.record_use(found.key, now, service, None)  # STS and IAM are global: no region
    holder: User | RootUser | None = found.user or found.account.root
    assert holder is not None
    if used is not found.key:
        holder.access_keys[key_id] = used
    return KeyOwner(found.account, found.user, used)


def precheck(data: StoreData, key_id: str, secret: str) -> None:
    """Check *secret* against *key_id*'s stored hash in *data*, read without the store's
    lock, so that ``authenticate``, which checks it again under the lock (against the hash
    read there), finds the answer in verify_secret's memo."""
    found = key_owner(data, key_id) if key_id.startswith(ak.KEY_ID_PREFIX) else None
    if found is not None and found.key.status == ak.ACTIVE:
        verify_secret(secret, found.key.secret_hash)


def caller_identity(data: StoreData, key_id: str, secret: str, now: datetime) -> dict[str, Any]:
    """GetCallerIdentity for a long-term (AKIA) key: UserId, Account, Arn."""
    found = authenticate(data, key_id, secret, now)
    return {"UserId": found.user_id(), "Account": found.account.id, "Arn": found.arn()}


def invalid_token() -> IamError:
    return IamError("InvalidClientTokenId", "The security token included in the request is invalid.")
