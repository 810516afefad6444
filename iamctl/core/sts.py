"""STS flows: AssumeRole (by a caller, or by an AWS service), AssumeRoleWithWebIdentity,
AssumeRoleWithSAML, GetCallerIdentity, and why a trust policy refused.

Who is calling and which policies apply to it live in ``core/identity`` (callers,
policies, context); this module only runs the flows. ``resolve_caller``, ``authorize``,
``Caller`` and the other names that moved are re-exported here for existing callers.

Every decision goes through ``policy.evaluate.evaluate``: the role's trust policy is the
resource-based policy, the caller's identity policies are the identity side. Same
account: the trust policy alone is enough when it names the caller itself; otherwise,
and always across accounts, the caller's own policies must allow too. Time comes in as
``now``; nothing here reads the clock.
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from iamctl.core.credentials.secrets_hash import hash_secret, verify_secret
from iamctl.core.errors import IamError, UsageError, validation_error
from iamctl.core.identity.callers import (  # noqa: F401  (re-exported: sts.resolve_caller, sts.authorize ...)
    EXPIRED,
    INVALID,
    Caller,
    authorize,
    caller_for_session,
    caller_for_user,
    expired,
    find_session,
    resolve_caller,
    session_arn,
    trusted_services,
)
from iamctl.core.identity.context import request_context_for, time_context
from iamctl.core.identity.policies import parsed
from iamctl.core.model import Account, Role, Session, StoreData
from iamctl.core.names import new_unique_id, parse_arn
from iamctl.core.policy.document import Policy, parse_policy
from iamctl.core.policy.evaluate import Decision, PolicySet, Principal, Request, evaluate
from iamctl.core.service import quotas
from iamctl.core.service.lookup import find
from iamctl.core.service.tags import check_tag
from iamctl.core.service.trust import SAML_AUDIENCE, WELL_KNOWN_PROVIDERS, web_identity_keys

_SESSION_NAME = re.compile(r"[\w+=,.@-]*", re.ASCII)
_EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]*", re.ASCII)
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"
_SIDE = {
    "resource": "the role's trust policy",
    "identity": "the caller's identity-based policies",
    "boundary": "the caller's permissions boundary",
    "session": "the caller's session policy",
    "scp": "a service control policy",
    "rcp": "a resource control policy",
}


@dataclass
class Issued:
    """A new session with the secrets that are shown once and never stored."""

    account: Account
    role: Role
    session: Session
    secret: str
    token: str

    @property
    def arn(self) -> str:
        return session_arn(self.account.id, self.role.name, self.session.session_name)

    @property
    def assumed_role_id(self) -> str:
        return f"{self.role.id}:{self.session.session_name}"


# ---------------------------------------------------------------- time helpers


def iso(when: datetime) -> str:
    return when.astimezone(UTC).replace(microsecond=0).isoformat()


def prune(data: StoreData, now: datetime) -> list[str]:
    """Forget expired sessions in every account; returns their access key IDs."""
    gone = []
    for account in data.accounts.values():
        for key in [k for k, s in account.sessions.items() if expired(s, now)]:
            del account.sessions[key]
            gone.append(key)
    return gone


# ---------------------------------------------------------------- resolving callers


# ---------------------------------------------------------------- access checks


def refusal(request: Request, decision: Decision, *, web_identity: bool = False,
            trust: Policy | None = None) -> IamError:
    """AWS's AccessDenied sentence, and which side refused and why (with *trust*, the trust
    policy's condition that failed)."""
    if web_identity:
        head = f"Not authorized to perform {request.action}"
    else:
        head = (f"User: {request.principal.arn} is not authorized to perform: {request.action} "
                f"on resource: {request.resource}")
    trust_allowed = any(m.policy_type == "resource" and m.effect == "Allow" for m in decision.matched)
    if decision.decision == "implicitDeny" and not trust_allowed:
        # Whatever the identity side says, the trust policy did not let this caller in.
        side = "the role's trust policy"
        why = f"no statement in it allows {request.principal.arn} to perform {request.action}."
        failed = failed_condition(trust, request) if trust is not None else None
        if failed:
            why = f"{failed}."
        elif decision.missing_context:
            why += " Missing context keys: " + ", ".join(decision.missing_context) + "."
    else:
        side = _SIDE.get(decision.denied_by or "", decision.denied_by or "a policy")
        why = decision.explanation
    return IamError("AccessDenied", f"{head} (refused by {side}: {why})")


