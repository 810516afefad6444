"""AssumeRoleWithSAML: the trust policy decides with the saml: keys AWS documents."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime

import pytest

from iamctl.core import sts
from iamctl.core.errors import IamError
from iamctl.core.service import idps, roles
from iamctl.core.service.trust import build_trust
from tests.roles.helpers import NOW, A, doc, store

ISSUER = "http://adfs.example.com/adfs/services/trust"
METADATA = (
    '<?xml version="1.0"?><EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" '
    'entityID="http://adfs.example.com/adfs/services/trust" validUntil="2030-01-01T00:00:00Z">'
    + "<!-- padding -->" * 70 + "</EntityDescriptor>"
)


def _saml_store(trust: str | None = None):
    data = store()
    account = data.accounts[A]
    idps.create_saml(account, "ADFS", METADATA)
    roles.create(data, account, "ADFS-Dev", trust or build_trust(account, saml="ADFS"))
    return data


def _assume(data, **kw):
    kw.setdefault("provider", "ADFS")
    kw.setdefault("subject", "alice@example.com")
    kw.setdefault("session_name", "alice")
    kw.setdefault("issuer", ISSUER)
    return sts.assume_role_with_saml(data, data.accounts[A], "ADFS-Dev", now=NOW, **kw)


def test_the_consoles_saml_trust_lets_an_assertion_for_aws_in():
    data = _saml_store()
    answer = _assume(data)
    assert answer.issued.arn == f"arn:aws:sts::{A}:assumed-role/ADFS-Dev/alice"
    assert answer.audience == "https://signin.aws.amazon.com/saml" and answer.subject_type == "persistent"
    # AWS: saml:namequalifier = BASE64(SHA1(issuer + account ID + "/" + provider name)).
    expected = base64.b64encode(hashlib.sha1(f"{ISSUER}{A}/ADFS".encode()).digest()).decode()
    assert answer.name_qualifier == expected
    session = data.accounts[A].sessions[answer.issued.session.access_key_id]
    assert session.provider == f"arn:aws:iam::{A}:saml-provider/ADFS" and session.subject == "alice@example.com"
    identity = sts.get_caller_identity(data, session.access_key_id, NOW, session_token=answer.issued.token)
    assert identity.arn == f"arn:aws:sts::{A}:assumed-role/ADFS-Dev/alice"


def test_an_assertion_for_another_audience_is_refused():
    data = _saml_store()
    with pytest.raises(IamError) as exc:
        _assume(data, audience="https://elsewhere.example.com/saml")
    assert exc.value.code == "AccessDenied"
    assert exc.value.message.startswith("Not authorized to perform sts:AssumeRoleWithSAML")


@pytest.mark.parametrize(("condition", "allowed"), [
    ({"StringEquals": {"saml:iss": ISSUER}}, True),
    ({"StringEquals": {"saml:iss": "https://other-idp.example.com"}}, False),
    ({"StringLike": {"saml:sub": "*@example.com"}}, True),
    ({"StringEquals": {"saml:sub_type": "transient"}}, False),
    ({"StringEquals": {"saml:doc": f"{A}/ADFS"}}, True),
])
def test_the_trust_policys_saml_conditions_decide(condition, allowed):
    trust = doc({"Effect": "Allow", "Principal": {"Federated": f"arn:aws:iam::{A}:saml-provider/ADFS"},
                 "Action": "sts:AssumeRoleWithSAML", "Condition": condition})
    data = _saml_store(trust)
    if allowed:
        assert _assume(data).issued.session.session_name == "alice"
    else:
        with pytest.raises(IamError) as exc:
            _assume(data)
        assert exc.value.code == "AccessDenied"


def test_the_provider_must_be_registered_and_its_metadata_valid():
    data = _saml_store()
    with pytest.raises(IamError) as exc:
        _assume(data, provider="Okta")
    assert exc.value.code == "InvalidIdentityToken"
    with pytest.raises(IamError) as exc:
        _assume(data, provider=f"arn:aws:iam::{A}:saml-provider/Okta")
    assert exc.value.code == "InvalidIdentityToken"
    late = datetime(2030, 1, 2, tzinfo=UTC)
    with pytest.raises(IamError) as exc:
        sts.assume_role_with_saml(data, data.accounts[A], "ADFS-Dev", provider="ADFS", subject="a",
                                  session_name="alice", issuer=ISSUER, now=late)
    assert exc.value.code == "InvalidIdentityToken" and "expired" in exc.value.message


def test_assume_saml_from_the_cli(cli, account, tmp_path):
    metadata = tmp_path / "adfs.xml"
    metadata.write_text(METADATA)
    assert cli("account", "idp", "create-saml", "ADFS", "--metadata", str(metadata)).code == 0
    assert cli("role", "create", "ADFS-Dev", "--trust-saml", "ADFS").code == 0
    r = cli("role", "assume-saml", "ADFS-Dev", "--provider", "ADFS", "--subject", "alice@example.com",
            "--session-name", "alice", "--issuer", ISSUER, "--at", "2024-05-01T12:00:00Z", "--output", "json")
    assert r.code == 0, r.err
    answer = r.json()
    assert answer["AssumedRoleUser"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/ADFS-Dev/alice"
    assert answer["Credentials"]["AccessKeyId"].startswith("ASIA")
    assert {k: answer[k] for k in ("Subject", "SubjectType", "Issuer", "Audience")} == {
        "Subject": "alice@example.com", "SubjectType": "persistent", "Issuer": ISSUER,
        "Audience": "https://signin.aws.amazon.com/saml"}
    env = cli("role", "assume-saml", "ADFS-Dev", "--provider", "ADFS", "--subject", "a", "--session-name", "bob",
              "--issuer", ISSUER, "--format", "env")
    assert env.code == 0 and env.out.startswith("export AWS_ACCESS_KEY_ID=ASIA")
    refused = cli("role", "assume-saml", "ADFS-Dev", "--provider", "ADFS", "--subject", "a", "--session-name",
                  "bob", "--issuer", ISSUER, "--audience", "https://elsewhere.example.com/saml")
    assert refused.code == 3 and refused.err.startswith(
        "iamctl: AccessDenied: Not authorized to perform sts:AssumeRoleWithSAML")
    assert json.loads(cli("role", "sessions", "ADFS-Dev", "--output", "json").out)["Sessions"]
