"""iamctl account password-policy|alias|signin-url|credential-report|summary|status|root ..."""

from __future__ import annotations

import contextlib
import os

import typer

from iamctl.cli import clock, secret_input
from iamctl.cli.common import (
    emit,
    emit_file,
    info,
    peek,
    read_account,
    write,
    write_account,
    write_store_account,
)
from iamctl.core.credentials import access_keys as ak
from iamctl.core.credentials import alias as alias_rules
from iamctl.core.credentials import password_policy as pp
from iamctl.core.errors import IamError, UsageError
from iamctl.core.model import Account, StoreData
from iamctl.core.service import account_security, mfa_devices, password_policy, root_user

policy_app = typer.Typer(no_args_is_help=True, help="The account password policy.")
alias_app = typer.Typer(no_args_is_help=True, help="The account alias (used in the sign-in URL).")
root_app = typer.Typer(no_args_is_help=True, help="The root user's password, access keys and MFA.")
root_password_app = typer.Typer(no_args_is_help=True, help="The root user's password.")
root_key_app = typer.Typer(no_args_is_help=True, help="The root user's access keys (best deleted).")
root_mfa_app = typer.Typer(no_args_is_help=True, help="The root user's virtual MFA device.")

KEY_ID = typer.Argument(..., metavar="KEY_ID", help="Access key ID (AKIA...).")
CODE1 = typer.Option(..., "--code1", metavar="CODE", help="A code from the device.")
CODE2 = typer.Option(..., "--code2", metavar="CODE", help="The code that follows it.")


# ---------------------------------------------------------------- password-policy


@policy_app.command("set")
def policy_set(
    minimum_length: int = typer.Option(
        None, "--minimum-length", "--minimum-password-length", metavar="N", help="6-128 (default 6)."
    ),
    require_symbols: bool = typer.Option(False, "--require-symbols", help="At least one of !@#$%^&*()_+-=[]{}|'"),
    require_numbers: bool = typer.Option(False, "--require-numbers", help="At least one digit 0-9."),
    require_uppercase: bool = typer.Option(
        False, "--require-uppercase", "--require-uppercase-characters", help="At least one letter A-Z."
    ),
    require_lowercase: bool = typer.Option(
        False, "--require-lowercase", "--require-lowercase-characters", help="At least one letter a-z."
    ),
    allow_users_to_change: bool = typer.Option(
        False, "--allow-users-to-change", "--allow-users-to-change-password", help="Users may change their own."
    ),
    max_age: int = typer.Option(None, "--max-age", "--max-password-age", metavar="DAYS", help="1-1095 days."),
    reuse_prevention: int = typer.Option(
        None, "--reuse-prevention", "--password-reuse-prevention", metavar="N", help="Refuse the last N (1-24)."
    ),
    hard_expiry: bool = typer.Option(False, "--hard-expiry", help="Only an admin can reset an expired password."),
) -> None:
    """Set the password policy; like AWS's update, it replaces the whole policy.

    Example: iamctl account password-policy set --minimum-length 14 --require-uppercase --require-symbols
    """
    with write_account() as account:
        policy = password_policy.set_policy(
            account,
            minimum_password_length=minimum_length,
            require_symbols=require_symbols,
            require_numbers=require_numbers,
            require_uppercase_characters=require_uppercase,
            require_lowercase_characters=require_lowercase,
            allow_users_to_change_password=allow_users_to_change,
            max_password_age=max_age,
            password_reuse_prevention=reuse_prevention,
            hard_expiry=hard_expiry,
        )
    emit(pp.policy_json(policy))


@policy_app.command("get")
def policy_get() -> None:
    """Show the password policy (NoSuchEntity when none is set: AWS's default applies).

    Example: iamctl account password-policy get --output json
    """
    _, account = read_account()
    emit(pp.policy_json(password_policy.get_policy(account)))


@policy_app.command("delete")
def policy_delete() -> None:
    """Delete the password policy; AWS's default policy applies again.

    Example: iamctl account password-policy delete
    """
    with write_account() as account:
        password_policy.delete_policy(account)


# ---------------------------------------------------------------- alias, sign-in URL


@alias_app.command("set")
def alias_set(
    alias: str = typer.Argument(..., metavar="ALIAS", help="Lowercase letters, digits and hyphens (3-63)."),
) -> None:
    """Set the account alias (replaces the old one); unique in the store.

    Example: iamctl account alias set example-corp
    """
    with write_store_account() as (data, account):
        account_security.set_alias(data, account, alias)
    emit(alias_rules.list_aliases_json(alias))


@alias_app.command("get")
def alias_get() -> None:
    """Show the account alias (aws iam list-account-aliases).

    Example: iamctl account alias get --output text
    """
    _, account = read_account()
    emit(alias_rules.list_aliases_json(account_security.get_alias(account)))


@alias_app.command("delete")
def alias_delete(alias: str = typer.Argument(None, metavar="[ALIAS]", help="Checked when given.")) -> None:
    """Delete the account alias; the sign-in URL goes back to the account ID.

    Example: iamctl account alias delete example-corp
    """
    with write_account() as account:
        account_security.delete_alias(account, alias)