def failed_condition(trust: Policy, request: Request) -> str | None:
    """Why a trust statement that names the caller and the action did not match: its first
    condition that fails, with the key, operator, expected values and the value given."""
    from iamctl.core.policy.evaluate import names_principal

    context = {k.lower(): ([v] if isinstance(v, str) else list(v)) for k, v in request.context.items()}
    action = request.action.lower()
    for st in trust.statements:
        if st.effect != "Allow" or not st.action_matcher.matches(action):
            continue
        if not names_principal(st, request.principal):
            continue
        for cond in st.conditions:
            if not cond.test(context.get, []):
                got = context.get(cond.key_lower)
                operator = (f"{cond.qualifier}:" if cond.qualifier else "") + cond.operator + (
                    "IfExists" if cond.if_exists else "")
                given = ", ".join(got) if got else "missing"
                return (f"{st.label} names the caller, but its condition {operator} on {cond.key} failed: "
                        f"expected {', '.join(cond.values)}, given {given}")
    return None


# ---------------------------------------------------------------- AssumeRole


def _check_session_name(name: str) -> str:
    if not 2 <= len(name) <= 64:
        raise validation_error(
            f"1 validation error detected: Value '{name}' at 'roleSessionName' failed to satisfy constraint: "
            "Member must have length between 2 and 64"
        )
    if not _SESSION_NAME.fullmatch(name):
        raise validation_error(
            f"1 validation error detected: Value '{name}' at 'roleSessionName' failed to satisfy constraint: "
            r"Member must satisfy regular expression pattern: [\w+=,.@-]*"
        )
    return name


def _check_external_id(external_id: str) -> None:
    if not 2 <= len(external_id) <= 1224 or not _EXTERNAL_ID.fullmatch(external_id):
        raise validation_error(
            f"1 validation error detected: Value '{external_id}' at 'externalId' failed to satisfy constraint: "
            r"Member must have length between 2 and 1224 and match [\w+=,.@:\/-]*"
        )


