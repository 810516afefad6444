"""Account-wide credential features: the alias and sign-in URL, the credential report,
GetAccountSummary, and the dashboard's security checklist."""

from __future__ import annotations

from iamctl.core.credentials import alias as alias_rules
from iamctl.core.credentials import report, status, summary
from iamctl.core.errors import already_exists, no_such_entity
from iamctl.core.model import Account, StoreData
from iamctl.core.model.credentials import RootUser

# ---------------------------------------------------------------- alias


def check_alias_free(data: StoreData, alias: str, owner: str | None = None) -> None:
    """Aliases are unique in the store, as they are across AWS."""
    from iamctl.core.model.directory import accounts_with

    alias_rules.check_alias(alias)
    for account in accounts_with(data, alias=alias):
        if account.alias == alias and account.id != owner:
            raise already_exists(f"The account alias {alias} already exists (account {account.id}).")


def set_alias(data: StoreData, account: Account, alias: str) -> None:
    """CreateAccountAlias; an account has one alias, so a new one replaces the old."""
    check_alias_free(data, alias, owner=account.id)
    account.alias = alias


def get_alias(account: Account) -> str | None:
    return account.alias


def delete_alias(account: Account, alias: str | None = None) -> str:
    if account.alias is None:
        raise no_such_entity(f"The account {account.id} has no alias.")
    if alias is not None and alias != account.alias:
        raise no_such_entity(f"The account alias {alias} cannot be found.")
    removed, account.alias = account.alias, None
    return removed


def signin_url(account: Account) -> str:
    return alias_rules.signin_url(account.id, account.alias)


def account_from_signin_url(data: StoreData, url: str) -> Account:
    """The account a sign-in URL (https://ALIAS-OR-ID.signin.aws.amazon.com/console) is for."""
    from urllib.parse import urlsplit

    from iamctl.core.errors import validation_error
    from iamctl.core.service import accounts

    host = urlsplit(url).hostname or ""
    label, dot, rest = host.partition(".")
    if not dot or rest != "signin.aws.amazon.com":
        raise validation_error(f"{url} is not a sign-in URL (https://ALIAS.signin.aws.amazon.com/console).")
    return accounts.resolve(data, label)


# ---------------------------------------------------------------- reports


def credential_report(account: Account) -> str:
    rows = [
        report.ReportUser(
            name=u.name,
            arn=u.arn(account.id),
            created=u.created,
            login=u.login_profile,
            mfa_active=u.mfa is not None and u.mfa.enabled is not None,
            access_keys=list(u.access_keys.values()),
        )
        for u in sorted(account.users.values(), key=lambda u: u.name.lower())
    ]
    return report.credential_report(
        account.id, account.created, account.root or RootUser(), rows, account.password_policy
    )


def summary_counts(account: Account) -> summary.SummaryCounts:
    root = account.root or RootUser()
    devices = [u.mfa for u in account.users.values() if u.mfa is not None]
    if root.mfa is not None:
        devices.append(root.mfa)
    return summary.SummaryCounts(
        users=len(account.users),
        groups=len(account.groups),
        roles=len(getattr(account, "roles", {})),
        policies=len(account.policies),
        policy_versions_in_use=sum(len(p.versions) for p in account.policies.values()),
        instance_profiles=len(getattr(account, "instance_profiles", {})),
        mfa_devices=len(devices),
        mfa_devices_in_use=sum(1 for d in devices if d.enabled),
        root_access_keys_present=bool(root.access_keys),
        root_mfa_enabled=root.mfa is not None and root.mfa.enabled is not None,
        root_password_present=root.password_hash is not None,
    )


def security_facts(account: Account) -> status.SecurityFacts:
    root = account.root or RootUser()
    used_groups = {g for u in account.users.values() for g in u.groups}
    return status.SecurityFacts(
        root_access_key_ids=sorted(root.access_keys),
        root_mfa_enabled=root.mfa is not None and root.mfa.enabled is not None,
        users=len(account.users),
        groups_with_members=len(used_groups),
        password_policy_set=account.password_policy is not None,
    )


def security_status(account: Account) -> list[status.CheckItem]:
    return status.checklist(security_facts(account))