def signin_url() -> None:
    """The IAM users sign-in link: https://ALIAS.signin.aws.amazon.com/console.

    The account ID stands in place of the alias when there is none.

    Example: iamctl account signin-url --output text
    """
    _, account = read_account()
    emit({"SigninUrl": account_security.signin_url(account)})


# ---------------------------------------------------------------- reports


def credential_report(
    file: str = typer.Option(
        None, "--file", metavar="PATH", help="Write the CSV here (mode 0600) instead of stdout ('-' is stdout)."
    ),
    at: str = clock.AT,
) -> None:
    """AWS's credential report CSV: the root user first, then every user.

    With --output json, GetCredentialReport's shape (the CSV in base64).

    Example: iamctl account credential-report --file report.csv
    """
    from iamctl.cli.env import current
    from iamctl.core.credentials.report import get_credential_report_json
    from iamctl.core.credentials.times import iso

    _, account = read_account()
    text = account_security.credential_report(account)
    if file is not None and file != "-":
        _write_private(file, text)
        info(f"Wrote the credential report to {file}.")
    elif current().output_format() in ("json", "yaml"):
        emit(get_credential_report_json(text, iso(clock.now(at))))
    else:
        emit_file(text)


def _write_private(path: str, text: str) -> None:
    # No secrets in it, but it maps who lacks MFA and which keys are stale: keep it private.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(path, 0o600)
    except OSError as exc:
        raise UsageError(f"Cannot write {path}: {exc.strerror}.", "UnwritableFile") from None


def summary() -> None:
    """Entity counts and quotas (aws iam get-account-summary).

    Example: iamctl account summary --query SummaryMap.Users
    """
    from iamctl.core.credentials.summary import account_summary_json

    _, account = read_account()
    emit(account_summary_json(account_security.summary_counts(account)))


def security_status() -> None:
    """The dashboard's security checklist: pass or fail, with the fixing command.

    Exit 1 when any item fails, so CI can gate on it.

    Example: iamctl account status --output text || echo 'fix the failing items'
    """
    from iamctl.core.credentials.status import checklist_json, checklist_rows

    _, account = read_account()
    items = account_security.security_status(account)
    emit(checklist_json(items), readable={"SecurityStatus": checklist_rows(items)})
    if not all(i.passed for i in items):
        raise typer.Exit(1)


# ---------------------------------------------------------------- root user


@root_password_app.command("set")
def root_password_set(
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from one line of stdin."),
    generate: bool = typer.Option(False, "--generate", help="Generate one; shown once."),
) -> None:
    """Set the root user's password (AWS's default rules; the account policy is for IAM users).

    Example: iamctl account root password set --generate
    """
    if generate and password_stdin:
        raise typer.BadParameter("use --generate or --password-stdin, not both.", param_hint="--generate")
    password = None
    if not generate:
        password = secret_input.read("new password", "--password-stdin", use_stdin=password_stdin, confirm=True)
    prepared = root_user.prepare_password(password)  # its scrypt hash is made before the store is locked
    with write_account() as account:
        generated = root_user.set_password(account, prepared)
    if generated is not None:
        emit({"Password": generated})


@root_password_app.command("delete")
def root_password_delete() -> None:
    """Remove the root user's password.

    Example: iamctl account root password delete
    """
    with write_account() as account:
        root_user.delete_password(account)


def root_login(
    email: str = typer.Option(
        None, "--email", metavar="EMAIL", help="Sign in as the root user with this email (picks the account)."
    ),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from one line of stdin."),
    mfa_code: str = typer.Option(None, "--mfa-code", metavar="CODE", help="The current code of the root MFA device."),
    at: str = clock.AT,
) -> None:
    """Check a root user sign-in as AWS would: email, password, MFA code.

    Without --email, the current account's root user. Exit 0 when signed in, 3 when
    refused (the same refusal for an unknown email as for a wrong password). Records when
    the password was last used (the credential report shows it).
    Example: iamctl account root login --email admin@example.com --mfa-code 123456
    """
    from iamctl.cli.env import current
    from iamctl.core.names import root_arn
    from iamctl.core.service import accounts

    password = secret_input.read("password", "--password-stdin", use_stdin=password_stdin)

    def signing_into(data: StoreData) -> Account | None:
        return accounts.by_email(data, email) if email else accounts.resolve(data, current().account_selector())

    seen = peek()  # the password's scrypt check, made before the lock and remembered
    if seen is not None:
        with contextlib.suppress(IamError, UsageError):
            root_user.precheck_login(signing_into(seen), password)
    with write() as data:
        account = signing_into(data)
        mfa_used = root_user.login(account, password, clock.now(at), mfa_code=mfa_code)
        assert account is not None  # login refuses a missing account
        shape = {
            "SignIn": {
                "Arn": root_arn(account.id),
                "Account": account.id,
                "AccountAlias": account.alias,
                "Email": account.email,
                "MFAUsed": mfa_used,
            }
        }
    emit(shape)


