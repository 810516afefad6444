"""iamctl simulate principal | custom | run"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from iamctl.cli.common import emit, info, read_document
from iamctl.cli.env import current
from iamctl.core import simulate as sim
from iamctl.core.errors import ExitStatus, UsageError

if TYPE_CHECKING:
    from iamctl.core.policy.document import Policy

app = typer.Typer(no_args_is_help=True)

ACTION = typer.Option(..., "--action", metavar="ACTION", help="Action to test, e.g. s3:GetObject (repeatable).")
RESOURCE = typer.Option(None, "--resource", metavar="ARN", help="Resource ARN (repeatable; default *).")
CONTEXT = typer.Option(
    None, "--context", metavar="KEY=VALUE",
    help="Context key value (repeatable; repeat a KEY for a multi-valued key). Overrides what iamctl fills.",
)
CONTEXT_JSON = typer.Option(
    None, "--context-json", metavar="JSON",
    help='Context as a JSON object (inline or file://PATH): "value", ["v1", "v2"], [] (present, no values) '
         'or null (remove a key iamctl fills, e.g. aws:SecureTransport). Combines with --context.',
)
ENDPOINT_POLICY = typer.Option(
    None, "--endpoint-policy", metavar="FILE|-",
    help="The VPC endpoint policy the request passes through (give aws:SourceVpce with --context).",
)
AT = typer.Option(None, "--at", metavar="TIME", help="Fix aws:CurrentTime/aws:EpochTime (ISO 8601 or epoch).")
RESOURCE_POLICY = typer.Option(None, "--resource-policy", metavar="FILE|-", help="Resource-based policy document.")
RESOURCE_ACCOUNT = typer.Option(
    None, "--resource-account", metavar="ACCOUNT_ID",
    help="Account owning the resources (default: the account in the resource ARN, else the principal's).",
)


def _warn_unknown(actions: list[str]) -> None:
    """One stderr line per action missing from the catalogue; no prefix at all is exit 2."""
    for warning in sim.check_actions(actions):
        info(f"iamctl: warning: {warning}")


def _now(at: str | None) -> datetime:
    # The one clock read of a simulation; --at makes it reproducible.
    return sim.parse_time(at) if at else datetime.now(UTC).replace(microsecond=0)


def _emit_results(results: list[dict]) -> None:
    """JSON, YAML, text (or --query) get AWS's shape; a table says why; lines are action,
    resource, decision."""
    env = current()
    fmt = env.output_format()
    if env.wants_aws_shape():
        emit({"EvaluationResults": results})
    elif fmt == "lines":
        emit({"EvaluationResults": [
            {"Action": r["EvalActionName"], "Resource": r["EvalResourceName"], "Decision": r["EvalDecision"]}
            for r in results
        ]})
    else:
        emit({"EvaluationResults": [
            {"Action": r["EvalActionName"], "Resource": r["EvalResourceName"], "Decision": r["EvalDecision"],
             "Why": r["Explanation"]}
            for r in results
        ]})
    for r in results:
        if "DenialMessage" in r:
            info(r["DenialMessage"])


def _finish(results: list[dict]) -> None:
    _emit_results(results)
    if not sim.all_allowed(results):
        raise typer.Exit(ExitStatus.NO)


def _check_stdin_once(sources: list[str | None]) -> None:
    if sum(1 for s in sources if s == "-") > 1:
        raise UsageError("Only one document can be read from stdin (-).")


@app.command("principal")
def principal(
    principal: str = typer.Argument(None, metavar="[PRINCIPAL]",
                                    help="A user (NAME, user/NAME or its ARN), group/NAME, a role (role/NAME or "
                                         "its ARN, as a session named simulated), an access key ID "
                                         "(AKIA... or a session's ASIA...), a role session "
                                         "(arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION) or an account's root ARN. "
                                         "Default: whoever the credentials in the environment or the shared "
                                         "credentials file belong to (checked as whoami checks them)."),
    action: list[str] = ACTION,
    resource: list[str] = RESOURCE,
    context: list[str] = CONTEXT,
    resource_policy: str = RESOURCE_POLICY,
    resource_account: str = RESOURCE_ACCOUNT,
    endpoint_policy: str = ENDPOINT_POLICY,
    context_json: str = CONTEXT_JSON,
    at: str = AT,
    profile: str = typer.Option(None, "--profile", metavar="NAME",
                                help="With no PRINCIPAL: act as this profile of the shared credentials file."),
) -> None:
    """May this principal do this? Decide each action on each resource with the store's policies.

    The principal's inline and attached policies, its groups' policies and its permissions
    boundary are gathered from the store (for a role session: the role's policies, boundary
    and session policy), with the request context AWS would fill in (aws:username,
    aws:userid, aws:PrincipalArn, aws:PrincipalTag/..., aws:CurrentTime ...), and its
    organization's SCPs and billing-access setting, and the RCPs of each resource's account.
    group/NAME evaluates a group's policies as if for a member; role/NAME or a role ARN
    evaluates a session of the role named simulated, as AWS's SimulatePrincipalPolicy does.
    An assumed-role ARN with no recorded session is an AWS service's session (an EC2
    instance's) when the role trusts that service. With no PRINCIPAL it simulates whoever
    the credentials aws-cli would use belong to (see whoami). An action that is not in
    iamctl's action catalogue gets a warning naming the closest real one; an action without
    a service prefix is refused (exit 2). Exit 0 when every result is allowed, 1 when any
    is denied.

    Example: iamctl simulate principal alice --action s3:GetObject --resource arn:aws:s3:::bucket/key
    """
    from iamctl.cli.common import read_account
    from iamctl.core.principals import parsed, resolve_principal

    _check_stdin_once([resource_policy, endpoint_policy])
    _warn_unknown(action)
    now = _now(at)
    overrides, absent = sim.parse_context_json(_json_value(context_json), sim.parse_context(context))
    _check_account_id(resource_account)
    if principal is None:
        principal = _caller_key(profile, now)
    elif profile:
        raise UsageError("--profile is for simulating as a profile's credentials; give it or a PRINCIPAL.")
    data, account = read_account()
    subject = resolve_principal(account, principal, data=data, now=now)
    if subject.note:
        info(subject.note)
    policy = None
    if resource_policy is not None:
        policy = parsed(read_document(resource_policy), kind="resource",
                        policy_id=_doc_id(resource_policy, "ResourcePolicy"), source_type="resource")
    simulation = sim.subject_simulation(subject, now, overrides, resource_account=resource_account,
                                        resource_policy=policy, absent=absent,
                                        endpoint_policy=_endpoint(endpoint_policy))
    _finish(sim.run(simulation, action, resource))


def _caller_key(profile: str | None, now: datetime) -> str:
    """The access key ID of the credentials aws-cli would use, once the store accepts them."""
    from iamctl.cli import aws_credentials

    creds = aws_credentials.find(profile)
    identity = aws_credentials.verify(creds, now)
    info(f"Simulating as {identity['Arn']} (credentials from the {creds.source}).")
    return creds.access_key_id


@app.command("custom")
def custom(
    policy: list[str] = typer.Option(..., "--policy", metavar="FILE|-", help="Identity policy (repeatable)."),
    boundary: str = typer.Option(None, "--boundary", metavar="FILE|-", help="Permissions boundary."),
    scp: list[str] = typer.Option(None, "--scp", metavar="FILE|-",
                                  help="SCP attached to the principal's account (repeatable; one level)."),
    scp_level: list[str] = typer.Option(
        None, "--scp-level", metavar="FILES",
        help="The SCPs of one organization level, comma-separated; repeat per level from the root down to "
             "the account. Not with --scp."),
    rcp: list[str] = typer.Option(None, "--rcp", metavar="FILE|-",
                                  help="RCP attached to the resource's account (repeatable; one level)."),
    rcp_level: list[str] = typer.Option(
        None, "--rcp-level", metavar="FILES",
        help="The RCPs of one level, comma-separated; repeat per level from the root down. Not with --rcp."),
    endpoint_policy: str = ENDPOINT_POLICY,
    resource_policy: str = RESOURCE_POLICY,
    session_policy: str = typer.Option(None, "--session-policy", metavar="FILE|-", help="Session policy."),
    principal: str = typer.Option(None, "--principal", metavar="ARN",
                                  help="Caller (default: user 'simulated' in the current account)."),
    action: list[str] = ACTION,
    resource: list[str] = RESOURCE,
    resource_account: str = RESOURCE_ACCOUNT,
    context: list[str] = CONTEXT,
    context_json: str = CONTEXT_JSON,
    at: str = AT,
) -> None:
    """Decide actions against policy documents given as files; needs no store.

    Every --scp is an SCP attached directly to the principal's account: at least one must
    allow and any Deny denies. --scp-level a.json,b.json gives one level of the
    organization, repeated from the root down to the account: every level must allow, a
    Deny at any level denies. --rcp and --rcp-level do the same for resource control
    policies (on the resource's account; only the services AWS lists; RCPFullAWSAccess is
    part of every level, as AWS keeps it attached, so only a Deny restricts).
    --endpoint-policy is the VPC endpoint policy the request passes through: it must allow
    too. --principal defaults to arn:aws:iam::ACCOUNT:user/simulated
    in the current account (--account, or the store's default), else 123456789012.
    aws:username, aws:PrincipalArn and aws:PrincipalAccount come from --principal. Unknown
    actions are warned about as for simulate principal. Exit 0 when every result is
    allowed, 1 when any is denied.

    Example: iamctl simulate custom --policy s3read.json --action s3:GetObject --resource arn:aws:s3:::b/k
    """
    from iamctl.core.policy.evaluate import PolicySet
    from iamctl.core.principals import merge_context, parsed

    scp_levels = _levels(scp, scp_level, "--scp")
    rcp_levels = _levels(rcp, rcp_level, "--rcp")
    _check_stdin_once([*policy, boundary, *[f for level in scp_levels + rcp_levels for f in level],
                       resource_policy, session_policy, endpoint_policy])
    _warn_unknown(action)
    now = _now(at)
    overrides, absent = sim.parse_context_json(_json_value(context_json), sim.parse_context(context))
    _check_account_id(resource_account)
    who = sim.principal_from_arn(principal) if principal is not None else _default_principal()
    ids = _unique_ids(policy)
    identity = [parsed(read_document(p), kind="identity", policy_id=i, source_type="none")
                for p, i in zip(policy, ids, strict=True)]
    policies = PolicySet(identity=identity)
    if boundary is not None:
        policies.boundary = parsed(read_document(boundary), kind="boundary", policy_id=_doc_id(boundary, "Boundary"),
                                   source_type="permissions-boundary")
    if scp_levels:
        policies.scps = [[parsed(read_document(p), kind="scp", policy_id=i, source_type="scp")
                          for p, i in zip(level, _level_ids(level, n, bool(scp_level)), strict=True)]
                         for n, level in enumerate(scp_levels)]
    if rcp_levels:
        policies.rcps = [_rcp_level(level, _level_ids(level, n, bool(rcp_level)))
                         for n, level in enumerate(rcp_levels)]
    policies.endpoint = _endpoint(endpoint_policy)
    if resource_policy is not None:
        policies.resource = parsed(read_document(resource_policy), kind="resource",
                                   policy_id=_doc_id(resource_policy, "ResourcePolicy"), source_type="resource")
    if session_policy is not None:
        policies.session = [parsed(read_document(session_policy), kind="session",
                                   policy_id=_doc_id(session_policy, "SessionPolicy"), source_type="session")]
    simulation = sim.Simulation(
        principal=who,
        policies=policies,
        context=merge_context(sim.principal_context(who, now), overrides),
        resource_account=resource_account,
        absent=absent,
    )
    _finish(sim.run(simulation, action, resource))


def _levels(single: list[str] | None, levels: list[str] | None, flag: str) -> list[list[str]]:
    """--scp FILE ... (one level) or --scp-level A,B ... (one level each), never both."""
    if single and levels:
        raise UsageError(f"Give either {flag} (one level) or {flag}-level (a level each), not both.")
    if single:
        return [list(single)]
    out = []
    for value in levels or []:
        files = [f.strip() for f in value.split(",")]
        if not all(files):
            raise UsageError(f"{flag}-level takes comma-separated files, not {value!r}.")
        out.append(files)
    return out


def _level_ids(files: list[str], number: int, leveled: bool) -> list[str]:
    return sim.level_ids(_unique_ids(files), number, leveled)


def _rcp_level(files: list[str], ids: list[str]) -> list[Policy]:
    return sim.rcp_level([(read_document(f), i) for f, i in zip(files, ids, strict=True)])


def _json_value(value: str | None) -> str | None:
    """A JSON option's text: inline, or read from file://PATH (fileb://) as aws-cli reads any parameter."""
    from iamctl.cli.common import FILE_PREFIXES

    return read_document(value) if value is not None and value.startswith(FILE_PREFIXES) else value


def _check_account_id(value: str | None) -> None:
    """--resource-account names an account as AWS does: 12 digits."""
    if value is not None and not (len(value) == 12 and value.isascii() and value.isdigit()):
        raise UsageError(f"--resource-account must be a 12-digit account ID, not {value!r}.")


def _endpoint(source: str | None) -> Policy | None:
    """The VPC endpoint policy, parsed as AWS reads one (a resource-based policy with Principal)."""
    if source is None:
        return None
    from iamctl.core.principals import parsed

    return parsed(read_document(source), kind="resource", policy_id=_doc_id(source, "EndpointPolicy"),
                  source_type="endpoint")


def _doc_id(source: str, stdin_name: str) -> str:
    from iamctl.cli.common import document_name

    return document_name(source, stdin_name)


def _unique_ids(sources: list[str]) -> list[str]:
    """Policy ids from file names; a repeated name gets #2, #3 ... so explanations stay clear."""
    seen: dict[str, int] = {}
    out = []
    for s in sources:
        base = _doc_id(s, "stdin")
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base}#{seen[base]}")
    return out


