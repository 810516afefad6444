"""iamctl access who-can | can | paths | diff | graph — questions about access.

Every answer comes from the evaluator ``simulate`` uses (core/access/), so the commands
and ``simulate`` never disagree.
"""

from __future__ import annotations

import typer

from iamctl.cli.common import emit, info, read, read_account, read_document
from iamctl.cli.env import current
from iamctl.core.errors import ExitStatus, UsageError

app = typer.Typer(no_args_is_help=True)

AT = typer.Option(None, "--at", metavar="TIME", help="Fix aws:CurrentTime/aws:EpochTime (ISO 8601 or epoch).")
CONTEXT = typer.Option(
    None, "--context", metavar="KEY=VALUE",
    help="Context key value every request carries (repeatable; repeat a KEY for a multi-valued key).",
)


def _now(at: str | None):
    from datetime import UTC, datetime

    from iamctl.core.simulate import parse_time

    return parse_time(at) if at else datetime.now(UTC).replace(microsecond=0)


def _conditions_text(row: dict) -> str:
    keys = ", ".join(row.get("Conditions") or [])
    if row.get("Context"):
        keys += " (allowed with " + ", ".join(f"{k}={'|'.join(v)}" for k, v in row["Context"].items()) + ")"
    return keys


@app.command("who-can")
def who_can(
    actions: list[str] = typer.Argument(..., metavar="ACTION...",
                                        help="Actions to ask about, e.g. s3:GetObject (a wildcard expands from "
                                             "the action catalogue)."),
    resource: str = typer.Option(..., "--resource", metavar="ARN", help="The resource's ARN."),
    resource_policy: str = typer.Option(None, "--resource-policy", metavar="FILE|-",
                                        help="The resource's resource-based policy (a bucket policy ...)."),
    resource_account: str = typer.Option(None, "--resource-account", metavar="ACCOUNT_ID",
                                         help="Account owning the resource (default: the account in the ARN, else "
                                              "each principal's own)."),
    context: list[str] = CONTEXT,
    at: str = AT,
) -> None:
    """Who can do this? Every principal in the store (all accounts) allowed each action on the resource.

    Asks for every user, a session of every role and every account's root user, with the
    same evaluator and inputs as simulate principal. For sts:AssumeRole* on a role of the
    store the role's trust policy is the resource policy (and root users are refused, as
    STS refuses them). A principal of another account is listed only when both its own
    policies and the resource policy allow. Decision "allowed" lists the condition keys the
    allowing statements test; "conditional" means allowed only with request context the
    default request lacks or carries differently (MFA, a source IP, a time window ...), and
    Context shows values that allow it. Exit 0 when someone can (allowed or conditional),
    1 when nobody can.

    Example: iamctl access who-can s3:GetObject --resource arn:aws:s3:::reports/q1.csv --resource-policy bucket.json
    """
    from iamctl.core.access import who_can as wc
    from iamctl.core.principals import parsed
    from iamctl.core.simulate import parse_context

    now = _now(at)
    overrides = parse_context(context)
    policy = None
    if resource_policy:
        name = "ResourcePolicy" if resource_policy == "-" else resource_policy.rsplit("/", 1)[-1]
        policy = parsed(read_document(resource_policy), kind="resource", policy_id=name, source_type="resource")
    data = read()
    results = wc.who_can(data, actions, resource, now, resource_policy=policy, resource_account=resource_account,
                         context=overrides)
    readable = {"Results": [{"Principal": r["Principal"], "Action": r["Action"], "Decision": r["Decision"],
                             "Conditions": _conditions_text(r)} for r in results]}
    emit({"Results": results}, readable)
    if not results:
        info(f"iamctl: nobody in the store may perform {', '.join(actions)} on {resource}.")
        raise typer.Exit(ExitStatus.NO)


PRINCIPAL_HELP = ("A user (NAME, user/NAME or its ARN), an access key ID, a role (role/NAME, its ARN, or an "
                  "assumed-role ARN: a session of the role) or an account's root ARN.")


