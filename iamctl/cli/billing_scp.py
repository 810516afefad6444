"""iamctl billing scp|ou|move ... — service control policies and the organization's tree.

Part of the billing noun (see billing.py); every command here is the payer's, as in AWS
Organizations.
"""

from __future__ import annotations

import typer

from iamctl.cli.common import emit, info, read_account, read_document, write_store_account

scp_app = typer.Typer(
    no_args_is_help=True, help="Service control policies: create, list, get, update, delete, attach, detach, targets."
)
ou_app = typer.Typer(no_args_is_help=True, help="Organizational units: create, list, get, rename, delete.")

SCP = typer.Argument(..., metavar="SCP", help="Policy name or p-... ID.")
TARGET = typer.Option(..., "--target", metavar="ROOT_OR_OU_OR_ACCOUNT", help="r-..., ou-... or a 12-digit account ID.")


@scp_app.command("create")
def scp_create(
    name: str = typer.Argument(..., metavar="NAME", help="SCP name."),
    document: str = typer.Option(..., "--document", metavar="FILE|-", help="JSON policy; - reads stdin."),
    description: str = typer.Option("", "--description", help="What the policy is for."),
) -> None:
    """Create an SCP (at most 5,120 characters). It restricts nothing until attached.

    Example: iamctl billing scp create DenyS3 --document deny-s3.json
    """
    from iamctl.core.billing import shapes
    from iamctl.core.service import billing as svc

    text = read_document(document)
    with write_store_account() as (data, account):
        scp = svc.create_scp(data, account, name, text, description)
        shape = shapes.policy(scp)
    emit({"Policy": shape})


@scp_app.command("list")
def scp_list(
    target: str = typer.Option(None, "--target", metavar="ID", help="Only SCPs attached directly to this target."),
) -> None:
    """The organization's SCPs (FullAWSAccess included), or those attached to --target.

    Example: iamctl billing scp list --target 222222222222 --output text
    """
    from iamctl.core.billing import scp, shapes
    from iamctl.core.service import billing as svc

    data, account = read_account()
    org = svc.managed_org(data, account)
    found = scp.policies_for_target(org, target) if target else list(org.scps.values())
    emit({"Policies": [shapes.policy_summary(s) for s in found]})


@scp_app.command("get")
def scp_get(name: str = SCP) -> None:
    """An SCP's summary and document (aws organizations describe-policy).

    Example: iamctl billing scp get DenyS3 --query Policy.Content
    """
    from iamctl.core.billing import scp, shapes
    from iamctl.core.service import billing as svc

    data, account = read_account()
    emit({"Policy": shapes.policy(scp.get_policy(svc.managed_org(data, account), name))})


@scp_app.command("targets")
def scp_targets(name: str = SCP) -> None:
    """Where an SCP is attached (aws organizations list-targets-for-policy).

    Example: iamctl billing scp targets DenyS3
    """
    from iamctl.core.billing import scp, shapes
    from iamctl.core.service import billing as svc

    data, account = read_account()
    org = svc.managed_org(data, account)
    policy = scp.get_policy(org, name)
    emit({"Targets": [shapes.policy_target(org, t) for t in policy.targets]})


@scp_app.command("update")
def scp_update(
    name: str = SCP,
    new_name: str = typer.Option(None, "--name", help="A new name."),
    document: str = typer.Option(None, "--document", metavar="FILE|-", help="A new JSON document."),
    description: str = typer.Option(None, "--description", help="What it is for."),
) -> None:
    """Change an SCP's name, document or description (not AWS managed ones).

    Example: iamctl billing scp update DenyS3 --document deny-s3-v2.json
    """
    from iamctl.core.billing import scp, shapes
    from iamctl.core.service import billing as svc

    text = read_document(document) if document is not None else None
    with write_store_account() as (data, account):
        policy = scp.update_policy(
            svc.managed_org(data, account), name, new_name=new_name, document=text, description=description
        )
        shape = shapes.policy(policy)
    emit({"Policy": shape})


@scp_app.command("delete")
def scp_delete(name: str = SCP) -> None:
    """Delete an SCP; it must be detached everywhere first (PolicyInUseException).

    Example: iamctl billing scp delete DenyS3
    """
    from iamctl.core.billing import scp
    from iamctl.core.service import billing as svc

    with write_store_account() as (data, account):
        scp.delete_policy(svc.managed_org(data, account), name)
    info(f"Deleted SCP {name}.")


@scp_app.command("attach")
def scp_attach(name: str = SCP, target: str = TARGET) -> None:
    """Attach an SCP to the root, an OU or a member account (at most 5 per target).

    Example: iamctl billing scp attach DenyS3 --target ou-ab12-cdefghij
    """
    from iamctl.core.billing import scp
    from iamctl.core.service import billing as svc

    with write_store_account() as (data, account):
        policy = scp.attach_policy(svc.managed_org(data, account), name, target)
    info(f"Attached SCP {policy.name} to {target}.")


