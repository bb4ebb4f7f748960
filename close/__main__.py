"""`python -m close ...` runs the command line, as the `close` script does."""
from close.cli import main

main()
