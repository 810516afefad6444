"""AWS response shapes for roles, instance profiles, identity providers and STS answers."""

from __future__ import annotations

import json
from typing import Any

from iamctl.core.model import Account, InstanceProfile, OidcProvider, Role, SamlProvider, Session
from iamctl.core.shapes import permissions_boundary
from iamctl.core.shapes import tags as tag_list


def role(account: Account, r: Role, *, full: bool = False) -> dict[str, Any]:
    """CreateRole / ListRoles' Role; *full* adds what GetRole adds (boundary, tags, last used)."""
    out: dict[str, Any] = {
        "Path": r.path,
        "RoleName": r.name,
        "RoleId": r.id,
        "Arn": r.arn(account.id),
        "CreateDate": r.created,
        "AssumeRolePolicyDocument": json.loads(r.trust),  # aws-cli prints it decoded
    }
    if r.description:
        out["Description"] = r.description
    out["MaxSessionDuration"] = r.max_session_duration
    if full:
        if r.boundary:
            out["PermissionsBoundary"] = permissions_boundary(r.boundary)
        if r.tags:
            out["Tags"] = tag_list(r.tags)
        out["RoleLastUsed"] = {"LastUsedDate": r.last_used} if r.last_used else {}
    return out


def instance_profile(account: Account, p: InstanceProfile) -> dict[str, Any]:
    return {
        "Path": p.path,
        "InstanceProfileName": p.name,
        "InstanceProfileId": p.id,
        "Arn": p.arn(account.id),
        "CreateDate": p.created,
        "Roles": [role(account, account.roles[name]) for name in p.roles],
    }


def oidc_provider(p: OidcProvider) -> dict[str, Any]:
    """GetOpenIDConnectProvider."""
    out: dict[str, Any] = {
        "Url": p.url,
        "ClientIDList": list(p.client_ids),
        "ThumbprintList": list(p.thumbprints),
        "CreateDate": p.created,
    }
    if p.tags:
        out["Tags"] = tag_list(p.tags)
    return out


def saml_provider(p: SamlProvider) -> dict[str, Any]:
    """GetSAMLProvider."""
    out: dict[str, Any] = {"SAMLMetadataDocument": p.metadata, "CreateDate": p.created, "ValidUntil": p.valid_until}
    if p.tags:
        out["Tags"] = tag_list(p.tags)
    return out


def credentials(access_key_id: str, secret: str, token: str, expiration: str) -> dict[str, str]:
    return {"AccessKeyId": access_key_id, "SecretAccessKey": secret, "SessionToken": token, "Expiration": expiration}


def assume_role(issued: Any) -> dict[str, Any]:
    """AssumeRole's answer; *issued* is an sts.Issued."""
    s = issued.session
    out: dict[str, Any] = {
        "Credentials": credentials(s.access_key_id, issued.secret, issued.token, s.expires),
        "AssumedRoleUser": {"AssumedRoleId": issued.assumed_role_id, "Arn": issued.arn},
    }
    if s.source_identity:
        out["SourceIdentity"] = s.source_identity
    return out


def assume_role_with_web_identity(issued: Any, provider: str) -> dict[str, Any]:
    s = issued.session
    return {
        "Credentials": credentials(s.access_key_id, issued.secret, issued.token, s.expires),
        "SubjectFromWebIdentityToken": s.subject,
        "AssumedRoleUser": {"AssumedRoleId": issued.assumed_role_id, "Arn": issued.arn},
        "Provider": provider,
        "Audience": s.audience,
    }


def assume_role_with_saml(answer: Any) -> dict[str, Any]:
    """AssumeRoleWithSAML's answer; *answer* is an sts.SamlAnswer."""
    issued = answer.issued
    s = issued.session
    return {
        "Credentials": credentials(s.access_key_id, issued.secret, issued.token, s.expires),
        "AssumedRoleUser": {"AssumedRoleId": issued.assumed_role_id, "Arn": issued.arn},
        "Subject": answer.subject,
        "SubjectType": answer.subject_type,
        "Issuer": answer.issuer,
        "Audience": answer.audience,
        "NameQualifier": answer.name_qualifier,
    }


def session(account: Account, s: Session) -> dict[str, Any]:
    """One recorded session (iamctl's own shape: STS has no API that lists sessions)."""
    r = account.roles[s.role]
    out: dict[str, Any] = {
        "AccessKeyId": s.access_key_id,
        "Arn": f"arn:aws:sts::{account.id}:assumed-role/{r.name}/{s.session_name}",
        "RoleArn": r.arn(account.id),
        "RoleSessionName": s.session_name,
        "Issued": s.issued,
        "Expiration": s.expires,
        "Caller": s.caller or s.provider,
        "MultiFactorAuthPresent": s.mfa,
        "Chained": s.chained,
    }
    if s.source_identity:
        out["SourceIdentity"] = s.source_identity
    if s.subject is not None:
        out["SubjectFromWebIdentityToken"] = s.subject
    if s.tags:
        out["Tags"] = tag_list(s.tags)
    if s.transitive:
        out["TransitiveTagKeys"] = list(s.transitive)
    if s.policy:
        out["Policy"] = json.loads(s.policy)
    return out
