"""The billing console's IAM actions, gated by the root user's setting
"IAM user and role access to billing information".

While the setting is off (AWS's default), IAM users and roles of the account are denied
these actions whatever their policies say, AdministratorAccess included; the root user
is never affected. With it on, ordinary policy evaluation decides (so the managed
policies Billing and AWSBillingReadOnlyAccess work as written).
"""

from __future__ import annotations

from iamctl.core.model.billing import BillingData, BillingPrefs
from iamctl.core.policy.evaluate import BILLING_ACTION_PREFIXES  # the evaluator applies the setting

# Service prefixes of the Billing and Cost Management console and its fine-grained
# actions (aws-portal is the legacy set; billing, payments, tax, invoicing,
# purchase-orders the fine-grained ones; ce, cur, budgets the cost management pages).

SETTING_NAME = "IAM user and role access to billing information"


def is_billing_action(action: str) -> bool:
    """True for any action whose service prefix is a billing console prefix (case-insensitive,
    as IAM treats action names)."""
    prefix, sep, _ = action.partition(":")
    return bool(sep) and prefix.lower() in BILLING_ACTION_PREFIXES


def iam_access_enabled(data: BillingData, account_id: str) -> bool:
    prefs = data.prefs.get(account_id)
    return prefs.iam_access_to_billing if prefs else False


def set_iam_access(data: BillingData, account_id: str, enabled: bool) -> BillingPrefs:
    """Turn the setting on or off (the CLI allows this only as the account's root user)."""
    prefs = data.prefs.setdefault(account_id, BillingPrefs(account_id=account_id))
    prefs.iam_access_to_billing = enabled
    return prefs


def blocked_by_setting(data: BillingData, account_id: str, action: str, *, is_root: bool) -> bool:
    """Whether the setting alone denies *action* to a principal of *account_id*.

    The evaluator calls this before policy evaluation and, when True, denies the request
    and names the setting as the reason (explanation()).
    """
    return not is_root and is_billing_action(action) and not iam_access_enabled(data, account_id)


def explanation(account_id: str) -> str:
    return (
        f"Denied because account {account_id} has \"{SETTING_NAME}\" turned off; only its root "
        "user can use the billing console until the root user turns it on "
        "(iamctl billing access enable)."
    )
