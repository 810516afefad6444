"""simulate custom's organization and network inputs on the command line: --scp-level,
--rcp / --rcp-level, --endpoint-policy and --context-json."""

from __future__ import annotations

import json

import pytest

from tests.simulate.conftest import allow, deny, doc

FULL_RCP = {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}


def _results(result) -> list[dict]:
    return result.json()["EvaluationResults"]


@pytest.fixture
def files(write):
    return {
        "admin": write("admin.json", doc(allow("*"))),
        "full": write("full.json", doc(allow("*"))),
        "s3only": write("s3only.json", doc(allow("s3:*"))),
        "ec2only": write("ec2only.json", doc(allow("ec2:*"))),
        "nos3": write("nos3.json", doc(deny("s3:DeleteBucket"))),
    }


def test_scp_levels_every_level_must_allow(cli, files) -> None:
    base = ("simulate", "custom", "--policy", files["admin"], "--output", "json")
    levels = ("--scp-level", files["full"], "--scp-level", f"{files['s3only']},{files['ec2only']}",
              "--scp-level", files["full"])
    result = cli(*base, *levels, "--action", "s3:GetObject", "--action", "ec2:RunInstances", "--action",
                 "sqs:SendMessage")
    assert result.code == 1
    decisions = {r["EvalActionName"]: r for r in _results(result)}
    assert decisions["s3:GetObject"]["EvalDecision"] == "allowed"
    assert decisions["ec2:RunInstances"]["EvalDecision"] == "allowed"  # one allowing SCP per level is enough
    sqs = decisions["sqs:SendMessage"]
    assert sqs["EvalDecision"] == "implicitDeny"
    assert sqs["Explanation"] == "No service control policy at level 2 allows sqs:SendMessage."
    assert sqs["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": False}


def test_an_scp_deny_at_any_level_wins(cli, files) -> None:
    result = cli("simulate", "custom", "--policy", files["admin"], "--scp-level", files["full"],
                 "--scp-level", f"{files['full']},{files['nos3']}", "--action", "s3:DeleteBucket", "--output", "json")
    assert result.code == 1
    (r,) = _results(result)
    assert r["EvalDecision"] == "explicitDeny"
    assert "SCP nos3.json at level 2 statement 1" in r["Explanation"]


def test_scp_and_scp_level_together_is_a_usage_error(cli, files) -> None:
    result = cli("simulate", "custom", "--policy", files["admin"], "--scp", files["full"],
                 "--scp-level", files["full"], "--action", "s3:GetObject")
    assert result.code == 2 and result.out == ""
    assert result.err == "iamctl: InvalidArgument: Give either --scp (one level) or --scp-level (a level each), " \
                         "not both.\n"
    empty = cli("simulate", "custom", "--policy", files["admin"], "--scp-level", f"{files['full']},",
                "--action", "s3:GetObject")
    assert empty.code == 2 and "comma-separated" in empty.err


def test_rcp_flags(cli, write, files) -> None:
    org_only = write("org-only.json", doc({
        "Sid": "OrgOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
        "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"}}}))
    base = ("simulate", "custom", "--policy", files["admin"], "--action", "s3:GetObject", "--action",
            "ec2:RunInstances", "--output", "json")
    outside = cli(*base, "--rcp-level", org_only, "--rcp-level", org_only)
    assert outside.code == 1
    s3, ec2 = _results(outside)
    assert s3["EvalDecision"] == "explicitDeny"
    assert s3["Explanation"].startswith('Explicitly denied by RCP org-only.json at level 1 statement 1 (Sid "OrgOnly")')
    assert "with an explicit deny in a resource control policy" in outside.err
    assert ec2["EvalDecision"] == "allowed"  # RCPs cover only the services AWS lists
    inside = cli(*base, "--rcp", org_only, "--context", "aws:PrincipalOrgID=o-abc")
    assert inside.code == 0, inside.err  # RCPFullAWSAccess is part of every level
    both = cli(*base, "--rcp", org_only, "--rcp-level", org_only)
    assert both.code == 2 and "--rcp" in both.err
    allowing = write("allowing.json", doc({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}))
    bad = cli(*base, "--rcp", allowing)
    assert bad.code == 3 and "may only Deny" in bad.err


