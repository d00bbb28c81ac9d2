"""The command-line adapter (Typer + Rich): parse, call one journal function, render."""
