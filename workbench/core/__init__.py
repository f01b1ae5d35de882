"""The case file and everything computed from it; no Qt here (tests/test_architecture.py enforces it)."""
