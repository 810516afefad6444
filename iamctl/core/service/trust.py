"""Role trust policies: AWS's extra checks on them, and the console's three templates.

A trust policy is a resource-based policy with no Resource element (document.py checks
that); IAM also insists that it grants only STS role actions and names principals that
exist: a user or role of an account in the store must be there, a Federated principal
must be a well-known web identity provider or a provider registered in the account.
"""

from __future__ import annotations

import json
import re

from iamctl.core.errors import malformed_policy
from iamctl.core.model import Account, StoreData
from iamctl.core.policy.matching import match_action
from iamctl.core.service import quotas

TRUST_ACTIONS = (
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
)
# The web identity providers STS knows without registration, and the condition key names
# ("Available keys for AWS web identity federation") that carry the audience and subject.
WELL_KNOWN_PROVIDERS = {
    "accounts.google.com": ("aud", "sub"),
    "graph.facebook.com": ("app_id", "id"),
    "www.amazon.com": ("app_id", "user_id"),
}
SAML_AUDIENCE = "https://signin.aws.amazon.com/saml"
_ARN_ENTITY = re.compile(r"^arn:aws:iam::(\d{12}):(user|role)(/.*)?/([^/]+)$")


def check_trust(data: StoreData | None, account: Account, text: str) -> None:
    """Refuse a trust policy AWS would refuse (MalformedPolicyDocument)."""
    from iamctl.core.policy.document import parse_policy

    policy = parse_policy(text, kind="trust", policy_id="AssumeRolePolicyDocument", max_size=quotas.TRUST_POLICY_SIZE)
    for st in policy.statements:
        if st.actions is None:
            raise malformed_policy(f"{st.label}: a trust policy must list its actions (NotAction is not allowed).")
        for action in st.actions:
            if not any(match_action(action, allowed) for allowed in TRUST_ACTIONS):
                raise malformed_policy("AssumeRole policy may only specify STS AssumeRole actions.")
        for ptype, ids in (st.principals or st.not_principals or {}).items():
            for ident in ids:
                _check_principal(data, account, ptype, ident)


def _check_principal(data: StoreData | None, account: Account, ptype: str, ident: str) -> None:
    bad = malformed_policy(f'Invalid principal in policy: "{ptype}":"{ident}"')
    if ident == "*":
        return
    if ptype == "Service":
        if not re.fullmatch(r"[a-z0-9.-]+\.amazonaws\.com(\.cn)?", ident):
            hint = service_hint(ident)
            raise malformed_policy(f'Invalid principal in policy: "{ptype}":"{ident}"{f" ({hint})" if hint else ""}')
    elif ptype == "Federated":
        if ident in WELL_KNOWN_PROVIDERS or ident == "cognito-identity.amazonaws.com":
            return
        if provider_by_arn(account, ident) is None:
            hint = oidc_hint(account, ident)
            raise malformed_policy(f'Invalid principal in policy: "{ptype}":"{ident}"{f" ({hint})" if hint else ""}')
    elif ptype == "AWS":
        m = _ARN_ENTITY.match(ident)
        if m and data is not None and m.group(1) in data.accounts:
            # IAM resolves named users and roles when the policy is saved; in the store we
            # can do the same for every account it holds.
            owner = data.accounts[m.group(1)]
            collection = owner.users if m.group(2) == "user" else owner.roles
            entity = collection.get(m.group(4))
            if entity is None or entity.arn(owner.id) != ident:
                raise bad


def service_hint(ident: str) -> str | None:
    """"did you mean ec2.amazonaws.com?" for a service principal written without its domain."""
    from iamctl.core.suggest import service_principal

    meant = service_principal(ident)
    if meant is not None:
        return f"did you mean {meant}?"
    if re.fullmatch(r"[a-z0-9-]+", ident):
        return f"did you mean {ident}.amazonaws.com?"
    return None


