"""iamctl access who-can | can | paths | diff | graph — questions about access.

Every answer comes from the evaluator ``simulate`` uses (core/access/), so the commands
and ``simulate`` never disagree.
"""

from __future__ import annotations

import typer

from iamctl.cli.common import emit, info, read, read_account, read_document
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
    allowing statements test; "conditional" means allowed only with context the default
    request lacks (MFA, a source IP ...), and Context shows values that allow it. Exit 0
    when someone can, 1 when nobody can.

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


def register(parent: typer.Typer, name: str, help: str) -> None:
    parent.add_typer(app, name=name, help=help)
