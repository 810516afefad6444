"""Instance profiles: the container that hands a role to an EC2 instance (one role each)."""

from __future__ import annotations

from iamctl.core.errors import already_exists, delete_conflict, limit_exceeded, no_such_entity
from iamctl.core.model import Account, InstanceProfile
from iamctl.core.names import check_name, check_path, check_path_prefix, new_unique_id, now_iso
from iamctl.core.service import quotas, roles
from iamctl.core.service.lookup import find


def get(account: Account, name: str) -> InstanceProfile:
    profile = find(account.instance_profiles, name)
    if profile is None:
        raise no_such_entity(f"Instance Profile {name} cannot be found.")
    return profile


def create(account: Account, name: str, *, path: str = "/") -> InstanceProfile:
    check_name("instance-profile", name)
    check_path(path)
    if find(account.instance_profiles, name) is not None:
        raise already_exists(f"Instance Profile {name} already exists.")
    if len(account.instance_profiles) >= quotas.INSTANCE_PROFILES_PER_ACCOUNT:
        raise limit_exceeded(
            f"Cannot exceed quota for InstanceProfilesPerAccount: {quotas.INSTANCE_PROFILES_PER_ACCOUNT}"
        )
    profile = InstanceProfile(name=name, id=new_unique_id("instance-profile"), created=now_iso(), path=path)
    account.instance_profiles[name] = profile
    return profile


def list_profiles(account: Account, path_prefix: str = "/", role: str | None = None) -> list[InstanceProfile]:
    check_path_prefix(path_prefix)
    found = [p for p in account.instance_profiles.values() if p.path.startswith(path_prefix)]
    if role is not None:
        role_name = roles.get(account, role).name
        found = [p for p in found if role_name in p.roles]
    return sorted(found, key=lambda p: p.name.lower())


def add_role(account: Account, name: str, role_name: str) -> InstanceProfile:
    profile = get(account, name)
    role = roles.get(account, role_name)
    if role.name in profile.roles:
        raise already_exists(f"Role {role.name} is already in instance profile {profile.name}.")
    if len(profile.roles) >= quotas.ROLES_PER_INSTANCE_PROFILE:
        raise limit_exceeded(
            f"Cannot exceed quota for InstanceSessionsPerInstanceProfile: {quotas.ROLES_PER_INSTANCE_PROFILE}"
        )
    profile.roles.append(role.name)
    return profile


def remove_role(account: Account, name: str, role_name: str) -> InstanceProfile:
    profile = get(account, name)
    role = roles.get(account, role_name)
    if role.name not in profile.roles:
        raise no_such_entity(f"The role with name {role.name} cannot be found in instance profile {profile.name}.")
    profile.roles.remove(role.name)
    return profile


def delete(account: Account, name: str, *, force: bool = False) -> list[str]:
    profile = get(account, name)
    if profile.roles and not force:
        raise delete_conflict("Cannot delete entity, must remove roles from instance profile first.")
    removed = [f"role {r} from instance profile {profile.name}" for r in profile.roles]
    del account.instance_profiles[profile.name]
    return removed
