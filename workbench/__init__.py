"""Case Workbench: an offline workbench for timelines, actor graphs and sources of an investigation."""

__version__ = "0.1.0"
