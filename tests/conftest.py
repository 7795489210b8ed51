"""Shared test fixtures. Tests import the installed wheel (make build), never
the source tree: pytest runs with --import-mode=importlib from tests/."""
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = pathlib.Path(os.environ.get("GOACCEL_CORPUS", ROOT.parent / "shared" / "corpus"))


@pytest.fixture(scope="session")
def repo_root() -> pathlib.Path:
    return ROOT


@pytest.fixture(scope="session")
def corpus() -> pathlib.Path:
    assert CORPUS.is_dir(), f"shared corpus not found at {CORPUS} (set GOACCEL_CORPUS)"
    return CORPUS
