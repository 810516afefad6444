"""The one place that formats results: --query first, then table, json, yaml, text or lines.

Commands hand over data in AWS's response shapes (dicts with PascalCase keys). JSON is
printed as aws-cli prints it, YAML as aws-cli v2 does, text by aws-cli's text rules
(cli/aws_text.py), so scripts written for aws-cli carry over. ``lines`` is iamctl 0.2's
text layout: one record a line, fields in the response's order. Tables are for people.
"""

from __future__ import annotations

import json
from typing import Any

from iamctl.cli.env import Env
from iamctl.core.errors import UsageError

# Formats that print the JSON shape; the others may show a command's *readable* form.
AWS_SHAPED = ("json", "yaml", "text")


def emit(env: Env, data: Any, readable: Any = None) -> None:
    """Print *data* in the format the user chose.

    *readable*, when given, is what table and lines output show instead of *data* (a
    nested document such as an invoice reads better flattened); --query always works on
    *data*, the JSON shape, so a query means the same in every format.
    """
    fmt = env.output_format()
    if fmt == "env":
        raise UsageError(
            "--output env is only for commands that print credentials (role assume, role assume-web-identity); "
            "use table, json, yaml, text or lines.",
            "InvalidOutput",
        )
    pages = None
    if env.paging is not None:
        data, pages = env.paging.apply(data)
    if fmt == "text":
        _aws_text(env, data, pages)
        return
    if env.query is not None:
        data = _query(env.query, data)
    elif readable is not None and fmt not in AWS_SHAPED:
        data = readable
    if fmt == "json":
        from iamctl.cli import json_out

        text = json_out.dumps(data)
    elif fmt == "yaml":
        _yaml(env, data)
        return
    elif fmt == "lines":
        text = "\n".join(text_lines(_without_token(env, data)))
    else:
        _table(env, data)
        return
    if text:
        env.stdout.write(text + "\n")


def _without_token(env: Env, data: Any) -> Any:
    """lines are records only: a paged listing's NextToken goes to stderr, as for tables."""
    if isinstance(data, dict) and "NextToken" in data:
        data = dict(data)
        env.info(f"More items: go on with --starting-token {data.pop('NextToken')}")
    return data


def _aws_text(env: Env, data: Any, pages: Any) -> None:
    """aws-cli prints a paginated listing page by page, --query applied to each page, then
    the token to resume from as a NEXTTOKEN row (through the query too, as aws-cli does)."""
    from iamctl.cli import aws_text

    parts = pages.parts if pages is not None else [data]
    if pages is not None and pages.next_token:
        parts = [*parts, {"NextToken": {"NextToken": pages.next_token}}]
    for part in parts:
        if env.query is not None:
            part = _query(env.query, part)
        env.stdout.write(aws_text.text(part))


def _yaml(env: Env, data: Any) -> None:
    """aws-cli v2's YAML: ruamel.yaml's safe dumper in block style (keys sorted, strings
    that would read as another type quoted). An empty response prints nothing, as there."""
    if data == {}:
        return
    from ruamel.yaml import YAML

    dumper = YAML(typ="safe")
    dumper.default_flow_style = False
    # The JSON shape exactly (tuples as lists, nothing the safe dumper cannot represent).
    dumper.dump(json.loads(json.dumps(data)), env.stdout)


def _query(expression: str, data: Any) -> Any:
    import jmespath
    from jmespath.exceptions import JMESPathError

    try:
        return jmespath.search(expression, data)
    except JMESPathError as exc:
        shown = expression or "''"
        raise UsageError(f"Bad value for --query {shown}: {_one_line(exc)}", "InvalidQuery") from None


def _one_line(exc: Exception) -> str:
    # jmespath's parse errors span three lines (message, expression, caret); an error
    # must be one line on stderr, so say the column instead of drawing the caret.
    first = str(exc).splitlines()[0].rstrip(":")
    position = getattr(exc, "lex_position", None)
    return f"{first} (column {position + 1})" if isinstance(position, int) else first


# ---------------------------------------------------------------- lines (iamctl 0.2's text)


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
    from iamctl.cli import tables

    tables.render(env, data)
