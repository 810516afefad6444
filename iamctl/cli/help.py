"""--help as a learner reads it: one layout for every command, rendered here.

Typer's own help keeps the line breaks of docstrings (ragged lines at 80 columns), writes
arguments as ``{NAME}`` with ``<str>`` and ignores --no-color. Every command's help goes
through ``render()`` instead (``install()`` points Typer's command classes at it), so the
layout is: usage, the description re-wrapped to the terminal, the arguments and options
boxes (the root's lists the global options), then the examples, last.

Docstring conventions this reads: paragraphs are separated by blank lines; a line
starting with ``Example:`` is an example (it may continue on the following lines until a
blank line); indented lines are kept as they are (file formats, column lists).
"""

from __future__ import annotations

from typing import Any

from iamctl.cli.env import GLOBAL_OPTIONS, OUTPUTS

# The global options main() lifts from anywhere on the line: (metavar, help).
GLOBAL_HELP: dict[str, tuple[str, str]] = {
    "--store": ("PATH", "The store file (env IAMCTL_STORE; default $XDG_DATA_HOME/iamctl/store.toml)."),
    "--account": ("ID-OR-ALIAS", "The account to act in (env IAMCTL_ACCOUNT; default: the store's default)."),
    "--output": ("FORMAT", f"Output format: {', '.join(OUTPUTS)} (env IAMCTL_OUTPUT; default table)."),
    "--query": ("JMESPATH", "A JMESPath query applied to the JSON shape before formatting, as in aws-cli."),
    "--no-color": ("", "No colour (also when NO_COLOR is set or stdout is not a terminal)."),
}
MAX_WIDTH = 100
EXAMPLE = "Example:"


class Doc:
    """A docstring split into what help shows in different places. (A plain class, not a
    dataclass: this module is imported by every command, and help is rarely shown.)"""

    def __init__(self) -> None:
        self.prose: list[str] = []  # paragraphs, each one line or a preformatted block
        self.preformatted: set[int] = set()  # indices into prose kept verbatim
        self.examples: list[str] = []  # each one command line


def parse_doc(text: str) -> Doc:
    import inspect

    doc = Doc()
    for paragraph in inspect.cleandoc(text or "").split("\n\n"):
        # runs of lines of one kind: ("prose", [...]), ("block", [...]) or ("example", [...])
        runs: list[tuple[str, list[str]]] = []
        for line in paragraph.splitlines():
            if not line.strip() or line.strip() == "\b":  # Click's no-rewrap marker: indent does that here
                continue
            if line.startswith(EXAMPLE):
                runs.append(("example", [line[len(EXAMPLE) :].strip()]))
                continue
            kind = "block" if line.startswith(" ") else "prose"
            if runs and runs[-1][0] == "example" and kind == "prose":
                kind = "example"  # an example continued on the next line
            if runs and runs[-1][0] == kind:
                runs[-1][1].append(line if kind == "block" else line.strip())
            else:
                runs.append((kind, [line if kind == "block" else line.strip()]))
        for kind, lines in runs:
            if kind == "example":
                doc.examples.append(" ".join(lines))
            elif kind == "block":
                doc.preformatted.add(len(doc.prose))
                doc.prose.append("\n".join(lines))
            else:
                doc.prose.append(" ".join(lines))
    return doc


def shell_words(line: str) -> list[str]:
    """*line* split at the blanks where a shell would end a word, so that a line break
    (`` \\`` newline) may go there: never inside quotes, except inside ``"$(...)"``, where
    the shell reads a command again and a continued line means the same."""
    words: list[str] = []
    current: list[str] = []
    quote = ""  # the open quote character, if any
    depth = 0  # nesting of "$( inside which blanks separate words again
    i = 0
    while i < len(line):
        c = line[i]
        if quote == '"' and line.startswith("$(", i):
            depth += 1
            quote = ""
            current.append("$(")
            i += 2
            continue
        if not quote and depth and c == ")" and line.startswith(')"', i):
            depth -= 1
            quote = '"'
        elif quote:
            if c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c == " ":
            if current:
                words.append("".join(current))
                current = []
            i += 1
            continue
        current.append(c)
        i += 1
    if current:
        words.append("".join(current))
    return words