def test_endpoint_policy(cli, write, files) -> None:
    endpoint = write("vpce.json", doc({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                       "Resource": "arn:aws:s3:::corp/*"},
                                      {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                                       "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}))
    base = ("simulate", "custom", "--policy", files["admin"], "--endpoint-policy", endpoint, "--output", "json")
    through = cli(*base, "--action", "s3:GetObject", "--action", "s3:PutObject", "--resource",
                  "arn:aws:s3:::corp/a", "--context", "aws:SourceVpce=vpce-1a2b3c4d")
    get, put = _results(through)
    assert get["EvalDecision"] == "allowed"
    assert put["EvalDecision"] == "implicitDeny"
    assert put["Explanation"] == "The VPC endpoint policy vpce.json does not allow s3:PutObject."
    assert "because no VPC endpoint policy allows the s3:PutObject action" in through.err
    other = cli(*base, "--action", "s3:GetObject", "--resource", "arn:aws:s3:::corp/a",
                "--context", "aws:SourceVpce=vpce-other")
    (r,) = _results(other)
    assert r["EvalDecision"] == "explicitDeny" and "VPC endpoint policy vpce.json statement 2" in r["Explanation"]


@pytest.mark.parametrize("value, decision", [
    ('{"aws:SecureTransport": null}', "implicitDeny"),   # removed: the Null test sees no key
    ('{"aws:SecureTransport": "true"}', "allowed"),
    ('{"aws:SecureTransport": []}', "implicitDeny"),     # present with no values counts as no value
])
def test_context_json_values(cli, write, value, decision) -> None:
    tls = write("tls.json", doc(allow("s3:*", Condition={"Null": {"aws:SecureTransport": "false"}})))
    result = cli("simulate", "custom", "--policy", tls, "--action", "s3:GetObject", "--context-json", value,
                 "--output", "json")
    assert _results(result)[0]["EvalDecision"] == decision


def test_context_json_removes_keys_iamctl_fills_and_combines_with_context(cli, write) -> None:
    policy = write("p.json", doc(allow("s3:*", Condition={
        "Null": {"aws:PrincipalArn": "true", "aws:CurrentTime": "true"},
        "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]},
        "StringEquals": {"aws:SourceVpce": "vpce-1"}})))
    result = cli("simulate", "custom", "--policy", policy, "--action", "s3:GetObject", "--output", "json",
                 "--context-json", json.dumps({"aws:PrincipalArn": None, "aws:CurrentTime": None,
                                               "aws:TagKeys": ["team", "team"]}),
                 "--context", "aws:SourceVpce=vpce-1")
    assert result.code == 0, (result.out, result.err)
    kept = cli("simulate", "custom", "--policy", policy, "--action", "s3:GetObject",
               "--context-json", '{"aws:TagKeys": ["team"]}', "--context", "aws:SourceVpce=vpce-1")
    assert kept.code == 1  # aws:PrincipalArn and aws:CurrentTime are filled unless removed


@pytest.mark.parametrize("value, words", [
    ("{bad", "--context-json is not valid JSON"),
    ('["a"]', "takes a JSON object"),
    ('{"aws:SecureTransport": true}', "must be a string, a list of strings or null"),
    ('{"k": [1]}', "must be a string, a list of strings or null"),
    ('{"aws:SourceVpce": "x"}', "given both in --context and in --context-json"),
])
def test_context_json_mistakes_are_usage_errors(cli, files, value, words) -> None:
    result = cli("simulate", "custom", "--policy", files["admin"], "--action", "s3:GetObject",
                 "--context", "AWS:SourceVpce=y", "--context-json", value)
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("iamctl: InvalidArgument: ") and words in result.err
    assert result.err.count("\n") == 1


def test_simulate_principal_takes_context_json_and_endpoint_policy(cli, account, write) -> None:
    assert cli("user", "create", "alice").code == 0
    assert cli("user", "attach-policy", "alice", "AmazonS3FullAccess").code == 0
    endpoint = write("vpce.json", doc({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                       "Resource": "*"}))
    result = cli("simulate", "principal", "alice", "--action", "s3:PutObject", "--endpoint-policy", endpoint,
                 "--output", "json")
    assert result.code == 1 and _results(result)[0]["Explanation"].startswith("The VPC endpoint policy vpce.json")
    named = write("named.json", doc(allow("s3:*", Condition={"Null": {"aws:username": "false"}})))
    assert cli("user", "put-policy", "alice", "Named", "--document", named).code == 0
    assert cli("user", "detach-policy", "alice", "AmazonS3FullAccess").code == 0
    assert cli("simulate", "principal", "alice", "--action", "s3:GetObject").code == 0
    gone = cli("simulate", "principal", "alice", "--action", "s3:GetObject", "--context-json", '{"aws:username": null}')
    assert gone.code == 1


def test_simulate_run_cases_with_levels_rcps_and_endpoint(cli, write, files, tmp_path) -> None:
    write("org-only.json", doc({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                                "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"}}}))
    write("vpce.json", doc({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}))
    cases = tmp_path / "cases.toml"
    cases.write_text("""
[defaults]
policies = ["admin.json"]

[[case]]
name = "sqs is not allowed at level 2"
scp_levels = [["full.json"], ["s3only.json", "ec2only.json"]]
action = "sqs:SendMessage"
expect = "implicitDeny"

[[case]]
name = "outsiders meet the RCP"
rcp_levels = [["org-only.json"]]
action = "s3:GetObject"
expect = "explicitDeny"

[[case]]
name = "insiders pass it"
rcps = ["org-only.json"]
context = { "aws:PrincipalOrgID" = "o-abc" }
action = "s3:GetObject"
expect = "allowed"

[[case]]
name = "the endpoint allows reads only"
endpoint_policy = "vpce.json"
actions = ["s3:PutObject"]
expect = "implicitDeny"

[[case]]
name = "both ways is a mistake"
scps = ["full.json"]
scp_levels = [["full.json"]]
action = "s3:GetObject"
expect = "allowed"
""")
    result = cli("simulate", "run", str(cases), "--output", "json")
    outcomes = {c["Name"]: c for c in result.json()["Cases"]}
    assert [c["Passed"] for c in outcomes.values()] == [True, True, True, True, False]
    assert outcomes["sqs is not allowed at level 2"]["EvaluationResults"][0]["Explanation"] == \
        "No service control policy at level 2 allows sqs:SendMessage."
    assert "RCP org-only.json at level 1" in outcomes["outsiders meet the RCP"]["EvaluationResults"][0]["Explanation"]
    assert "not both" in outcomes["both ways is a mistake"]["Error"]
    assert result.code == 1


@pytest.mark.parametrize("option", ["--endpoint-policy", "--boundary", "--session-policy", "--resource-policy"])
def test_an_empty_document_option_is_a_usage_error_not_ignored(cli, files, option) -> None:
    # An empty value is a mistake (an unset shell variable), never "no such policy".
    result = cli("simulate", "custom", "--policy", files["admin"], "--action", "s3:GetObject", option, "")
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("iamctl: InvalidArgument: No file name given") and result.err.count("\n") == 1


@pytest.mark.parametrize("argv, words", [
    (("--resource-account", "12"), "InvalidArgument: --resource-account must be a 12-digit account ID, not '12'."),
    (("--resource-account", ""), "InvalidArgument: --resource-account must be a 12-digit account ID, not ''."),
    (("--principal", ""), "InvalidArgument: --principal must be an IAM or STS ARN"),
])
def test_empty_or_malformed_principal_and_resource_account_are_usage_errors(cli, files, argv, words) -> None:
    result = cli("simulate", "custom", "--policy", files["admin"], "--action", "s3:GetObject", *argv)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(f"iamctl: {words}") and result.err.count("\n") == 1, result.err


def test_simulate_principal_checks_resource_account_too(cli, account) -> None:
    assert cli("user", "create", "alice").code == 0
    result = cli("simulate", "principal", "alice", "--action", "s3:GetObject", "--resource-account", "abc")
    assert (result.code, result.out) == (2, "")
    assert result.err == "iamctl: InvalidArgument: --resource-account must be a 12-digit account ID, not 'abc'.\n"


def test_context_json_from_a_file_as_aws_cli_reads_parameters(cli, write) -> None:
    # aws-cli reads any parameter from file://PATH; --context-json too
    tls = write("tls.json", doc(allow("s3:*", Condition={"Null": {"aws:SecureTransport": "false"}})))
    context = write("ctx.json", '{"aws:SecureTransport": null}')
    result = cli("simulate", "custom", "--policy", tls, "--action", "s3:GetObject", "--context-json",
                 f"file://{context}", "--output", "json")
    assert _results(result)[0]["EvalDecision"] == "implicitDeny"
    missing = cli("simulate", "custom", "--policy", tls, "--action", "s3:GetObject", "--context-json",
                  "file:///no/such/ctx.json")
    assert (missing.code, missing.err) == (2, "iamctl: NoSuchFile: No such file: /no/such/ctx.json\n")
