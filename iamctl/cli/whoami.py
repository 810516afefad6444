"""iamctl whoami (aws sts get-caller-identity for a key ID and its secret)"""

from __future__ import annotations

import importlib

import typer

from iamctl.cli import clock, secret_input
from iamctl.cli.common import emit, write
from iamctl.core.errors import IamError

# Which module answers for a key, by its ID's prefix: long-term keys of IAM users and the
# root user (AKIA) here; temporary session keys (ASIA) come with roles and STS. Each module
# provides caller_identity(data, key_id, secret, now) -> {"UserId", "Account", "Arn"}.
RESOLVERS: dict[str, str] = {
    "AKIA": "iamctl.core.service.access_keys",
}


def resolver_for(key_id: str):
    module = RESOLVERS.get(key_id[:4])
    if module is None:
        raise IamError("InvalidClientTokenId", "The security token included in the request is invalid.")
    return importlib.import_module(module)


def whoami(
    access_key_id: str = typer.Option(..., "--access-key-id", metavar="AKIA...", help="The access key ID."),
    secret_access_key: str = typer.Option(
        None, "--secret-access-key", metavar="SECRET", help="The secret (visible in ps and shell history)."
    ),
    secret_stdin: bool = typer.Option(False, "--secret-stdin", help="Read the secret from one line of stdin."),
) -> None:
    """Who a key belongs to, like aws sts get-caller-identity; records the key's last use.

    Without --secret-access-key or --secret-stdin, asks for the secret on a terminal.
    Example: iamctl whoami --access-key-id "$AWS_ACCESS_KEY_ID" --secret-stdin <<< "$AWS_SECRET_ACCESS_KEY"
    """
    if secret_access_key is not None and secret_stdin:
        raise typer.BadParameter("give the secret one way only.", param_hint="--secret-stdin")
    secret = secret_access_key
    if secret is None:
        secret = secret_input.read("secret access key", "--secret-stdin", use_stdin=secret_stdin)
    resolver = resolver_for(access_key_id)
    # A transaction, because a success notes the key's last use (at most every 15 minutes,
    # so most calls find nothing to write).
    with write() as data:
        identity = resolver.caller_identity(data, access_key_id, secret, clock.now())
    emit(identity)


def register(app: typer.Typer, name: str, help: str) -> None:
    app.command(name=name, help=help)(whoami)