@app.command("can")
def can(
    principal: str = typer.Argument(..., metavar="PRINCIPAL", help=PRINCIPAL_HELP),
    service: str = typer.Option(None, "--service", metavar="PREFIX", help="Only this service's actions (s3, iam ...)."),
    resource: str = typer.Option(None, "--resource", metavar="ARN",
                                 help="Only what is allowed on this resource (default: every resource pattern the "
                                      "policies name)."),
    context: list[str] = CONTEXT,
    at: str = AT,
) -> None:
    """What can this principal really do? Its allowed actions, grouped by service.

    Every catalogued action an Allow statement of the principal's policies names is decided
    on each resource pattern the policies name, after identity policies, groups, permissions
    boundary, SCPs and session policy, by the evaluator simulate uses. Each allowed action
    is listed with its resource patterns, the condition keys it rests on, and the Deny
    statements that cut into it (Except). --output json prints one policy document that
    grants the same. Exit 0 when something is allowed, 1 when nothing is.

    Example: iamctl access can alice --service s3
    """
    from iamctl.core.access import effective as ef
    from iamctl.core.access.subjects import resolve
    from iamctl.core.policy import catalogue
    from iamctl.core.simulate import parse_context

    if service and not catalogue.is_known_service(service):
        raise UsageError(f"No service {service!r} in the action catalogue (a prefix such as s3, iam, ec2).")
    now = _now(at)
    data, account = read_account()
    who = resolve(data, account, principal, now)
    grants = ef.effective(data, who, service=service, resource=resource, context=parse_context(context))
    rows = [{"Service": g.service, "Action": g.action, "Decision": g.decision, "Resources": ", ".join(g.resources),
             "Conditions": ", ".join(g.condition_keys),
             "Except": "; ".join(", ".join(r) + (" (conditional)" if c else "") for r, c in g.excepted)}
            for g in grants]
    emit(ef.as_policy(grants), {"Actions": rows})
    if not grants:
        info(f"iamctl: {who.arn} may perform no action" + (f" of {service}" if service else "")
             + (f" on {resource}" if resource else "") + ".")
        raise typer.Exit(ExitStatus.NO)


def short(arn: str) -> str:
    """user/alice for arn:aws:iam::123456789012:user/alice (the account shows in JSON)."""
    return arn.split(":", 5)[5] if arn.startswith("arn:") else arn


@app.command("paths")
def paths(
    principal: str = typer.Argument(None, metavar="[PRINCIPAL]",
                                    help=PRINCIPAL_HELP + " Default: every principal that is not admin."),
    to: str = typer.Option("admin", "--to", metavar="admin|ARN",
                           help="Where the paths lead: admin (allowed * on *), or a user's or role's ARN."),
    at: str = AT,
) -> None:
    """Can anyone climb from here to admin? Privilege-escalation paths, shortest first.

    Edges mean "can become or act as": assuming a role (trust and identity side both
    allow); passing a role to a service that runs code with it (iam:PassRole with
    ec2:RunInstances and an instance profile, lambda:CreateFunction, cloudformation:CreateStack,
    codebuild, sagemaker, glue, ecs, autoscaling); running commands on an instance (ssm);
    rewriting a role's trust (iam:UpdateAssumeRolePolicy); taking over a user's credentials
    (iam:CreateAccessKey, CreateLoginProfile, UpdateLoginProfile); raising one's own
    permissions (AttachUserPolicy, PutUserPolicy, group policies, AddUserToGroup to an admin
    group, CreatePolicyVersion / SetDefaultPolicyVersion on an attached policy, own-role
    policies); changing the policies of a role one can assume. Each step cites the
    statements that allow it. Admin means allowed * on *. Exit 1 when a path exists, 0 when
    none does.

    Example: iamctl access paths alice --output json
    """
    from iamctl.core.access import paths as pa
    from iamctl.core.access.subjects import resolve
    from iamctl.core.errors import no_such_entity

    now = _now(at)
    data, account = read_account()
    target = None if to == "admin" else to
    source = resolve(data, account, principal, now).arn if principal else None
    graph = pa.build(data, now)
    if target is not None and target not in graph.nodes:
        raise no_such_entity(f"--to {target} is not a user or role of the store (give its ARN, or admin).")
    found = pa.shortest_paths(graph, source, target) if source else pa.all_paths(graph, target)
    readable_rows = []
    for path in found:
        route = short(path.source) + "".join(f" -[{s.kind}]-> {short(s.target)}" for s in path.steps)
        readable_rows.append({"Principal": short(path.source), "Target": short(path.target),
                              "Length": len(path.steps), "Path": route if path.steps else "(already there)"})
    emit({"Paths": [pa.path_shape(p) for p in found]}, {"Paths": readable_rows})
    if found:
        raise typer.Exit(ExitStatus.NO)
    info(f"iamctl: no path to {to}" + (f" from {source}" if source else "") + ".")


