"""Every billing command has help text and answers --help."""

from __future__ import annotations

import pytest
import typer

from iamctl.cli import billing

COMMANDS = [
    ("org", "create"), ("org", "get"), ("org", "roots"), ("org", "graph"), ("org", "delete"), ("invite",),
    ("handshake", "list"), ("handshake", "accept"), ("handshake", "decline"), ("handshake", "cancel"),
    ("account", "create"), ("accounts",), ("remove",), ("leave",),
    ("usage", "add"), ("usage", "list"), ("usage", "import"), ("usage", "delete"), ("prices",), ("invoice",),
    ("access", "enable"), ("access", "disable"), ("access", "get"),
    ("scp", "create"), ("scp", "list"), ("scp", "get"), ("scp", "update"), ("scp", "delete"),
    ("scp", "attach"), ("scp", "detach"), ("scp", "targets"),
    ("rcp", "create"), ("rcp", "list"), ("rcp", "get"), ("rcp", "update"), ("rcp", "delete"),
    ("rcp", "attach"), ("rcp", "detach"), ("rcp", "targets"), ("rcp", "enable"), ("rcp", "disable"),
    ("ou", "create"), ("ou", "list"), ("ou", "get"), ("ou", "rename"), ("ou", "delete"), ("move",),
]


@pytest.mark.parametrize("words", COMMANDS, ids=" ".join)
def test_help(cli, words) -> None:
    result = cli("billing", *words, "--help")
    assert result.code == 0 and result.err == ""
    assert "Usage: iamctl billing " + " ".join(words) in " ".join(result.out.split())


def test_the_list_above_is_every_command() -> None:
    click_group = typer.main.get_command(billing.app)

    def walk(group, prefix):
        for name, command in group.commands.items():
            if hasattr(command, "commands"):
                yield from walk(command, (*prefix, name))
            else:
                assert command.help, f"billing {' '.join((*prefix, name))} has no help"
                yield (*prefix, name)

    assert sorted(walk(click_group, ())) == sorted(COMMANDS)
