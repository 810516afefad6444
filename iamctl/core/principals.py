"""What the evaluator needs to know about a principal, gathered from the store.

This is the one place that turns a user, or a role and one of its sessions, into the
evaluator's inputs, so ``simulate``, role assumption and every other access question
ask the same thing in the same way:

- ``policy_set_for_user(account, user)``: the user's inline policies, its attached managed
  policies, the inline and attached policies of each of its groups, and its permissions
  boundary, as a ``PolicySet`` (``resource`` left empty for the caller to fill);
- ``policy_set_for_role(account, role, session=None)``: the role's inline and attached
  policies and boundary, plus the session policy a session was given;
- ``principal_for_user`` / ``principal_for_role_session``: the evaluator's ``Principal``;
- ``request_context_for(...)``: the global condition keys AWS puts in a request made by
  that principal (aws:username, aws:userid, aws:PrincipalArn — the role's ARN for a role
  session —, aws:PrincipalAccount, aws:PrincipalType, aws:PrincipalTag/*, aws:CurrentTime,
  aws:EpochTime, aws:SecureTransport, aws:MultiFactorAuthPresent, aws:MultiFactorAuthAge,
  aws:TokenIssueTime, aws:SourceIdentity, and sts:ExternalId / sts:RoleSessionName when
  given, and the web identity provider's keys for web identity sessions).

Policy IDs: an inline policy is named by its name, a managed policy by its ARN; the
source types are SimulatePolicy's ("user", "group", "role", "aws-managed", "user-managed").
Nothing here reads the clock: the time of the request comes in as ``now``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache

from iamctl.core.model import Account, Role, Session, User
from iamctl.core.policy.document import Policy, parse_policy
from iamctl.core.policy.evaluate import PolicySet, Principal

Context = dict[str, list[str]]


@lru_cache(maxsize=4096)
def parsed(text: str, kind: str, policy_id: str, source_type: str) -> Policy:
    """A stored document, parsed once per process (documents in the store were checked)."""
    policy = parse_policy(text, kind=kind, policy_id=policy_id)
    policy.source_type = source_type
    return policy


def _managed(account: Account, arns: list[str]) -> list[Policy]:
    from iamctl.core.service.policies import lookup

    out = []
    for arn in arns:
        ref = lookup(account, arn)
        if ref is not None:  # the store's checks keep attachments pointing somewhere
            out.append(parsed(ref.document, "identity", ref.arn, "aws-managed" if ref.aws else "user-managed"))
    return out


def _boundary(account: Account, arn: str | None) -> Policy | None:
    if arn is None:
        return None
    from iamctl.core.service.policies import lookup

    ref = lookup(account, arn)
    return parsed(ref.document, "boundary", ref.arn, "permissions-boundary") if ref else None


def policy_set_for_user(account: Account, user: User) -> PolicySet:
    identity = [parsed(text, "identity", name, "user") for name, text in user.inline.items()]
    identity += _managed(account, user.attached)
    for group_name in user.groups:
        group = account.groups.get(group_name)
        if group is None:
            continue
        identity += [parsed(text, "identity", name, "group") for name, text in group.inline.items()]
        identity += _managed(account, group.attached)
    return PolicySet(identity=identity, boundary=_boundary(account, user.boundary))


def policy_set_for_role(account: Account, role: Role, session: Session | None = None) -> PolicySet:
    identity = [parsed(text, "identity", name, "role") for name, text in role.inline.items()]
    identity += _managed(account, role.attached)
    session_policies = None
    if session is not None and session.policy:
        session_policies = [parsed(session.policy, "session", f"session policy of {session.session_name}", "session")]
    return PolicySet(identity=identity, boundary=_boundary(account, role.boundary), session=session_policies)


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
        "aws:CurrentTime": [iso_z(now)],
        "aws:EpochTime": [str(int(now.timestamp()))],
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


def _web_identity_keys(session: Session) -> Context:
    from iamctl.core.service.trust import web_identity_keys

    aud_key, sub_key = web_identity_keys(session.provider or "")
    ctx: Context = {"aws:FederatedProvider": [session.provider or ""]}
    if session.audience is not None:
        ctx[aud_key] = [session.audience]
    if session.subject is not None:
        ctx[sub_key] = [session.subject]
    return ctx
