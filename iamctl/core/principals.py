"""Who is asking: a principal's policies and request context, gathered from the store.

The evaluator is pure; this module is the one bridge from the store's entities to its
inputs (``Principal``, ``PolicySet`` and the request context AWS would fill in), so
``simulate``, role assumption (core/sts.py) and every other access question ask the same
thing in the same way:

- ``policy_set_for_user`` / ``policy_set_for_group`` / ``policy_set_for_role``: inline and
  attached policies (a user's groups' too), the permissions boundary, a session's policy;
- ``principal_for_user`` / ``principal_for_role_session``: the evaluator's ``Principal``;
- ``request_context_for_user`` and ``request_context_for``: the global condition keys of a
  request (aws:username, aws:userid, aws:PrincipalArn — the role's ARN for a role session —,
  aws:PrincipalTag/*, aws:CurrentTime, aws:MultiFactorAuthPresent, aws:TokenIssueTime ...);
- ``resolve_principal``: a name, ARN or access key ID → a ``Subject`` ready to evaluate.

Every Policy gets an ``id`` and a ``source_type`` so an explanation can say which one
decided: managed policies by name ("ReadOnlyAccess"), inline ones as
"user/bob/inline/S3Home" or "group/devs/inline/X". ``source_type`` uses AWS's
SimulatePolicy SourcePolicyType names ("user", "group", "aws-managed", "user-managed"),
and "permissions-boundary" for the boundary, as the evaluator does for layers AWS has no
name for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from iamctl.core.errors import IamError, no_such_entity
from iamctl.core.model import Account, Group, Role, Session, StoreData, User
from iamctl.core.policy.document import Policy, parse_policy
from iamctl.core.policy.evaluate import PolicySet, Principal

Context = dict[str, list[str]]

# Parsed documents, reused across requests and cases: the evaluator's per-action index is
# keyed by Policy identity, so handing it the same objects keeps it warm.
_PARSED: dict[tuple[str, str, str, str], Policy] = {}
_MAX_PARSED = 20_000


def parsed(text: str, kind: str, policy_id: str, source_type: str) -> Policy:
    """``parse_policy`` with a cache; sets ``source_type`` (the evaluator's label)."""
    key = (text, kind, policy_id, source_type)
    found = _PARSED.get(key)
    if found is None:
        if len(_PARSED) >= _MAX_PARSED:
            _PARSED.clear()
        found = parse_policy(text, kind=kind, policy_id=policy_id)
        found.source_type = source_type
        _PARSED[key] = found
    return found


# ---------------------------------------------------------------- policies


def _managed(account: Account, arn: str, kind: str = "identity") -> Policy:
    from iamctl.core.service import policies

    ref = policies.lookup(account, arn)
    if ref is None:  # the store's checks keep references valid; a race or hand edit got here
        raise no_such_entity(f"Policy {arn} does not exist or is not attachable.")
    source = "aws-managed" if ref.aws is not None else "user-managed"
    if kind == "boundary":
        source = "permissions-boundary"
    return parsed(ref.document, kind=kind, policy_id=ref.name, source_type=source)


def _inline(owner: str, name: str, policy_name: str, text: str) -> Policy:
    return parsed(text, kind="identity", policy_id=f"{owner}/{name}/inline/{policy_name}", source_type=owner)


def group_policies(account: Account, group: Group) -> list[Policy]:
    """A group's inline and attached policies, in that order. A managed policy is cited as
    applying through the group ("AmazonEC2FullAccess, attached to group EC2Admin,
    statement 1"); an inline one's id already names the group."""
    out = [_inline("group", group.name, n, t) for n, t in group.inline.items()]
    out += [_through(_managed(account, arn), f"attached to group {group.name}") for arn in group.attached]
    return out


_THROUGH: dict[tuple[Policy, str], Policy] = {}


def _through(policy: Policy, via: str) -> Policy:
    """A copy of *policy* that the evaluator cites with *via* (its optional ``via``
    attribute); copies are kept so the evaluator's per-policy indexes stay warm."""
    from dataclasses import replace

    key = (policy, via)
    found = _THROUGH.get(key)
    if found is None:
        if len(_THROUGH) >= _MAX_PARSED:
            _THROUGH.clear()
        found = _THROUGH[key] = replace(policy)
        found.via = via  # type: ignore[attr-defined]
    return found


def policy_set_for_user(account: Account, user: User) -> PolicySet:
    """The user's inline + attached policies, every group's inline + attached, the boundary."""
    identity = [_inline("user", user.name, n, t) for n, t in user.inline.items()]
    identity += [_managed(account, arn) for arn in user.attached]
    for group_name in user.groups:
        group = account.groups.get(group_name)
        if group is not None:
            identity += group_policies(account, group)
    boundary = _managed(account, user.boundary, "boundary") if user.boundary else None
    return PolicySet(identity=identity, boundary=boundary)


def policy_set_for_group(account: Account, group: Group) -> PolicySet:
    """A group's policies as a member without policies of its own would have them."""
    return PolicySet(identity=group_policies(account, group))


def policy_set_for_role(account: Account, role: Role, session: Session | None = None) -> PolicySet:
    """The role's inline + attached policies and boundary, and the session's policy if any."""
    identity = [_inline("role", role.name, n, t) for n, t in role.inline.items()]
    identity += [_managed(account, arn) for arn in role.attached]
    boundary = _managed(account, role.boundary, "boundary") if role.boundary else None
    session_policies = None
    if session is not None and session.policy:
        session_policies = [parsed(session.policy, "session", f"session policy of {session.session_name}", "session")]
    return PolicySet(identity=identity, boundary=boundary, session=session_policies)


def principal_for_user(account: Account, user: User) -> Principal:
    return Principal(arn=user.arn(account.id), account=account.id, type="User", user_id=user.id)


def session_arn(account_id: str, role_name: str, session_name: str) -> str:
    """arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION (the role's path is not in it, as in AWS)."""
    return f"arn:aws:sts::{account_id}:assumed-role/{role_name}/{session_name}"


def principal_for_role_session(account: Account, role: Role, session_name: str) -> Principal:
    return Principal(
        arn=session_arn(account.id, role.name, session_name),
        account=account.id,
        type="AssumedRole",
        role_arn=role.arn(account.id),
        user_id=f"{role.id}:{session_name}",
    )


def iso_z(when: datetime) -> str:
    """aws:CurrentTime's format: 2024-05-01T12:00:00Z."""
    return when.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def request_context_for(
    account: Account,
    *,
    now: datetime,
    user: User | None = None,
    role: Role | None = None,
    session: Session | None = None,
    session_name: str | None = None,
    mfa: bool | None = None,
    secure_transport: bool = True,
    external_id: str | None = None,
    role_session_name: str | None = None,
    extra: Mapping[str, list[str]] | None = None,
) -> Context:
    """The request context of a request made by *user*, or by a session of *role*, at *now*.

    For a role session give *role* and either the recorded *session* or, for a session
    that is not recorded (an EC2 instance's), its *session_name*. *mfa* is whether the
    request was authenticated with MFA; None for long-term credentials that did not use
    it, which AWS leaves the key out for. *extra* keys are added last and win.
    """
    ctx: Context = {
        **time_context(now),
        "aws:SecureTransport": ["true" if secure_transport else "false"],
        "aws:PrincipalAccount": [account.id],
    }
    if user is not None:
        ctx["aws:PrincipalArn"] = [user.arn(account.id)]
        ctx["aws:PrincipalType"] = ["User"]
        ctx["aws:username"] = [user.name]
        ctx["aws:userid"] = [user.id]
        for key, value in user.tags.items():
            ctx[f"aws:PrincipalTag/{key}"] = [value]
    elif role is not None:
        name = session.session_name if session is not None else session_name or ""
        ctx["aws:PrincipalArn"] = [role.arn(account.id)]  # AWS sets the role's ARN, not the session's
        ctx["aws:PrincipalType"] = ["AssumedRole"]
        ctx["aws:userid"] = [f"{role.id}:{name}"]
        # Session tags override the role's tags of the same key.
        tags = {**role.tags, **(session.tags if session is not None else {})}
        for key, value in tags.items():
            ctx[f"aws:PrincipalTag/{key}"] = [value]
        ctx["aws:MultiFactorAuthPresent"] = ["false"]
        if session is not None:
            ctx["aws:TokenIssueTime"] = [session.issued]
            if session.source_identity:
                ctx["aws:SourceIdentity"] = [session.source_identity]
            if session.provider:
                ctx.update(_web_identity_keys(session))
            if session.mfa:
                mfa = True if mfa is None else mfa
                issued = datetime.fromisoformat(session.issued)
                ctx["aws:MultiFactorAuthAge"] = [str(max(0, int((now - issued).total_seconds())))]
    if mfa is not None:
        ctx["aws:MultiFactorAuthPresent"] = ["true" if mfa else "false"]
        if mfa and "aws:MultiFactorAuthAge" not in ctx:
            ctx["aws:MultiFactorAuthAge"] = ["0"]
    if external_id is not None:
        ctx["sts:ExternalId"] = [external_id]
    if role_session_name is not None:
        ctx["sts:RoleSessionName"] = [role_session_name]
    for key, values in (extra or {}).items():
        ctx[key] = list(values)
    return ctx


# ---------------------------------------------------------------- request context


def time_context(now: datetime) -> Context:
    """aws:CurrentTime and aws:EpochTime for ``now`` (the caller reads the clock, not us)."""
    when = now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)
    return {
        "aws:CurrentTime": [when.strftime("%Y-%m-%dT%H:%M:%SZ")],
        "aws:EpochTime": [str(int(when.timestamp()))],
    }


