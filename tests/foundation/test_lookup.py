"""Name lookup: IAM names are unique regardless of case; a bulk create must not scan."""

from __future__ import annotations

from iamctl.core.service.lookup import FoldedNames, find, taken


class _NoScan(FoldedNames[int]):
    def __iter__(self):  # a miss that walks every name would be quadratic over an import
        raise AssertionError("find scanned every name")


def test_find_ignores_case_and_knows_a_miss_without_scanning() -> None:
    names = _NoScan()
    names["Alice"] = 1
    assert find(names, "Alice") == 1
    assert find(names, "ALICE") == 1 and taken(names, "alice")
    assert find(names, "bob") is None


def test_folded_names_forget_a_deleted_or_renamed_name() -> None:
    names: FoldedNames[int] = FoldedNames()
    names["Alice"] = 1
    del names["Alice"]
    assert find(names, "alice") is None
    names["Bob"] = 2
    names["bob2"] = names.pop("Bob")
    assert find(names, "BOB") is None and find(names, "BOB2") == 2
    assert dict(names) == {"bob2": 2}


def test_plain_mappings_still_match_regardless_of_case() -> None:
    assert find({"Admins": 1}, "admins") == 1
    assert find({"Admins": 1}, "ops") is None
