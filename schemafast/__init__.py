"""schemafast: python-jsonschema's API with validation in Go."""
from _goaccel import schema as _native  # noqa: F401

__all__: list = []
