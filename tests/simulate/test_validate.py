"""iamctl policy validate: Access Analyzer-style findings with line and column, exit 1 on ERROR."""

from __future__ import annotations

import json

import pytest

from iamctl.core.policy.validate import validate_policy


def _doc(*statements: str, version: str | None = "2012-10-17") -> str:
    """One statement per line, so each finding's line is the statement's index + 3."""
    head = f'{{\n  "Version": "{version}",\n' if version else "{\n"
    return head + '  "Statement": [\n' + ",\n".join(f"    {s}" for s in statements) + "\n  ]\n}\n"


def _line_col(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def _one(text: str, code: str, kind: str = "identity"):
    found = [f for f in validate_policy(text, kind) if f.code == code]
    assert len(found) == 1, [(f.code, f.details) for f in validate_policy(text, kind)]
    return found[0]


def _pos(text: str, finding) -> tuple[int, int]:
    line = text.count("\n", 0, finding.start) + 1
    return line, finding.start - (text.rfind("\n", 0, finding.start) + 1) + 1


def test_clean_policy_no_findings_exit_0(cli, write) -> None:
    path = write("ok.json", _doc('{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}'))
    r = cli("policy", "validate", path, "--output", "json")
    assert r.code == 0
    assert r.json() == {"findings": []}
    assert "No findings" in r.err


def test_clean_policy_as_a_table_says_no_findings_once(cli, write) -> None:
    path = write("ok.json", _doc('{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}'))
    r = cli("policy", "validate", path, "--output", "table")
    assert (r.code, r.out, r.err) == (0, "", "No findings.\n")


def test_unknown_action_and_service(cli, write) -> None:
    text = _doc('{"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjekt", "nosuch:Thing"], "Resource": "*"}')
    f = _one(text, "INVALID_ACTION")
    assert f.type == "ERROR" and "s3:GetObjekt" in f.details
    assert _pos(text, f) == _line_col(text, '"s3:GetObjekt"')
    assert f.path == [{"value": "Statement"}, {"index": 0}, {"value": "Action"}, {"index": 1}]
    g = _one(text, "INVALID_SERVICE_IN_ACTION")
    assert _pos(text, g) == _line_col(text, '"nosuch:Thing"')
    r = cli("policy", "validate", write("p.json", text), "--output", "json")
    assert r.code == 1
    codes = [x["issueCode"] for x in r.json()["findings"]]
    assert codes == ["INVALID_ACTION", "INVALID_SERVICE_IN_ACTION"]
    span = r.json()["findings"][0]["locations"][0]["span"]
    assert (span["start"]["line"], span["start"]["column"]) == _line_col(text, '"s3:GetObjekt"')
    assert span["end"]["column"] == span["start"]["column"] + len('"s3:GetObjekt"')
    assert r.json()["findings"][0]["findingType"] == "ERROR"


def test_wildcard_actions_known(cli) -> None:
    text = _doc('{"Effect": "Allow", "Action": ["s3:Get*", "ec2:Describe*", "iam:List*"], "Resource": "*"}')
    assert validate_policy(text) == []
    text = _doc('{"Effect": "Allow", "Action": "s3:Frobnicate*", "Resource": "*"}')
    assert _one(text, "INVALID_ACTION").type == "ERROR"


def test_unknown_operator(cli, write) -> None:
    text = _doc('{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", '
                '"Condition": {"StringEqualz": {"s3:prefix": "a"}}}')
    f = _one(text, "INVALID_CONDITION_OPERATOR")
    assert f.type == "ERROR"
    assert _pos(text, f) == _line_col(text, '"StringEqualz"')
    # parse_policy blames the same place: one finding, not two
    assert [x.code for x in validate_policy(text)] == ["INVALID_CONDITION_OPERATOR"]
    assert cli("policy", "validate", write("p.json", text)).code == 1


def test_null_if_exists(cli) -> None:
    text = _doc('{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", '
                '"Condition": {"NullIfExists": {"s3:prefix": "true"}}}')
    f = _one(text, "NULL_WITH_IF_EXISTS")
    assert f.type == "ERROR" and _pos(text, f) == _line_col(text, '"NullIfExists"')


@pytest.mark.parametrize(("operator", "value", "code"), [
    ("NumericLessThan", '"ten"', "TYPE_MISMATCH"),
    ("DateGreaterThan", '"yesterday"', "TYPE_MISMATCH"),
    ("Bool", '"yes"', "TYPE_MISMATCH_BOOL"),
    ("IpAddress", '"10.0.0.0/33"', "TYPE_MISMATCH_IP_RANGE"),
])
def test_value_of_wrong_type(operator: str, value: str, code: str) -> None:
    text = _doc('{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", '
                f'"Condition": {{"{operator}": {{"aws:SomeKey": ["ok", {value}]}}}}}}')
    found = [f for f in validate_policy(text) if f.code.startswith("TYPE_MISMATCH")]
    # "ok" is wrong too for all of these operators; the second value is what we locate
    bad = [f for f in found if _pos(text, f) == _line_col(text, value)]
    assert bad and bad[0].code == code
    # an ERROR where iamctl (like IAM) refuses the value, else a WARNING
    assert bad[0].type == ("WARNING" if operator == "Bool" else "ERROR")


def test_type_mismatch_is_error_when_iam_refuses(cli, write) -> None:
    text = _doc('{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", '
                '"Condition": {"NumericLessThan": {"s3:max-keys": "ten"}}}')
    f = _one(text, "TYPE_MISMATCH")
    assert f.type == "ERROR" and "MalformedPolicyDocument" in f.details
    assert _pos(text, f) == _line_col(text, '"ten"')


def test_variable_in_2008_policy(cli, write) -> None:
    text = _doc('{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"}',
                version="2008-10-17")
    f = _one(text, "VARIABLE_UNSUPPORTED_IN_VERSION")
    assert f.type == "ERROR" and _pos(text, f) == _line_col(text, '"arn:aws:s3:::home/')
    assert validate_policy(text.replace("2008-10-17", "2012-10-17")) == []
    no_version = _doc('{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::h/${aws:username}"}',
                      version=None)
    codes = {f.code for f in validate_policy(no_version)}
    assert codes == {"VARIABLE_UNSUPPORTED_IN_VERSION", "MISSING_VERSION"}
    r = cli("policy", "validate", write("v.json", text), "--output", "lines")
    assert r.code == 1
    assert r.out.startswith("ERROR\tVARIABLE_UNSUPPORTED_IN_VERSION\t4\t")


def test_variable_in_2008_condition() -> None:
    text = _doc('{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", '
                '"Condition": {"StringLike": {"s3:prefix": "${aws:username}/*"}}}', version="2008-10-17")
    f = _one(text, "VARIABLE_UNSUPPORTED_IN_VERSION")
    assert _pos(text, f) == _line_col(text, '"${aws:username}/*"')


def test_allow_with_not_action_and_not_resource(cli, write) -> None:
    text = _doc('{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}',
                '{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*"}',
                '{"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"}')
    f = _one(text, "ALLOW_WITH_NOT_ACTION")
    assert f.type == "SECURITY_WARNING" and _pos(text, f) == _line_col(text, '"NotAction"')
    g = _one(text, "ALLOW_WITH_NOT_RESOURCE")
    assert _pos(text, g) == _line_col(text, '"NotResource"')
    r = cli("policy", "validate", write("n.json", text))
    assert r.code == 0  # warnings only
    assert "2 security warnings" in r.err


def test_allow_with_not_principal_in_resource_policy() -> None:
    text = _doc('{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:user/x"}, '
                '"Action": "s3:GetObject", "Resource": "*"}')
    f = _one(text, "ALLOW_WITH_NOT_PRINCIPAL", kind="resource")
    assert f.type == "SECURITY_WARNING"


def test_pass_role_star(cli, write) -> None:
    text = _doc('{"Effect": "Allow", "Action": ["iam:PassRole"], "Resource": ["arn:aws:iam::1:role/a", "*"]}',
                '{"Effect": "Allow", "Action": "iam:Pass*", "Resource": "arn:aws:iam::123456789012:role/*"}')
    found = [f for f in validate_policy(text) if f.code == "PASS_ROLE_WITH_STAR_IN_RESOURCE"]
    assert [_pos(text, f) for f in found] == [_line_col(text, '"*"'), _line_col(text, '"arn:aws:iam::123456789012')]
    assert all(f.type == "SECURITY_WARNING" for f in found)
    ok = _doc('{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/app"}')
    assert validate_policy(ok) == []


def test_empty_arrays(cli, write) -> None:
    text = _doc('{"Effect": "Allow", "Action": [], "Resource": "*"}',
                '{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", '
                '"Condition": {"StringEquals": {"s3:prefix": []}}}')
    findings = validate_policy(text)
    action = next(f for f in findings if f.code == "EMPTY_ARRAY_ACTION")
    assert _pos(text, action) == _line_col(text, "[]")
    # IAM refuses an empty Action list, so it is an error here
    assert action.type == "ERROR"
    cond = next(f for f in findings if f.code == "EMPTY_ARRAY_CONDITION")
    assert _pos(text, cond) == _line_col(text, "[]", 1)
    empty = _doc("")
    assert {f.code for f in validate_policy('{"Version": "2012-10-17", "Statement": []}')} == {"EMPTY_ARRAY_STATEMENT"}
    assert empty  # helper sanity


def test_duplicate_statement(cli, write) -> None:
    text = _doc('{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}',
                '{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}',
                '{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}')
    f = _one(text, "REDUNDANT_STATEMENT")
    assert f.type == "SUGGESTION" and "Statement 2 repeats statement 1" in f.details
    assert _pos(text, f) == (5, 5)
    assert cli("policy", "validate", write("d.json", text)).code == 0


def test_malformed_documents_are_errors(cli, write) -> None:
    r = cli("policy", "validate", "-", "--output", "json", stdin='{"Statement": [ }')
    assert r.code == 1
    (f,) = r.json()["findings"]
    assert f["issueCode"] == "JSON_SYNTAX_ERROR" and f["findingType"] == "ERROR"
    assert f["locations"][0]["span"]["start"]["line"] == 1
    text = _doc('{"Effect": "Allow", "Action": "s3:GetObject"}')
    (g,) = validate_policy(text)
    assert g.code == "MISSING_RESOURCE" and g.type == "ERROR"
    assert _pos(text, g) == _line_col(text, '{"Effect"')
    text = _doc('{"Effect": "Permit", "Action": "s3:GetObject", "Resource": "*"}')
    (h,) = validate_policy(text)
    assert h.code == "INVALID_EFFECT" and _pos(text, h) == _line_col(text, '"Permit"')


def test_principal_in_identity_policy(cli) -> None:
    text = _doc('{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}')
    (f,) = validate_policy(text)
    assert f.code == "UNSUPPORTED_PRINCIPAL"
    assert validate_policy(text, "resource") == []


def test_type_option_and_usage(cli, write) -> None:
    text = _doc('{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}')
    p = write("r.json", text)
    assert cli("policy", "validate", p).code == 1
    assert cli("policy", "validate", p, "--type", "resource").code == 0
    assert cli("policy", "validate", p, "--type", "nonsense").code == 2
    assert cli("policy", "validate", "/no/such/file.json").code == 2


def test_json_shape(cli, write) -> None:
    text = _doc('{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}')
    r = cli("policy", "validate", write("p.json", text), "--output", "json")
    (f,) = r.json()["findings"]
    assert set(f) == {"findingType", "issueCode", "findingDetails", "learnMoreLink", "locations"}
    (loc,) = f["locations"]
    assert loc["path"] == [{"value": "Statement"}, {"index": 0}, {"value": "Resource"}]
    assert set(loc["span"]["start"]) == {"line", "column", "offset"}
    assert text[loc["span"]["start"]["offset"]:loc["span"]["end"]["offset"]] == '"*"'
    json.dumps(r.json())
