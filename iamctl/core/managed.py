"""AWS managed policies, read lazily from the package data.

The data (``iamctl/data/aws_managed_policies.jsonl``, ~5 MB) is never touched at
import time: the small index is loaded on first use and cached, and one policy
is read by seeking to its line. Regenerate with
``scripts/regen_managed_policies.py``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

AWS_POLICY_ARN_PREFIX = "arn:aws:iam::aws:policy"

_JSONL = "aws_managed_policies.jsonl"
_INDEX = "aws_managed_policies.index.json"
_META_KEY = "_meta"


@dataclass(frozen=True)
class ManagedPolicy:
    """An AWS managed policy: its name, path, ARN, default version and document."""

    name: str
    arn: str
    path: str
    default_version_id: str
    create_date: str
    update_date: str
    document: str  # JSON text, 4-space indent, as shipped in the data file
    policy_id: str | None = None  # AWS's own ID: known only for a policy an import kept


def is_aws_policy_ref(ref: str) -> bool:
    """True for an IAM policy ARN owned by account "aws" (any partition)."""
    parts = ref.split(":", 5)
    return (
        len(parts) == 6
        and parts[0] == "arn"
        and parts[2] == "iam"
        and parts[3] == ""
        and parts[4] == "aws"
        and parts[5].startswith("policy/")
    )


def _data_file(name: str) -> Traversable:
    # importlib.resources works from a wheel, an editable install and a zip; imported
    # here because every command imports this module and most never read the data.
    from importlib import resources

    return resources.files("iamctl") / "data" / name


@functools.cache
def _index() -> dict[str, Any]:
    with _data_file(_INDEX).open("rb") as f:
        return json.load(f)


def _name_of(ref: str) -> str | None:
    """The policy name a reference points at, or None if it cannot be ours."""
    if not ref.startswith("arn:"):
        return ref
    if not ref.startswith(AWS_POLICY_ARN_PREFIX + "/"):
        return None
    return ref.rsplit("/", 1)[1]


def _from_record(rec: dict[str, str]) -> ManagedPolicy:
    return ManagedPolicy(
        name=rec["PolicyName"],
        arn=rec["Arn"],
        path=rec["Path"],
        default_version_id=rec["DefaultVersionId"],
        create_date=rec["CreateDate"],
        update_date=rec["UpdateDate"],
        document=rec["Document"],
    )


def _read_line(offset: int, length: int) -> bytes:
    with _data_file(_JSONL).open("rb") as f:
        f.seek(offset)
        return f.read(length)


def get(ref: str) -> ManagedPolicy | None:
    """Look a policy up by name or by ARN; case-sensitive, as AWS is.

    An ARN must match exactly, path included: ``.../policy/Billing`` is not
    ``.../policy/job-function/Billing``.
    """
    name = _name_of(ref)
    if name is None or name == _META_KEY:
        return None
    entry = _index().get(name)
    if entry is None:
        return None
    policy = _from_record(json.loads(_read_line(*entry)))
    if ref.startswith("arn:") and policy.arn != ref:
        return None
    return policy


def names() -> list[str]:
    """All policy names, sorted, from the index alone."""
    return sorted(k for k in _index() if k != _META_KEY)


def iter_all() -> Iterator[ManagedPolicy]:
    """Every policy, in name order, streaming the data file line by line."""
    with _data_file(_JSONL).open("rb") as f:
        for line in f:
            yield _from_record(json.loads(line))


def metadata() -> dict[str, Any]:
    """Where the data came from: source, moto version, generation date, count."""
    return dict(_index()[_META_KEY])
