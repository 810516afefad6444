"""iamctl account export: CloudFormation (validated by cfn-lint), Terraform (checked against
the AWS provider's documented arguments) and authorization details (imported back)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tests.transfer.test_import_cli import ACCOUNT, good

DATA = Path(__file__).resolve().parent.parent / "data" / "import"
SAML_METADATA = ('<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
                 'entityID="https://idp.example.com/saml" validUntil="2030-01-01T00:00:00Z">'
                 + "<!-- padding -->" * 70 + "</md:EntityDescriptor>")
# Policy variables must survive as policy variables, not become Terraform templates.
VARIABLE_DOC = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "iam:ChangePassword", "Resource": "arn:aws:iam::*:user/${aws:username}"}]}

# The AWS provider's documented arguments (registry.terraform.io/providers/hashicorp/aws,
# "Argument Reference" of each resource) for the resources iamctl writes.
TERRAFORM_ARGUMENTS = {
    "aws_iam_user": {"name", "path", "permissions_boundary", "force_destroy", "tags"},
    "aws_iam_group": {"name", "path"},
    "aws_iam_user_group_membership": {"user", "groups"},
    "aws_iam_policy": {"name", "name_prefix", "path", "description", "policy", "tags"},
    "aws_iam_user_policy_attachment": {"user", "policy_arn"},
    "aws_iam_group_policy_attachment": {"group", "policy_arn"},
    "aws_iam_role_policy_attachment": {"role", "policy_arn"},
    "aws_iam_user_policy": {"name", "name_prefix", "user", "policy"},
    "aws_iam_group_policy": {"name", "name_prefix", "group", "policy"},
    "aws_iam_role_policy": {"name", "name_prefix", "role", "policy"},
    "aws_iam_role": {"name", "name_prefix", "path", "description", "assume_role_policy", "max_session_duration",
                     "permissions_boundary", "force_detach_policies", "tags"},
    "aws_iam_instance_profile": {"name", "name_prefix", "path", "role", "tags"},
    "aws_iam_openid_connect_provider": {"url", "client_id_list", "thumbprint_list", "tags"},
    "aws_iam_saml_provider": {"name", "saml_metadata_document", "tags"},
}
REQUIRED = {"aws_iam_user": {"name"}, "aws_iam_group": {"name"}, "aws_iam_user_group_membership": {"user", "groups"},
            "aws_iam_policy": {"policy"}, "aws_iam_role": {"assume_role_policy"},
            "aws_iam_openid_connect_provider": {"url"},
            "aws_iam_saml_provider": {"name", "saml_metadata_document"}}
REFERENCE = re.compile(r"(?<!\$)\$\{(aws_iam_[a-z_]+)\.([A-Za-z0-9_-]+)\.(name|arn)\}")


@pytest.fixture
def rich(cli, tmp_path):
    """The hand-built account of the import tests, plus providers, a role trusting a user,
    policy variables and names that need care as identifiers."""
    path = tmp_path / "good.json"
    path.write_text(json.dumps(good()))
    assert cli("account", "import", str(path), "--alias", "prod").code == 0
    saml = tmp_path / "saml.xml"
    saml.write_text(SAML_METADATA)
    for argv in (
        ("account", "idp", "create-oidc", "https://token.actions.githubusercontent.com", "--client-id",
         "sts.amazonaws.com", "--thumbprint", "6938fd4d98bab03faadb97b34396831e3780aea1"),
        ("account", "idp", "create-saml", "Okta", "--metadata", str(saml)),
        ("user", "create", "svc.deploy@ci", "--tag", "owner=ci"),
        ("key", "create", "alice"),
        ("user", "password", "set", "alice", "--generate"),
        ("role", "create", "deployer", "--trust-principal", f"arn:aws:iam::{ACCOUNT}:user/svc.deploy@ci",
         "--description", "CI deploys", "--max-session-duration", "7200", "--boundary", "PowerUserAccess"),
        ("role", "create", "saml-admins", "--trust-saml", "Okta"),
        ("role", "attach-policy", "deployer", "Mine"),
        ("user", "put-policy", "svc.deploy@ci", "own-password", "--document", "-"),
    ):
        stdin = json.dumps(VARIABLE_DOC) if argv[-1] == "-" else None
        result = cli(*argv, stdin=stdin)
        assert result.code == 0, (argv, result.err)
    return tmp_path


def _export(cli, fmt: str) -> dict:
    result = cli("account", "export", "--format", fmt)
    assert result.code == 0, result.err
    return json.loads(result.out)


def _lint(template: dict) -> list[str]:
    from cfnlint.api import lint_all

    return [f"{m.rule.id} {m.message}" for m in lint_all(json.dumps(template)) if m.rule.id[0] in "EW"]


def test_cloudformation_passes_cfn_lint(cli, rich):
    template = _export(cli, "cloudformation")
    assert _lint(template) == []


def test_cloudformation_of_the_aws_cli_fixture_passes_cfn_lint(cli):
    assert cli("account", "import", str(DATA / "moto_cli.json")).code == 0
    assert _lint(_export(cli, "cloudformation")) == []


def test_cloudformation_structure(cli, rich):
    template = _export(cli, "cloudformation")
    assert "No secrets" in template["Description"] and f"{ACCOUNT} (prod)" in template["Description"]
    resources = template["Resources"]
    types = {r["Type"] for r in resources.values()}
    assert types == {"AWS::IAM::ManagedPolicy", "AWS::IAM::Group", "AWS::IAM::User", "AWS::IAM::Role",
                     "AWS::IAM::InstanceProfile", "AWS::IAM::OIDCProvider", "AWS::IAM::SAMLProvider"}
    # readable logical IDs from names
    assert {"UserAlice", "UserSvcDeployCi", "GroupDevs", "PolicyMine", "RoleWeb", "RoleDeployer",
            "InstanceProfileWeb", "SAMLProviderOkta"} <= set(resources)
    alice = resources["UserAlice"]["Properties"]
    assert alice["Groups"] == [{"Ref": "GroupDevs"}]
    assert alice["ManagedPolicyArns"] == [{"Ref": "PolicyMine"}]  # customer managed: Ref
    assert alice["PermissionsBoundary"] == "arn:aws:iam::aws:policy/PowerUserAccess"  # AWS managed: ARN
    assert alice["Tags"] == [{"Key": "team", "Value": "web"}]
    devs = resources["GroupDevs"]["Properties"]
    assert devs["ManagedPolicyArns"] == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    deployer = resources["RoleDeployer"]
    assert deployer["DependsOn"] == ["UserSvcDeployCi"]  # the trusted user must exist first
    assert deployer["Properties"]["MaxSessionDuration"] == 7200
    assert resources["InstanceProfileWeb"]["Properties"]["Roles"] == [{"Ref": "RoleWeb"}]
    mine = resources["PolicyMine"]["Properties"]["PolicyDocument"]
    assert mine["Statement"][0]["Sid"] == "Two"  # the default version
    # Every Ref names a resource of the template
    refs = re.findall(r'\{"Ref": "([^"]+)"\}', json.dumps(template))
    assert refs and set(refs) <= set(resources)
    # no secrets: no access keys, no login profiles (alice has a key in the store)
    assert "AWS::IAM::AccessKey" not in types
    assert not any("LoginProfile" in r["Properties"] for r in resources.values())


def test_logical_ids_are_stable(cli, rich):
    first = _export(cli, "cloudformation")
    assert cli("user", "create", "aaa-first").code == 0  # a new user sorts first: nothing else moves
    second = _export(cli, "cloudformation")
    assert set(second["Resources"]) - set(first["Resources"]) == {"UserAaaFirst"}


def test_clashing_names_get_distinct_ids(cli, account):
    for name in ("a.b", "a-b", "a_b"):
        assert cli("user", "create", name).code == 0
    ids = [k for k in _export(cli, "cloudformation")["Resources"] if k.startswith("UserAB")]
    assert sorted(ids) == ["UserAB", "UserAB2", "UserAB3"]
    names = list(_export(cli, "terraform")["resource"]["aws_iam_user"])
    assert len(set(names)) == 3


def test_terraform_structure(cli, rich):
    config = _export(cli, "terraform")
    assert "No secrets" in config["//"]
    assert config["terraform"]["required_providers"]["aws"]["source"] == "hashicorp/aws"
    resources = config["resource"]
    assert set(resources) == set(TERRAFORM_ARGUMENTS) - {"aws_iam_group_policy", "aws_iam_role_policy"}
    for kind, entries in resources.items():
        assert kind in TERRAFORM_ARGUMENTS, kind
        for name, args in entries.items():
            assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", name), name
            assert set(args) <= TERRAFORM_ARGUMENTS[kind], (kind, set(args) - TERRAFORM_ARGUMENTS[kind])
            assert REQUIRED.get(kind, set()) <= set(args), (kind, name)
    # references instead of copied names, and every reference resolves
    text = json.dumps(config)
    found = REFERENCE.findall(text)
    assert found
    for kind, name, _ in found:
        assert name in resources[kind], (kind, name)
    # every entity of the account is there
    details = json.loads(cli("account", "authorization-details", "--output", "json").out)
    assert len(resources["aws_iam_user"]) == len(details["UserDetailList"])
    assert len(resources["aws_iam_group"]) == len(details["GroupDetailList"])
    assert len(resources["aws_iam_role"]) == len(details["RoleDetailList"])
    local = [p for p in details["Policies"] if ":aws:policy/" not in p["Arn"]]
    assert len(resources["aws_iam_policy"]) == len(local)
    attachments = sum(len(e["AttachedManagedPolicies"]) for key in ("UserDetailList", "GroupDetailList",
                                                                     "RoleDetailList") for e in details[key])
    assert attachments == sum(len(resources[f"aws_iam_{k}_policy_attachment"]) for k in ("user", "group", "role"))
    membership = resources["aws_iam_user_group_membership"]["alice"]
    assert membership == {"user": "${aws_iam_user.alice.name}", "groups": ["${aws_iam_group.devs.name}"]}
    attachment = resources["aws_iam_user_policy_attachment"]["alice_Mine"]
    assert attachment["policy_arn"] == "${aws_iam_policy.Mine.arn}"
    assert resources["aws_iam_instance_profile"]["web"]["role"] == "${aws_iam_role.web.name}"
    # documents are JSON strings; policy variables are escaped from Terraform's templates
    for kind, key in (("aws_iam_policy", "policy"), ("aws_iam_role", "assume_role_policy"),
                      ("aws_iam_user_policy", "policy")):
        for args in resources[kind].values():
            assert isinstance(args[key], str)
            json.loads(args[key].replace("$${", "${"))
    own = resources["aws_iam_user_policy"]["svc_deploy_ci_own-password"]["policy"]
    assert "user/$${aws:username}" in own and json.loads(own.replace("$${", "${")) == VARIABLE_DOC


def test_authorization_details_export_imports_into_an_empty_store_as_the_same_account(cli, rich, tmp_path):
    exported = cli("account", "export", "--format", "authorization-details", "--file", str(tmp_path / "ad.json"))
    assert exported.code == 0 and exported.out == ""
    assert (tmp_path / "ad.json").stat().st_mode & 0o777 == 0o600
    before = _export(cli, "authorization-details")
    assert json.loads((tmp_path / "ad.json").read_text()) == before
    assert before == json.loads(cli("account", "authorization-details", "--output", "json").out)
    os.environ["IAMCTL_STORE"] = str(tmp_path / "empty.toml")  # restored by the fixture's monkeypatch
    result = cli("account", "import", str(tmp_path / "ad.json"))
    assert result.code == 0, result.err
    assert "adjusted: nothing." in result.err and result.err.count("\n") == 1
    # the format has no identity providers: the one the SAML role trusts is named, to register
    assert result.err.rstrip().endswith("create-saml|create-oidc': arn:aws:iam::123456789012:saml-provider/Okta.")
    assert _export(cli, "authorization-details") == before


def test_bad_format_and_unwritable_file(cli, account):
    bad = cli("account", "export", "--format", "yaml")
    assert bad.code == 2 and bad.out == "" and bad.err.count("\n") == 1 and "'yaml'" in bad.err
    nowhere = cli("account", "export", "--format", "terraform", "--file", "/nonexistent/dir/x.tf.json")
    assert nowhere.code == 2 and nowhere.err.startswith("iamctl: UnwritableFile: Cannot write /nonexistent")


def test_cloudformation_says_when_a_template_is_beyond_one_stack():
    from iamctl.core.model import Account, User
    from iamctl.core.transfer import cloudformation

    account = Account(id=ACCOUNT, created="2024-01-01T00:00:00Z")
    template = cloudformation.template(account)
    assert cloudformation.deploy_note(template, 1000) is None
    assert "--s3-bucket" in cloudformation.deploy_note(template, 60_000)
    for i in range(501):
        account.users[f"u{i}"] = User(name=f"u{i}", id=f"AIDA{i:017d}", created="2024-01-01T00:00:00Z")
    template = cloudformation.template(account)
    note = cloudformation.deploy_note(template, 90_000)
    assert note.startswith("This template declares 501 resources") and "split the account" in note


def test_export_to_stdout_says_nothing_on_stderr_for_a_small_account(cli, rich):
    result = cli("account", "export", "--format", "cloudformation")
    assert result.code == 0 and result.err == ""
