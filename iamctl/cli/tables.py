"""Tables for people: everything shown in full, nested data as tables inside tables.

- No ARN, ID or date is cut short: a cell too wide for the terminal wraps (folds) instead.
- A policy document (also one held as a JSON string, as Organizations' Content) is shown
  as indented JSON; other nested objects and lists of objects are tables inside the cell.
- Piped (stdout not a terminal), a table is as wide as its content: nothing is cut.
- An empty listing prints nothing on stdout and says so on stderr ("No users found.").
- A big listing (more than BIG rows) is drawn by a plain renderer of the same look: rich
  lays out every cell of every row and takes seconds for thousands of rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from iamctl.cli.env import Env

BIG = 500
# When stdout is not a terminal: wide enough for any table (rich then uses the natural width).
UNLIMITED = 1_000_000

# Envelope keys whose plain-words form reads badly in "No ... found."
# Fields that hold a policy document, as AWS names them. Organizations' Content is the
# document as a JSON string (so it stays in --output json); a table decodes it to indent it.
POLICY_FIELDS = frozenset({"Content", "PolicyDocument", "AssumeRolePolicyDocument", "Document"})

_NOUNS = {"AccessKeyMetadata": "access keys", "MFADevices": "MFA devices", "Versions": "policy versions",
          "EvaluationResults": "results", "SecurityStatus": "checks"}


def render(env: Env, data: Any) -> None:
    data, next_token = _split_token(data)
    body, key = _unwrap(data)
    if isinstance(body, list) and not body:
        if key is not None:
            env.info(f"No {_noun(key)} found.")
    elif isinstance(body, list) and all(isinstance(r, dict) for r in body):
        columns = _columns(body)
        if len(body) > BIG:
            _plain(env, columns, body)
        else:
            _print(env, _list_table(columns, body))
    elif isinstance(body, dict):
        _print(env, _dict_table(body))
    elif isinstance(body, list):
        _print(env, _text("\n".join(_scalar(v) for v in body)))
    elif body is not None:
        _print(env, _text(_scalar(body)))
    if next_token:
        env.info(f"More items: go on with --starting-token {next_token}")


def _split_token(data: Any) -> tuple[Any, str | None]:
    if isinstance(data, dict) and "NextToken" in data:
        data = dict(data)
        return data, data.pop("NextToken")
    return data, None


def _unwrap(data: Any) -> tuple[Any, str | None]:
    """{"Users": [...]} → [...]: a lone top-level key is only the response's envelope."""
    key = None
    while isinstance(data, dict) and len(data) == 1:
        key, data = next(iter(data.items()))
    return data, key


def _noun(key: str) -> str:
    if key in _NOUNS:
        return _NOUNS[key]
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", key)
    return " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words) or key


def _columns(rows: list[dict]) -> list[str]:
    columns: list[str] = []
    seen: set[str] = set()
    for row in rows:
        for k in row:
            if k not in seen:
                seen.add(k)
                columns.append(k)
    return columns


# ---------------------------------------------------------------- rich


def _console(env: Env) -> Any:
    from rich.console import Console

    color = env.color()
    return Console(
        file=env.stdout,
        no_color=not color,
        # no_color drops colours but keeps bold; without a colour system rich writes no
        # escape code at all, as --no-color and NO_COLOR promise.
        color_system="auto" if color else None,
        force_terminal=color or None,
        highlight=False,
        markup=False,  # data is shown as it is: "[bold]" in a path is text, not markup
        emoji=False,  # and a tag ":thumbs_up:" is not an emoji
        soft_wrap=False,
        width=None if env.stdout.isatty() else UNLIMITED,
    )


def _print(env: Env, renderable: Any) -> None:
    _console(env).print(renderable)


def _table(*columns: str, header: bool = True, nested: bool = False) -> Any:
    from rich import box
    from rich.table import Table

    if nested:  # inside a cell: a rule under the header only, no frame
        table = Table(show_header=header, box=box.SIMPLE_HEAD if header else None, show_edge=False,
                      pad_edge=False, padding=(0, 2, 0, 0))
    else:
        table = Table(show_header=header, box=box.SQUARE)
    for name in columns:
        # fold: a value wider than its column breaks across lines; nothing is elided
        table.add_column(name, overflow="fold")
    return table


def _list_table(columns: list[str], rows: list[dict], *, nested: bool = False) -> Any:
    table = _table(*columns, nested=nested)
    for row in rows:
        table.add_row(*(_cell(_document(c, row.get(c))) for c in columns))
    return table


