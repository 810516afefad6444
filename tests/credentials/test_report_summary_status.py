"""Credential report, account summary and the security checklist."""

from __future__ import annotations

import base64
import csv
import io

from iamctl.core.credentials import report, status, summary
from iamctl.core.credentials.password_policy import make_policy
from iamctl.core.model.credentials import AccessKey, LoginProfile, MfaDevice, RootUser

# The header line of a credential report exactly as AWS serves it.
AWS_HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
)
ACCOUNT = "123456789012"
T0 = "2026-01-01T00:00:00+00:00"
T1 = "2026-02-01T10:00:00+00:00"
T2 = "2026-03-01T12:30:00+00:00"


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def key(id_: str, created: str, **kw: str | None) -> AccessKey:
    return AccessKey(id=id_, secret_hash="scrypt$x", created=created, **kw)  # type: ignore[arg-type]


def test_header_is_awss_literal_header() -> None:
    assert ",".join(report.HEADER) == AWS_HEADER
    text = report.credential_report(ACCOUNT, T0, RootUser(), [], None)
    assert text.splitlines()[0] == AWS_HEADER
    assert all(len(r) == 22 for r in csv.reader(io.StringIO(text)))


def test_root_row_first_with_not_supported() -> None:
    root = RootUser(password_hash="scrypt$x", mfa=MfaDevice(serial="s", seed="S", enabled=T1),
                    access_keys={"AKIAROOT000000000001": key("AKIAROOT000000000001", T1)})
    text = report.credential_report(ACCOUNT, T0, root, [report.ReportUser("bob", "arn:b", T1)], None)
    first = rows(text)[0]
    assert first["user"] == "<root_account>"
    assert first["arn"] == "arn:aws:iam::123456789012:root"
    assert first["user_creation_time"] == T0
    assert first["password_enabled"] == "not_supported"
    assert first["password_last_used"] == "no_information"
    assert first["password_last_changed"] == "not_supported"
    assert first["password_next_rotation"] == "not_supported"
    assert first["mfa_active"] == "true"
    assert (first["access_key_1_active"], first["access_key_1_last_rotated"]) == ("true", T1)
    assert first["access_key_1_last_used_date"] == "N/A"
    assert rows(text)[1]["user"] == "bob"


def test_user_without_credentials() -> None:
    (row,) = rows(report.credential_report(ACCOUNT, T0, RootUser(), [
        report.ReportUser("alice", "arn:aws:iam::123456789012:user/alice", T0)], None))[1:]
    assert list(row.values())[3:] == ["false", "N/A", "N/A", "N/A", "false",
                                      "false", "N/A", "N/A", "N/A", "N/A",
                                      "false", "N/A", "N/A", "N/A", "N/A",
                                      "false", "N/A", "false", "N/A"]


def test_user_with_everything() -> None:
    login = LoginProfile(password_hash="scrypt$x", created=T0, password_changed=T1)
    keys = [
        key("AKIASECOND0000000002", T2, status="Inactive", last_used_date=T2,
            last_used_service="s3", last_used_region=None),
        key("AKIAFIRST00000000001", T1, last_used_date=T2, last_used_service="ec2",
            last_used_region="ap-northeast-1"),
    ]
    user = report.ReportUser("carol", "arn:c", T0, login=login, mfa_active=True, access_keys=keys)
    row = report.user_row(user, make_policy(max_password_age=90))
    named = dict(zip(report.HEADER, row, strict=True))
    assert named["password_enabled"] == "true"
    assert named["password_last_used"] == "no_information"  # has a password, never used
    assert named["password_last_changed"] == T1
    assert named["password_next_rotation"] == "2026-05-02T10:00:00+00:00"
    assert named["mfa_active"] == "true"
    # Key 1 is the older key, whatever order the store lists them in.
    assert named["access_key_1_active"] == "true"
    assert named["access_key_1_last_rotated"] == T1
    assert (named["access_key_1_last_used_region"], named["access_key_1_last_used_service"]) == (
        "ap-northeast-1", "ec2")
    assert named["access_key_2_active"] == "false"
    assert named["access_key_2_last_rotated"] == "N/A"  # not an active key
    assert named["access_key_2_last_used_date"] == T2
    assert named["access_key_2_last_used_region"] == "N/A"  # S3 is not regional here
    assert named["access_key_2_last_used_service"] == "s3"
    # No rotation date without an expiry policy.
    assert report.user_row(user, None)[6] == "N/A"