@scp_app.command("detach")
def scp_detach(name: str = SCP, target: str = TARGET) -> None:
    """Detach an SCP; every target keeps at least one.

    Example: iamctl billing scp detach DenyS3 --target ou-ab12-cdefghij
    """
    from iamctl.core.billing import scp
    from iamctl.core.service import billing as svc

    with write_store_account() as (data, account):
        policy = scp.detach_policy(svc.managed_org(data, account), name, target)
    info(f"Detached SCP {policy.name} from {target}.")


@ou_app.command("create")
def ou_create(
    name: str = typer.Argument(..., metavar="NAME", help="The OU's name."),
    parent: str = typer.Option(None, "--parent", metavar="ID", help="r-... or ou-... (default: the root)."),
) -> None:
    """Create an organizational unit (FullAWSAccess is attached to it, as in AWS).

    Example: iamctl billing ou create Sandbox
    """
    from iamctl.core.billing import shapes, tree
    from iamctl.core.service import billing as svc

    with write_store_account() as (data, account):
        org = svc.managed_org(data, account)
        ou = tree.create_ou(org, name, parent or org.root_id)
        shape = shapes.organizational_unit(ou)
    emit({"OrganizationalUnit": shape})


@ou_app.command("list")
def ou_list(
    parent: str = typer.Option(None, "--parent", metavar="ID", help="Only OUs directly under this root or OU."),
) -> None:
    """OUs under --parent (aws organizations list-organizational-units-for-parent), or
    every OU of the organization with its ParentId.

    Example: iamctl billing ou list --output text
    """
    from iamctl.core.billing import shapes, tree
    from iamctl.core.service import billing as svc

    data, account = read_account()
    org = svc.managed_org(data, account)
    if parent is not None:
        ous, _ = tree.list_children(org, parent)
        emit({"OrganizationalUnits": [shapes.organizational_unit(o) for o in ous]})
        return
    every = [{**shapes.organizational_unit(o), "ParentId": o.parent_id} for o in org.ous.values()]
    emit({"OrganizationalUnits": every})


@ou_app.command("get")
def ou_get(ou_id: str = typer.Argument(..., metavar="OU_ID", help="The OU's ID (ou-...).")) -> None:
    """Show an OU (aws organizations describe-organizational-unit).

    Example: iamctl billing ou get ou-ab12-cdefghij
    """
    from iamctl.core.billing import shapes, tree
    from iamctl.core.service import billing as svc

    data, account = read_account()
    ou = tree.get_ou(svc.managed_org(data, account), ou_id)
    emit({"OrganizationalUnit": shapes.organizational_unit(ou)})


@ou_app.command("rename")
def ou_rename(
    ou_id: str = typer.Argument(..., metavar="OU_ID", help="The OU's ID (ou-...)."),
    name: str = typer.Argument(..., metavar="NEW_NAME", help="The OU's new name."),
) -> None:
    """Rename an OU (aws organizations update-organizational-unit --name).

    Example: iamctl billing ou rename ou-ab12-cdefghij Production
    """
    from iamctl.core.billing import shapes, tree
    from iamctl.core.service import billing as svc

    with write_store_account() as (data, account):
        ou = tree.rename_ou(svc.managed_org(data, account), ou_id, name)
        shape = shapes.organizational_unit(ou)
    emit({"OrganizationalUnit": shape})


@ou_app.command("delete")
def ou_delete(ou_id: str = typer.Argument(..., metavar="OU_ID", help="The OU's ID (ou-...).")) -> None:
    """Delete an empty OU (no accounts, no child OUs); its SCP attachments go with it.

    Example: iamctl billing ou delete ou-ab12-cdefghij
    """
    from iamctl.core.billing import tree
    from iamctl.core.service import billing as svc

    with write_store_account() as (data, account):
        tree.delete_ou(svc.managed_org(data, account), ou_id)
    info(f"Deleted OU {ou_id}.")


def move(
    account_id: str = typer.Argument(..., metavar="ACCOUNT_ID", help="The member account's 12-digit ID."),
    to: str = typer.Option(..., "--to", metavar="OU_ID", help="Destination: an ou-... or the root r-...."),
    source: str = typer.Option(None, "--from", metavar="ID", help="Where it is now (checked when given)."),
) -> None:
    """Move a member account to an OU (or back to the root); SCPs of its new path apply.

    Example: iamctl billing move 222222222222 --to ou-ab12-cdefghij
    """
    from iamctl.core.service import billing as svc

    with write_store_account() as (data, account):
        svc.move(data, account, account_id, to, source)
    info(f"Moved account {account_id} to {to}.")


def add_to(app: typer.Typer) -> None:
    app.add_typer(scp_app, name="scp")
    app.add_typer(ou_app, name="ou")
    app.command("move")(move)
