"""Property: whatever sequence of changes goes through the store, the file holds the data.

The store writes by splicing re-rendered blocks into the old text (blocks.py). If the
splicer ever diverged — a block cut in the wrong place, a key quoted wrongly, a sub-table
left behind — `tomllib.loads(file)` would stop being the data the transaction held.
Entity names use every character IAM allows, several of which need quoting in TOML keys.
"""

from __future__ import annotations

import json
import os
import tempfile
import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iamctl.core.errors import IamError
from iamctl.core.model.base import to_raw
from iamctl.core.service import accounts, groups, policies, users
from iamctl.core.store import Store

ACCOUNT = "123456789012"
# IAM's name characters; '.', '@', '=', '+', ',' force quoted keys in TOML
# Mostly a small pool, so that operations meet the entities earlier ones created.
POOL = ["alice", "Alice", "a.b", "x@example.com", "k=v", "p+q", "c,d", "-dash", "_u", "9", "a.b.c@d"]
names = st.one_of(st.sampled_from(POOL), st.text(alphabet="abAB09_+=,.@-", min_size=1, max_size=10))
tag_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
resources = st.sampled_from(["*", "arn:aws:s3:::b/*", "arn:aws:s3:::it's", "arn:aws:s3:::a'''b", 'x"y\\z'])


def document(resource: str, indent: int | None) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource}]}, indent=indent)


operations = st.one_of(
    st.tuples(st.just("create_user"), names),
    st.tuples(st.just("delete_user"), names),
    st.tuples(st.just("rename_user"), names, names),
    st.tuples(st.just("tag_user"), names, st.text(alphabet="kKz.@ -", min_size=1, max_size=6), tag_text),
    st.tuples(st.just("untag_user"), names),
    st.tuples(st.just("create_group"), names),
    st.tuples(st.just("delete_group"), names),
    st.tuples(st.just("rename_group"), names, names),
    st.tuples(st.just("add_user"), names, names),
    st.tuples(st.just("remove_user"), names, names),
    st.tuples(st.just("put_policy"), names, names, resources, st.sampled_from([None, 2])),
    st.tuples(st.just("attach"), names, st.sampled_from(["ReadOnlyAccess", "Billing", "IAMFullAccess"])),
    st.tuples(st.just("create_policy"), names, resources),
    st.tuples(st.just("delete_policy"), names),
    st.tuples(st.just("new_version"), names, resources),
    st.tuples(st.just("comment"), st.integers(min_value=0, max_value=50)),
    st.tuples(st.just("new_account"), st.integers(min_value=10**11, max_value=10**12 - 1)),
    # a change to another account: the store writes that account's region alone
    st.tuples(st.just("elsewhere"), st.sampled_from(["create_user", "tag_user", "delete_user"]), names),
)


def apply(data, op: tuple) -> None:
    account = data.accounts[ACCOUNT]
    kind, *args = op
    if kind == "elsewhere":
        others = [a for a in data.accounts if a != ACCOUNT]
        if not others:
            return
        account = data.accounts[others[-1]]
        kind, *args = args
        if kind == "tag_user":
            args = [args[0], "k", "v"]
    if kind == "create_user":
        users.create(account, args[0])
    elif kind == "delete_user":
        users.delete(account, args[0], force=True)
    elif kind == "rename_user":
        users.update(account, args[0], new_name=args[1])
    elif kind == "tag_user":
        from iamctl.core.service.tags import apply_tags

        apply_tags(users.get(account, args[0]).tags, {args[1]: args[2]})
    elif kind == "untag_user":
        users.get(account, args[0]).tags.clear()
    elif kind == "create_group":
        groups.create(account, args[0])
    elif kind == "delete_group":
        groups.delete(account, args[0], force=True)
    elif kind == "rename_group":
        groups.update(account, args[0], new_name=args[1])
    elif kind == "add_user":
        groups.add_user(account, args[0], args[1])
    elif kind == "remove_user":
        groups.remove_user(account, args[0], args[1])
    elif kind == "put_policy":
        users.put_policy(account, args[0], args[1], document(args[2], args[3]))
    elif kind == "attach":
        users.attach_policy(account, args[0], args[1])
    elif kind == "create_policy":
        policies.create_policy(account, args[0], document(args[1], 2))
    elif kind == "delete_policy":
        policies.delete_policy(account, args[0], force=True)
    elif kind == "new_version":
        policies.create_version(account, args[0], document(args[1], None), set_default=True)
    elif kind == "new_account":
        accounts.create(data, account_id=str(args[0]))


def seed(account) -> None:
    """Entities for the operations to meet, with names that need quoting."""
    for name in ("alice", "a.b", "x@example.com", "p+q"):
        users.create(account, name)
    for name in ("k=v", "c,d", "a.b"):
        groups.create(account, name)
    for name in ("a.b.c@d", "9"):
        policies.create_policy(account, name, document("*", 2))
    groups.add_user(account, "k=v", "a.b")
    users.attach_policy(account, "x@example.com", "a.b.c@d")


# 100 in CI; IAMCTL_PROPERTY_EXAMPLES=2000 for a deeper run after changing the store's writer.
EXAMPLES = int(os.environ.get("IAMCTL_PROPERTY_EXAMPLES", "100"))


def add_comment(path: Path, n: int) -> None:
    """A person's comment above the n-th table header (or at the end)."""
    lines = path.read_text().splitlines(keepends=True)
    headers = [i for i, line in enumerate(lines) if line.startswith("[")]
    at = headers[n % len(headers)] if headers else len(lines)
    lines.insert(at, f"# note {n}\n")
    path.write_text("".join(lines))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operations, min_size=1, max_size=25))
def test_file_always_holds_the_data(ops):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store.toml"
        store = Store(path)
        store.create(accounts.new_store(account_id=ACCOUNT))
        with store.transaction() as data:
            seed(data.accounts[ACCOUNT])
        expected = tomllib.loads(path.read_text())
        comments = 0
        for op in ops:
            if op[0] == "comment":
                add_comment(path, op[1])
                comments += 1
                continue
            try:
                with store.transaction() as data:
                    apply(data, op)
                    for _ in data.accounts.values():  # read the accounts apply did not use, to compare them
                        pass
                    held = to_raw(data)
            except IamError:
                continue  # refused: nothing written
            expected = held
            on_disk = tomllib.loads(path.read_text())
            assert on_disk == expected, op
            # a reader that trusts nothing cached sees the same
            assert to_raw(Store(path)._to_model(Store(path)._parse(path.read_text()))) == expected
        text = path.read_text()
        assert tomllib.loads(text) == expected
        # a comment right above a table belongs to it and goes when the entity is deleted
        assert text.count("# note ") <= comments
