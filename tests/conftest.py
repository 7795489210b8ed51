"""Shared test fixtures. Tests import the installed wheel (make build), never
the source tree: pytest runs with --import-mode=importlib from tests/."""
import os
import pathlib
import sys

import pytest

# Helpers shared by several folders (appserver_harness.py) import by name.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = pathlib.Path(os.environ.get("GOACCEL_CORPUS", ROOT.parent / "shared" / "corpus"))


@pytest.fixture(scope="session")
def repo_root() -> pathlib.Path:
    return ROOT


@pytest.fixture(scope="session")
def corpus() -> pathlib.Path:
    assert CORPUS.is_dir(), f"shared corpus not found at {CORPUS} (set GOACCEL_CORPUS)"
    return CORPUS


# Property tests: no per-example deadline (a loaded 2-core machine makes any
# deadline flaky) and, in CI, a fixed seed, so a run is reproducible and a
# red CI always means the same failing example.
from hypothesis import settings as _hsettings  # noqa: E402

_hsettings.register_profile("goaccel", deadline=None)
_hsettings.register_profile("goaccel-ci", deadline=None, derandomize=True, database=None)
_hsettings.load_profile("goaccel-ci" if os.environ.get("CI") else "goaccel")
