"""IAM users: create, read, rename, delete, tags, groups, policies, boundary."""

from __future__ import annotations

from collections.abc import Callable

from iamctl.core.errors import already_exists, delete_conflict, limit_exceeded, no_such_entity
from iamctl.core.model import Account, User
from iamctl.core.names import check_name, check_path, check_path_prefix, new_unique_id, now_iso
from iamctl.core.service import policies, quotas
from iamctl.core.service.lookup import find
from iamctl.core.service.tags import apply_tags

# Later features register what else hangs off a user (keys, passwords, MFA devices ...):
# each hook returns a description of every dependent, and removes them when told to.
DependentHook = Callable[[Account, User, bool], list[str]]
USER_DEPENDENTS: list[DependentHook] = []


def get(account: Account, name: str) -> User:
    user = find(account.users, name)
    if user is None:
        raise no_such_entity(f"The user with name {name} cannot be found.")
    return user


def create(account: Account, name: str, *, path: str = "/", tags: dict[str, str] | None = None) -> User:
    check_name("user", name)
    check_path(path)
    if find(account.users, name) is not None:
        raise already_exists(f"User with name {name} already exists.")
    if len(account.users) >= quotas.USERS_PER_ACCOUNT:
        raise limit_exceeded(f"Cannot exceed quota for UsersPerAccount: {quotas.USERS_PER_ACCOUNT}")
    user = User(name=name, id=new_unique_id("user"), created=now_iso(), path=path)
    apply_tags(user.tags, tags or {})
    account.users[name] = user
    return user


def list_users(account: Account, path_prefix: str = "/") -> list[User]:
    check_path_prefix(path_prefix)
    return sorted((u for u in account.users.values() if u.path.startswith(path_prefix)), key=lambda u: u.name.lower())


def update(account: Account, name: str, *, new_name: str | None = None, new_path: str | None = None) -> User:
    user = get(account, name)
    if new_path is not None:
        user.path = check_path(new_path, "newPath")
    if new_name is not None and new_name != user.name:
        check_name("user", new_name, "newUserName")
        clash = find(account.users, new_name)
        if clash is not None and clash is not user:
            raise already_exists(f"User with name {new_name} already exists.")
        # Memberships and attachments live on the user, so a rename only re-keys it.
        del account.users[user.name]
        user.name = new_name
        account.users[new_name] = user
    return user


def delete(account: Account, name: str, *, force: bool = False) -> list[str]:
    """Delete a user. Without *force*, anything still attached is a DeleteConflict;
    with it, those are removed first and described in the returned list."""
    user = get(account, name)
    blockers = _dependents(account, user, remove=False)
    if blockers and not force:
        raise delete_conflict(f"Cannot delete entity, must remove {blockers[0]} first.")
    removed = _dependents(account, user, remove=True)
    del account.users[user.name]
    return removed


def _dependents(account: Account, user: User, remove: bool) -> list[str]:
    found = [f"user {user.name} from group {g}" for g in user.groups]
    found += [f"policy {arn} attached to user {user.name}" for arn in user.attached]
    found += [f"inline policy {p} of user {user.name}" for p in user.inline]
    if user.boundary:
        found.append(f"permissions boundary {user.boundary} of user {user.name}")
    for hook in USER_DEPENDENTS:
        found += hook(account, user, remove)
    if remove:
        user.groups.clear()
        user.attached.clear()
        user.inline.clear()
        user.boundary = None
    return found


def _credentials(account: Account, user: User, remove: bool) -> list[str]:
    """Keys, the console password and the MFA device, in DeleteUser's documented order."""
    found: list[str] = []
    if user.login_profile is not None:
        found.append(f"login profile of user {user.name}")
    found += [f"access key {key_id} of user {user.name}" for key_id in user.access_keys]
    if user.mfa is not None:
        found.append(f"MFA device {user.mfa.serial} of user {user.name}")
    if remove:
        user.login_profile = None
        user.access_keys = {}
        user.mfa = None
    return found


USER_DEPENDENTS.append(_credentials)


def groups_of(account: Account, name: str) -> list[str]:
    return list(get(account, name).groups)


def attach_policy(account: Account, name: str, ref: str) -> str:
    user = get(account, name)
    return policies.attach(account, user.attached, ref, "user")


def detach_policy(account: Account, name: str, ref: str) -> str:
    user = get(account, name)
    return policies.detach(account, user.attached, ref, f"user {user.name}")


def put_policy(account: Account, name: str, policy_name: str, document: str) -> None:
    user = get(account, name)
    policies.put_inline(user.inline, policy_name, document, quotas.USER_INLINE_SIZE, f"user {user.name}")


def set_boundary(account: Account, name: str, ref: str) -> str:
    return policies.set_boundary(account, get(account, name), ref)


def delete_boundary(account: Account, name: str) -> None:
    policies.delete_boundary(get(account, name), "user")
