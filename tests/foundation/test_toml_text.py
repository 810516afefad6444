"""toml_text writes what tomllib reads back, and writes it as tomlkit would.

The first makes every block iamctl renders correct; the second keeps a block that tomlkit
once patched recognisable as unedited, so that the next write needs no tomlkit at all.
"""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iamctl.core.store import toml_text
from iamctl.core.store.tomlkit_edit import toml_value

# Any text a str can hold in a UTF-8 file: every code point but the lone surrogates.
texts = st.text(alphabet=st.characters(exclude_categories=("Cs",)))


@given(texts)
def test_any_string_value_reads_back_as_written(text):
    assert tomllib.loads(f"k = {toml_text.value(text)}") == {"k": text}


@given(texts.filter(bool))
def test_any_key_reads_back_as_written(key):
    assert tomllib.loads(f"{toml_text.key(key)} = 1\n") == {key: 1}
    assert tomllib.loads(f"[t.{toml_text.key(key)}]\n") == {"t": {key: {}}}


@given(st.recursive(
    st.one_of(texts, st.integers(), st.booleans()),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(texts, inner, max_size=4)),
    max_leaves=12,
))
def test_nested_values_read_back(value):
    assert tomllib.loads(f"k = {toml_text.value(value)}") == {"k": value}


@pytest.mark.parametrize("value", [
    "plain", 'with "quotes" and \\ backslash', "tab\there", "uni é ✓ 𝒜", "ctl\x01\x1b", "del\x7f", "cr\rx",
    '{\n  "Version": "2012-10-17"\n}', "\nleading newline", "it's\nquoted'", "ends in quotes\n''",
    0, 3600, -1, True, False, [], ["a", "b"], {}, {"a": "x", "b c": "y"},
])
def test_values_are_written_as_tomlkit_writes_them(value):
    assert toml_text.value(value) == toml_value(value).as_string()


def test_a_value_it_cannot_write_is_refused():
    with pytest.raises(ValueError, match="no TOML text for a float"):
        toml_text.value(1.5)
