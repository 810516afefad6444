"""Comparing an imported file with `account authorization-details` of the account it made."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from urllib.parse import unquote

ID_KEYS = {"UserId", "GroupId", "RoleId", "InstanceProfileId", "PolicyId"}
DOCUMENT_KEYS = {"PolicyDocument", "AssumeRolePolicyDocument", "Document"}
# What moto leaves out of ManagedPolicyDetail and iamctl, like AWS, fills in.
MOTO_OMITS = {"PolicyName", "PolicyId", "PermissionsBoundaryUsageCount"}
# moto's copy of a role inside an instance profile carries GetRole's extras; AWS's Role in
# InstanceProfile (and iamctl's) does not.
NESTED_ROLE_EXTRAS = {"PermissionsBoundary", "Tags", "RoleLastUsed"}
SUMMARY = re.compile(r"adjusted: (\d+) unique IDs? replaced \(not AWS-shaped, or missing\)")


def _empty(value: Any) -> bool:
    return value in ("", [], {}, None)


def _document(value: Any) -> Any:
    return json.loads(unquote(value)) if isinstance(value, str) else value


def keyed(details: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each list as {name: entry}: the order of Policies is not part of the answer."""
    names = {"UserDetailList": "UserName", "GroupDetailList": "GroupName", "RoleDetailList": "RoleName",
             "Policies": "Arn"}
    return {key: {e[names[key]]: e for e in details.get(key, [])} for key in names}


def differences(expected: Any, actual: Any, ids: dict[str, str], where: str = "") -> list[str]:
    """Where *actual* (iamctl's answer) differs from *expected* (the file), given the IDs
    the import replaced. Empty values count as absent."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(set(expected) | set(actual)):
            here = f"{where}.{key}"
            mine, theirs = expected.get(key), actual.get(key)
            if _empty(mine) and _empty(theirs):
                continue
            if key not in expected and key in MOTO_OMITS:
                continue
            if key not in actual and key in NESTED_ROLE_EXTRAS and ".InstanceProfileList" in where:
                continue
            if key in ID_KEYS:
                if ids.get(mine, mine) != theirs:
                    found.append(f"{here}: {mine} -> {theirs}")
            elif key.endswith("Date") and isinstance(mine, str) and isinstance(theirs, str):
                # the same instant: AWS managed policies' dates are iamctl's shipped ones,
                # written with +00:00 where aws-cli wrote Z
                if datetime.fromisoformat(mine) != datetime.fromisoformat(theirs):
                    found.append(f"{here}: {mine} -> {theirs}")
            elif key in DOCUMENT_KEYS:
                if _document(mine) != _document(theirs):
                    found.append(f"{here}: documents differ")
            else:
                found += differences(mine, theirs, ids, here)
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{where}: {len(expected)} entries -> {len(actual)}"]
        return [d for i, (a, b) in enumerate(zip(expected, actual, strict=True))
                for d in differences(a, b, ids, f"{where}[{i}]")]
    return [] if expected == actual else [f"{where}: {expected!r} -> {actual!r}"]
