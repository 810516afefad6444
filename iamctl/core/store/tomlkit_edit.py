"""Changing TOML that a person has edited, keeping their comments and layout (tomlkit).

blocks.py comes here only for a block whose text is not as iamctl would write it, and for
a whole-file rewrite when the file's layout cannot be cut into blocks; every other write
is done without importing tomlkit.
"""

from __future__ import annotations

from typing import Any

import tomlkit
import tomlkit.items
from tomlkit.container import OutOfOrderTableProxy

from iamctl.core.store.toml_text import literal_ok


def toml_value(value: Any) -> Any:
    """A tomlkit item for *value*; JSON documents become readable multi-line strings."""
    if isinstance(value, str) and "\n" in value:
        return tomlkit.string(value, multiline=True, literal=literal_ok(value))
    if isinstance(value, dict):
        table = tomlkit.inline_table()
        for k, v in value.items():
            table[k] = toml_value(v)
        return table
    if isinstance(value, list):
        arr = tomlkit.array()
        for v in value:
            arr.append(toml_value(v))
        return arr
    return tomlkit.item(value)


def sync(container: Any, new: dict) -> None:
    """Make the tomlkit *container* hold *new*, touching only what differs."""
    for key in [k for k in container if k not in new]:
        del container[key]
    for key, value in new.items():
        old = container[key] if key in container else None  # noqa: SIM401 (tomlkit subclasses dict; .get may skip its __getitem__)
        if not isinstance(value, dict):
            if old is None or _unwrap(old) != value:
                container[key] = toml_value(value)
        elif isinstance(old, tomlkit.items.InlineTable):
            if old.unwrap() != value:
                container[key] = toml_value(value)
        elif isinstance(old, (tomlkit.items.Table, OutOfOrderTableProxy)):
            sync(old, value)
        else:
            container[key] = _new_table(value)


def _new_table(value: dict) -> Any:
    table = tomlkit.table()
    for k, v in value.items():
        table[k] = _new_table(v) if isinstance(v, dict) else toml_value(v)
    return table


def _unwrap(item: Any) -> Any:
    return item.unwrap() if hasattr(item, "unwrap") else item


def patch_text(old_text: str, bpath: tuple[str, ...], new_content: dict) -> str:
    """*old_text* (one block) changed to hold *new_content* at *bpath*."""
    doc = tomlkit.parse(old_text)
    node: Any = doc
    for key in bpath:
        node = node[key]
    sync(node, new_content)
    return tomlkit.dumps(doc)


def full_rewrite(text: str, new_raw: dict) -> str:
    """Slow path: parse everything with tomlkit, sync, dump. The caller verifies."""
    doc = tomlkit.parse(text)
    sync(doc, new_raw)
    return tomlkit.dumps(doc)
