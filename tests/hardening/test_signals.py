"""Ctrl-C: exit 130 with one line and no traceback from iamctl's first instruction on;
once the change is being saved, the command finishes and exits 0 (README "Exit codes").

The child processes run what the console script runs (``from iamctl.__main__ import
main; main()``), preceded by a launcher line that tells the test the interpreter has
started: a signal before that is the interpreter's own business (see README).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from tests.hardening.conftest import process_env, users_in_store

pytestmark = pytest.mark.usefixtures("small_store")

INTERRUPTED = "iamctl: interrupted\n"
LATE = "iamctl: Ctrl-C came while the change was being saved; the change is saved and the command finished.\n"

# The console script's two lines, with a byte on a pipe in between.
LAUNCHER = textwrap.dedent("""\
    import os, sys
    PREPARE
    from iamctl.__main__ import main
    fd = int(sys.argv.pop(1))
    os.write(fd, b".")
    os.close(fd)
    main()
""")


def launch(argv: list[str], prepare: str = "") -> subprocess.Popen:
    """Start iamctl ARGV; return once its interpreter runs iamctl's entry module."""
    read_end, write_end = os.pipe()
    code = LAUNCHER.replace("PREPARE", prepare)
    proc = subprocess.Popen([sys.executable, "-c", code, str(write_end), *argv], env=process_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, pass_fds=[write_end])
    os.close(write_end)
    try:
        assert os.read(read_end, 1) == b".", proc.communicate()
    finally:
        os.close(read_end)
    return proc


def test_the_entry_module_takes_over_ctrl_c_before_loading_anything_else():
    probe = ("import signal, sys\nimport iamctl.__main__\nfrom iamctl.cli import interrupts\n"
             "print(signal.getsignal(signal.SIGINT) is interrupts._on_sigint)\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('iamctl', 'typer', 'rich', 'tomlkit')))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=process_env(), check=True)
    assert out.stdout.splitlines() == ["True", "['iamctl', 'iamctl.__main__', 'iamctl.cli', 'iamctl.cli.interrupts']"]


def test_ctrl_c_at_random_moments_never_leaves_a_traceback_or_a_wrong_status(cli):
    """20 create commands, each interrupted after a random delay from 0 to 0.35 s (imports,
    store read, body, save, output): each exits 130 having changed nothing, or 0 having
    made the user."""
    rng = random.Random(20261130)
    seen = set()
    for i in range(20):
        name = f"u{i}"
        proc = launch(["user", "create", name, "--output", "json"])
        delay = rng.uniform(0, 0.35)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        made = name in users_in_store(cli)
        seen.add(proc.returncode)
        if proc.returncode == 130:
            assert (out, err, made) == ("", INTERRUPTED, False), (delay, err)
        else:
            assert proc.returncode == 0, (delay, proc.returncode, err)
            assert made and json.loads(out)["User"]["UserName"] == name
            assert err in ("", LATE), (delay, err)
    assert 130 in seen  # the delays reach into the imports


def test_ctrl_c_while_the_store_is_renamed_into_place_finishes_with_0(cli):
    # the signal is sent from inside os.replace, just before and just after the rename
    for when in ("before", "after"):
        prepare = textwrap.dedent(f"""\
            import signal
            _replace = os.replace
            def replace(src, dst, **kw):
                if "{when}" == "before": os.kill(os.getpid(), signal.SIGINT)
                _replace(src, dst, **kw)
                if "{when}" == "after": os.kill(os.getpid(), signal.SIGINT)
            os.replace = replace
        """)
        proc = launch(["user", "create", f"late-{when}", "--output", "json"], prepare)
        out, err = proc.communicate(timeout=60)
        assert (proc.returncode, err) == (0, LATE)
        assert json.loads(out)["User"]["UserName"] == f"late-{when}"
        assert f"late-{when}" in users_in_store(cli)


def test_ctrl_c_as_the_command_starts_exits_130_at_once(cli):
    proc = launch(["user", "create", "early"], "import signal")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, out, err) == (130, "", INTERRUPTED)
    assert "early" not in users_in_store(cli)


def test_ctrl_c_at_a_prompt_unwinds_so_the_terminal_gets_its_echo_back():
    # getpass restores the terminal in a finally block: there Ctrl-C must raise, not exit
    probe = textwrap.dedent("""\
        import os, signal
        from iamctl.cli import interrupts
        interrupts.install()
        try:
            with interrupts.unwinding():
                os.kill(os.getpid(), signal.SIGINT)
                signal.pause()
        except KeyboardInterrupt:
            print("unwound")
    """)
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=process_env())
    assert (out.returncode, out.stdout) == (0, "unwound\n")


def test_a_finished_command_keeps_its_status_when_ctrl_c_comes_during_shutdown():
    probe = textwrap.dedent("""\
        import os, signal, sys
        from iamctl.cli import interrupts
        interrupts.install()
        interrupts.hold_until_exit()
        os.kill(os.getpid(), signal.SIGINT)
        sys.exit(0)
    """)
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=process_env())
    assert (out.returncode, out.stderr) == (0, "")
