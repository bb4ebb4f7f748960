"""`python -m close ...` runs the command line, as the `close` script does."""
from close.cli import main

if __name__ == "__main__":
    main()
