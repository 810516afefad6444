"""Console passwords of IAM users (login profiles) and the console sign-in check.

The rules (policy checks, generation, expiry, reuse prevention, hashing) are in
core/credentials/passwords.py; this module applies them to a user in an account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

from iamctl.core.credentials import passwords as pw
from iamctl.core.credentials.secrets_hash import hash_secret, verify_secret
from iamctl.core.credentials.times import iso
from iamctl.core.errors import IamError, no_such_entity
from iamctl.core.model import Account, StoreData, User
from iamctl.core.model.credentials import LoginProfile, PasswordPolicy
from iamctl.core.service import users

if TYPE_CHECKING:
    from iamctl.core.policy.evaluate import Decision


@cache
def dummy_hash() -> str:
    """Checked against when the user or its password does not exist, so a failed sign-in
    costs the same scrypt either way and its timing does not tell which it was. Made on
    first use: a hash at import would slow every command that imports this module."""
    return hash_secret("iamctl-no-such-password")


def _no_profile(user: User) -> IamError:
    return no_such_entity(f"Login Profile for User {user.name} cannot be found.")


def get_profile(account: Account, user_name: str) -> tuple[User, LoginProfile]:
    user = users.get(account, user_name)
    if user.login_profile is None:
        raise _no_profile(user)
    return user, user.login_profile


def prepare_password(
    account: Account | None, user_name: str, password: str | None, now: datetime, *, old: str | None = None
) -> pw.NewPassword:
    """The costly part of setting (or, with *old*, changing) *user_name*'s password, done
    before the store is locked, on *account* as read without the lock (None when it could
    not be read): the new password (generated for the policy read here when *password* is
    None) and its scrypt hash; then a dry run of the change against that read, so that the
    checks of the old password and of the reuse history, which ``set_password`` and
    ``change_password`` make again under the lock, find their answers in verify_secret's
    memo. What the dry run refuses is left for the locked run to say."""
    policy = account.password_policy if account is not None else None
    if password is None:
        new = pw.prepare_password(pw.generate_password(policy), generated=True)
    else:
        new = pw.prepare_password(password)
    user = _find_user(account, user_name) if account is not None else None
    profile = user.login_profile if user is not None else None
    if account is not None and profile is not None:
        try:
            if old is None:
                pw.set_password(profile, new, policy, now, account_name=account.name)
            else:
                pw.change_own_password(profile, old, new, policy, now)
        except IamError:
            pass
    return new


def _find_user(account: Account, user_name: str) -> User | None:
    try:
        return users.get(account, user_name)
    except IamError:
        return None


def _chosen(policy: PasswordPolicy | None, password: str | pw.NewPassword | None) -> str | pw.NewPassword:
    """The password to set: a prepared one, unless it was generated for a policy it no
    longer meets (the policy changed since it was read without the lock)."""
    if password is None:
        return pw.generate_password(policy)
    if isinstance(password, pw.NewPassword) and password.generated and pw.violations(password.text, policy):
        return pw.generate_password(policy)
    return password


def set_password(
    account: Account,
    user_name: str,
    password: str | pw.NewPassword | None,
    now: datetime,
    *,
    require_reset: bool | None = None,
) -> tuple[User, str | None]:
    """CreateLoginProfile or UpdateLoginProfile; with *password* None one is generated.

    *password* is best a ``pw.NewPassword`` from ``prepare_password``, hashed before the
    store was locked. Returns the user and the generated password (None when the caller
    gave one). *require_reset* None keeps the current flag on an update (off for a new
    profile).
    """
    user = users.get(account, user_name)
    policy = account.password_policy
    chosen = _chosen(policy, password)
    generated = password is None or (isinstance(password, pw.NewPassword) and password.generated)
    if user.login_profile is None:
        user.login_profile = pw.new_login_profile(
            chosen, policy, now, reset_required=bool(require_reset), account_name=account.name
        )
    else:
        user.login_profile = pw.set_password(
            user.login_profile, chosen, policy, now, reset_required=require_reset, account_name=account.name
        )
    return user, (pw.text_of(chosen) if generated else None)


def delete_password(account: Account, user_name: str) -> User:
    user, _ = get_profile(account, user_name)
    user.login_profile = None
    return user


def change_password(
    account: Account, user_name: str, old: str, new: str | pw.NewPassword, now: datetime,
    data: StoreData | None = None,
) -> User:
    """ChangePassword by the user, who needs iam:ChangePassword on themself: from an
    identity policy (IAMUserChangePassword, say) or from the password policy's
    AllowUsersToChangePassword, which IAM applies as an account-wide grant. As in AWS, a
    password that must be reset or has expired needs the permission too (the console
    attaches IAMUserChangePassword when it requires a reset). With *data*, the
    organization's SCPs apply too. *new* is best a ``pw.NewPassword`` from
    ``prepare_password`` (with *old*), so the scrypt work is done before the lock."""
    user, profile = get_profile(account, user_name)
    decision = change_password_decision(account, user, now, data)
    if decision.decision != "allowed":
        arn = user.arn(account.id)
        hint = "" if decision.decision == "explicitDeny" else f"; {CHANGE_PASSWORD_HINT}"
        raise IamError(
            "AccessDenied",
            f"User: {arn} is not authorized to perform: iam:ChangePassword on resource: {arn} "
            f"({decision.explanation.rstrip('.')}{hint}).",
        )
    user.login_profile = pw.change_own_password(profile, old, new, account.password_policy, now)
    return user


CHANGE_PASSWORD_HINT = (
    "allow it with 'iamctl account password-policy set --allow-users-to-change' or by attaching "
    "IAMUserChangePassword"
)


# What AllowUsersToChangePassword grants every IAM user (GetAccountPasswordPolicy is moot
# here): IAM applies it at the account level, not as a policy a user can see.
_ACCOUNT_GRANT = (
    '{"Version": "2012-10-17", "Statement": [{"Sid": "AllowUsersToChangePassword", "Effect": "Allow", '
    '"Action": "iam:ChangePassword", "Resource": "arn:aws:iam::*:user/*"}]}'
)


def change_password_decision(account: Account, user: User, now: datetime, data: StoreData | None) -> Decision:
    """The evaluator's answer to "may *user* call ChangePassword on themself?"."""
    from iamctl.core import principals, sts

    caller = sts.caller_for_user(account, user, now)
    policy = account.password_policy
    if policy is not None and policy.allow_users_to_change_password:
        grant = principals.parsed(_ACCOUNT_GRANT, "identity", "account password policy", "password-policy")
        caller.policies.identity = [*caller.policies.identity, grant]
    if data is not None:
        principals.apply_org(data, account.id, caller.policies, caller.context)
    return sts.authorize(caller, "iam:ChangePassword", user.arn(account.id))[1]


