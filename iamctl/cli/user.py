"""iamctl user ..."""

from __future__ import annotations

import typer

from iamctl.cli.common import emit, parse_tags, read_account, report_removed, write_account
from iamctl.cli.confirm import YES, confirm
from iamctl.cli.paging import paginated
from iamctl.cli.policy_holder import Holder, add_policy_commands
from iamctl.core import shapes
from iamctl.core.service import quotas, users

app = typer.Typer(no_args_is_help=True)

NAME = typer.Argument(..., metavar="USER", help="User name.")
# The console's "Add users" takes up to 10 names at once.
MAX_CREATE = 10


@app.command("create")
def create(
    names: list[str] = typer.Argument(
        ..., metavar="NAME", help=f"User names: up to {MAX_CREATE}, created all or none, as in the console."
    ),
    path: str = typer.Option("/", "--path", help="Path such as /division/."),
    tag: list[str] = typer.Option(None, "--tag", metavar="KEY=VALUE", help="Repeat for several tags."),
) -> None:
    """Create one or more users (aws iam create-user), all with the same path and tags.

    One name prints CreateUser's shape ({"User": ...}); several print {"Users": [...]}.
    If any cannot be created (a name taken or invalid, the quota), none is.

    Example: iamctl user create alice --path /engineering/ --tag team=web

    Example: iamctl user create alice bob carol
    """
    from iamctl.core.errors import UsageError

    if len(names) > MAX_CREATE:
        raise UsageError(f"At most {MAX_CREATE} users at once (as in the console), not {len(names)}.")
    with write_account() as account:
        created = [users.create(account, name, path=path, tags=parse_tags(tag)) for name in names]
        shaped = [shapes.user(account, user, full=True) for user in created]
    emit({"User": shaped[0]} if len(shaped) == 1 else {"Users": shaped})


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
    """Show a user (aws iam get-user) with its groups, its attached and inline policies, the
    policies each group passes on, and the console's Security credentials: console password
    and last sign-in, access keys with status and last use, MFA device.

    Example: iamctl user get exampleuser1 --output json
    """
    from iamctl.core import shapes_user

    _, account = read_account()
    user = users.get(account, name)
    shape = shapes.user(account, user, full=True)
    if user.login_profile is not None and user.login_profile.password_last_used:
        shape["PasswordLastUsed"] = user.login_profile.password_last_used  # as GetUser has it
    emit(
        {
            "User": shape,
            "Groups": [shapes.group(account, account.groups[g]) for g in user.groups],
            "AttachedPolicies": shapes.attached_policies(user.attached),
            "PolicyNames": list(user.inline),
            "GroupPolicies": shapes_user.group_policies(account, user),
            "SecurityCredentials": shapes_user.security_credentials(user),
        }
    )


@app.command("update")
def update(
    name: str = NAME,
    new_name: str = typer.Option(None, "--new-name", help="The new name."),
    new_path: str = typer.Option(None, "--new-path", help="The new path, such as /division/."),
) -> None:
    """Rename a user or change its path; memberships and attachments follow.

    Example: iamctl user update exampleuser1 --new-path /engineering/
    """
    with write_account() as account:
        user = users.update(account, name, new_name=new_name, new_path=new_path)
        shape = shapes.user(account, user, full=True)
    emit({"User": shape})


@app.command("delete")
def delete(
    name: str = NAME,
    force: bool = typer.Option(False, "--force", help="First remove memberships, policies and credentials."),
    yes: bool = YES,
) -> None:
    """Delete a user; anything still attached to it is a DeleteConflict unless --force.

    Example: iamctl user delete exampleuser1 --force
    """
    if force:
        confirm(f"Delete user {name} with its memberships, policies and credentials?", yes)
    with write_account() as account:
        removed = users.delete(account, name, force=force)
    report_removed(removed)


@app.command("tag")
def tag(name: str = NAME, tags: list[str] = typer.Argument(..., metavar="KEY=VALUE...", help="Tags to set.")) -> None:
    """Add or replace tags on a user.

    Example: iamctl user tag exampleuser1 team=web cost-center=1234
    """
    from iamctl.core.service.tags import apply_tags

    with write_account() as account:
        apply_tags(users.get(account, name).tags, parse_tags(tags))


@app.command("untag")
def untag(name: str = NAME, keys: list[str] = typer.Argument(..., metavar="KEY...", help="Tag keys to drop.")) -> None:
    """Remove tags from a user (keys that are not there are ignored, as in AWS).

    Example: iamctl user untag exampleuser1 cost-center
    """
    from iamctl.core.service.tags import remove_tags

    with write_account() as account:
        remove_tags(users.get(account, name).tags, keys)


@app.command("groups")
@paginated("Groups")
def groups(name: str = NAME) -> None:
    """The groups a user is in (aws iam list-groups-for-user).

    Example: iamctl user groups exampleuser1 --output text
    """
    _, account = read_account()
    emit({"Groups": [shapes.group(account, account.groups[g]) for g in users.groups_of(account, name)]})


add_policy_commands(
    app,
    Holder("user", users.get, quotas.USER_INLINE_SIZE, "AmazonS3ReadOnlyAccess", boundary=True, example_name="alice"),
)


CREDENTIAL_VERBS = {"password", "login", "mfa"}


def register(parent: typer.Typer, name: str, help: str) -> None:
    from iamctl.cli.env import current

    # user password|login|mfa live in their own module, with crypto imports the other
    # user commands do not need; add them only when they may be run (or listed).
    if current().runs_verb(name, CREDENTIAL_VERBS):
        from iamctl.cli import user_credentials

        user_credentials.register(app)
    parent.add_typer(app, name=name, help=help)
