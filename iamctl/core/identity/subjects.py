"""Who is asking, as `simulate` names it: a user name, ARN, group, role, access key ID or
role session → a ``Subject`` (principal, policies, and how to build its request context).

Resolvers are tried in order (``RESOLVERS``); with the whole store, access key IDs, role
sessions, roles (as a session named ``simulated``, as SimulatePrincipalPolicy does) and
principals of other accounts are found through ``identity.callers``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from iamctl.core.errors import IamError, no_such_entity
from iamctl.core.identity import callers
from iamctl.core.identity.context import (
    Context,
    merge_context,
    request_context_for_group,
    request_context_for_user,
    time_context,
)
from iamctl.core.identity.policies import apply_org, policy_set_for_group, policy_set_for_user
from iamctl.core.model import Account, Role, StoreData, User
from iamctl.core.policy.document import Policy
from iamctl.core.policy.evaluate import PolicySet, Principal


@dataclass
class Subject:
    """A resolved principal: who, what policies apply, and how to build its context."""

    principal: Principal
    policies: PolicySet
    # (now, overrides, resource_account) -> context
    context: Callable[[datetime, Mapping[str, Sequence[str]] | None, str | None], Context]
    note: str | None = None  # said on stderr, e.g. "groups are not principals ..."
    extra: dict[str, object] = field(default_factory=dict)
    # RCP levels by resource account (set when resolved with the whole store).
    rcps_for: Callable[[str], list[list[Policy]] | None] | None = None
    denial_subject: str | None = None  # how denials name it when it is no caller (a group)

Resolver = Callable[[Account, str], "Subject | None"]

def _user_subject(account: Account, user: User) -> Subject:
    return Subject(
        principal=Principal(user.arn(account.id), account.id, "User", user_id=user.id),
        policies=policy_set_for_user(account, user),
        context=lambda now, ov, ra: request_context_for_user(account, user, now, ov, resource_account=ra),
    )

def _find_user(account: Account, name: str) -> User:
    from iamctl.core.service import users

    return users.get(account, name)

def resolve_user(account: Account, ref: str) -> Subject | None:
    """``user/NAME``, ``arn:aws:iam::ACCOUNT:user/PATH/NAME``, or a plain user name."""
    if ref.startswith("arn:"):
        parts = ref.split(":", 5)
        if len(parts) != 6 or parts[2] != "iam" or not parts[5].startswith("user/"):
            return None
        if parts[4] != account.id:
            raise no_such_entity(f"The user {ref} is not in account {account.id}.")
        user = _find_user(account, parts[5].rsplit("/", 1)[-1])
        if user.arn(account.id) != ref:
            raise no_such_entity(f"The user with ARN {ref} cannot be found.")
        return _user_subject(account, user)
    if ref.startswith("user/"):
        return _user_subject(account, _find_user(account, ref[len("user/"):]))
    if "/" not in ref and ":" not in ref and not _looks_like_key_id(ref):
        return _user_subject(account, _find_user(account, ref))
    return None

def resolve_group(account: Account, ref: str) -> Subject | None:
    """``group/NAME`` or a group ARN: the group's policies, evaluated as for a member."""
    name = None
    if ref.startswith("group/"):
        name = ref[len("group/"):]
    elif ref.startswith("arn:") and ":group/" in ref:
        name = ref.rsplit("/", 1)[-1]
    if name is None:
        return None
    from iamctl.core.service import groups

    group = groups.get(account, name)
    return Subject(
        principal=Principal(group.arn(account.id), account.id, "User"),
        policies=policy_set_for_group(account, group),
        context=lambda now, ov, ra: request_context_for_group(account, group, now, ov, resource_account=ra),
        note=(
            f"iamctl: note: groups are not principals; evaluating the policies of group {group.name} "
            "as if for a member with no policies of its own (no permissions boundary)."
        ),
        denial_subject=f"A member of group {group.name} ({group.arn(account.id)})",
    )

def _looks_like_key_id(ref: str) -> bool:
    return len(ref) in (16, 20, 21) and ref[:4] in ("AKIA", "ASIA") and ref.isalnum() and ref.isupper()

# Tried in order; the first that returns a Subject wins. A resolver returns None when the
# reference is not its kind, and raises IamError when it is its kind but cannot be found.
# Extension point: roles (arn:...:role/..., role/NAME), STS sessions (assumed-role ARNs)
# and access key IDs (AKIA.../ASIA...) register here from their own modules.
RESOLVERS: list[Resolver] = [resolve_user, resolve_group]

def register_resolver(resolver: Resolver, *, first: bool = False) -> None:
    if resolver not in RESOLVERS:
        RESOLVERS.insert(0, resolver) if first else RESOLVERS.append(resolver)

def _with_org(data: StoreData, account: Account, subject: Subject) -> Subject:
    keys: Context = {}
    apply_org(data, account.id, subject.policies, keys)
    if keys:
        inner = subject.context

        def context(when: datetime, overrides: Mapping[str, Sequence[str]] | None, ra: str | None) -> Context:
            return merge_context({**inner(when, None, ra), **keys}, overrides)

        subject.context = context
    return subject