def merge_context(base: Mapping[str, Sequence[str]], overrides: Mapping[str, Sequence[str]] | None) -> Context:
    """``base`` with ``overrides`` replacing keys case-insensitively (keys ignore case in IAM)."""
    out: Context = {k: list(v) for k, v in base.items()}
    lower = {k.lower(): k for k in out}
    for key, values in (overrides or {}).items():
        old = lower.pop(key.lower(), None)
        if old is not None:
            del out[old]
        out[key] = [values] if isinstance(values, str) else list(values)
        lower[key.lower()] = key
    return out


def request_context_for_user(
    account: Account,
    user: User,
    now: datetime,
    overrides: Mapping[str, Sequence[str]] | None = None,
    *,
    resource_account: str | None = None,
) -> Context:
    """The keys AWS puts in a request signed with the user's long-term access key.

    aws:MultiFactorAuthPresent is absent: long-term keys carry no MFA information, so a
    ``Bool`` test on it fails and ``BoolIfExists`` passes, as AWS documents.
    """
    ctx = request_context_for(account, now=now, user=user)
    ctx["aws:ResourceAccount"] = [resource_account or account.id]
    return merge_context(ctx, overrides)


def request_context_for_group(
    account: Account, group: Group, now: datetime, overrides: Mapping[str, Sequence[str]] | None = None,
    *, resource_account: str | None = None,
) -> Context:
    ctx: Context = {
        "aws:PrincipalArn": [group.arn(account.id)],
        "aws:PrincipalAccount": [account.id],
        "aws:PrincipalType": ["User"],
        "aws:SecureTransport": ["true"],
        **time_context(now),
        "aws:ResourceAccount": [resource_account or account.id],
    }
    return merge_context(ctx, overrides)