def _default_principal():
    """user/simulated in the current account; never needs (or fails on) a store."""
    import re

    env = current()
    selector = env.account_selector()
    account = None
    if selector and re.fullmatch(r"\d{12}", selector):
        account = selector
    else:
        try:
            from iamctl.cli.common import read
            from iamctl.core.service import accounts

            account = accounts.resolve(read(), selector).id
        except Exception:  # no store, or not readable: simulate custom works without one
            account = None
    account = account or sim.DEFAULT_ACCOUNT
    return sim.principal_from_arn(f"arn:aws:iam::{account}:user/{sim.DEFAULT_PRINCIPAL_NAME}")


# Typer's rich help keeps single newlines and reads [..] as markup: paragraphs are one line
# each and brackets are escaped. The same format is described in core/cases.py.
RUN_HELP = """Run a file of policy unit tests: one line per case, a summary, exit 1 if any case fails.

Each [[case]] names a principal from the store (principal = a user name, "user/alice" or a user
ARN, "group/devs", "role/Auditor" or a role ARN (a session named simulated), an assumed-role ARN
arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, an access key ID AKIA... or ASIA..., or a root
ARN arn:aws:iam::ACCOUNT:root) or policy files (policies = [...], plus optional boundary,
scps = [...] (one level) or scp_levels = [[...], ...], rcps or rcp_levels likewise,
endpoint_policy, resource_policy, session_policy and principal = ARN, as for simulate custom;
paths are relative to FILE; endpoint_policy works with a store principal too). Then: action or
actions, resource or resources (default "*"), optional context (a table; a list value is
multi-valued), resource_account, at, and expect = "allowed" | "denied" | "explicitDeny" |
"implicitDeny". A [defaults] table gives values every case inherits. A case whose action is not
in iamctl's action catalogue fails, naming the closest real action, unless it says
unknown_action = true.

  [defaults]
  at = "2024-05-01T12:00:00Z"

  [[case]]
  name = "alice reads her bucket"
  principal = "alice"
  action = "s3:GetObject"
  resource = "arn:aws:s3:::alice-bucket/report.csv"
  expect = "allowed"

  [[case]]
  name = "no deletes, even with MFA"
  policies = ["policies/dev.json"]
  actions = ["s3:DeleteObject", "s3:DeleteBucket"]
  context = { "aws:MultiFactorAuthPresent" = "true" }
  expect = "denied"

Example: iamctl simulate run tests/iam-cases.toml
"""