def oidc_hint(account: Account, provider: str) -> str | None:
    """Which command registers an OIDC provider a trust policy or request names (by ARN or URL)."""
    if provider.startswith("arn:"):
        if ":oidc-provider/" not in provider:
            return None
        key = provider.partition(":oidc-provider/")[2]
        owner = provider.split(":", 5)[4]
    else:
        key, owner = provider.removeprefix("https://").rstrip("/"), account.id
    return (f"no OIDC provider https://{key} is registered in account {owner}; register it with: "
            f"iamctl --account {owner} account idp create-oidc https://{key} --client-id AUDIENCE")


def _check_service_argument(service: str) -> None:
    """`--trust-service ec2`: IAM would refuse the policy; say which principal was meant."""
    from iamctl.core.suggest import service_principal

    meant = service_principal(service)
    if meant is not None and not service.endswith(".amazonaws.com"):
        raise malformed_policy(f'Invalid principal in policy: "Service":"{service}" (did you mean {meant}?)')


def provider_by_arn(account: Account, arn: str):
    """The OIDC or SAML provider an ARN names in *account*, or None."""
    prefix = f"arn:aws:iam::{account.id}:"
    if not arn.startswith(prefix):
        return None
    resource = arn[len(prefix):]
    kind, _, key = resource.partition("/")
    if kind == "oidc-provider":
        return account.oidc_providers.get(key)
    if kind == "saml-provider":
        return account.saml_providers.get(key)
    return None


def web_identity_keys(provider: str) -> tuple[str, str]:
    """The condition keys for audience and subject of a provider (name or OIDC provider ARN)."""
    if provider in WELL_KNOWN_PROVIDERS:
        aud, sub = WELL_KNOWN_PROVIDERS[provider]
        return f"{provider}:{aud}", f"{provider}:{sub}"
    url = provider.partition(":oidc-provider/")[2] or provider.removeprefix("https://")
    return f"{url}:aud", f"{url}:sub"


def build_trust(
    account: Account,
    *,
    services: list[str] | None = None,
    accounts: list[str] | None = None,
    principals: list[str] | None = None,
    external_id: str | None = None,
    require_mfa: bool = False,
    web_identity: str | None = None,
    audience: str | None = None,
    saml: str | None = None,
) -> str:
    """The trust policy the console writes for a service, other accounts, or an identity provider."""
    statements: list[dict] = []
    for service in services or []:
        _check_service_argument(service)
    if services:
        statements.append({"Effect": "Allow", "Principal": {"Service": _one(services)}, "Action": "sts:AssumeRole"})
    aws = [f"arn:aws:iam::{a}:root" for a in accounts or []] + list(principals or [])
    if aws:
        st: dict = {"Effect": "Allow", "Principal": {"AWS": _one(aws)}, "Action": "sts:AssumeRole"}
        condition: dict = {}
        if external_id is not None:
            condition["StringEquals"] = {"sts:ExternalId": external_id}
        if require_mfa:
            condition["Bool"] = {"aws:MultiFactorAuthPresent": "true"}
        if condition:
            st["Condition"] = condition
        statements.append(st)
    if web_identity:
        provider = _web_provider(account, web_identity)
        st = {"Effect": "Allow", "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithWebIdentity"}
        if audience:
            st["Condition"] = {"StringEquals": {web_identity_keys(provider)[0]: audience}}
        statements.append(st)
    if saml:
        arn = saml if saml.startswith("arn:") else f"arn:aws:iam::{account.id}:saml-provider/{saml}"
        statements.append({
            "Effect": "Allow", "Principal": {"Federated": arn}, "Action": "sts:AssumeRoleWithSAML",
            "Condition": {"StringEquals": {"SAML:aud": SAML_AUDIENCE}},
        })
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=4)


def _one(values: list[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else values


def _web_provider(account: Account, name: str) -> str:
    """A well-known provider as is; an OIDC provider by ARN or URL → its ARN."""
    if name in WELL_KNOWN_PROVIDERS or name.startswith("arn:"):
        return name
    key = name.removeprefix("https://").rstrip("/")
    return f"arn:aws:iam::{account.id}:oidc-provider/{key}"