def _web_identity_keys(session: Session) -> Context:
    from iamctl.core.service.trust import web_identity_keys

    aud_key, sub_key = web_identity_keys(session.provider or "")
    ctx: Context = {"aws:FederatedProvider": [session.provider or ""]}
    if session.audience is not None:
        ctx[aud_key] = [session.audience]
    if session.subject is not None:
        ctx[sub_key] = [session.subject]
    return ctx


# ---------------------------------------------------------------- resolving a principal


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


def apply_org(data: StoreData, account_id: str, policies: PolicySet, context: Context) -> None:
    """Add what the account's organization imposes (core/org_context.py): its SCP levels
    and billing-access setting to *policies*, aws:PrincipalOrgID/Paths to *context*."""
    from iamctl.core.org_context import org_inputs

    scps, billing_access, keys = org_inputs(data, account_id)
    policies.scps = scps
    policies.billing_access = billing_access
    context.update(keys)


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
    from iamctl.core import sts
    from iamctl.core.errors import UsageError

    if ref.startswith("arn:") and ref.split(":", 5)[2:3] not in (["iam"], ["sts"]):
        raise _unparseable(ref)
    try:
        caller = sts.resolve_caller(data, ref, account, now)
    except UsageError:  # an ARN of something that is no principal
        raise _unparseable(ref) from None
    except IamError as exc:
        if exc.code == "InvalidClientTokenId":  # STS's word for it; simulate names the key
            raise no_such_entity(f"The access key ID {ref} does not exist in the store.") from None
        raise
    return _caller_subject(caller)


def _caller_subject(caller, note: str | None = None) -> Subject:  # caller: sts.Caller
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
    from iamctl.core import sts

    caller = sts.caller_for_session(owner, role, None, now, session_name=SIMULATED_SESSION)
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
