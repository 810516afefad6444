"""The command line: Typer apps, one module per noun. Nothing here knows TOML or policy rules."""
