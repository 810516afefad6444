"""AssumeRoleWithWebIdentity with each provider's documented condition keys, and identity providers."""

from __future__ import annotations

import pytest

from iamctl.core import sts
from iamctl.core.errors import IamError
from iamctl.core.service import idps, roles
from iamctl.core.service.trust import build_trust
from tests.roles.helpers import NOW, A, allow, doc, store, trust

WEB = "sts:AssumeRoleWithWebIdentity"


def _role(data, provider: str, condition: dict | None = None, name: str = "web"):
    extra = {"Condition": condition} if condition else {}
    return roles.create(data, data.accounts[A], name, trust({"Federated": provider}, action=WEB, **extra))


def _web(data, role="web", **kw):
    return sts.assume_role_with_web_identity(data, data.accounts[A], role, now=NOW, **kw)


@pytest.mark.parametrize(
    "provider,aud_key,sub_key",
    [
        ("accounts.google.com", "accounts.google.com:aud", "accounts.google.com:sub"),
        ("graph.facebook.com", "graph.facebook.com:app_id", "graph.facebook.com:id"),
        ("www.amazon.com", "www.amazon.com:app_id", "www.amazon.com:user_id"),
    ],
)
def test_well_known_providers_with_their_keys(provider, aud_key, sub_key):
    data = store()
    _role(data, provider, {"StringEquals": {aud_key: "my-app", sub_key: "user-1"}})
    issued, issuer = _web(data, provider=provider, subject="user-1", audience="my-app")
    assert issuer == provider
    assert issued.session.provider == provider and issued.session.caller is None
    assert issued.arn == f"arn:aws:sts::{A}:assumed-role/web/user-1"
    for subject, audience in (("user-2", "my-app"), ("user-1", "other-app")):
        with pytest.raises(IamError) as exc:
            _web(data, provider=provider, subject=subject, audience=audience)
        assert exc.value.code == "AccessDenied"
        assert exc.value.message.startswith(f"Not authorized to perform {WEB}")


def test_wrong_provider_for_the_trust_policy():
    data = store()
    _role(data, "accounts.google.com")
    with pytest.raises(IamError) as exc:
        _web(data, provider="graph.facebook.com", subject="1", audience="a")
    assert "trust policy" in exc.value.message


def test_oidc_provider_must_be_registered_and_know_the_audience():
    data = store()
    account = data.accounts[A]
    with pytest.raises(IamError) as exc:
        build_trust(account, web_identity="https://token.example.com")  # fine to build ...
        roles.create(data, account, "ci", build_trust(account, web_identity="https://token.example.com"))
    assert exc.value.code == "MalformedPolicyDocument"  # ... but the provider must exist
    provider = idps.create_oidc(account, "https://token.example.com/", client_ids=["sts.amazonaws.com"],
                                thumbprints=["a" * 40])
    arn = provider.arn(A)
    assert arn == f"arn:aws:iam::{A}:oidc-provider/token.example.com"
    roles.create(data, account, "ci", build_trust(account, web_identity=arn, audience="sts.amazonaws.com"))
    assert '"token.example.com:aud": "sts.amazonaws.com"' in account.roles["ci"].trust
    roles.put_policy(account, "ci", "own-prefix", doc(allow(
        "s3:PutObject", "arn:aws:s3:::builds/${token.example.com:sub}/*")))
    issued, issuer = _web(data, "ci", provider=arn, subject="repo:org/app", audience="sts.amazonaws.com")
    assert issuer == "https://token.example.com"
    assert issued.session.session_name == "repo-org-app"
    with pytest.raises(IamError) as exc:
        _web(data, "ci", provider=arn, subject="x", audience="someone-else")
    assert (exc.value.code, exc.value.message) == ("InvalidIdentityToken", "Incorrect token audience")
    with pytest.raises(IamError) as exc:
        _web(data, "ci", provider="https://unknown.example.com", subject="x", audience="sts.amazonaws.com")
    assert exc.value.code == "InvalidIdentityToken"
    # The provider's keys stay in the session's context: per-user resources work.
    caller = sts.resolve_caller(data, issued.session.access_key_id, account, NOW)
    assert caller.context["token.example.com:sub"] == ["repo:org/app"]
    assert sts.authorize(caller, "s3:PutObject", "arn:aws:s3:::builds/repo:org/app/x")[1].decision == "allowed"
    assert sts.authorize(caller, "s3:PutObject", "arn:aws:s3:::builds/other/x")[1].decision == "implicitDeny"


def test_oidc_provider_rules():
    data = store()
    account = data.accounts[A]
    for url, kw in (("http://insecure.example.com", {}), ("https://x.example.com", {"thumbprints": ["abc"]}),
                    ("https://y.example.com", {"thumbprints": ["a" * 40] * 6})):
        with pytest.raises(IamError):
            idps.create_oidc(account, url, **kw)
    idps.create_oidc(account, "https://dup.example.com")
    with pytest.raises(IamError) as exc:
        idps.create_oidc(account, "https://dup.example.com")
    assert exc.value.code == "EntityAlreadyExists"
    assert idps.delete(account, "dup.example.com") == f"arn:aws:iam::{A}:oidc-provider/dup.example.com"


SAML_METADATA = (
    '<?xml version="1.0"?><EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" '
    'entityID="https://idp.example.com" validUntil="2030-01-01T00:00:00Z">'
    + "<!-- padding -->" * 70 + "</EntityDescriptor>"
)


def test_saml_provider_and_trust():
    data = store()
    account = data.accounts[A]
    provider = idps.create_saml(account, "ExampleIdP", SAML_METADATA)
    assert provider.arn(A) == f"arn:aws:iam::{A}:saml-provider/ExampleIdP"
    assert provider.valid_until == "2030-01-01T00:00:00Z"
    roles.create(data, account, "sso", build_trust(account, saml="ExampleIdP"))
    assert "sts:AssumeRoleWithSAML" in account.roles["sso"].trust
    with pytest.raises(IamError):
        idps.create_saml(account, "short", "<EntityDescriptor/>")
    with pytest.raises(IamError):
        idps.create_saml(account, "bad name", SAML_METADATA)
    idps.delete(account, f"arn:aws:iam::{A}:saml-provider/ExampleIdP")
    with pytest.raises(IamError) as exc:
        idps.get(account, "ExampleIdP")
    assert exc.value.code == "NoSuchEntity"
