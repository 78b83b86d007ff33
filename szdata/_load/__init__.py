"""_load."""
