"""Write a quota-size iamctl store, fast, by generating the TOML text directly.

    python bench/make_store.py --users 5000 --groups 300 --policies 1500 --out /tmp/big.toml
    python bench/make_store.py --accounts 20 --users 4500 --out /tmp/org.toml
    python bench/make_store.py --roles 1000 --out /tmp/big-roles.toml   # plus roles (access bench)

Users ``user1``…``userN`` each carry two tags and an inline policy and sit in a few of
the groups ``group1``…; customer managed policies ``policy1``… are attached to users and
groups. Two hand-written comments (one at the top, one above ``user1``) let the benchmark
check that writes keep what people wrote. The result is loaded with ``Store(path).read()``
before the script reports success, so it is a store iamctl opens like any other.

``--roles N`` adds roles ``role1``… with an inline policy each: a third trust EC2 (half of
those sit in an instance profile), a third the account, a third one user. ``role1`` is an
administrator that trusts ``user1``; every hundredth user may assume one role, so
``access paths`` has edges to follow.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ACCOUNT = "123456789012"
CREATED = "2024-01-02T03:04:05+00:00"
TOP_COMMENT = "# Quota-size benchmark store (hand-written comment at the top)."
USER_COMMENT = "# Hand-written comment above user1: keep me."
_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def unique_id(prefix: str, rng: random.Random) -> str:
    return prefix + "".join(rng.choice(_ID_ALPHABET) for _ in range(17))


def document(action: str, resource: str) -> str:
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]}
    return json.dumps(doc, indent=2)


def ml(text: str) -> str:
    """A TOML multi-line literal string (our documents never contain ''')."""
    return "'''\n" + text + "\n'''"


def account_ids(count: int) -> list[str]:
    """123456789012 (the one account of a 1-account store), then 100000000001, ..."""
    return [ACCOUNT] + [f"{100000000000 + n:012d}" for n in range(1, count)]


def policy_arn(n: int, account: str = ACCOUNT) -> str:
    return f"arn:aws:iam::{account}:policy/policy{n}"


def trust_document(n: int) -> str:
    if n == 1 or n % 3 == 0:
        principal: dict = {"AWS": f"arn:aws:iam::{ACCOUNT}:user/division{n % 10}/user{n}"}
    elif n % 3 == 1:
        principal = {"Service": "ec2.amazonaws.com"}
    else:
        principal = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    doc = {"Version": "2012-10-17",
           "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]}
    return json.dumps(doc, indent=2)


def role_blocks(roles: int, users: int, rng: random.Random) -> list[str]:
    """Roles, and instance profiles for half of the roles that trust EC2."""
    out: list[str] = []
    for n in range(1, roles + 1):
        out.append(f"[accounts.{ACCOUNT}.roles.role{n}]")
        out.append(f'id = "{unique_id("AROA", rng)}"')
        out.append(f'created = "{CREATED}"')
        out.append(f"trust = {ml(trust_document(n if n <= users else 1))}")
        out.append('path = "/"')
        if n == 1:
            out.append('attached = ["arn:aws:iam::aws:policy/AdministratorAccess"]')
        out.append("")
        out.append(f"[accounts.{ACCOUNT}.roles.role{n}.inline]")
        out.append(f"Work = {ml(document('sqs:SendMessage', f'arn:aws:sqs:*:{ACCOUNT}:queue{n}'))}")
        out.append("")
    for n in range(4, roles + 1, 6):  # n % 3 == 1 and every other one: roles that trust EC2
        out.append(f"[accounts.{ACCOUNT}.instance_profiles.profile{n}]")
        out.append(f'id = "{unique_id("AIPA", rng)}"')
        out.append(f'created = "{CREATED}"')
        out.append('path = "/"')
        out.append(f'roles = ["role{n}"]')
        out.append("")
    return out


def generate(users: int, groups: int, policies: int, seed: int = 1, accounts: int = 1, roles: int = 0) -> str:
    rng = random.Random(seed)
    out: list[str] = [TOP_COMMENT, "schema = 1", f'default_account = "{ACCOUNT}"', ""]
    for index, account in enumerate(account_ids(accounts)):
        out += _account(account, index, users, groups, policies, rng, roles if index == 0 else 0)
    return "\n".join(out)


def _account(
    account: str, index: int, users: int, groups: int, policies: int, rng: random.Random, roles: int = 0
) -> list[str]:
    """One account's tables, all together (the store is read account by account); roles
    (``--roles``) only in the first account, 123456789012."""
    alias = "bench-corp" if index == 0 else f"bench-corp-{index}"
    out = [f"[accounts.{account}]", f'created = "{CREATED}"', f'alias = "{alias}"', ""]
    for n in range(1, users + 1):
        member_of = sorted(rng.sample(range(1, groups + 1), min(3, groups))) if groups else []
        attached = sorted(rng.sample(range(1, policies + 1), min(2, policies))) if policies else []
        if n == 1:
            out.append(USER_COMMENT)
        out.append(f"[accounts.{account}.users.user{n}]")
        out.append(f'id = "{unique_id("AIDA", rng)}"')
        out.append(f'created = "{CREATED}"')
        out.append(f'path = "/division{n % 10}/"')
        if member_of:
            out.append("groups = [" + ", ".join(f'"group{g}"' for g in member_of) + "]")
        if attached:
            out.append("attached = [" + ", ".join(f'"{policy_arn(p, account)}"' for p in attached) + "]")
        out.append("")
        out.append(f"[accounts.{account}.users.user{n}.tags]")
        out.append(f'team = "team{n % 37}"')
        out.append(f'cost-center = "cc{n % 101}"')
        out.append("")
        out.append(f"[accounts.{account}.users.user{n}.inline]")
        out.append(f"Home = {ml(document('s3:GetObject', f'arn:aws:s3:::home/user{n}/*'))}")
        if roles and n % 100 == 0:
            target = f"arn:aws:iam::{ACCOUNT}:role/role{(n // 100) % roles + 1}"
            out.append(f"Assume = {ml(document('sts:AssumeRole', target))}")
        out.append("")
    for n in range(1, groups + 1):
        out.append(f"[accounts.{account}.groups.group{n}]")
        out.append(f'id = "{unique_id("AGPA", rng)}"')
        out.append(f'created = "{CREATED}"')
        out.append('path = "/"')
        if policies:
            out.append(f'attached = ["{policy_arn(rng.randint(1, policies), account)}"]')
        out.append("")
    for n in range(1, policies + 1):
        out.append(f"[accounts.{account}.policies.policy{n}]")
        out.append(f'id = "{unique_id("ANPA", rng)}"')
        out.append(f'created = "{CREATED}"')
        out.append(f'updated = "{CREATED}"')
        out.append('path = "/"')
        out.append(f'description = "Benchmark policy {n}"')
        out.append('default_version = "v1"')
        out.append("next_version = 2")
        out.append("")
        out.append(f"[accounts.{account}.policies.policy{n}.versions.v1]")
        out.append(f"document = {ml(document('dynamodb:GetItem', f'arn:aws:dynamodb:*:{account}:table/t{n}'))}")
        out.append(f'created = "{CREATED}"')
        out.append("")
    if roles:
        out += role_blocks(roles, users, rng)
    return out


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def verify(path: Path, users: int, groups: int, policies: int, accounts: int = 1, roles: int = 0) -> None:
    from iamctl.core.store import Store

    data = Store(path).read()
    if len(data.accounts) != accounts:
        raise SystemExit(f"{path}: {len(data.accounts)} accounts, expected {accounts}")
    for account_id in (ACCOUNT, account_ids(accounts)[-1]):
        account = data.accounts[account_id]
        expected = (users, groups, policies, roles if account_id == ACCOUNT else 0)
        counts = (len(account.users), len(account.groups), len(account.policies), len(account.roles))
        if counts != expected:
            raise SystemExit(f"{path}: loaded {counts} in {account_id}, expected {expected}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--groups", type=int, default=300)
    parser.add_argument("--policies", type=int, default=1500)
    parser.add_argument("--accounts", type=int, default=1,
                        help="Accounts, each with the sizes above: 123456789012, then 100000000001, ...")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--roles", type=int, default=0, help="Roles to add (the access benchmark uses 1000).")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="Overwrite an existing file.")
    args = parser.parse_args(argv)
    if args.out.exists() and not args.force:
        parser.error(f"{args.out} exists (use --force to overwrite)")
    started = time.perf_counter()
    text = generate(args.users, args.groups, args.policies, args.seed, args.accounts, roles=args.roles)
    write(args.out, text)
    generated = time.perf_counter() - started
    verify(args.out, args.users, args.groups, args.policies, args.accounts, args.roles)
    size = args.out.stat().st_size
    print(
        f"wrote {args.out}: {args.accounts} account(s), each {args.users} users, {args.groups} groups, "
        f"{args.policies} policies ({args.roles} roles in {ACCOUNT}), "
        f"{size / 1e6:.1f} MB in {generated:.2f} s; loads with Store.read()",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
