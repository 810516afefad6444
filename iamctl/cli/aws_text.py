"""``--output text`` laid out by aws-cli's rules, so scripts written against aws-cli read
iamctl's output with the same ``cut``/``read``/``awk``.

The rules (aws-cli's text formatter, learnt from its behaviour; fixtures made with it are
in tests/output_fixtures, see scripts/gen_text_fixtures.py):

- a scalar prints as Python's ``str()``: ``None``, ``True``, ``12``;
- a dict prints one row of its scalar values, ordered by key, headed by the name of the key
  it hangs under in upper case (``USERS``, ``TAGS``); then each list or dict value, ordered
  by key, under its own name;
- the dicts of a list share one set of columns: every scalar key any of them has, sorted;
  a dict lacking one prints an empty field there;
- a list of scalars is one tab-separated row, or, under a name, one ``NAME\\tvalue`` row
  per element; a list mixing scalars and lists prints the scalars first;
- empty lists and dicts print nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def text(data: Any) -> str:
    """The whole of *data* as aws-cli's text output (each row ends with a newline)."""
    return "".join(f"{row}\n" for row in rows(data))


def rows(item: Any, name: str | None = None, columns: list[str] | None = None) -> Iterator[str]:
    if isinstance(item, dict):
        yield from _dict_rows(item, name, columns)
    elif isinstance(item, (list, tuple)):  # a tuple is a JSON array too
        yield from _list_rows(list(item), name)
    else:
        yield str(item)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list, tuple))


def _dict_rows(item: dict, name: str | None, columns: list[str] | None) -> Iterator[str]:
    if columns is None:
        keys = sorted(item)
        fields = [str(item[k]) for k in keys if _is_scalar(item[k])]
        nested = [k for k in keys if not _is_scalar(item[k])]
    else:
        # A list's shared columns: a key scalar in any element is a column in all of them
        # (even where this element holds a list there); only the other keys nest.
        fields = [str(item.get(k, "")) for k in columns]
        nested = sorted(set(item) - set(columns))
    if fields:
        yield "\t".join([name.upper(), *fields] if name is not None else fields)
    for key in nested:
        yield from rows(item[key], key)


def _list_rows(items: list, name: str | None) -> Iterator[str]:
    if not items:
        return
    if any(isinstance(i, dict) for i in items):
        columns = sorted({k for i in items if isinstance(i, dict) for k, v in i.items() if _is_scalar(v)})
        for element in items:
            yield from rows(element, name, columns)
        return
    scalars = [i for i in items if _is_scalar(i)]
    nested = [i for i in items if not _is_scalar(i)]
    if scalars:
        if name is None:
            yield "\t".join(str(i) for i in scalars)
        else:
            yield from (f"{name.upper()}\t{i}" for i in scalars)
    for element in nested:
        yield from rows(element, name)
