"""Account alias rules and the sign-in URL."""

from __future__ import annotations

import pytest

from iamctl.core.credentials import alias as al
from iamctl.core.errors import IamError


@pytest.mark.parametrize("good", ["abc", "example-corp", "my-company-2024", "a1b", "a" * 63, "0ab"])
def test_valid(good: str) -> None:
    assert al.check_alias(good) == good


@pytest.mark.parametrize(
    ("bad", "rule"),
    [
        ("ab", "3 to 63 characters"),
        ("a" * 64, "3 to 63 characters"),
        ("", "3 to 63 characters"),
        ("Example", "lowercase letters, digits and hyphens"),
        ("my_corp", "lowercase letters, digits and hyphens"),
        ("my.corp", "lowercase letters, digits and hyphens"),
        ("my corp", "lowercase letters, digits and hyphens"),
        ("-corp", "start or end with a hyphen"),
        ("corp-", "start or end with a hyphen"),
        ("my--corp", "two hyphens in a row"),
        ("123456789012", "all digits"),
    ],
)
def test_each_bad_case(bad: str, rule: str) -> None:
    with pytest.raises(IamError) as err:
        al.check_alias(bad)
    assert err.value.code == "ValidationError"
    assert rule in err.value.message


def test_all_problems_named_at_once() -> None:
    assert len(al.problems("-A--")) == 3  # charset, hyphen at an end, double hyphen
    assert len(al.problems("-_")) == 3  # length, charset, hyphen at an end


def test_signin_url() -> None:
    assert al.signin_url("123456789012") == "https://123456789012.signin.aws.amazon.com/console"
    assert al.signin_url("123456789012", "example-corp") == (
        "https://example-corp.signin.aws.amazon.com/console")
    assert al.list_aliases_json(None) == {"AccountAliases": []}
    assert al.list_aliases_json("x-y") == {"AccountAliases": ["x-y"]}
