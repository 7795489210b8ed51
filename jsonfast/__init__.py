"""jsonfast: a drop-in for the standard library's json and for orjson, in Go."""
from _goaccel import json as _native  # noqa: F401  (the Go engine)

__all__: list = []
