"""Briefing: saved views, the Storyboard dock, presentation mode with a presenter view, and decks.

A saved view is a `views` record whose `state` JSON (see workbench.core.storyboard) captures the
time window, filters, selection, highlighted actors, the graph's positions and zoom, the timeline's
lanes and span, and which docks are open. The parts, each asking of the main window only what it
uses (a small Protocol), never the window itself:

- `state`: capture a window's panes into a view state, put them back;
- `slides`: draw one saved view as a slide (its own charts and selection), offscreen for
  thumbnails and decks;
- `storyboard`: the Storyboard dock (save, update, edit, re-order, delete: undo commands);
- `presentation`: full-screen presentation mode and the presenter view;
- `deck`: the storyboard as a PDF, PowerPoint or offline HTML file.

Case text is plain text everywhere here.
"""
