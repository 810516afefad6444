"""Document options take what aws-cli takes: file://, fileb://, inline JSON, a path, or -."""

from __future__ import annotations

import json

import pytest

from tests.foundation.conftest import fails

DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}


@pytest.fixture
def doc_file(tmp_path):
    path = tmp_path / "read.json"
    path.write_text(json.dumps(DOC))
    return path


def _document(ok, name: str) -> dict:
    return ok("user", "get-policy", "alice", name, "-o", "json").json()["PolicyDocument"]


@pytest.mark.parametrize("form", ["file://{path}", "fileb://{path}", "{path}", "inline", "-"])
def test_every_form_gives_the_same_document(ok, doc_file, form):
    ok("user", "create", "alice")
    value = json.dumps(DOC) if form == "inline" else form.format(path=doc_file)
    stdin = json.dumps(DOC) if form == "-" else None
    result = ok("user", "put-policy", "alice", "P", "--document", value, stdin=stdin)
    assert (result.out, result.err) == ("", "")
    assert _document(ok, "P") == DOC


def test_file_url_expands_home(ok, doc_file, monkeypatch):
    monkeypatch.setenv("HOME", str(doc_file.parent))
    ok("user", "create", "alice")
    ok("user", "put-policy", "alice", "P", "--document", "file://~/read.json")
    assert _document(ok, "P") == DOC


def test_trust_and_policy_options_too(ok, doc_file, tmp_path):
    trust = tmp_path / "trust.json"
    trust.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    role = ok("role", "create", "web", "--trust", f"file://{trust}", "-o", "json").json()["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    policy = ok("policy", "create", "Read", "--document", f"fileb://{doc_file}", "-o", "json").json()["Policy"]
    assert policy["PolicyName"] == "Read"
    sim = ok("simulate", "custom", "--policy", json.dumps(DOC), "--action", "s3:GetObject", "-o", "json").json()
    assert sim["EvaluationResults"][0]["EvalDecision"] == "allowed"


def test_missing_and_unreadable_files(cli, account, tmp_path):
    cli("user", "create", "alice")
    fails(cli("user", "put-policy", "alice", "P", "--document", "file:///nonexistent.json"), 2,
          "iamctl: NoSuchFile: No such file: /nonexistent.json")
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\xff\xfe{}")
    fails(cli("user", "put-policy", "alice", "P", "--document", f"fileb://{binary}"), 2,
          f"iamctl: UnreadableFile: Cannot read {binary}: not UTF-8 text")
    bad_inline = cli("user", "put-policy", "alice", "P", "--document", "{not json")
    assert bad_inline.code == 3 and bad_inline.err.startswith("iamctl: MalformedPolicyDocument: ")


@pytest.mark.parametrize("value", ["", "file://", "fileb://", "  "])
def test_an_empty_file_name_is_one_clear_usage_error(cli, account, value):
    cli("user", "create", "alice")
    result = cli("user", "put-policy", "alice", "P", "--document", value)
    assert result.code == 2 and result.out == ""
    assert result.err == ("iamctl: InvalidArgument: No file name given: a document is a path, file://PATH, "
                          "fileb://PATH, inline JSON ({...}) or - for stdin.\n")


def test_export_to_an_empty_file_name_is_one_clear_usage_error(cli, account):
    result = cli("account", "export", "--format", "terraform", "--file", "")
    assert (result.code, result.out) == (2, "")
    assert result.err == "iamctl: InvalidArgument: --file needs a file name (or leave it out for stdout).\n"
