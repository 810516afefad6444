"""GetAccountSummary's SummaryMap: entity counts passed in, AWS's default quotas added."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from iamctl.core.service import quotas

# AWS's default quotas ("IAM and AWS STS quotas"); the ones iamctl already enforces come
# from service/quotas.py so the two cannot disagree.
QUOTAS: dict[str, int] = {
    "AccessKeysPerUserQuota": 2,
    "AssumeRolePolicySizeQuota": 2048,
    "AttachedPoliciesPerGroupQuota": quotas.MANAGED_POLICIES_PER_ENTITY,
    "AttachedPoliciesPerRoleQuota": quotas.MANAGED_POLICIES_PER_ENTITY,
    "AttachedPoliciesPerUserQuota": quotas.MANAGED_POLICIES_PER_ENTITY,
    "GroupPolicySizeQuota": quotas.GROUP_INLINE_SIZE,
    "GroupsPerUserQuota": quotas.GROUPS_PER_USER,
    "GroupsQuota": quotas.GROUPS_PER_ACCOUNT,
    "InstanceProfilesQuota": 1000,
    "PoliciesQuota": quotas.CUSTOMER_POLICIES_PER_ACCOUNT,
    "PolicySizeQuota": quotas.MANAGED_POLICY_SIZE,
    "PolicyVersionsInUseQuota": 10000,
    "RolePolicySizeQuota": quotas.ROLE_INLINE_SIZE,
    "RolesQuota": 1000,
    "ServerCertificatesQuota": 20,
    "SigningCertificatesPerUserQuota": 2,
    "UserPolicySizeQuota": quotas.USER_INLINE_SIZE,
    "UsersQuota": quotas.USERS_PER_ACCOUNT,
    "VersionsPerPolicyQuota": quotas.VERSIONS_PER_POLICY,
}


@dataclass(frozen=True)
class SummaryCounts:
    """What the service layer counts in one account."""

    users: int = 0
    groups: int = 0
    roles: int = 0
    policies: int = 0  # customer managed policies
    policy_versions_in_use: int = 0  # versions of customer managed policies
    instance_profiles: int = 0
    providers: int = 0  # SAML and OIDC identity providers
    server_certificates: int = 0
    mfa_devices: int = 0  # virtual MFA devices created, assigned or not
    mfa_devices_in_use: int = 0  # enabled (assigned) MFA devices
    root_access_keys_present: bool = False
    root_mfa_enabled: bool = False
    root_password_present: bool = False


def summary_map(counts: SummaryCounts) -> dict[str, int]:
    """Every SummaryMap key; root-user facts as 0/1 like AWS. Keys sorted for stable output."""
    values = {
        **QUOTAS,
        "Users": counts.users,
        "Groups": counts.groups,
        "Roles": counts.roles,
        "Policies": counts.policies,
        "PolicyVersionsInUse": counts.policy_versions_in_use,
        "InstanceProfiles": counts.instance_profiles,
        "Providers": counts.providers,
        "ServerCertificates": counts.server_certificates,
        "MFADevices": counts.mfa_devices,
        "MFADevicesInUse": counts.mfa_devices_in_use,
        "AccountAccessKeysPresent": int(counts.root_access_keys_present),
        "AccountMFAEnabled": int(counts.root_mfa_enabled),
        "AccountPasswordPresent": int(counts.root_password_present),
        "AccountSigningCertificatesPresent": 0,  # iamctl has no signing certificates
        "GlobalEndpointTokenVersion": 1,
    }
    return dict(sorted(values.items()))


def account_summary_json(counts: SummaryCounts) -> dict[str, Any]:
    return {"SummaryMap": summary_map(counts)}
