"""A service assuming a role (`role assume --service`), and why a trust policy refused:
the failed condition, an unregistered OIDC provider, a service principal without its domain."""

from __future__ import annotations

import json

import pytest

from iamctl.core import sts
from iamctl.core.errors import IamError, UsageError
from iamctl.core.service import idps, roles
from tests.roles.helpers import NOW, A, store, trust, user_with

ROLE_ARN = f"arn:aws:iam::{A}:role/ExampleEC2Role"


def _ec2_role(data):
    return roles.create(data, data.accounts[A], "ExampleEC2Role", trust({"Service": "ec2.amazonaws.com"}))


# ---------------------------------------------------------------- core


def test_a_trusted_service_assumes_the_role_and_its_session_is_recorded() -> None:
    data = store()
    _ec2_role(data)
    issued = sts.assume_role_as_service(data, data.accounts[A], "ExampleEC2Role", service="ec2.amazonaws.com",
                                        now=NOW, session_name="i-d7027cd1")
    assert issued.arn == f"arn:aws:sts::{A}:assumed-role/ExampleEC2Role/i-d7027cd1"
    assert issued.session.caller == "ec2.amazonaws.com"
    assert issued.session.access_key_id in data.accounts[A].sessions
    caller = sts.resolve_caller(data, issued.session.access_key_id, data.accounts[A], NOW)
    assert caller.principal.arn == issued.arn


def test_the_default_session_name_of_ec2_is_an_instance_id() -> None:
    data = store()
    _ec2_role(data)
    issued = sts.assume_role_as_service(data, data.accounts[A], ROLE_ARN, service="ec2.amazonaws.com", now=NOW)
    name = issued.session.session_name
    assert name.startswith("i-") and len(name) == 19 and int(name[2:], 16) >= 0


def test_a_service_the_role_does_not_trust_is_refused_with_awss_sentence() -> None:
    data = store()
    _ec2_role(data)
    with pytest.raises(IamError) as exc:
        sts.assume_role_as_service(data, data.accounts[A], "ExampleEC2Role", service="lambda.amazonaws.com",
                                   now=NOW)
    assert exc.value.code == "AccessDenied"
    assert exc.value.message.startswith(
        f"User: lambda.amazonaws.com is not authorized to perform: sts:AssumeRole on resource: {ROLE_ARN}")
    assert not data.accounts[A].sessions


def test_a_service_without_its_domain_gets_did_you_mean() -> None:
    data = store()
    _ec2_role(data)
    with pytest.raises(UsageError) as exc:
        sts.assume_role_as_service(data, data.accounts[A], "ExampleEC2Role", service="ec2", now=NOW)
    assert "did you mean ec2.amazonaws.com?" in str(exc.value)
    with pytest.raises(IamError) as bad:
        roles.create(data, data.accounts[A], "Typo", trust({"Service": "ec2"}))
    assert bad.value.code == "MalformedPolicyDocument"
    assert bad.value.message == 'Invalid principal in policy: "Service":"ec2" (did you mean ec2.amazonaws.com?)'


def test_a_refusal_names_the_failed_condition() -> None:
    data = store()
    account = data.accounts[A]
    user_with(account, "alice")
    roles.create(data, account, "Vendor", trust({"AWS": f"arn:aws:iam::{A}:user/alice"},
                                                Condition={"StringEquals": {"sts:ExternalId": "Unique1234"}}))
    caller = sts.resolve_caller(data, "alice", account, NOW)
    with pytest.raises(IamError) as wrong:
        sts.assume_role(data, caller, account, "Vendor", session_name="s1", now=NOW, external_id="Other5678")
    assert ("statement 1 names the caller, but its condition StringEquals on sts:ExternalId failed: "
            "expected Unique1234, given Other5678") in wrong.value.message
    with pytest.raises(IamError) as missing:
        sts.assume_role(data, caller, account, "Vendor", session_name="s1", now=NOW)
    assert "StringEquals on sts:ExternalId failed: expected Unique1234, given missing" in missing.value.message


def test_a_wrong_web_identity_audience_is_named() -> None:
    data = store()
    condition = {"StringEquals": {"accounts.google.com:aud": "my-app"}}
    roles.create(data, data.accounts[A], "web", trust({"Federated": "accounts.google.com"},
                                                      action="sts:AssumeRoleWithWebIdentity", Condition=condition))
    with pytest.raises(IamError) as exc:
        sts.assume_role_with_web_identity(data, data.accounts[A], "web", provider="accounts.google.com",
                                          subject="123", audience="other-app", now=NOW)
    assert exc.value.code == "AccessDenied"
    assert "condition StringEquals on accounts.google.com:aud failed: expected my-app, given other-app" \
        in exc.value.message


def test_an_unregistered_oidc_provider_says_which_command_registers_it() -> None:
    data = store()
    account = data.accounts[A]
    url = "token.actions.githubusercontent.com"
    idps.create_oidc(account, f"https://{url}", client_ids=["sts.amazonaws.com"])
    provider = f"arn:aws:iam::{A}:oidc-provider/{url}"
    roles.create(data, account, "gh", trust({"Federated": provider}, action="sts:AssumeRoleWithWebIdentity"))
    idps.delete(account, provider)  # AWS lets a provider go while trust policies still name it
    with pytest.raises(IamError) as exc:
        sts.assume_role_with_web_identity(data, account, "gh", provider=provider, subject="repo:o/r",
                                          audience="sts.amazonaws.com", now=NOW)
    assert exc.value.code == "InvalidIdentityToken"
    assert f"register it with: iamctl --account {A} account idp create-oidc https://{url}" in exc.value.message
    with pytest.raises(IamError) as create:
        roles.create(data, account, "gh2", trust({"Federated": provider}, action="sts:AssumeRoleWithWebIdentity"))
    assert f"account idp create-oidc https://{url}" in create.value.message