def _with_rcps(data: StoreData, subject: Subject) -> Subject:
    from iamctl.core.org_context import rcps_for

    subject.rcps_for = rcps_for(data)
    return subject

def _is_sts_ref(ref: str) -> bool:
    """Refs that STS's caller resolution understands better than the plain resolvers: access
    key IDs, role sessions, and ARNs of users or root in any account of the store."""
    if _looks_like_key_id(ref):
        return True
    return ref.startswith("arn:") and ":group/" not in ref

# Every form `simulate principal` (and `simulate run`'s principal) accepts, for its help and errors.
ACCEPTED_FORMS = (
    "a user name, user/NAME or a user ARN; group/NAME or a group ARN; role/NAME or a role ARN (as a session "
    "named simulated); an assumed-role ARN (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION); an access key "
    "ID (AKIA... of a user, ASIA... of a session); or an account's root ARN (arn:aws:iam::ACCOUNT:root)"
)

SIMULATED_SESSION = "simulated"

def sts_subject(data: StoreData, account: Account, ref: str, now: datetime) -> Subject:
    """A Subject for anyone STS can name: AKIA.../ASIA... keys, assumed-role ARNs (recorded
    sessions, or an AWS service's session of a role that trusts it), users and root in any
    account of the store."""
    from iamctl.core.errors import UsageError

    if ref.startswith("arn:") and ref.split(":", 5)[2:3] not in (["iam"], ["sts"]):
        raise _unparseable(ref)
    try:
        caller = callers.resolve_caller(data, ref, account, now)
    except UsageError:  # an ARN of something that is no principal
        raise _unparseable(ref) from None
    except IamError as exc:
        if exc.code == "InvalidClientTokenId":  # STS's word for it; simulate names the key
            raise no_such_entity(f"The access key ID {ref} does not exist in the store.") from None
        raise
    return _caller_subject(caller)

def _caller_subject(caller: callers.Caller, note: str | None = None) -> Subject:
    base = dict(caller.context)

    def context(when: datetime, overrides: Mapping[str, Sequence[str]] | None, ra: str | None) -> Context:
        ctx = {**base, **time_context(when), "aws:ResourceAccount": [ra or caller.account.id]}
        return merge_context(ctx, overrides)

    return Subject(principal=caller.principal, policies=caller.policies, context=context,
                   extra={"account": caller.account}, note=note)

def _role_ref(data: StoreData, account: Account, ref: str) -> tuple[Account, Role] | None:
    """``role/NAME`` (in *account*) or ``arn:aws:iam::ACCOUNT:role/PATH/NAME`` (any account of
    the store); None when *ref* is not a role reference."""
    from iamctl.core.service import roles

    if ref.startswith("role/"):
        return account, roles.get(account, ref[len("role/"):])
    if not (ref.startswith("arn:") and ref.split(":", 5)[2:3] == ["iam"] and ":role/" in ref):
        return None
    owner = data.accounts.get(ref.split(":", 5)[4])
    role = owner.roles.get(ref.rsplit("/", 1)[-1]) if owner is not None else None
    if owner is None or role is None or role.arn(owner.id) != ref:
        raise no_such_entity(f"The role with ARN {ref} cannot be found.")
    return owner, role

def role_subject(data: StoreData, owner: Account, role: Role, now: datetime) -> Subject:
    """A role as SimulatePrincipalPolicy evaluates one: as a session of it (named
    ``simulated``) with the role's policies, boundary, tags and organization."""

    caller = callers.caller_for_session(owner, role, None, now, session_name=SIMULATED_SESSION)
    apply_org(data, owner.id, caller.policies, caller.context)
    note = (f"iamctl: note: evaluating role {role.name} as its session {caller.principal.arn} "
            f"(session name {SIMULATED_SESSION}).")
    return _caller_subject(caller, note)

def _unparseable(ref: str) -> IamError:
    return IamError("InvalidInput", f"Cannot tell what principal {ref!r} is: give {ACCEPTED_FORMS}.")

def resolve_principal(
    account: Account, ref: str, *, data: StoreData | None = None, now: datetime | None = None
) -> Subject:
    """``user/NAME``, a user name, a user ARN, ``group/NAME`` ... via ``RESOLVERS``; with the
    whole store (*data*) also access key IDs, role sessions and principals of other accounts."""
    ref = ref.strip()
    if not ref:
        raise IamError("InvalidInput", "The principal must not be empty.")
    if data is not None and now is not None:
        role = _role_ref(data, account, ref)
        if role is not None:
            return _with_rcps(data, role_subject(data, *role, now))
        if _is_sts_ref(ref):
            return _with_rcps(data, sts_subject(data, account, ref, now))
    for resolver in RESOLVERS:
        found = resolver(account, ref)
        if found is not None:
            return _with_rcps(data, _with_org(data, account, found)) if data is not None else found
    if _looks_like_key_id(ref):
        raise no_such_entity(f"The access key ID {ref} does not exist in account {account.id}.")
    raise _unparseable(ref)
