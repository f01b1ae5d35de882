"""What the app ships: the sample case, icons and themes."""
