"""Did you mean ...? Mistyped options, policy names, service principals, accounts, option
values; AWS's raw constraint messages with a plain hint; policy list --name-contains."""

from __future__ import annotations

from iamctl.core import suggest


def test_closest_prefers_a_case_only_difference_then_near_spellings() -> None:
    assert suggest.closest("local", ["All", "AWS", "Local"]) == ["Local"]
    assert suggest.closest("AmazonS3FullAcess", ["AmazonS3FullAccess", "AmazonS3ReadOnlyAccess"])[0] == (
        "AmazonS3FullAccess"
    )
    assert suggest.closest("zzz", ["All", "AWS", "Local"]) == []


def test_service_principal_for_a_short_or_misspelt_name() -> None:
    assert suggest.service_principal("ec2") == "ec2.amazonaws.com"
    assert suggest.service_principal("Lambda") == "lambda.amazonaws.com"
    assert suggest.service_principal("lamda.amazonaws.com") == "lambda.amazonaws.com"
    assert suggest.service_principal("ec2.amazonaws.com") is None
    assert suggest.service_principal("nothing-like-it") is None


def test_mistyped_global_and_command_options(cli, account) -> None:
    result = cli("user", "list", "--outptu", "json")
    assert result.code == 2 and result.out == ""
    assert result.err == "iamctl: No such option: --outptu. Did you mean --output? (see 'iamctl user list --help')\n"
    result = cli("user", "create", "bob", "--pth", "/a/")
    assert result.err == "iamctl: No such option: --pth. Did you mean --path? (see 'iamctl user create --help')\n"


def test_mistyped_aws_managed_policy_name_names_it_as_aws(cli, account) -> None:
    assert cli("user", "create", "alice").code == 0
    result = cli("user", "attach-policy", "alice", "AmazonS3FullAcess")
    assert result.code == 3
    assert result.err == (
        "iamctl: NoSuchEntity: Policy arn:aws:iam::123456789012:policy/AmazonS3FullAcess does not exist or is not "
        "attachable. Did you mean the AWS managed policy AmazonS3FullAccess "
        "(arn:aws:iam::aws:policy/AmazonS3FullAccess)?\n"
    )


def test_mistyped_customer_policy_name_names_it_as_yours(cli, account) -> None:
    doc = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'
    assert cli("policy", "create", "S3ReadBucket", "--document", "-", stdin=doc).code == 0
    result = cli("policy", "get", "S3ReadBuckt")
    assert result.code == 3 and result.err.endswith(" Did you mean your policy S3ReadBucket?\n")


def test_service_principal_given_as_an_argument(cli, account) -> None:
    result = cli("role", "create", "R", "--trust-service", "ec2")
    assert result.code == 3
    assert result.err == (
        'iamctl: MalformedPolicyDocument: Invalid principal in policy: "Service":"ec2" '
        "(did you mean ec2.amazonaws.com?)\n"
    )
    assert cli("role", "create", "R", "--trust-service", "ec2.amazonaws.com").code == 0


def test_unknown_account_lists_the_stores_and_the_closest(cli, account) -> None:
    assert cli("account", "create", "--account-id", "210987654321", "--alias", "dev").code == 0
    result = cli("--account", "exmple-corp", "user", "list")
    assert result.code == 3
    assert result.err == (
        "iamctl: NoSuchEntity: The account exmple-corp cannot be found in the store. Did you mean 123456789012 "
        "(example-corp)? The store's accounts: 123456789012 (example-corp), 210987654321 (dev).\n"
    )


def test_checked_option_value_is_a_usage_error_with_the_right_spelling(cli, account) -> None:
    result = cli("policy", "list", "--scope", "local")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "iamctl: InvalidArgument: Invalid value for '--scope': 'local' is not one of All, AWS, Local. "
        "Did you mean 'Local'?\n"
    )


def test_key_status_keeps_aws_enum_message_and_suggests(cli, account) -> None:
    assert cli("user", "create", "alice").code == 0
    key = cli("key", "create", "alice", "--output", "json").json()["AccessKey"]["AccessKeyId"]
    result = cli("key", "update", key, "--status", "inactive")
    assert result.code == 3
    assert "Member must satisfy enum value set: [Active, Inactive] Did you mean Inactive?" in result.err


def test_path_constraint_keeps_aws_text_and_gains_a_plain_hint(cli, account) -> None:
    result = cli("user", "create", "x", "--path", "engineering")
    assert result.code == 3
    assert result.err == (
        "iamctl: ValidationError: 1 validation error detected: Value 'engineering' at 'path' failed to satisfy "
        r"constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F) "
        "(a path starts and ends with /, e.g. /engineering/)\n"
    )


def test_policy_list_name_contains(cli, account) -> None:
    doc = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'
    assert cli("policy", "create", "TeamS3Access", "--document", "-", stdin=doc).code == 0
    names = cli("policy", "list", "--name-contains", "s3fullacc", "--output", "json").json()["Policies"]
    assert [p["PolicyName"] for p in names] == ["AmazonS3FullAccess"]
    local = cli("policy", "list", "--scope", "Local", "--name-contains", "S3", "--output", "json").json()
    assert [p["PolicyName"] for p in local["Policies"]] == ["TeamS3Access"]
    every = cli("policy", "list", "--name-contains", "s3", "--output", "json").json()["Policies"]
    assert "TeamS3Access" in [p["PolicyName"] for p in every] and len(every) > 10
    assert all("s3" in p["PolicyName"].lower() for p in every)
