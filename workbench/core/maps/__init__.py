"""The map of a case's places, without Qt: projection, the offline basemap, and what the Map dock draws."""