@root_key_app.command("create")
def root_key_create(
    fmt: str = typer.Option(
        "json", "--format", metavar="json|csv|env|credentials-file", help="How to print the new key and its secret."
    ),
    profile: str = typer.Option(
        "default", "--profile", metavar="NAME", help="Profile name for --format credentials-file."
    ),
    at: str = clock.AT,
) -> None:
    """Create a root access key (AWS advises against it; the checklist fails while one exists).

    Example: iamctl account root key create --format credentials-file --profile root
    """
    from iamctl.cli.key import check_format, show_new_key

    check_format(fmt, profile)
    material = ak.new_key_material()  # its scrypt hash is made before the store is locked
    with write_store_account() as (data, account):
        new = root_user.create_key(data, account, clock.now(at), material)
    info("Root access keys can do anything in the account; prefer an IAM user's keys.")
    show_new_key(new, fmt, profile)


@root_key_app.command("list")
def root_key_list() -> None:
    """The root user's access keys, without secrets.

    Example: iamctl account root key list --output text
    """
    _, account = read_account()
    emit(ak.list_access_keys_json(None, root_user.list_keys(account)))


@root_key_app.command("update")
def root_key_update(
    key_id: str = KEY_ID,
    status: str = typer.Option(..., "--status", metavar="Active|Inactive", help="The key's new status."),
) -> None:
    """Activate or deactivate a root access key.

    Example: iamctl account root key update AKIAIOSFODNN7EXAMPLE --status Inactive
    """
    with write_account() as account:
        root_user.update_key(account, key_id, status)


@root_key_app.command("delete")
def root_key_delete(key_id: str = KEY_ID) -> None:
    """Delete a root access key.

    Example: iamctl account root key delete AKIAIOSFODNN7EXAMPLE
    """
    with write_account() as account:
        root_user.delete_key(account, key_id)


@root_mfa_app.command("create")
def root_mfa_create() -> None:
    """Create the root user's virtual MFA device; prints the seed and URI once, draws the QR code.

    Example: iamctl account root mfa create
    """
    with write_account() as account, root_user.root_of(account) as root:
        device = mfa_devices.create(account, root, mfa_devices.ROOT_DEVICE_NAME, root_user.WHO)
        account_label = account.alias or account.id
    from iamctl.cli.mfa_output import show_enrolment  # pyotp/segno only here

    show_enrolment(device, "root", account_label)


@root_mfa_app.command("enable")
def root_mfa_enable(code1: str = CODE1, code2: str = CODE2, at: str = clock.AT) -> None:
    """Enable the root user's device with two consecutive codes.

    Example: iamctl account root mfa enable --code1 123456 --code2 654321
    """
    with write_account() as account, root_user.root_of(account) as root:
        mfa_devices.enable(root, root_user.WHO, code1, code2, clock.now(at))


@root_mfa_app.command("list")
def root_mfa_list() -> None:
    """The root user's MFA device, if any.

    Example: iamctl account root mfa list --output json
    """
    _, account = read_account()
    device = account.root.mfa if account.root else None
    emit({"MFADevices": [mfa_devices.device_json(device, None)] if device else []})


@root_mfa_app.command("deactivate")
def root_mfa_deactivate() -> None:
    """Stop requiring the root device's codes.

    Example: iamctl account root mfa deactivate
    """
    with write_account() as account, root_user.root_of(account) as root:
        mfa_devices.deactivate(root, root_user.WHO)


@root_mfa_app.command("delete")
def root_mfa_delete() -> None:
    """Delete the root user's device (deactivate it first).

    Example: iamctl account root mfa delete
    """
    with write_account() as account, root_user.root_of(account) as root:
        mfa_devices.delete(root, root_user.WHO)


@root_mfa_app.command("resync")
def root_mfa_resync(code1: str = CODE1, code2: str = CODE2, at: str = clock.AT) -> None:
    """Re-synchronise the root user's device with two consecutive codes.

    Example: iamctl account root mfa resync --code1 123456 --code2 654321
    """
    with write_account() as account, root_user.root_of(account) as root:
        mfa_devices.resync(root, root_user.WHO, code1, code2, clock.now(at))


def register(account_app: typer.Typer) -> None:
    # The noun's app lives for the whole process (tests run many commands in one), so
    # add the sub-commands only once.
    if getattr(account_app, "_credentials_added", False):
        return
    account_app._credentials_added = True  # type: ignore[attr-defined]
    account_app.add_typer(policy_app, name="password-policy")
    account_app.add_typer(alias_app, name="alias")
    account_app.command("signin-url")(signin_url)
    account_app.command("credential-report")(credential_report)
    account_app.command("summary")(summary)
    account_app.command("status")(security_status)
    root_app.command("login")(root_login)
    root_app.add_typer(root_password_app, name="password")
    root_app.add_typer(root_key_app, name="key")
    root_app.add_typer(root_mfa_app, name="mfa")
    account_app.add_typer(root_app, name="root")