@dataclass(frozen=True)
class SignIn:
    """A successful console sign-in, and what the console asks for next."""

    user: User
    mfa_used: bool
    reset_required: bool
    expired: bool
    expires_soon: bool

    @property
    def must_change_password(self) -> bool:
        return self.reset_required or self.expired


def bad_credentials() -> IamError:
    # The console's words; it never says whether the user or the password was wrong.
    return IamError("AccessDenied", "Your authentication information is incorrect. Please try again.")


def precheck_login(account: Account, user_name: str, password: str) -> None:
    """The password check of ``login``, made on *account* read without the store's lock,
    so that the same check under the lock finds its answer in verify_secret's memo."""
    user = _find_user(account, user_name)
    profile = user.login_profile if user is not None else None
    verify_secret(password, profile.password_hash if profile else dummy_hash())


def login(account: Account, user_name: str, password: str, now: datetime, *, mfa_code: str | None = None) -> SignIn:
    """Check a console sign-in as AWS does: password, then the MFA code when a device is
    enabled (a used code is refused), then the password's age. Records the last use."""
    try:
        user = users.get(account, user_name)
    except IamError:
        verify_secret(password, dummy_hash())
        raise bad_credentials() from None
    profile = user.login_profile
    if not verify_secret(password, profile.password_hash if profile else dummy_hash()) or profile is None:
        raise bad_credentials()
    from iamctl.core.service.mfa_devices import sign_in_code

    mfa_used = sign_in_code(user, f"User {user.name}", mfa_code, now)
    policy = account.password_policy
    expired = pw.is_expired(profile, policy, now)
    if expired and policy is not None and policy.hard_expiry:
        raise IamError(
            "PasswordExpired",
            f"The password of user {user.name} has expired and, under the account's HardExpiry "
            "policy, only an administrator can reset it ('iamctl user password set').",
        )
    profile.password_last_used = iso(now)
    return SignIn(
        user=user,
        mfa_used=mfa_used,
        reset_required=profile.password_reset_required,
        expired=expired,
        expires_soon=pw.expires_soon(profile, policy, now),
    )
