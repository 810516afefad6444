"""Billing in the store file: one [table] per entity, hand edits checked on read."""

from __future__ import annotations

import re

import pytest

from .conftest import DEV, OPS, T0, WORKED_EXAMPLE_CSV


def test_each_entity_is_its_own_table(ok, org, store_path) -> None:
    ok("billing", "usage", "import", "-", stdin=WORKED_EXAMPLE_CSV)
    text = store_path.read_text()
    assert f"[organizations.{org}]" in text
    assert len(re.findall(r"^\[handshakes\.h-[0-9a-z]+\]$", text, re.M)) == 3
    assert len(re.findall(r"^\[usage\.u-\d{8}\]$", text, re.M)) == 3
    assert 'quantity = "30"' in text  # Decimal kept as a string, never a float


def test_a_write_keeps_a_persons_comments(ok, org, store_path) -> None:
    ok("billing", "usage", "import", "-", stdin=WORKED_EXAMPLE_CSV)
    text = store_path.read_text().replace("[usage.u-00000002]", "# checked by finance\n[usage.u-00000002]")
    store_path.write_text(text)
    ok("billing", "access", "enable")
    after = store_path.read_text()
    assert "# checked by finance\n[usage.u-00000002]" in after
    assert "[billing_prefs.111111111111]\niam_access_to_billing = true" in after


def _edit(store_path, old: str, new: str) -> None:
    text = store_path.read_text()
    assert old in text, old
    store_path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (f'target_account_id = "{OPS}"', 'target_account_id = "999999999999"', "names account 999999999999"),
        (f"[organizations.ORG.accounts.{DEV}]", "[organizations.ORG.accounts.999999999999]",
         "has member 999999999999, which is not an account in the store"),
        ('account_id = "222222222222"\nservice', 'account_id = "999999999999"\nservice',
         "usage record u-00000001 is for account 999999999999"),
        ('targets = ["r-', 'targets = ["ou-zzzz-zzzzzzzz", "r-', "attached to ou-zzzz-zzzzzzzz"),
        ('parent_id = "r-', 'parent_id = "ou-nope-nopenope', "which is not its root or an OU"),
    ],
)
def test_hand_edits_that_break_references(cli, ok, org, store_path, old, new, message) -> None:
    ok("billing", "usage", "import", "-", stdin=WORKED_EXAMPLE_CSV)
    _edit(store_path, old.replace("ORG", org), new.replace("ORG", org))
    result = cli("billing", "org", "get")
    assert result.code == 4 and result.err.startswith("iamctl: CorruptStore: ")
    assert message in result.err


def test_an_account_in_two_organizations(cli, ok, accounts, store_path) -> None:
    ok("billing", "org", "create", "--at", T0)
    ok("--account", DEV, "billing", "org", "create", "--at", T0)
    text = store_path.read_text()
    # Copy DEV's membership of its own organization into the payer's.
    own = re.search(r"\[organizations\.(o-\w+)\.accounts\.222222222222\]\n(.*?)\n\n", text, re.S)
    assert own is not None
    payer_org = next(o for o in re.findall(r"^\[organizations\.(o-\w+)\]$", text, re.M) if o != own.group(1))
    root = re.search(rf"\[organizations\.{payer_org}\].*?root_id = \"(r-\w+)\"", text, re.S).group(1)
    body = re.sub(r'parent_id = "r-\w+"', f'parent_id = "{root}"', own.group(2))
    text += f"\n[organizations.{payer_org}.accounts.222222222222]\n{body}\n"
    store_path.write_text(text)
    result = cli("billing", "org", "get")
    assert result.code == 4 and "is in two organizations" in result.err


def test_rcps_in_the_file_and_a_dangling_rcp_attachment(cli, ok, org, store_path) -> None:
    ok("billing", "rcp", "enable")
    text = store_path.read_text()
    assert "rcps_enabled = true" in text
    assert f"[organizations.{org}.rcps.RCPFullAWSAccess]" in text
    section = text[text.index(f"[organizations.{org}.rcps.RCPFullAWSAccess]"):]
    _edit(store_path, section.split("targets = [", 1)[0] + "targets = [",
          section.split("targets = [", 1)[0] + 'targets = ["ou-zzzz-zzzzzzzz", ')
    result = cli("billing", "org", "get")
    assert result.code == 4 and result.err.startswith("iamctl: CorruptStore: ")
    assert "RCP RCPFullAWSAccess is attached to ou-zzzz-zzzzzzzz" in result.err
