"""Actions that are not in the shipped catalogue: a warning naming the closest real action
(simulate principal/custom), a failing case unless it says unknown_action = true (simulate
run), a usage error without a service prefix, and the same "did you mean" in policy validate."""

from __future__ import annotations

import pytest

from iamctl.core import simulate as sim
from iamctl.core.errors import UsageError
from iamctl.core.policy import catalogue
from tests.simulate.conftest import allow, doc

WARNING = (
    "iamctl: warning: ec2:RunInstance is not an action in iamctl's catalogue of AWS actions; "
    "did you mean ec2:RunInstances?"
)


@pytest.mark.parametrize(
    "typed,closest",
    [
        ("ec2:RunInstance", "ec2:RunInstances"),
        ("s3:GetObjekt", "s3:GetObject"),
        ("iam:CreateUsers", "iam:CreateUser"),
        ("ec3:RunInstances", "ec2:RunInstances"),  # a misspelt service
        ("s3:RunInstances", "ec2:RunInstances"),  # the right name under another service
        ("RunInstances", "ec2:RunInstances"),  # no service prefix at all
    ],
)
def test_closest_action(typed: str, closest: str) -> None:
    assert catalogue.closest_action(typed) == closest


def test_known_actions_in_any_case_and_matching_patterns_are_not_warned_about() -> None:
    assert sim.check_actions(["s3:GetObject", "S3:getobject", "ec2:Describe*", "iam:*", "*"]) == []
    assert sim.check_actions(["s3:Gett*"]) == [
        "s3:Gett* matches no action in iamctl's catalogue of AWS actions."
    ]
    assert catalogue.closest_action("zzzz:qqqqqqq") is None
    assert sim.check_actions(["zzzz:qqqqqqq"]) == [
        "zzzz:qqqqqqq is not an action in iamctl's catalogue of AWS actions."
    ]


def test_missing_service_prefix_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as info:
        sim.check_actions(["s3:GetObject", "RunInstances"])
    assert info.value.code == "InvalidAction"
    assert "did you mean ec2:RunInstances?" in info.value.message


def test_simulate_custom_warns_once_per_unknown_action_and_still_answers(cli, write) -> None:
    policy = write("p.json", doc(allow("ec2:*")))
    r = cli("simulate", "custom", "--policy", policy, "--action", "ec2:RunInstance",
            "--action", "ec2:RunInstance", "--action", "ec2:RunInstances", "--output", "lines")
    assert r.code == 0, r.err
    assert r.err.splitlines() == [WARNING]
    assert r.out.splitlines()[0].split("\t") == ["ec2:RunInstance", "*", "allowed"]


def test_simulate_principal_warns(cli, account) -> None:
    assert cli("user", "create", "bob").code == 0
    r = cli("simulate", "principal", "bob", "--action", "ec2:RunInstance", "--output", "lines")
    assert r.code == 1  # bob has no policies: implicitDeny
    assert r.err.splitlines()[0] == WARNING
    assert "implicitDeny" in r.out


@pytest.mark.parametrize("command", ["custom", "principal"])
def test_action_without_prefix_exits_2_with_one_line(cli, write, command) -> None:
    args = ["--policy", write("p.json", doc(allow("ec2:*")))] if command == "custom" else ["bob"]
    r = cli("simulate", command, *args, "--action", "RunInstances")
    assert r.code == 2
    assert r.out == ""
    assert r.err.splitlines() == [
        "iamctl: InvalidAction: Action 'RunInstances' has no service prefix: write SERVICE:ACTION, "
        "such as s3:GetObject; did you mean ec2:RunInstances?"
    ]


@pytest.mark.parametrize("action", ["", "s3", "s3:", ":GetObject", " "])
@pytest.mark.parametrize("command", ["custom", "principal", "run"])
def test_empty_or_prefix_only_action_is_a_usage_error(cli, write, command: str, action: str) -> None:
    policy = write("p.json", doc(allow("*")))
    if command == "run":
        cases = f'[[case]]\npolicies = ["p.json"]\naction = {action!r}\nexpect = "allowed"\n'
        args = ["run", write("cases.toml", cases)]
    else:
        args = [command, *(["--policy", policy] if command == "custom" else ["bob"]), "--action", action]
    r = cli("simulate", *args)
    assert r.code == 2
    assert r.out == ""
    assert len(r.err.splitlines()) == 1
    missing = "action name" if action.endswith(":") else "service prefix"
    assert f"Action {action!r} has no {missing}" in r.err


