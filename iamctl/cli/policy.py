"""iamctl policy ..."""

from __future__ import annotations

import typer

from iamctl.cli.common import emit, info, parse_tags, read_account, read_document, report_removed, write_account
from iamctl.cli.confirm import YES, confirm
from iamctl.cli.paging import paginated
from iamctl.core import shapes
from iamctl.core.service import policies

app = typer.Typer(no_args_is_help=True)
version_app = typer.Typer(no_args_is_help=True, help="Versions of a customer managed policy (at most 5).")
app.add_typer(version_app, name="version")

POLICY = typer.Argument(..., metavar="POLICY", help="Policy name or ARN.")
DOCUMENT = typer.Option(..., "--document", metavar="FILE|-", help="JSON policy document; - reads stdin.")
VERSION = typer.Argument(..., metavar="VERSION", help="Version ID such as v2.")


@app.command("create")
def create(
    name: str = typer.Argument(..., metavar="NAME", help="Policy name."),
    document: str = DOCUMENT,
    description: str = typer.Option(None, "--description", help="What it is for."),
    path: str = typer.Option("/", "--path", help="Path such as /division/."),
    tag: list[str] = typer.Option(None, "--tag", metavar="KEY=VALUE", help="A tag; repeat for several."),
) -> None:
    """Create a customer managed policy (6,144 characters, whitespace not counted).

    Example: iamctl policy create S3ReadBucket --document policy.json --description "read one bucket"
    """
    text = read_document(document)
    with write_account() as account:
        policy = policies.create_policy(account, name, text, path=path, description=description, tags=parse_tags(tag))
        shape = shapes.policy(account, policies.resolve(account, policy.arn(account.id)))
    emit({"Policy": shape})


@app.command("list")
@paginated("Policies")
def list_(
    scope: str = typer.Option(
        "All", "--scope", metavar="All|AWS|Local", help="All, AWS (managed by AWS) or Local (your own)."
    ),
    only_attached: bool = typer.Option(False, "--only-attached", help="Only policies attached to something."),
    path_prefix: str = typer.Option("/", "--path-prefix", help="Only those whose path starts with this."),
    name_contains: str = typer.Option(
        None, "--name-contains", metavar="TEXT", help="Only names containing TEXT (any case), as the console's search."
    ),
) -> None:
    """List managed policies (aws iam list-policies).

    Example: iamctl policy list --scope Local --output text

    Example: iamctl policy list --name-contains s3 --query 'Policies[].PolicyName'
    """
    from iamctl.core.suggest import check_choice

    check_choice("--scope", scope, ("All", "AWS", "Local"))
    _, account = read_account()
    refs = policies.list_refs(
        account, scope=scope, only_attached=only_attached, path_prefix=path_prefix, name_contains=name_contains
    )
    counts = policies.usage(account)
    emit({"Policies": [shapes.policy(account, r, listing=True, counts=counts) for r in refs]})


@app.command("get")
def get(policy: str = POLICY) -> None:
    """Show a policy and its default version's document.

    Example: iamctl policy get AmazonS3ReadOnlyAccess --query Document
    """
    _, account = read_account()
    ref = policies.resolve(account, policy)
    shape = shapes.policy(account, ref)
    _, document, created = policies.get_version(account, policy, shape["DefaultVersionId"])
    emit({"Policy": shape, "PolicyVersion": shapes.policy_version(document, shape["DefaultVersionId"], True, created)})


@app.command("delete")
def delete(
    policy: str = POLICY,
    force: bool = typer.Option(False, "--force", help="Detach it from everyone first."),
    yes: bool = YES,
) -> None:
    """Delete a customer managed policy; refused while attached unless --force.

    Example: iamctl policy delete S3ReadBucket --force
    """
    if force:
        confirm(f"Delete policy {policy}, detaching it from every user, group and role?", yes)
    with write_account() as account:
        removed = policies.delete_policy(account, policy, force=force)
    report_removed(removed)


@app.command("entities")
# aws-cli's paginator for list-entities-for-policy (botocore's paginators-1.json): three
# result keys, in this order, one NextToken.
@paginated(("PolicyGroups", "PolicyUsers", "PolicyRoles"))
def entities(
    policy: str = POLICY,
    entity_filter: str = typer.Option(
        None, "--entity-filter", metavar="User|Role|Group|LocalManagedPolicy|AWSManagedPolicy",
        help="Only User, Role or Group (LocalManagedPolicy and AWSManagedPolicy list nothing, as in AWS)."),
    policy_usage_filter: str = typer.Option(
        None, "--policy-usage-filter", metavar="PermissionsPolicy|PermissionsBoundary",
        help="PermissionsPolicy (attached) or PermissionsBoundary (set as boundary); default: both."),
    path_prefix: str = typer.Option("/", "--path-prefix", help="Only entities whose path starts with this."),
) -> None:
    """The users, groups and roles that use a managed policy (aws iam list-entities-for-policy):
    those it is attached to and, for users and roles, those it is the permissions boundary of.

    Example: iamctl policy entities AmazonEC2FullAccess --output text

    Example: iamctl policy entities Mine --policy-usage-filter PermissionsBoundary --entity-filter Role
    """
    _, account = read_account()
    found = policies.entities_for_policy(account, policy, entity_filter=entity_filter,
                                         usage_filter=policy_usage_filter, path_prefix=path_prefix)
    emit(shapes.policy_entities(found))


