"""iamctl user password|login|mfa ... (console passwords, sign-in and virtual MFA)"""

from __future__ import annotations

import contextlib
from typing import Any

import typer

from iamctl.cli import clock, secret_input
from iamctl.cli.common import (
    emit,
    info,
    peek,
    peek_account,
    read_account,
    write,
    write_account,
    write_store_account,
)
from iamctl.cli.paging import paginated
from iamctl.core.errors import IamError, UsageError
from iamctl.core.model import Account, StoreData, User
from iamctl.core.service import mfa_devices, passwords, users

password_app = typer.Typer(no_args_is_help=True, help="Console passwords (login profiles).")
mfa_app = typer.Typer(no_args_is_help=True, help="Virtual MFA devices of users.")

USER = typer.Argument(..., metavar="USER", help="User name.")
CODE1 = typer.Option(..., "--code1", metavar="CODE", help="A code from the device.")
CODE2 = typer.Option(..., "--code2", metavar="CODE", help="The code that follows it.")


def login_profile_json(user: User) -> dict[str, Any]:
    """GetLoginProfile / CreateLoginProfile's LoginProfile (never the password)."""
    profile = user.login_profile
    assert profile is not None
    return {
        "LoginProfile": {
            "UserName": user.name,
            "CreateDate": profile.created,
            "PasswordResetRequired": profile.password_reset_required,
        }
    }


# ---------------------------------------------------------------- user password ...


@password_app.command("set")
def password_set(
    user: str = USER,
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from one line of stdin."),
    generate: bool = typer.Option(False, "--generate", help="Generate a password that meets the policy; shown once."),
    require_reset: bool = typer.Option(
        None, "--require-reset/--no-require-reset", help="Make the user choose a new password at next sign-in."
    ),
    at: str = clock.AT,
) -> None:
    """Create or replace a user's console password, checked against the password policy.

    With neither --password-stdin nor --generate, asks twice on a terminal (no echo).
    Example: iamctl user password set alice --generate --require-reset
    """
    if generate and password_stdin:
        raise typer.BadParameter("use --generate or --password-stdin, not both.", param_hint="--generate")
    password = None
    if not generate:
        password = secret_input.read("new password", "--password-stdin", use_stdin=password_stdin, confirm=True)
    when = clock.now(at)
    # The new password's hash (and the reuse check against its history) before the lock.
    prepared = passwords.prepare_password(peek_account(), user, password, when)
    with write_store_account() as (data, account):
        found, generated = passwords.set_password(account, user, prepared, when, require_reset=require_reset)
        shape = login_profile_json(found)
        stuck = bool(require_reset) and passwords.change_password_decision(account, found, when, data).decision \
            != "allowed"
    if generated is not None:
        shape["Password"] = generated  # the one time it is shown
    emit(shape)
    if stuck:  # the API lets this happen; the console attaches IAMUserChangePassword instead
        info(f"Note: {found.name} must choose a new password at next sign-in but may not change it: "
             f"{passwords.CHANGE_PASSWORD_HINT}.")


@password_app.command("get")
def password_get(user: str = USER) -> None:
    """Whether a user has a console password, and whether it must be reset (aws iam get-login-profile).

    Example: iamctl user password get alice --query LoginProfile.PasswordResetRequired
    """
    _, account = read_account()
    found, _ = passwords.get_profile(account, user)
    emit(login_profile_json(found))


@password_app.command("delete")
def password_delete(user: str = USER) -> None:
    """Remove a user's console password; the user can no longer sign in to the console.

    Example: iamctl user password delete alice
    """
    with write_account() as account:
        passwords.delete_password(account, user)


@password_app.command("change")
def password_change(
    user: str = USER,
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read two lines from stdin: the old password, then the new one."
    ),
    at: str = clock.AT,
) -> None:
    """The user changes their own password (needs the old one).

    Needs iam:ChangePassword on the user: from the password policy's "allow users to
    change" or an identity policy such as IAMUserChangePassword (SCPs and boundaries
    apply), also when the password must be reset or has expired, as in AWS.

    Example: printf '%s\\n%s\\n' "$OLD" "$NEW" | iamctl user password change alice --password-stdin
    """
    old = secret_input.read("old password", "--password-stdin", use_stdin=password_stdin)
    new = secret_input.read("new password", "--password-stdin", use_stdin=password_stdin, confirm=not password_stdin)
    when = clock.now(at)
    # The new password's hash, and the checks of the old one and of the history, before the lock.
    prepared = passwords.prepare_password(peek_account(), user, new, when, old=old)
    with write_store_account() as (data, account):
        found = passwords.change_password(account, user, old, prepared, when, data)
        shape = login_profile_json(found)
    info(f"Password of user {found.name} changed.")
    emit(shape)


# ---------------------------------------------------------------- user login


