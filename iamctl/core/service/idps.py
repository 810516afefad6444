"""Identity providers registered in an account: OpenID Connect and SAML.

The well-known web identity providers (accounts.google.com, graph.facebook.com,
www.amazon.com) need no registration, as in AWS; see trust.WELL_KNOWN_PROVIDERS.
"""

from __future__ import annotations

import re

from iamctl.core.errors import IamError, already_exists, limit_exceeded, no_such_entity, validation_error
from iamctl.core.model import Account, OidcProvider, SamlProvider
from iamctl.core.names import now_iso
from iamctl.core.service import quotas
from iamctl.core.service.tags import apply_tags

_THUMBPRINT = re.compile(r"[0-9A-Fa-f]{40}")
_SAML_NAME = re.compile(r"[\w._-]+")
_VALID_UNTIL = re.compile(r'validUntil\s*=\s*"([^"]+)"')
SAML_METADATA_MIN, SAML_METADATA_MAX = 1000, 10_000_000


def oidc_key(url: str) -> str:
    """What an OIDC provider's ARN ends with: its URL without the scheme or a trailing slash."""
    return url.removeprefix("https://").rstrip("/")


def create_oidc(
    account: Account, url: str, *, client_ids: list[str] | None = None, thumbprints: list[str] | None = None,
    tags: dict[str, str] | None = None,
) -> OidcProvider:
    if not url.startswith("https://") or len(url) > 255 or len(url) <= len("https://"):
        raise validation_error(f"The URL {url!r} must begin with https:// and be at most 255 characters.")
    client_ids = list(dict.fromkeys(client_ids or []))
    thumbprints = list(thumbprints or [])
    if len(client_ids) > quotas.CLIENT_IDS_PER_OIDC_PROVIDER:
        raise limit_exceeded(
            f"Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: {quotas.CLIENT_IDS_PER_OIDC_PROVIDER}"
        )
    for cid in client_ids:
        if not 1 <= len(cid) <= 255:
            raise validation_error(f"The client ID {cid!r} must be 1 to 255 characters.")
    if len(thumbprints) > quotas.THUMBPRINTS_PER_OIDC_PROVIDER:
        raise limit_exceeded(
            f"Cannot exceed quota for ThumbprintsPerOpenIdConnectProvider: {quotas.THUMBPRINTS_PER_OIDC_PROVIDER}"
        )
    for tp in thumbprints:
        if not _THUMBPRINT.fullmatch(tp):
            raise validation_error(f"The thumbprint {tp!r} must be 40 hexadecimal characters.")
    key = oidc_key(url)
    if key in account.oidc_providers:
        raise already_exists(f"Provider with url {url} already exists.")
    if len(account.oidc_providers) >= quotas.OIDC_PROVIDERS_PER_ACCOUNT:
        raise limit_exceeded(
            f"Cannot exceed quota for OpenIdConnectProvidersPerAccount: {quotas.OIDC_PROVIDERS_PER_ACCOUNT}"
        )
    provider = OidcProvider(url=key, created=now_iso(), client_ids=client_ids, thumbprints=thumbprints)
    apply_tags(provider.tags, tags or {})
    account.oidc_providers[key] = provider
    return provider


def create_saml(account: Account, name: str, metadata: str, *, tags: dict[str, str] | None = None) -> SamlProvider:
    if not 1 <= len(name) <= 128 or not _SAML_NAME.fullmatch(name):
        raise validation_error(
            f"1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: "
            r"Member must satisfy regular expression pattern: [\w._-]+ and have length between 1 and 128"
        )
    if not SAML_METADATA_MIN <= len(metadata) <= SAML_METADATA_MAX or "EntityDescriptor" not in metadata:
        raise IamError(
            "InvalidInput",
            f"The SAML metadata document must be an XML EntityDescriptor of {SAML_METADATA_MIN} to "
            f"{SAML_METADATA_MAX} characters.",
        )
    if name in account.saml_providers:
        raise already_exists(f"SAMLProvider {name} already exists.")
    if len(account.saml_providers) >= quotas.SAML_PROVIDERS_PER_ACCOUNT:
        raise limit_exceeded(f"Cannot exceed quota for SAMLProvidersPerAccount: {quotas.SAML_PROVIDERS_PER_ACCOUNT}")
    found = _VALID_UNTIL.search(metadata)
    provider = SamlProvider(name=name, created=now_iso(), metadata=metadata,
                            valid_until=found.group(1) if found else None)
    apply_tags(provider.tags, tags or {})
    account.saml_providers[name] = provider
    return provider


def get(account: Account, ref: str) -> OidcProvider | SamlProvider:
    """A provider by ARN, by OIDC URL (with or without https://) or by SAML name."""
    prefix = f"arn:aws:iam::{account.id}:"
    if ref.startswith("arn:"):
        kind, _, key = ref.removeprefix(prefix).partition("/")
        found = (account.oidc_providers.get(key) if kind == "oidc-provider"
                 else account.saml_providers.get(key) if kind == "saml-provider" else None)
        if ref.startswith(prefix) and found is not None:
            return found
        raise no_such_entity(f"The provider {ref} cannot be found.")
    found = account.oidc_providers.get(oidc_key(ref)) or account.saml_providers.get(ref)
    if found is None:
        raise no_such_entity(f"The provider {ref} cannot be found.")
    return found


def delete(account: Account, ref: str) -> str:
    provider = get(account, ref)
    arn = provider.arn(account.id)
    if isinstance(provider, OidcProvider):
        del account.oidc_providers[provider.url]
    else:
        del account.saml_providers[provider.name]
    return arn
