"""iamctl init"""

from __future__ import annotations

import typer

from iamctl.cli.common import create_store, emit, info, store
from iamctl.core import shapes_account


def init(
    account_id: str = typer.Option(None, "--account-id", help="12-digit account ID (random when omitted)."),
    alias: str = typer.Option(None, "--alias", help="Account alias, used in the sign-in URL."),
    name: str = typer.Option(None, "--name", help="A name for the account."),
    email: str = typer.Option(None, "--email", help="The root user's email (sign-in with 'account root login')."),
) -> None:
    """Create the store with its first account; never overwrites an existing store.

    Example: iamctl init --account-id 123456789012 --alias example-corp
    """
    from iamctl.core.errors import StoreError
    from iamctl.core.service import accounts

    data = accounts.new_store(account_id=account_id, alias=alias, name=name, email=email)
    target = store()
    try:
        create_store(data)
    except StoreError as exc:
        if exc.code == "StoreExists":
            raise StoreError(
                f"A store already exists at {target.path}; not overwriting it. To start another, name a new file "
                "with --store PATH or IAMCTL_STORE; to add an account to this one, use 'iamctl account create'.",
                exc.code,
            ) from None
        raise
    account = data.accounts[data.default_account or ""]
    info(f"Created {target.path} with account {account.id}.")
    emit({"Account": shapes_account.account(account, default=True)})


def register(app: typer.Typer, name: str, help: str) -> None:
    app.command(name=name)(init)  # the docstring is the help: it has the example
