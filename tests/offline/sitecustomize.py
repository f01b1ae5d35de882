"""Loaded by every Python subprocess the tests start (PYTHONPATH): the same socket guard as conftest.py."""

from __future__ import annotations

import os

if os.environ.get("WORKBENCH_SOCKET_GUARD") == "1":
    import importlib.util
    import sys
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("_workbench_socket_guard", Path(__file__).with_name("guard.py"))
    guard = importlib.util.module_from_spec(spec)
    sys.modules["_workbench_socket_guard"] = guard
    spec.loader.exec_module(guard)
    guard.install(fatal=True)
