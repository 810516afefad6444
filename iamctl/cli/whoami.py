"""iamctl whoami (aws sts get-caller-identity)"""

from __future__ import annotations

import typer

from iamctl.cli import aws_credentials, clock, secret_input
from iamctl.cli.common import emit, peek, read, write


def whoami(
    access_key_id: str = typer.Option(
        None, "--access-key-id", metavar="KEY_ID",
        help="An IAM user's or the root user's key (AKIA...) or a session's (ASIA...). Default: the credentials "
             "in the environment or the shared credentials file, as aws-cli finds them."),
    secret_access_key: str = typer.Option(
        None, "--secret-access-key", metavar="SECRET", help="The secret (visible in ps and shell history)."
    ),
    secret_stdin: bool = typer.Option(False, "--secret-stdin", help="Read the secret from one line of stdin."),
    session_token: str = typer.Option(None, "--session-token", metavar="TOKEN", envvar="AWS_SESSION_TOKEN",
                                      show_envvar=True, help="An ASIA key's session token."),
    profile: str = aws_credentials.PROFILE,
    at: str = clock.AT,
) -> None:
    """Who a set of credentials belongs to, like aws sts get-caller-identity (UserId, Account, Arn).

    With no --access-key-id it asks for the credentials aws-cli would use: --profile, else
    AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN (what `role assume
    --output env` exports), else the AWS_PROFILE (or default) profile of
    ~/.aws/credentials (AWS_SHARED_CREDENTIALS_FILE). A long-term key (AKIA...) needs its
    secret (asked for on a terminal when neither --secret-access-key nor --secret-stdin is
    given) and records the key's last use. A role session's key (ASIA...) needs its session
    token and works until the session expires (ExpiredToken after that).

    Example: eval "$(iamctl key create alice --format env)" && iamctl whoami
    """
    if secret_access_key is not None and secret_stdin:
        raise typer.BadParameter("give the secret one way only.", param_hint="--secret-stdin")
    if access_key_id is None:
        if secret_access_key is not None or secret_stdin:
            raise typer.BadParameter("a secret needs its --access-key-id.", param_hint="--access-key-id")
        emit(aws_credentials.verify(aws_credentials.find(profile), clock.now(at)))
        return
    if profile:
        raise typer.BadParameter("give the credentials one way: --profile or --access-key-id.",
                                 param_hint="--profile")
    if access_key_id.startswith("ASIA"):
        from iamctl.core import sts

        identity = sts.get_caller_identity(read(), access_key_id, clock.now(at), session_token=session_token,
                                           secret=secret_access_key)
        emit({"UserId": identity.user_id, "Account": identity.account, "Arn": identity.arn})
        return
    from iamctl.core.service import access_keys

    secret = secret_access_key
    if secret is None:
        secret = secret_input.read("secret access key", "--secret-stdin", use_stdin=secret_stdin)
    # A transaction, because a success notes the key's last use (at most every 15 minutes,
    # so most calls find nothing to write).
    seen = peek()  # the secret's scrypt check, made before the lock and remembered
    if seen is not None:
        access_keys.precheck(seen, access_key_id, secret)
    with write() as data:
        identity = access_keys.caller_identity(data, access_key_id, secret, clock.now(at))
    emit(identity)


def register(app: typer.Typer, name: str, help: str) -> None:
    app.command(name=name)(whoami)  # the docstring is the help: it has the example