def wrap_command(line: str, width: int, indent: str = "  ") -> list[str]:
    """A shell command cut into lines of at most *width*, each but the last ending in
    `` \\``, and never inside an option and its value: a break comes only before a word
    that starts with ``-``, or next to ``|``, ``&&``, ``||`` (or between any two words
    when an option and its value alone are too long)."""
    if len(line) <= width:
        return [line]
    groups: list[str] = []
    for word in shell_words(line):
        separator = word in ("|", "&&", "||", ";")
        if not groups or word.startswith("-") or separator or groups[-1].split()[-1] in ("|", "&&", "||", ";"):
            groups.append(word)
        else:
            groups[-1] += " " + word
    # a group still too long (a command with many plain words) is cut between words
    pieces = []
    for group in groups:
        words = group.split(" ")
        while len(" ".join(words)) > width - len(indent) - 2 and len(words) > 1:
            cut = len(words) - 1
            while cut > 1 and len(" ".join(words[:cut])) > width - len(indent) - 2:
                cut -= 1
            pieces.append(" ".join(words[:cut]))
            words = words[cut:]
        pieces.append(" ".join(words))
    lines: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current} {piece}" if current else piece
        prefix = indent if lines else ""
        if not current or len(prefix + candidate) + 2 <= width:
            current = candidate
        else:
            lines.append(current)
            current = piece
    lines.append(current)
    return [(indent if i else "") + text + (" \\" if i < len(lines) - 1 else "") for i, text in enumerate(lines)]


def width() -> int:
    import shutil

    return max(40, min(shutil.get_terminal_size((80, 24)).columns, MAX_WIDTH))


# ---------------------------------------------------------------- parameters


def metavar(param: Any) -> str:
    """How a parameter's value is written: NAME, KEY=VALUE..., All|AWS|Local."""
    from typer._click import types

    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return ""
    if param.metavar:
        name = param.metavar
    elif getattr(param.type, "choices", None):
        name = "|".join(str(c) for c in param.type.choices)
    elif isinstance(param.type, types.IntParamType):
        name = "N"
    elif param.param_type_name == "option":
        name = (param.name or "value").upper().replace("_", "-")
    else:
        name = (param.name or "").upper()
    if param.param_type_name == "argument" and (param.nargs != 1) and not name.endswith("..."):
        name += "..."
    return name


def usage(command: Any, ctx: Any) -> str:
    parts = [ctx.command_path]
    if getattr(command, "commands", None):
        parts.append("COMMAND")
    for param in command.params:
        if param.param_type_name != "argument":
            continue
        var = metavar(param)
        if var.startswith("["):  # the metavar says it is optional already
            parts.append(var)
            continue
        if var.endswith("..."):  # NAME... reads NAME [NAME ...], as in argparse and aws-cli
            var = f"{var[:-3]} [{var[:-3]} ...]"
        parts.append(var if param.required else f"[{var}]")
    if any(p.param_type_name == "option" for p in command.params):
        parts.append("[OPTIONS]")
    return " ".join(parts)


def _default(param: Any, ctx: Any) -> str | None:
    if param.param_type_name != "option" or getattr(param, "is_flag", False) or param.show_default is False:
        return None
    value = param.get_default(ctx, call=False)
    if value in (None, "", [], ()) or callable(value):
        return None
    return str(value)


def _option_rows(command: Any, ctx: Any, root: bool) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if root:
        for name, (var, text) in GLOBAL_HELP.items():
            rows.append((f"{', '.join(global_names(name))} {var}".strip(), text))
    for param in command.get_params(ctx):
        if param.param_type_name != "option" or getattr(param, "hidden", False):
            continue
        flags = ", ".join(sorted(param.opts, key=len))
        var = metavar(param)
        text = (param.help or "").replace("\n", " ")
        default = _default(param, ctx)
        if default is not None:
            text += f" [default: {default}]"
        if param.required:
            text += " [required]"
        rows.append((f"{flags} {var}".strip(), text.strip()))
    return rows


