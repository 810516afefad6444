"""--output json: the bytes of json.dumps(indent=4, ensure_ascii=False), at C speed."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iamctl.cli import json_out

SCALARS = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text())
DOCUMENTS = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=6) | st.dictionaries(st.text(), children, max_size=6),
    max_leaves=60,
)


def reference(data) -> str:
    return json.dumps(data, indent=4, ensure_ascii=False)


@pytest.fixture
def always_fast(monkeypatch):
    monkeypatch.setattr(json_out, "FAST_FROM", 0)  # the C path for every size


@settings(max_examples=400, deadline=None)
@given(DOCUMENTS)
def test_the_same_text_as_the_pure_encoder(data):
    # (hypothesis and function-scoped fixtures do not mix: set the threshold by hand)
    old, json_out.FAST_FROM = json_out.FAST_FROM, 0
    try:
        assert json_out.dumps(data) == reference(data)
    finally:
        json_out.FAST_FROM = old


@pytest.mark.parametrize("data", [
    {"UserName": "Zoë", "Path": "/équipe/", "Emoji": "😀", "Ctl": "\x00\x1f\x7f\u2028\u2029", "Esc": "\\\"/"},
    {"Empty": [], "AlsoEmpty": {}, "Nested": [[], [{}], {"a": [[[]]]}]},
    [1e-7, 1e16, -0.0, 1.5, 2**80, True, False, None],
    {"NotJson": float("nan"), "Inf": float("-inf")},  # json.dumps writes NaN: so must we
    {"Lone": "\ud800"},  # a lone surrogate (not UTF-8): the reference path takes it
    {7: "int key", None: "none key", 2.5: "float key", True: "bool key"},
    ("a", ("tuple", "as", "list")),
])
def test_edge_cases(always_fast, data):
    assert json_out.dumps(data) == reference(data)


def test_what_json_refuses_is_refused_the_same_way(always_fast):
    circular: list = []
    circular.append(circular)
    for bad in ({"d": {1, 2}}, circular, {"k": object()}):
        with pytest.raises((TypeError, ValueError)) as expected:
            reference(bad)
        with pytest.raises(type(expected.value), match=str(expected.value)[:20]):
            json_out.dumps(bad)


def test_a_quota_size_listing_is_indented_in_c(cli, account, monkeypatch):
    """The CLI path: a listing bigger than FAST_FROM goes through msgspec, same bytes."""
    import sys

    monkeypatch.setattr(json_out, "FAST_FROM", 1000)
    for i in range(40):
        assert cli("user", "create", f"user-{i}", "--tag", "team=Zoë").code == 0
    sys.modules.pop("msgspec.json", None)
    result = cli("user", "list", "--output", "json")
    assert result.code == 0
    assert "msgspec.json" in sys.modules
    assert result.out == reference(json.loads(result.out)) + "\n"