def test_get_credential_report_json() -> None:
    text = report.credential_report(ACCOUNT, T0, RootUser(), [], None)
    out = report.get_credential_report_json(text, T2)
    assert out["ReportFormat"] == "text/csv" and out["GeneratedTime"] == T2
    assert base64.b64decode(out["Content"]).decode() == text


def test_summary_map() -> None:
    got = summary.summary_map(summary.SummaryCounts(users=27, groups=7, mfa_devices=3,
                                                    mfa_devices_in_use=1, root_mfa_enabled=True))
    expected_keys = {
        "Users", "UsersQuota", "Groups", "GroupsQuota", "ServerCertificates",
        "ServerCertificatesQuota", "UserPolicySizeQuota", "GroupPolicySizeQuota",
        "GroupsPerUserQuota", "SigningCertificatesPerUserQuota", "AccessKeysPerUserQuota",
        "MFADevices", "MFADevicesInUse", "AccountMFAEnabled", "AccountAccessKeysPresent",
        "AccountPasswordPresent", "AccountSigningCertificatesPresent",
        "AttachedPoliciesPerGroupQuota", "AttachedPoliciesPerRoleQuota",
        "AttachedPoliciesPerUserQuota", "Policies", "PoliciesQuota", "PolicySizeQuota",
        "PolicyVersionsInUse", "PolicyVersionsInUseQuota", "VersionsPerPolicyQuota",
        "GlobalEndpointTokenVersion", "AssumeRolePolicySizeQuota", "InstanceProfiles",
        "InstanceProfilesQuota", "Providers", "RolePolicySizeQuota", "Roles", "RolesQuota",
    }
    assert set(got) == expected_keys
    assert (got["Users"], got["Groups"], got["MFADevices"], got["MFADevicesInUse"]) == (27, 7, 3, 1)
    assert (got["AccountMFAEnabled"], got["AccountAccessKeysPresent"]) == (1, 0)
    assert (got["UsersQuota"], got["GroupsQuota"], got["PoliciesQuota"], got["RolesQuota"]) == (
        5000, 300, 1500, 1000)
    assert (got["AccessKeysPerUserQuota"], got["PolicySizeQuota"], got["VersionsPerPolicyQuota"]) == (
        2, 6144, 5)
    assert list(got) == sorted(got)
    assert summary.account_summary_json(summary.SummaryCounts())["SummaryMap"]["Users"] == 0


def test_checklist_all_failing_then_passing() -> None:
    bad = status.checklist(status.SecurityFacts(
        root_access_key_ids=["AKIAROOT000000000001", "AKIAROOT000000000002"],
        root_mfa_enabled=False, users=0, groups_with_members=0, password_policy_set=False))
    assert [i.title for i in bad] == [
        "Delete your root access keys",
        "Activate MFA on your root account",
        "Create individual IAM users",
        "Use groups to assign permissions",
        "Apply an IAM password policy",
    ]
    assert not any(i.passed for i in bad)
    assert bad[0].fix == ("iamctl account root key delete AKIAROOT000000000001 && "
                          "iamctl account root key delete AKIAROOT000000000002")
    assert bad[1].fix == status.FIX_ROOT_MFA
    assert bad[2].fix == "iamctl user create NAME"
    assert bad[3].fix is not None and bad[3].fix.startswith("iamctl group create NAME && iamctl group add-user")
    assert bad[4].fix is not None and bad[4].fix.startswith("iamctl account password-policy set")
    good = status.checklist(status.SecurityFacts(
        root_access_key_ids=[], root_mfa_enabled=True, users=3, groups_with_members=1,
        password_policy_set=True))
    assert all(i.passed and i.fix is None for i in good)
    out = status.checklist_json(bad)
    assert (out["Passed"], out["Total"]) == (0, 5)
    assert out["SecurityStatus"][1] == {"Id": "root-mfa", "Check": "Activate MFA on your root account",
                                        "Status": "fail", "Fix": status.FIX_ROOT_MFA}
    assert "Fix" not in status.checklist_json(good)["SecurityStatus"][0]
