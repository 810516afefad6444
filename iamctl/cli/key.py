"""iamctl key ... (IAM users' access keys)"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from iamctl.cli import clock
from iamctl.cli.common import emit, emit_file, info, read_account, write_account, write_store_account
from iamctl.cli.paging import paginated
from iamctl.core.credentials import access_keys as ak
from iamctl.core.service import access_keys

if TYPE_CHECKING:
    from iamctl.cli.secret_file import SecretFile

app = typer.Typer(no_args_is_help=True)

KEY_ID = typer.Argument(..., metavar="KEY_ID", help="Access key ID (AKIA...).")
USER = typer.Argument(..., metavar="USER", help="User name.")
FORMAT = typer.Option(
    "json",
    "--format",
    metavar="json|csv|env|credentials-file",
    help="json: AWS's CreateAccessKey shape (honours --output); csv: the console's download; "
    "env: export lines for eval; credentials-file: an ~/.aws/credentials section.",
)
PROFILE = typer.Option("default", "--profile", metavar="NAME", help="Profile name for --format credentials-file.")
FILE = typer.Option(
    None, "--file", metavar="PATH",
    help="Write the new key, secret included, in --format to PATH, a new file of mode 0600 (an existing file is "
    "refused); stdout then shows the key without its secret.",
)


def check_format(fmt: str, profile: str) -> None:
    """Checked before anything is written: a key whose secret cannot be shown is lost."""
    if fmt not in ak.FORMATS:
        raise typer.BadParameter(f"{fmt!r} is not one of {', '.join(ak.FORMATS)}.", param_hint="--format")
    if fmt == "credentials-file":
        ak.check_profile(profile)


def show_new_key(new: ak.NewAccessKey, fmt: str, profile: str) -> None:
    """The one time the secret is shown (said on stderr, as the console says it)."""
    rendered = ak.render_new_key(new, fmt, profile=profile)
    info("This is the only time the secret access key is shown: save it now. It cannot be "
         "recovered later; if it is lost, create a new key.")
    if isinstance(rendered, dict):
        emit(rendered)
    else:
        emit_file(rendered)


@app.command("create")
def create(
    user: str = USER, fmt: str = FORMAT, profile: str = PROFILE, at: str = clock.AT, file: str | None = FILE
) -> None:
    """Create an access key (at most two per user); the secret is shown this once.

    Example: eval "$(iamctl key create alice --format env)"
    """
    check_format(fmt, profile)
    target = None
    if file is not None:
        from iamctl.cli.secret_file import SecretFile

        target = SecretFile(file)  # refused now, before a key exists, if it cannot be used
    try:
        material = ak.new_key_material()  # its scrypt hash is made before the store is locked
        with write_store_account() as (data, account):
            new = access_keys.create(data, account, user, clock.now(at), material)
    except BaseException:
        if target is not None:
            target.discard()
        raise
    if target is None:
        show_new_key(new, fmt, profile)
    else:
        write_new_key(target, new, fmt, profile)


def write_new_key(target: SecretFile, new: ak.NewAccessKey, fmt: str, profile: str) -> None:
    """The secret into *target*; on stdout, the key without it."""
    from iamctl.cli import json_out

    rendered = ak.render_new_key(new, fmt, profile=profile)
    failure = target.write(json_out.dumps(rendered) + "\n" if isinstance(rendered, dict) else rendered)
    if failure is None:
        info(f"Wrote access key {new.key.id} with its secret to {target.path} (mode 0600).")
    else:
        info(f"iamctl: OutputLost: Access key {new.key.id} was created, but its secret could not be written to "
             f"{target.path} ({failure}); delete the key ('iamctl key delete {new.key.id}') and create another.")
    shown = ak.create_access_key_json(new)
    del shown["AccessKey"]["SecretAccessKey"]
    emit(shown)


@app.command("list")
@paginated("AccessKeyMetadata")
def list_(user: str = typer.Argument(None, metavar="[USER]", help="Default: every user in the account.")) -> None:
    """List access keys without their secrets (aws iam list-access-keys).

    Example: iamctl key list alice --output text
    """
    _, account = read_account()
    rows = [row for name, k in access_keys.list_keys(account, user) for row in metadata(name, k)]
    emit({"AccessKeyMetadata": rows})


def metadata(user_name: str | None, key: ak.AccessKey) -> list[dict]:
    return ak.list_access_keys_json(user_name, [key])["AccessKeyMetadata"]


@app.command("update")
def update(
    key_id: str = KEY_ID,
    status: str = typer.Option(..., "--status", metavar="Active|Inactive", help="New status."),
) -> None:
    """Activate or deactivate an access key; an inactive key cannot sign requests.

    Example: iamctl key update AKIAIOSFODNN7EXAMPLE --status Inactive
    """
    with write_account() as account:
        access_keys.update(account, key_id, status)


@app.command("delete")
def delete(key_id: str = KEY_ID) -> None:
    """Delete an access key for good.

    Example: iamctl key delete AKIAIOSFODNN7EXAMPLE
    """
    with write_account() as account:
        access_keys.delete(account, key_id)


@app.command("rotate")
def rotate(user: str = USER, fmt: str = FORMAT, profile: str = PROFILE, at: str = clock.AT) -> None:
    """Create a new key and deactivate the old one (delete it once nothing uses it).

    Prints the deactivated key ID on stderr and the new key, with its secret, on stdout.
    Example: iamctl key rotate alice --output json
    """
    check_format(fmt, profile)
    material = ak.new_key_material()  # its scrypt hash is made before the store is locked
    with write_store_account() as (data, account):
        old, new = access_keys.rotate(data, account, user, clock.now(at), material)
    for key_id in old:
        info(f"Deactivated {key_id}; delete it with 'iamctl key delete {key_id}' once nothing uses it.")
    if fmt == "json":
        emit({**ak.create_access_key_json(new), "DeactivatedAccessKeyIds": old})
    else:
        show_new_key(new, fmt, profile)


@app.command("last-used")
def last_used(key_id: str = KEY_ID) -> None:
    """When and with which service a key was last used (aws iam get-access-key-last-used).

    Example: iamctl key last-used AKIAIOSFODNN7EXAMPLE --query AccessKeyLastUsed.LastUsedDate
    """
    _, account = read_account()
    found = access_keys.last_used(account, key_id)
    emit(ak.last_used_json(found.user_name, found.key))


def register(parent: typer.Typer, name: str, help: str) -> None:
    parent.add_typer(app, name=name, help=help)
