"""Data sources: the official Home Office counts, Channel weather, and the data home."""
