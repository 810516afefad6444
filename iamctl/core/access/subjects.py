"""Every principal in the store, ready for the evaluator.

Users and account roots come from ``sts.resolve_caller`` (as ``simulate`` and STS resolve
them). A role is a principal through its sessions: a session of each role is built with
``sts.caller_for_session`` and ``principals.apply_org`` — what ``resolve_caller`` does for a
session it finds recorded — so an unrecorded session is asked about the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from iamctl.core import principals, sts
from iamctl.core.errors import IamError, UsageError, no_such_entity
from iamctl.core.model import Account, Role, StoreData, User
from iamctl.core.names import root_arn

# The session name a role's session gets when nobody named one (aws:userid is ROLEID:this).
SESSION_NAME = "iamctl-access"


@dataclass
class Who:
    """A principal of the store: how it is named in answers, and its caller (built on
    first use: gathering and parsing its policies is most of what a question costs)."""

    arn: str  # the user's, role's or root's ARN (a role stands for its sessions)
    kind: str  # "User" | "Role" | "Root"
    account: Account
    make: Callable[[], sts.Caller] = field(repr=False)
    user: User | None = None
    role: Role | None = None
    _caller: sts.Caller | None = field(default=None, repr=False)

    @property
    def caller(self) -> sts.Caller:
        if self._caller is None:
            self._caller = self.make()
        return self._caller


def role_caller(data: StoreData, account: Account, role: Role, now: datetime,
                session_name: str = SESSION_NAME) -> sts.Caller:
    """A session of *role*, with its organization's SCPs and keys, as resolve_caller builds one."""
    caller = sts.caller_for_session(account, role, None, now, session_name=session_name)
    principals.apply_org(data, account.id, caller.policies, caller.context)
    return caller


def user_who(data: StoreData, account: Account, user: User, now: datetime) -> Who:
    arn = user.arn(account.id)
    return Who(arn, "User", account, lambda: sts.resolve_caller(data, arn, account, now), user=user)


def role_who(data: StoreData, account: Account, role: Role, now: datetime) -> Who:
    return Who(role.arn(account.id), "Role", account, lambda: role_caller(data, account, role, now), role=role)


def root_who(data: StoreData, account: Account, now: datetime) -> Who:
    arn = root_arn(account.id)
    return Who(arn, "Root", account, lambda: sts.resolve_caller(data, arn, account, now))


def everyone(data: StoreData, now: datetime, *, accounts: Iterable[str] | None = None,
             roots: bool = True) -> Iterator[Who]:
    """Users, role sessions and (with *roots*) account roots, account by account in ID order."""
    wanted = sorted(accounts) if accounts is not None else sorted(data.accounts)
    for account_id in wanted:
        account = data.accounts[account_id]
        for name in sorted(account.users):
            yield user_who(data, account, account.users[name], now)
        for name in sorted(account.roles):
            yield role_who(data, account, account.roles[name], now)
        if roots:
            yield root_who(data, account, now)


def resolve(data: StoreData, account: Account, ref: str, now: datetime) -> Who:
    """A principal named the way ``simulate principal`` names one, or a role (role/NAME,
    a role ARN, an assumed-role ARN: a session of that role)."""
    ref = ref.strip()
    if not ref:
        raise IamError("InvalidInput", "The principal must not be empty.")
    role_found = _role_ref(data, account, ref)
    if role_found is not None:
        owner, role = role_found
        return role_who(data, owner, role, now)
    if ref.startswith("group/") or ":group/" in ref:
        raise UsageError(f"A group is not a principal; name one of its members, not {ref}.")
    caller = sts.resolve_caller(data, ref.removeprefix("user/"), account, now)
    if caller.role is not None:  # a session's ASIA... key: that session, its policy included
        return Who(caller.role.arn(caller.account.id), "Role", caller.account, lambda: caller, role=caller.role,
                   _caller=caller)
    kind = "Root" if caller.principal.type == "Root" else "User"
    arn = caller.user.arn(caller.account.id) if caller.user is not None else caller.principal.arn
    return Who(arn, kind, caller.account, lambda: caller, user=caller.user, _caller=caller)


def _role_ref(data: StoreData, account: Account, ref: str) -> tuple[Account, Role] | None:
    if ref.startswith("role/"):
        name, owner = ref[len("role/"):], account
    elif ref.startswith("arn:") and (":role/" in ref or ":assumed-role/" in ref):
        parts = ref.split(":", 5)
        owner = data.accounts.get(parts[4]) if len(parts) == 6 else None
        if owner is None:
            raise no_such_entity(f"The account of {ref} is not in the store.")
        resource = parts[5]
        name = resource.split("/")[1] if resource.startswith("assumed-role/") else resource.rsplit("/", 1)[-1]
    else:
        return None
    role = owner.roles.get(name)
    if role is None:
        raise no_such_entity(f"The role with name {name} cannot be found.")
    return owner, role


# ---------------------------------------------------------------- a cheap first look


def identity_documents(who: Who) -> list[str] | None:
    """The texts of the identity policies that apply to *who* — the user's inline and
    attached ones and its groups', or the role's — without parsing them (None for a root
    user, which needs no policy). Mirrors principals.policy_set_for_user/_for_role; used
    only to skip principals whose policies cannot name an action at all."""
    from iamctl.core.service import policies

    account = who.account
    entity = who.user if who.user is not None else who.role
    if entity is None:
        return None
    texts = list(entity.inline.values())
    arns = list(entity.attached)
    if who.user is not None:
        for name in who.user.groups:
            group = account.groups.get(name)
            if group is not None:
                texts += group.inline.values()
                arns += group.attached
    for arn in arns:
        ref = policies.lookup(account, arn)
        if ref is None:
            return None  # let the evaluator's path report it
        texts.append(ref.document)
    return texts
