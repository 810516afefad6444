"""iamctl role ... (and role instance-profile ...)"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import typer

from iamctl.cli.clock import AT, now
from iamctl.cli.common import emit, info, parse_tags, read_account, read_document, report_removed, write
from iamctl.cli.confirm import YES, confirm
from iamctl.cli.paging import paginated
from iamctl.cli.policy_holder import Holder, add_policy_commands
from iamctl.core import shapes_roles
from iamctl.core.errors import IamError, UsageError
from iamctl.core.model import Account, StoreData
from iamctl.core.service import quotas, roles

app = typer.Typer(no_args_is_help=True)
profiles_app = typer.Typer(no_args_is_help=True)

NAME = typer.Argument(..., metavar="ROLE", help="Role name.")
PROFILE = typer.Argument(..., metavar="PROFILE", help="Instance profile name.")


@contextlib.contextmanager
def _write() -> Iterator[tuple[StoreData, Account]]:
    """A transaction with the whole store (trust policies and STS look across accounts)."""
    from iamctl.cli.env import current
    from iamctl.core.service import accounts

    with write() as data:
        yield data, accounts.resolve(data, current().account_selector())


@app.command("create")
def create(
    name: str = typer.Argument(..., metavar="NAME", help="Role name."),
    trust: str = typer.Option(None, "--trust", metavar="FILE|-", help="Trust policy document; - reads stdin."),
    trust_service: list[str] = typer.Option(None, "--trust-service", metavar="SERVICE",
                                            help="Trust an AWS service, e.g. ec2.amazonaws.com (repeatable)."),
    trust_account: list[str] = typer.Option(None, "--trust-account", metavar="ACCOUNT_ID",
                                            help="Trust another account (its root; repeatable)."),
    trust_principal: list[str] = typer.Option(None, "--trust-principal", metavar="ARN",
                                              help="Trust a user or role ARN (repeatable)."),
    external_id: str = typer.Option(None, "--external-id", help="Require this sts:ExternalId (account trust)."),
    require_mfa: bool = typer.Option(False, "--require-mfa", help="Require MFA (account trust)."),
    trust_web_identity: str = typer.Option(
        None, "--trust-web-identity", metavar="PROVIDER",
        help="accounts.google.com, graph.facebook.com, www.amazon.com, or a registered OIDC provider (URL or ARN)."),
    audience: str = typer.Option(None, "--audience", metavar="APP_ID", help="The app/client ID web identities need."),
    trust_saml: str = typer.Option(None, "--trust-saml", metavar="NAME|ARN", help="Trust a registered SAML provider."),
    description: str = typer.Option(None, "--description", help="What it is for."),
    path: str = typer.Option("/", "--path", help="Path such as /service-role/."),
    tag: list[str] = typer.Option(None, "--tag", metavar="KEY=VALUE", help="Repeat for several tags."),
    max_session_duration: int = typer.Option(3600, "--max-session-duration", metavar="SECONDS",
                                             help="3600 to 43200."),
    boundary: str = typer.Option(None, "--boundary", metavar="POLICY", help="Permissions boundary policy."),
) -> None:
    """Create a role with a trust policy from --trust, or from the console's templates.

    Example: iamctl role create ExampleEC2Role --trust-service ec2.amazonaws.com
    """
    from iamctl.core.service.trust import build_trust

    shortcuts = bool(trust_service or trust_account or trust_principal or trust_web_identity or trust_saml)
    if trust is not None and shortcuts:
        raise UsageError("Give either --trust FILE or the --trust-* shortcuts, not both.")
    if trust is None and not shortcuts:
        raise UsageError("A role needs a trust policy: --trust FILE, --trust-service, --trust-account, "
                         "--trust-principal, --trust-web-identity or --trust-saml.")
    if (external_id or require_mfa) and not (trust_account or trust_principal):
        raise UsageError("--external-id and --require-mfa go with --trust-account or --trust-principal.")
    text = read_document(trust) if trust is not None else None
    with _write() as (data, account):
        if text is None:
            text = build_trust(
                account, services=trust_service, accounts=trust_account, principals=trust_principal,
                external_id=external_id, require_mfa=require_mfa, web_identity=trust_web_identity,
                audience=audience, saml=trust_saml,
            )
        role = roles.create(data, account, name, text, path=path, description=description,
                            max_session_duration=max_session_duration, tags=parse_tags(tag), boundary=boundary)
        shape = shapes_roles.role(account, role, full=True)
    emit({"Role": shape})


@app.command("list")
@paginated("Roles")
def list_(path_prefix: str = typer.Option("/", "--path-prefix", help="Only roles whose path starts with this."),
          ) -> None:
    """List roles (aws iam list-roles).

    Example: iamctl role list --output json --query 'Roles[].Arn'
    """
    _, account = read_account()
    emit({"Roles": [shapes_roles.role(account, r) for r in roles.list_roles(account, path_prefix)]})


@app.command("get")
def get(name: str = NAME) -> None:
    """Show a role (aws iam get-role), with its trust policy, boundary, tags and last use.

    Example: iamctl role get ExampleEC2Role --query Role.AssumeRolePolicyDocument
    """
    _, account = read_account()
    emit({"Role": shapes_roles.role(account, roles.get(account, name), full=True)})


@app.command("update")
def update(
    name: str = NAME,
    description: str = typer.Option(None, "--description", help="New description ('' removes it)."),
    max_session_duration: int = typer.Option(
        None, "--max-session-duration", metavar="SECONDS", help="3600 to 43200 seconds."
    ),
) -> None:
    """Change a role's description or maximum session duration (roles cannot be renamed).

    Example: iamctl role update Auditor --max-session-duration 7200
    """
    with _write() as (_, account):
        shape = shapes_roles.role(account, roles.update(account, name, description=description,
                                                        max_session_duration=max_session_duration), full=True)
    emit({"Role": shape})


@app.command("update-trust")
def update_trust(
    name: str = NAME,
    trust: str = typer.Option(..., "--trust", metavar="FILE|-", help="The new trust policy; - reads stdin."),
) -> None:
    """Replace a role's trust policy (aws iam update-assume-role-policy).

    Example: iamctl role update-trust Auditor --trust trust.json
    """
    text = read_document(trust)
    with _write() as (data, account):
        roles.update_trust(data, account, name, text)


@app.command("delete")
def delete(
    name: str = NAME,
    force: bool = typer.Option(False, "--force", help="First remove it from instance profiles and drop its policies."),
    yes: bool = YES,
) -> None:
    """Delete a role; instance profiles or policies using it are a DeleteConflict unless --force.

    Deleting a role ends its sessions at once, as in AWS.

    Example: iamctl role delete ExampleEC2Role --force
    """
    if force:
        confirm(f"Delete role {name}, its policies, and its place in instance profiles?", yes)
    with _write() as (_, account):
        removed = roles.delete(account, name, force=force)
    report_removed(removed)


def _emit_credentials(shape: dict, fmt: str | None) -> None:
    from iamctl.cli.env import current

    if fmt is None and current().output_format() == "env":
        fmt = "env"  # --output env, as the issue and aws-vault users write it
    if fmt == "env":
        # Shell lines for eval "$(...)": not a data shape emit() renders, so written here.
        c = shape["Credentials"]
        current().spoke = True
        current().stdout.write(
            f"export AWS_ACCESS_KEY_ID={c['AccessKeyId']}\n"
            f"export AWS_SECRET_ACCESS_KEY={c['SecretAccessKey']}\n"
            f"export AWS_SESSION_TOKEN={c['SessionToken']}\n"
        )
        return
    if fmt == "json":
        current().output = "json"
    emit(shape)


FORMAT = typer.Option(
    None, "--format", metavar="json|env",
    help="env: export lines for eval \"$(...)\" (the same as --output env); json: JSON whatever --output says.",
)


@app.command("assume")
def assume(
    role: str = typer.Argument(..., metavar="ROLE", help="Role name in the current account, or a role ARN."),
    as_: str = typer.Option(None, "--as", metavar="PRINCIPAL",
                            help="User name, user ARN, role session ARN, or access key ID (AKIA/ASIA). Default: "
                                 "the credentials in the environment or ~/.aws/credentials (see whoami), so "
                                 "sessions chain after eval \"$(iamctl role assume ... --output env)\"."),
    service: str = typer.Option(None, "--service", metavar="SERVICE",
                                help="Assume it as this AWS service does (e.g. ec2.amazonaws.com for an instance "
                                     "with the role); the trust policy alone decides. Instead of --as."),
    session_name: str = typer.Option(None, "--session-name", metavar="NAME",
                                     help="Session name (required unless --service; with --service default: an "
                                          "instance ID for EC2)."),
    duration_seconds: int = typer.Option(None, "--duration-seconds", metavar="N",
                                         help="900 to the role's maximum (default 3600; 3600 at most when chaining)."),
    policy: str = typer.Option(None, "--policy", metavar="FILE|-", help="Session policy (limits the session)."),
    tag: list[str] = typer.Option(None, "--tag", metavar="KEY=VALUE", help="Session tag (repeatable)."),
    transitive_tag_key: list[str] = typer.Option(
        None, "--transitive-tag-key", metavar="KEY", help="A --tag key to pass on when the session chains (repeatable)."
    ),
    external_id: str = typer.Option(None, "--external-id", help="The sts:ExternalId the trust policy may require."),
    mfa_code: str = typer.Option(None, "--mfa-code", metavar="CODE",
                                 help="A current code of the calling user's MFA device (makes the request "
                                      "MFA-authenticated)."),
    source_identity: str = typer.Option(
        None, "--source-identity", help="sts:SourceIdentity, kept through role chaining."
    ),
    fmt: str = FORMAT,
    at: str = AT,
) -> None:
    """Assume a role as STS does (aws sts assume-role) and record the session.

    The trust policy must allow the caller; the caller's own policies must allow sts:AssumeRole
    too across accounts, and in the same account unless the trust policy names the caller.
    With --service, an AWS service assumes it (EC2 for an instance holding the role): only
    the trust policy decides. A refusal names the trust condition that failed.

    Example: eval "$(iamctl role assume Auditor --as alice --session-name audit --format env)"
    """
    from iamctl.core import sts

    if fmt not in (None, "json", "env"):
        raise UsageError(f"--format must be json or env, not {fmt!r}.")
    if as_ is not None and service is not None:
        raise UsageError("Give --as PRINCIPAL (who assumes the role) or --service SERVICE (an AWS service), not "
                         "both.")
    if service is not None:
        extras = {"--policy": policy, "--tag": tag, "--transitive-tag-key": transitive_tag_key,
                  "--external-id": external_id, "--mfa-code": mfa_code, "--source-identity": source_identity}
        given = [flag for flag, value in extras.items() if value]
        if given:
            raise UsageError(f"{', '.join(given)} go with --as, not --service.")
        _assume_as_service(role, service, session_name, duration_seconds, fmt, at)
        return
    if session_name is None:
        raise UsageError("--session-name is required (except with --service).")
    text = read_document(policy) if policy is not None else None
    when = now(at)
    creds = None
    if as_ is None:
        from iamctl.cli import aws_credentials

        creds = aws_credentials.find()
        aws_credentials.precheck(creds)  # the secret's scrypt check, before the store is locked
        as_ = creds.access_key_id
    made = sts.new_session_secrets()  # their scrypt hashes are made before the store is locked
    signed = False
    try:
        with _write() as (data, account):
            if creds is not None:  # checked as the signed AssumeRole request would be, in the same write
                aws_credentials.check(data, creds, when)
                signed = True
            caller = sts.resolve_caller(data, as_, account, when)
            issued = sts.assume_role(
                data, caller, account, role, session_name=session_name, now=when, duration=duration_seconds,
                policy=text, tags=parse_tags(tag), transitive_tag_keys=transitive_tag_key, external_id=external_id,
                mfa_code=mfa_code, source_identity=source_identity, credentials=made,
            )
            shape = shapes_roles.assume_role(issued)
    except IamError:
        if signed and creds is not None:  # refused, but the request was made with the key: AWS records its use
            aws_credentials.verify(creds, when)
        raise
    _emit_credentials(shape, fmt)


def _assume_as_service(role: str, service: str, session_name: str | None, duration: int | None,
                       fmt: str | None, at: str | None) -> None:
    from iamctl.core import sts

    when = now(at)
    made = sts.new_session_secrets()  # their scrypt hashes are made before the store is locked
    with _write() as (data, account):
        issued = sts.assume_role_as_service(data, account, role, service=service, now=when,
                                            session_name=session_name, duration=duration, credentials=made)
        shape = shapes_roles.assume_role(issued)
        profiles = [p for p in issued.account.instance_profiles.values() if issued.role.name in p.roles]
    if service.startswith("ec2.") and not profiles:
        # EC2 only assumes a role for an instance launched with an instance profile holding it.
        info(f"iamctl: note: no instance profile holds {issued.role.name}, so no instance could be launched with "
             f"it (iamctl role instance-profile create NAME; iamctl role instance-profile add-role NAME "
             f"{issued.role.name}).")
    _emit_credentials(shape, fmt)


@app.command("assume-web-identity")
def assume_web_identity(
    role: str = typer.Argument(..., metavar="ROLE", help="Role name in the current account, or a role ARN."),
    provider: str = typer.Option(..., "--provider", metavar="PROVIDER",
                                 help="accounts.google.com, graph.facebook.com, www.amazon.com, or an OIDC "
                                      "provider ARN."),
    subject: str = typer.Option(..., "--subject", metavar="SUB", help="The token's subject (user ID)."),
    audience: str = typer.Option(..., "--audience", metavar="AUD", help="The token's audience (app/client ID)."),
    session_name: str = typer.Option(None, "--session-name", metavar="NAME", help="Default: from the subject."),
    duration_seconds: int = typer.Option(
        None, "--duration-seconds", metavar="N", help="Session length (900 up to the role's maximum)."
    ),
    policy: str = typer.Option(None, "--policy", metavar="FILE|-", help="Session policy."),
    fmt: str = FORMAT,
    at: str = AT,
) -> None:
    """Assume a role with a web identity (aws sts assume-role-with-web-identity).

    Offline: no token is fetched and no signature is checked; you state the token's
    provider, subject and audience, and the trust policy's conditions decide.

    Example: iamctl role assume-web-identity WebApp --provider accounts.google.com --subject 1234 --audience my-app
    """
    from iamctl.core import sts

    if fmt not in (None, "json", "env"):
        raise UsageError(f"--format must be json or env, not {fmt!r}.")
    text = read_document(policy) if policy is not None else None
    when = now(at)
    made = sts.new_session_secrets()  # their scrypt hashes are made before the store is locked
    with _write() as (data, account):
        issued, issuer = sts.assume_role_with_web_identity(
            data, account, role, provider=provider, subject=subject, audience=audience, now=when,
            session_name=session_name, duration=duration_seconds, policy=text, credentials=made,
        )
        shape = shapes_roles.assume_role_with_web_identity(issued, issuer)
    _emit_credentials(shape, fmt)


@app.command("assume-saml")
def assume_saml(
    role: str = typer.Argument(..., metavar="ROLE", help="Role name in the current account, or a role ARN."),
    provider: str = typer.Option(..., "--provider", metavar="NAME|ARN", help="A SAML provider of the role's account."),
    subject: str = typer.Option(..., "--subject", metavar="NAMEID", help="The assertion's subject (NameID)."),
    session_name: str = typer.Option(..., "--session-name", metavar="NAME",
                                     help="The assertion's RoleSessionName attribute."),
    issuer: str = typer.Option(..., "--issuer", metavar="URL", help="The assertion's Issuer (the IdP's entity ID)."),
    subject_type: str = typer.Option("persistent", "--subject-type", metavar="TYPE",
                                     help="persistent, transient, or a NameID format URI."),
    audience: str = typer.Option(None, "--audience", metavar="URL",
                                 help="The assertion's Recipient (default https://signin.aws.amazon.com/saml)."),
    duration_seconds: int = typer.Option(
        None, "--duration-seconds", metavar="N", help="Session length (900 up to the role's maximum)."
    ),
    policy: str = typer.Option(None, "--policy", metavar="FILE|-", help="Session policy."),
    fmt: str = FORMAT,
    at: str = AT,
) -> None:
    """Assume a role with a SAML assertion (aws sts assume-role-with-saml).

    Offline: no assertion is read and no signature is checked; you state what the
    assertion says, and the trust policy decides with the saml: keys (saml:aud, saml:iss,
    saml:sub, saml:sub_type, saml:namequalifier, saml:doc).

    Example: iamctl role assume-saml ADFS-Dev --provider ADFS --subject alice --session-name alice --issuer http://adfs.example.com/adfs/services/trust
    """
    from iamctl.core import sts

    if fmt not in (None, "json", "env"):
        raise UsageError(f"--format must be json or env, not {fmt!r}.")
    text = read_document(policy) if policy is not None else None
    when = now(at)
    extra = {"audience": audience} if audience is not None else {}
    made = sts.new_session_secrets()  # their scrypt hashes are made before the store is locked
    with _write() as (data, account):
        answer = sts.assume_role_with_saml(
            data, account, role, provider=provider, subject=subject, session_name=session_name, now=when,
            issuer=issuer, subject_type=subject_type, duration=duration_seconds, policy=text, credentials=made,
            **extra,
        )
        shape = shapes_roles.assume_role_with_saml(answer)
    _emit_credentials(shape, fmt)


@app.command("sessions")
def sessions(
    role: str = typer.Argument(None, metavar="[ROLE]", help="Only this role's sessions."),
    at: str = AT,
) -> None:
    """List the live sessions recorded in the account (expired ones are pruned).

    Example: iamctl role sessions Auditor --output text
    """
    from iamctl.core import sts

    when = now(at)
    with _write() as (data, account):
        gone = sts.prune(data, when)
        role_name = roles.get(account, role).name if role else None
        found = [shapes_roles.session(account, s) for s in sorted(account.sessions.values(), key=lambda s: s.issued)
                 if role_name is None or s.role == role_name]
    if gone:
        info(f"Pruned {len(gone)} expired session(s).")
    emit({"Sessions": found})


# ---------------------------------------------------------------- instance profiles


@profiles_app.command("create")
def profile_create(
    name: str = typer.Argument(..., metavar="NAME", help="Instance profile name."),
    path: str = typer.Option("/", "--path", help="Path such as /division/."),
) -> None:
    """Create an instance profile (it can hold one role).

    Example: iamctl role instance-profile create ExampleEC2Role
    """
    from iamctl.core.service import instance_profiles

    with _write() as (_, account):
        shape = shapes_roles.instance_profile(account, instance_profiles.create(account, name, path=path))
    emit({"InstanceProfile": shape})


@profiles_app.command("add-role")
def profile_add_role(name: str = PROFILE, role: str = NAME) -> None:
    """Put a role in an instance profile (one role per profile).

    Example: iamctl role instance-profile add-role ExampleEC2Role ExampleEC2Role
    """
    from iamctl.core.service import instance_profiles

    with _write() as (_, account):
        instance_profiles.add_role(account, name, role)


@profiles_app.command("remove-role")
def profile_remove_role(name: str = PROFILE, role: str = NAME) -> None:
    """Take the role out of an instance profile.

    Example: iamctl role instance-profile remove-role ExampleEC2Role ExampleEC2Role
    """
    from iamctl.core.service import instance_profiles

    with _write() as (_, account):
        instance_profiles.remove_role(account, name, role)


@profiles_app.command("list")
@paginated("InstanceProfiles")
def profile_list(
    path_prefix: str = typer.Option("/", "--path-prefix", help="Only those whose path starts with this."),
    role: str = typer.Option(None, "--role", help="Only profiles holding this role."),
) -> None:
    """List instance profiles (aws iam list-instance-profiles[-for-role]).

    Example: iamctl role instance-profile list --role ExampleEC2Role --output text
    """
    from iamctl.core.service import instance_profiles

    _, account = read_account()
    found = instance_profiles.list_profiles(account, path_prefix, role)
    emit({"InstanceProfiles": [shapes_roles.instance_profile(account, p) for p in found]})


@profiles_app.command("get")
def profile_get(name: str = PROFILE) -> None:
    """Show an instance profile and its role.

    Example: iamctl role instance-profile get ExampleEC2Role
    """
    from iamctl.core.service import instance_profiles

    _, account = read_account()
    emit({"InstanceProfile": shapes_roles.instance_profile(account, instance_profiles.get(account, name))})


@profiles_app.command("delete")
def profile_delete(
    name: str = PROFILE,
    force: bool = typer.Option(False, "--force", help="Remove its role first."),
    yes: bool = YES,
) -> None:
    """Delete an instance profile; one still holding a role is a DeleteConflict unless --force.

    Example: iamctl role instance-profile delete ExampleEC2Role --force
    """
    from iamctl.core.service import instance_profiles

    if force:
        confirm(f"Delete instance profile {name} (and take its role out)?", yes)
    with _write() as (_, account):
        removed = instance_profiles.delete(account, name, force=force)
    report_removed(removed)


app.add_typer(profiles_app, name="instance-profile", help="Instance profiles: hand a role to EC2 instances.")


add_policy_commands(
    app,
    Holder(
        "role", roles.get, quotas.ROLE_INLINE_SIZE, "AmazonS3FullAccess", boundary=True, example_name="ExampleEC2Role"
    ),
)

def register(parent: typer.Typer, name: str, help: str) -> None:
    parent.add_typer(app, name=name, help=help)
