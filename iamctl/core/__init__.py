"""The domain: importable without typer or rich."""
