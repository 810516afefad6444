"""AWS managed policies shipped as package data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources

import pytest

from iamctl.core import managed

NEWCOMER_POLICIES = [
    "AdministratorAccess",
    "PowerUserAccess",
    "ReadOnlyAccess",
    "IAMFullAccess",
    "IAMReadOnlyAccess",
    "IAMUserChangePassword",
    "AmazonEC2FullAccess",
    "AmazonEC2ReadOnlyAccess",
    "AmazonS3FullAccess",
    "AmazonS3ReadOnlyAccess",
    "AmazonDynamoDBFullAccess",
    "AmazonDynamoDBReadOnlyAccess",
    "AmazonRDSFullAccess",
    "Billing",
    "AWSBillingReadOnlyAccess",
]


def _statements(policy: managed.ManagedPolicy) -> list[dict]:
    stmts = json.loads(policy.document)["Statement"]
    return stmts if isinstance(stmts, list) else [stmts]


def _actions(policy: managed.ManagedPolicy) -> set[str]:
    out: set[str] = set()
    for s in _statements(policy):
        a = s.get("Action", [])
        out.update([a] if isinstance(a, str) else a)
    return out


@pytest.mark.parametrize("name", NEWCOMER_POLICIES)
def test_newcomer_policy_by_name_and_arn(name: str) -> None:
    by_name = managed.get(name)
    assert by_name is not None
    assert by_name.name == name
    assert by_name.arn == f"{managed.AWS_POLICY_ARN_PREFIX}{by_name.path}{name}"
    assert managed.get(by_name.arn) == by_name
    doc = json.loads(by_name.document)
    assert doc["Version"] == "2012-10-17"
    assert _statements(by_name)
    assert by_name.default_version_id.startswith("v")
    assert by_name.create_date <= by_name.update_date


def test_administrator_access_allows_everything() -> None:
    policy = managed.get("AdministratorAccess")
    assert policy is not None
    assert _statements(policy) == [{"Effect": "Allow", "Action": "*", "Resource": "*"}]


def test_billing_is_a_job_function() -> None:
    policy = managed.get("arn:aws:iam::aws:policy/job-function/Billing")
    assert policy is not None
    assert policy.path == "/job-function/"
    # The ARN must carry the path, as in AWS.
    assert managed.get("arn:aws:iam::aws:policy/Billing") is None


def test_s3_read_only_actions() -> None:
    policy = managed.get("AmazonS3ReadOnlyAccess")
    assert policy is not None
    assert {"s3:Get*", "s3:List*"} <= _actions(policy)


def test_document_is_pretty_printed_with_aws_key_order() -> None:
    policy = managed.get("AdministratorAccess")
    assert policy is not None
    lines = policy.document.splitlines()
    assert lines[1] == '    "Version": "2012-10-17",'
    assert lines[2] == '    "Statement": ['


def test_unknown_and_case_sensitive() -> None:
    assert managed.get("NoSuchPolicyAnywhere") is None
    assert managed.get("administratoraccess") is None
    assert managed.get("arn:aws:iam::123456789012:policy/AdministratorAccess") is None
    assert managed.get("_meta") is None
    assert managed.get("") is None


def test_is_aws_policy_ref() -> None:
    assert managed.is_aws_policy_ref("arn:aws:iam::aws:policy/AdministratorAccess")
    assert managed.is_aws_policy_ref("arn:aws:iam::aws:policy/job-function/Billing")
    assert not managed.is_aws_policy_ref("arn:aws:iam::123456789012:policy/Mine")
    assert not managed.is_aws_policy_ref("AdministratorAccess")
    assert not managed.is_aws_policy_ref("arn:aws:iam::aws:role/x")


def test_names_and_count() -> None:
    names = managed.names()
    assert len(names) > 1000
    assert names == sorted(names)
    assert "_meta" not in names
    assert set(NEWCOMER_POLICIES) <= set(names)


def test_iter_all_matches_names() -> None:
    assert [p.name for p in managed.iter_all()] == managed.names()


def test_metadata() -> None:
    meta = managed.metadata()
    assert meta["moto_version"]
    assert meta["generated"]
    assert meta["count"] == len(managed.names())


def test_index_offsets_consistent() -> None:
    index = json.loads(
        (
            resources.files("iamctl") / "data" / "aws_managed_policies.index.json"
        ).read_text()
    )
    data = (
        resources.files("iamctl") / "data" / "aws_managed_policies.jsonl"
    ).read_bytes()
    entries = {k: v for k, v in index.items() if k != "_meta"}
    end = 0
    for name, (offset, length) in entries.items():
        line = data[offset : offset + length]
        assert line.endswith(b"\n")
        rec = json.loads(line)
        assert rec["PolicyName"] == name
        json.loads(rec["Document"])
        end = max(end, offset + length)
    # The index covers the whole file: nothing unindexed hides in it.
    assert end == len(data)
    assert sum(length for _, length in entries.values()) == len(data)


def test_import_does_not_load_data() -> None:
    # The CLI must start fast: importing the module reads no data file.
    code = "import iamctl.core.managed as m; print(m._index.cache_info().currsize)"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    assert out.stdout.strip() == "0"
