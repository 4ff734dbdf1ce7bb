"""The build stage: the catalog turned into the build folder, one straight line of stages.

:mod:`.pipeline` runs the stages in order, :mod:`.identity` keeps GUIDs and audio
URLs stable across builds (the published state), :mod:`.placement` puts each
episode's media into the build, and :mod:`.skip` (with :mod:`.inputs`) recognises a
build with nothing changed, which then does nothing.

The names below are imported on first use: finding that nothing changed must not
import the stages (numpy, Pillow, Jinja2 … take most of a second to import).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from podcast.lazy import lazy_exports

if TYPE_CHECKING:
    from podcast.build.options import BuildOptions
    from podcast.build.pipeline import BuildResult, build, validate

__all__ = ["BuildOptions", "BuildResult", "build", "validate"]

_HOMES = {
    "BuildOptions": "podcast.build.options",
    "BuildResult": "podcast.build.pipeline",
    "build": "podcast.build.pipeline",
    "validate": "podcast.build.pipeline",
}


__getattr__ = lazy_exports(__name__, _HOMES)
