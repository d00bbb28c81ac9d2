"""`python -m kirinuki` runs the command-line interface."""

from kirinuki.cli.main import main

main()
