"""`python -m initlint`: the same as the `initlint` command."""
from initlint.cli import main

if __name__ == "__main__":
    main(prog_name="initlint")
