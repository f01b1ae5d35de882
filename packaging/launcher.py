"""Entry point of the frozen app: the same `workbench` command as the pip install's script."""

import sys

from workbench.cli import main

if __name__ == "__main__":
    sys.exit(main())
