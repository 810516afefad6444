"""The least a Typer CLI costs: one group, one command that prints a line.

bench/run.py times it next to ``python -c pass`` and iamctl's commands, so that what
iamctl adds on top of the framework it is built on can be read off directly.
"""

import typer

app = typer.Typer()


@app.callback()
def root() -> None:
    pass


@app.command()
def hello(name: str) -> None:
    print(f"hello {name}")


if __name__ == "__main__":
    app()
