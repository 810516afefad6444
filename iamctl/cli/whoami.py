"""iamctl whoami (aws sts get-caller-identity)"""

from __future__ import annotations

import typer

from iamctl.cli.clock import AT_HELP, now
from iamctl.cli.common import emit, read


def whoami(
    access_key_id: str = typer.Option(..., "--access-key-id", metavar="KEY_ID", help="ASIA... or AKIA..."),
    session_token: str = typer.Option(None, "--session-token", metavar="TOKEN", help="Required for ASIA keys."),
    secret_access_key: str = typer.Option(None, "--secret-access-key", metavar="SECRET",
                                          help="Also check the secret, when given."),
    at: str = typer.Option(None, "--at", metavar="TIME", help=AT_HELP),
) -> None:
    """Who a set of credentials belongs to (GetCallerIdentity's UserId, Account, Arn).

    A session's credentials work until they expire (ExpiredToken after that).

    Example: iamctl whoami --access-key-id "$AWS_ACCESS_KEY_ID" --session-token "$AWS_SESSION_TOKEN"
    """
    from iamctl.core import sts

    identity = sts.get_caller_identity(read(), access_key_id, now(at), session_token=session_token,
                                       secret=secret_access_key)
    emit({"UserId": identity.user_id, "Account": identity.account, "Arn": identity.arn})


def register(app: typer.Typer, name: str, help: str) -> None:
    app.command(name=name, help=help)(whoami)