@app.command("validate")
def validate(
    source: str = typer.Argument(..., metavar="FILE|-", help="JSON policy document; - reads stdin."),
    kind: str = typer.Option("identity", "--type", metavar="TYPE",
                             help="identity, resource, trust, scp, boundary or session."),
) -> None:
    """Check a policy document the way IAM Access Analyzer's validate-policy does.

    Findings are ERROR, SECURITY_WARNING, WARNING or SUGGESTION, each with an issue code and
    the line and column it is about: what IAM would refuse (MalformedPolicyDocument), unknown
    services and actions (with the closest real action), unknown condition operators, values
    of the wrong type for their operator, variables in a 2008-10-17 policy or before an ARN's
    fifth colon, Allow with NotAction/NotResource/NotPrincipal,
    iam:PassRole on "*", empty arrays, repeated statements. --output json prints
    {"findings": [...]} as aws accessanalyzer validate-policy does. Exit 1 if any ERROR.

    Example: iamctl policy validate policy.json --output json
    """
    from iamctl.cli.env import current
    from iamctl.core.errors import UsageError
    from iamctl.core.policy import validate as checks
    from iamctl.core.policy.document import POLICY_KINDS

    if kind not in POLICY_KINDS:
        raise UsageError(f"--type must be one of {', '.join(POLICY_KINDS)}, not {kind!r}.")
    text = read_document(source)
    findings = checks.validate_policy(text, kind)
    env = current()
    if env.wants_aws_shape():
        emit(checks.findings_shape(text, findings))
    else:
        rows = []
        for f in checks.findings_shape(text, findings)["findings"]:
            start = f["locations"][0]["span"]["start"]
            rows.append({"Type": f["findingType"], "Code": f["issueCode"], "Line": start["line"],
                         "Column": start["column"], "Details": f["findingDetails"]})
        if rows:  # none: the summary line below says so, once
            emit({"Findings": rows})
    counts = {t: sum(f.type == t for f in findings) for t in checks.FINDING_TYPES}
    summary = ", ".join(f"{n} {t.lower().replace('_', ' ')}{'s' if n != 1 else ''}" for t, n in counts.items() if n)
    info(f"{len(findings)} findings: {summary}" if findings else "No findings.")
    if checks.has_errors(findings):
        raise typer.Exit(1)


@version_app.command("create")
def version_create(
    policy: str = POLICY, document: str = DOCUMENT, set_default: bool = typer.Option(
        False, "--set-default", help="Make the new version the one in force."
    )
) -> None:
    """Add a version (at most 5; delete one first when full).

    Example: iamctl policy version create S3ReadBucket --document v2.json --set-default
    """
    text = read_document(document)
    with write_account() as account:
        p, version_id = policies.create_version(account, policy, text, set_default=set_default)
        shape = shapes.policy_version(text, version_id, p.default_version == version_id, p.versions[version_id].created)
    shape.pop("Document")
    emit({"PolicyVersion": shape})


@version_app.command("list")
@paginated("Versions")
def version_list(policy: str = POLICY) -> None:
    """List a policy's versions (aws iam list-policy-versions).

    Example: iamctl policy version list S3ReadBucket --output text
    """
    _, account = read_account()
    ref = policies.resolve(account, policy)
    if ref.customer is None:
        assert ref.aws is not None
        versions = [
            {"VersionId": ref.aws.default_version_id, "IsDefaultVersion": True, "CreateDate": ref.aws.update_date}
        ]
    else:
        versions = [
            {"VersionId": vid, "IsDefaultVersion": vid == ref.customer.default_version, "CreateDate": v.created}
            for vid, v in sorted(ref.customer.versions.items(), key=lambda kv: -int(kv[0][1:]))
        ]
    emit({"Versions": versions})


@version_app.command("get")
def version_get(policy: str = POLICY, version_id: str = VERSION) -> None:
    """Show one version's document (aws iam get-policy-version).

    Example: iamctl policy version get S3ReadBucket v2 --query PolicyVersion.Document
    """
    _, account = read_account()
    ref, document, created = policies.get_version(account, policy, version_id)
    default = ref.customer.default_version if ref.customer else (ref.aws.default_version_id if ref.aws else "")
    emit({"PolicyVersion": shapes.policy_version(document, version_id, version_id == default, created)})


@version_app.command("delete")
def version_delete(policy: str = POLICY, version_id: str = VERSION) -> None:
    """Delete a version (never the default one).

    Example: iamctl policy version delete S3ReadBucket v1
    """
    with write_account() as account:
        policies.delete_version(account, policy, version_id)


@version_app.command("set-default")
def version_set_default(policy: str = POLICY, version_id: str = VERSION) -> None:
    """Make a version the one in force.

    Example: iamctl policy version set-default S3ReadBucket v1
    """
    with write_account() as account:
        policies.set_default_version(account, policy, version_id)


def register(parent: typer.Typer, name: str, help: str) -> None:
    parent.add_typer(app, name=name, help=help)
