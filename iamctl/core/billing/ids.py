"""IDs and ARNs in AWS Organizations' formats.

Formats (AWS Organizations API reference, the ID and ARN patterns of each shape):
  organization  o-[a-z0-9]{10,32}
  root          r-[0-9a-z]{4,32}
  OU            ou-<root suffix>-[a-z0-9]{8,32}   (the OU ID embeds its root's suffix)
  handshake     h-[0-9a-z]{8,32}
  policy        p-[0-9a-zA-Z_]{8,128}
ARNs name the management account, and for everything but the organization itself, the
organization: arn:aws:organizations::<mgmt>:account/o-.../<account id>.
"""

from __future__ import annotations

import random
import re
import secrets

PARTITION = "aws"
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"

ORG_ID_RE = re.compile(r"o-[a-z0-9]{10,32}")
ROOT_ID_RE = re.compile(r"r-[0-9a-z]{4,32}")
OU_ID_RE = re.compile(r"ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}")
HANDSHAKE_ID_RE = re.compile(r"h-[0-9a-z]{8,32}")
POLICY_ID_RE = re.compile(r"p-[0-9a-zA-Z_]{8,128}")
ACCOUNT_ID_RE = re.compile(r"\d{12}")


def _suffix(length: int, rng: random.Random | None) -> str:
    # Tests pass a seeded Random for stable IDs; real use draws from secrets.
    choice = rng.choice if rng is not None else secrets.choice
    return "".join(choice(_ALNUM) for _ in range(length))


def new_org_id(rng: random.Random | None = None) -> str:
    return "o-" + _suffix(10, rng)


def new_root_id(rng: random.Random | None = None) -> str:
    return "r-" + _suffix(4, rng)


def new_ou_id(root_id: str, rng: random.Random | None = None) -> str:
    return f"ou-{root_id.removeprefix('r-')}-{_suffix(8, rng)}"


def new_handshake_id(rng: random.Random | None = None) -> str:
    return "h-" + _suffix(10, rng)


def new_policy_id(rng: random.Random | None = None) -> str:
    return "p-" + _suffix(8, rng)


def _arn(master_account_id: str, resource: str) -> str:
    # Organizations is global: the region is always empty.
    return f"arn:{PARTITION}:organizations::{master_account_id}:{resource}"


def organization_arn(master_account_id: str, org_id: str) -> str:
    return _arn(master_account_id, f"organization/{org_id}")


def root_arn(master_account_id: str, org_id: str, root_id: str) -> str:
    return _arn(master_account_id, f"root/{org_id}/{root_id}")


def ou_arn(master_account_id: str, org_id: str, ou_id: str) -> str:
    return _arn(master_account_id, f"ou/{org_id}/{ou_id}")


def account_arn(master_account_id: str, org_id: str, account_id: str) -> str:
    return _arn(master_account_id, f"account/{org_id}/{account_id}")


def handshake_arn(master_account_id: str, org_id: str, handshake_id: str, action: str = "INVITE") -> str:
    # The handshake type appears in lower case: .../handshake/o-.../invite/h-...
    return _arn(master_account_id, f"handshake/{org_id}/{action.lower()}/{handshake_id}")


def policy_arn(master_account_id: str, org_id: str, policy_id: str, kind: str = "service_control_policy") -> str:
    return _arn(master_account_id, f"policy/{org_id}/{kind}/{policy_id}")


def aws_managed_policy_arn(policy_id: str, kind: str = "service_control_policy") -> str:
    # AWS managed SCPs and RCPs belong to no organization; "aws" stands where the account would.
    return f"arn:{PARTITION}:organizations::aws:policy/{kind}/{policy_id}"


def target_kind(target_id: str) -> str | None:
    """ROOT, ORGANIZATIONAL_UNIT or ACCOUNT by the ID's form (PolicyTargetSummary.Type)."""
    if ROOT_ID_RE.fullmatch(target_id):
        return "ROOT"
    if OU_ID_RE.fullmatch(target_id):
        return "ORGANIZATIONAL_UNIT"
    if ACCOUNT_ID_RE.fullmatch(target_id):
        return "ACCOUNT"
    return None
