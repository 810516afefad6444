"""iamctl user ..."""

from __future__ import annotations

import typer

from iamctl.cli.common import emit, parse_tags, read_account, report_removed, write_account
from iamctl.cli.paging import paginated
from iamctl.cli.policy_holder import Holder, add_policy_commands
from iamctl.core import shapes
from iamctl.core.service import quotas, users

app = typer.Typer(no_args_is_help=True)

NAME = typer.Argument(..., metavar="USER", help="User name.")


@app.command("create")
def create(
    name: str = typer.Argument(..., metavar="NAME"),
    path: str = typer.Option("/", "--path", help="Path such as /division/."),
    tag: list[str] = typer.Option(None, "--tag", metavar="KEY=VALUE", help="Repeat for several tags."),
) -> None:
    """Create a user.

    Example: iamctl user create alice --path /engineering/ --tag team=web
    """
    with write_account() as account:
        user = users.create(account, name, path=path, tags=parse_tags(tag))
        shape = shapes.user(account, user, full=True)
    emit({"User": shape})


@app.command("list")
@paginated("Users")
def list_(
    path_prefix: str = typer.Option("/", "--path-prefix", help="Only users whose path starts with this."),
) -> None:
    """List users (aws iam list-users).

    Example: iamctl user list --output json --query 'Users[].Arn'
    """
    _, account = read_account()
    emit({"Users": [shapes.user(account, u) for u in users.list_users(account, path_prefix)]})


@app.command("get")
def get(name: str = NAME) -> None:
    """Show a user: ARN, ID, path, created, tags, groups, attached and inline policies."""
    _, account = read_account()
    user = users.get(account, name)
    emit(
        {
            "User": shapes.user(account, user, full=True),
            "Groups": [shapes.group(account, account.groups[g]) for g in user.groups],
            "AttachedPolicies": shapes.attached_policies(user.attached),
            "PolicyNames": list(user.inline),
        }
    )


@app.command("update")
def update(
    name: str = NAME,
    new_name: str = typer.Option(None, "--new-name"),
    new_path: str = typer.Option(None, "--new-path"),
) -> None:
    """Rename a user or change its path; memberships and attachments follow."""
    with write_account() as account:
        user = users.update(account, name, new_name=new_name, new_path=new_path)
        shape = shapes.user(account, user, full=True)
    emit({"User": shape})


@app.command("delete")
def delete(
    name: str = NAME,
    force: bool = typer.Option(False, "--force", help="First remove memberships, policies and credentials."),
) -> None:
    """Delete a user; anything still attached to it is a DeleteConflict unless --force."""
    with write_account() as account:
        removed = users.delete(account, name, force=force)
    report_removed(removed)


@app.command("tag")
def tag(name: str = NAME, tags: list[str] = typer.Argument(..., metavar="KEY=VALUE...")) -> None:
    """Add or replace tags on a user."""
    from iamctl.core.service.tags import apply_tags

    with write_account() as account:
        apply_tags(users.get(account, name).tags, parse_tags(tags))


@app.command("untag")
def untag(name: str = NAME, keys: list[str] = typer.Argument(..., metavar="KEY...")) -> None:
    """Remove tags from a user (keys that are not there are ignored, as in AWS)."""
    from iamctl.core.service.tags import remove_tags

    with write_account() as account:
        remove_tags(users.get(account, name).tags, keys)


@app.command("groups")
@paginated("Groups")
def groups(name: str = NAME) -> None:
    """The groups a user is in (aws iam list-groups-for-user)."""
    _, account = read_account()
    emit({"Groups": [shapes.group(account, account.groups[g]) for g in users.groups_of(account, name)]})


add_policy_commands(app, Holder("user", users.get, quotas.USER_INLINE_SIZE, "AmazonS3ReadOnlyAccess", boundary=True))


CREDENTIAL_VERBS = {"password", "login", "mfa"}


def register(parent: typer.Typer, name: str, help: str) -> None:
    from iamctl.cli.env import current

    # user password|login|mfa live in their own module, with crypto imports the other
    # user commands do not need; add them only when they may be run (or listed).
    if current().runs_verb(name, CREDENTIAL_VERBS):
        from iamctl.cli import user_credentials

        user_credentials.register(app)
    parent.add_typer(app, name=name, help=help)
