"""The timeline's computations: the view (`workbench.ui.timeline`) draws, these modules decide.

- `data`: a case's events as arrays, their honest time windows, the shared filter, tooltips;
  no rows, no pixels (the evidence model as the timeline reads it).
- `layout`: swimlanes in data units: lanes, sub-rows, hit tests, the time span to show.
- `frame`: one frame in device pixels: culling, merged bars and markers, labels, axis ticks.
- `kept`: `data`'s arrays kept on disk under the digest of the case's bytes, for a case opened again unchanged.
"""