# ---------------------------------------------------------------- CLI


def test_role_assume_service_end_to_end(cli, account) -> None:
    assert cli("role", "create", "ExampleEC2Role", "--trust-service", "ec2.amazonaws.com").code == 0
    assert cli("role", "attach-policy", "ExampleEC2Role", "AmazonS3FullAccess").code == 0
    made = cli("role", "assume", "ExampleEC2Role", "--service", "ec2.amazonaws.com", "--session-name", "i-d7027cd1",
               "--output", "json")
    assert made.code == 0, made.err
    answer = made.json()
    assert set(answer) == {"Credentials", "AssumedRoleUser"}
    assert set(answer["Credentials"]) == {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}
    assert answer["AssumedRoleUser"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/ExampleEC2Role/i-d7027cd1"
    assert answer["AssumedRoleUser"]["AssumedRoleId"].endswith(":i-d7027cd1")
    key, token = answer["Credentials"]["AccessKeyId"], answer["Credentials"]["SessionToken"]
    who = cli("whoami", "--access-key-id", key, "--session-token", token, "--output", "json")
    assert who.code == 0 and who.json()["Arn"] == answer["AssumedRoleUser"]["Arn"]
    sim = cli("simulate", "principal", key, "--action", "s3:GetObject", "--action", "dynamodb:Scan", "--output", "json")
    assert sim.code == 1
    assert [r["EvalDecision"] for r in sim.json()["EvaluationResults"]] == ["allowed", "implicitDeny"]
    assert "assumed-role/ExampleEC2Role/i-d7027cd1 is not authorized to perform: dynamodb:Scan" in sim.err


@pytest.mark.parametrize("argv, code, words", [
    (("--service", "lambda.amazonaws.com"), 3,
     "AccessDenied: User: lambda.amazonaws.com is not authorized to perform: sts:AssumeRole"),
    (("--service", "ec2"), 2, "did you mean ec2.amazonaws.com?"),
    (("--service", "ec2.amazonaws.com", "--as", "alice", "--session-name", "s1"), 2, "not both"),
    ((), 2, "--session-name is required (except with --service)"),
    (("--as", "alice"), 2, "--session-name is required (except with --service)"),
    (("--service", "ec2.amazonaws.com", "--external-id", "x1"), 2, "--external-id go with --as"),
    # an empty value is AWS's length check, not the default instance ID
    (("--service", "ec2.amazonaws.com", "--session-name", ""), 3,
     "ValidationError: 1 validation error detected: Value '' at 'roleSessionName' failed to satisfy constraint: "
     "Member must have length between 2 and 64"),
    (("--service", ""), 2, "InvalidArgument: --service needs an AWS service principal, such as ec2.amazonaws.com."),
])
def test_role_assume_service_mistakes(cli, account, argv, code, words) -> None:
    assert cli("role", "create", "ExampleEC2Role", "--trust-service", "ec2.amazonaws.com").code == 0
    result = cli("role", "assume", "ExampleEC2Role", *argv)
    assert result.code == code and result.out == ""
    assert words in result.err and result.err.count("\n") == 1


def test_trust_service_without_domain_on_the_command_line(cli, account) -> None:
    result = cli("role", "create", "E", "--trust-service", "ec2")
    assert result.code == 3
    assert result.err == ('iamctl: MalformedPolicyDocument: Invalid principal in policy: "Service":"ec2" '
                          "(did you mean ec2.amazonaws.com?)\n")


def test_refused_assume_names_the_condition_on_the_command_line(cli, account, tmp_path) -> None:
    assert cli("user", "create", "alice").code == 0
    path = tmp_path / "trust.json"
    path.write_text(json.dumps(json.loads(trust({"AWS": "arn:aws:iam::123456789012:user/alice"},
                                                Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))))
    assert cli("role", "create", "Admin", "--trust", str(path)).code == 0
    result = cli("role", "assume", "Admin", "--as", "alice", "--session-name", "s1")
    assert result.code == 3
    assert "its condition Bool on aws:MultiFactorAuthPresent failed: expected true, given missing" in result.err





def test_ec2_without_an_instance_profile_gets_a_note(cli, account) -> None:
    assert cli("role", "create", "Bare", "--trust-service", "ec2.amazonaws.com").code == 0
    bare = cli("role", "assume", "Bare", "--service", "ec2.amazonaws.com", "--output", "json")
    assert bare.code == 0 and "no instance profile holds Bare" in bare.err
    assert cli("role", "instance-profile", "create", "Bare").code == 0
    assert cli("role", "instance-profile", "add-role", "Bare", "Bare").code == 0
    held = cli("role", "assume", "Bare", "--service", "ec2.amazonaws.com", "--output", "json")
    assert held.code == 0 and held.err == ""
