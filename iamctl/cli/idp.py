"""iamctl account idp ... (identity providers registered in an account)"""

from __future__ import annotations

import typer

from iamctl.cli.common import emit, info, parse_tags, read_account, read_document, write_account
from iamctl.core import shapes_roles
from iamctl.core.model import OidcProvider
from iamctl.core.service import idps

app = typer.Typer(no_args_is_help=True)
REF = typer.Argument(..., metavar="PROVIDER", help="Provider ARN, OIDC URL, or SAML provider name.")


@app.command("create-oidc")
def create_oidc(
    url: str = typer.Argument(..., metavar="URL", help="https://... issuer URL."),
    client_id: list[str] = typer.Option(None, "--client-id", metavar="ID", help="Audience to accept (repeatable)."),
    thumbprint: list[str] = typer.Option(None, "--thumbprint", metavar="SHA1",
                                         help="Server certificate thumbprint, 40 hex digits (repeatable, up to 5)."),
    tag: list[str] = typer.Option(None, "--tag", metavar="KEY=VALUE", help="A tag; repeat for several."),
) -> None:
    """Register an OpenID Connect provider (aws iam create-open-id-connect-provider).

    Example: iamctl account idp create-oidc https://token.actions.githubusercontent.com --client-id sts.amazonaws.com
    """
    with write_account() as account:
        provider = idps.create_oidc(account, url, client_ids=client_id, thumbprints=thumbprint, tags=parse_tags(tag))
        arn = provider.arn(account.id)
    emit({"OpenIDConnectProviderArn": arn})


@app.command("create-saml")
def create_saml(
    name: str = typer.Argument(..., metavar="NAME", help="Provider name."),
    metadata: str = typer.Option(..., "--metadata", metavar="FILE|-", help="The IdP's SAML metadata XML."),
    tag: list[str] = typer.Option(None, "--tag", metavar="KEY=VALUE", help="A tag; repeat for several."),
) -> None:
    """Register a SAML provider (aws iam create-saml-provider).

    Example: iamctl account idp create-saml ExampleIdP --metadata idp-metadata.xml
    """
    text = read_document(metadata, limit=10_000_000, parameter="sAMLMetadataDocument")  # AWS's limit
    with write_account() as account:
        arn = idps.create_saml(account, name, text, tags=parse_tags(tag)).arn(account.id)
    emit({"SAMLProviderArn": arn})


@app.command("list")
def list_() -> None:
    """The account's OIDC and SAML providers.

    Example: iamctl account idp list --output text
    """
    _, account = read_account()
    emit({
        "OpenIDConnectProviderList": [{"Arn": p.arn(account.id)} for p in account.oidc_providers.values()],
        "SAMLProviderList": [
            {"Arn": p.arn(account.id), "ValidUntil": p.valid_until, "CreateDate": p.created}
            for p in account.saml_providers.values()
        ],
    })


@app.command("get")
def get(ref: str = REF) -> None:
    """Show a provider (GetOpenIDConnectProvider / GetSAMLProvider shape).

    Example: iamctl account idp get token.actions.githubusercontent.com
    """
    _, account = read_account()
    provider = idps.get(account, ref)
    if isinstance(provider, OidcProvider):
        emit(shapes_roles.oidc_provider(provider))
    else:
        emit(shapes_roles.saml_provider(provider))


@app.command("delete")
def delete(ref: str = REF) -> None:
    """Delete a provider; roles that trust it stay, but nobody can use it to assume them.

    Example: iamctl account idp delete ExampleIdP
    """
    with write_account() as account:
        arn = idps.delete(account, ref)
    info(f"Deleted {arn}.")


def register(parent: typer.Typer, name: str, help: str) -> None:
    parent.add_typer(app, name=name, help=help)
