"""iamctl account ..."""

from __future__ import annotations

import typer

from iamctl.cli.common import emit, info, read, write
from iamctl.cli.confirm import YES, confirm
from iamctl.core import shapes_account
from iamctl.core.service import accounts

app = typer.Typer(no_args_is_help=True)


@app.command("create")
def create(
    account_id: str = typer.Option(None, "--account-id", help="12-digit account ID (random when omitted)."),
    alias: str = typer.Option(None, "--alias", help="Account alias, used in the sign-in URL."),
    name: str = typer.Option(None, "--name", help="A name for the account."),
    email: str = typer.Option(None, "--email", help="The root user's email (unique; 'account root login --email')."),
) -> None:
    """Add an account to the store.

    Example: iamctl account create --account-id 210987654321 --alias dev --email dev@example.com
    """
    with write() as data:
        account = accounts.create(data, account_id=account_id, alias=alias, name=name, email=email)
        shape = shapes_account.account(account, default=data.default_account == account.id)
    emit({"Account": shape})


@app.command("list")
def list_() -> None:
    """List the store's accounts (the default one is marked).

    Example: iamctl account list --output text
    """
    data = read()
    default = data.default_account
    emit({"Accounts": [shapes_account.account(a, default=a.id == default) for a in data.accounts.values()]})


@app.command("get")
def get(selector: str = typer.Argument(None, metavar="[ID-OR-ALIAS]", help="Default: the current account.")) -> None:
    """Show one account (the current one when none is named).

    Example: iamctl account get dev --output json
    """
    from iamctl.cli.env import current

    data = read()
    account = accounts.resolve(data, selector or current().account_selector())
    emit({"Account": shapes_account.account(account, default=account.id == data.default_account)})


@app.command("delete")
def delete(
    selector: str = typer.Argument(..., metavar="ID-OR-ALIAS", help="Account ID or alias."),
    force: bool = typer.Option(False, "--force", help="Delete even when it still holds users, groups or policies."),
    yes: bool = YES,
) -> None:
    """Delete an account; refused while it holds entities unless --force.

    Example: iamctl account delete dev --force --yes
    """
    confirm(f"Delete account {selector}{' and everything in it' if force else ''}?", yes)
    with write() as data:
        account = accounts.delete(data, selector, force=force)
    info(f"Deleted account {account.id}.")


@app.command("use")
def use(selector: str = typer.Argument(..., metavar="ID-OR-ALIAS", help="Account ID or alias.")) -> None:
    """Make an account the store's default.

    Example: iamctl account use dev
    """
    with write() as data:
        account = accounts.use(data, selector)
    info(f"Default account is now {account.id}.")


@app.command("authorization-details")
def authorization_details(
    filter_: list[str] = typer.Option(
        None, "--filter", metavar="TYPE",
        help="User, Group, Role, LocalManagedPolicy or AWSManagedPolicy (repeatable; default: all).",
    ),
) -> None:
    """Every user, group, role and managed policy with its relationships
    (aws iam get-account-authorization-details): a snapshot to review or diff.

    AWS managed policies are listed when something in the account uses them.
    Example: iamctl account authorization-details --filter User --output json --query 'UserDetailList[].UserName'
    """
    from iamctl.cli.common import read_account
    from iamctl.core import shapes_authorization
    from iamctl.core.errors import UsageError

    unknown = [f for f in filter_ or [] if f not in shapes_authorization.FILTERS]
    if unknown:
        raise UsageError(f"--filter must be one of {', '.join(shapes_authorization.FILTERS)}, not {unknown[0]!r}.")
    _, account = read_account()
    emit(shapes_authorization.authorization_details(account, filter_))


def _add_subcommands() -> None:
    """Sub-commands kept in modules of their own. Done once, at import: this module is
    imported only when the account noun runs, and the app lives for the whole process."""
    from iamctl.cli import account_credentials, idp

    idp.register(app, "idp", "Identity providers (OIDC, SAML) that roles can trust.")
    account_credentials.register(app)  # password-policy, alias, root, reports ...


_add_subcommands()


def register(parent: typer.Typer, name: str, help: str) -> None:
    parent.add_typer(app, name=name, help=help)
