"""Moved to `workbench.core.store`; this name stays only while branches that import it are merged."""

from workbench.core.store import *  # noqa: F403
from workbench.core.store import __all__  # noqa: F401
