"""Fixtures of the publish tests."""

from __future__ import annotations

import pytest

from podcast.build import BuildOptions, build
from tests.publish.showfiles import NOW, write_catalog


@pytest.fixture(scope="session")
def show(tmp_path_factory, tone_master, artwork_file):
    """The fixture show built once: (catalog, build folder). Tests must leave it as it was."""
    base = tmp_path_factory.mktemp("show")
    catalog = write_catalog(base / "episodes", tone_master, artwork_file)
    output = base / "feed"
    build(BuildOptions(catalog=catalog, output=output, cache=base / ".cache", now=NOW, jobs=2))
    return catalog, output
