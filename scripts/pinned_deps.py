"""Prints the pinned requirements of the named optional-dependency groups
(and the build requirements) from pyproject.toml, one per line."""
import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
reqs = list(project["build-system"]["requires"])
for group in sys.argv[1:]:
    reqs += project["project"]["optional-dependencies"][group]
for r in dict.fromkeys(reqs):
    print(r)
