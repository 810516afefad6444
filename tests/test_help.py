"""Help a learner can read: every command has examples and described parameters, usage
lines without Typer's decorations, clean wrapping, `iamctl help`, --no-color."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

import pytest

from iamctl.cli import help as help_module
from tests.conftest import ROOT


def _tree():
    sys.path.insert(0, str(ROOT / "scripts"))
    import gen_docs

    return gen_docs, gen_docs.command_tree()


def _leaves() -> list[tuple[tuple[str, ...], object]]:
    gen_docs, tree = _tree()
    return [(p, c) for p, c in gen_docs.walk(tree) if p and not getattr(c, "commands", None)]


def test_every_leaf_command_ends_its_help_with_an_iamctl_example() -> None:
    # Walks the live command tree, so a command added later without an example fails here.
    missing = []
    for path, command in _leaves():
        doc = help_module.parse_doc(command.help or "")
        if not doc.examples or not all("iamctl " in e for e in doc.examples):
            missing.append(" ".join(path))
    assert not missing, f"commands whose help has no 'Example: iamctl ...' line: {missing}"


def test_every_argument_and_option_has_a_description() -> None:
    missing = [
        f"{' '.join(path)} {param.opts[0] if param.param_type_name == 'option' else param.name}"
        for path, command in _leaves()
        for param in command.params
        if not (getattr(param, "help", None) or "").strip()
    ]
    assert not missing, f"parameters without help=: {missing}"


def test_every_global_option_has_help_text() -> None:
    from iamctl.cli.env import GLOBAL_OPTIONS

    long_names = [name for name in GLOBAL_OPTIONS if name.startswith("--")]
    assert [n for n in long_names if n not in help_module.GLOBAL_HELP] == []


def test_help_of_every_command_renders_within_80_columns_without_typer_decorations(monkeypatch, cli) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    for path, _ in _leaves():
        result = cli(*path, "--help")
        assert result.code == 0, (path, result.err)
        lines = result.out.splitlines()
        assert lines[0].startswith(f" Usage: iamctl {' '.join(path)}"), path
        assert "{" not in lines[0] and "<str>" not in result.out, path
        assert max(len(line) for line in lines) <= 80, path
        header = max(i for i, line in enumerate(lines) if line in (" Example:", " Examples:"))
        assert all(line.startswith("  ") for line in lines[header + 1 :]), path  # the examples come last


# One usage token: NAME, NAME.ext, KEY=VALUE, a choice a|b|c; optional in [..], repeated as
# NAME [NAME ...].
_TOKEN = r"([A-Z][A-Z0-9_-]*(\.[a-z]+)?(=[A-Z][A-Z0-9_-]*)?(\|[A-Za-z0-9_-]+)*|[a-z0-9-]+(\|[a-z0-9-]+)+)"
_ARGUMENT = rf" \[?(?!OPTIONS\])(?!COMMAND){_TOKEN}( \[{_TOKEN} \.\.\.\])?\]?"
_USAGE_ARGS = re.compile(rf"( COMMAND)?({_ARGUMENT})*( \[OPTIONS\])?")


def test_every_usage_line_is_the_command_path_then_argument_names_then_options() -> None:
    # Walks the live tree, so braces, <types>, lowercase or [OPTIONS] before an argument in
    # any command's usage line (issue 14 §3: "iamctl simulate run FILE.toml") fails here.
    from typer._click import Context

    gen_docs, tree = _tree()
    bad = []
    for path, command in gen_docs.walk(tree):
        ctx = Context(command, info_name=" ".join(("iamctl", *path)))
        line = help_module.usage(command, ctx)
        rest = line.removeprefix(" ".join(("iamctl", *path)))
        if not _USAGE_ARGS.fullmatch(rest):
            bad.append(line)
    assert bad == []
    run = dict(gen_docs.walk(tree))[("simulate", "run")]
    assert help_module.usage(run, Context(run, info_name="iamctl simulate run")) == "iamctl simulate run FILE.toml"


def test_usage_lines_read_as_in_the_issue(cli) -> None:
    out = cli("user", "create", "--help").out
    assert out.splitlines()[0] == " Usage: iamctl user create NAME [NAME ...] [OPTIONS]"
    assert cli("user", "get", "--help").out.splitlines()[0] == " Usage: iamctl user get USER"
    assert cli("account", "get", "--help").out.splitlines()[0] == " Usage: iamctl account get [ID-OR-ALIAS]"


def test_help_ends_with_its_examples(cli) -> None:
    out = cli("user", "create", "--help").out.rstrip("\n").splitlines()
    assert out[-3:] == [
        " Examples:",
        "  iamctl user create alice --path /engineering/ --tag team=web",
        "  iamctl user create alice bob carol",
    ]


def test_docstring_line_breaks_are_not_carried_into_help(monkeypatch, cli) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = cli("--help").out
    # HELP breaks its source lines after "in them the way" and "AWS does."; the rendered
    # paragraph is filled to the width instead.
    assert " the way AWS does." in out.replace("\n ", " ")
    assert "\n AWS does." not in out
    paragraph = cli("account", "authorization-details", "--help").out
    assert "relationships (aws iam get-account-authorization-details)" in paragraph.replace("\n ", " ")


def test_preformatted_blocks_in_docstrings_stay_as_written(cli) -> None:
    out = cli("billing", "usage", "import", "--help").out
    assert "   account_id   12 digits; an account in the store" in out


def test_root_help_lists_the_global_options_in_its_options_box(cli) -> None:
    out = cli("--help").out
    box = out[out.index("─ Options ") : out.index("─ Commands ")]
    for name in ("--store PATH", "--account ID-OR-ALIAS", "--output FORMAT", "--query JMESPATH", "--no-color"):
        assert name in box
    assert "IAMCTL_STORE" in box


@pytest.mark.parametrize(
    "words", [(), ("user",), ("user", "create"), ("policy", "version", "get"), ("billing", "usage", "add")]
)
def test_iamctl_help_shows_the_same_help_as_dash_dash_help(cli, words) -> None:
    via_help = cli("help", *words)
    via_flag = cli(*words, "--help")
    assert via_help.code == via_flag.code == 0
    assert via_help.out == via_flag.out and via_help.out.startswith(" Usage: iamctl")


def test_iamctl_help_of_an_unknown_command_is_a_usage_error(cli) -> None:
    result = cli("help", "usr")
    assert result.code == 2
    assert "No such command 'usr'" in result.err and "user" in result.err


def test_example_lines_break_only_between_an_option_and_the_next() -> None:
    line = (
        "iamctl role assume-saml ADFS-Dev --provider ADFS --subject alice --session-name alice "
        "--issuer http://adfs.example.com/adfs/services/trust"
    )
    lines = help_module.wrap_command(line, 60, indent="    ")
    assert all(len(x) <= 60 for x in lines)
    assert all(x.endswith(" \\") for x in lines[:-1])
    joined = " ".join(x.removesuffix(" \\").strip() for x in lines)
    assert joined == line
    for x in lines[1:]:
        assert x.strip().startswith("--")  # each continuation starts with an option, value kept with it


def _run_in_terminal(*argv: str, no_color: bool = False) -> str:
    """iamctl's stdout as a terminal would get it (colour is only for terminals)."""
    primary, secondary = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "80", "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    if no_color:
        env["NO_COLOR"] = "1"
    proc = subprocess.Popen([sys.executable, "-m", "iamctl", *argv], stdout=secondary, stderr=subprocess.PIPE, env=env)
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(primary, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait()
    os.close(primary)
    return b"".join(chunks).decode()


def test_help_is_coloured_on_a_terminal_and_no_color_turns_it_off() -> None:
    assert "\x1b[" in _run_in_terminal("user", "create", "--help")
    plain = _run_in_terminal("--no-color", "user", "create", "--help")
    assert "\x1b[" not in plain and "Usage: iamctl user create" in plain
    plain = _run_in_terminal("simulate", "run", "--help", no_color=True)
    assert "\x1b" not in plain and "Usage: iamctl simulate run FILE.toml" in plain


def test_no_color_tables_on_a_terminal_have_no_escape_codes(tmp_path) -> None:
    store = str(tmp_path / "s.toml")
    assert "123456789012" in _run_in_terminal("--store", store, "init", "--account-id", "123456789012")
    _run_in_terminal("--store", store, "user", "create", "alice")
    assert "\x1b[" in _run_in_terminal("--store", store, "user", "list")
    for out in (_run_in_terminal("--no-color", "--store", store, "user", "list"),
                _run_in_terminal("--store", store, "user", "list", no_color=True),
                _run_in_terminal("--no-color", "--store", store, "user", "get", "alice")):
        assert "\x1b" not in out and "alice" in out


def test_help_piped_has_no_colour_codes(cli) -> None:
    assert "\x1b[" not in cli("user", "--help").out
