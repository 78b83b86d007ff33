"""_schemas."""
