"""The Map dock: the case's places on an offline basemap, linked to the timeline, the graph and the sources."""
