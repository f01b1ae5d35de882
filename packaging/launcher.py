"""Entry point of the frozen app: the same `workbench` command as the pip install's script."""

import multiprocessing
import sys

from workbench.cli import main

if __name__ == "__main__":
    # Exact betweenness runs in a child process (core/graph/metrics.py): the frozen executable
    # started as that child must run it, not open a second window.
    multiprocessing.freeze_support()
    sys.exit(main())
