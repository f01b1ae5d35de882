"""The Sources dock, one module per panel: `pane` (the dock and its tabs), `source_list`, `source_detail`,
`claim`, `health`, `reader` (the imported report), `search`; `plain` and `links` are what they share."""
