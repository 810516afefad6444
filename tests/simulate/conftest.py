"""Fixtures for simulate tests: policy files on disk and a small populated store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ACCOUNT = "123456789012"


def doc(*statements: dict, version: str | None = "2012-10-17") -> str:
    body: dict = {"Statement": list(statements)}
    if version:
        body = {"Version": version, **body}
    return json.dumps(body, indent=2)


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*", **extra) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


@pytest.fixture
def write(tmp_path: Path):
    """write("name.json", text) -> path as str."""

    def _write(name: str, text: str) -> str:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return str(path)

    return _write


@pytest.fixture
def bob(cli, account, write) -> str:
    """User bob with ReadOnlyAccess, an inline S3Home policy, in group devs, boundary DevBoundary."""
    assert cli("user", "create", "bob").code == 0
    assert cli("user", "attach-policy", "bob", "ReadOnlyAccess").code == 0
    home = write("home.json", doc(allow("s3:PutObject", "arn:aws:s3:::home/${aws:username}/*")))
    assert cli("user", "put-policy", "bob", "S3Home", "--document", home).code == 0
    boundary = write("boundary.json", doc(allow(["s3:*", "sqs:*"])))
    assert cli("policy", "create", "DevBoundary", "--document", boundary).code == 0
    assert cli("user", "set-boundary", "bob", "DevBoundary").code == 0
    assert cli("group", "create", "devs").code == 0
    sqs = write("sqs.json", doc(allow("sqs:SendMessage")))
    assert cli("group", "put-policy", "devs", "Queue", "--document", sqs).code == 0
    assert cli("group", "add-user", "devs", "bob").code == 0
    return "bob"
