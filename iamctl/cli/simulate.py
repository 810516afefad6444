"""iamctl simulate principal | custom | run"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from iamctl.cli.common import emit, info, read_document
from iamctl.cli.env import current
from iamctl.core import simulate as sim
from iamctl.core.errors import ExitStatus, UsageError

app = typer.Typer(no_args_is_help=True)

ACTION = typer.Option(..., "--action", metavar="ACTION", help="Action to test, e.g. s3:GetObject (repeatable).")
RESOURCE = typer.Option(None, "--resource", metavar="ARN", help="Resource ARN (repeatable; default *).")
CONTEXT = typer.Option(
    None, "--context", metavar="KEY=VALUE",
    help="Context key value (repeatable; repeat a KEY for a multi-valued key). Overrides what iamctl fills.",
)
AT = typer.Option(None, "--at", metavar="TIME", help="Fix aws:CurrentTime/aws:EpochTime (ISO 8601 or epoch).")
RESOURCE_POLICY = typer.Option(None, "--resource-policy", metavar="FILE|-", help="Resource-based policy document.")
RESOURCE_ACCOUNT = typer.Option(
    None, "--resource-account", metavar="ACCOUNT_ID",
    help="Account owning the resources (default: the account in the resource ARN, else the principal's).",
)


def _now(at: str | None) -> datetime:
    # The one clock read of a simulation; --at makes it reproducible.
    return sim.parse_time(at) if at else datetime.now(UTC).replace(microsecond=0)


def _emit_results(results: list[dict]) -> None:
    """JSON (or --query) gets AWS's shape; a table says why; text is action, resource, decision."""
    env = current()
    fmt = env.output_format()
    if fmt == "json" or env.query:
        emit({"EvaluationResults": results})
    elif fmt == "text":
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
    principal: str = typer.Argument(..., metavar="PRINCIPAL",
                                    help="A user (NAME, user/NAME or its ARN), group/NAME, an access key ID "
                                         "(AKIA... or a session's ASIA...), a role session "
                                         "(arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION) or an account's root ARN."),
    action: list[str] = ACTION,
    resource: list[str] = RESOURCE,
    context: list[str] = CONTEXT,
    resource_policy: str = RESOURCE_POLICY,
    resource_account: str = RESOURCE_ACCOUNT,
    at: str = AT,
) -> None:
    """May this principal do this? Decide each action on each resource with the store's policies.

    The principal's inline and attached policies, its groups' policies and its permissions
    boundary are gathered from the store (for a role session: the role's policies, boundary
    and session policy), with the request context AWS would fill in (aws:username,
    aws:userid, aws:PrincipalArn, aws:PrincipalTag/..., aws:CurrentTime ...), and its
    organization's SCPs and billing-access setting. group/NAME evaluates a group's policies
    as if for a member. An assumed-role ARN with no recorded session is an AWS service's
    session (an EC2 instance's) when the role trusts that service. Exit 0 when every result
    is allowed, 1 when any is denied.

    Example: iamctl simulate principal alice --action s3:GetObject --resource arn:aws:s3:::bucket/key
    """
    from iamctl.cli.common import read_account
    from iamctl.core.principals import parsed, resolve_principal

    now = _now(at)
    overrides = sim.parse_context(context)
    data, account = read_account()
    subject = resolve_principal(account, principal, data=data, now=now)
    if subject.note:
        info(subject.note)
    policy = None
    if resource_policy:
        policy = parsed(read_document(resource_policy), kind="resource",
                        policy_id=_doc_id(resource_policy, "ResourcePolicy"), source_type="resource")
    simulation = sim.subject_simulation(subject, now, overrides, resource_account=resource_account,
                                        resource_policy=policy)
    _finish(sim.run(simulation, action, resource))


@app.command("custom")
def custom(
    policy: list[str] = typer.Option(..., "--policy", metavar="FILE|-", help="Identity policy (repeatable)."),
    boundary: str = typer.Option(None, "--boundary", metavar="FILE|-", help="Permissions boundary."),
    scp: list[str] = typer.Option(None, "--scp", metavar="FILE|-",
                                  help="SCP attached to the principal's account (repeatable; one level)."),
    resource_policy: str = RESOURCE_POLICY,
    session_policy: str = typer.Option(None, "--session-policy", metavar="FILE|-", help="Session policy."),
    principal: str = typer.Option(None, "--principal", metavar="ARN",
                                  help="Caller (default: user 'simulated' in the current account)."),
    action: list[str] = ACTION,
    resource: list[str] = RESOURCE,
    resource_account: str = RESOURCE_ACCOUNT,
    context: list[str] = CONTEXT,
    at: str = AT,
) -> None:
    """Decide actions against policy documents given as files; needs no store.

    Every --scp is an SCP attached directly to the principal's account: at least one must
    allow and any Deny denies. --principal defaults to arn:aws:iam::ACCOUNT:user/simulated
    in the current account (--account, or the store's default), else 123456789012.
    aws:username, aws:PrincipalArn and aws:PrincipalAccount come from --principal. Exit 0
    when every result is allowed, 1 when any is denied.

    Example: iamctl simulate custom --policy s3read.json --action s3:GetObject --resource arn:aws:s3:::b/k
    """
    from iamctl.core.policy.evaluate import PolicySet
    from iamctl.core.principals import merge_context, parsed

    _check_stdin_once([*policy, boundary, *(scp or []), resource_policy, session_policy])
    now = _now(at)
    overrides = sim.parse_context(context)
    who = sim.principal_from_arn(principal) if principal else _default_principal()
    ids = _unique_ids(policy)
    identity = [parsed(read_document(p), kind="identity", policy_id=i, source_type="none")
                for p, i in zip(policy, ids, strict=True)]
    policies = PolicySet(identity=identity)
    if boundary:
        policies.boundary = parsed(read_document(boundary), kind="boundary", policy_id=_doc_id(boundary, "Boundary"),
                                   source_type="permissions-boundary")
    if scp:
        policies.scps = [[parsed(read_document(p), kind="scp", policy_id=i, source_type="scp")
                          for p, i in zip(scp, _unique_ids(scp), strict=True)]]
    if resource_policy:
        policies.resource = parsed(read_document(resource_policy), kind="resource",
                                   policy_id=_doc_id(resource_policy, "ResourcePolicy"), source_type="resource")
    if session_policy:
        policies.session = [parsed(read_document(session_policy), kind="session",
                                   policy_id=_doc_id(session_policy, "SessionPolicy"), source_type="session")]
    simulation = sim.Simulation(
        principal=who,
        policies=policies,
        context=merge_context(sim.principal_context(who, now), overrides),
        resource_account=resource_account,
    )
    _finish(sim.run(simulation, action, resource))


def _doc_id(source: str, stdin_name: str) -> str:
    return stdin_name if source == "-" else Path(source).name


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

Each [[case]] names a principal from the store (principal = "user/alice", a user name, a user ARN or
"group/devs") or policy files (policies = [...], plus optional boundary, scps = [...],
resource_policy, session_policy and principal = ARN, as for simulate custom; paths are relative to
FILE). Then: action or actions, resource or resources (default "*"), optional context (a table; a
list value is multi-valued), resource_account, at, and expect = "allowed" | "denied" |
"explicitDeny" | "implicitDeny". A [defaults] table gives values every case inherits.

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
    store = _LazyAccount()
    outcomes = [cases.run_case(case, base, store.get, _now) for case in loaded]
    env = current()
    if env.output_format() == "json" or env.query:
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
