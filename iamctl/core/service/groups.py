"""IAM groups and their members."""

from __future__ import annotations

from iamctl.core.errors import already_exists, delete_conflict, limit_exceeded, no_such_entity
from iamctl.core.model import Account, Group, User
from iamctl.core.names import check_name, check_path, check_path_prefix, new_unique_id, now_iso
from iamctl.core.service import policies, quotas, users
from iamctl.core.service.lookup import find


def get(account: Account, name: str) -> Group:
    group = find(account.groups, name)
    if group is None:
        raise no_such_entity(f"The group with name {name} cannot be found.")
    return group


def create(account: Account, name: str, *, path: str = "/") -> Group:
    check_name("group", name)
    check_path(path)
    if find(account.groups, name) is not None:
        raise already_exists(f"Group with name {name} already exists.")
    if len(account.groups) >= quotas.GROUPS_PER_ACCOUNT:
        raise limit_exceeded(f"Cannot exceed quota for GroupsPerAccount: {quotas.GROUPS_PER_ACCOUNT}")
    group = Group(name=name, id=new_unique_id("group"), created=now_iso(), path=path)
    account.groups[name] = group
    return group


def list_groups(account: Account, path_prefix: str = "/") -> list[Group]:
    check_path_prefix(path_prefix)
    return sorted((g for g in account.groups.values() if g.path.startswith(path_prefix)), key=lambda g: g.name.lower())


def members(account: Account, group: Group) -> list[User]:
    return [u for u in account.users.values() if group.name in u.groups]


def update(account: Account, name: str, *, new_name: str | None = None, new_path: str | None = None) -> Group:
    group = get(account, name)
    if new_path is not None:
        group.path = check_path(new_path, "newPath")
    if new_name is not None and new_name != group.name:
        check_name("group", new_name, "newGroupName")
        clash = find(account.groups, new_name)
        if clash is not None and clash is not group:
            raise already_exists(f"Group with name {new_name} already exists.")
        old = group.name
        for user in members(account, group):  # memberships are kept on the users
            user.groups[user.groups.index(old)] = new_name
        del account.groups[old]
        group.name = new_name
        account.groups[new_name] = group
    return group


def delete(account: Account, name: str, *, force: bool = False) -> list[str]:
    group = get(account, name)
    found = [f"user {u.name} from group {group.name}" for u in members(account, group)]
    found += [f"policy {arn} attached to group {group.name}" for arn in group.attached]
    found += [f"inline policy {p} of group {group.name}" for p in group.inline]
    if found and not force:
        raise delete_conflict(f"Cannot delete entity, must remove {found[0]} first.")
    for user in members(account, group):
        user.groups.remove(group.name)
    del account.groups[group.name]
    return found


def add_user(account: Account, group_name: str, user_name: str) -> tuple[Group, User]:
    group = get(account, group_name)
    user = users.get(account, user_name)
    if group.name in user.groups:
        return group, user  # AWS's AddUserToGroup is idempotent
    if len(user.groups) >= quotas.GROUPS_PER_USER:
        raise limit_exceeded(f"Cannot exceed quota for GroupsPerUser: {quotas.GROUPS_PER_USER}")
    user.groups.append(group.name)
    return group, user


def remove_user(account: Account, group_name: str, user_name: str) -> None:
    group = get(account, group_name)
    user = users.get(account, user_name)
    if group.name not in user.groups:
        raise no_such_entity(f"The user with name {user.name} cannot be found in group {group.name}.")
    user.groups.remove(group.name)


def attach_policy(account: Account, name: str, ref: str) -> str:
    group = get(account, name)
    return policies.attach(account, group.attached, ref, "group")


def detach_policy(account: Account, name: str, ref: str) -> str:
    group = get(account, name)
    return policies.detach(account, group.attached, ref, f"group {group.name}")


def put_policy(account: Account, name: str, policy_name: str, document: str) -> None:
    group = get(account, name)
    policies.put_inline(group.inline, policy_name, document, quotas.GROUP_INLINE_SIZE, f"group {group.name}")
