"""iamctl billing scp|rcp|ou|move ... — service and resource control policies (one factory,
policy_app, makes both command sets) and the organization's tree.

Part of the billing noun (see billing.py); every command here is the payer's, as in AWS
Organizations.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import typer

from iamctl.cli import paging
from iamctl.cli.common import emit, info, read_account, read_document, write_store_account
from iamctl.cli.paging import paginated

ou_app = typer.Typer(no_args_is_help=True, help="Organizational units: create, list, get, rename, delete.")

TARGET_HELP = "r-..., ou-... or a 12-digit account ID."


@dataclass(frozen=True)
class _Kind:
    """What differs between `billing scp` and `billing rcp`: the policy type, its words, and
    the check each command makes first (RCPs must be available; attaching needs them enabled)."""

    name: str  # "scp" | "rcp"
    label: str  # "SCP" | "RCP"
    policy_kind: Callable[[], Any]  # -> core.billing.scp.PolicyKind (imported when used)
    ready: Callable[[Any, str], None]  # (organization, command) -> raises when not usable
    create_help: str
    attach_help: str
    examples: dict[str, str]


def _no_check(org: Any, command: str) -> None:
    return None


def _managed(kind: _Kind, command: str) -> tuple[Any, Any, Any]:
    """(store data, organization, policy kind) for a read; refused for non-payers."""
    from iamctl.core.service import billing as svc

    data, account = read_account()
    org = svc.managed_org(data, account)
    kind.ready(org, command)
    return data, org, kind.policy_kind()


@contextlib.contextmanager
def _writing(kind: _Kind, command: str) -> Iterator[tuple[Any, Any]]:
    """(organization, policy kind) inside a store transaction."""
    from iamctl.core.service import billing as svc

    with write_store_account() as (data, account):
        org = svc.managed_org(data, account)
        kind.ready(org, command)
        yield org, kind.policy_kind()


def _doc(text: str, kind: _Kind, command: str) -> str:
    example = kind.examples.get(command)
    return text + (f"\n\nExample: {example}" if example else "")


def policy_app(kind: _Kind) -> typer.Typer:
    """The create/list/get/update/delete/attach/detach/targets commands for one policy type."""
    app = typer.Typer(
        no_args_is_help=True,
        help=f"{kind.label}s: create, list, get, update, delete, attach, detach, targets"
        + (", enable, disable." if kind.name == "rcp" else "."),
    )
    name_arg = typer.Argument(..., metavar=kind.label, help="Policy name or p-... ID.")
    target_opt = typer.Option(..., "--target", metavar="ROOT_OR_OU_OR_ACCOUNT", help=TARGET_HELP)

    def create(
        name: str = typer.Argument(..., metavar="NAME", help=f"Name of the new {kind.label}."),
        document: str = typer.Option(..., "--document", metavar="FILE|-", help="JSON policy; - reads stdin."),
        description: str = typer.Option("", "--description", help="What the policy is for."),
    ) -> None:
        from iamctl.core.billing import scp, shapes

        text = read_document(document)
        with _writing(kind, "create") as (org, pk):
            shape = shapes.policy(scp.create_policy(org, name, text, description, kind=pk), pk.type_name)
        emit({"Policy": shape})

    @paginated("Policies", **paging.ORGANIZATIONS)
    def list_(
        target: str = typer.Option(None, "--target", metavar="ID",
                                   help=f"Only {kind.label}s attached directly to this target."),
    ) -> None:
        from iamctl.core.billing import scp, shapes

        _, org, pk = _managed(kind, "list")
        found = scp.policies_for_target(org, target, pk) if target else list(pk.policies(org).values())
        emit({"Policies": [shapes.policy_summary(s, pk.type_name) for s in found]})

    def get(name: str = name_arg) -> None:
        from iamctl.core.billing import scp, shapes

        _, org, pk = _managed(kind, "get")
        emit({"Policy": shapes.policy(scp.get_policy(org, name, pk), pk.type_name)})

    @paginated("Targets", **paging.ORGANIZATIONS)
    def targets(name: str = name_arg) -> None:
        from iamctl.core.billing import scp, shapes

        _, org, pk = _managed(kind, "targets")
        policy = scp.get_policy(org, name, pk)
        emit({"Targets": [shapes.policy_target(org, t) for t in policy.targets]})

    def update(
        name: str = name_arg,
        new_name: str = typer.Option(None, "--name", help="A new name."),
        document: str = typer.Option(None, "--document", metavar="FILE|-", help="A new JSON document."),
        description: str = typer.Option(None, "--description", help="A new description."),
    ) -> None:
        from iamctl.core.billing import scp, shapes

        text = read_document(document) if document is not None else None
        with _writing(kind, "update") as (org, pk):
            policy = scp.update_policy(org, name, new_name=new_name, document=text, description=description,
                                       kind=pk)
            shape = shapes.policy(policy, pk.type_name)
        emit({"Policy": shape})

    def delete(name: str = name_arg) -> None:
        from iamctl.core.billing import scp

        with _writing(kind, "delete") as (org, pk):
            scp.delete_policy(org, name, pk)
        info(f"Deleted {kind.label} {name}.")

    def attach(name: str = name_arg, target: str = target_opt) -> None:
        from iamctl.core.billing import scp

        with _writing(kind, "attach") as (org, pk):
            policy = scp.attach_policy(org, name, target, pk)
        info(f"Attached {kind.label} {policy.name} to {target}.")

    def detach(name: str = name_arg, target: str = target_opt) -> None:
        from iamctl.core.billing import scp

        with _writing(kind, "detach") as (org, pk):
            policy = scp.detach_policy(org, name, target, pk)
        info(f"Detached {kind.label} {policy.name} from {target}.")

    label = kind.label
    helps = {
        "create": (create, kind.create_help),
        "list": (list_, f"The organization's {label}s (the AWS managed one included), or those attached to --target."),
        "get": (get, f"An {label}'s summary and document (aws organizations describe-policy)."),
        "update": (update, f"Change an {label}'s name, document or description (not AWS managed ones)."),
        "delete": (delete, f"Delete an {label}; it must be detached everywhere first (PolicyInUseException)."),
        "attach": (attach, kind.attach_help),
        "detach": (detach, "Detach an SCP; every target keeps at least one." if kind.name == "scp" else
                   "Detach an RCP (RCPFullAWSAccess stays attached everywhere)."),
        "targets": (targets, f"Where an {label} is attached (aws organizations list-targets-for-policy)."),
    }
    for command, (func, text) in helps.items():
        app.command(command, help=_doc(text, kind, command))(func)
    return app


def _rcp_ready(org: Any, command: str) -> None:
    from iamctl.core.billing import rcp

    if command in ("attach",):
        rcp.require_enabled(org)
    else:
        rcp.require_available(org)


def _scp_kind() -> Any:
    from iamctl.core.billing import scp

    return scp.SCP


def _rcp_kind() -> Any:
    from iamctl.core.billing import rcp

    return rcp.RCP


SCP_KIND = _Kind(
    "scp", "SCP", _scp_kind, _no_check,
    "Create an SCP (at most 5,120 characters). It restricts nothing until attached.",
    "Attach an SCP to the root, an OU or a member account (at most 5 per target).",
    {"create": "iamctl billing scp create DenyS3 --document deny-s3.json",
     "list": "iamctl billing scp list --target 222222222222 --output text",
     "get": "iamctl billing scp get DenyS3 --query Policy.Content",
     "update": "iamctl billing scp update DenyS3 --document deny-s3-v2.json",
     "delete": "iamctl billing scp delete DenyS3",
     "attach": "iamctl billing scp attach DenyS3 --target ou-ab12-cdefghij",
     "detach": "iamctl billing scp detach DenyS3 --target ou-ab12-cdefghij",
     "targets": "iamctl billing scp targets DenyS3"},
)
RCP_KIND = _Kind(
    "rcp", "RCP", _rcp_kind, _rcp_ready,
    "Create a resource control policy (at most 5,120 characters; Deny statements with \"Principal\": \"*\" "
    "only). It restricts nothing until attached.",
    "Attach an RCP to the root, an OU or a member account (at most 5 per target, RCPFullAWSAccess included; "
    "RCPs must be enabled).",
    {"create": "iamctl billing rcp create DenyExternalS3 --document rcp.json",
     "list": "iamctl billing rcp list --target r-ab12",
     "get": "iamctl billing rcp get DenyExternalS3",
     "update": "iamctl billing rcp update DenyExternalS3 --document rcp.json",
     "delete": "iamctl billing rcp delete DenyExternalS3",
     "attach": "iamctl billing rcp attach DenyExternalS3 --target ou-ab12-cdefghij",
     "detach": "iamctl billing rcp detach DenyExternalS3 --target ou-ab12-cdefghij",
     "targets": "iamctl billing rcp targets DenyExternalS3"},
)

scp_app = policy_app(SCP_KIND)
rcp_app = policy_app(RCP_KIND)


@rcp_app.command("enable")
def rcp_enable() -> None:
    """Enable resource control policies (EnablePolicyType); needs all features.

    RCPFullAWSAccess is attached to the root, every OU and every account, and cannot be
    detached; other RCPs may then be attached to narrow it.

    Example: iamctl billing rcp enable
    """
    from iamctl.core.billing import rcp

    with write_store_account() as (data, account):
        from iamctl.core.service import billing as svc

        rcp.enable(svc.managed_org(data, account))
    info("Enabled resource control policies; RCPFullAWSAccess is attached to the root, every OU and every account.")


@rcp_app.command("disable")
def rcp_disable() -> None:
    """Disable resource control policies (DisablePolicyType); every RCP is detached everywhere.

    Example: iamctl billing rcp disable
    """
    from iamctl.core.billing import rcp

    with write_store_account() as (data, account):
        from iamctl.core.service import billing as svc

        rcp.disable(svc.managed_org(data, account))
    info("Disabled resource control policies; every RCP is detached.")


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
@paginated("OrganizationalUnits", **paging.ORGANIZATIONS)
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
    app.add_typer(rcp_app, name="rcp", help="Resource control policies: enable, disable, create, list, get, "
                                            "update, delete, attach, detach, targets.")
    app.add_typer(ou_app, name="ou")
    app.command("move")(move)
