"""The IAM dashboard's "Security Status" checklist (the console of the book's era): five
items, each pass or fail, each failure with the iamctl command that fixes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The fixing commands in one place, so the CLI task can keep them in step with its verbs.
FIX_ROOT_KEYS = "iamctl account root key delete {key_id}"
# Both steps: create shows the seed/QR code; enable takes two consecutive codes from the app.
FIX_ROOT_MFA = "iamctl account root mfa create && iamctl account root mfa enable --code1 CODE --code2 NEXT_CODE"
FIX_USERS = "iamctl user create NAME"
FIX_GROUPS = "iamctl group create NAME && iamctl group add-user NAME USER"
FIX_PASSWORD_POLICY = (
    "iamctl account password-policy set --minimum-length 14 --require-symbols "
    "--require-numbers --require-uppercase --require-lowercase"
)


@dataclass(frozen=True)
class SecurityFacts:
    """What the checklist looks at, gathered by the service layer."""

    root_access_key_ids: list[str]
    root_mfa_enabled: bool
    users: int
    groups_with_members: int  # groups that have at least one user
    password_policy_set: bool


@dataclass(frozen=True)
class CheckItem:
    id: str
    title: str
    passed: bool
    fix: str | None  # None when passed


def checklist(facts: SecurityFacts) -> list[CheckItem]:
    """The five items, in the dashboard's order."""
    keys = facts.root_access_key_ids
    key_fix = " && ".join(FIX_ROOT_KEYS.format(key_id=k) for k in keys) or None

    def item(id_: str, title: str, passed: bool, fix: str | None) -> CheckItem:
        return CheckItem(id=id_, title=title, passed=passed, fix=None if passed else fix)

    return [
        item("root-access-keys", "Delete your root access keys", not keys, key_fix),
        item("root-mfa", "Activate MFA on your root account", facts.root_mfa_enabled, FIX_ROOT_MFA),
        item("iam-users", "Create individual IAM users", facts.users > 0, FIX_USERS),
        item(
            "groups",
            "Use groups to assign permissions",
            facts.groups_with_members > 0,
            FIX_GROUPS,
        ),
        item(
            "password-policy",
            "Apply an IAM password policy",
            facts.password_policy_set,
            FIX_PASSWORD_POLICY,
        ),
    ]


def checklist_rows(items: list[CheckItem]) -> list[dict[str, str]]:
    """The checklist for people: one row per item, ✓ or ✗, and the whole fixing command."""
    return [{"Status": "✓" if i.passed else "✗", "Check": i.title, "Fix": i.fix or ""} for i in items]


def checklist_json(items: list[CheckItem]) -> dict[str, Any]:
    """iamctl's own shape (AWS has no API for this dashboard panel)."""
    return {
        "SecurityStatus": [
            {
                "Id": i.id,
                "Check": i.title,
                "Status": "pass" if i.passed else "fail",
                **({"Fix": i.fix} if i.fix else {}),
            }
            for i in items
        ],
        "Passed": sum(i.passed for i in items),
        "Total": len(items),
    }