def _dict_table(item: dict, *, nested: bool = False) -> Any:
    table = _table("Field", "Value", header=False, nested=nested)
    for key, value in item.items():
        table.add_row(_text(key), _cell(_document(key, value)))
    return table


def _cell(value: Any) -> Any:
    """A table cell: text for scalars, JSON for a policy document, a table for the rest."""
    if isinstance(value, dict) and value:
        if is_policy_document(value):
            return _text(json.dumps(value, indent=2, ensure_ascii=False))
        return _dict_table(value, nested=True)
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return _list_table(_columns(value), value, nested=True)
    if isinstance(value, list):
        return _text("\n".join(_scalar(v) for v in value))
    return _text("" if value is None or value == {} else _scalar(value))


def _document(key: str, value: Any) -> Any:
    """A policy document held as a JSON string in a policy field, decoded; else *value*
    (a Content that is not JSON, such as the credential report's base64, stays as it is)."""
    if key in POLICY_FIELDS and isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            decoded = json.loads(value)
        except ValueError:
            return value
        if isinstance(decoded, dict) and is_policy_document(decoded):
            return decoded
    return value


def is_policy_document(value: dict) -> bool:
    return "Statement" in value


def _scalar(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (dict, list)):
        return json.dumps(value, indent=2, ensure_ascii=False)
    return str(value)


def _text(text: str) -> Any:
    from rich.text import Text

    return Text(text)


# ---------------------------------------------------------------- big listings


def _plain_lines(value: Any) -> list[str]:
    if isinstance(value, dict) and not is_policy_document(value):
        return [f"{k}: {_scalar(v)}" for k, v in value.items()] or [""]
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return [", ".join(f"{k}: {_scalar(v)}" for k, v in item.items()) for item in value]
    if isinstance(value, list):
        return [_scalar(v) for v in value] or [""]
    return ("" if value is None else _scalar(value)).splitlines() or [""]


def _plain(env: Env, columns: list[str], rows: list[dict]) -> None:
    """The same box as the rich tables, drawn directly: the cost is the text, not a layout."""
    from rich.cells import cell_len

    cells = [[_plain_lines(_document(c, row.get(c))) for c in columns] for row in rows]
    widths = [max([cell_len(c)] + [cell_len(line) for row in cells for line in row[i]]) for i, c in enumerate(columns)]
    if env.stdout.isatty():
        import shutil

        room = shutil.get_terminal_size().columns - 3 * len(columns) - 1
        widths = _fit(widths, room, [max(8, cell_len(c)) for c in columns])
    bold = "\x1b[1m" if env.color() else ""
    reset = "\x1b[0m" if bold else ""
    out = [_rule("┌", "┬", "┐", widths)]
    out.extend(_row([[f"{bold}{c}{reset}"] for c in columns], widths, cell_len, raw_len=[cell_len(c) for c in columns]))
    out.append(_rule("├", "┼", "┤", widths))
    for row in cells:
        out.extend(_row(row, widths, cell_len))
    out.append(_rule("└", "┴", "┘", widths))
    env.stdout.write("\n".join(out) + "\n")


def _fit(widths: list[int], room: int, floors: list[int]) -> list[int]:
    """Narrow the widest columns until the table fits *room* (never below a column's floor:
    its header, and 8 characters)."""
    widths = list(widths)
    while sum(widths) > room:
        narrowable = [i for i, w in enumerate(widths) if w > floors[i]]
        if not narrowable:
            break
        widths[max(narrowable, key=widths.__getitem__)] -= 1
    return widths


def _rule(left: str, mid: str, right: str, widths: list[int]) -> str:
    return left + mid.join("─" * (w + 2) for w in widths) + right


def _fold(line: str, width: int, cell_len: Any) -> Iterable[str]:
    if cell_len(line) <= width:
        yield line
        return
    piece = ""
    for ch in line:
        if cell_len(piece + ch) > width:
            yield piece
            piece = ""
        piece += ch
    yield piece


def _row(row: list[list[str]], widths: list[int], cell_len: Any, raw_len: list[int] | None = None) -> list[str]:
    folded = [[part for line in cell for part in _fold(line, w, cell_len)] if raw_len is None else cell
              for cell, w in zip(row, widths, strict=True)]
    height = max(len(c) for c in folded)
    lines = []
    for i in range(height):
        parts = []
        for j, (cell, w) in enumerate(zip(folded, widths, strict=True)):
            text = cell[i] if i < len(cell) else ""
            shown = raw_len[j] if raw_len is not None and i < len(cell) else cell_len(text)
            parts.append(f" {text}{' ' * (w - shown)} ")
        lines.append("│" + "│".join(parts) + "│")
    return lines
