"""_curate."""
