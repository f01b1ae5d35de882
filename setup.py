"""Packages for setuptools: every package under workbench/, found automatically, and resources/ as
workbench.resources (the rest of the configuration is in pyproject.toml)."""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["workbench", "workbench.*"]), "workbench.resources"])
