"""Shared fixtures: paths to the source tree, the command line and the reference flowsheets."""

import os
import pathlib

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("HYDROMET_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))


@pytest.fixture
def source_dir():
    return SOURCE_DIR


@pytest.fixture
def cli():
    path = os.environ.get("HYDROMET_CLI")
    if not path:
        pytest.fail("HYDROMET_CLI is not set; run the tests through ctest")
    return path


@pytest.fixture
def demo_flowsheet():
    return SOURCE_DIR / "flowsheets" / "w_scheelite_soda_batch.yaml"
