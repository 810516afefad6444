"""Who is calling: a caller resolved from a name, an ARN or an access key ID, with its
identity-side policies and request context, ready for the evaluator — and the one access
check every command asks with it (``authorize``).

A caller may be a user, the root user, a recorded role session (by its ASIA... key or
assumed-role ARN) or an AWS service's session of a role that trusts the service, in any
account of the store. Time comes in as ``now``; nothing here reads the clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from iamctl.core.errors import IamError, UsageError, no_such_entity
from iamctl.core.identity.context import request_context_for
from iamctl.core.identity.policies import apply_org, parsed, policy_set_for_role, policy_set_for_user
from iamctl.core.model import Account, Role, Session, StoreData, User
from iamctl.core.names import parse_arn
from iamctl.core.policy.document import Policy
from iamctl.core.policy.evaluate import Decision, PolicySet, Principal, Request, evaluate
from iamctl.core.service.lookup import find

EXPIRED = "The security token included in the request is expired"

INVALID = "The security token included in the request is invalid."


def session_arn(account_id: str, role_name: str, session_name: str) -> str:
    """arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION (the role's path is not in it, as in AWS)."""
    return f"arn:aws:sts::{account_id}:assumed-role/{role_name}/{session_name}"

def principal_for_user(account: Account, user: User) -> Principal:
    return Principal(arn=user.arn(account.id), account=account.id, type="User", user_id=user.id)

def principal_for_role_session(account: Account, role: Role, session_name: str) -> Principal:
    return Principal(
        arn=session_arn(account.id, role.name, session_name),
        account=account.id,
        type="AssumedRole",
        role_arn=role.arn(account.id),
        user_id=f"{role.id}:{session_name}",
    )


@dataclass
class Caller:
    """A principal ready for the evaluator: who, its identity-side policies, its context."""

    principal: Principal
    account: Account
    policies: PolicySet
    context: dict[str, list[str]]
    user: User | None = None
    role: Role | None = None
    session: Session | None = None  # the recorded session of a role-session caller
    mfa: bool = False
    # RCP levels by resource account (org_context.rcps_for), set by resolve_caller.
    rcps_for: Callable[[str], list[list[Policy]] | None] | None = None

def expired(session: Session, now: datetime) -> bool:
    return datetime.fromisoformat(session.expires) <= now

def caller_for_user(account: Account, user: User, now: datetime, *, mfa: bool | None = None) -> Caller:
    return Caller(
        principal=principal_for_user(account, user),
        account=account,
        policies=policy_set_for_user(account, user),
        context=request_context_for(account, now=now, user=user, mfa=mfa),
        user=user,
        mfa=bool(mfa),
    )

def caller_for_session(account: Account, role: Role, session: Session | None, now: datetime,
                       session_name: str | None = None) -> Caller:
    name = session.session_name if session is not None else session_name or ""
    return Caller(
        principal=principal_for_role_session(account, role, name),
        account=account,
        policies=policy_set_for_role(account, role, session),
        context=request_context_for(account, now=now, role=role, session=session, session_name=name),
        role=role,
        session=session,
        mfa=bool(session and session.mfa),
    )

def find_session(data: StoreData, access_key_id: str) -> tuple[Account, Session] | None:
    from iamctl.core.model.directory import accounts_with

    for account in accounts_with(data, session=access_key_id):
        session = account.sessions.get(access_key_id)
        if session is not None:
            return account, session
    return None

def _live_session(data: StoreData, access_key_id: str, now: datetime) -> tuple[Account, Session]:
    found = find_session(data, access_key_id)
    if found is None:
        raise IamError("InvalidClientTokenId", INVALID)
    if expired(found[1], now):
        raise IamError("ExpiredToken", EXPIRED)
    return found

def resolve_caller(data: StoreData, ref: str, account: Account, now: datetime, *, mfa: bool | None = None) -> Caller:
    """A caller (see _resolve_caller), with what its account's organization adds: SCPs,
    the billing-access setting and aws:PrincipalOrgID / aws:PrincipalOrgPaths."""
    from iamctl.core.org_context import rcps_for

    caller = _resolve_caller(data, ref, account, now, mfa=mfa)
    apply_org(data, caller.account.id, caller.policies, caller.context)
    caller.rcps_for = rcps_for(data)
    return caller

def _resolve_caller(data: StoreData, ref: str, account: Account, now: datetime, *, mfa: bool | None = None) -> Caller:
    """A caller from a user name (in *account*), a user or root ARN, an assumed-role ARN,
    an access key ID (AKIA... of a user, ASIA... of a session), in any account of the store.

    An assumed-role ARN names a recorded, unexpired session; when there is none but the
    role trusts an AWS service (an EC2 instance's session, named after the instance ID),
    the caller is that service's session of the role, which AWS never shows to IAM.
    """
    if ref.startswith("ASIA"):
        owner, session = _live_session(data, ref, now)
        return caller_for_session(owner, owner.roles[session.role], session, now)
    if ref.startswith("AKIA"):
        from iamctl.core.service.access_keys import key_owner

        holder = key_owner(data, ref)
        if holder is None:
            raise IamError("InvalidClientTokenId", INVALID)
        if holder.user is None:  # one of the root user's own keys
            return _resolve_caller(data, holder.arn(), account, now, mfa=mfa)
        return caller_for_user(holder.account, holder.user, now, mfa=mfa)
    if not ref.startswith("arn:"):
        user = find(account.users, ref)
        if user is None:
            raise no_such_entity(f"The user with name {ref} cannot be found.")
        return caller_for_user(account, user, now, mfa=mfa)
    parts = parse_arn(ref)
    owner = data.accounts.get(parts["account"])
    if owner is None:
        raise no_such_entity(f"The account {parts['account']} is not in the store ({ref}).")
    resource = parts["resource"]
    if parts["service"] == "sts" and resource.startswith("assumed-role/"):
        _, role_name, session_name = [*resource.split("/", 2), "", ""][:3]
        return _caller_from_session_arn(owner, role_name, session_name, ref, now)
    if parts["service"] == "iam" and resource == "root":
        return Caller(Principal(arn=ref, account=owner.id, type="Root"), owner, PolicySet(),
                      request_context_for(owner, now=now, extra={"aws:PrincipalType": ["Account"],
                                                                            "aws:PrincipalArn": [ref]}))
    if parts["service"] == "iam" and resource.startswith("user/"):
        user = owner.users.get(resource.rsplit("/", 1)[-1])
        if user is None or user.arn(owner.id) != ref:
            raise no_such_entity(f"The user {ref} cannot be found.")
        return caller_for_user(owner, user, now, mfa=mfa)
    if parts["service"] == "iam" and resource.startswith("role/"):
        raise UsageError(
            f"A role does not make requests itself; name one of its sessions "
            f"(arn:aws:sts::{owner.id}:assumed-role/ROLE/SESSION or its ASIA... key ID), not {ref}."
        )
    raise UsageError(f"{ref} is not a principal iamctl can act as (a user, a role session, root or an access key ID).")

def _caller_from_session_arn(owner: Account, role_name: str, session_name: str, ref: str, now: datetime) -> Caller:
    role = owner.roles.get(role_name)
    if role is None or not session_name:
        raise no_such_entity(f"The role session {ref} cannot be found (no role {role_name}).")
    sessions = [s for s in owner.sessions.values() if s.role == role.name and s.session_name == session_name]
    live = sorted((s for s in sessions if not expired(s, now)), key=lambda s: s.issued)
    if live:
        return caller_for_session(owner, role, live[-1], now)
    if trusted_services(owner, role):
        return caller_for_session(owner, role, None, now, session_name=session_name)
    if sessions:
        raise IamError("ExpiredToken", EXPIRED)
    raise no_such_entity(
        f"No session {session_name} of role {role.name} is recorded in account {owner.id}, and the role "
        "trusts no AWS service that could have one."
    )

def trusted_services(account: Account, role: Role) -> list[str]:
    """The AWS services (ec2.amazonaws.com ...) the role's trust policy lets assume it."""
    trust = parsed(role.trust, "trust", f"{role.name} trust policy", "resource")
    found = []
    for st in trust.statements:
        for service in (st.principals or {}).get("Service", ()):
            request = Request(Principal(arn=service, account=account.id, type="Service"), "sts:AssumeRole",
                              role.arn(account.id), account.id)
            if service not in found and evaluate(request, PolicySet(resource=trust)).decision == "allowed":
                found.append(service)
    return found

def authorize(
    caller: Caller, action: str, resource: str, *, resource_policy: str | None = None,
    resource_account: str | None = None, context: dict[str, list[str]] | None = None,
) -> tuple[Request, Decision]:
    """May *caller* do *action* on *resource*? The evaluator's answer, with the request it saw."""
    from iamctl.core.policy.document import parse_policy

    policies = caller.policies
    if resource_policy is not None:
        document = parse_policy(resource_policy, kind="resource", policy_id="resource policy")
        policies = replace(policies, resource=document)
    resource_account = resource_account or caller.account.id
    if caller.rcps_for is not None:
        policies = replace(policies, rcps=caller.rcps_for(resource_account))
    request = Request(caller.principal, action, resource, resource_account,
                      {**caller.context, **(context or {})})
    return request, evaluate(request, policies)