@app.command("run", help=RUN_HELP)
def run_cases(
    file: Path = typer.Argument(..., metavar="FILE.toml", help="Cases to run (format below)."),
) -> None:
    """Run a file of policy unit tests (see RUN_HELP and core/cases.py for the format).

    One line per case, a summary on stderr, exit 1 if any case fails.
    """
    from iamctl.core import cases

    base = file.parent
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"No such file: {file}", "NoSuchFile") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"Cannot read {file}: {exc}", "UnreadableFile") from None
    loaded = cases.load(text, str(file))
    for warning in cases.unknown_actions(loaded):
        info(f"iamctl: warning: {warning}")
    store = _LazyAccount()
    outcomes = [cases.run_case(case, base, store.get, _now) for case in loaded]
    env = current()
    if env.wants_aws_shape():
        emit({"Cases": [o.shape() for o in outcomes], "Summary": cases.summary_shape(outcomes)})
    else:
        emit({"Cases": [o.row() for o in outcomes]})
    passed = sum(o.passed for o in outcomes)
    info(f"{passed} passed, {len(outcomes) - passed} failed, {len(outcomes)} cases")
    if passed != len(outcomes):
        raise typer.Exit(ExitStatus.NO)


class _LazyAccount:
    """The store is read only if a case names a principal from it, and only once."""

    def __init__(self) -> None:
        self.loaded = None

    def get(self):
        """(store data, current account)."""
        if self.loaded is None:
            from iamctl.cli.common import read_account

            self.loaded = read_account()
        return self.loaded


def register(parent: typer.Typer, name: str, help: str) -> None:
    parent.add_typer(app, name=name, help=help)
