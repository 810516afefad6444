"""Where the iamctl process starts: the console script and ``python -m iamctl``.

Its first statement takes over Ctrl-C, before the rest of iamctl (Typer, the commands)
loads: a signal during those imports then exits 130 with one line, not a traceback.
A TAB (``iamctl __complete``) is answered by cli/complete.py before Typer is imported.
"""

from iamctl.cli import interrupts

interrupts.install()


def main() -> None:
    from iamctl.cli.complete import main as run_command  # only now: see the docstring

    run_command()


if __name__ == "__main__":
    main()