def _duration(role: Role, requested: int | None, chained: bool) -> int:
    seconds = quotas.SESSION_DURATION_DEFAULT if requested is None else requested
    if seconds < quotas.SESSION_DURATION_MIN:
        raise validation_error(
            f"1 validation error detected: Value '{seconds}' at 'durationSeconds' failed to satisfy constraint: "
            f"Member must have value greater than or equal to {quotas.SESSION_DURATION_MIN}"
        )
    if chained and seconds > quotas.CHAINED_SESSION_MAX:
        raise validation_error(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
        )
    if seconds > role.max_session_duration:
        raise validation_error("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
    return seconds


def _check_session_policy(text: str | None) -> None:
    if text is None:
        return
    if len(text) > quotas.SESSION_POLICY_MAX:
        raise validation_error(
            "1 validation error detected: Value at 'policy' failed to satisfy constraint: "
            f"Member must have length less than or equal to {quotas.SESSION_POLICY_MAX}"
        )
    parse_policy(text, kind="session", policy_id="session policy")


def _check_tags(tags: dict[str, str]) -> None:
    if len(tags) > quotas.SESSION_TAGS_MAX:
        raise validation_error(f"The number of session tags exceeds the maximum of {quotas.SESSION_TAGS_MAX}.")
    seen: set[str] = set()
    for index, (key, value) in enumerate(tags.items(), start=1):
        check_tag(key, value, index)
        if key.lower().startswith("aws:"):
            raise IamError("InvalidParameterValue", f"Session tag keys starting with 'aws:' are reserved ({key}).")
        if key.lower() in seen:  # tag keys are unique regardless of case
            raise IamError("InvalidParameterValue", f"Duplicate tag keys found: {key}.")
        seen.add(key.lower())


def find_role(data: StoreData, account: Account, ref: str) -> tuple[Account, Role] | None:
    """A role by name in *account*, or by ARN in any account of the store."""
    if not ref.startswith("arn:"):
        role = find(account.roles, ref)
        return (account, role) if role is not None else None
    try:
        parts = parse_arn(ref)
    except IamError:
        return None
    owner = data.accounts.get(parts["account"])
    if owner is None or parts["service"] != "iam" or not parts["resource"].startswith("role/"):
        return None
    role = owner.roles.get(parts["resource"].rsplit("/", 1)[-1])
    if role is None or role.arn(owner.id) != ref:
        return None
    return owner, role


def _role_arn_guess(account: Account, ref: str) -> str:
    return ref if ref.startswith("arn:") else f"arn:aws:iam::{account.id}:role/{ref}"


@dataclass(frozen=True)
class SessionSecrets:
    """A new session's secret access key and token with their hashes, made before the
    store is locked: two scrypts (~100 ms) that no other writer should wait for."""

    secret: str = field(repr=False)
    token: str = field(repr=False)
    secret_hash: str = field(repr=False)
    token_hash: str = field(repr=False)


def new_session_secrets() -> SessionSecrets:
    secret = "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40))
    token = secrets.token_urlsafe(120)
    return SessionSecrets(secret, token, hash_secret(secret), hash_secret(token))


def _unused_session_key(data: StoreData) -> str:
    """A new session key ID (ASIA...) that no session in the store has: 80 random bits,
    checked anyway, as a new access key's ID is (a key ID alone names its session)."""
    from iamctl.core.model.directory import accounts_with

    while True:
        key_id = new_unique_id("session-key")
        if not any(key_id in account.sessions for account in accounts_with(data, session=key_id)):
            return key_id


def _new_session(data: StoreData, role: Role, now: datetime, seconds: int, session_name: str,
                 made: SessionSecrets | None, **fields) -> tuple[Session, str, str]:
    made = made or new_session_secrets()
    session = Session(
        access_key_id=_unused_session_key(data), role=role.name, session_name=session_name,
        issued=iso(now), expires=iso(now + timedelta(seconds=seconds)),
        secret_hash=made.secret_hash, token_hash=made.token_hash, **fields,
    )
    return session, made.secret, made.token


def assume_role(
    data: StoreData,
    caller: Caller,
    account: Account,
    role_ref: str,
    *,
    session_name: str,
    now: datetime,
    duration: int | None = None,
    policy: str | None = None,
    tags: dict[str, str] | None = None,
    transitive_tag_keys: list[str] | None = None,
    external_id: str | None = None,
    mfa_code: str | None = None,
    source_identity: str | None = None,
    credentials: SessionSecrets | None = None,
) -> Issued:
    """AssumeRole as STS decides it; records the session in the role's account.

    *account* is where a bare role name is looked up. *mfa_code* is checked against the
    calling user's enabled virtual MFA device (a code is used once) and makes the request
    MFA-authenticated (aws:MultiFactorAuthPresent). *transitive_tag_keys* (a subset of
    *tags*) pass on to every later session of a role chain, as the calling session's
    transitive tags pass on to this one. *credentials* are the session's secrets made
    before the store was locked (made here when None).
    """
    tags = dict(tags or {})
    transitive = list(transitive_tag_keys or [])
    _check_session_name(session_name)
    if external_id is not None:
        _check_external_id(external_id)
    if mfa_code is not None and not re.fullmatch(r"\d{6}", mfa_code):
        raise validation_error("The MFA token code must be 6 digits.")
    if mfa_code is not None:
        _verify_mfa(caller, mfa_code, now)
    _check_session_policy(policy)
    _check_tags(tags)
    _check_transitive(transitive, tags)
    inherited_tags = _inherited_tags(caller.session, tags)
    chained = caller.role is not None
    inherited = caller.session.source_identity if caller.session is not None else None
    if inherited and source_identity and source_identity != inherited:
        raise IamError("AccessDenied", f"The source identity of a session cannot be changed (it is {inherited}).")
    if caller.principal.type == "Root":
        raise IamError("AccessDenied", "Roles may not be assumed by root accounts.")

    found = find_role(data, account, role_ref)
    if found is None:
        # STS says AccessDenied for a role that does not exist, as for one that refuses.
        arn = _role_arn_guess(account, role_ref)
        raise IamError("AccessDenied", f"User: {caller.principal.arn} is not authorized to perform: sts:AssumeRole "
                                       f"on resource: {arn} (no such role in the store)")
    owner, role = found
    seconds = _duration(role, duration, chained)
    mfa = caller.mfa or mfa_code is not None
    context = dict(caller.context)
    context.update(request_context_for(
        caller.account, now=now, external_id=external_id, role_session_name=session_name,
        extra=_assume_extra(tags, source_identity, mfa, caller.session, now),
    ))
    if transitive:
        context["sts:TransitiveTagKeys"] = transitive
    trust = parsed(role.trust, "trust", f"{role.name} trust policy", "resource")
    policies = replace(caller.policies, resource=trust, rcps=_rcps(data, owner.id))
    actions = ["sts:AssumeRole"] + (["sts:TagSession"] if tags else []) + (
        ["sts:SetSourceIdentity"] if source_identity else [])
    for action in actions:
        request = Request(caller.principal, action, role.arn(owner.id), owner.id, context)
        decision = evaluate(request, policies)
        if decision.decision != "allowed":
            raise refusal(request, decision, trust=trust)

    session, secret, token = _new_session(
        data, role, now, seconds, session_name, credentials, caller=caller.principal.arn, policy=policy,
        tags={**inherited_tags, **tags}, transitive=[*inherited_tags, *transitive],
        source_identity=source_identity or inherited, mfa=mfa, chained=chained,
    )
    prune(data, now)
    owner.sessions[session.access_key_id] = session
    role.last_used = iso(now)
    return Issued(owner, role, session, secret, token)


def _rcps(data: StoreData, account_id: str) -> list[list[Policy]] | None:
    """The RCPs that guard the role (a resource of sts:AssumeRole*) in its account."""
    from iamctl.core.org_context import rcp_inputs

    return rcp_inputs(data, account_id)


def assume_role_as_service(
    data: StoreData,
    account: Account,
    role_ref: str,
    *,
    service: str,
    now: datetime,
    session_name: str | None = None,
    duration: int | None = None,
    credentials: SessionSecrets | None = None,
) -> Issued:
    """AssumeRole as an AWS service makes it for a resource of yours (EC2 for an instance
    with the role's instance profile): the trust policy alone decides, as for any service
    principal, and the session is recorded like any other.

    *session_name* defaults to what the service would use: an instance ID for EC2.
    """
    from iamctl.core.service.trust import service_hint

    if not service.strip():
        raise UsageError("--service needs an AWS service principal, such as ec2.amazonaws.com.")
    if not re.fullmatch(r"[a-z0-9.-]+\.amazonaws\.com(\.cn)?", service):
        hint = service_hint(service)
        raise UsageError(f"{service} is not an AWS service principal"
                         + (f"; {hint}" if hint else " (such as ec2.amazonaws.com)."))
    name = _check_session_name(_service_session_name(service) if session_name is None else session_name)
    found = find_role(data, account, role_ref)
    if found is None:
        raise IamError("AccessDenied", f"User: {service} is not authorized to perform: sts:AssumeRole on resource: "
                                       f"{_role_arn_guess(account, role_ref)} (no such role in the store)")
    owner, role = found
    seconds = _duration(role, duration, chained=False)
    context: dict[str, list[str]] = {
        **time_context(now), "aws:SecureTransport": ["true"],
        "aws:PrincipalServiceName": [service], "aws:PrincipalIsAWSService": ["true"],
        "sts:RoleSessionName": [name],
    }
    trust = parsed(role.trust, "trust", f"{role.name} trust policy", "resource")
    request = Request(Principal(arn=service, account="", type="Service"), "sts:AssumeRole", role.arn(owner.id),
                      owner.id, context)
    decision = evaluate(request, PolicySet(resource=trust, rcps=_rcps(data, owner.id)))
    if decision.decision != "allowed":
        raise refusal(request, decision, trust=trust)
    session, secret, token = _new_session(data, role, now, seconds, name, credentials, caller=service)
    prune(data, now)
    owner.sessions[session.access_key_id] = session
    role.last_used = iso(now)
    return Issued(owner, role, session, secret, token)


def _service_session_name(service: str) -> str:
    # EC2 names an instance's role session after the instance ID (i- and 17 hex digits).
    if service.startswith("ec2."):
        return "i-" + secrets.token_hex(9)[:17]
    return service.split(".", 1)[0] + "-" + secrets.token_hex(8)


def _check_transitive(keys: list[str], tags: dict[str, str]) -> None:
    """TransitiveTagKeys name tags of this request (keys compare regardless of case)."""
    if len(keys) > quotas.SESSION_TAGS_MAX:
        raise validation_error(f"The number of transitive tag keys exceeds the maximum of {quotas.SESSION_TAGS_MAX}.")
    passed = {k.lower() for k in tags}
    for key in keys:
        if key.lower() not in passed:
            raise IamError(
                "InvalidParameterValue",
                f"The transitive tag key {key} is not the key of a session tag of this request.",
            )


def _inherited_tags(session: Session | None, tags: dict[str, str]) -> dict[str, str]:
    """The calling session's transitive tags, which a chained session inherits; passing a
    tag with the key of an inherited one fails, as in STS."""
    if session is None or not session.transitive:
        return {}
    inherited = {k: session.tags[k] for k in session.transitive if k in session.tags}
    clash = {k.lower() for k in inherited} & {k.lower() for k in tags}
    if clash:
        key = next(k for k in tags if k.lower() in clash)
        raise IamError(
            "InvalidParameterValue",
            f"The session tag {key} has the key of a transitive tag the calling session passes on; it cannot be "
            "passed again.",
        )
    return inherited


def _verify_mfa(caller: Caller, code: str, now: datetime) -> None:
    """The code must come from the calling user's enabled MFA device, and not be a replay."""
    from iamctl.core.credentials import mfa

    device = caller.user.mfa if caller.user is not None else None
    if device is None or not device.enabled:
        raise IamError("AccessDenied", f"MultiFactorAuthentication failed: {caller.principal.arn} has no enabled "
                                       "MFA device.")
    try:
        caller.user.mfa = mfa.verify(device, code, now)  # type: ignore[union-attr]
    except IamError:
        message = "MultiFactorAuthentication failed with invalid MFA one time pass code."
        raise IamError("AccessDenied", message) from None


def _assume_extra(tags: dict[str, str], source_identity: str | None, mfa: bool, session: Session | None,
                  now: datetime) -> dict[str, list[str]]:
    extra: dict[str, list[str]] = {f"aws:RequestTag/{k}": [v] for k, v in tags.items()}
    if tags:
        extra["aws:TagKeys"] = list(tags)
    if source_identity:
        extra["sts:SourceIdentity"] = [source_identity]
    if mfa:
        extra["aws:MultiFactorAuthPresent"] = ["true"]
        if session is None:
            extra["aws:MultiFactorAuthAge"] = ["0"]
    return extra


# ---------------------------------------------------------------- AssumeRoleWithWebIdentity


def web_provider(account: Account, provider: str) -> tuple[str, str]:
    """(trust-policy name of the provider, the Provider STS answers with).

    Well-known providers need no registration; any other is an OIDC provider registered
    in the role's account, named by ARN or URL.
    """
    if provider in WELL_KNOWN_PROVIDERS:
        return provider, provider
    key = provider.partition(":oidc-provider/")[2] if provider.startswith("arn:") else (
        provider.removeprefix("https://").rstrip("/"))
    registered = account.oidc_providers.get(key)
    arn = f"arn:aws:iam::{account.id}:oidc-provider/{key}"
    if registered is None or (provider.startswith("arn:") and provider != arn):
        from iamctl.core.service.trust import oidc_hint

        raise IamError("InvalidIdentityToken", f"No OpenIDConnect provider found in your account for https://{key} "
                                               f"({oidc_hint(account, arn)})")
    return arn, f"https://{key}"


def assume_role_with_web_identity(
    data: StoreData,
    account: Account,
    role_ref: str,
    *,
    provider: str,
    subject: str,
    audience: str,
    now: datetime,
    session_name: str | None = None,
    duration: int | None = None,
    policy: str | None = None,
    credentials: SessionSecrets | None = None,
) -> tuple[Issued, str]:
    """AssumeRoleWithWebIdentity for a token the caller vouches for (no signature is checked).

    Returns the new session and the Provider value of the answer.
    """
    session_name = _check_session_name(session_name or _default_session_name(subject))
    _check_session_policy(policy)
    owner, role = _federated_role(data, account, role_ref, "sts:AssumeRoleWithWebIdentity")
    name, issuer = web_provider(owner, provider)
    registered = owner.oidc_providers.get(name.partition(":oidc-provider/")[2])
    if registered is not None and audience not in registered.client_ids:
        raise IamError("InvalidIdentityToken", "Incorrect token audience")
    aud_key, sub_key = web_identity_keys(name)
    principal = Principal(arn=name, account=owner.id, type="WebIdentityUser")
    keys = {aud_key: [audience], sub_key: [subject], "aws:FederatedProvider": [name],
            "aws:PrincipalType": ["WebIdentityUser"]}
    issued = _federated_session(data, owner, role, principal, "sts:AssumeRoleWithWebIdentity", keys, now=now,
                                session_name=session_name, duration=duration, policy=policy,
                                credentials=credentials, provider=name, subject=subject, audience=audience)
    return issued, issuer


def _federated_role(data: StoreData, account: Account, role_ref: str, action: str) -> tuple[Account, Role]:
    found = find_role(data, account, role_ref)
    if found is None:
        raise IamError("AccessDenied", f"Not authorized to perform {action} (no such role "
                                       f"{_role_arn_guess(account, role_ref)} in the store)")
    return found


def _federated_session(
    data: StoreData, owner: Account, role: Role, principal: Principal, action: str, keys: dict[str, list[str]],
    *, now: datetime, session_name: str, duration: int | None, policy: str | None,
    credentials: SessionSecrets | None = None, **fields: object,
) -> Issued:
    """What AssumeRoleWithWebIdentity and AssumeRoleWithSAML share: the trust policy alone
    decides (the caller has no identity policies), then the session is recorded."""
    seconds = _duration(role, duration, chained=False)
    context = request_context_for(owner, now=now, role_session_name=session_name, extra=keys)
    trust = parsed(role.trust, "trust", f"{role.name} trust policy", "resource")
    request = Request(principal, action, role.arn(owner.id), owner.id, context)
    decision = evaluate(request, PolicySet(resource=trust, rcps=_rcps(data, owner.id)))
    if decision.decision != "allowed":
        raise refusal(request, decision, web_identity=True, trust=trust)
    session, secret, token = _new_session(data, role, now, seconds, session_name, credentials, policy=policy,
                                          **fields)
    prune(data, now)
    owner.sessions[session.access_key_id] = session
    role.last_used = iso(now)
    return Issued(owner, role, session, secret, token)


def _default_session_name(subject: str) -> str:
    cleaned = re.sub(r"[^\w+=,.@-]", "-", subject, flags=re.ASCII)[:64]
    return cleaned if len(cleaned) >= 2 else "web-identity"


# ---------------------------------------------------------------- AssumeRoleWithSAML


@dataclass(frozen=True)
class SamlAnswer:
    """What AssumeRoleWithSAML tells about the assertion, besides the credentials."""

    issued: Issued
    subject: str
    subject_type: str
    issuer: str
    audience: str
    name_qualifier: str


def saml_provider_arn(account: Account, provider: str, now: datetime) -> str:
    """The ARN of a SAML provider registered in *account*, named by name or ARN."""
    name = provider.partition(":saml-provider/")[2] if provider.startswith("arn:") else provider
    registered = account.saml_providers.get(name)
    arn = f"arn:aws:iam::{account.id}:saml-provider/{name}"
    if registered is None or (provider.startswith("arn:") and provider != arn):
        raise IamError("InvalidIdentityToken", f"No SAML provider {arn} in the role's account.")
    if registered.valid_until is not None and datetime.fromisoformat(registered.valid_until) <= now:
        raise IamError("InvalidIdentityToken", f"The metadata of SAML provider {arn} expired at "
                                               f"{registered.valid_until}.")
    return arn


def name_qualifier(issuer: str, account_id: str, provider_name: str) -> str:
    """saml:namequalifier, as AWS documents it: BASE64(SHA1(issuer + account ID + "/" + provider name))."""
    import base64
    import hashlib

    digest = hashlib.sha1(f"{issuer}{account_id}/{provider_name}".encode(), usedforsecurity=False).digest()
    return base64.b64encode(digest).decode()


def assume_role_with_saml(
    data: StoreData,
    account: Account,
    role_ref: str,
    *,
    provider: str,
    subject: str,
    session_name: str,
    now: datetime,
    issuer: str,
    subject_type: str = "persistent",
    audience: str = SAML_AUDIENCE,
    duration: int | None = None,
    policy: str | None = None,
    credentials: SessionSecrets | None = None,
) -> SamlAnswer:
    """AssumeRoleWithSAML for an assertion the caller vouches for (offline: no signature
    is checked); *subject* is its NameID, *session_name* its RoleSessionName attribute."""
    _check_session_name(session_name)
    _check_session_policy(policy)
    owner, role = _federated_role(data, account, role_ref, "sts:AssumeRoleWithSAML")
    arn = saml_provider_arn(owner, provider, now)
    provider_name = arn.partition(":saml-provider/")[2]
    qualifier = name_qualifier(issuer, owner.id, provider_name)
    keys = {
        "saml:aud": [audience], "saml:iss": [issuer], "saml:sub": [subject], "saml:sub_type": [subject_type],
        "saml:namequalifier": [qualifier], "saml:doc": [f"{owner.id}/{provider_name}"],
        "aws:FederatedProvider": [arn], "aws:PrincipalType": ["SAMLUser"],
    }
    principal = Principal(arn=arn, account=owner.id, type="SAMLUser")
    issued = _federated_session(data, owner, role, principal, "sts:AssumeRoleWithSAML", keys, now=now,
                                session_name=session_name, duration=duration, policy=policy,
                                credentials=credentials, provider=arn, subject=subject, audience=audience)
    return SamlAnswer(issued, subject, subject_type, issuer, audience, qualifier)


# ---------------------------------------------------------------- GetCallerIdentity


@dataclass
class Identity:
    user_id: str
    account: str
    arn: str
    extra: dict[str, str] = field(default_factory=dict)


def get_caller_identity(
    data: StoreData, access_key_id: str, now: datetime, *, session_token: str | None = None,
    secret: str | None = None,
) -> Identity:
    """GetCallerIdentity for a role session's key (ASIA..., with its token); long-term
    keys (AKIA...) are answered by service/access_keys.caller_identity."""
    found = find_session(data, access_key_id)
    if found is None or session_token is None or not verify_secret(session_token, found[1].token_hash):
        raise IamError("InvalidClientTokenId", INVALID)
    if secret is not None and not verify_secret(secret, found[1].secret_hash):
        raise IamError("SignatureDoesNotMatch", "The request signature we calculated does not match the signature "
                                                "you provided. Check your AWS Secret Access Key and signing method.")
    owner, session = found
    if expired(session, now):
        raise IamError("ExpiredToken", EXPIRED)
    role = owner.roles[session.role]
    return Identity(f"{role.id}:{session.session_name}", owner.id,
                    session_arn(owner.id, role.name, session.session_name),
                    {"Expiration": session.expires})