def global_names(name: str) -> list[str]:
    """A global option and its aliases, short first (``-o, --output``)."""
    attr = GLOBAL_OPTIONS.get(name, (None,))[0]
    same = [n for n, (a, _) in GLOBAL_OPTIONS.items() if a == attr and n != name]
    return sorted([name, *same], key=len) if attr else [name]


def _argument_rows(command: Any) -> list[tuple[str, str]]:
    rows = []
    for param in command.params:
        if param.param_type_name == "argument":
            text = (getattr(param, "help", None) or "").replace("\n", " ")
            rows.append((metavar(param), text + ("" if param.required else " [optional]")))
    return rows


def _command_rows(command: Any, ctx: Any) -> list[tuple[str, str]]:
    rows = []
    for name in command.list_commands(ctx):
        sub = command.get_command(ctx, name)
        if sub is None or sub.hidden:
            continue
        first = parse_doc(sub.help or "").prose[:1]
        rows.append((name, first[0] if first else ""))
    return rows


# ---------------------------------------------------------------- rendering


def render(command: Any, ctx: Any, color: bool | None = None) -> str:
    """The full help of *command* as text (with ANSI colour codes only when *color*)."""
    import io

    from rich.console import Console
    from rich.padding import Padding
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    if color is None:
        from iamctl.cli.env import current

        color = current().color()
    out = io.StringIO()
    console = Console(
        file=out, width=width(), force_terminal=color, no_color=not color, color_system="standard" if color else None,
        highlight=False, emoji=False, markup=False,
    )
    root = ctx.parent is None
    doc = parse_doc(command.help or "")
    console.print(Padding(Text.assemble(("Usage: ", "yellow"), (usage(command, ctx), "bold")), (1, 1, 1, 1)))
    for i, paragraph in enumerate(doc.prose):
        style = "" if i else "bold"
        if i in doc.preformatted:
            console.print(Padding(Text(paragraph), (0, 1, 1, 1)), no_wrap=True, overflow="ignore", crop=False)
        else:
            console.print(Padding(Text(paragraph, style=style), (0, 1, 1, 1)))

    def panel(title: str, rows: list[tuple[str, str]]) -> None:
        if not rows:
            return
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold cyan", overflow="fold", max_width=max(20, console.width // 2 - 4))
        grid.add_column(overflow="fold")
        for left, right in rows:
            grid.add_row(left, right)
        console.print(Panel(grid, title=title, title_align="left", border_style="dim"))

    panel("Arguments", _argument_rows(command))
    options = _option_rows(command, ctx, root)
    if not root and not getattr(command, "commands", None):
        options.append(("Global options", "--store, --account, --output, --query, --no-color (iamctl --help)."))
    panel("Options", options)
    if getattr(command, "commands", None):
        panel("Commands", _command_rows(command, ctx))
    if doc.examples:
        console.print()
        console.print(Text(" Example:" if len(doc.examples) == 1 else " Examples:", style="yellow"))
        for example in doc.examples:
            for line in wrap_command(example, console.width - 2, indent="    "):
                console.print(Text("  " + line), no_wrap=True, overflow="ignore", crop=False)
    # Padding fills lines with spaces to the width; a learner copying from help, or a
    # test comparing it, should not get them.
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines()).strip("\n") + "\n"


def _format_help(self: Any, ctx: Any, formatter: Any) -> None:
    formatter.write(render(self, ctx))


def install() -> None:
    """Send every command's --help through render() (idempotent)."""
    from typer import core

    core.TyperCommand.format_help = _format_help  # type: ignore[method-assign]
    core.TyperGroup.format_help = _format_help  # type: ignore[method-assign]