@app.command("diff")
def diff(
    old: str = typer.Argument(None, metavar="[OLD]", help="The store file before the change."),
    new: str = typer.Argument(None, metavar="[NEW]", help="The store file after it (default: the store)."),
    git: str = typer.Option(None, "--git", metavar="REV",
                            help="Compare the store file at this git revision (git show REV:path) with the working "
                                 "copy."),
    accept: str = typer.Option(None, "--accept", metavar="FILE",
                               help="Expected grants: JSON list of {Principal, Action, Resource} globs (diff's own "
                                    "JSON output works too)."),
    at: str = AT,
) -> None:
    """What does this change grant? Effective access gained and lost between two stores.

    Per principal (users and roles, every account): the actions and resource patterns
    newly allowed (gained) or no longer allowed (lost), principals that appeared or
    disappeared, and changes in who may assume each role. Only principals whose inputs
    changed are re-evaluated. OLD NEW are two store files; --git REV compares the store
    (--store) as committed at REV with the working copy. Exit 1 when anything is gained
    that --accept does not list, 0 otherwise: a CI gate for "this change grants no new
    access".

    Example: iamctl access diff --git origin/main --accept expected-grants.json
    """
    from pathlib import Path

    from iamctl.core.access import diff as df
    from iamctl.core.access.revisions import store_at
    from iamctl.core.store import Store

    if git is not None and old is not None:
        raise UsageError("Give OLD NEW or --git REV, not both.")
    if git is None and (old is None or new is None):
        raise UsageError("Give two store files (OLD NEW), or --git REV to compare with a git revision.")
    now = _now(at)
    expected = df.load_accepted(read_document(accept), accept) if accept else []
    if git is not None:
        after = read()
        before = store_at(current().store_path(), git)
    else:
        before, after = Store(Path(old)).read(), Store(Path(new)).read()
    changes = df.accept(df.diff(before, after, now), expected)
    counts = {kind: sum(c.change == kind for c in changes) for kind in (df.GAINED, df.LOST, df.APPEARED,
                                                                        df.DISAPPEARED)}
    summary = {k.capitalize(): v for k, v in counts.items()}
    summary["Unaccepted"] = len(df.gains(changes))
    rows = [{"Change": ("+ " if c.change in (df.GAINED, df.APPEARED) else "- ") + c.change, "Principal": c.principal,
             "Action": c.action, "Resource": c.resource, "Conditions": ", ".join(c.conditions),
             **({"Accepted": "yes" if c.accepted else ""} if expected else {})} for c in changes]
    emit({"Changes": [c.shape() for c in changes], "Summary": summary}, {"Changes": rows})
    if df.gains(changes):
        unlisted = " that --accept does not list" if expected else ""
        info(f"iamctl: {summary['Unaccepted']} grant(s) gained{unlisted}.")
        raise typer.Exit(ExitStatus.NO)


FORMAT = typer.Option("mermaid", "--format", metavar="mermaid|dot",
                      help="Mermaid (renders in pull requests on the common code hosts) or Graphviz DOT.")


def _check_format(fmt: str) -> None:
    if fmt not in ("mermaid", "dot"):
        raise UsageError(f"--format takes mermaid or dot, not {fmt!r}.")


@app.command("graph")
def graph(
    fmt: str = FORMAT,
    all_accounts: bool = typer.Option(False, "--all", help="Every account of the store (default: the account "
                                                           "chosen with --account, or the default one)."),
    at: str = AT,
) -> None:
    """The account as a picture: users, groups, policies, roles and who may assume them.

    Users -> groups -> policies (managed by name, inline ones marked), roles with the
    principals (as role assume decides) and AWS services that may assume them, instance
    profiles -> their role, other accounts a trust policy names, and privilege-escalation
    edges (access paths) in red. The order is stable, so a picture diffs cleanly in review.
    Printed as Mermaid (a flowchart) or Graphviz DOT, whatever --output says.

    Example: iamctl access graph --format dot | dot -Tsvg > account.svg
    """
    from iamctl.cli.common import emit_file
    from iamctl.core.access import graph as gr

    _check_format(fmt)
    now = _now(at)
    data, account = read_account()
    ids = sorted(data.accounts) if all_accounts else [account.id]
    emit_file(gr.render(gr.account_picture(data, ids, now), fmt, "iamctl"))


def register(parent: typer.Typer, name: str, help: str) -> None:
    parent.add_typer(app, name=name, help=help)
