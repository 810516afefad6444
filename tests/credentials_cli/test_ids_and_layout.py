"""Unique IDs' lengths, and how credentials sit in the store file."""

from __future__ import annotations

import re

from iamctl.core.names import new_unique_id


def test_key_ids_are_20_and_entity_ids_21() -> None:
    assert re.fullmatch(r"AKIA[A-Z2-7]{16}", new_unique_id("access-key"))
    assert re.fullmatch(r"ASIA[A-Z2-7]{16}", new_unique_id("session-key"))
    assert re.fullmatch(r"AIDA[A-Z2-7]{17}", new_unique_id("user"))


def test_unique_ids_draw_on_all_32_base32_letters_and_do_not_repeat() -> None:
    ids = [new_unique_id("user") for _ in range(500)]
    assert len(set(ids)) == 500
    letters = "".join(i[4:] for i in ids)  # 8,500 letters: each of 32 is expected ~265 times
    assert set(letters) == set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert min(letters.count(c) for c in set(letters)) > 150


def test_a_key_is_a_table_in_its_users_block_and_edits_keep_comments(iam, alice, store_path) -> None:
    key_id = iam("key", "create", "alice").json()["AccessKey"]["AccessKeyId"]
    text = store_path.read_text()
    assert f"[accounts.123456789012.users.alice.access_keys.{key_id}]" in text
    assert "[accounts.123456789012.users.alice.access_keys]\n" not in text  # no empty super-table
    store_path.write_text(text.replace("[accounts.123456789012.users.alice]",
                                       "# alice is our first user\n[accounts.123456789012.users.alice]"))
    assert iam("key", "update", key_id, "--status", "Inactive").code == 0
    text = store_path.read_text()
    assert "# alice is our first user" in text
    block = text[text.index(f"access_keys.{key_id}]"):]
    assert 'status = "Inactive"' in block.split("\n\n")[0]
