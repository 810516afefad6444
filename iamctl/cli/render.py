"""The one place that formats results: --query first, then table, json or text.

Commands hand over data in AWS's response shapes (dicts with PascalCase keys). JSON is
printed as aws-cli prints it. Text is for scripts: one record a line, fields separated
by tabs, so ``cut``, ``read`` and ``while`` loops work. Tables are for people.
"""

from __future__ import annotations

import json
from typing import Any

from iamctl.cli.env import Env
from iamctl.core.errors import UsageError


def emit(env: Env, data: Any, readable: Any = None) -> None:
    """Print *data* in the format the user chose.

    *readable*, when given, is what table and text output show instead of *data* (a
    nested document such as an invoice reads better flattened); --query always works on
    *data*, the JSON shape, so a query means the same in every format.
    """
    fmt = env.output_format()
    if fmt == "env":
        raise UsageError(
            "--output env is only for commands that print credentials (role assume, role assume-web-identity); "
            "use table, json or text.",
            "InvalidOutput",
        )
    if env.query:
        data = _query(env.query, data)
    elif readable is not None and fmt != "json":
        data = readable
    if fmt == "json":
        from iamctl.cli import json_out

        text = json_out.dumps(data)
    elif fmt == "text":
        text = "\n".join(text_lines(data))
    else:
        _table(env, data)
        return
    if text:
        env.stdout.write(text + "\n")


def _query(expression: str, data: Any) -> Any:
    import jmespath
    from jmespath.exceptions import JMESPathError

    try:
        return jmespath.search(expression, data)
    except JMESPathError as exc:
        raise UsageError(f"Bad value for --query {expression}: {_one_line(exc)}", "InvalidQuery") from None


def _one_line(exc: Exception) -> str:
    # jmespath's parse errors span three lines (message, expression, caret); an error
    # must be one line on stderr, so say the column instead of drawing the caret.
    first = str(exc).splitlines()[0].rstrip(":")
    position = getattr(exc, "lex_position", None)
    return f"{first} (column {position + 1})" if isinstance(position, int) else first


# ---------------------------------------------------------------- text


def _scalar(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, list):
        return ",".join(_scalar(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _unwrap(data: Any) -> Any:
    """{"Users": [...]} → [...]: a lone top-level key is only the response's envelope."""
    while isinstance(data, dict) and len(data) == 1:
        data = next(iter(data.values()))
    return data


def text_lines(data: Any) -> list[str]:
    data = _unwrap(data)
    if isinstance(data, list):
        return [_record(item) for item in data]
    if data is None:
        return []
    if isinstance(data, dict) and any(isinstance(v, (dict, list)) for v in data.values()):
        # Several sections (GetUser's User plus its groups ...): each in turn.
        lines: list[str] = []
        scalars = {k: v for k, v in data.items() if not isinstance(v, (dict, list))}
        if scalars:
            lines.append(_record(scalars))
        for value in data.values():
            if isinstance(value, (dict, list)):
                lines.extend(text_lines(value))
        return lines
    return [_record(data)]


def _record(item: Any) -> str:
    if isinstance(item, dict):
        return "\t".join(_scalar(v) for v in item.values() if not isinstance(v, (dict,)) or not v)
    if isinstance(item, list):
        return "\t".join(_scalar(v) for v in item)
    return _scalar(item)


# ---------------------------------------------------------------- table


def _table(env: Env, data: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(
        file=env.stdout,
        no_color=not env.color(),
        force_terminal=env.color() or None,
        highlight=False,
        markup=False,  # data is shown as it is: "[bold]" in a path is text, not markup
        emoji=False,  # and a tag ":thumbs_up:" is not an emoji
        soft_wrap=False,
        width=None if env.stdout.isatty() else 200,
    )
    body = _unwrap(data)
    if isinstance(body, list) and body and all(isinstance(r, dict) for r in body):
        columns: list[str] = []
        for row in body:
            columns.extend(k for k in row if k not in columns)
        table = Table(*columns, show_lines=False)
        for row in body:
            table.add_row(*(_cell(row.get(c)) for c in columns))
        console.print(table)
    elif isinstance(body, dict):
        table = Table("Field", "Value", show_header=False)
        for key, value in body.items():
            table.add_row(_text(key), _cell(value))
        console.print(table)
    elif isinstance(body, list):
        for item in body:
            console.print(_cell(item))
    elif body is not None:
        console.print(_cell(body))


def _cell(value: Any) -> Any:
    """A table cell as rich Text (never parsed as markup; cheaper to lay out, too)."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        text = "\n".join(", ".join(f"{k}={_scalar(v)}" for k, v in item.items()) for item in value)
    elif isinstance(value, dict):
        text = "\n".join(f"{k}={_scalar(v)}" for k, v in value.items())
    elif isinstance(value, list):
        text = "\n".join(_scalar(v) for v in value)
    else:
        text = "" if value is None else _scalar(value)
    return _text(text)


def _text(text: str) -> Any:
    from rich.text import Text

    return Text(text)
