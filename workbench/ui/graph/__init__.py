"""The Actor graph dock: a link chart of actors and relations over `core.graph`, with analysis and lists.

All the computing (slicing by time and filter, layouts, metrics, paths, hit tests) is in
`workbench.core.graph`; this package draws its results and turns clicks and drags into
selections and undo steps:

- `style`: how actors and relations look (colours and shapes per kind, line styles).
- `chart`: the chart as one QGraphicsItem that paints cached paths.
- `legend`: the key to the chart, under it and in exported pictures.
- `canvas`: the view around the chart: zoom, pan, click, drag, export.
- `analysis`: the table of centralities and communities, paths and ego networks.
- `commands`: the undo step that stores chart positions.
- `pane`: the dock itself, which ties them together.
"""
