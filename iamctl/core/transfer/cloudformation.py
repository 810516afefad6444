"""An account's IAM as a CloudFormation template (JSON) that `aws cloudformation deploy` takes.

Customer managed policies are referenced with Ref (which gives a ManagedPolicy's ARN),
groups from users with Ref (a Group's name), roles from instance profiles with Ref (a
Role's name); AWS managed policies by ARN. A managed policy deploys as its default
version only: CloudFormation has no policy versions. Nothing secret is exported.
"""

from __future__ import annotations

import json
import re
from typing import Any

from iamctl import __version__
from iamctl.core.model import Account
from iamctl.core.transfer.names import IdMaker

NO_SECRETS = ("No secrets: passwords, access keys and MFA devices are not exported; "
              "managed policies deploy as their default version.")


def template(account: Account) -> dict[str, Any]:
    ids = IdMaker("cloudformation")
    policy_ids = {p.arn(account.id): ids("Policy", p.name) for p in _sorted(account.policies)}
    group_ids = {g.name: ids("Group", g.name) for g in _sorted(account.groups)}
    user_ids = {u.arn(account.id): ids("User", u.name) for u in _sorted(account.users)}
    role_ids = {r.arn(account.id): ids("Role", r.name) for r in _sorted(account.roles)}
    refs = _Refs(policy_ids)
    resources: dict[str, Any] = {}
    for p in _sorted(account.policies):
        props = {"ManagedPolicyName": p.name, "Path": p.path, "PolicyDocument": json.loads(p.document)}
        if p.description:
            props["Description"] = p.description
        resources[policy_ids[p.arn(account.id)]] = {"Type": "AWS::IAM::ManagedPolicy", "Properties": props}
    for g in _sorted(account.groups):
        props = {"GroupName": g.name, "Path": g.path, **refs.policies(g.attached, g.inline)}
        resources[group_ids[g.name]] = {"Type": "AWS::IAM::Group", "Properties": props}
    for u in _sorted(account.users):
        props = {"UserName": u.name, "Path": u.path}
        if u.groups:
            props["Groups"] = [{"Ref": group_ids[name]} for name in u.groups]
        props.update(refs.policies(u.attached, u.inline))
        props.update(refs.boundary(u.boundary))
        props.update(_tags(u.tags))
        resources[user_ids[u.arn(account.id)]] = {"Type": "AWS::IAM::User", "Properties": props}
    for r in _sorted(account.roles):
        props = {"RoleName": r.name, "Path": r.path, "AssumeRolePolicyDocument": json.loads(r.trust)}
        if r.description:
            props["Description"] = r.description
        if r.max_session_duration != 3600:
            props["MaxSessionDuration"] = r.max_session_duration
        props.update(refs.policies(r.attached, r.inline))
        props.update(refs.boundary(r.boundary))
        props.update(_tags(r.tags))
        resource: dict[str, Any] = {"Type": "AWS::IAM::Role", "Properties": props}
        # IAM checks a trust policy's principals when it is saved: users and roles of the
        # template that it names must exist first.
        own, principals = role_ids[r.arn(account.id)], _principal_arns(r.trust)
        named = sorted({lid for arn, lid in {**user_ids, **role_ids}.items() if arn in principals and lid != own})
        if named:
            resource["DependsOn"] = named
        resources[own] = resource
    for ip in _sorted(account.instance_profiles):
        props = {"InstanceProfileName": ip.name, "Path": ip.path,
                 "Roles": [{"Ref": role_ids[account.roles[name].arn(account.id)]} for name in ip.roles]}
        resources[ids("InstanceProfile", ip.name)] = {"Type": "AWS::IAM::InstanceProfile", "Properties": props}
    for key, oidc in sorted(account.oidc_providers.items()):
        props = {"Url": f"https://{key}", "ClientIdList": list(oidc.client_ids)}
        if oidc.thumbprints:
            props["ThumbprintList"] = list(oidc.thumbprints)
        props.update(_tags(oidc.tags))
        resources[ids("OIDCProvider", key)] = {"Type": "AWS::IAM::OIDCProvider", "Properties": props}
    for saml in _sorted(account.saml_providers):
        props = {"Name": saml.name, "SamlMetadataDocument": saml.metadata, **_tags(saml.tags)}
        resources[ids("SAMLProvider", saml.name)] = {"Type": "AWS::IAM::SAMLProvider", "Properties": props}
    label = f"{account.id} ({account.alias})" if account.alias else account.id
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"IAM of account {label}, exported by iamctl {__version__}. {NO_SECRETS}",
        "Resources": resources,
    }


# CloudFormation's quotas ("Understand CloudFormation quotas"): resources declared in one
# template, and the size of a template body uploaded to S3 / sent in the request itself.
MAX_RESOURCES = 500
MAX_TEMPLATE_BYTES = 1_000_000
MAX_INLINE_TEMPLATE_BYTES = 51_200


def deploy_note(template: dict[str, Any], size: int) -> str | None:
    """One line for stderr when the template is beyond what one stack or one request takes."""
    count = len(template["Resources"])
    if count > MAX_RESOURCES or size > MAX_TEMPLATE_BYTES:
        return (f"This template declares {count} resources in {size:,} bytes; one CloudFormation stack takes at "
                f"most {MAX_RESOURCES} resources and {MAX_TEMPLATE_BYTES:,} bytes: split the account across stacks "
                "or deploy it with Terraform.")
    if size > MAX_INLINE_TEMPLATE_BYTES:
        return (f"This template is {size:,} bytes, more than the {MAX_INLINE_TEMPLATE_BYTES:,} a request can carry: "
                "give 'aws cloudformation deploy' an --s3-bucket to upload it to.")
    return None


def _sorted(collection: Any) -> list[Any]:
    return [collection[k] for k in sorted(collection)]


def _tags(tags: dict[str, str]) -> dict[str, Any]:
    return {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]} if tags else {}


_PRINCIPAL_ARN = re.compile(r"arn:aws:iam::\d{12}:(?:user|role)/[^\"]*")


def _principal_arns(trust: str) -> set[str]:
    return set(_PRINCIPAL_ARN.findall(trust))


class _Refs:
    """Policy ARNs as the template says them: Ref for the template's own policies."""

    def __init__(self, policy_ids: dict[str, str]) -> None:
        self.policy_ids = policy_ids

    def arn(self, arn: str) -> Any:
        return {"Ref": self.policy_ids[arn]} if arn in self.policy_ids else arn

    def policies(self, attached: list[str], inline: dict[str, str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if attached:
            out["ManagedPolicyArns"] = [self.arn(a) for a in attached]
        if inline:
            out["Policies"] = [{"PolicyName": name, "PolicyDocument": json.loads(text)}
                               for name, text in inline.items()]
        return out

    def boundary(self, arn: str | None) -> dict[str, Any]:
        return {"PermissionsBoundary": self.arn(arn)} if arn else {}