def login(
    user: str = USER,
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from one line of stdin."),
    mfa_code: str = typer.Option(None, "--mfa-code", metavar="CODE", help="The current code of the user's MFA device."),
    signin_url: str = typer.Option(
        None, "--signin-url", metavar="URL", help="Sign in through this URL (its alias or ID picks the account)."
    ),
    at: str = clock.AT,
) -> None:
    """Check a console sign-in as AWS would: password, MFA code, password age.

    Exit 0 when signed in; 1 when the user must choose a new password first (reset
    required or expired); 3 when refused. Records when the password was last used.
    Example: iamctl user login alice --signin-url https://example-corp.signin.aws.amazon.com/console --mfa-code 123456
    """
    from iamctl.cli.env import current
    from iamctl.core.service import account_security, accounts

    password = secret_input.read("password", "--password-stdin", use_stdin=password_stdin)

    def signing_into(data: StoreData) -> Account:
        if signin_url is not None:
            return account_security.account_from_signin_url(data, signin_url)
        return accounts.resolve(data, current().account_selector())

    seen = peek()  # the password's scrypt check, made before the lock and remembered
    if seen is not None:
        with contextlib.suppress(IamError, UsageError):
            passwords.precheck_login(signing_into(seen), user, password)
    with write() as data:
        account = signing_into(data)
        result = passwords.login(account, user, password, clock.now(at), mfa_code=mfa_code)
        shape = sign_in_json(account, result)
    emit(shape)
    if result.must_change_password:
        why = "has expired" if result.expired else "must be reset"
        info(f"The password {why}: choose a new one with 'iamctl user password change {result.user.name}'.")
        raise typer.Exit(1)
    if result.expires_soon:
        info("The password expires within 15 days.")


def sign_in_json(account: Account, result: passwords.SignIn) -> dict[str, Any]:
    return {
        "SignIn": {
            "UserName": result.user.name,
            "Arn": result.user.arn(account.id),
            "Account": account.id,
            "AccountAlias": account.alias,
            "MFAUsed": result.mfa_used,
            "PasswordResetRequired": result.reset_required,
            "PasswordExpired": result.expired,
        }
    }


# ---------------------------------------------------------------- user mfa ...


def _who(user: User) -> str:
    return f"User {user.name}"


@mfa_app.command("create")
def mfa_create(
    user: str = USER,
    device_name: str = typer.Option(None, "--device-name", metavar="NAME", help="Default: the user name."),
) -> None:
    """Create a virtual MFA device for a user; its seed is shown this once.

    Prints the seed and otpauth URI and draws the QR code (on stderr when stdout is not
    a terminal).

    Example: iamctl user mfa create alice --output json > alice-mfa.json
    """
    with write_account() as account:
        found = users.get(account, user)
        device = mfa_devices.create(account, found, device_name or found.name, _who(found))
        account_label = account.alias or account.id
    from iamctl.cli.mfa_output import show_enrolment  # pyotp/segno only here

    show_enrolment(device, found.name, account_label)


@mfa_app.command("enable")
def mfa_enable(user: str = USER, code1: str = CODE1, code2: str = CODE2, at: str = clock.AT) -> None:
    """Enable the user's device with two consecutive codes; sign-in then needs a code.

    Example: iamctl user mfa enable alice --code1 123456 --code2 654321
    """
    with write_account() as account:
        found = users.get(account, user)
        mfa_devices.enable(found, _who(found), code1, code2, clock.now(at))


@mfa_app.command("list")
@paginated("MFADevices")
def mfa_list(user: str = typer.Argument(None, metavar="[USER]", help="Default: every user in the account.")) -> None:
    """MFA devices (aws iam list-mfa-devices); a device not yet enabled has no EnableDate.

    Example: iamctl user mfa list --output text
    """
    _, account = read_account()
    chosen = [users.get(account, user)] if user else users.list_users(account)
    emit({"MFADevices": [mfa_devices.device_json(u.mfa, u.name) for u in chosen if u.mfa is not None]})


@mfa_app.command("deactivate")
def mfa_deactivate(user: str = USER) -> None:
    """Stop requiring the device's codes at sign-in (the device stays until deleted).

    Example: iamctl user mfa deactivate alice
    """
    with write_account() as account:
        found = users.get(account, user)
        mfa_devices.deactivate(found, _who(found))


@mfa_app.command("delete")
def mfa_delete(user: str = USER) -> None:
    """Delete the user's device (deactivate it first, as in AWS).

    Example: iamctl user mfa delete alice
    """
    with write_account() as account:
        found = users.get(account, user)
        mfa_devices.delete(found, _who(found))


@mfa_app.command("resync")
def mfa_resync(user: str = USER, code1: str = CODE1, code2: str = CODE2, at: str = clock.AT) -> None:
    """Re-synchronise a device whose clock has drifted, with two consecutive codes.

    Example: iamctl user mfa resync alice --code1 123456 --code2 654321
    """
    with write_account() as account:
        found = users.get(account, user)
        mfa_devices.resync(found, _who(found), code1, code2, clock.now(at))


def register(user_app: typer.Typer) -> None:
    # The noun's app lives for the whole process (tests run many commands in one), so
    # add the sub-commands only once.
    if getattr(user_app, "_credentials_added", False):
        return
    user_app._credentials_added = True  # type: ignore[attr-defined]
    user_app.add_typer(password_app, name="password")
    user_app.add_typer(mfa_app, name="mfa")
    user_app.command("login")(login)



