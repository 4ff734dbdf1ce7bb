"""The build stage: the catalog turned into the build folder, one straight line of stages.

:mod:`.pipeline` runs the stages in order, :mod:`.identity` keeps GUIDs and audio
URLs stable across builds (the published state), :mod:`.placement` puts each
episode's media into the build, and :mod:`.skip` (with :mod:`.inputs`) recognises a
build with nothing changed, which then does nothing.

The names below are imported on first use: finding that nothing changed must not
import the stages (numpy, Pillow, Jinja2 … take most of a second to import).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_HOMES[name]), name)
    globals()[name] = value
    return value
