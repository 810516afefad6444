#!/usr/bin/env python3
"""Regenerate iamctl's copy of AWS's managed policies from moto's snapshot.

Usage (needs ``moto`` importable; it is *not* a runtime dependency of iamctl)::

    python3 scripts/regen_managed_policies.py

Writes, under ``iamctl/data/``:

* ``aws_managed_policies.jsonl``: one policy per line, compact JSON, sorted by
  name, with keys PolicyName, Arn, Path, DefaultVersionId, CreateDate,
  UpdateDate and Document. Document is JSON *text* (4-space indent) so that
  line/column positions inside it mean something to a user reading it.
* ``aws_managed_policies.index.json``: name -> [byte offset, byte length] of
  that line, plus a ``_meta`` entry (source, moto version, generation date).
  The CLI reads one policy by seeking, never parsing the whole file.

Source: ``moto.iam.aws_managed_policies.aws_managed_policies_data``, which moto
generates by listing AWS's managed policies (ListPolicies with Scope=AWS plus
GetPolicyVersion of the default version) from a real account.

Key order: moto stores each document with its keys sorted alphabetically
("Statement" before "Version", "Action" before "Effect"); AWS's original text
order is lost. Key order has no meaning in IAM, so we re-emit the keys we know
in the order AWS's own reference pages mostly use (Version, Id, Statement; Sid,
Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource,
Condition). List order and every value are kept exactly as moto has them.
Some AWS policies are authored in another order (e.g. SystemAdministrator
starts with "Statement"), so positions can differ from the console's text.

Spot-check against AWS's Managed Policy Reference (docs.aws.amazon.com,
aws-managed-policy/latest/reference/<Name>), done when this script was
written with moto 5.2.1:

* AmazonS3ReadOnlyAccess: v3, one Allow statement, actions s3:Get*, s3:List*,
  s3:Describe*, s3-object-lambda:Get*, s3-object-lambda:List* on "*";
  matches moto exactly (same values, same list order).
* IAMUserChangePassword: same two statements (iam:ChangePassword on
  arn:aws:iam::*:user/${aws:username} and .../user/*/${aws:username};
  iam:GetAccountPasswordPolicy on "*"). The reference page we saw said v3
  (edited 2025-05-29) while moto has v5 (2026-02-12): moto's snapshot is newer,
  the document is unchanged.
* AdministratorAccess: Allow "*" on "*", v1; matches.
* AmazonS3FullAccess: s3:* and s3-object-lambda:* on "*", v2; matches.

Deprecated policies (e.g. AWSCloudTrailReadOnlyAccess, replaced by
AWSCloudTrail_ReadOnlyAccess) are not in moto's set, so not in ours.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from iamctl.core.policy.document import STATEMENT_ELEMENTS, TOP_ELEMENTS

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / "iamctl" / "data"
JSONL = DATA_DIR / "aws_managed_policies.jsonl"
INDEX = DATA_DIR / "aws_managed_policies.index.json"
README = DATA_DIR / "README.md"

ARN_PREFIX = "arn:aws:iam::aws:policy"

# Policies a newcomer reaches for first; regeneration fails if any is missing,
# because a silently shrunken upstream snapshot would break docs and tests.
REQUIRED = (
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
)

# AWS's usual key order is the order the policy language lists its elements in.
TOP_ORDER = TOP_ELEMENTS
STATEMENT_ORDER = STATEMENT_ELEMENTS


def _ordered(obj: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    """Known keys first in ``order``; unknown keys after, in their stored order."""
    out = {k: obj[k] for k in order if k in obj}
    out.update((k, v) for k, v in obj.items() if k not in out)
    return out


def document_text(doc: dict[str, Any]) -> str:
    doc = _ordered(doc, TOP_ORDER)
    statements = doc.get("Statement")
    if isinstance(statements, list):
        doc["Statement"] = [
            _ordered(s, STATEMENT_ORDER) if isinstance(s, dict) else s
            for s in statements
        ]
    elif isinstance(statements, dict):
        doc["Statement"] = _ordered(statements, STATEMENT_ORDER)
    return json.dumps(doc, indent=4, ensure_ascii=False)


def load_moto() -> tuple[dict[str, dict[str, Any]], str]:
    import moto
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    return json.loads(aws_managed_policies_data), moto.__version__


def record(name: str, raw: dict[str, Any]) -> dict[str, str]:
    path = raw["Path"]
    return {
        "PolicyName": name,
        "Arn": f"{ARN_PREFIX}{path}{name}",
        "Path": path,
        "DefaultVersionId": raw["DefaultVersionId"],
        "CreateDate": raw["CreateDate"],
        "UpdateDate": raw["UpdateDate"],
        "Document": document_text(raw["Document"]),
    }


def check(policies: dict[str, dict[str, Any]]) -> None:
    missing = [n for n in REQUIRED if n not in policies]
    if missing:
        sys.exit(f"moto's snapshot lacks required policies: {', '.join(missing)}")
    if policies["Billing"]["Path"] != "/job-function/":
        sys.exit("Billing is expected under /job-function/")


def write_jsonl(policies: dict[str, dict[str, Any]]) -> dict[str, list[int]]:
    """Write one line per policy; return name -> [offset, length] in bytes."""
    offsets: dict[str, list[int]] = {}
    pos = 0
    with JSONL.open("wb") as out:
        for name in sorted(policies):
            line = (
                json.dumps(
                    record(name, policies[name]),
                    ensure_ascii=False,
                    separators=(",", ":"),
                ).encode()
                + b"\n"
            )
            out.write(line)
            offsets[name] = [pos, len(line)]
            pos += len(line)
    return offsets


def meta(moto_version: str, count: int, newest: str) -> dict[str, Any]:
    return {
        "source": "moto.iam.aws_managed_policies.aws_managed_policies_data",
        "moto_version": moto_version,
        "generated": dt.date.today().isoformat(),
        "newest_update_date": newest,
        "count": count,
        "document_format": "json, indent 4, keys in AWS's usual order",
    }


_SECTION = "## aws_managed_policies.jsonl / aws_managed_policies.index.json"


def write_readme(m: dict[str, Any]) -> None:
    """Rewrite this script's own section of the data README; the rest (other data files,
    packaging) belongs to other scripts and people, and is kept as it is."""
    section = (
        f"{_SECTION}\n\n"
        f"AWS managed policies ({m['count']}), default version only.\n"
        f"Source: moto {m['moto_version']} (`{m['source']}`), which moto\n"
        "builds from AWS's ListPolicies/GetPolicyVersion. Newest policy\n"
        f"UpdateDate in the snapshot: {m['newest_update_date']}.\n"
        f"Generated on {m['generated']} by `scripts/regen_managed_policies.py`.\n\n"
    )
    text = README.read_text(encoding="utf-8") if README.exists() else "# iamctl package data\n\n"
    start = text.find(_SECTION)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(_SECTION))
        text = text[:start] + section + (text[end + 1 :] if end >= 0 else "")
    README.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    policies, moto_version = load_moto()
    check(policies)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    offsets = write_jsonl(policies)
    newest = max(p["UpdateDate"] for p in policies.values())
    m = meta(moto_version, len(offsets), newest)
    INDEX.write_text(json.dumps({"_meta": m, **offsets}, separators=(",", ":")) + "\n")
    write_readme(m)
    print(
        f"{len(offsets)} policies, {JSONL.stat().st_size} bytes -> {JSONL.relative_to(REPO)}"
    )


if __name__ == "__main__":
    main()
