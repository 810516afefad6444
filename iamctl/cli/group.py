"""iamctl group ..."""

from __future__ import annotations

import typer

from iamctl.cli.common import emit, read_account, report_removed, write_account
from iamctl.cli.confirm import YES, confirm
from iamctl.cli.paging import paginated
from iamctl.cli.policy_holder import Holder, add_policy_commands
from iamctl.core import shapes
from iamctl.core.service import groups, quotas

app = typer.Typer(no_args_is_help=True)

NAME = typer.Argument(..., metavar="GROUP", help="Group name.")


@app.command("create")
def create(
    name: str = typer.Argument(..., metavar="NAME", help="Group name."),
    path: str = typer.Option("/", "--path", help="Path such as /division/."),
) -> None:
    """Create a group.

    Example: iamctl group create EC2Admin && iamctl group attach-policy EC2Admin AmazonEC2FullAccess
    """
    with write_account() as account:
        shape = shapes.group(account, groups.create(account, name, path=path))
    emit({"Group": shape})


@app.command("list")
@paginated("Groups")
def list_(
    path_prefix: str = typer.Option("/", "--path-prefix", help="Only groups whose path starts with this."),
) -> None:
    """List groups (aws iam list-groups).

    Example: iamctl group list --path-prefix /engineering/
    """
    _, account = read_account()
    emit({"Groups": [shapes.group(account, g) for g in groups.list_groups(account, path_prefix)]})


@app.command("get")
def get(name: str = NAME) -> None:
    """Show a group, its members and policies (aws iam get-group, plus policies).

    Example: iamctl group get EC2Admin --query 'Users[].UserName'
    """
    _, account = read_account()
    group = groups.get(account, name)
    emit(
        {
            "Group": shapes.group(account, group),
            "Users": [shapes.user(account, u) for u in groups.members(account, group)],
            "AttachedPolicies": shapes.attached_policies(group.attached),
            "PolicyNames": list(group.inline),
        }
    )


@app.command("update")
def update(
    name: str = NAME,
    new_name: str = typer.Option(None, "--new-name", help="The new name."),
    new_path: str = typer.Option(None, "--new-path", help="The new path, such as /division/."),
) -> None:
    """Rename a group or change its path; members keep their membership.

    Example: iamctl group update EC2Admin --new-name EC2Operators
    """
    with write_account() as account:
        shape = shapes.group(account, groups.update(account, name, new_name=new_name, new_path=new_path))
    emit({"Group": shape})


@app.command("delete")
def delete(
    name: str = NAME,
    force: bool = typer.Option(False, "--force", help="First remove members and policies."),
    yes: bool = YES,
) -> None:
    """Delete a group; members or policies are a DeleteConflict unless --force.

    Example: iamctl group delete EC2Admin --force
    """
    if force:
        confirm(f"Delete group {name} with its memberships and policies?", yes)
    with write_account() as account:
        removed = groups.delete(account, name, force=force)
    report_removed(removed)


@app.command("add-user")
def add_user(name: str = NAME, user: str = typer.Argument(..., metavar="USER", help="User name.")) -> None:
    """Add a user to the group (a user can be in up to 10 groups).

    Example: iamctl group add-user EC2Admin exampleuser1
    """
    with write_account() as account:
        groups.add_user(account, name, user)


@app.command("remove-user")
def remove_user(name: str = NAME, user: str = typer.Argument(..., metavar="USER", help="User name.")) -> None:
    """Remove a user from the group.

    Example: iamctl group remove-user EC2Admin exampleuser1
    """
    with write_account() as account:
        groups.remove_user(account, name, user)


add_policy_commands(
    app,
    Holder(
        "group", groups.get, quotas.GROUP_INLINE_SIZE, "AmazonEC2FullAccess", boundary=False, example_name="EC2Admin"
    ),
)


def register(parent: typer.Typer, name: str, help: str) -> None:
    parent.add_typer(app, name=name, help=help)
