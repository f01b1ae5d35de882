"""`python -m workbench`: the same as the `workbench` command."""

import sys

from workbench.cli import main

if __name__ == "__main__":  # importing this module (as tests that import every module do) runs nothing
    sys.exit(main())
