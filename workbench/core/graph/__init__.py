"""The actor graph of a case and what is computed from it: one module per kind of work.

- `model`: the graph (actors as nodes, relations as edges) read from a case file.
- `slicing`: the shared time window and filter applied to it; the days the play control steps through.
- `metrics`: centralities, communities, isolates, shortest paths and ego networks.
- `layouts`: the automatic layouts (stress, circular, by kind, ego) and their quality figures.
- `positions`: where the analyst left each actor on the chart, stored in the case file.
- `geometry`: how the chart draws the graph in chart units (line styles and widths, bends,
  label spacing) and which actor or relation lies under a point.

`workbench.ui.graph` only draws their results. numpy, networkx and igraph are imported inside
the functions that need them, so importing these modules (at app start-up) costs nothing.
networkx is the reference for every metric; igraph, when installed, computes the same figures
faster on large graphs.
"""