CASES = """
[[case]]
name = "typo"
policies = ["p.json"]
action = "ec2:RunInstance"
expect = "allowed"

[[case]]
name = "on purpose"
policies = ["p.json"]
action = "ec2:DoSomethingNew"
unknown_action = true
expect = "allowed"

[[case]]
name = "real"
policies = ["p.json"]
action = "ec2:RunInstances"
expect = "allowed"
"""


def test_simulate_run_fails_an_unknown_action_unless_the_case_says_so(cli, write) -> None:
    write("p.json", doc(allow("ec2:*")))
    path = write("cases.toml", CASES)
    r = cli("simulate", "run", path, "--output", "lines")
    assert r.code == 1
    rows = [line.split("\t") for line in r.out.splitlines()]
    assert [row[0] for row in rows] == ["FAIL", "PASS", "PASS"]
    assert rows[0][3] == "error"
    assert rows[0][4] == (
        "UnknownAction: ec2:RunInstance is not an action in iamctl's catalogue of AWS actions; "
        "did you mean ec2:RunInstances?"
    )
    err = r.err.splitlines()
    assert err[0] == WARNING  # the case that says unknown_action = true is not warned about
    assert err[1] == "2 passed, 1 failed, 3 cases"
    shape = cli("simulate", "run", path, "--output", "json").json()
    assert shape["Cases"][0]["Error"].startswith("UnknownAction: ec2:RunInstance ")
    assert shape["Summary"] == {"Cases": 3, "Passed": 2, "Failed": 1}


@pytest.mark.parametrize(
    "change,message",
    [
        ('action = "ec2:RunInstance"', "case 1 (typo): Action 'RunInstance' has no service prefix"),
        ("unknown_action = true", "case 2 (on purpose): unknown_action must be true or false."),
    ],
)
def test_simulate_run_usage_errors(cli, write, change: str, message: str) -> None:
    write("p.json", doc(allow("ec2:*")))
    bad = {
        'action = "ec2:RunInstance"': CASES.replace('action = "ec2:RunInstance"', 'action = "RunInstance"'),
        "unknown_action = true": CASES.replace("unknown_action = true", 'unknown_action = "yes"'),
    }[change]
    r = cli("simulate", "run", write("cases.toml", bad))
    assert r.code == 2
    assert r.out == ""
    assert len(r.err.splitlines()) == 1 and message in r.err and r.err.startswith("iamctl: InvalidCaseFile: ")


def test_policy_validate_says_did_you_mean(cli, write) -> None:
    path = write("p.json", doc(allow(["ec2:RunInstance", "ec3:StopInstances", "s3:Gett*"])))
    r = cli("policy", "validate", path, "--output", "json")
    assert r.code == 1
    details = [f["findingDetails"] for f in r.json()["findings"]]
    assert "The action ec2:RunInstance does not exist in service ec2; did you mean ec2:RunInstances?" in details
    assert (
        "The service prefix ec3 in action ec3:StopInstances is not a known AWS service; "
        "did you mean ec2:StopInstances?" in details
    )
    assert "The action s3:Gett* does not exist in service s3 (no action matches the pattern)." in details


def test_policy_validate_warns_about_a_variable_before_the_fifth_colon(cli, write) -> None:
    # IAM User Guide, "Policy variables": "You can't use a variable to replace parts of the
    # ARN before the fifth colon, such as the service or account."
    path = write("p.json", doc(allow("sqs:SendMessage", [
        "arn:aws:sqs:${aws:RequestedRegion}:123456789012:jobs",
        "arn:aws:sqs:us-east-1:123456789012:${aws:username}",
        "arn:aws:s3:::b/${*}",
    ])))
    r = cli("policy", "validate", path, "--output", "json")
    assert r.code == 0, r.out
    findings = r.json()["findings"]
    assert [(f["findingType"], f["issueCode"]) for f in findings] == [("WARNING", "VARIABLE_BEFORE_RESOURCE_PART")]
    assert findings[0]["findingDetails"].startswith("The policy variable ${aws:RequestedRegion} stands before")
    assert findings[0]["locations"][0]["path"][-1] == {"index": 0}
    assert "learnMoreLink" not in findings[0]


def test_action_with_a_prefix_but_no_name_says_so(cli, write) -> None:
    r = cli("simulate", "custom", "--policy", write("p.json", doc(allow("ec2:*"))), "--action", "ec2:")
    assert (r.code, r.out) == (2, "")
    assert r.err.splitlines() == [
        "iamctl: InvalidAction: Action 'ec2:' has no action name: write SERVICE:ACTION, such as s3:GetObject."
    ]
