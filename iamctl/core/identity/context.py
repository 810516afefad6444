"""The request context AWS fills in for a caller: the global condition keys of a request
(aws:username, aws:userid, aws:PrincipalArn — the role's ARN for a role session —,
aws:PrincipalTag/*, aws:CurrentTime, aws:MultiFactorAuthPresent, aws:TokenIssueTime ...).

Time comes in as ``now``; nothing here reads the clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from iamctl.core.model import Account, Group, Role, Session, User

Context = dict[str, list[str]]


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
