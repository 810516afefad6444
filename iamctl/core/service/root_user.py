"""The account's root user: its password, access keys and MFA device.

``account.root`` stays None until the root user has any of them, and goes back to None
when the last one is removed, so a store without root credentials has no [root] table.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from iamctl.core.credentials import access_keys as ak
from iamctl.core.credentials import passwords as pw
from iamctl.core.credentials.secrets_hash import verify_secret
from iamctl.core.credentials.times import iso
from iamctl.core.errors import no_such_entity
from iamctl.core.model import Account, StoreData
from iamctl.core.model.credentials import AccessKey, RootUser
from iamctl.core.service import access_keys

WHO = "The root user"


@contextmanager
def root_of(account: Account) -> Iterator[RootUser]:
    """The root user to read or change; an empty one is dropped afterwards."""
    root = account.root or RootUser()
    yield root
    empty = root.password_hash is None and not root.access_keys and root.mfa is None
    account.root = None if empty else root


def prepare_password(password: str | None) -> pw.NewPassword:
    """The root password to set and its hash, made before the store is locked (generated
    when *password* is None: AWS's default policy, which root passwords follow, is fixed)."""
    if password is None:
        return pw.prepare_password(pw.generate_password(None), generated=True)
    return pw.prepare_password(password)


def set_password(account: Account, password: str | pw.NewPassword | None) -> str | None:
    """Set the root password (checked against AWS's default policy: the account password
    policy applies to IAM users only). Returns the generated password, if one was.
    *password* is best a ``prepare_password`` result, hashed before the lock."""
    chosen = prepare_password(None) if password is None else password
    pw.check_password(pw.text_of(chosen), None, account_name=account.name)
    with root_of(account) as root:
        root.password_hash = pw.hashed(chosen).hash
    generated = password is None or (isinstance(password, pw.NewPassword) and password.generated)
    return pw.text_of(chosen) if generated else None


def delete_password(account: Account) -> None:
    with root_of(account) as root:
        if root.password_hash is None:
            raise no_such_entity("The root user has no password.")
        root.password_hash = None
        root.password_last_used = None


def create_key(
    data: StoreData, account: Account, now: datetime, material: ak.KeyMaterial | None = None
) -> ak.NewAccessKey:
    """A root access key; *material* made before the store was locked (see access_keys)."""
    with root_of(account) as root:
        new = access_keys.unique_new_key(data, access_keys.as_list(root.access_keys), None, now, material)
        root.access_keys[new.key.id] = new.key
    return new


def list_keys(account: Account) -> list[AccessKey]:
    root = account.root
    return sorted(root.access_keys.values(), key=lambda k: k.created) if root else []


def update_key(account: Account, key_id: str, status: str) -> AccessKey:
    with root_of(account) as root:
        root.access_keys = access_keys.as_table(ak.set_status(access_keys.as_list(root.access_keys), key_id, status))
        return root.access_keys[key_id]


def delete_key(account: Account, key_id: str) -> None:
    with root_of(account) as root:
        root.access_keys = access_keys.as_table(ak.delete_key(access_keys.as_list(root.access_keys), key_id))


def precheck_login(account: Account | None, password: str) -> None:
    """The password check of ``login``, made on *account* read without the store's lock,
    so that the same check under the lock finds its answer in verify_secret's memo."""
    from iamctl.core.service.passwords import dummy_hash

    root = account.root if account is not None else None
    verify_secret(password, (root.password_hash if root is not None else None) or dummy_hash())


def login(account: Account | None, password: str, now: datetime, *, mfa_code: str | None = None) -> bool:
    """A root sign-in as AWS checks it: the password, then the MFA code when a device is
    enabled (a used code is refused). Records the last use; returns whether MFA was used.

    *account* None (no account has the email given) fails exactly as a wrong password
    does, at the same cost, so the answer does not tell which emails exist."""
    from iamctl.core.service.passwords import bad_credentials, dummy_hash

    root = account.root if account is not None else None
    stored = root.password_hash if root is not None else None
    if not verify_secret(password, stored or dummy_hash()) or stored is None or root is None:
        raise bad_credentials()
    from iamctl.core.service.mfa_devices import sign_in_code

    mfa_used = sign_in_code(root, WHO, mfa_code, now)
    root.password_last_used = iso(now)
    return mfa_used
