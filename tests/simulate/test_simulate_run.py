"""iamctl simulate run: a TOML file of cases, one line each, a summary, exit 1 on any failure."""

from __future__ import annotations

import pytest

from tests.simulate.conftest import allow, deny, doc

CASES = """
[defaults]
at = "2024-05-01T12:00:00Z"

[[case]]
name = "bob reads"
principal = "bob"
action = "s3:GetObject"
resource = "arn:aws:s3:::data/k"
expect = "allowed"

[[case]]
name = "bob cannot scan"
principal = "user/bob"
actions = ["dynamodb:Scan", "dynamodb:Query"]
expect = "denied"

[[case]]
name = "custom deny"
policies = ["p/dev.json"]
action = "s3:DeleteBucket"
expect = "explicitDeny"

[[case]]
name = "custom tags"
policies = ["p/dev.json"]
action = "ec2:CreateTags"
context = { "aws:TagKeys" = ["env", "team"] }
expect = "allowed"
"""


def _files(write) -> str:
    write("p/dev.json", doc(allow(["s3:*"]), deny("s3:DeleteBucket"),
                            allow("ec2:CreateTags", "*", Condition={
                                "ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]},
                                "Null": {"aws:TagKeys": "false"}})))
    return write("cases.toml", CASES)


def test_all_pass(cli, bob, write) -> None:
    path = _files(write)
    r = cli("simulate", "run", path, "--output", "lines")
    assert r.code == 0, r.out + r.err
    lines = r.out.splitlines()
    assert len(lines) == 4
    assert all(line.startswith("PASS\t") for line in lines)
    assert lines[1].split("\t")[1:4] == ["bob cannot scan", "denied", "implicitDeny"]
    assert "4 passed, 0 failed, 4 cases" in r.err


def test_failure_exit_1_and_json(cli, bob, write) -> None:
    _files(write)
    path = write("cases.toml", CASES.replace('expect = "explicitDeny"', 'expect = "allowed"'))
    r = cli("simulate", "run", path, "--output", "json")
    assert r.code == 1
    data = r.json()
    assert data["Summary"] == {"Cases": 4, "Passed": 3, "Failed": 1}
    failed = [c for c in data["Cases"] if not c["Passed"]]
    assert failed[0]["Name"] == "custom deny"
    assert failed[0]["EvaluationResults"][0]["EvalDecision"] == "explicitDeny"
    assert "3 passed, 1 failed" in r.err


def test_table_shows_why(cli, bob, write) -> None:
    r = cli("simulate", "run", _files(write))
    assert r.code == 0
    assert "PASS" in r.out and "Why" in r.out


def test_case_error_fails_case_not_run(cli, account, write) -> None:
    path = write("c.toml", '[[case]]\nprincipal = "ghost"\naction = "s3:GetObject"\nexpect = "allowed"\n'
                           '[[case]]\npolicies = ["missing.json"]\naction = "s3:GetObject"\nexpect = "denied"\n')
    r = cli("simulate", "run", path, "--output", "lines")
    assert r.code == 1
    lines = r.out.splitlines()
    assert lines[0].startswith("FAIL\tcase 1\tallowed\terror\tNoSuchEntity")
    assert lines[1].startswith("FAIL\tcase 2\tdenied\terror\tNoSuchFile")


def test_custom_cases_need_no_store(cli, write) -> None:
    write("p.json", doc(allow("s3:GetObject")))
    path = write("c.toml", '[[case]]\npolicies = ["p.json"]\naction = "s3:GetObject"\nexpect = "allowed"\n')
    r = cli("simulate", "run", path)
    assert r.code == 0, r.err


def test_bad_case_file_exit_2(cli, write) -> None:
    for text, needle in [
        ("[[case]]\naction = 's3:GetObject'\nexpect = 'allowed'\n", "principal"),
        ("[[case]]\nprincipal = 'a'\naction = 's3:X'\nexpect = 'maybe'\n", "expect"),
        ("[[case]]\nprincipal = 'a'\nexpect = 'allowed'\n", "action"),
        ("[[case]]\nprincipal = 'a'\naction = 's3:X'\nexpect = 'allowed'\ncolour = 1\n", "colour"),
        ("not toml ===", "TOML"),
        ("", "no cases"),
    ]:
        r = cli("simulate", "run", write("bad.toml", text))
        assert r.code == 2, text
        assert needle in r.err, (text, r.err)
    assert cli("simulate", "run", "/no/such.toml").code == 2


def test_help_documents_format(cli) -> None:
    r = cli("simulate", "run", "--help")
    assert r.code == 0
    for word in ("[[case]]", "expect", "policies", "[defaults]", "principal"):
        assert word in r.out


@pytest.mark.parametrize("line, needle", [
    ("rcps = 5", "rcps must be a file name or a list of file names"),
    ("scps = [1]", "scps must be a file name or a list of file names"),
    ('endpoint_policy = ["p.json"]', "endpoint_policy must be a file name"),
    ('endpoint_policy = ""', "endpoint_policy must be a file name"),
    ('boundary = ""', "boundary must be a file name"),
    ('scp_levels = "p.json"', "scp_levels must be a list of levels"),
    ("rcp_levels = [[2]]", "rcp_levels must be a list of levels"),
    ("principal = 7", "principal must be a string"),
    ('resource_account = "12"', "resource_account must be a 12-digit account ID, not '12'."),
])
def test_a_wrong_type_in_a_case_is_a_bad_case_file_not_a_traceback(cli, write, line, needle) -> None:
    write("p.json", doc(allow("s3:GetObject")))
    path = write("c.toml", f'[[case]]\npolicies = ["p.json"]\naction = "s3:GetObject"\nexpect = "allowed"\n{line}\n')
    r = cli("simulate", "run", path)
    assert (r.code, r.out) == (2, ""), r.err
    assert r.err.startswith("iamctl: InvalidCaseFile: ") and r.err.count("\n") == 1, r.err
    assert needle in r.err, r.err


def test_at_may_be_a_toml_date_time(cli, write) -> None:
    write("p.json", doc(allow("s3:GetObject")))
    path = write("c.toml", '[[case]]\npolicies = ["p.json"]\naction = "s3:GetObject"\nexpect = "allowed"\n'
                           "at = 2024-05-01T12:00:00Z\n")
    r = cli("simulate", "run", path, "-o", "json")
    assert r.code == 0, r.err
    assert r.json()["Cases"][0]["Passed"] is True
