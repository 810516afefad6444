"""IAM roles: create, read, update, delete, trust policy, policies, boundary."""

from __future__ import annotations

from iamctl.core.errors import IamError, already_exists, delete_conflict, limit_exceeded, no_such_entity
from iamctl.core.model import Account, Role, StoreData
from iamctl.core.names import check_name, check_path, check_path_prefix, new_unique_id, now_iso
from iamctl.core.service import policies, quotas
from iamctl.core.service.lookup import find
from iamctl.core.service.tags import apply_tags
from iamctl.core.service.trust import check_trust


def get(account: Account, name: str) -> Role:
    role = find(account.roles, name)
    if role is None:
        raise no_such_entity(f"The role with name {name} cannot be found.")
    return role


def check_max_session_duration(seconds: int) -> int:
    if not quotas.MAX_SESSION_DURATION_MIN <= seconds <= quotas.MAX_SESSION_DURATION_MAX:
        raise IamError(
            "ValidationError",
            f"The requested MaxSessionDuration {seconds} is invalid: it must be between "
            f"{quotas.MAX_SESSION_DURATION_MIN} and {quotas.MAX_SESSION_DURATION_MAX} seconds.",
        )
    return seconds


def _check_description(description: str | None) -> None:
    if description is not None and len(description) > quotas.ROLE_DESCRIPTION_MAX:
        raise IamError(
            "ValidationError",
            f"The description must be at most {quotas.ROLE_DESCRIPTION_MAX} characters.",
        )


def create(
    data: StoreData | None,
    account: Account,
    name: str,
    trust: str,
    *,
    path: str = "/",
    description: str | None = None,
    max_session_duration: int = 3600,
    tags: dict[str, str] | None = None,
    boundary: str | None = None,
) -> Role:
    """CreateRole. *data* (the whole store) lets the trust policy's principals be checked."""
    check_name("role", name)
    check_path(path)
    _check_description(description)
    check_max_session_duration(max_session_duration)
    if find(account.roles, name) is not None:
        raise already_exists(f"Role with name {name} already exists.")
    if len(account.roles) >= quotas.ROLES_PER_ACCOUNT:
        raise limit_exceeded(f"Cannot exceed quota for RolesPerAccount: {quotas.ROLES_PER_ACCOUNT}")
    check_trust(data, account, trust)
    role = Role(
        name=name, id=new_unique_id("role"), created=now_iso(), trust=trust, path=path,
        description=description, max_session_duration=max_session_duration,
    )
    apply_tags(role.tags, tags or {})
    if boundary is not None:
        role.boundary = policies.resolve(account, boundary).arn
    account.roles[name] = role
    return role


def list_roles(account: Account, path_prefix: str = "/") -> list[Role]:
    check_path_prefix(path_prefix)
    return sorted((r for r in account.roles.values() if r.path.startswith(path_prefix)), key=lambda r: r.name.lower())


def update(
    account: Account, name: str, *, description: str | None = None, max_session_duration: int | None = None
) -> Role:
    """UpdateRole: description and maximum session duration (a role cannot be renamed)."""
    role = get(account, name)
    if description is not None:
        _check_description(description)
        role.description = description or None
    if max_session_duration is not None:
        role.max_session_duration = check_max_session_duration(max_session_duration)
    return role


def update_trust(data: StoreData | None, account: Account, name: str, trust: str) -> Role:
    role = get(account, name)
    check_trust(data, account, trust)
    role.trust = trust
    return role


def profiles_of(account: Account, role: Role) -> list[str]:
    return [p.name for p in account.instance_profiles.values() if role.name in p.roles]


def delete(account: Account, name: str, *, force: bool = False) -> list[str]:
    """DeleteRole. Instance profiles, attached and inline policies and a boundary block it
    (DeleteConflict, in AWS's words) unless *force*, which removes them first. The role's
    sessions end with it, as in AWS."""
    role = get(account, name)
    profiles = profiles_of(account, role)
    if not force:
        if profiles:
            raise delete_conflict("Cannot delete entity, must remove roles from instance profile first.")
        if role.attached:
            raise delete_conflict("Cannot delete entity, must detach all policies first.")
        if role.inline:
            raise delete_conflict("Cannot delete entity, must delete policies first.")
    removed = [f"role {role.name} from instance profile {p}" for p in profiles]
    removed += [f"policy {arn} attached to role {role.name}" for arn in role.attached]
    removed += [f"inline policy {p} of role {role.name}" for p in role.inline]
    if role.boundary:
        removed.append(f"permissions boundary {role.boundary} of role {role.name}")
    for p in profiles:
        account.instance_profiles[p].roles.remove(role.name)
    for key in [k for k, s in account.sessions.items() if s.role == role.name]:
        del account.sessions[key]
        removed.append(f"session {key} of role {role.name}")
    del account.roles[role.name]
    return removed


def attach_policy(account: Account, name: str, ref: str) -> str:
    return policies.attach(account, get(account, name).attached, ref, "role")


def detach_policy(account: Account, name: str, ref: str) -> str:
    role = get(account, name)
    return policies.detach(account, role.attached, ref, f"role {role.name}")


def put_policy(account: Account, name: str, policy_name: str, document: str) -> None:
    role = get(account, name)
    policies.put_inline(role.inline, policy_name, document, quotas.ROLE_INLINE_SIZE, f"role {role.name}")


def set_boundary(account: Account, name: str, ref: str) -> str:
    return policies.set_boundary(account, get(account, name), ref)


def delete_boundary(account: Account, name: str) -> None:
    policies.delete_boundary(get(account, name), "role")
