"""iamctl account ..."""

from __future__ import annotations

import typer

from iamctl.cli.common import emit, info, read, write
from iamctl.cli.confirm import YES, confirm
from iamctl.cli.paging import paginated
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
# aws-cli's paginator for get-account-authorization-details: four result keys, one NextToken.
@paginated(("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"))
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


@app.command("import")
def import_(
    files: list[str] = typer.Argument(..., metavar="FILE...", help="Output of 'aws iam "
                                      "get-account-authorization-details' ('-' for stdin); several files: "
                                      "several accounts, or the pages of one export."),
    account_id: str = typer.Option(None, "--account-id", help="The account ID, when no ARN in the files names it."),
    alias: str = typer.Option(None, "--alias", help="An alias for the imported account."),
    replace: bool = typer.Option(False, "--replace", help="Replace the IAM entities of an account already in the "
                                 "store (keeps credentials of users still there, billing, other accounts)."),
) -> None:
    """Create an account's IAM from GetAccountAuthorizationDetails output: users, groups,
    roles, instance profiles, customer managed policies with all their versions, AWS
    managed policies by reference. aws-cli's form and the API's URL-encoded form both work.

    Every name rule and quota of a create applies; nothing is written unless the whole
    import is valid. One line on stderr says what was created and what was adjusted.
    Make the file with 'aws iam get-account-authorization-details > prod.json'.
    Example: iamctl account import prod.json --alias prod
    """
    from iamctl.cli.common import read_document, store
    from iamctl.core.errors import UsageError
    from iamctl.core.model import StoreData
    from iamctl.core.transfer import importing

    if files.count("-") > 1:
        raise UsageError("stdin ('-') can be read only once.")
    # a whole account, not one policy: the policy-document size limit does not apply
    sources = [("stdin" if f == "-" else f, read_document(f, limit=None)) for f in files]
    options = {"account_id": account_id, "alias": alias, "replace": replace}
    target = store()
    if target.exists():
        with write() as data:
            reports = importing.import_files(data, sources, **options)
            shapes = [shapes_account.account(data.accounts[r.account_id],
                                             default=data.default_account == r.account_id) for r in reports]
    else:  # an empty store: the import makes it
        data = StoreData()
        reports = importing.import_files(data, sources, **options)
        shapes = [shapes_account.account(data.accounts[r.account_id], default=data.default_account == r.account_id)
                  for r in reports]
        target.create(data)
    for report in reports:
        info(report.summary())
    emit({"Accounts": shapes})


EXPORT_FORMATS = ("cloudformation", "terraform", "authorization-details")


@app.command("export")
def export(
    fmt: str = typer.Option(..., "--format", metavar="|".join(EXPORT_FORMATS),
                            help="cloudformation (a template, JSON), terraform (.tf.json for the AWS provider) or "
                                 "authorization-details (what 'account import' reads)."),
    file: str = typer.Option(None, "--file", metavar="PATH",
                             help="Write here (mode 0600, replaced whole) instead of stdout ('-' is stdout)."),
) -> None:
    """The account's IAM as code the engines that deploy IAM accept: users, groups,
    memberships, managed and inline policies, roles, instance profiles, identity providers.
    Never secrets (no passwords, access keys or MFA devices).

    Deploy with 'aws cloudformation deploy --template-file FILE --stack-name NAME
    --capabilities CAPABILITY_NAMED_IAM' or 'terraform apply' in the file's directory.
    Example: iamctl account export --format terraform --file iam.tf.json
    """
    import json

    from iamctl.cli.common import emit_file, read_account
    from iamctl.core.errors import UsageError

    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"--format must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}.")
    if file is not None and not file.strip():
        raise UsageError("--file needs a file name (or leave it out for stdout).")
    _, account = read_account()
    if fmt == "cloudformation":
        from iamctl.core.transfer import cloudformation

        doc = cloudformation.template(account)
    elif fmt == "terraform":
        from iamctl.core.transfer import terraform

        doc = terraform.configuration(account)
    else:
        from iamctl.core import shapes_authorization

        doc = shapes_authorization.authorization_details(account)
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "cloudformation":
        note = cloudformation.deploy_note(doc, len(text.encode()))
        if note:
            info(note)
    if file is None or file == "-":
        emit_file(text)
        return
    _write_whole(file, text)
    info(f"Wrote the {fmt} export of account {account.id} to {file}.")


def _write_whole(path: str, text: str) -> None:
    """Replace *path* in one step (a temp file beside it, then rename): a reader never
    sees half an export. 0600: it maps the account's permissions."""
    import os
    import tempfile

    from iamctl.core.errors import UsageError

    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".iamctl-export-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as exc:
        raise UsageError(f"Cannot write {path}: {exc.strerror}.", "UnwritableFile") from None


def _add_subcommands() -> None:
    """Sub-commands kept in modules of their own. Done once, at import: this module is
    imported only when the account noun runs, and the app lives for the whole process."""
    from iamctl.cli import account_credentials, idp

    idp.register(app, "idp", "Identity providers (OIDC, SAML) that roles can trust.")
    account_credentials.register(app)  # password-policy, alias, root, reports ...


_add_subcommands()


def register(parent: typer.Typer, name: str, help: str) -> None:
    parent.add_typer(app, name=name, help=help)
