"""What a command loads: `--version` answers without Typer; rich only for a table."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from iamctl import __version__
from tests.hardening.conftest import process_env

PROBE = textwrap.dedent("""\
    import atexit, sys
    def loaded():
        roots = {m.split(".")[0] for m in sys.modules}
        print("LOADED", " ".join(sorted(roots & {"typer", "rich", "msgspec", "tomlkit", "jmespath"})), file=sys.stderr)
    atexit.register(loaded)
    sys.argv = ["iamctl", *sys.argv[1:]]
    from iamctl.__main__ import main
    main()
""")


def loaded(*argv: str) -> tuple[int, str, set[str]]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, env=process_env())
    line = next(x for x in proc.stderr.splitlines() if x.startswith("LOADED"))
    return proc.returncode, proc.stdout, set(line.split()[1:])


def test_version_is_printed_without_typer():
    code, out, modules = loaded("--version")
    assert (code, out) == (0, f"iamctl {__version__}\n")
    assert modules == set()


@pytest.mark.usefixtures("small_store")
def test_rich_is_loaded_only_to_print_a_table(tmp_path):
    cases = tmp_path / "cases.toml"
    cases.write_text('[[case]]\nname = "home"\nprincipal = "alice"\naction = "s3:GetObject"\nexpect = "denied"\n')
    code, _, modules = loaded("simulate", "run", str(cases), "--output", "json")
    assert code == 0 and "rich" not in modules
    for argv in (("user", "list", "--output", "json"), ("user", "list", "--output", "text"),
                 ("simulate", "principal", "alice", "--action", "s3:GetObject", "--output", "json")):
        assert "rich" not in loaded(*argv)[2], argv
    assert "rich" in loaded("user", "list")[2]  # the default output is a table
